// PostgreSQL for tests: a database of its own per test on the server at PGURL (default
// postgresql://postgres@127.0.0.1:5432/postgres), dropped when the test ends; and, for the TLS
// tests, a private server with ssl=on and certificates made by openssl in a temp dir.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { onTestFinished } from 'vitest';
import type { PostgresTarget } from '../../src/core/targets/postgres';
import { freePort } from './sshd';
import type { OnFinished } from './tmp';

export const PGURL = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The same server and user as `base`, another database. */
export function dsnFor(database: string, base = PGURL): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A DSN without its password, and the password (for a target's secret). */
export function splitPassword(dsn: string): { dsn: string; password?: string } {
  const url = new URL(dsn);
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.password = '';
  return { dsn: url.toString(), ...(password !== undefined ? { password } : {}) };
}

export async function withClient<T>(dsn: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: dsn, application_name: 'cutover-test-admin' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestDatabase {
  name: string;
  /** DSN of the database, as PGURL gives it (possibly with a password). */
  dsn: string;
  /** A postgres target for it: DSN without password, the password (if any) as secret "db_password". */
  target(overrides?: Partial<PostgresTarget>): PostgresTarget;
  secrets: Record<string, string>;
  /** Runs SQL on its own short connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** A second, long-lived connection (closed when the test ends). */
  connect(): Promise<pg.Client>;
}

/** Makes a database for this test and drops it (WITH FORCE) when the test finishes. */
export async function useTestDatabase(onFinished: OnFinished = onTestFinished): Promise<TestDatabase> {
  const name = `cw_test_${randomBytes(6).toString('hex')}`;
  await withClient(PGURL, (c) => c.query(`CREATE DATABASE ${name}`));
  const clients: pg.Client[] = [];
  onFinished(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await withClient(PGURL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
  const dsn = dsnFor(name);
  const { dsn: bare, password } = splitPassword(dsn);
  const secrets: Record<string, string> = password !== undefined ? { db_password: password } : {};
  return {
    name,
    dsn,
    secrets,
    target: (overrides = {}) => ({ kind: 'postgres', dsn: bare, tls: 'disable', ...(password !== undefined ? { secret: 'db_password' } : {}), ...overrides }),
    query: (sql, params) => withClient(dsn, (c) => c.query(sql, params)),
    async connect() {
      const client = new pg.Client({ connectionString: dsn, application_name: 'cutover-test-other' });
      client.on('error', () => undefined);
      await client.connect();
      clients.push(client);
      return client;
    },
  };
}

// ---- a private server with TLS -------------------------------------------------------------

function run(cmd: string, args: string[], options: { cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, ...options });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** The newest installed server binaries (Debian: /usr/lib/postgresql/N/bin). */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

export interface TlsPostgres {
  port: number;
  /** The superuser and its password (scram-sha-256 over TCP). */
  user: string;
  password: string;
  /** The CA that signed the server certificate (issued for DNS:localhost only). */
  caFile: string;
  /** A CA that did not sign it. */
  otherCaFile: string;
  dsn(host: 'localhost' | '127.0.0.1', params?: Record<string, string>): string;
  stop(): Promise<void>;
}

function makeCertificates(dir: string): { ca: string; otherCa: string; cert: string; key: string } {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const ca = join(dir, 'ca.crt');
  const otherCa = join(dir, 'other-ca.crt');
  run('openssl', ['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', ca, '-days', '2', '-subj', '/CN=cutover test CA']);
  run('openssl', ['req', '-x509', ...ec, '-keyout', join(dir, 'other-ca.key'), '-out', otherCa, '-days', '2', '-subj', '/CN=some other CA']);
  const key = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const cert = join(dir, 'server.crt');
  run('openssl', ['req', ...ec, '-keyout', key, '-out', csr, '-subj', '/CN=localhost']);
  const ext = join(dir, 'server.ext');
  writeFileSync(ext, 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  run('openssl', ['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  return { ca, otherCa, cert, key };
}

/**
 * initdb + postgres with ssl=on in a temp dir, run as the `postgres` system user (initdb
 * refuses root). Returns null when the server binaries or that user are missing.
 */
export async function startTlsPostgres(): Promise<TlsPostgres | null> {
  const bin = postgresBinDir();
  const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (!bin || ids.status !== 0) return null;
  const uid = Number(ids.stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const asPostgres = ['--reuid=postgres', '--regid=postgres', '--init-groups'];

  const dir = mkdtempSync(join(tmpdir(), 'cutover-pgtls-'));
  try {
    const certs = makeCertificates(dir);
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, password + '\n');
    chownSync(dir, uid, gid);
    for (const f of [pwfile, certs.key, certs.cert]) chownSync(f, uid, gid);
    chmodSync(certs.key, 0o600);
    const data = join(dir, 'data');
    run('setpriv', [...asPostgres, join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-sync', '--no-instructions'], { cwd: dir });

    const port = await freePort();
    const child: ChildProcess = spawn('setpriv', [...asPostgres, join(bin, 'postgres'), '-D', data,
      '-c', `port=${port}`, '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`,
      '-c', 'ssl=on', '-c', `ssl_cert_file=${certs.cert}`, '-c', `ssl_key_file=${certs.key}`,
      '-c', 'fsync=off', '-c', 'max_connections=20', '-c', 'shared_buffers=16MB'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 30_000);
      child.stderr?.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes('database system is ready to accept connections')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!ready) {
      child.kill('SIGKILL');
      throw new Error(`the TLS test server did not start:\n${log}`);
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return {
      port,
      user: 'postgres',
      password,
      caFile: certs.ca,
      otherCaFile: certs.otherCa,
      dsn(host, params = {}) {
        const url = new URL(`postgresql://postgres@${host}:${port}/postgres`);
        for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
        return url.toString();
      },
      async stop() {
        child.kill('SIGINT');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
