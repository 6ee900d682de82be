// The one MySQL connection module (src/core/db/mysql.ts): mysql:// DSNs (never with a
// password), libpq's TLS modes and MySQL's ssl-mode names, and what mysql2 is told for each.
import { describe, expect, it } from 'vitest';
import { DsnError, mysqlTlsOptions, parseMysqlDsn, redactMysqlDsn } from '../../src/core/db/mysql';
import { mysqlSslModeName, tlsModeOfUrl } from '../../src/core/db/tls-mode';
import { describeRun, runCli } from '../helpers/cli';

describe('parseMysqlDsn', () => {
  it('reads host, port, user, database, socket and the TLS mode (libpq or MySQL names)', () => {
    expect(parseMysqlDsn('mysql://app@db.example:3307/sales')).toMatchObject({ host: 'db.example', port: 3307, user: 'app', database: 'sales', label: 'db.example:3307/sales' });
    expect(parseMysqlDsn('mysql://app@db.example/sales')).toMatchObject({ port: 3306 });
    expect(parseMysqlDsn('mysql://app@localhost/sales?socket=/run/mysqld/mysqld.sock').socket).toBe('/run/mysqld/mysqld.sock');
    expect(parseMysqlDsn('mysql://app@h/d?sslmode=verify-ca&ssl-ca=/etc/ca.pem')).toMatchObject({ sslmode: 'verify-ca', sslca: '/etc/ca.pem' });
    expect(parseMysqlDsn('mysql://app@h/d?ssl-mode=VERIFY_IDENTITY').sslmode).toBe('verify-full');
    expect(parseMysqlDsn('mysql://app@h/d?ssl-mode=required').sslmode).toBe('require');
    expect(parseMysqlDsn('mysql://app@h/d').sslmode).toBeUndefined();
  });

  it('refuses a password, another scheme, an unknown mode or parameter, and a bad URL, before connecting', () => {
    const cases: Array<[string, RegExp]> = [
      ['mysql://app:hunter22@h/d', /carries a password: remove it and name a secret instead/],
      ['mysql://app@h/d?password=hunter22', /carries a password/],
      ['postgresql://app@h/d', /must be a mysql:\/\/ URL/],
      ['mysql://app@h/d?ssl-mode=SOMETIMES', /ssl-mode=SOMETIMES is not a MySQL TLS mode/],
      ['mysql://app@h/d?sslmode=sometimes', /sslmode=sometimes is not a TLS mode/],
      ['mysql://app@h/d?charset=latin1', /The DSN parameter charset is not supported \(supported: /],
      ['mysql://app@h:99999/d', /not a valid mysql:\/\/ URL/],
    ];
    for (const [dsn, message] of cases) {
      let error: unknown;
      try {
        parseMysqlDsn(dsn);
      } catch (e) {
        error = e;
      }
      expect(error, dsn).toBeInstanceOf(DsnError);
      expect((error as Error).message, dsn).toMatch(message);
      expect((error as Error).message).not.toContain('hunter22');
    }
    expect(redactMysqlDsn('mysql://root:hunter22@h/d')).toBe('mysql://root:***@h/d');
  });
});

describe('TLS modes for mysql2', () => {
  it('maps libpq\'s meaning: require encrypts unverified (verified when ssl-ca is given), verify-ca checks the chain, verify-full the name too', () => {
    expect(mysqlTlsOptions('disable', {})).toBeUndefined();
    expect(mysqlTlsOptions('prefer', {})).toEqual({ rejectUnauthorized: false, verifyIdentity: false });
    expect(mysqlTlsOptions('require', {})).toEqual({ rejectUnauthorized: false, verifyIdentity: false });
    expect(mysqlTlsOptions('verify-ca', {})).toEqual({ rejectUnauthorized: true, verifyIdentity: false });
    expect(mysqlTlsOptions('verify-full', {})).toEqual({ rejectUnauthorized: true, verifyIdentity: true });
    expect(() => mysqlTlsOptions('require', { sslca: '/nonexistent/ca.pem' })).toThrow(/Cannot read the CA certificate \/nonexistent\/ca\.pem named in the DSN \(ENOENT\)/);
  });

  it('names modes both ways (ssl-mode for MySQL tools, sslmode for ours)', () => {
    expect(mysqlSslModeName('verify-full')).toBe('VERIFY_IDENTITY');
    expect(mysqlSslModeName('disable')).toBe('DISABLED');
    expect(tlsModeOfUrl(new URL('mysql://h/d?ssl-mode=VERIFY_CA'))).toBe('verify-ca');
    expect(tlsModeOfUrl(new URL('mysql://h/d?sslmode=allow'))).toBe('prefer');
    expect(tlsModeOfUrl(new URL('mysql://h/d'))).toBeUndefined();
  });
});

describe('PostgreSQL-only features pointed at MySQL', () => {
  it('preflight, fingerprint and the ledger say they read PostgreSQL only (exit 2 from the CLI)', async () => {
    const { parseDsn, PgCheckError } = await import('../../src/core/checks');
    expect(() => parseDsn('mysql://app@127.0.0.1:3306/sales')).toThrow(PgCheckError);
    expect(() => parseDsn('mysql://app@127.0.0.1:3306/sales')).toThrow(/reads PostgreSQL only .*a mysql:\/\/ DSN cannot be used here\. MySQL\/MariaDB is a runbook target \(kind: mysql\)/);
    const r = await runCli(['pg', 'preflight', '--db', 'mysql://app@127.0.0.1:3306/sales']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/reads PostgreSQL only/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
