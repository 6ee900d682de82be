// The login SQL checks run through. BEGIN READ ONLY is not a sandbox: through a superuser, a
// "read-only" check runs programs on the server, writes server files, kills sessions, commits
// through dblink and leaves replication slots. So checks run through a login the runbook names
// (check_login) and PostgreSQL is asked what that login may do. Roles are cluster-wide, so all
// of this runs on a private server (initdb in a temp dir), with the real executor checks use.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflight } from '../../src/core/checks';
import { runbookSchema } from '../../src/core/runbook';
import {
  assessExecutorLogin, assessLogin, checkLoginConnection, CheckLoginError, createCheckExecutor, describeAssessment,
  type LoginAssessment,
} from '../../src/core/targets/check-login';
import type { PostgresExecutor, PostgresTarget } from '../../src/core/targets/postgres';
import type { ExecResult } from '../../src/core/targets';
import { withClient } from '../helpers/pg';
import { startPrivateServer } from './cluster';

type Server = NonNullable<Awaited<ReturnType<typeof startPrivateServer>>>;

let server: Server | null = null;
let skipReason = '';
/** Why the dblink tests cannot run, or '' when the extension is installed. */
let noDblink = '';
const DB = 'cw_app';
/** A database with dblink installed as it comes (EXECUTE granted to PUBLIC). */
const DBLINK_DEFAULT_DB = 'cw_dblink_default';

/** The read-only check login the README recommends. */
const CHECK = 'cw_check';
const opened: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  try {
    server = await startPrivateServer({ max_replication_slots: '4', wal_level: 'replica' });
  } catch (error) {
    skipReason = `could not start a private PostgreSQL server: ${(error as Error).message}`;
    return;
  }
  if (!server) {
    skipReason = 'PostgreSQL server binaries (initdb) are not installed';
    return;
  }
  const admin = server.dsn();
  await withClient(admin, async (c) => {
    await c.query(`CREATE DATABASE ${DB}`);
    await c.query(`CREATE DATABASE ${DBLINK_DEFAULT_DB}`);
    const available = await c.query("SELECT 1 FROM pg_available_extensions WHERE name = 'dblink'");
    if (available.rowCount === 0) noDblink = 'the dblink extension is not installed on this machine (postgresql-contrib)';
    // The recommended check login, an application login, and one login per harmful privilege.
    await c.query(`CREATE ROLE ${CHECK} LOGIN PASSWORD 'check-password'`);
    await c.query(`GRANT pg_read_all_data, pg_monitor TO ${CHECK}`);
    await c.query("CREATE ROLE cw_app LOGIN PASSWORD 'app-password'");
    await c.query('CREATE ROLE cw_super LOGIN SUPERUSER');
    for (const role of ['pg_signal_backend', 'pg_write_server_files', 'pg_execute_server_program']) {
      await c.query(`CREATE ROLE cw_${role} LOGIN`);
      await c.query(`GRANT pg_read_all_data, ${role} TO cw_${role}`);
    }
    // Held through a group role, not directly.
    await c.query('CREATE ROLE cw_ops NOLOGIN');
    await c.query('GRANT pg_signal_backend TO cw_ops');
    await c.query('CREATE ROLE cw_nested LOGIN IN ROLE cw_ops');
    // A group the login may SET ROLE to but does not inherit from.
    await c.query('CREATE ROLE cw_noinherit LOGIN NOINHERIT IN ROLE cw_ops');
    await c.query('CREATE ROLE cw_replication LOGIN REPLICATION');
    await c.query('CREATE ROLE cw_createrole LOGIN CREATEROLE');
    await c.query('CREATE ROLE cw_lo_export LOGIN');
    await c.query('CREATE ROLE cw_dblink LOGIN');
  });
  await withClient(server.dsn(DB), async (c) => {
    await c.query('CREATE TABLE ledger (id int)');
    await c.query('GRANT SELECT, INSERT ON ledger TO cw_app');
    // Function privileges are per database: granted where the checks run.
    await c.query('GRANT EXECUTE ON FUNCTION lo_export(oid, text) TO cw_lo_export');
    if (!noDblink) {
      await c.query('CREATE EXTENSION dblink');
      // The advice: dblink is executable by everyone once installed; take it back.
      await c.query(`REVOKE EXECUTE ON FUNCTION ${await dblinkConnecting(c)} FROM PUBLIC`);
      await c.query('GRANT EXECUTE ON FUNCTION dblink_exec(text, text) TO cw_dblink');
    }
  });
  if (!noDblink) await withClient(server.dsn(DBLINK_DEFAULT_DB), (c) => c.query('CREATE EXTENSION dblink'));
}, 180_000);

