// A real OpenSSH server for tests: `/usr/sbin/sshd -D -e` on a free loopback port, with host
// keys and authorized_keys made by ssh-keygen in a temp dir. Runs as the current user (root
// here, hence PermitRootLogin yes / StrictModes no). No mocks.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

/** A TCP port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function keygen(args: string[]): string {
  const r = spawnSync('ssh-keygen', args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`ssh-keygen ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** "SHA256:…" of a public key file, as ssh-keygen prints it. */
export function fingerprintOfFile(pubFile: string): string {
  const fp = keygen(['-lf', pubFile]).split(/\s+/)[1];
  if (!fp?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -lf output for ${pubFile}`);
  return fp;
}

export interface ClientKey {
  path: string;
  publicKey: string;
  fingerprint: string;
}

/** A client key pair made by ssh-keygen (ed25519 unless told), optionally encrypted. */
export function makeClientKey(dir: string, name: string, passphrase = '', type: 'ed25519' | 'rsa' | 'ecdsa' = 'ed25519'): ClientKey {
  const path = join(dir, name);
  keygen(['-q', '-t', type, '-N', passphrase, '-C', `${name}@cutover-test`, '-f', path]);
  return { path, publicKey: readFileSync(`${path}.pub`, 'utf8').trim(), fingerprint: fingerprintOfFile(`${path}.pub`) };
}

interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
}

function processTable(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      const rest = stat.slice(close + 2).split(' ');
      out.push({ pid: Number(entry), comm: stat.slice(open + 1, close), ppid: Number(rest[1]) });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Every process below `root` (children, grandchildren …). */
export function descendants(root: number): ProcInfo[] {
  const table = processTable();
  const found: ProcInfo[] = [];
  const parents = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of table) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push(p);
        grew = true;
      }
    }
  }
  return found;
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  /** The user the tests log in as (the current user). */
  user: string;
  dir: string;
  /** The server's ed25519 host key fingerprint, from `ssh-keygen -lf`. */
  hostKeyFingerprint: string;
  /** A client key listed in authorized_keys. */
  clientKey: ClientKey;
  /** The listener's pid. */
  readonly pid: number;
  /** Adds a public key line to authorized_keys (read by sshd at each login). */
  authorize(publicKey: string): void;
  /** What sshd logged (-e), for failure messages. */
  log(): string;
  /** SIGKILLs the listener and every per-connection sshd, as a crash would; returns the pids killed. */
  killHard(): number[];
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Extra sshd_config lines. */
  config?: string[];
}

/** Starts sshd on a free loopback port; retries with another port if the first is taken. */
export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  // sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'cutover-sshd-'));
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  keygen(['-q', '-t', 'ed25519', '-N', '', '-C', 'cutover-test-host', '-f', hostKey]);
  const clientKey = makeClientKey(dir, 'id_client');
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, clientKey.publicKey + '\n', { mode: 0o600 });
  const configFile = join(dir, 'sshd_config');
  // sshd takes a keyword's first line: a test's own line (MaxSessions 1 …) replaces the default.
  const own = new Set((options.config ?? []).map((l) => l.trim().split(/\s+/)[0]?.toLowerCase()));
  const defaults = (lines: string[]) => lines.filter((l) => !own.has(l.split(' ')[0]?.toLowerCase()) || /^SetEnv\s/.test(l));
  writeFileSync(configFile, [
    ...defaults([
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      'PermitRootLogin yes',
      'StrictModes no',
      'UsePAM no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'MaxSessions 20',
      'MaxStartups 50',
      'LogLevel VERBOSE',
    ]),
    // The login shell of this stand-in host reads the test's own folder as its home, not the
    // machine's: root's ~/.bashrc here runs `pyenv init`, seconds under load for every session,
    // which made a timeout's kill (a session of its own) land after the test had given up.
    // sshd takes the first SetEnv line only, so a test's own variables join this one.
    ['SetEnv', `HOME=${dir}`, ...(options.config ?? []).filter((l) => /^SetEnv\s/.test(l)).map((l) => l.replace(/^SetEnv\s+/, ''))].join(' '),
    ...(options.config ?? []).filter((l) => !/^SetEnv\s/.test(l)),
    '',
  ].join('\n'));

  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', configFile, '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      child.stderr?.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) {
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
      lastError = log;
      kill(child.pid ?? -1, 'SIGKILL');
      continue;
    }
    const leftovers = new Set<number>();
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    return {
      host: '127.0.0.1',
      port,
      user: userInfo().username,
      dir,
      hostKeyFingerprint: fingerprintOfFile(`${hostKey}.pub`),
      clientKey,
      pid: child.pid as number,
      authorize: (publicKey) => appendFileSync(authorizedKeys, publicKey.trim() + '\n'),
      log: () => log,
      killHard() {
        const below = descendants(child.pid as number);
        for (const p of below) leftovers.add(p.pid);
        const sshds = below.filter((p) => p.comm === 'sshd').map((p) => p.pid);
        kill(child.pid as number, 'SIGKILL');
        for (const pid of sshds) kill(pid, 'SIGKILL');
        return [child.pid as number, ...sshds];
      },
      async stop() {
        // The commands sshd started (a `sleep` that outlived a killed sshd) go too.
        for (const p of descendants(child.pid as number)) leftovers.add(p.pid);
        kill(child.pid as number, 'SIGTERM');
        for (const pid of leftovers) kill(pid, 'SIGKILL');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        kill(child.pid as number, 'SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`sshd did not start:\n${lastError}`);
}
