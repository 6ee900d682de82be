// PostgreSQL for tests: a database of its own per test on the server at PGURL (default
// postgresql://postgres@127.0.0.1:5432/postgres), dropped when the test ends; and private
// servers (initdb in a temp dir): the pieces test/checks/cluster.ts builds on, and, for the TLS
// tests, one with ssl=on and certificates made by openssl.
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
export async function useTestDatabase(onFinished: OnFinished = onTestFinished, server = PGURL): Promise<TestDatabase> {
  const name = `cw_test_${randomBytes(6).toString('hex')}`;
  await withClient(server, (c) => c.query(`CREATE DATABASE ${name}`));
  const clients: pg.Client[] = [];
  onFinished(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await withClient(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
  const dsn = dsnFor(name, server);
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

// ---- private servers: initdb in a temp dir ------------------------------------------------
// Shared by the TLS server below and test/checks/cluster.ts (servers with settings the shared
// server cannot have, and a streaming standby).

/** How to run the server binaries: as the `postgres` system user when we are root (initdb refuses root). */
export interface RunAs {
  prefix: string[];
  uid: number | null;
  gid: number | null;
}

/** Ourselves, or `postgres` when we are root; null when we are root and there is no such user. */
export function runAs(): RunAs | null {
  if (process.getuid?.() !== 0) return { prefix: [], uid: null, gid: null };
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { prefix: ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups'], uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Hands these paths to the user the server runs as. */
export function giveTo(as: RunAs, ...paths: string[]): void {
  if (as.uid === null || as.gid === null) return;
  for (const path of paths) chownSync(path, as.uid, as.gid);
}

/** Runs a command (as `as`, when given) and returns its stdout; throws when it fails. */
export function run(cmd: string, args: string[], options: { cwd?: string; as?: RunAs } = {}): string {
  const [file, ...rest] = [...(options.as?.prefix ?? []), cmd, ...args];
  const r = spawnSync(file!, rest, { cwd: options.cwd, encoding: 'utf8', timeout: 120_000 });
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

/** initdb of `dir`/data with superuser `postgres` and these authentication options; returns the data directory. */
export function initdb(as: RunAs, bin: string, dir: string, auth: string[]): string {
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', ...auth, '-E', 'UTF8', '--no-sync', '--no-instructions'], { cwd: dir, as });
  return data;
}

export interface ServerProcess {
  port: number;
  stop(): Promise<void>;
}

/**
 * postgres on `data`, listening on a free port of 127.0.0.1 with its socket in `dir`; resolves
 * once it accepts connections. `settings` are -c options over the small defaults here.
 */
export async function startPostgres(as: RunAs, bin: string, data: string, dir: string, settings: Record<string, string> = {}, what = 'private'): Promise<ServerProcess> {
  const port = await freePort();
  const all = { port: String(port), listen_addresses: '127.0.0.1', unix_socket_directories: dir, fsync: 'off', max_connections: '30', shared_buffers: '16MB', ...settings };
  const args = ['-D', data, ...Object.entries(all).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const [file, ...rest] = [...as.prefix, join(bin, 'postgres'), ...args];
  const child: ChildProcess = spawn(file!, rest, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 60_000);
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      if (/ready to accept (read-only )?connections/.test(log)) {
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
    throw new Error(`the ${what} test server did not start:\n${log}`);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port,
    async stop() {
      child.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      child.kill('SIGKILL');
    },
  };
}

/**
 * Makes a server in a new temp dir (owned by the server's user): the dir goes when the server
 * stops, or at once when making it fails.
 */
export async function inTempDir<S extends { stop(): Promise<void> }>(prefix: string, as: RunAs, make: (dir: string) => Promise<S>): Promise<S> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    giveTo(as, dir);
    const server = await make(dir);
    return {
      ...server,
      async stop() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

// ---- a private server with TLS -------------------------------------------------------------

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
 * initdb + postgres with ssl=on in a temp dir, run as the `postgres` system user when we are
 * root (initdb refuses root). Returns null when the server binaries or that user are missing.
 */
export async function startTlsPostgres(): Promise<TlsPostgres | null> {
  const bin = postgresBinDir();
  const as = runAs();
  if (!bin || !as) return null;
  return inTempDir<TlsPostgres>('cutover-pgtls-', as, async (dir) => {
    const certs = makeCertificates(dir);
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, password + '\n');
    giveTo(as, pwfile, certs.key, certs.cert);
    chmodSync(certs.key, 0o600);
    const data = initdb(as, bin, dir, ['--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`]);
    const server = await startPostgres(as, bin, data, dir, { ssl: 'on', ssl_cert_file: certs.cert, ssl_key_file: certs.key, max_connections: '20' }, 'TLS');
    return {
      port: server.port,
      user: 'postgres',
      password,
      caFile: certs.ca,
      otherCaFile: certs.otherCa,
      dsn(host, params = {}) {
        const url = new URL(`postgresql://postgres@${host}:${server.port}/postgres`);
        for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
        return url.toString();
      },
      stop: () => server.stop(),
    };
  });
}