afterAll(async () => {
  await Promise.all(opened.map((o) => o.close().catch(() => undefined)));
  await server?.stop();
}, 60_000);

/** Every dblink function that opens a connection, as a REVOKE list. */
async function dblinkConnecting(c: pg.ClientBase): Promise<string> {
  const r = await c.query<{ f: string }>("SELECT p.oid::regprocedure::text AS f FROM pg_proc p WHERE p.proname IN ('dblink', 'dblink_exec', 'dblink_connect', 'dblink_connect_u', 'dblink_open', 'dblink_send_query') ORDER BY 1");
  return r.rows.map((row) => row.f).join(', ');
}

function dsnAs(user: string, database = DB): string {
  return `postgresql://${user}@127.0.0.1:${server!.port}/${database}`;
}

async function assessAs(user: string, database = DB): Promise<LoginAssessment> {
  return withClient(dsnAs(user, database), (c) => assessLogin(c));
}

/** The target as a runbook would declare it: the application's DSN, checks through `check_login`. */
function target(checkLogin?: { user: string; secret: string }, database = DB): PostgresTarget {
  return { kind: 'postgres', dsn: `postgresql://postgres@127.0.0.1:${server!.port}/${database}`, tls: 'disable', ...(checkLogin ? { check_login: checkLogin } : {}) };
}

function checkExecutor(t: PostgresTarget, secrets: Record<string, string> = { check_password: 'check-password' }): PostgresExecutor {
  const executor = createCheckExecutor('prod_db', t, { secrets, applicationName: 'cutover-check-login-test' }, { connectTimeoutMs: 10_000 });
  opened.push(executor);
  return executor;
}

/** A check as the engine runs it: one statement inside BEGIN READ ONLY. */
function check(executor: PostgresExecutor, sql: string): Promise<ExecResult & { output: string }> {
  let output = '';
  return executor.exec({ command: sql, readOnly: true, onOutput: (chunk) => { output += chunk.toString(); } }).then((r) => ({ ...r, output }));
}

const privileges = (a: LoginAssessment) => a.harmful.map((h) => h.privilege);

