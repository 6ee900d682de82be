// The one PostgreSQL connection module (src/core/db/postgres.ts): DSNs read as libpq reads
// them, the password rules each caller picks, redaction, libpq's sslmode meaning — and, against
// a private server with TLS whose certificate this machine does not trust, the same DSN gives the
// same answer through a target, a check session and `alembic --db` (before, Alembic handed
// sslmode to pg's connectionString, where require verified the certificate; so did the window's
// Alembic view, which passes a saved target as { connectionString, password }).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVersionTable } from '../../src/core/alembic';
import { PgSession } from '../../src/core/checks';
import { DsnError, normalizePgDsn, parsePgDsn, pgTlsOptions, redactPgDsn } from '../../src/core/db/postgres';
import { redactDsnPassword } from '../../src/core/db/redact-dsn';
import { effectiveTls } from '../../src/core/db/tls-mode';
import { scrubAddress } from '../../src/core/reports/decision';
import { PostgresExecutor } from '../../src/core/targets/postgres';
import { startTlsPostgres, type TlsPostgres } from '../helpers/pg';

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('parsePgDsn (libpq semantics)', () => {
  it('query parameters win over the URL, then PGHOST/PGPORT/PGDATABASE, then libpq defaults', () => {
    expect(parsePgDsn('postgresql://app@db.example:6432/prod?host=/var/run/postgresql&port=5433&dbname=other&user=dba')).toMatchObject({
      host: '/var/run/postgresql', port: 5433, database: 'other', user: 'dba', label: '/var/run/postgresql:5433/other',
    });
    withEnv({ PGHOST: 'from-env', PGPORT: '7000', PGDATABASE: 'envdb', PGUSER: 'envuser' }, () => {
      expect(parsePgDsn('postgresql:///')).toMatchObject({ host: 'from-env', port: 7000, database: 'envdb', user: 'envuser' });
      expect(parsePgDsn('postgresql://u@h:1/d')).toMatchObject({ host: 'h', port: 1, database: 'd', user: 'u' });
    });
    withEnv({ PGHOST: undefined, PGPORT: undefined, PGDATABASE: undefined, PGUSER: 'someone' }, () => {
      // The database defaults to the user name, as in libpq.
      expect(parsePgDsn('postgresql://[::1]')).toMatchObject({ host: '::1', port: 5432, database: 'someone', user: 'someone' });
    });
  });

  it('sslmode: allow is read as prefer, an unknown mode is refused, none leaves it to the caller', () => {
    expect(parsePgDsn('postgresql://h/d?sslmode=allow').sslmode).toBe('prefer');
    expect(parsePgDsn('postgresql://h/d').sslmode).toBeUndefined();
    expect(() => parsePgDsn('postgresql://h/d?sslmode=sometimes')).toThrow(DsnError);
    expect(() => parsePgDsn('postgresql://h/d?sslmode=sometimes')).toThrow(/sslmode=sometimes is not a libpq TLS mode/);
    // A DSN never weakens the target's mode; it may strengthen it.
    expect(effectiveTls('verify-full', 'disable')).toBe('verify-full');
    expect(effectiveTls('prefer', 'require')).toBe('require');
  });

  it('a password in the DSN: refused (CLI, checks), taken (alembic --db, tests) or ignored (targets: the vault gives it)', () => {
    expect(() => parsePgDsn('postgresql://app:s3cret@h/d')).toThrow(/carries a password: remove it and give the password through PGPASSWORD or ~\/\.pgpass/);
    expect(() => parsePgDsn('postgresql://app@h/d?password=s3cret')).toThrow(/carries a password/);
    expect(parsePgDsn('postgresql://app:s%40cret@h/d', { password: 'allow' }).password).toBe('s@cret');
    expect(parsePgDsn('postgresql://app@h/d?password=x', { password: 'allow' }).password).toBe('x');
    expect(parsePgDsn('postgresql://app:s3cret@h/d', { password: 'ignore' }).password).toBeUndefined();
    expect(parsePgDsn('postgresql+psycopg://app@h/d').host).toBe('h');
    expect(normalizePgDsn('postgres+asyncpg://a@h/d')).toBe('postgresql://a@h/d');
    expect(() => parsePgDsn('mysql://app@h/d')).toThrow(/must be a postgresql:\/\/ URL/);
    expect(() => parsePgDsn('postgresql://h:99999/d')).toThrow(/not a valid postgresql:\/\/ URL/);
  });

  it('one redaction for messages, Alembic and the decision report', () => {
    const text = 'postgresql://app:s3cret@db:5432/prod and mysql://root:hunter22@src/sales?password=again';
    expect(redactDsnPassword(text)).toBe('postgresql://app:***@db:5432/prod and mysql://root:***@src/sales?password=***');
    expect(redactPgDsn('postgresql://app:s3cret@db/prod')).toBe('postgresql://app:***@db/prod');
    expect(scrubAddress('postgresql://app:s3cret@db/prod')).toBe('postgresql://app:***@db/prod');
  });

  it('sslmode to TLS options as libpq means them', () => {
    expect(pgTlsOptions('disable', {})).toBe(false);
    expect(pgTlsOptions('prefer', {})).toMatchObject({ rejectUnauthorized: false });
    expect(pgTlsOptions('require', {})).toMatchObject({ rejectUnauthorized: false });
    expect(() => pgTlsOptions('require', { sslrootcert: '/nonexistent/root.crt' })).toThrow(/Cannot read the root certificate \/nonexistent\/root\.crt named in the DSN \(ENOENT\)/);
    const full = pgTlsOptions('verify-full', { sslrootcert: 'system' });
    expect(full).toMatchObject({ rejectUnauthorized: true });
    expect((full as { checkServerIdentity?: unknown }).checkServerIdentity).toBeUndefined();
    const ca = pgTlsOptions('verify-ca', { sslrootcert: 'system' }) as { checkServerIdentity?: () => unknown };
    expect(ca.checkServerIdentity?.()).toBeUndefined();
  });
});

