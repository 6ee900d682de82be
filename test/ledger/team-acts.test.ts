// Acting from your own machine through the ledger: operator, approver and incident commander on
// three vaults, each driven by its own CLI processes. The operator offers the plan, the approver
// signs it on their workstation, the operator's workstation receives and records it and the
// command step then runs; the incident commander signs the GO there too. A forged approval (a
// key that is not the approver's: a stranger's own, or the approver's signature replayed by
// another workstation) is refused and named, and the operator's chain head does not move.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addIdentityFrom, identityStatementFor, IDENTITY_NAMESPACE, proveIdentity } from '../../src/core/identity';
import { APPROVAL_SENT } from '../../src/core/ledger';
import { sshsigSign, type Signer } from '../../src/core/signing';
import { Vault } from '../../src/core/vault';
import { describeRun, expectNoCrash, PASSPHRASE, runCli, type CliResult } from '../helpers/cli';
import { addOwner } from '../helpers/people';
import { useTempDir } from '../helpers/tmp';
import { ledgerRows, useLedger } from './fixture';

const RUNBOOK = `
format: cutover-runbook/v1
id: team-ledger
title: Team ledger
version: "1"
policy: { approvals: { quorum: 1 } }
targets:
  ws: { kind: local, cwd: "DIR" }
preconditions:
  - { id: freeze, kind: attest, title: Write freeze, statement: "Write freeze confirmed" }
phases:
  - id: P0
    title: Checks
    steps:
      - { id: look, kind: check, title: Look, target: ws, run: "echo looking", read_only: true }
  - id: P1
    title: Change
    steps:
      - { id: change, kind: command, title: Change, target: ws, run: "echo changed" }
`;

/** A vault owned by `name` (a key generated into it, proven), as that person's own workstation. */
async function ownVault(dir: string, name: string, roles: ('operator' | 'approver')[]): Promise<{ path: string; signer: Signer }> {
  const path = join(dir, `${name}.vault`);
  const vault = Vault.create(path, PASSPHRASE);
  try {
    const owner = await addOwner(vault, name, roles);
    return { path, signer: owner.signer };
  } finally {
    vault.close();
  }
}

/** The operator registers a person by their public key; the person proves it with their own key. */
async function enrol(path: string, name: string, signer: Signer): Promise<void> {
  const vault = Vault.open(path, { passphrase: PASSPHRASE });
  try {
    await addIdentityFrom(vault, { name, roles: ['approver'], source: { kind: 'public', publicKey: signer.publicKey }, actor: 'op' });
    const statement = Buffer.from(identityStatementFor(vault, name));
    proveIdentity(vault, { name, statement, signature: await sshsigSign(signer, statement, IDENTITY_NAMESPACE), actor: 'op' });
  } finally {
    vault.close();
  }
}

function headOf(path: string): { seq: number; hash: string } {
  const vault = Vault.openReadOnly(path, { passphrase: PASSPHRASE });
  try {
    return vault.head();
  } finally {
    vault.close();
  }
}

async function as(actor: string, args: string[], code = 0): Promise<CliResult> {
  const r = await runCli(args, { env: { CUTOVER_ACTOR: actor } });
  expect(r.code, describeRun(r)).toBe(code);
  expectNoCrash(r);
  return r;
}