describe('the runbook names the check login', () => {
  // Plain objects as YAML would give them (some deliberately wrong), parsed by the schema.
  const runbook = (target: Record<string, unknown>, policy?: Record<string, unknown>): Record<string, unknown> => ({
    format: 'cutover-runbook/v1', id: 'rb', title: 'rb', version: '1',
    ...(policy ? { policy } : {}),
    targets: { prod_db: target },
    phases: [{ id: 'p', title: 'p', steps: [{ id: 's', title: 's', kind: 'manual', instructions: 'x' }] }],
  });

  it('check_login is optional, and takes a user and a secret', () => {
    const plain = runbookSchema.parse(runbook({ kind: 'postgres', dsn: 'postgresql://app@db/prod' }));
    expect(plain.targets.prod_db).not.toHaveProperty('check_login');
    const named = runbookSchema.parse(runbook({ kind: 'postgres', dsn: 'postgresql://app@db/prod', secret: 'app_pw', check_login: { user: 'cutover_check', secret: 'check_pw' } }));
    expect(named.targets.prod_db).toMatchObject({ check_login: { user: 'cutover_check', secret: 'check_pw' } });
    expect(runbookSchema.safeParse(runbook({ kind: 'postgres', dsn: 'postgresql://app@db/prod', check_login: { user: 'cutover_check' } })).success).toBe(false);
    expect(runbookSchema.safeParse(runbook({ kind: 'postgres', dsn: 'postgresql://app@db/prod', check_login: { user: 'cutover_check', secret: 'check_pw', password: 'x' } })).success).toBe(false);
  });

  it('policy.decide is one role or a list, normalised to a list; operator and approver by default', () => {
    const base = { kind: 'postgres', dsn: 'postgresql://app@db/prod' };
    expect(runbookSchema.parse(runbook(base)).policy.decide).toEqual(['operator', 'approver']);
    expect(runbookSchema.parse(runbook(base, { approvals: { quorum: 2 } })).policy).toEqual({ approvals: { quorum: 2, role: 'approver' }, decide: ['operator', 'approver'] });
    expect(runbookSchema.parse(runbook(base, { decide: 'approver' })).policy.decide).toEqual(['approver']);
    expect(runbookSchema.parse(runbook(base, { decide: ['approver', 'observer', 'approver'] })).policy.decide).toEqual(['approver', 'observer']);
    expect(runbookSchema.safeParse(runbook(base, { decide: [] })).success).toBe(false);
    // Any lower_snake role may decide once declared (test/acts/roles.test.ts checks undeclared ones); a name that is not a role name is refused by the schema.
    expect(runbookSchema.safeParse(runbook(base, { decide: 'Governor!' })).success).toBe(false);
  });

  it('the check connection keeps host, port and database, and takes user and password from check_login', () => {
    const t: PostgresTarget = { kind: 'postgres', dsn: 'postgresql://app@db.example:6432/prod?sslmode=verify-full', tls: 'prefer', secret: 'app_pw', check_login: { user: 'cutover_check', secret: 'check_pw' } };
    const c = checkLoginConnection(t, { app_pw: 'app-secret', check_pw: 'check-secret' }, 'prod_db');
    expect(c).toMatchObject({ user: 'cutover_check', separate: true, password: 'check-secret' });
    const url = new URL(c.dsn);
    expect([url.hostname, url.port, url.pathname, url.username, url.password]).toEqual(['db.example', '6432', '/prod', '', '']);
    expect(url.searchParams.get('user')).toBe('cutover_check');
    expect(url.searchParams.get('sslmode')).toBe('verify-full');
    expect(c.target).toEqual({ kind: 'postgres', dsn: c.dsn, tls: 'prefer', secret: 'check_pw' });
    // Without check_login, checks use the target's own login.
    const own = checkLoginConnection({ ...t, check_login: undefined }, { app_pw: 'app-secret' }, 'prod_db');
    expect(own).toMatchObject({ user: 'app', separate: false, password: 'app-secret', dsn: t.dsn });
  });

  it('a check login whose secret is not in the vault is refused, naming the login and the secret', () => {
    const t: PostgresTarget = { kind: 'postgres', dsn: 'postgresql://app@db/prod', tls: 'prefer', check_login: { user: 'cutover_check', secret: 'check_pw' } };
    expect(() => checkLoginConnection(t, {}, 'prod_db')).toThrow(CheckLoginError);
    expect(() => checkLoginConnection(t, {}, 'prod_db')).toThrow(/target "prod_db" log in as "cutover_check" \(check_login\).*secret "check_pw", which is not in the vault.*cutover secret set --name check_pw/);
    expect(() => createCheckExecutor('prod_db', t, { secrets: {} })).toThrow(CheckLoginError);
  });
});

