// Step acts other than an attestation, from other people's own workstations through the ledger:
// the scribe records the snapshot id, the DB owner marks the manual step done, a second operator
// skips a step; each is signed on its author's workstation, published, received by the
// operator's vault and recorded through the engine. What the runbook or the run's state does not
// allow is refused to the sender before anything is signed (exit 2, their vault unchanged), and an
// act that reaches the operator anyway (signed by hand, past those checks) is refused there with
// the reason named and the operator's chain head unchanged.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACT_FORMAT, signAct, type ActDocument } from '../../src/core/acts';
import { addIdentityFrom, identityStatementFor, IDENTITY_NAMESPACE, proveIdentity } from '../../src/core/identity';
import { ACT_SENT } from '../../src/core/ledger';
import { sshsigSign, type Signer } from '../../src/core/signing';
import { Vault } from '../../src/core/vault';
import { describeRun, expectNoCrash, PASSPHRASE, runCli, type CliResult } from '../helpers/cli';
import { addOwner } from '../helpers/people';
import { useTempDir } from '../helpers/tmp';
import { asSuperuserBypassingTriggers, ledgerRows, useLedger } from './fixture';

const RUNBOOK = `
format: cutover-runbook/v1
id: team-steps
title: Team steps
version: "1"
roles:
  scribe: { min: 1 }
  db_owner: { min: 1 }
targets:
  ws: { kind: local, cwd: "DIR" }
phases:
  - id: P0
    title: Evidence
    steps:
      - { id: snapshot, kind: record, title: Snapshot id, by: scribe, fields: [ { name: snapshot_id, label: Snapshot id, pattern: '^snap-[0-9]+$' } ] }
      - { id: vacuum, kind: manual, title: Vacuum by hand, by: db_owner, instructions: "VACUUM ANALYZE" }
      - { id: look, kind: check, title: Look, target: ws, run: "echo looking", read_only: true }
`;

async function ownVault(dir: string, name: string): Promise<{ path: string; signer: Signer }> {
  const path = join(dir, `${name}.vault`);
  const vault = Vault.create(path, PASSPHRASE);
  try {
    const owner = await addOwner(vault, name, ['operator']);
    return { path, signer: owner.signer };
  } finally {
    vault.close();
  }
}

async function enrol(path: string, name: string, roles: string[], signer: Signer): Promise<void> {
  const vault = Vault.open(path, { passphrase: PASSPHRASE });
  try {
    await addIdentityFrom(vault, { name, roles, source: { kind: 'public', publicKey: signer.publicKey }, actor: 'op' });
    const statement = Buffer.from(identityStatementFor(vault, name));
    proveIdentity(vault, { name, statement, signature: await sshsigSign(signer, statement, IDENTITY_NAMESPACE), actor: 'op' });
  } finally {
    vault.close();
  }
}

function readVault<T>(path: string, fn: (vault: Vault) => T): T {
  const vault = Vault.openReadOnly(path, { passphrase: PASSPHRASE }) as unknown as Vault;
  try {
    return fn(vault);
  } finally {
    vault.close();
  }
}

const headOf = (path: string) => readVault(path, (v) => v.head());

async function as(actor: string, args: string[], code = 0): Promise<CliResult> {
  const r = await runCli(args, { env: { CUTOVER_ACTOR: actor } });
  expect(r.code, describeRun(r)).toBe(code);
  expectNoCrash(r);
  return r;
}

