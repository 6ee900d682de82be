// The postgres executor against the real server at PGURL, a database of its own per test:
// checks with rows and a psql-like table, writes refused inside read-only checks,
// statement_timeout and lock_timeout, a terminated session, cancel, and TLS refusals.
import { describe, expect, it } from 'vitest';
import { PostgresExecutor, type PostgresTarget } from '../../src/core/targets/postgres';
import { REDACTED } from '../../src/core/targets/redact';
import type { ExecRequest, TargetContext } from '../../src/core/targets/types';
import { freePort } from '../helpers/sshd';
import { PGURL, splitPassword, useTestDatabase, withClient, type TestDatabase } from '../helpers/pg';

function capture() {
  const chunks: Array<{ stream: 'stdout' | 'stderr'; data: Buffer }> = [];
  return {
    onOutput: (data: Buffer, stream: 'stdout' | 'stderr') => chunks.push({ stream, data: Buffer.from(data) }),
    text: (stream?: 'stdout' | 'stderr') => Buffer.concat(chunks.filter((c) => !stream || c.stream === stream).map((c) => c.data)).toString(),
  };
}

function executor(db: TestDatabase, overrides: Partial<PostgresTarget> = {}, context: Partial<TargetContext> = {}) {
  const ex = new PostgresExecutor('appdb', db.target(overrides), { secrets: db.secrets, ...context }, { connectTimeoutMs: 5_000, cancelGraceMs: 2_000 });
  return ex;
}

async function run(ex: PostgresExecutor, command: string, extra: Partial<ExecRequest> = {}) {
  const out = capture();
  const result = await ex.exec({ command, onOutput: out.onOutput, ...extra });
  return { result, out };
}

/** Waits until the database shows a session with this application_name running `pattern`. */
async function waitForActive(db: TestDatabase, applicationName: string, pattern: string): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const r = await db.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND query LIKE $2", [applicationName, `%${pattern}%`]);
    if (r.rows[0]) return r.rows[0].pid;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`no active session ${applicationName} running ${pattern}`);
}