describe('what PostgreSQL says a login may do (private server)', () => {
  it('a superuser login is harmful, named as superuser, with the read-only advice', async ({ skip }) => {
    if (!server) return skip(skipReason);
    for (const login of ['postgres', 'cw_super']) {
      const a = await assessAs(login);
      expect(a.login).toBe(login);
      expect(privileges(a)).toEqual(['superuser']);
      expect(a.advice).toMatch(/CREATE ROLE cutover_check LOGIN/);
      expect(a.advice).toMatch(/GRANT pg_read_all_data, pg_monitor TO cutover_check/);
      const message = describeAssessment(a, 'prod_db');
      expect(message).toMatch(new RegExp(`target "prod_db" log in as "${login}", which holds superuser`));
      expect(message).toMatch(/pg_read_all_data/);
    }
  });

  it('a login granted pg_read_all_data and pg_monitor is not harmful, and runs the preflight', async ({ skip }) => {
    if (!server) return skip(skipReason);
    const a = await assessAs(CHECK);
    expect(a).toEqual({ login: CHECK, harmful: [], advice: '' });
    expect(describeAssessment(a)).toBe('');
    await withClient(server.dsn(DB), (c) => c.query('INSERT INTO ledger VALUES (42)'));
    const report = await preflight(dsnAs(CHECK), { required: { tables: ['ledger'] } });
    const couldNotRun = report.checks.filter((c) => /Could not run|permission denied/i.test(c.summary));
    expect(couldNotRun).toEqual([]);
    expect(report.checks.find((c) => c.id === 'objects.required')?.status).toBe('PASS');
    // And through the executor checks use, named by check_login, reading the application's table.
    const executor = checkExecutor(target({ user: CHECK, secret: 'check_password' }));
    expect(await assessExecutorLogin(executor)).toEqual({ login: CHECK, harmful: [], advice: '' });
    const r = await check(executor, 'SELECT current_user AS who, count(*) AS n FROM ledger');
    expect(r.failure).toBeNull();
    expect(r.rows).toEqual([{ who: CHECK, n: '1' }]);
  });

  it('without check_login, checks run through the target\'s own login: here a superuser, and the assessment says so', async ({ skip }) => {
    if (!server) return skip(skipReason);
    const executor = checkExecutor(target());
    const a = await assessExecutorLogin(executor);
    expect(a.login).toBe('postgres');
    expect(privileges(a)).toEqual(['superuser']);
  });

  it('each harmful privilege is named, held directly or through a group role', async ({ skip }) => {
    if (!server) return skip(skipReason);
    const expected: Array<[string, string[], RegExp]> = [
      ['cw_pg_signal_backend', ['pg_signal_backend'], /terminates other sessions/],
      ['cw_pg_write_server_files', ['pg_write_server_files'], /writes files on the database server/],
      ['cw_pg_execute_server_program', ['pg_execute_server_program'], /runs programs on the database server/],
      ['cw_nested', ['pg_signal_backend'], /pg_signal_backend/],
      ['cw_noinherit', ['pg_signal_backend'], /pg_signal_backend/],
      ['cw_replication', ['replication'], /replication slots/],
      ['cw_createrole', ['createrole'], /create roles/],
      ['cw_lo_export', ['lo_export'], /lo_export/],
    ];
    for (const [login, names, detail] of expected) {
      const a = await assessAs(login);
      expect(privileges(a), login).toEqual(names);
      expect(a.harmful[0]!.detail, login).toMatch(detail);
      expect(a.advice, login).toMatch(/GRANT pg_read_all_data, pg_monitor TO cutover_check/);
      expect(describeAssessment(a, 'prod_db'), login).toContain(names[0]);
    }
    expect((await assessAs('cw_pg_signal_backend')).advice).toMatch(/REVOKE pg_signal_backend FROM "cw_pg_signal_backend";/);
    expect((await assessAs('cw_replication')).advice).toMatch(/ALTER ROLE "cw_replication" NOREPLICATION;/);
  });

  it('EXECUTE on dblink_exec is named; dblink installed as it comes is executable by every login', async ({ skip }) => {
    if (!server) return skip(skipReason);
    if (noDblink) return skip(noDblink);
    const granted = await assessAs('cw_dblink');
    expect(privileges(granted)).toEqual(['dblink']);
    expect(granted.harmful[0]!.detail).toMatch(/dblink_exec\(text,text\)/);
    // The recommended login, in a database where dblink was installed and nothing revoked.
    const asInstalled = await assessAs(CHECK, DBLINK_DEFAULT_DB);
    expect(privileges(asInstalled)).toEqual(['dblink']);
    expect(asInstalled.advice).toMatch(/REVOKE EXECUTE ON FUNCTION .*dblink_exec\(text,text\).* FROM PUBLIC/);
  });
});