describe('record, done and skip from your own machine through the ledger', () => {
  it('the scribe records, the DB owner marks done, a second operator skips; what the runbook or the run does not allow is refused to the sender, and at the operator with the head unchanged', async () => {
    const db = await useLedger();
    const dir = useTempDir('cutover-ledger-steps-');
    const op = await ownVault(dir, 'op');
    const scribe = await ownVault(dir, 'sam');
    const dbo = await ownVault(dir, 'dora');
    const op2 = await ownVault(dir, 'otto');
    await enrol(op.path, 'sam', ['scribe'], scribe.signer);
    await enrol(op.path, 'dora', ['db_owner'], dbo.signer);
    await enrol(op.path, 'otto', ['operator'], op2.signer);
    for (const [who, v, ws] of [['op', op, 'op-ws'], ['sam', scribe, 'sam-ws'], ['dora', dbo, 'dora-ws'], ['otto', op2, 'otto-ws']] as const) {
      await as(who, ['ledger', 'join', '--vault', v.path, '--db', db.dsn, '--name', ws]);
    }
    const runbook = join(dir, 'runbook.yaml');
    writeFileSync(runbook, RUNBOOK.replace('DIR', dir));
    const started = await as('op', ['run', 'start', '--vault', op.path, '--runbook', runbook, '--env', 'rehearsal', '--json']);
    const runId = (JSON.parse(started.stdout) as { runId: string }).runId;

    // Refused to the sender, before anything is signed: their vault does not move.
    const samHead = headOf(scribe.path);
    const notTheirs = await as('sam', ['ledger', 'done', '--vault', scribe.path, '--runbook', runbook, runId, 'vacuum'], 2);
    expect(notTheirs.stderr).toMatch(/sam .*scribe.*db_owner.*Nothing was signed\./s);
    const badValue = await as('sam', ['ledger', 'record', '--vault', scribe.path, '--runbook', runbook, runId, 'snapshot', '--value', 'snapshot_id=latest'], 2);
    expect(badValue.stderr).toMatch(/Snapshot id "latest" does not match \/\^snap-\[0-9\]\+\$\/.*Nothing was signed\./);
    const noField = await as('sam', ['ledger', 'record', '--vault', scribe.path, '--runbook', runbook, runId, 'snapshot', '--value', 'snap=1'], 2);
    expect(noField.stderr).toMatch(/Step snapshot has no field "snap" \(it has snapshot_id\)/);
    const wrongKind = await as('sam', ['ledger', 'record', '--vault', scribe.path, '--runbook', runbook, runId, 'vacuum', '--value', 'x=1'], 2);
    expect(wrongKind.stderr).toMatch(/Step vacuum is a manual step, not a record step\. Nothing was signed\./);
    expect(headOf(scribe.path)).toEqual(samHead);

    // An act past those checks (signed by hand by the scribe, sent from their workstation): the
    // operator's workstation refuses it, names why, and its chain head does not move.
    const forged: ActDocument = { format: ACT_FORMAT, vault: readVault(op.path, (v) => v.id), run: runId, act: 'step.done', step: 'vacuum', by: { name: 'sam', fingerprint: scribe.signer.fingerprint }, what: { note: 'done it myself' }, follows: headOf(op.path) };
    const signedForged = await signAct(forged, scribe.signer);
    const s = Vault.open(scribe.path, { passphrase: PASSPHRASE });
    s.append({ actor: 'sam', type: ACT_SENT, payload: { runId, to: { workstation: 'op-ws', vault: forged.vault }, act: 'step.done', text: signedForged.text, signature: signedForged.signature, fingerprint: scribe.signer.fingerprint } });
    s.close();
    await as('sam', ['ledger', 'publish', '--vault', scribe.path]);
    const before = headOf(op.path);
    const refusedAtOperator = await as('op', ['ledger', 'receive', '--vault', op.path], 1);
    expect(refusedAtOperator.stderr).toMatch(new RegExp(`^cutover: refused step\\.done from sam-ws event #\\d+ \\(run ${runId}, by sam\\): .*sam.*db_owner`, 'm'));
    expect(headOf(op.path)).toEqual(before);
    // The refusal goes back to the sender, signed by the operator's workstation, outside any chain.
    const told = await as('sam', ['ledger', 'sent', '--vault', scribe.path], 1);
    expect(told.stdout).toMatch(new RegExp(`^REFUSED {3}#\\d+ {2}step\\.done vacuum of run ${runId} to op-ws: .*sam.*db_owner`, 'm'));
    // A refusal row nobody signed (the superuser's hand) is not believed.
    const forgedRow = await as('dora', ['ledger', 'done', '--vault', dbo.path, '--runbook', runbook, runId, 'vacuum', '--note', 'vacuumed, 3 min']);
    expect(forgedRow.stdout).toMatch(/^Signed step\.done of vacuum/m);
    const doraSent = (await ledgerRows(db, 'dora-ws')).at(-1)!;
    await db.query(`INSERT INTO cutover_ledger.refusals (workstation, about_workstation, about_seq, about_hash, ledger_id, message, signature) SELECT 'op-ws', 'dora-ws', $1, $2, id, 'refused by nobody', 'not a signature' FROM cutover_ledger.ledger`, [doraSent.seq, doraSent.hash]);
    const notBelieved = await as('dora', ['ledger', 'sent', '--vault', dbo.path]);
    expect(notBelieved.stdout).toMatch(/^waiting {3}#\d+ {2}step\.done vacuum of run .* to op-ws: op-ws has neither recorded nor refused it yet$/m);

    // What the runbook allows, from each person's own workstation.
    const recorded = await as('sam', ['ledger', 'record', '--vault', scribe.path, '--runbook', runbook, runId, 'snapshot', '--value', 'snapshot_id=snap-42']);
    expect(recorded.stdout).toMatch(new RegExp(`^Signed step\\.record of snapshot in run ${runId} as sam \\(SHA256:\\S+\\) — snapshot_id=snap-42; sent to op-ws through the ledger\\.$`, 'm'));
    const again = await as('sam', ['ledger', 'record', '--vault', scribe.path, '--runbook', runbook, runId, 'snapshot', '--value', 'snapshot_id=snap-42']);
    expect(again.stdout).toMatch(/^Already sent step\.record of snapshot/m);
    const done = await as('dora', ['ledger', 'done', '--vault', dbo.path, '--runbook', runbook, runId, 'vacuum', '--note', 'vacuumed, 3 min']);
    expect(done.stdout).toMatch(/^Already sent step\.done of vacuum .* as dora .* — note: vacuumed, 3 min; nothing new sent to op-ws/m);
    const skipped = await as('otto', ['ledger', 'skip', '--vault', op2.path, '--runbook', runbook, runId, 'look', '--reason', 'checked by hand']);
    expect(skipped.stdout).toMatch(/^Signed step\.skip of look .* as otto .* — reason: checked by hand; sent to op-ws/m);

    const received = await as('op', ['ledger', 'receive', '--vault', op.path], 1);
    expect(received.stdout).toMatch(/^3 recorded, 0 already recorded, 1 refused\.$/m);
    expect(received.stdout).toMatch(/recorded {2}sam-ws #\d+ {2}step\.record of run .* by sam: step\.record snapshot by sam recorded/);
    expect(received.stdout).toMatch(/recorded {2}dora-ws #\d+ {2}step\.done of run .* by dora: step\.done vacuum by dora recorded/);
    expect(received.stdout).toMatch(/recorded {2}otto-ws #\d+ {2}step\.skip of run .* by otto: step\.skip look by otto recorded/);
    const events = readVault(op.path, (v) => v.events());
    expect(events.find((e) => e.type === 'step.recorded')?.payload).toMatchObject({ runId, stepId: 'snapshot', values: { snapshot_id: 'snap-42' } });
    expect(events.find((e) => e.type === 'step.done')?.payload).toMatchObject({ runId, stepId: 'vacuum', note: 'vacuumed, 3 min' });
    expect(events.find((e) => e.type === 'step.skipped')?.payload).toMatchObject({ runId, stepId: 'look', reason: 'checked by hand' });
    expect(events.some((e) => e.type === 'run.completed')).toBe(true);

    // A receive reads only what is new: here the refused act again (a run may allow it later) and
    // what follows it in the scribe's chain, nothing of the other chains; --from-start reads all.
    const refusedSeq = (JSON.parse((await as('op', ['ledger', 'receive', '--vault', op.path, '--json'], 1)).stdout) as { items: Array<{ from: string; seq: number; status: string }>; rowsRead: number });
    expect(refusedSeq.items.map((i) => `${i.from}:${i.status}`)).toEqual(['sam-ws:refused', 'sam-ws:already']);
    const samRows = (await ledgerRows(db, 'sam-ws')).length;
    expect(refusedSeq.rowsRead).toBe(samRows - refusedSeq.items[0]!.seq + 1);
    const all = JSON.parse((await as('op', ['ledger', 'receive', '--vault', op.path, '--json', '--from-start'], 1)).stdout) as { items: Array<{ status: string }>; rowsRead: number };
    expect(all.rowsRead).toBe(samRows + (await ledgerRows(db, 'dora-ws')).length + (await ledgerRows(db, 'otto-ws')).length);
    expect(all.items.map((i) => i.status).sort()).toEqual(['already', 'already', 'already', 'refused']);

    // The run is over as the ledger holds it: the sender hears so, nothing is signed.
    await as('op', ['ledger', 'publish', '--vault', op.path]);
    const doraRecorded = await as('dora', ['ledger', 'sent', '--vault', dbo.path]);
    expect(doraRecorded.stdout).toMatch(/^recorded {2}#\d+ {2}step\.done vacuum of run .* to op-ws: op-ws recorded it as event #\d+ \(step\.done\)$/m);
    const late = await as('dora', ['ledger', 'done', '--vault', dbo.path, '--runbook', runbook, runId, 'vacuum'], 2);
    expect(late.stderr).toMatch(/The run is COMPLETED; nothing more changes in it.*Nothing was signed\./);
    expect((await ledgerRows(db, 'op-ws')).length).toBe(headOf(op.path).seq);
    await as('op', ['ledger', 'verify', '--db', db.dsn]);

    // The row at a head this vault received up to is rewritten: the next receive names it and
    // takes nothing from that chain (ledger verify names it too).
    const doraRows = await ledgerRows(db, 'dora-ws');
    await asSuperuserBypassingTriggers(db, `UPDATE cutover_ledger.events SET hash = $1 WHERE workstation = 'dora-ws' AND seq = $2`, ['f'.repeat(64), doraRows.at(-1)!.seq]);
    const rewritten = await as('op', ['ledger', 'receive', '--vault', op.path], 1);
    expect(rewritten.stderr).toMatch(new RegExp(`^cutover: LEDGER PROBLEM: .*dora-ws.*#${doraRows.at(-1)!.seq}.*not the one read before.*rewritten`, 'm'));
    expect(headOf(op.path).seq).toBe((await ledgerRows(db, 'op-ws')).length);
    await as('op', ['ledger', 'verify', '--db', db.dsn], 1);
  }, 900_000);
});
