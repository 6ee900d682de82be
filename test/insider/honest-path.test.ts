// The honest path, end to end, through the real CLI: the operator owns the vault; two approvers
// each keep their key in their OWN ssh-agent on their own machine, prove their identity, sign the
// plan and their attestation with plain `ssh-keygen -Y sign` (through their agent); the operator
// imports them; a production run on a real PostgreSQL (a private cluster, SQL checks through a
// read-only check login) completes; an approver records the formal decision, signed the same way;
// `cutover vault verify` is clean, and every signed act checks with `ssh-keygen -Y verify`.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPrivateServer } from '../checks/cluster';
import { describeRun } from '../helpers/cli';
import { withClient } from '../helpers/pg';
import { NS, signAs, World, type Person } from './world';

/** `ssh-keygen -Y verify` of an act as recorded in the chain, against the person's own .pub. */
function keygenVerifies(person: Person, dir: string, text: string, signature: string, namespace: string): { ok: boolean; out: string } {
  const allowed = join(dir, `allowed-${person.name}`);
  const sig = join(dir, `act-${Math.random().toString(36).slice(2)}.sig`);
  writeFileSync(allowed, `${person.name} ${person.key.publicKey.split(' ').slice(0, 2).join(' ')}\n`);
  writeFileSync(sig, signature);
  const r = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', allowed, '-I', person.name, '-n', namespace, '-s', sig], { input: text, encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

describe('insider: the honest path', () => {
  it('approvers with keys in their own agents prove, approve and attest with ssh-keygen; the production run completes; an approver decides; vault verify is clean', { timeout: 900_000 }, async (ctx) => {
    const server = await startPrivateServer();
    if (!server) {
      ctx.skip('PostgreSQL server binaries (initdb, postgres) are not installed: no private cluster for the check login role');
      return;
    }
    try {
      await withClient(server.dsn('postgres'), async (c) => {
        await c.query('CREATE DATABASE app');
        await c.query("CREATE ROLE cutover_check LOGIN PASSWORD 'check-login-password'");
        await c.query('GRANT pg_read_all_data, pg_monitor TO cutover_check');
      });
      await withClient(server.dsn('app'), async (c) => {
        await c.query('CREATE TABLE accounts (id int PRIMARY KEY, email varchar(50) NOT NULL)');
        await c.query("INSERT INTO accounts VALUES (1, 'a@example.test'), (2, 'b@example.test')");
      });

      const w = await World.create('cutover-insider-honest-');
      await w.addOwner('ana');
      // Each approver: their own machine, their own key, their own ssh-agent. Proven through it.
      const gov1 = await w.addPerson('gov1', 'approver', { agent: true });
      const gov2 = await w.addPerson('gov2', 'approver', { agent: true });
      expect(gov1.agent!.socket).not.toBe(gov2.agent!.socket);
      const listed = JSON.parse((await w.ok(['identity', 'list', '--vault', w.vault, '--json'])).stdout) as { name: string; status: string }[];
      expect(listed.map((i) => [i.name, i.status])).toEqual([['ana', 'owner'], ['gov1', 'proven'], ['gov2', 'proven']]);

      await w.ok(['secret', 'set', '--vault', w.vault, '--name', 'check_pw'], { env: { CUTOVER_SECRET_VALUE: 'check-login-password' } });
      const psql = `psql -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p ${server.port} -U postgres -d app`;
      const runId = await w.startRun(`
format: cutover-runbook/v1
id: insider-honest
title: Honest path
version: "1"
policy: { approvals: { quorum: 2 } }
secrets: [ { name: check_pw } ]
targets:
  ws: { kind: local }
  db:
    kind: postgres
    dsn: "postgresql://postgres@127.0.0.1:5432/postgres"
    tls: disable
    check_login: { user: cutover_check, secret: check_pw }
preconditions:
  - { id: freeze, kind: attest, title: Write freeze, statement: Write freeze confirmed }
  - { id: gov-signoff, kind: attest, title: Governance sign-off, statement: Governance reviewed the exact commands and targets, by: approver }
phases:
  - id: P0
    title: Preflight
    steps:
      - { id: snapshot, kind: record, title: Snapshot ID, fields: [ { name: snapshot_id, label: Snapshot ID } ] }
      - { id: host-check, kind: check, title: Host, target: ws, read_only: true, run: "echo current=0019", expect: [ { output_contains: current=0019 } ] }
      - { id: rows, kind: check, title: Rows, target: db, sql: "SELECT count(*)::int AS n FROM accounts", expect: [ { value: { column: n, equals: 2 } } ] }
  - id: P1
    title: Change
    steps:
      - { id: widen, kind: command, title: Widen email, target: ws, run: "${psql} -c 'ALTER TABLE accounts ALTER COLUMN email TYPE varchar(320)'", expect: [ { exit_code: 0 }, { output_contains: ALTER TABLE } ] }
  - id: P2
    title: Verify
    steps:
      - { id: width, kind: check, title: Width, target: db, sql: "SELECT character_maximum_length AS len FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'email'", expect: [ { value: { column: len, equals: 320 } } ] }
`, 'production', { db: server.dsn('app') });

      // Each approver signs the exact plan on their own machine, through their own agent.
      await w.approve(runId, gov1, gov2);

      await w.ok(['run', 'attest', '--vault', w.vault, runId, 'freeze']);
      // gov1 attests on their machine: the act exported, signed through their agent, imported.
      const act = join(gov1.home, 'gov-signoff.act.json');
      await w.ok(['act', 'export', '--vault', w.vault, runId, 'gov-signoff', '--as', 'gov1', '--out', act]);
      signAs(gov1, NS.act, act);
      await w.ok(['act', 'import', '--vault', w.vault, '--act', act, '--signature', `${act}.sig`]);
      await w.ok(['run', 'record', '--vault', w.vault, runId, 'snapshot', '--value', 'snapshot_id=snap-0042']);
      for (const step of ['host-check', 'rows', 'widen', 'width']) {
        const r = await w.cli(['run', 'step', '--vault', w.vault, runId, step]);
        expect(r.code, `${step}\n${describeRun(r)}`).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`${step}: PASS`));
      }
      const done = await w.status(runId);
      expect(done.status).toBe('COMPLETED');
      expect(done.steps.map((s) => [s.stepId, s.status])).toEqual([
        ['freeze', 'PASS'], ['gov-signoff', 'PASS'], ['snapshot', 'PASS'], ['host-check', 'PASS'], ['rows', 'PASS'], ['widen', 'PASS'], ['width', 'PASS'],
      ]);
      await withClient(server.dsn('app'), async (c) => {
        const { rows } = await c.query<{ len: number }>("SELECT character_maximum_length AS len FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'email'");
        expect(rows[0]!.len).toBe(320);
      });

      // The formal decision, recorded by an approver who signs it on their own machine.
      const decision = join(gov2.home, 'decision.act.json');
      await w.ok(['run', 'decision', '--vault', w.vault, runId, '--authorization', 'Approved', '--actor', 'gov2', '--export', decision]);
      signAs(gov2, NS.act, decision);
      const recorded = await w.ok(['run', 'decision', '--vault', w.vault, runId, '--act', decision, '--signature', `${decision}.sig`, '--json']);
      const shown = JSON.parse(recorded.stdout) as { decision: Record<string, unknown>; recorded: { actor: string } | null };
      expect(shown.recorded?.actor).toBe('gov2');
      expect(JSON.stringify(shown.decision)).toMatch(/Approved/);

      const verify = await w.cli(['vault', 'verify', '--vault', w.vault, '--json']);
      expect(verify.code, describeRun(verify)).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, firstBadEvent: null, badArtifacts: [] });

      // Every approval and act the approvers signed checks with stock ssh-keygen against their own key.
      const events = await w.events();
      const approvals = events.filter((e) => e.type === 'approval.added');
      expect(approvals.map((e) => e.payload.signer)).toEqual(['gov1', 'gov2']);
      for (const e of approvals) {
        const person = e.payload.signer === 'gov1' ? gov1 : gov2;
        const checked = keygenVerifies(person, w.dir, e.payload.plan as string, e.payload.signature as string, NS.plan);
        expect(checked.ok, checked.out).toBe(true);
      }
      const byApprovers = events.filter((e) => (e.actor === 'gov1' || e.actor === 'gov2') && e.payload.act);
      expect(byApprovers.map((e) => [e.actor, e.type])).toEqual([['gov1', 'step.attested'], ['gov2', expect.stringMatching(/decision/)]]);
      for (const e of byApprovers) {
        const signed = e.payload.act as { text: string; signature: string };
        const checked = keygenVerifies(e.actor === 'gov1' ? gov1 : gov2, w.dir, signed.text, signed.signature, NS.act);
        expect(checked.ok, checked.out).toBe(true);
      }
    } finally {
      await server.stop();
    }
  });
});