describe('acting from your own machine through the ledger', () => {
  it('the approver signs the plan on their workstation, the operator receives it and the command runs; the GO comes the same way; forged approvals are refused with the head unchanged', async () => {
    const db = await useLedger();
    const dir = useTempDir('cutover-ledger-team-');
    const op = await ownVault(dir, 'op', ['operator']);
    const ap1 = await ownVault(dir, 'ap1', ['approver']);
    const ic = await ownVault(dir, 'ic', ['approver']);
    const mallory = await ownVault(dir, 'mallory', ['approver']);
    await enrol(op.path, 'ap1', ap1.signer);
    await enrol(op.path, 'ic', ic.signer);
    for (const [who, v, ws] of [['op', op, 'op-ws'], ['ap1', ap1, 'ap1-ws'], ['ic', ic, 'ic-ws'], ['mallory', mallory, 'mallory-ws']] as const) {
      await as(who, ['ledger', 'join', '--vault', v.path, '--db', db.dsn, '--name', ws]);
    }

    const runbook = join(dir, 'runbook.yaml');
    writeFileSync(runbook, RUNBOOK.replace('DIR', dir));
    const started = await as('op', ['run', 'start', '--vault', op.path, '--runbook', runbook, '--env', 'rehearsal', '--json']);
    const runId = (JSON.parse(started.stdout) as { runId: string }).runId;
    await as('op', ['run', 'attest', '--vault', op.path, runId, 'freeze']);
    await as('op', ['run', 'step', '--vault', op.path, runId, 'look']);
    const unapproved = headOf(op.path);
    const refused = await as('op', ['run', 'step', '--vault', op.path, runId, 'change'], 2);
    expect(refused.stderr).toMatch(/approv/i);
    expect(headOf(op.path)).toEqual(unapproved);

    const offered = await as('op', ['ledger', 'offer', '--vault', op.path, runId]);
    expect(offered.stdout).toMatch(/^Offered the plan of run .* \(2 step\(s\) that execute, sha256 [0-9a-f]{64}\)/);
    expect(offered.stderr).not.toMatch(/ledger is behind/);

    // A stranger's workstation "approves" with its own key: it is no identity of the operator's vault.
    await as('mallory', ['ledger', 'approve', '--vault', mallory.path, runId]);
    const before = headOf(op.path);
    const strangers = await as('op', ['ledger', 'receive', '--vault', op.path], 1);
    expect(strangers.stderr).toMatch(new RegExp(`^cutover: refused approval from mallory-ws event #\\d+ \\(run ${runId}, by mallory\\): The key SHA256:\\S+ that signed this approval is not an identity in this vault\\.$`, 'm'));
    expect(headOf(op.path)).toEqual(before);

    // The approver, on their own workstation, sees the plan and signs it.
    const approved = await as('ap1', ['ledger', 'approve', '--vault', ap1.path, runId]);
    expect(approved.stdout).toContain(`Plan of run ${runId}: runbook team-ledger v1`);
    expect(approved.stdout).toMatch(/change {2}command {2}on ws \(local\): echo changed/);
    expect(approved.stdout).toMatch(/^Signed plan sha256 [0-9a-f]{64} with SHA256:\S+; sent to op-ws through the ledger\.$/m);

    // Another workstation replays the approver's signature as its own: not signed by its key, refused.
    const ap1Vault = Vault.openReadOnly(ap1.path, { passphrase: PASSPHRASE });
    const sent = ap1Vault.events().find((e) => e.type === APPROVAL_SENT)!;
    ap1Vault.close();
    const m = Vault.open(mallory.path, { passphrase: PASSPHRASE });
    m.append({ actor: 'mallory', type: APPROVAL_SENT, payload: sent.payload });
    m.close();
    await as('mallory', ['ledger', 'publish', '--vault', mallory.path]);

    const received = await as('op', ['ledger', 'receive', '--vault', op.path], 1);
    expect(received.stdout).toMatch(/^1 recorded, 0 already recorded, 2 refused\.$/m);
    expect(received.stdout).toMatch(new RegExp(`recorded {2}ap1-ws #\\d+ {2}approval of run ${runId} by ap1: approval of plan [0-9a-f]{12}… by ap1 recorded`));
    expect(received.stderr).toMatch(/^cutover: refused approval from mallory-ws event #\d+ \(run .*, by mallory\): it is not signed by mallory-ws's own key SHA256:\S+ .*a workstation sends only its owner's approvals and acts$/m);
    const afterApproval = headOf(op.path);
    expect(afterApproval.seq).toBe(before.seq + 1);
    // Receiving again records nothing twice; the refusals are named again (they are read again: the
    // run may allow them later) and move nothing; the approval already recorded is not read again.
    const again = await as('op', ['ledger', 'receive', '--vault', op.path], 1);
    expect(again.stdout).toMatch(/^0 recorded, 0 already recorded, 2 refused\.$/m);
    const fromStart = await as('op', ['ledger', 'receive', '--vault', op.path, '--from-start'], 1);
    expect(fromStart.stdout).toMatch(/^0 recorded, 1 already recorded, 2 refused\.$/m);
    expect(headOf(op.path)).toEqual(afterApproval);

    const change = await as('op', ['run', 'step', '--vault', op.path, runId, 'change']);
    expect(change.stdout).toContain('change: PASS');

    // The incident commander's GO, signed on their own workstation.
    const go = await as('ic', ['ledger', 'decide', '--vault', ic.path, runId, '--authorization', 'Approved', '--note', 'GO from the war room']);
    expect(go.stdout).toMatch(/^Signed decision\.record on run .* as ic \(SHA256:\S+\): authorization=Approved, note=GO from the war room; sent to op-ws through the ledger\.$/m);
    const goReceived = await as('op', ['ledger', 'receive', '--vault', op.path], 1);
    expect(goReceived.stdout).toMatch(/recorded {2}ic-ws #\d+ {2}decision\.record of run .* by ic: decision by ic recorded/);
    const decision = await as('op', ['run', 'decision', '--vault', op.path, runId, '--json']);
    expect(JSON.stringify(JSON.parse(decision.stdout))).toMatch(/"Approved"/);

    // Every one of these events is in the ledger, and the ledger holds.
    expect((await ledgerRows(db, 'op-ws')).length).toBe(headOf(op.path).seq);
    expect((await ledgerRows(db, 'ap1-ws')).length).toBe(headOf(ap1.path).seq);
    await as('op', ['ledger', 'verify', '--db', db.dsn]);
    const watch = await as('observer', ['ledger', 'watch', '--db', db.dsn, runId, '--once', '--heads', join(dir, 'heads.json')]);
    expect(watch.stdout).toMatch(/ap1-ws #\d+ {2}plan [0-9a-f]{12}… approved by ap1 \(SHA256:\S+\), sent to op-ws/);
    expect(watch.stdout).toMatch(/op-ws #\d+ {2}plan approved by ap1/);
    expect(watch.stdout).toMatch(/ic-ws #\d+ {2}decision\.record signed by ic: authorization=Approved, note=GO from the war room, sent to op-ws/);
    expect(watch.stdout).toMatch(/op-ws #\d+ {2}decision recorded by ic: authorization=Approved/);
    // About 25 CLI processes on a shared machine: the bound is generous, nothing here waits on a clock.
  }, 900_000);
});
