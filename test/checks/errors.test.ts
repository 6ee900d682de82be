// What goes wrong, said clearly, never a crash: a bad DSN, a port nobody listens on, a database
// that does not exist, a session terminated in the middle of a query, a role without
// permission, a catalog lock held by someone else, a wrong password (and the right one from
// PGPASSWORD or a pgpass file).
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgCheckError, PgSession, fingerprintDatabase, parseDsn, preflight, runPreflight, takeFingerprint } from '../../src/core/checks';
import { PGURL, dsnFor, startTlsPostgres, withClient, type TlsPostgres } from '../helpers/pg';
import { freePort } from '../helpers/sshd';
import { useTempDir } from '../helpers/tmp';
import { useCheckDatabase, waitFor } from './helpers';

async function failure(promise: Promise<unknown>): Promise<PgCheckError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(PgCheckError);
  return error as PgCheckError;
}

describe('DSNs', () => {
  it('refuses a password in the DSN, and malformed DSNs, before connecting', () => {
    const cases: Array<[string, RegExp]> = [
      ['postgresql://app:s3cret@db.example.com/prod', /carries a password: remove it and give the password through PGPASSWORD or ~\/\.pgpass/],
      ['postgresql://app@db.example.com/prod?password=s3cret', /carries a password/],
      ['host=db.example.com dbname=prod', /must be a postgresql:\/\/ URL/],
      ['postgresql://db.example.com:99999/prod', /not a valid postgresql:\/\/ URL/],
      ['postgresql://db.example.com/prod?sslmode=sometimes', /sslmode=sometimes is not a libpq TLS mode/],
      ['postgresql://db.example.com/prod?target_session_attrs=read-write', /The DSN parameter target_session_attrs is not supported here \(supported: /],
    ];
    for (const [dsn, message] of cases) {
      let error: unknown;
      try {
        parseDsn(dsn);
      } catch (e) {
        error = e;
      }
      expect(error, dsn).toBeInstanceOf(PgCheckError);
      expect((error as PgCheckError).kind).toBe('dsn');
      expect((error as PgCheckError).message).toMatch(message);
      expect((error as PgCheckError).message).not.toContain('s3cret');
    }
    expect(parseDsn('postgresql://app@db.example.com:6432/prod?sslmode=require&connect_timeout=7&options=-c%20statement_timeout%3D0'))
      .toMatchObject({ host: 'db.example.com', port: 6432, database: 'prod', user: 'app', sslmode: 'require', label: 'db.example.com:6432/prod', connectTimeoutMs: 7000, options: '-c statement_timeout=0' });
  });

  it('says who refused: nobody listening, an unknown host, a database that does not exist', async () => {
    const port = await freePort();
    const refused = await failure(preflight(`postgresql://postgres@127.0.0.1:${port}/postgres`));
    expect(refused.kind).toBe('connect');
    expect(refused.message).toBe(`Connection refused by 127.0.0.1:${port}/postgres: is PostgreSQL running and listening on that address and port?`);

    const unknown = await failure(fingerprintDatabase('postgresql://postgres@no-such-host.invalid/postgres', {}, { connectTimeoutMs: 5_000 }));
    expect(unknown.kind).toBe('connect');
    expect(unknown.message).toMatch(/^(Unknown host "no-such-host\.invalid"|Cannot reach no-such-host\.invalid)/);

    const url = new URL(PGURL);
    const missing = await failure(PgSession.connect(dsnFor('cw_no_such_database'), { allowPasswordInDsn: true }));
    expect(missing.kind).toBe('connect');
    expect(missing.message).toBe(`Database "cw_no_such_database" does not exist on ${url.hostname}:${url.port || 5432}: check the database name in the DSN.`);
  });
});

describe('a session that goes away', () => {
  it('ends the fingerprint with a clear error when the backend is terminated mid-query', async () => {
    const db = await useCheckDatabase();
    await db.query('CREATE TABLE t (id int PRIMARY KEY)');
    // Hold a catalog lock the fingerprint's relation query needs, so it waits mid-query.
    const locker = await db.other('locker');
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE pg_catalog.pg_inherits IN ACCESS EXCLUSIVE MODE');
    const session = await db.session('cutover-fp-victim');
    const pending = failure(takeFingerprint(session, { connections: 1, lockTimeoutMs: 60_000 }));
    const pid = await waitFor('the fingerprint to wait for the lock', async () => {
      const r = await db.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'cutover-fp-victim' AND wait_event_type = 'Lock'");
      return r.rows[0]?.pid;
    });
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    const error = await pending;
    expect(error.kind).toBe('lost');
    expect(error.sqlState).toBe('57P01');
    expect(error.message).toMatch(new RegExp(`^The connection to 127\\.0\\.0\\.1:\\d+/${db.name} was lost while reading the schema catalogs \\(fingerprint\\): terminating connection due to administrator command \\(SQLSTATE 57P01: an administrator ran pg_terminate_backend, or the server shut down or restarted\\)\\. Nothing was changed`));
    await locker.query('ROLLBACK');

    // The session knows it is gone: the next read says so at once.
    const next = await failure(runPreflight(session));
    expect(next.kind).toBe('lost');
    expect(next.message).toMatch(/was lost while reading the server version/);
  });

  it('fails one check that cannot get its catalog lock, and runs the rest', async () => {
    const db = await useCheckDatabase();
    const session = await db.session();
    const locker = await db.other('locker');
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE pg_catalog.pg_constraint IN ACCESS EXCLUSIVE MODE');
    const report = await runPreflight(session, { only: ['server.version', 'objects.required', 'connections'], required: { foreignKeys: ['fk_x'] } });
    await locker.query('ROLLBACK');
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId['objects.required']!.status).toBe('FAIL');
    expect(byId['objects.required']!.summary).toMatch(/^Could not run: Reading pg_class, pg_type and pg_constraint waited longer than lock_timeout \(2s\) for a lock on .*: canceling statement due to lock timeout\./);
    expect(byId['objects.required']!.details.error).toMatchObject({ kind: 'timeout', sqlState: '55P03' });
    expect(byId['server.version']!.status).toBe('INFO');
    expect(byId.connections!.status).toBe('PASS');
    expect(report.status).toBe('FAIL');
  });
});