let server: TlsPostgres | null = null;
beforeAll(async () => {
  if (process.getuid?.() === 0) server = await startTlsPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

// Skipped only where there are no PostgreSQL server binaries or no `postgres` system user (the private TLS server needs them).
describe.skipIf(process.getuid?.() !== 0)('one DSN, one meaning: target, check session and alembic --db against a TLS server with an untrusted certificate', () => {
  async function viaTarget(dsn: string): Promise<string> {
    const ex = new PostgresExecutor('db', { kind: 'postgres', dsn, tls: 'disable', secret: 'pw' }, { secrets: { pw: server!.password } }, { connectTimeoutMs: 5_000 });
    try {
      await ex.connect();
      return ex.encrypted ? 'encrypted' : 'plain';
    } catch (error) {
      return `refused: ${(error as Error).message}`;
    } finally {
      await ex.close();
    }
  }
  async function viaCheck(dsn: string): Promise<string> {
    try {
      const session = await PgSession.connect(dsn, { password: server!.password, connectTimeoutMs: 5_000 });
      const ssl = await session.readOnly({ what: 'TLS' }, (q) => q<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'));
      await session.close();
      return ssl[0]?.ssl ? 'encrypted' : 'plain';
    } catch (error) {
      return `refused: ${(error as Error).message}`;
    }
  }
  async function viaAlembic(dsn: string): Promise<string> {
    const url = new URL(dsn);
    url.password = server!.password;
    try {
      const state = await readVersionTable(url.toString(), { connectTimeoutMs: 5_000 });
      return state.exists === false ? 'read' : 'unexpected';
    } catch (error) {
      return `refused: ${(error as Error).message}`;
    }
  }

  async function viaWindow(dsn: string): Promise<string> {
    // The window's Alembic view passes a saved target as { connectionString, password }.
    try {
      const state = await readVersionTable({ connectionString: dsn, password: server!.password }, { connectTimeoutMs: 5_000 });
      return state.exists === false ? 'read' : 'unexpected';
    } catch (error) {
      return `refused: ${(error as Error).message}`;
    }
  }

  it('sslmode=require encrypts without verifying, for all three; verify-full with the wrong CA is refused by all three', { timeout: 60_000 }, async () => {
    const require = server!.dsn('127.0.0.1', { sslmode: 'require' });
    expect(await viaTarget(require)).toBe('encrypted');
    expect(await viaCheck(require)).toBe('encrypted');
    expect(await viaAlembic(require)).toBe('read');
    expect(await viaWindow(require)).toBe('read');

    const wrongCa = server!.dsn('localhost', { sslmode: 'verify-full', sslrootcert: server!.otherCaFile });
    expect(await viaTarget(wrongCa)).toMatch(/^refused: .*(certificate|verif)/i);
    expect(await viaCheck(wrongCa)).toMatch(/^refused: /);
    expect(await viaAlembic(wrongCa)).toMatch(/^refused: /);
    expect(await viaWindow(wrongCa)).toMatch(/^refused: /);

    const rightCa = server!.dsn('localhost', { sslmode: 'verify-full', sslrootcert: server!.caFile });
    expect(await viaTarget(rightCa)).toBe('encrypted');
    expect(await viaCheck(rightCa)).toBe('encrypted');
    expect(await viaAlembic(rightCa)).toBe('read');
  });
});