describe('BEGIN READ ONLY is not a sandbox; the read-only check login is (private server)', () => {
  /** Each harmful statement: the SQL, and a probe that says whether it had its effect. */
  async function harmfulStatements(tag: string): Promise<Array<{ name: string; sql: string; effect: () => Promise<boolean>; dblink?: boolean }>> {
    const dir = server!.dir;
    const other = new pg.Client({ connectionString: dsnAs('cw_app'), application_name: `cutover-test-victim-${tag}` });
    other.on('error', () => undefined);
    await other.connect();
    opened.push({ close: () => other.end() });
    const victim = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const lo = (await withClient(server!.dsn(DB), (c) => c.query<{ oid: number }>("SELECT lo_from_bytea(0, 'secret') AS oid"))).rows[0]!.oid;
    const row = tag === 'superuser' ? 7001 : 7002;
    const slot = `cw_slot_${tag}`;
    return [
      { name: 'COPY … TO PROGRAM', sql: `COPY (SELECT 1) TO PROGRAM 'touch ${join(dir, `program-${tag}`)}'`, effect: async () => existsSync(join(dir, `program-${tag}`)) },
      {
        name: 'pg_terminate_backend', sql: `SELECT pg_terminate_backend(${victim})`,
        effect: async () => !(await other.query('SELECT 1 AS ok').then(() => true, () => false)),
      },
      { name: 'COPY … TO a server file', sql: `COPY (SELECT 1) TO '${join(dir, `copy-${tag}`)}'`, effect: async () => existsSync(join(dir, `copy-${tag}`)) },
      { name: 'lo_export', sql: `SELECT lo_export(${lo}, '${join(dir, `lo-${tag}`)}')`, effect: async () => existsSync(join(dir, `lo-${tag}`)) },
      {
        name: 'dblink_exec', dblink: true,
        sql: `SELECT dblink_exec('host=127.0.0.1 port=${server!.port} dbname=${DB} user=postgres', 'INSERT INTO ledger VALUES (${row})')`,
        effect: async () => (await withClient(server!.dsn(DB), (c) => c.query('SELECT 1 FROM ledger WHERE id = $1', [row]))).rowCount! > 0,
      },
      {
        name: 'pg_create_physical_replication_slot', sql: `SELECT pg_create_physical_replication_slot('${slot}', true)`,
        effect: async () => (await withClient(server!.dsn(), (c) => c.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot]))).rowCount! > 0,
      },
    ];
  }

  it('through a superuser, each harmful statement succeeds inside BEGIN READ ONLY (what was measured)', async ({ skip }) => {
    if (!server) return skip(skipReason);
    const executor = checkExecutor(target());
    for (const s of await harmfulStatements('superuser')) {
      if (s.dblink && noDblink) continue;
      const r = await check(executor, s.sql);
      expect(r.failure, s.name).toBeNull();
      expect(await s.effect(), s.name).toBe(true);
    }
    await withClient(server.dsn(), (c) => c.query("SELECT pg_drop_replication_slot('cw_slot_superuser')"));
  });

  it('through the recommended read-only login, each harmful statement fails and leaves no effect', async ({ skip }) => {
    if (!server) return skip(skipReason);
    const executor = checkExecutor(target({ user: CHECK, secret: 'check_password' }));
    expect(privileges(await assessExecutorLogin(executor))).toEqual([]);
    const ran: string[] = [];
    for (const s of await harmfulStatements('check')) {
      if (s.dblink && noDblink) continue;
      const r = await check(executor, s.sql);
      expect(r.exitCode, s.name).toBe(1);
      expect(r.failure?.kind, s.name).toBe('sql_error');
      expect(r.failure?.message, s.name).toMatch(/permission denied|must be superuser|must be a member|privileges of/i);
      expect(await s.effect(), s.name).toBe(false);
      ran.push(s.name);
    }
    expect(ran).toHaveLength(noDblink ? 5 : 6);
    // The session that survived still answers, and the check login still works.
    expect((await check(executor, 'SELECT current_user AS who')).rows).toEqual([{ who: CHECK }]);
  });
});
