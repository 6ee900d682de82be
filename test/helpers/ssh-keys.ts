// Real OpenSSH tools for tests: keys made by ssh-keygen, signatures made and checked by
// `ssh-keygen -Y`, and an ssh-agent started on a socket in a temp dir. No mocks.
import { createConnection } from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

export type KeygenType = 'ed25519' | 'rsa' | 'ecdsa';

/** Environment for OpenSSH tools, without an agent unless one is passed. */
function toolEnv(agentSocket?: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.SSH_AUTH_SOCK;
  delete env.SSH_AGENT_PID;
  if (agentSocket) env.SSH_AUTH_SOCK = agentSocket;
  return env;
}

export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], input?: Buffer | string, agentSocket?: string): ToolResult {
  const r = spawnSync(cmd, args, { input, env: toolEnv(agentSocket), encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function runOk(cmd: string, args: string[], input?: Buffer | string, agentSocket?: string): string {
  const r = run(cmd, args, input, agentSocket);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'cw-evidence-'));
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A temp dir removed when the current test finishes (call inside a test). */
export async function useTempDir(): Promise<string> {
  const dir = await makeTempDir();
  onTestFinished(() => removeTempDir(dir));
  return dir;
}

export interface KeygenKey {
  /** Private key file. */
  path: string;
  /** Contents of the .pub file (one line, no newline). */
  publicKey: string;
}

export interface MakeKeyOptions {
  name?: string;
  bits?: number;
  passphrase?: string;
  comment?: string;
  /** 'PEM' writes the legacy PEM format instead of openssh-key-v1. */
  format?: 'openssh' | 'PEM';
}

/** Makes a key pair with `ssh-keygen -t TYPE` in `dir`. */
export async function makeKey(dir: string, type: KeygenType, opts: MakeKeyOptions = {}): Promise<KeygenKey> {
  const path = join(dir, opts.name ?? `id_${type}${opts.bits ? '_' + opts.bits : ''}`);
  const args = ['-q', '-t', type, '-N', opts.passphrase ?? '', '-C', opts.comment ?? `${type}@test`, '-f', path];
  if (opts.bits) args.push('-b', String(opts.bits));
  if (opts.format === 'PEM') args.push('-m', 'PEM');
  runOk('ssh-keygen', args);
  return { path, publicKey: (await readFile(`${path}.pub`, 'utf8')).trim() };
}

/** The "SHA256:…" fingerprint `ssh-keygen -lf` prints for a public key line. */
export async function keygenFingerprint(dir: string, publicKey: string): Promise<string> {
  const file = join(dir, `fp-${Date.now()}-${Math.random().toString(36).slice(2)}.pub`);
  await writeFile(file, publicKey + '\n');
  const out = runOk('ssh-keygen', ['-lf', file]);
  const fp = out.split(/\s+/)[1];
  if (!fp?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -lf output: ${out}`);
  return fp;
}

/** The public key line `ssh-keygen -y -f PRIVATE` derives from a private key file. */
export function keygenPublicKeyOf(privatePath: string): string {
  return runOk('ssh-keygen', ['-y', '-f', privatePath]).trim();
}

/** `ssh-keygen -Y sign -f KEY -n NAMESPACE < message`: the armored signature it prints. */
export function keygenSign(keyPath: string, message: Buffer, namespace: string, hashalg?: 'sha256' | 'sha512'): string {
  const args = ['-Y', 'sign', '-f', keyPath, '-n', namespace];
  if (hashalg) args.push('-O', `hashalg=${hashalg}`);
  return runOk('ssh-keygen', args, message);
}

export interface KeygenVerifyInput {
  publicKey: string;
  signature: string;
  message: Buffer;
  namespace: string;
  identity?: string;
  /** allowed_signers options, e.g. 'namespaces="x"' or 'no-touch-required'. */
  options?: string;
}

/** `ssh-keygen -Y verify -f allowed_signers -I id -n NS -s sig < msg`; ok when it exits 0. */
export async function keygenVerify(dir: string, input: KeygenVerifyInput): Promise<ToolResult & { ok: boolean }> {
  const identity = input.identity ?? 'approver@example.test';
  const allowed = join(dir, 'allowed_signers');
  const sig = join(dir, 'message.sig');
  const publicKeyOnly = input.publicKey.split(/\s+/).slice(0, 2).join(' ');
  await writeFile(allowed, `${identity} ${input.options ? input.options + ' ' : ''}${publicKeyOnly}\n`);
  await writeFile(sig, input.signature);
  const r = run('ssh-keygen', ['-Y', 'verify', '-f', allowed, '-I', identity, '-n', input.namespace, '-s', sig], input.message);
  return { ...r, ok: r.status === 0 };
}

export interface TestAgent {
  socket: string;
  /** Adds a private key file with ssh-add. */
  add(keyPath: string): void;
  /** Removes a key with `ssh-add -d` (pass the private key path; its .pub must sit beside it). */
  remove(keyPath: string): void;
  stop(): Promise<void>;
}

/** Starts `ssh-agent -D -a SOCKET` in the foreground, as a child we can kill. */
/** Whether something listens on the Unix socket at `path` (a connection is accepted). */
function accepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = createConnection(path);
    conn.once('connect', () => {
      conn.destroy();
      resolve(true);
    });
    conn.once('error', () => resolve(false));
  });
}

export async function startAgent(dir: string): Promise<TestAgent> {
  const socket = join(dir, 'agent.sock');
  const child: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { env: toolEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`ssh-agent did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  // The socket file exists from bind(), before listen(): wait until the agent accepts a connection.
  while (!(await accepts(socket))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`ssh-agent did not start listening: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    socket,
    add: (keyPath) => void runOk('ssh-add', ['-q', keyPath], undefined, socket),
    remove: (keyPath) => void runOk('ssh-add', ['-q', '-d', keyPath], undefined, socket),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
