// Bad input to the team commands: each is refused with exit 2 and a message saying what to do,
// before anything is signed, and the vault's chain head does not move.
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { expectRefusal, PASSPHRASE } from '../helpers/cli';
import { cli, publishedVault, useLedger, vaultWithRun } from './fixture';

function headOf(path: string): { seq: number; hash: string } {
  const vault = Vault.openReadOnly(path, { passphrase: PASSPHRASE });
  try {
    return vault.head();
  } finally {
    vault.close();
  }
}

describe('ledger offer, approve, decide, receive, checkpoint: bad input', () => {
  it('a vault that never joined, a decision with nothing decided, a retry without its step, a plan nobody offered', async () => {
    const lone = await vaultWithRun();
    const before = headOf(lone.path);
    expectRefusal(await cli(['ledger', 'approve', '--vault', lone.path, lone.runId]), 2, /This vault has not joined a ledger; join first: `cutover ledger join/);
    expectRefusal(await cli(['ledger', 'offer', '--vault', lone.path, lone.runId]), 2, /has not joined a ledger, so nobody would see the plan/);
    expectRefusal(await cli(['ledger', 'receive', '--vault', lone.path]), 2, /has not joined a ledger/);
    expectRefusal(await cli(['ledger', 'checkpoint', '--vault', lone.path]), 2, /has not joined a ledger/);
    expectRefusal(await cli(['ledger', 'decide', '--vault', lone.path, lone.runId]), 2, /Say what is decided: --authorization Approved\|Rejected/);
    expectRefusal(await cli(['ledger', 'decide', '--vault', lone.path, lone.runId, '--authorization', 'maybe']), 2, /--authorization is Approved or Rejected, got "maybe"/);
    expectRefusal(await cli(['ledger', 'decide', '--vault', lone.path, lone.runId, '--decision', 'stop', '--authorization', 'Approved']), 2, /give one of them/);
    expect(headOf(lone.path)).toEqual(before);

    const db = await useLedger();
    const v = await publishedVault(db);
    const joined = headOf(v.path);
    expectRefusal(await cli(['ledger', 'decide', '--vault', v.path, v.runId, '--decision', 'retry', '--reason', 'again']), 2, /names the step to run again: give --step/);
    expectRefusal(await cli(['ledger', 'approve', '--vault', v.path, 'no-such-run']), 2, /No workstation of the ledger at .* has offered the plan of run no-such-run\..*cutover ledger offer/);
    expectRefusal(await cli(['ledger', 'decide', '--vault', v.path, 'no-such-run', '--authorization', 'Approved']), 2, /No other workstation of the ledger at .* has published run no-such-run/);
    expect(headOf(v.path)).toEqual(joined);
  }, 600_000);
});
