// The real `cutover` CLI run as a child process (`node bin/cutover.mjs ...`), the way a user
// or a script runs it, and the vault file opened directly with its key, the way someone who
// holds the key (an attacker, or a forensic check) would. No mocks.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createDecipheriv, scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3-multiple-ciphers';
import { expect } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_BIN = fileURLToPath(new URL('../../bin/cutover.mjs', import.meta.url));

/** The passphrase every test vault is made with (CUTOVER_PASSPHRASE in cliEnv()). */
export const PASSPHRASE = 'correct horse battery staple';

export interface CliOptions {
  /** Added to (or, with undefined, removed from) the test environment of cliEnv(). */
  env?: Record<string, string | undefined>;
  /** Written to standard input, which is then closed. */
  input?: string | Buffer;
  cwd?: string;
  /** The child is killed with SIGKILL after this long (the result then has signal set). */
  timeoutMs?: number;
}

export interface CliResult {
  /** Exit code; null when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment a CLI child gets: this process's, minus any CUTOVER_* from the developer's
 * shell, plus a fast KDF (2^14, recorded in the keyslot), the test passphrase and an actor.
 */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('CUTOVER_')) env[name] = value;
  Object.assign(env, { CUTOVER_SCRYPT_LOG2N: '14', CUTOVER_PASSPHRASE: PASSPHRASE, CUTOVER_ACTOR: 'fault-tester' });
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** Settles when the process has exited and its output is collected. */
  result: Promise<CliResult>;
}

/** Starts `cutover ARGS` and returns at once; feed child.stdin yourself, or kill it. */
export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: cliEnv(options.env), stdio: 'pipe' });
  // A child that exits (or is killed) before reading all its input must not crash the test with EPIPE.
  child.stdin.on('error', () => {});
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => stdout.push(b));
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
  return { child, result };
}

/** Runs `cutover ARGS` to the end. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const running = startCli(args, { timeoutMs: 90_000, ...options });
  running.child.stdin.end(options.input ?? '');
  return running.result;
}

/** Output for an assertion message: at most 3000 characters, binary bytes shown as '.'. */
function printable(text: string): string {
  const clean = text.replace(/[^\t\n\x20-\x7e]/g, '.');
  return clean.length > 3000 ? `${clean.slice(0, 3000)}... (${clean.length} characters)` : clean;
}

/** For assertion messages: what the CLI said. */
export function describeRun(r: CliResult): string {
  return `exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}\n--- stdout\n${printable(r.stdout)}\n--- stderr\n${printable(r.stderr)}`;
}

/** A refusal the user can act on: the exit code, one clear `cutover:` line, no internal error or stack trace. */
export function expectRefusal(r: CliResult, code: number, message: RegExp): void {
  expect(r.code, describeRun(r)).toBe(code);
  expect(r.stderr, describeRun(r)).toMatch(message);
  expect(r.stderr).toMatch(/^cutover: /);
  expectNoCrash(r);
}

/** Never exit 70 (internal error), never a stack trace. */
export function expectNoCrash(r: CliResult): void {
  expect(r.code, describeRun(r)).not.toBe(70);
  expect(r.signal, describeRun(r)).toBeNull();
  expect(r.stderr, describeRun(r)).not.toMatch(/internal error/i);
  expect(r.stderr, describeRun(r)).not.toMatch(/^\s+at .+[:(]/m);
}

// ---- The vault file opened directly ---------------------------------------------------------
// Independent of src/core/vault: the keyslot format as documented in keyslots.ts (scrypt with
// the slot's parameters, AES-256-GCM with AAD "cutover-vault-keyslot:<vaultId>"), and the
// SQLCipher 4 pragmas with the raw 256-bit key.

interface PassphraseSlot {
  type: 'passphrase';
  kdf: { name: 'scrypt'; log2N: number; r: number; p: number; salt: string };
  wrap: { alg: 'A256GCM'; iv: string; ct: string; tag: string };
}

interface KeysFile {
  vaultId: string;
  slots: Array<PassphraseSlot | { type: 'keychain' }>;
}

/** Unwraps a vault's data key from `<vault>.keys` with the passphrase. */
export function unwrapDataKey(vaultPath: string, passphrase = PASSPHRASE): { dataKey: Buffer; vaultId: string } {
  const file = JSON.parse(readFileSync(`${vaultPath}.keys`, 'utf8')) as KeysFile;
  for (const slot of file.slots) {
    if (slot.type !== 'passphrase') continue;
    const N = 2 ** slot.kdf.log2N;
    const kek = scryptSync(passphrase.normalize('NFC'), Buffer.from(slot.kdf.salt, 'base64'), 32, { N, r: slot.kdf.r, p: slot.kdf.p, maxmem: 256 * N * slot.kdf.r + 1024 * 1024 });
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(slot.wrap.iv, 'base64'));
    decipher.setAAD(Buffer.from(`cutover-vault-keyslot:${file.vaultId}`));
    decipher.setAuthTag(Buffer.from(slot.wrap.tag, 'base64'));
    try {
      return { dataKey: Buffer.concat([decipher.update(Buffer.from(slot.wrap.ct, 'base64')), decipher.final()]), vaultId: file.vaultId };
    } catch {
      // not this slot
    }
  }
  throw new Error(`no passphrase slot of ${vaultPath}.keys opens with the test passphrase`);
}

export type SqliteDatabase = Database.Database;

/** Opens the encrypted file itself with its data key (SQLCipher 4, raw key). Close it when done. */
export function openVaultFile(vaultPath: string, dataKey: Buffer): SqliteDatabase {
  const db = new Database(vaultPath, { fileMustExist: true });
  try {
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
    db.pragma(`key = "x'${dataKey.toString('hex')}'"`);
    db.pragma('busy_timeout = 10000');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
