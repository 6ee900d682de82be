// The mysql executor against the real MariaDB at MYSQLURL, a database and a login with a
// password of its own per test: checks with rows and a table, writes (and DDL) refused inside
// read-only checks, bound parameters, several statements in a command but not in a check, a
// timeout and a cancel that leave no query running on the server, redaction, and TLS refusals.
import { describe, expect, it } from 'vitest';
import { MysqlExecutor, type MysqlTarget } from '../../src/core/targets/mysql';
import { REDACTED } from '../../src/core/targets/redact';
import type { ExecRequest, TargetContext } from '../../src/core/targets/types';
import { useTestMysql, waitForProcesses, type TestMysql } from '../helpers/mysql';
import { freePort } from '../helpers/sshd';

function capture() {
  const chunks: Array<{ stream: 'stdout' | 'stderr'; data: Buffer }> = [];
  return {
    onOutput: (data: Buffer, stream: 'stdout' | 'stderr') => chunks.push({ stream, data: Buffer.from(data) }),
    text: (stream?: 'stdout' | 'stderr') => Buffer.concat(chunks.filter((c) => !stream || c.stream === stream).map((c) => c.data)).toString(),
  };
}

function executor(db: TestMysql, overrides: Partial<MysqlTarget> = {}, context: Partial<TargetContext> = {}) {
  return new MysqlExecutor('sales', db.target(overrides), { secrets: db.secrets, ...context }, { connectTimeoutMs: 5_000, killGraceMs: 2_000 });
}

async function run(ex: MysqlExecutor, command: string, extra: Partial<ExecRequest> = {}) {
  const out = capture();
  const result = await ex.exec({ command, onOutput: out.onOutput, ...extra });
  return { result, out };
}