describe('permissions', () => {
  const role = `cw_nobody_${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    await withClient(PGURL, (c) => c.query(`CREATE ROLE ${role} LOGIN`));
  });
  afterAll(async () => {
    await withClient(PGURL, (c) => c.query(`DROP ROLE IF EXISTS ${role}`)).catch(() => undefined);
  });
  const asRole = (database: string) => {
    const url = new URL(dsnFor(database));
    url.username = role;
    url.password = '';
    return url.toString();
  };

  it('says when a role may not connect to the database', async () => {
    const db = await useCheckDatabase();
    await db.query(`REVOKE CONNECT ON DATABASE ${db.name} FROM PUBLIC`);
    const error = await failure(preflight(asRole(db.name)));
    expect(error.kind).toBe('permission');
    expect(error.message).toMatch(new RegExp(`^"${role}" may not connect to .*/${db.name}: permission denied for database "?${db.name}"?.*GRANT CONNECT ON DATABASE`));
  });

  it('says when a role may not read the catalogs, and what it could not see', async () => {
    const db = await useCheckDatabase();
    await db.other('someone-else');
    // An unprivileged role: other roles' sessions are hidden from it.
    const report = await preflight(asRole(db.name), { only: ['server.version', 'sessions.long-running'] });
    expect(report.checks[0]!.summary).toMatch(/neither superuser nor pg_monitor/);
    expect(report.checks[1]!.status).toBe('WARN');
    expect(report.checks[1]!.summary).toMatch(/sessions? of other roles could not be inspected \(grant pg_read_all_stats or pg_monitor to see them\)/);

    await db.query('REVOKE SELECT ON pg_catalog.pg_class FROM PUBLIC');
    const error = await failure(fingerprintDatabase(asRole(db.name)));
    expect(error.kind).toBe('permission');
    expect(error.message).toMatch(/^Permission denied on .* while reading the schema catalogs \(fingerprint\): permission denied for (table|relation) pg_class\. Run the checks as a role that can read the catalogs/);
    const partial = await preflight(asRole(db.name), { required: { tables: ['t'] } });
    const required = partial.checks.find((c) => c.id === 'objects.required')!;
    expect(required.status).toBe('FAIL');
    expect(required.summary).toMatch(/^Could not run: Permission denied/);
  });
});

describe('passwords', () => {
  let server: TlsPostgres | null = null;
  beforeAll(async () => {
    server = await startTlsPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('takes the password from PGPASSWORD or a pgpass file, and says so when it is wrong', async ({ skip }) => {
    if (!server) return skip('PostgreSQL server binaries are not installed');
    const dsn = server.dsn('127.0.0.1', { sslmode: 'require' });
    const saved = { PGPASSWORD: process.env.PGPASSWORD, PGPASSFILE: process.env.PGPASSFILE };
    try {
      delete process.env.PGPASSWORD;
      process.env.PGPASSFILE = join(useTempDir(), 'none');
      const none = await failure(PgSession.connect(dsn));
      expect(none.kind).toBe('auth');
      expect(none.message).toMatch(/^127\.0\.0\.1:\d+\/postgres asks for a password for "postgres", and none was given: set PGPASSWORD, or add a line for it to ~\/\.pgpass/);

      process.env.PGPASSWORD = 'not-the-password';
      const wrong = await failure(PgSession.connect(dsn));
      expect(wrong.kind).toBe('auth');
      expect(wrong.message).toMatch(/password authentication failed for user "postgres"/);
      expect(wrong.message).not.toContain('not-the-password');

      process.env.PGPASSWORD = server.password;
      const viaEnv = await PgSession.connect(dsn);
      await viaEnv.close();

      delete process.env.PGPASSWORD;
      const pgpass = join(useTempDir(), 'pgpass');
      writeFileSync(pgpass, `# a comment\nother-host:*:*:*:nope\n127.0.0.1:${server.port}:*:postgres:${server.password.replace(/:/g, '\\:')}\n`);
      chmodSync(pgpass, 0o600);
      process.env.PGPASSFILE = pgpass;
      const viaFile = await PgSession.connect(dsn);
      expect((await runPreflight(viaFile, { only: ['server.version'] })).checks[0]!.status).toBe('INFO');
      await viaFile.close();

      // Readable by others: ignored, as libpq ignores it.
      chmodSync(pgpass, 0o644);
      expect((await failure(PgSession.connect(dsn))).kind).toBe('auth');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
