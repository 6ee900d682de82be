// The engine against real targets: a local shell and the real PostgreSQL. Approvals are real
// SSHSIG signatures by identities in the vault.
import { describe, expect, it } from 'vitest';
import { buildPlan, planBytes, type ProgressUpdate } from '../../src/core/engine';
import { sshsigSign } from '../../src/core/signing';
import { PLAN_NAMESPACE } from '../../src/core/engine/plan';
import { generateEd25519, signerFromGenerated } from '../../src/core/signing';
import { useTestDatabase } from '../helpers/pg';
import { useEngineFixture } from './setup';

const SECRET = 'Sup3r-s3cret-pw-4711';

function runbook(dsn: string, extra = ''): string {
  return `
format: cutover-runbook/v1
id: engine-test
title: Engine test
version: "1"
policy: { approvals: { quorum: 2 } }
targets:
  ws: { kind: local }
  db: { kind: postgres, dsn: "${dsn}", tls: disable }
secrets: [ { name: db_password } ]
preconditions:
  - { id: freeze, kind: attest, title: Write freeze, statement: "Write freeze confirmed", evidence: prod_write_freeze_attestation.log }
phases:
  - id: P0
    at: T-60
    title: Preflight
    steps:
      - { id: snap, kind: record, title: Snapshot, fields: [ { name: snapshot_id, label: Snapshot ID, pattern: "^snap-" } ] }
      - id: sqlcheck
        kind: check
        title: DB reachable
        target: db
        sql: "select 42 as answer"
        expect: [ { value: { column: answer, equals: 42 } } ]
        evidence: sql_check.log
      - id: shcheck
        kind: check
        title: Current revision
        target: ws
        run: "echo 'current: 70a79686336c (head)'"
        read_only: true
        expect: [ { exit_code: 0 }, { value: { pattern: "current: (\\\\w+)", equals: "70a79686336c" } } ]
  - id: P1
    title: Change
    steps:
      - id: migrate
        kind: command
        title: Migrate
        target: ws
        run: "echo migrating; echo \\"pw=$SECRET_PW\\"; echo \\"PGPASSWORD=$SECRET_PW\\"; echo done"
        secret_env: { SECRET_PW: db_password }
        expect: [ { exit_code: 0 }, { output_contains: done } ]
        evidence: migrate.log
      - id: upgrade
        kind: command
        title: Upgrade
        target: ws
        run: "echo 'psycopg2.errors.DuplicateTable: relation already exists' >&2; exit 1"
        abort_on: [ { pattern: DuplicateTable } ]
        evidence: upgrade.log
      - { id: after, kind: command, title: After, target: ws, run: "echo never" }
${extra}
rollback:
  triggers: [ "DuplicateTable" ]
  steps:
    - { id: restore, kind: command, title: Restore, target: ws, run: "echo restoring" }
`;
}

