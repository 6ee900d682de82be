// Insider tests, the runbook is enforced: a mutating step waits for its preconditions and the
// steps before it; in production nothing executes (shell or SQL checks included) before the plan
// holds its quorum; an SQL check through a superuser login is refused in production (its harmful
// statement leaves no trace); a plan file with a duplicate "steps" key, signed with ssh-keygen, is
// refused; a command that exits 1 with no `expect` FAILs and blocks the run. Real CLI, real
// ssh-keygen, the real PostgreSQL (a private cluster for the superuser case).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPrivateServer } from '../checks/cluster';
import { describeRun, expectNoCrash } from '../helpers/cli';
import { dsnFor, useTestDatabase } from '../helpers/pg';
import { NS, signAs, World } from './world';

describe('insider: the runbook is enforced', () => {
  it('a mutating step is refused before its preconditions and earlier steps; a command that exits 1 with no expect is FAIL and BLOCKS the run', { timeout: 600_000 }, async () => {
    const w = await World.create();
    const out = join(w.dir, 'migrated.txt');
    await w.addOwner('ana');
    const gov1 = await w.addPerson('gov1', 'approver');
    const runId = await w.startRun(`
format: cutover-runbook/v1
id: insider-order
title: Insider order
version: "1"
targets: { ws: { kind: local } }
preconditions:
  - { id: freeze, kind: attest, title: Write freeze, statement: Write freeze confirmed }
phases:
  - id: P0
    title: Before
    steps:
      - { id: snapshot, kind: record, title: Snapshot, fields: [ { name: snapshot_id, label: Snapshot ID } ] }
      - { id: current, kind: check, title: Current, target: ws, read_only: true, run: "echo current=0019", expect: [ { output_contains: current=0019 } ] }
  - id: P1
    title: Change
    steps:
      - { id: migrate, kind: command, title: Migrate, target: ws, run: "echo attempt >> ${out}; exit 1" }
      - { id: after, kind: command, title: After, target: ws, run: "echo after >> ${out}", expect: [ { exit_code: 0 } ] }
`);
    await w.approve(runId, gov1);

    // Approved, but the precondition and P0 are open: refused, naming what is still open.
    let before = await w.head();
    const early = await w.cli(['run', 'step', '--vault', w.vault, runId, 'migrate']);
    await w.refused(early, /Step migrate changes things, so it runs only when every precondition and earlier step is PASS or skipped with a reason; still open: freeze, snapshot, current/, before);
    expect(existsSync(out)).toBe(false);

    await w.ok(['run', 'attest', '--vault', w.vault, runId, 'freeze']);
    await w.ok(['run', 'record', '--vault', w.vault, runId, 'snapshot', '--value', 'snapshot_id=snap-0042']);
    // One earlier step still open (the read-only check): still refused.
    before = await w.head();
    const stillEarly = await w.cli(['run', 'step', '--vault', w.vault, runId, 'migrate']);
    await w.refused(stillEarly, /still open: current\./, before);
    expect(existsSync(out)).toBe(false);
    await w.ok(['run', 'step', '--vault', w.vault, runId, 'current']);

    // A later command before the earlier one: refused.
    before = await w.head();
    const skipAhead = await w.cli(['run', 'step', '--vault', w.vault, runId, 'after']);
    await w.refused(skipAhead, /Step after changes things.*still open: migrate/, before);

    // The command exits 1 and says nothing about exit codes: FAIL, and the run is BLOCKED.
    const failed = await w.cli(['run', 'step', '--vault', w.vault, runId, 'migrate']);
    expectNoCrash(failed);
    expect(failed.code, describeRun(failed)).toBe(1);
    expect(failed.stdout).toMatch(/migrate: FAIL \(exit 1\)/);
    expect(failed.stdout).toMatch(/The run is BLOCKED/);
    const status = await w.status(runId);
    expect(status.status).toBe('BLOCKED');
    expect(status.steps.find((s) => s.stepId === 'migrate')!.status).toBe('FAIL');
    expect(status.blockedBy?.stepId).toBe('migrate');
    const events = await w.events();
    expect(events.filter((e) => e.type === 'step.finished' && e.payload.stepId === 'migrate').map((e) => [e.payload.status, e.payload.exitCode])).toEqual([['FAIL', 1]]);
    expect(events.some((e) => e.type === 'run.completed')).toBe(false);

    // Blocked: neither the failed command nor the next one runs again without a decision.
    before = await w.head();
    const again = await w.cli(['run', 'step', '--vault', w.vault, runId, 'migrate']);
    await w.refused(again, /The run is BLOCKED at migrate/, before);
    const next = await w.cli(['run', 'step', '--vault', w.vault, runId, 'after']);
    await w.refused(next, /The run is BLOCKED at migrate/, before);
    expect(readFileSync(out, 'utf8')).toBe('attempt\n');
  });

  it('in production a shell check and an SQL check are refused before the plan holds its quorum', { timeout: 600_000 }, async () => {
    const db = await useTestDatabase();
    await db.query('CREATE TABLE marker (n int)');
    const w = await World.create();
    const out = join(w.dir, 'shell-check-ran.txt');
    await w.addOwner('ana');
    const gov1 = await w.addPerson('gov1', 'approver');
    const gov2 = await w.addPerson('gov2', 'approver');
    const runId = await w.startRun(`
format: cutover-runbook/v1
id: insider-prod-checks
title: Insider production checks
version: "1"
policy: { approvals: { quorum: 2 } }
targets:
  ws: { kind: local }
  db: { kind: postgres, dsn: "postgresql://postgres@127.0.0.1:5432/postgres", tls: disable }
phases:
  - id: P0
    title: Preflight
    steps:
      - { id: host-check, kind: check, title: Host check, target: ws, read_only: true, run: "echo ran >> ${out}; echo ok", expect: [ { output_contains: ok } ] }
      - { id: sql-check, kind: check, title: SQL check, target: db, sql: "SELECT count(*) AS n FROM marker", expect: [ { value: { column: n, equals: 0 } } ] }
`, 'production', { db: dsnFor(db.name) });

    // No approval at all.
    let before = await w.head();
    const shell = await w.cli(['run', 'step', '--vault', w.vault, runId, 'host-check']);
    await w.refused(shell, /Step host-check is not approved \(in production nothing executes before the plan holds its quorum\): needs 2 approver signature\(s\) over this step, has 0/, before);
    expect(existsSync(out)).toBe(false);
    const sql = await w.cli(['run', 'step', '--vault', w.vault, runId, 'sql-check']);
    await w.refused(sql, /Step sql-check is not approved \(in production nothing executes before the plan holds its quorum\): needs 2 approver signature\(s\) over this step, has 0/, before);

    // One approval of the two: still refused.
    await w.approve(runId, gov1);
    before = await w.head();
    const shellOne = await w.cli(['run', 'step', '--vault', w.vault, runId, 'host-check']);
    await w.refused(shellOne, /Step host-check is not approved.*has 1/, before);
    const sqlOne = await w.cli(['run', 'step', '--vault', w.vault, runId, 'sql-check']);
    await w.refused(sqlOne, /Step sql-check is not approved.*has 1/, before);
    expect(existsSync(out)).toBe(false);
    const status = await w.status(runId);
    expect(status.steps.map((s) => s.status)).toEqual(['pending', 'pending']);

    // With the quorum the shell check runs: the refusals were the missing approvals. The SQL check
    // now meets the next gate: this target's login (the shared server's postgres) is a superuser.
    await w.approve(runId, gov2);
    await w.ok(['run', 'step', '--vault', w.vault, runId, 'host-check']);
    expect(readFileSync(out, 'utf8')).toBe('ran\n');
    before = await w.head();
    const sqlQuorum = await w.cli(['run', 'step', '--vault', w.vault, runId, 'sql-check']);
    await w.refused(sqlQuorum, /Refused in production: .*superuser/s, before);
    expect(sqlQuorum.stderr).not.toMatch(/not approved/);
  });

  it('in production an SQL check through a superuser login is refused naming superuser, and its harmful statement leaves no trace', { timeout: 600_000 }, async (ctx) => {
    const server = await startPrivateServer();
    if (!server) {
      ctx.skip('PostgreSQL server binaries (initdb, postgres) are not installed: no private cluster to log in to as its superuser');
      return;
    }
    try {
      const w = await World.create();
      await w.addOwner('ana');
      const gov1 = await w.addPerson('gov1', 'approver');
      // The program COPY … TO PROGRAM would run as the server's OS user; its dir is writable by it.
      const proof = join(server.dir, 'copy-to-program-ran');
      await w.ok(['secret', 'set', '--vault', w.vault, '--name', 'check_pw'], { env: { CUTOVER_SECRET_VALUE: 'not-needed-trust-auth' } });
      const runId = await w.startRun(`
format: cutover-runbook/v1
id: insider-superuser-check
title: Insider superuser check
version: "1"
secrets: [ { name: check_pw } ]
targets:
  db:
    kind: postgres
    dsn: "postgresql://postgres@127.0.0.1:5432/postgres"
    tls: disable
    check_login: { user: postgres, secret: check_pw }
phases:
  - id: P0
    title: Preflight
    steps:
      - { id: sneaky, kind: check, title: Looks read-only, target: db, sql: "COPY (SELECT 1) TO PROGRAM 'touch ${proof}'" }
`, 'production', { db: server.dsn('postgres') });
      // The plan holds its quorum: what refuses the check is the login, nothing else.
      await w.approve(runId, gov1);
      const before = await w.head();
      const r = await w.cli(['run', 'step', '--vault', w.vault, runId, 'sneaky']);
      await w.refused(r, /Refused in production: .*superuser/s, before);
      expect(r.stderr).toMatch(/\bpostgres\b/);
      expect(r.stderr).toMatch(/pg_read_all_data/);
      expect(existsSync(proof)).toBe(false);
      expect(await w.stepStatus(runId, 'sneaky')).toBe('pending');
    } finally {
      await server.stop();
    }
  });

  it('a plan file with a duplicate "steps" key (a harmless first copy, the real one later), signed with ssh-keygen, is refused', { timeout: 600_000 }, async () => {
    const w = await World.create();
    const out = join(w.dir, 'dropped.txt');
    await w.addOwner('ana');
    const gov1 = await w.addPerson('gov1', 'approver');
    const runId = await w.startRun(`
format: cutover-runbook/v1
id: insider-duplicate-key
title: Insider duplicate key
version: "1"
targets: { ws: { kind: local } }
phases:
  - id: P1
    title: Change
    steps:
      - { id: change, kind: command, title: Change, target: ws, run: "echo DROP TABLE customers >> ${out}", expect: [ { exit_code: 0 } ] }
`);
    // The operator crafts the file gov1 reads: a harmless "steps" first, the real one after it.
    const plan = await w.exportPlan(runId, gov1);
    const real = readFileSync(plan, 'utf8');
    const parsed = JSON.parse(real) as { steps: { command: string }[] };
    expect(real.startsWith('{')).toBe(true);
    expect(parsed.steps.some((s) => s.command.includes('DROP TABLE'))).toBe(true);
    const harmless = parsed.steps.map((s) => ({ ...s, command: 'echo hello' }));
    const crafted = `{"steps":${JSON.stringify(harmless)},${real.slice(1)}`;
    // What a reader that keeps the last key sees is the real plan.
    expect(JSON.parse(crafted)).toEqual(parsed);
    writeFileSync(plan, crafted);
    signAs(gov1, NS.plan, plan);

    const before = await w.head();
    const imported = await w.cli(['approve', 'import', '--vault', w.vault, runId, '--plan', plan, '--signature', `${plan}.sig`]);
    await w.refused(imported, /not its canonical form \(a duplicate key/, before);
    const step = await w.cli(['run', 'step', '--vault', w.vault, runId, 'change']);
    await w.refused(step, /needs 1 approver signature\(s\) over this step, has 0/, before);
    expect(existsSync(out)).toBe(false);
  });
});
