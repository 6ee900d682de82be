// TLS modes against a private PostgreSQL with ssl=on (initdb in a temp dir, certificates made
// by openssl: a CA, and a server certificate for DNS:localhost only), plus password
// authentication (scram-sha-256) with the password from the vault's secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresExecutor, type PostgresTarget } from '../../src/core/targets/postgres';
import { startTlsPostgres, type TlsPostgres } from '../helpers/pg';

let server: TlsPostgres | null = null;
beforeAll(async () => {
  server = await startTlsPostgres();
});
afterAll(async () => {
  await server?.stop();
});

function target(tls: PostgresTarget['tls'], host: 'localhost' | '127.0.0.1', params: Record<string, string> = {}): PostgresTarget {
  return { kind: 'postgres', dsn: server!.dsn(host, params), tls, secret: 'pg_password' };
}

function executor(t: PostgresTarget, password = server!.password) {
  return new PostgresExecutor('tlsdb', t, { secrets: { pg_password: password } }, { connectTimeoutMs: 5_000 });
}

async function connected(t: PostgresTarget): Promise<boolean | null> {
  const ex = executor(t);
  try {
    await ex.connect();
    return ex.encrypted;
  } finally {
    await ex.close();
  }
}

// Skipped only where there are no PostgreSQL server binaries or no `postgres` system user.
describe.skipIf(process.getuid?.() !== 0)('postgres executor over TLS (private server)', () => {
  it('disable connects in clear text; prefer and require encrypt without checking the certificate', async () => {
    if (!server) return expect.fail('the TLS test server could not start: no PostgreSQL server binaries or no postgres user');
    expect(await connected(target('disable', '127.0.0.1'))).toBe(false);
    expect(await connected(target('prefer', '127.0.0.1'))).toBe(true);
    expect(await connected(target('require', '127.0.0.1'))).toBe(true);
  });

  it('verify-full checks the CA and the host name', async () => {
    if (!server) return expect.fail('the TLS test server could not start');
    expect(await connected(target('verify-full', 'localhost', { sslrootcert: server.caFile }))).toBe(true);
    // By address, the certificate (for DNS:localhost) does not match.
    await expect(connected(target('verify-full', '127.0.0.1', { sslrootcert: server.caFile }))).rejects.toMatchObject({
      kind: 'connect_failed',
      message: expect.stringMatching(/TLS verification failed for 127\.0\.0\.1:\d+\/postgres \(tls: verify-full\): the server's certificate is not for "127\.0\.0\.1"/),
    });
    // Signed by a CA we do not trust.
    await expect(connected(target('verify-full', 'localhost', { sslrootcert: server.otherCaFile }))).rejects.toMatchObject({
      kind: 'connect_failed',
      message: expect.stringContaining("the server's certificate is not trusted"),
    });
    // No CA given: Node's default trust store does not know the test CA.
    await expect(connected(target('verify-full', 'localhost'))).rejects.toMatchObject({ kind: 'connect_failed', message: expect.stringContaining('TLS verification failed') });
  });

  it('verify-ca checks the CA but not the host name', async () => {
    if (!server) return expect.fail('the TLS test server could not start');
    expect(await connected(target('verify-ca', '127.0.0.1', { sslrootcert: server.caFile }))).toBe(true);
    await expect(connected(target('verify-ca', '127.0.0.1', { sslrootcert: server.otherCaFile }))).rejects.toMatchObject({ kind: 'connect_failed' });
  });

  it('require with a root certificate in the DSN verifies the chain, as libpq does', async () => {
    if (!server) return expect.fail('the TLS test server could not start');
    await expect(connected(target('require', '127.0.0.1', { sslrootcert: server.otherCaFile }))).rejects.toMatchObject({ kind: 'connect_failed' });
    expect(await connected(target('require', '127.0.0.1', { sslrootcert: server.caFile }))).toBe(true);
  });

  it('a wrong password is auth_failed and the message does not contain it', async () => {
    if (!server) return expect.fail('the TLS test server could not start');
    const ex = executor(target('require', '127.0.0.1'), 'wrong-password-xyz');
    const error = await ex.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth_failed', message: expect.stringContaining('password authentication failed for user "postgres"') });
    expect((error as Error).message).toContain('the secret "pg_password"');
    expect((error as Error).message).not.toContain('wrong-password-xyz');
  });

  it('runs checks over the encrypted session, and cancels through a second TLS connection', async () => {
    if (!server) return expect.fail('the TLS test server could not start');
    const ex = executor(target('verify-full', 'localhost', { sslrootcert: server.caFile }));
    const chunks: Buffer[] = [];
    const ok = await ex.exec({ command: 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()', readOnly: true, onOutput: (c) => chunks.push(c) });
    expect(ok.rows).toEqual([{ ssl: true }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const cancelled = await ex.exec({ command: 'SELECT pg_sleep(30)', readOnly: true, signal: controller.signal, onOutput: () => undefined });
    expect(cancelled.failure?.kind).toBe('cancelled');
    await ex.close();
  });
});