describe('run engine', () => {
  it('runs a runbook: attest, record, checks, approved commands, abort gate → BLOCKED → rollback', async () => {
    const db = await useTestDatabase();
    const fx = await useEngineFixture({ db_password: SECRET });
    const screen: ProgressUpdate[] = [];
    const op = fx.engine('op', { onProgress: (u) => screen.push(u) });
    const run = await op.startRun({ text: runbook(db.target().dsn), source: 'engine-test.yaml', environment: 'rehearsal' });

    expect((await op.attest(run.runId, 'freeze')).status).toBe('PASS');
    await expect(op.record(run.runId, 'snap', { snapshot_id: 'nope' })).rejects.toThrow(/does not match/);
    expect((await op.record(run.runId, 'snap', { snapshot_id: 'snap-0042' })).values).toEqual({ snapshot_id: 'snap-0042' });
    expect((await op.executeStep(run.runId, 'sqlcheck')).status).toBe('PASS');
    const sh = await op.executeStep(run.runId, 'shcheck');
    expect(sh.status).toBe('PASS');
    expect(op.status(run.runId).steps.get('shcheck')!.readOnly).toBe('declared');
    expect(op.status(run.runId).steps.get('sqlcheck')!.readOnly).toBe('enforced');

    await expect(op.executeStep(run.runId, 'migrate')).rejects.toThrow(/not approved: needs 2 approver signature\(s\) over this step, has 0/);
    await fx.engine('ap1').approve(run.runId, 'ap1', fx.signer('ap1'));
    await expect(op.executeStep(run.runId, 'migrate')).rejects.toThrow(/has 1/);
    await fx.engine('ap2').approve(run.runId, 'ap2', fx.signer('ap2'));

    const migrate = await op.executeStep(run.runId, 'migrate');
    expect(migrate.status).toBe('PASS');
    const transcript = Buffer.concat([...fx.vault.readArtifact(migrate.transcript.artifactId)]).toString();
    expect(transcript).toContain('pw=[REDACTED]');
    expect(transcript).toContain('PGPASSWORD=[REDACTED]');
    expect(transcript).not.toContain(SECRET);

    const upgrade = await op.executeStep(run.runId, 'upgrade');
    expect(upgrade).toMatchObject({ status: 'FAIL', blocked: true });
    expect(upgrade.gates.find((g) => g.kind === 'abort')?.detail).toMatch(/DuplicateTable/);
    expect(op.status(run.runId).status).toBe('BLOCKED');
    await expect(op.executeStep(run.runId, 'after')).rejects.toThrow(/BLOCKED at upgrade/);
    await expect(op.executeStep(run.runId, 'restore')).rejects.toThrow(/BLOCKED at upgrade/);
    await expect(op.decide(run.runId, 'rollback', ' ')).rejects.toThrow(/needs a reason/);
    expect((await op.decide(run.runId, 'rollback', 'DuplicateTable in upgrade; PITR path')).status).toBe('ROLLBACK');
    await expect(op.executeStep(run.runId, 'after')).rejects.toThrow(/rollback path/);
    expect((await op.executeStep(run.runId, 'restore')).status).toBe('PASS');

    // Everything is evidence, the chain verifies, and the secret is nowhere in the decrypted vault or on screen.
    expect(fx.vault.verify().ok).toBe(true);
    const types = fx.vault.events().map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['runbook.stored', 'run.started', 'step.attested', 'step.recorded', 'step.started', 'step.finished', 'approval.added', 'run.blocked', 'run.decision']));
    const db2 = fx.vault.database.$client;
    for (const { name } of db2.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]) {
      for (const row of db2.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
        for (const value of Object.values(row)) expect(Buffer.isBuffer(value) ? value.includes(SECRET) : String(value).includes(SECRET), `${name} holds the secret`).toBe(false);
      }
    }
    expect(screen.map((u) => u.text).join('')).not.toContain(SECRET);
    expect(screen.map((u) => u.text).join('')).toContain('pw=[REDACTED]');
  });

  it('refuses approvals from the operator, a non-approver, an unknown key, or for a different command', async () => {
    const db = await useTestDatabase();
    const fx = await useEngineFixture({ db_password: SECRET });
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(db.target().dsn), source: 'engine-test.yaml', environment: 'production' });
    const bytes = op.exportPlan(run.runId).bytes;

    await expect(op.approve(run.runId, 'op', fx.signer('op'))).rejects.toThrow(/operator of this run and cannot approve it/);
    await expect(op.approve(run.runId, 'obs', fx.signer('obs'))).rejects.toThrow(/does not have the approver role/);
    const stranger = signerFromGenerated(generateEd25519('stranger').privateKey);
    expect(() => op.importApproval(run.runId, bytes, '')).toThrow(/does not verify/);
    await expect(sshsigSign(stranger, bytes, PLAN_NAMESPACE).then((sig) => op.importApproval(run.runId, bytes, sig))).rejects.toThrow(/not an identity in this vault/);
    await expect(sshsigSign(fx.signer('ap1'), bytes, 'file').then((sig) => op.importApproval(run.runId, bytes, sig))).rejects.toThrow(/wrong-namespace/);

    // Both approvers sign a plan whose command text differs from the runbook's: valid
    // signatures, but they do not cover the step that would run.
    const tampered = buildPlan(op.status(run.runId));
    tampered.steps.find((s) => s.stepId === 'migrate')!.command = 'echo something else';
    const tamperedBytes = planBytes(tampered);
    for (const name of ['ap1', 'ap2']) op.importApproval(run.runId, tamperedBytes, await sshsigSign(fx.signer(name), tamperedBytes, PLAN_NAMESPACE));
    const auth = op.authorization(run.runId, 'migrate')!;
    expect(auth.authorized).toBe(false);
    expect(auth.reason).toMatch(/ap1: step migrate changed since it was approved \(command\)/);
    // A command runs only after every precondition and earlier step, so settle those first: the
    // shell check's plan entry is unchanged, so the same signatures do cover it in production;
    // the SQL check is skipped (a superuser DSN is refused for checks in production).
    await op.attest(run.runId, 'freeze');
    await op.record(run.runId, 'snap', { snapshot_id: 'snap-0042' });
    expect(op.authorization(run.runId, 'shcheck')!.authorized).toBe(true);
    expect((await op.executeStep(run.runId, 'shcheck')).status).toBe('PASS');
    await op.skip(run.runId, 'sqlcheck', 'not under test here');
    await expect(op.executeStep(run.runId, 'migrate')).rejects.toThrow(/not approved/);
    // The same approvers' signatures over another run's plan do not count here either.
    const other = await op.startRun({ text: runbook(db.target().dsn), source: 'engine-test.yaml', environment: 'production' });
    const otherBytes = op.exportPlan(other.runId).bytes;
    expect(() => op.importApproval(run.runId, otherBytes, '-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----')).toThrow(/does not verify/);
    const sig = await sshsigSign(fx.signer('ap1'), otherBytes, PLAN_NAMESPACE);
    expect(() => op.importApproval(run.runId, otherBytes, sig)).toThrow(/is for run/);
  });

  it('FAILs a read-only SQL check that tries to write: PostgreSQL refuses it', async () => {
    const db = await useTestDatabase();
    const fx = await useEngineFixture({ db_password: SECRET });
    const extra = `  - id: P2
    title: Sneaky
    steps:
      - { id: sneaky, kind: check, title: Sneaky write, target: db, sql: "create table sneaky (id int)" }`;
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(db.target().dsn, extra), source: 'engine-test.yaml', environment: 'rehearsal' });
    const outcome = await op.executeStep(run.runId, 'sneaky');
    expect(outcome.status).toBe('FAIL');
    expect(outcome.failure).toMatchObject({ kind: 'sql_error', sqlState: '25006' });
    expect((await db.query(`SELECT to_regclass('public.sneaky') AS t`)).rows[0]?.t).toBeNull();
    expect(op.status(run.runId).status).toBe('BLOCKED');
  });

  it('cancels a command at once when an abort gate says on_match: cancel', async () => {
    const db = await useTestDatabase();
    const fx = await useEngineFixture({ db_password: SECRET });
    const extra = `  - id: P2
    title: Locks
    steps:
      - id: locky
        kind: check
        title: Lock watch
        target: ws
        read_only: true
        run: "echo 'ERROR: LockNotAvailable'; sleep 30; echo finished"
        abort_on: [ { pattern: LockNotAvailable, on_match: cancel } ]`;
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(db.target().dsn, extra), source: 'engine-test.yaml', environment: 'rehearsal' });
    const started = Date.now();
    const outcome = await op.executeStep(run.runId, 'locky');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(outcome).toMatchObject({ status: 'FAIL', blocked: true });
    expect(outcome.failure?.kind).toBe('cancelled');
    expect(Buffer.concat([...fx.vault.readArtifact(outcome.transcript.artifactId)]).toString()).not.toContain('finished');
  });
});
