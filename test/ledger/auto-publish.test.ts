// Auto-publish: after any CLI command that appends to a vault that joined a ledger, the vault's
// outbox is drained once. The run's commands reach the ledger with no `ledger publish`; with the
// ledger unreachable the command still succeeds (one line says the ledger is behind) and a later
// command catches up, each event once, in order; a ledger that does not answer costs at most the
// time bound, never the command.
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { describeRun, PASSPHRASE, runCli, type CliResult } from '../helpers/cli';
import { PGURL, withClient, type TestDatabase } from '../helpers/pg';
import { ledgerRows, ok, useLedger, vaultWithRun } from './fixture';

function vaultHashes(path: string): string[] {
  const vault = Vault.openReadOnly(path, { passphrase: PASSPHRASE });
  try {
    return vault.events().map((e) => e.hash);
  } finally {
    vault.close();
  }
}

async function expectLedgerEqualsVault(db: TestDatabase, path: string): Promise<void> {
  const rows = await ledgerRows(db, 'ops-1');
  expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
  expect(rows.map((r) => r.hash)).toEqual(vaultHashes(path));
}

async function allowConnections(db: TestDatabase, allow: boolean): Promise<void> {
  await withClient(PGURL, (c) => c.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS ${allow}`));
}

const op = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => runCli(args, { env: { CUTOVER_ACTOR: 'op', ...env } });

describe('a joined vault publishes as it appends (the CLI hook)', () => {
  it("a run's commands appear in the ledger without `ledger publish`; with the ledger unreachable the command succeeds and a later one catches up", async () => {
    const db = await useLedger();
    const v = await vaultWithRun();
    await ok(['ledger', 'join', '--vault', v.path, '--db', db.dsn, '--name', 'ops-1']);
    // Joining appended ledger.joined: the hook published the whole chain, joining included.
    await expectLedgerEqualsVault(db, v.path);

    const look = await op(['run', 'step', '--vault', v.path, v.runId, 'look', '--json']);
    expect(look.code, describeRun(look)).toBe(0);
    expect(JSON.parse(look.stdout)).toMatchObject({ stepId: 'look', status: 'PASS' });
    expect(look.stderr).not.toMatch(/ledger/);
    await expectLedgerEqualsVault(db, v.path);
    const before = (await ledgerRows(db, 'ops-1')).length;

    // The ledger is away: the command does its work and says, in one line, that the ledger is behind.
    await allowConnections(db, false);
    let away: CliResult;
    try {
      away = await op(['run', 'step', '--vault', v.path, v.runId, 'look']);
    } finally {
      await allowConnections(db, true);
    }
    expect(away.code, describeRun(away)).toBe(0);
    expect(away.stdout).toContain('look: PASS');
    const behind = away.stderr.split('\n').filter((l) => l.includes('ledger'));
    expect(behind, describeRun(away)).toHaveLength(1);
    expect(behind[0]).toMatch(new RegExp(`^cutover: the team ledger is behind this vault \\(ops-1 holds events up to #${vaultHashes(v.path).length}\\): Cannot reach the ledger .*They are kept and go out with the next command`));
    expect((await ledgerRows(db, 'ops-1')).length).toBe(before);

    // The next command catches up: its own events and the ones the ledger missed, once, in order.
    const change = await op(['run', 'step', '--vault', v.path, v.runId, 'change']);
    expect(change.code, describeRun(change)).toBe(0);
    expect(change.stderr).not.toMatch(/ledger/);
    await expectLedgerEqualsVault(db, v.path);
    expect((await ledgerRows(db, 'ops-1')).length).toBeGreaterThan(before + 4);
    expect((await runCli(['ledger', 'verify', '--db', db.dsn])).code).toBe(0);
  });

  it('a ledger that does not answer costs the command at most the time bound, and the outbox waits for the next drain', async () => {
    const db = await useLedger();
    const v = await vaultWithRun();
    await ok(['ledger', 'join', '--vault', v.path, '--db', db.dsn, '--name', 'ops-1']);
    const before = (await ledgerRows(db, 'ops-1')).length;
    // Another session holds this workstation's publish lock: the drain waits on it until its bound.
    const holder = await db.connect();
    await holder.query(`SELECT pg_advisory_lock(hashtext('cutover-ledger-publish:ops-1'))`);
    let slow: CliResult;
    try {
      slow = await op(['run', 'step', '--vault', v.path, v.runId, 'look'], { CUTOVER_LEDGER_TIMEOUT_MS: '1000' });
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(hashtext('cutover-ledger-publish:ops-1'))`);
    }
    expect(slow.code, describeRun(slow)).toBe(0);
    expect(slow.stderr).toMatch(/^cutover: the team ledger is behind this vault \(ops-1 holds events up to #\d+\): The ledger at .* did not take ops-1's events within 1000 ms \(0 published by this run\)/m);
    expect((await ledgerRows(db, 'ops-1')).length).toBe(before);
    const vaultMore = vaultHashes(v.path).length;
    expect(vaultMore).toBeGreaterThan(before);

    const next = await op(['run', 'step', '--vault', v.path, v.runId, 'change']);
    expect(next.code, describeRun(next)).toBe(0);
    await expectLedgerEqualsVault(db, v.path);
  });
});
