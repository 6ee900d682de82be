// The checks' view of a test database: its own database on the test server (dropped when the
// test ends), a DSN without password (the password, if PGURL has one, goes in the session
// options, as PGPASSWORD would give it), and sessions closed when the test ends.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { onTestFinished } from 'vitest';
import { PgSession, type SessionOptions } from '../../src/core/checks';
import { cliEnv, REPO_ROOT, type CliResult } from '../helpers/cli';
import { splitPassword, useTestDatabase, type TestDatabase } from '../helpers/pg';
import type { OnFinished } from '../helpers/tmp';

export interface CheckDatabase extends TestDatabase {
  /** The DSN without a password. */
  bare: string;
  /** What PgSession needs besides the DSN (the password, if any). */
  sessionOptions: SessionOptions;
  /** A checks session on it, closed when the test ends. */
  session(applicationName?: string): Promise<PgSession>;
  /** A plain pg connection (another "user" of the database), closed when the test ends. */
  other(applicationName?: string): Promise<pg.Client>;
}

/** A database of its own for a check test, on the shared server or on `server` (a private one, for cluster-wide state). */
export async function useCheckDatabase(onFinished: OnFinished = onTestFinished, server?: string): Promise<CheckDatabase> {
  const db = await useTestDatabase(onFinished, server);
  const { dsn: bare, password } = splitPassword(db.dsn);
  const sessionOptions: SessionOptions = password !== undefined ? { password } : {};
  const opened: Array<{ close(): Promise<void> }> = [];
  onFinished(async () => {
    await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
  });
  return {
    ...db,
    bare,
    sessionOptions,
    async session(applicationName = 'cutover-checks-test') {
      const s = await PgSession.connect(bare, { ...sessionOptions, applicationName });
      opened.push(s);
      return s;
    },
    async other(applicationName = 'cutover-test-other') {
      const client = new pg.Client({ connectionString: db.dsn, application_name: applicationName });
      client.on('error', () => undefined);
      await client.connect();
      opened.push({ close: () => client.end() });
      return client;
    },
  };
}

/** Polls until `probe` returns a value (not undefined), or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const CLI_ENTRY = fileURLToPath(new URL('../../bin/cutover.mjs', import.meta.url));

/** `cutover ARGS` as a child process. */
export function runPgCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], { cwd: REPO_ROOT, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