describe('mysql executor (MariaDB)', () => {
  it('connects with the vault secret and runs a check that returns rows, fields and a table', async () => {
    const db = await useTestMysql();
    await db.query('CREATE TABLE chunks (id INT PRIMARY KEY, source_id VARCHAR(40), skipped BIGINT, ratio DECIMAL(5,2), note TEXT)');
    await db.query("INSERT INTO chunks VALUES (1, 'assets_1', 12, 0.50, NULL), (22, 'assets_2', 0, 10.25, 'two\\nlines')");
    const ex = executor(db);
    try {
      await ex.connect();
      expect(ex.connectionId).toBeGreaterThan(0);
      expect(ex.encrypted).toBe(false);
      const { result, out } = await run(ex, 'SELECT id, source_id, skipped, ratio, note FROM chunks ORDER BY id', { readOnly: true });
      expect(result).toMatchObject({ exitCode: 0, failure: null, fields: ['id', 'source_id', 'skipped', 'ratio', 'note'] });
      expect(result.rows).toEqual([
        { id: 1, source_id: 'assets_1', skipped: 12, ratio: '0.50', note: null },
        { id: 22, source_id: 'assets_2', skipped: 0, ratio: '10.25', note: 'two\nlines' },
      ]);
      expect(out.text('stdout')).toBe([
        ' id | source_id | skipped | ratio | note',
        '----+-----------+---------+-------+-------',
        '  1 | assets_1  |      12 |  0.50 |',
        ' 22 | assets_2  |       0 | 10.25 | two  +',
        '    |           |         |       | lines',
        '(2 rows)',
        '',
      ].join('\n'));
    } finally {
      await ex.close();
    }
  });

  it('a read-only check refuses INSERT and DDL with a clear sql_error, and nothing is written', async () => {
    const db = await useTestMysql();
    await db.query('CREATE TABLE t (a INT)');
    const ex = executor(db);
    try {
      const insert = await run(ex, 'INSERT INTO t VALUES (1)', { readOnly: true });
      expect(insert.result.exitCode).toBe(1);
      expect(insert.result.failure).toMatchObject({ kind: 'sql_error', sqlState: '25006' });
      expect(insert.result.failure?.message).toMatch(/Cannot execute statement in a READ ONLY transaction.*a check runs in a read-only transaction; a change belongs in an approved command step/);
      expect(insert.out.text('stderr')).toBe('ERROR 1792 (25006): Cannot execute statement in a READ ONLY transaction\n');
      // DDL would commit implicitly inside a mere START TRANSACTION READ ONLY; the session is read-only too.
      const ddl = await run(ex, 'CREATE TABLE sneaky (a INT)', { readOnly: true });
      expect(ddl.result.failure).toMatchObject({ kind: 'sql_error', sqlState: '25006' });
      expect(await db.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 0 }]);
      expect(await db.query("SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'sneaky'")).toEqual([{ n: 0 }]);
      // The same session still reads afterwards.
      expect((await run(ex, 'SELECT COUNT(*) AS n FROM t', { readOnly: true })).result.rows).toEqual([{ n: 0 }]);
    } finally {
      await ex.close();
    }
  });

  it('several statements: allowed in a command step, refused in a check', async () => {
    const db = await useTestMysql();
    const ex = executor(db);
    try {
      const cmd = await run(ex, 'CREATE TABLE t (a INT); INSERT INTO t VALUES (1), (2); SELECT COUNT(*) AS n FROM t');
      expect(cmd.result).toMatchObject({ exitCode: 0, failure: null, rows: [{ n: 2 }] });
      expect(cmd.out.text('stdout')).toBe('Query OK, 0 rows affected\nQuery OK, 2 rows affected\n n\n---\n 2\n(1 row)\n');
      const check = await run(ex, 'SELECT 1; DELETE FROM t', { readOnly: true });
      expect(check.result.failure?.kind).toBe('sql_error');
      expect(check.result.failure?.message).toMatch(/A SQL check runs exactly one statement/);
      expect(await db.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 2 }]);
    } finally {
      await ex.close();
    }
  });

  it('a bound parameter with a quote arrives intact, in a check and in a command, never spliced', async () => {
    const db = await useTestMysql();
    await db.query('CREATE TABLE sources (id VARCHAR(60))');
    const ex = executor(db);
    const tricky = "o'brien\"; DROP TABLE sources; --";
    try {
      const insert = await run(ex, 'INSERT INTO sources VALUES (?)', { params: [tricky] });
      expect(insert.result).toMatchObject({ exitCode: 0, failure: null });
      const check = await run(ex, 'SELECT id, ? AS echoed, LENGTH(?) AS len FROM sources WHERE id = ?', { readOnly: true, params: [tricky, tricky, tricky] });
      expect(check.result.failure).toBeNull();
      expect(check.result.rows).toEqual([{ id: tricky, echoed: tricky, len: tricky.length }]);
      expect(await db.query('SELECT id FROM sources')).toEqual([{ id: tricky }]);
    } finally {
      await ex.close();
    }
  });

  it('a step timeout stops SELECT SLEEP(30), and the server shows no leftover query', { timeout: 30_000 }, async () => {
    const db = await useTestMysql();
    const ex = executor(db);
    try {
      const started = Date.now();
      const { result } = await run(ex, 'SELECT SLEEP(30)', { readOnly: true, timeoutMs: 600 });
      expect(result.failure?.kind).toBe('timeout');
      expect(result.failure?.message).toBe('Timed out after 0.6s: the statement was stopped (KILL QUERY).');
      expect(result.exitCode).toBeNull();
      expect(Date.now() - started).toBeLessThan(20_000);
      await waitForProcesses(db.user, (rows) => rows.every((r) => !/SLEEP/i.test(r.info ?? '')), 'no SLEEP left running');
      // The session is usable afterwards.
      expect((await run(ex, 'SELECT 1 AS one', { readOnly: true })).result.rows).toEqual([{ one: 1 }]);
    } finally {
      await ex.close();
    }
  });

  it('statement_timeout is the server\'s own limit (max_statement_time on MariaDB, max_execution_time on MySQL)', { timeout: 30_000 }, async () => {
    const db = await useTestMysql();
    await db.query('CREATE TABLE t (a INT)');
    const ex = executor(db);
    try {
      const { result } = await run(ex, 'INSERT INTO t SELECT SLEEP(30)', { statementTimeoutMs: 500 });
      expect(result.failure?.kind).toBe('timeout');
      expect(result.failure?.message).toMatch(/^statement_timeout \(0\.5s\) reached: the server stopped the statement: Query execution was interrupted \(max_statement_time exceeded\)/);
      await waitForProcesses(db.user, (rows) => rows.every((r) => !/SLEEP/i.test(r.info ?? '')), 'no SLEEP left running');
      // The limit is per step: the next statement runs without it.
      expect((await run(ex, 'SELECT SLEEP(0.7) AS s', { readOnly: true })).result.rows).toEqual([{ s: 0 }]);
      expect((await run(ex, 'SELECT SLEEP(0.7) AS s')).result.rows).toEqual([{ s: 0 }]);
    } finally {
      await ex.close();
    }
  });

  it('cancel through the AbortSignal stops the query (KILL QUERY), reported as cancelled', { timeout: 30_000 }, async () => {
    const db = await useTestMysql();
    const ex = executor(db);
    try {
      await ex.connect();
      const controller = new AbortController();
      const pending = run(ex, 'SELECT SLEEP(30)', { readOnly: true, signal: controller.signal });
      await waitForProcesses(db.user, (rows) => rows.some((r) => /SLEEP\(30\)/.test(r.info ?? '')), 'the SLEEP running');
      controller.abort();
      const { result } = await pending;
      expect(result.failure).toMatchObject({ kind: 'cancelled' });
      expect(result.failure?.message).toMatch(/Cancelled by the operator/);
      await waitForProcesses(db.user, (rows) => rows.every((r) => !/SLEEP/i.test(r.info ?? '')), 'no SLEEP left running');
      const already = new AbortController();
      already.abort();
      expect((await run(ex, 'SELECT 1', { readOnly: true, signal: already.signal })).result.failure?.kind).toBe('cancelled');
    } finally {
      await ex.close();
    }
  });

  it('closing the executor while a statement runs kills it on the server, and the exec ends as connection_lost', { timeout: 30_000 }, async () => {
    const db = await useTestMysql();
    const ex = executor(db);
    await ex.connect();
    const pending = run(ex, 'SELECT SLEEP(30)', { readOnly: true });
    await waitForProcesses(db.user, (rows) => rows.some((r) => /SLEEP\(30\)/.test(r.info ?? '')), 'the SLEEP running');
    await ex.close();
    const { result } = await pending;
    expect(result.failure?.kind).toBe('connection_lost');
    await waitForProcesses(db.user, (rows) => rows.length === 0, 'no session of the test login left');
  });

  it('redacts the vault secret from rows and messages', async () => {
    const db = await useTestMysql();
    const ex = executor(db);
    try {
      const rows = await run(ex, `SELECT CONCAT('pw=', '${db.password}') AS leak`, { readOnly: true });
      expect(rows.out.text()).toContain(`pw=${REDACTED}`);
      expect(rows.out.text()).not.toContain(db.password);
      const err = await run(ex, `SELECT * FROM \`${db.password}\``, { readOnly: true });
      expect(err.result.failure?.kind).toBe('sql_error');
      expect(err.result.failure?.message).not.toContain(db.password);
      expect(err.out.text()).not.toContain(db.password);
    } finally {
      await ex.close();
    }
  });

  it('connection failures are clear: wrong password, missing secret, refused port, unknown database', async () => {
    const db = await useTestMysql();
    const wrong = new MysqlExecutor('sales', db.target(), { secrets: { db_password: 'not-the-password' } }, { connectTimeoutMs: 5_000 });
    await expect(wrong.connect()).rejects.toMatchObject({ kind: 'auth_failed', message: expect.stringMatching(/refused the login: Access denied .*The password comes from the secret "db_password"/) });
    const missing = new MysqlExecutor('sales', db.target(), { secrets: {} });
    await expect(missing.connect()).rejects.toMatchObject({ kind: 'auth_failed', message: expect.stringMatching(/secret "db_password", which is not in the vault/) });
    const port = await freePort();
    const refused = new MysqlExecutor('sales', db.target({ dsn: `mysql://${db.user}@127.0.0.1:${port}/${db.database}` }), { secrets: db.secrets }, { connectTimeoutMs: 5_000 });
    const r = await run(refused, 'SELECT 1', { readOnly: true });
    expect(r.result.failure).toMatchObject({ kind: 'connect_failed', message: `Connection refused by 127.0.0.1:${port}/${db.database}: is MySQL/MariaDB running and listening on that address and port?` });
    expect(() => new MysqlExecutor('sales', db.target({ dsn: 'mysql://app:pw@127.0.0.1/x' }), { secrets: {} })).toThrow(/carries a password/);
  });

  it('TLS: require and verify-full against this server (no TLS) fail clearly; prefer falls back to plain', async () => {
    const db = await useTestMysql();
    for (const tls of ['require', 'verify-full'] as const) {
      const ex = executor(db, { tls });
      const { result } = await run(ex, 'SELECT 1', { readOnly: true });
      expect(result.failure?.kind).toBe('connect_failed');
      expect(result.failure?.message).toBe(`127.0.0.1:3306/${db.database} does not accept TLS connections, but target "sales" requires TLS (tls: ${tls}). Enable TLS on the server (have_ssl), or lower the target's tls mode if the network is trusted.`);
      await ex.close();
    }
    // The DSN may only make the target stricter.
    const stricter = executor(db, { tls: 'disable', dsn: `${db.dsn}?ssl-mode=REQUIRED` });
    expect((await run(stricter, 'SELECT 1', { readOnly: true })).result.failure?.message).toMatch(/tls: require/);
    const prefer = executor(db, { tls: 'prefer' });
    try {
      expect((await run(prefer, 'SELECT 1 AS one', { readOnly: true })).result.rows).toEqual([{ one: 1 }]);
      expect(prefer.encrypted).toBe(false);
    } finally {
      await prefer.close();
    }
  });
});