describe('postgres executor', () => {
  it('connects, names the session, and runs a check that returns rows and a psql-like table', async () => {
    const db = await useTestDatabase();
    await db.query("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('70a79686336c')");
    await db.query('CREATE TABLE items (id int, name text, price numeric, active boolean, note text)');
    await db.query("INSERT INTO items VALUES (1, 'alpha', 9.50, true, NULL), (22, 'beta', 120, false, 'two\nlines')");
    const ex = executor(db, { application_name: 'from-target' }, { applicationName: 'cutover/run-1/P1.heads' });
    await ex.connect();
    expect(ex.backendPid).toBeGreaterThan(0);
    expect(ex.encrypted).toBe(false);
    const names = await db.query<{ application_name: string }>('SELECT application_name FROM pg_stat_activity WHERE pid = $1', [ex.backendPid]);
    expect(names.rows[0]?.application_name).toBe('cutover/run-1/P1.heads');

    const version = await run(ex, 'SELECT version_num FROM alembic_version', { readOnly: true });
    expect(version.result).toMatchObject({ exitCode: 0, failure: null, fields: ['version_num'], rows: [{ version_num: '70a79686336c' }] });
    expect(version.out.text('stdout')).toBe(' version_num\n--------------\n 70a79686336c\n(1 row)\n');

    const items = await run(ex, 'SELECT id, name, price, active, note FROM items ORDER BY id', { readOnly: true });
    expect(items.result.rows).toEqual([
      { id: 1, name: 'alpha', price: '9.50', active: true, note: null },
      { id: 22, name: 'beta', price: '120', active: false, note: 'two\nlines' },
    ]);
    expect(items.out.text('stdout')).toBe([
      ' id | name  | price | active | note',
      '----+-------+-------+--------+-------',
      '  1 | alpha |  9.50 | t      |',
      ' 22 | beta  |   120 | f      | two  +',
      '    |       |       |        | lines',
      '(2 rows)',
      '',
    ].join('\n'));
    await ex.close();
  });

  it('uses the target application_name when the context gives none', async () => {
    const db = await useTestDatabase();
    const ex = executor(db, { application_name: 'from-target' });
    await ex.connect();
    const r = await db.query<{ application_name: string }>('SELECT application_name FROM pg_stat_activity WHERE pid = $1', [ex.backendPid]);
    expect(r.rows[0]?.application_name).toBe('from-target');
    await ex.close();
  });

  it('a write inside a read-only check is refused by PostgreSQL (25006) and nothing is written', async () => {
    const db = await useTestDatabase();
    await db.query('CREATE TABLE t (x int)');
    const ex = executor(db);
    for (const sql of ['INSERT INTO t VALUES (1)', 'CREATE TABLE sneaky (y int)', "SELECT set_config('x.y', '1', false), nextval('s')", 'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d']) {
      const { result, out } = await run(ex, sql, { readOnly: true });
      expect(result.failure?.kind, sql).toBe('sql_error');
      expect(result.exitCode).toBe(1);
      if (sql.startsWith('SELECT set_config')) continue; // refused earlier: the sequence does not exist
      expect(result.failure).toMatchObject({ sqlState: '25006', message: expect.stringContaining('read-only transaction') });
      expect(out.text('stderr')).toMatch(/^ERROR: {2}cannot execute .* in a read-only transaction\nSQLSTATE: 25006 ReadOnlySqlTransaction\n$/);
    }
    // Statements that try to leave the read-only transaction: one statement only.
    const escape = await run(ex, 'COMMIT; INSERT INTO t VALUES (2)', { readOnly: true });
    expect(escape.result.failure).toMatchObject({ kind: 'sql_error', sqlState: '42601', message: expect.stringContaining('exactly one statement') });
    // Checked from another connection: nothing was written, and the session is still usable.
    expect((await db.query('SELECT count(*)::int AS n FROM t')).rows[0]).toEqual({ n: 0 });
    expect((await db.query("SELECT to_regclass('sneaky') AS r")).rows[0]).toEqual({ r: null });
    expect((await run(ex, 'SELECT 1 AS ok', { readOnly: true })).result.rows).toEqual([{ ok: 1 }]);
    await ex.close();
  });

  it('runs mutating SQL (a command step) with several statements and command tags', async () => {
    const db = await useTestDatabase();
    const ex = executor(db);
    const { result, out } = await run(ex, "CREATE TABLE w (v text); INSERT INTO w VALUES ('a'), ('b'); UPDATE w SET v = 'c' WHERE v = 'a'; SELECT count(*) AS n FROM w");
    expect(result).toMatchObject({ exitCode: 0, failure: null, rows: [{ n: '2' }] });
    expect(out.text('stdout')).toBe('CREATE\nINSERT 0 2\nUPDATE 1\n n\n---\n 2\n(1 row)\n');
    const dup = await run(ex, 'CREATE TABLE w (v text)');
    expect(dup.result.failure).toMatchObject({ kind: 'sql_error', sqlState: '42P07' });
    expect(dup.out.text('stderr')).toContain('SQLSTATE: 42P07 DuplicateTable');
    await ex.close();
  });

  it('honours statement_timeout per step', async () => {
    const db = await useTestDatabase();
    const ex = executor(db);
    const started = Date.now();
    const { result, out } = await run(ex, 'SELECT pg_sleep(10)', { readOnly: true, statementTimeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.failure).toMatchObject({ kind: 'timeout', sqlState: '57014', message: expect.stringContaining('statement_timeout (0.3s)') });
    expect(out.text('stderr')).toContain('canceling statement due to statement timeout');
    // SET LOCAL: the next statement runs without it.
    expect((await run(ex, "SELECT current_setting('statement_timeout') AS s", { readOnly: true })).result.rows).toEqual([{ s: '0' }]);
    // A command step (no transaction) gets it too, and it is reset afterwards.
    const cmd = await run(ex, 'SELECT pg_sleep(10)', { statementTimeoutMs: 300 });
    expect(cmd.result.failure?.kind).toBe('timeout');
    expect((await run(ex, "SELECT current_setting('statement_timeout') AS s")).result.rows).toEqual([{ s: '0' }]);
    await ex.close();
  });

  it('honours lock_timeout: a lock held elsewhere gives 55P03 LockNotAvailable', async () => {
    const db = await useTestDatabase();
    await db.query('CREATE TABLE locked (id int)');
    const other = await db.connect();
    await other.query('BEGIN');
    await other.query('LOCK TABLE locked IN ACCESS EXCLUSIVE MODE');
    const ex = executor(db);
    const started = Date.now();
    const { result, out } = await run(ex, 'SELECT count(*) FROM locked', { readOnly: true, lockTimeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.failure).toMatchObject({ kind: 'sql_error', sqlState: '55P03', message: expect.stringContaining('LockNotAvailable') });
    expect(out.text('stderr')).toBe('ERROR:  canceling statement due to lock timeout\nSQLSTATE: 55P03 LockNotAvailable\n');
    await other.query('ROLLBACK');
    expect((await run(ex, 'SELECT count(*)::int AS n FROM locked', { readOnly: true })).result.rows).toEqual([{ n: 0 }]);
    await ex.close();
  });

  it('pg_terminate_backend on the check\'s session mid-query: connection_lost, and the next step reconnects', async () => {
    const db = await useTestDatabase();
    const ex = executor(db, {}, { applicationName: 'cw-terminate-me' });
    await ex.connect();
    const pending = run(ex, "SELECT 'before' AS marker, pg_sleep(30)", { readOnly: true });
    const pid = await waitForActive(db, 'cw-terminate-me', 'pg_sleep');
    expect(pid).toBe(ex.backendPid);
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    const { result, out } = await pending;
    expect(result.failure).toMatchObject({ kind: 'connection_lost', message: expect.stringContaining('pg_terminate_backend') });
    expect(result.exitCode).toBeNull();
    expect(out.text('stderr')).toContain('terminating connection due to administrator command');
    // The process is still alive and the executor reconnects for the next statement.
    const next = await run(ex, 'SELECT 2 AS again', { readOnly: true });
    expect(next.result.rows).toEqual([{ again: 2 }]);
    expect(ex.backendPid).not.toBe(pid);
    await ex.close();
  });

  it('a session terminated while idle does not crash anything; the next exec reconnects', async () => {
    const db = await useTestDatabase();
    const ex = executor(db);
    await ex.connect();
    const pid = ex.backendPid;
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    await new Promise((r) => setTimeout(r, 200));
    const { result } = await run(ex, 'SELECT 1 AS ok', { readOnly: true });
    expect(result.rows).toEqual([{ ok: 1 }]);
    await ex.close();
  });

  it('cancel through the AbortSignal: pg_cancel_backend, reported as cancelled', async () => {
    const db = await useTestDatabase();
    const ex = executor(db, {}, { applicationName: 'cw-cancel-me' });
    await ex.connect();
    const controller = new AbortController();
    const started = Date.now();
    const pending = run(ex, 'SELECT pg_sleep(30)', { readOnly: true, signal: controller.signal });
    await waitForActive(db, 'cw-cancel-me', 'pg_sleep');
    controller.abort();
    const { result } = await pending;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.failure).toMatchObject({ kind: 'cancelled', message: expect.stringContaining('pg_cancel_backend') });
    // The session survives a cancel.
    expect((await run(ex, 'SELECT 3 AS n', { readOnly: true })).result.rows).toEqual([{ n: 3 }]);
    await ex.close();
  });

  it('a step timeout cancels the statement and reports a timeout', async () => {
    const db = await useTestDatabase();
    const ex = executor(db);
    const { result } = await run(ex, 'SELECT pg_sleep(30)', { timeoutMs: 300 });
    expect(result.failure).toMatchObject({ kind: 'timeout', message: expect.stringContaining('Timed out after 0.3s') });
    await ex.close();
  });

  it('redacts secrets that a query returns', async () => {
    const db = await useTestDatabase();
    const ex = executor(db, {}, { secrets: { ...db.secrets, api_token: 'tok-9f8e7d6c' } });
    const { out } = await run(ex, "SELECT 'tok-9f8e7d6c' AS token, 'postgresql://u:pw1@h/db' AS dsn", { readOnly: true });
    expect(out.text()).not.toContain('tok-9f8e7d6c');
    expect(out.text()).not.toContain('pw1');
    expect(out.text()).toContain(REDACTED);
  });

  it('connection failures are clear: refused port, unknown host, missing database, missing secret', async () => {
    const db = await useTestDatabase();
    const port = await freePort();
    const url = new URL(splitPassword(db.dsn).dsn);
    url.port = String(port);
    const refused = new PostgresExecutor('x', { kind: 'postgres', dsn: url.toString(), tls: 'disable' }, { secrets: {} });
    await expect(refused.connect()).rejects.toMatchObject({ kind: 'connect_failed', message: expect.stringContaining(`Connection refused by 127.0.0.1:${port}`) });
    const unknown = new PostgresExecutor('x', { kind: 'postgres', dsn: 'postgresql://u@no-such-host.invalid/db', tls: 'disable' }, { secrets: {} });
    await expect(unknown.connect()).rejects.toMatchObject({ kind: 'connect_failed', message: expect.stringContaining('Unknown host "no-such-host.invalid"') });
    const noDb = executor(db);
    const missing = new PostgresExecutor('x', { ...db.target(), dsn: splitPassword(db.dsn).dsn.replace(db.name, `${db.name}_nope`) }, { secrets: db.secrets });
    await expect(missing.connect()).rejects.toMatchObject({ kind: 'connect_failed', message: expect.stringContaining('3D000') });
    const noSecret = executor(db, { secret: 'db_pw_missing' }, { secrets: {} });
    await expect(noSecret.connect()).rejects.toMatchObject({ kind: 'auth_failed', message: expect.stringContaining('"db_pw_missing", which is not in the vault') });
    // exec reports the same failure as data.
    expect((await run(noSecret, 'SELECT 1', { readOnly: true })).result.failure?.kind).toBe('auth_failed');
    await noDb.close();
  });

  it('TLS against this server (ssl is off here): require and verify-full fail clearly, prefer falls back', async () => {
    const ssl = await withClient(PGURL, async (c) => (await c.query<{ ssl: string }>('SHOW ssl')).rows[0]?.ssl);
    const db = await useTestDatabase();
    if (ssl === 'on') {
      // This server speaks TLS: the refusal cannot be shown here (test/targets/postgres-tls.test.ts covers TLS).
      const ex = executor(db, { tls: 'require' });
      await ex.connect();
      expect(ex.encrypted).toBe(true);
      await ex.close();
      return;
    }
    for (const tls of ['require', 'verify-ca', 'verify-full'] as const) {
      const ex = executor(db, { tls });
      await expect(ex.connect(), tls).rejects.toMatchObject({ kind: 'connect_failed', message: expect.stringContaining(`does not accept TLS connections, but target "appdb" requires TLS (tls: ${tls})`) });
    }
    // sslmode in the DSN is never weaker than the target's tls, but can make it stricter.
    const stricter = executor(db, { tls: 'disable', dsn: `${splitPassword(db.dsn).dsn}?sslmode=require` });
    await expect(stricter.connect()).rejects.toMatchObject({ kind: 'connect_failed' });
    const prefer = executor(db, { tls: 'prefer' });
    await prefer.connect();
    expect(prefer.encrypted).toBe(false);
    expect((await run(prefer, 'SELECT 1 AS one', { readOnly: true })).result.rows).toEqual([{ one: 1 }]);
    await prefer.close();
  });
});
