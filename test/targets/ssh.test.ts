// The ssh executor against a real OpenSSH sshd on a loopback port: commands, host key
// pinning, every way a connection can fail, timeouts and cancels, sshd dying mid-command,
// redaction, and ~/.ssh/config aliases.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED } from '../../src/core/targets/redact';
import { hostKeyFingerprint, SshExecutor, type SshExecutorOptions, type SshTarget } from '../../src/core/targets/ssh';
import type { ExecRequest, TargetContext } from '../../src/core/targets/types';
import { startAgent } from '../helpers/ssh-keys';
import { descendants, freePort, makeClientKey, startSshd, type TestSshd } from '../helpers/sshd';
import { useSshd } from '../helpers/sshd-hooks';
import { useSuiteTempDir, useTempDir } from '../helpers/tmp';

const server = useSshd();
const suiteDir = useSuiteTempDir('cutover-ssh-test-');
// An empty ssh config, so the machine's ~/.ssh/config never changes what the tests do.
const emptyConfig = join(suiteDir, 'empty_ssh_config');
writeFileSync(emptyConfig, '');

function keyTarget(sshd: TestSshd, overrides: Partial<SshTarget> = {}): SshTarget {
  return { kind: 'ssh', host: sshd.host, port: sshd.port, user: sshd.user, auth: 'key', key_file: sshd.clientKey.path, host_key: sshd.hostKeyFingerprint as SshTarget['host_key'], ...overrides };
}

function executor(t: SshTarget, context: Partial<TargetContext> = {}, options: SshExecutorOptions = {}): SshExecutor {
  const ex = new SshExecutor('app-host', t, { secrets: {}, sshConfigPath: emptyConfig, ...context }, { killGraceMs: 1_000, readyTimeoutMs: 10_000, ...options });
  return ex;
}

function capture() {
  const chunks: Array<{ stream: 'stdout' | 'stderr'; data: Buffer }> = [];
  return {
    onOutput: (data: Buffer, stream: 'stdout' | 'stderr') => chunks.push({ stream, data: Buffer.from(data) }),
    text: (stream?: 'stdout' | 'stderr') => Buffer.concat(chunks.filter((c) => !stream || c.stream === stream).map((c) => c.data)).toString(),
  };
}

async function run(ex: SshExecutor, command: string, extra: Partial<ExecRequest> = {}) {
  const out = capture();
  const result = await ex.exec({ command, onOutput: out.onOutput, ...extra });
  return { result, out };
}

/** Resolves when `onOutput` has seen `text`. */
function outputWatcher(text: string) {
  const out = capture();
  let resolveSeen: () => void = () => undefined;
  const seen = new Promise<void>((r) => (resolveSeen = r));
  return {
    out,
    seen,
    onOutput: (data: Buffer, stream: 'stdout' | 'stderr') => {
      out.onOutput(data, stream);
      if (out.text().includes(text)) resolveSeen();
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

describe('ssh executor: commands', () => {
  let ex: SshExecutor;
  beforeAll(async () => {
    ex = executor(keyTarget(server.current));
    await ex.connect();
  });
  afterAll(async () => {
    await ex.close();
  });

  it('exposes the pinned host key after connecting', () => {
    expect(ex.hostKey).toBe(server.current.hostKeyFingerprint);
    expect(ex.hostKeySource).toBe('runbook');
  });

  it('captures stdout, stderr and exit codes', async () => {
    const ok = await run(ex, 'echo hello; echo warning >&2');
    expect(ok.result).toMatchObject({ exitCode: 0, signal: null, failure: null });
    expect(ok.out.text('stdout')).toBe('hello\n');
    expect(ok.out.text('stderr')).toBe('warning\n');
    const failed = await run(ex, 'echo "ERROR: relation already exists" >&2; exit 42');
    expect(failed.result).toMatchObject({ exitCode: 42, failure: null });
    expect(failed.out.text('stderr')).toContain('relation already exists');
  });

  it('reports the signal that ended the remote command', async () => {
    const { result } = await run(ex, 'kill -KILL $$');
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('KILL');
    expect(result.failure).toBeNull();
  });

  it('sets the environment and working directory without putting them on the command line', async () => {
    const dir = useTempDir();
    const { result, out } = await run(ex, 'pwd; echo "$GREETING"; echo "$QUOTED"', { cwd: dir, env: { GREETING: 'hi there', QUOTED: `it's "quoted" $HOME` } });
    expect(result.exitCode).toBe(0);
    expect(out.text()).toBe(`${dir}\nhi there\nit's "quoted" $HOME\n`);
    const missing = await run(ex, 'echo never', { cwd: '/no/such/dir' });
    expect(missing.result.exitCode).toBe(1);
    expect(missing.out.text('stdout')).toBe('');
  });

  it('runs commands side by side on one connection', async () => {
    const results = await Promise.all([1, 2, 3, 4].map((n) => run(ex, `sleep 0.2; echo ${n}`)));
    expect(results.map((r) => r.out.text())).toEqual(['1\n', '2\n', '3\n', '4\n']);
  });

  it('times out: TERM to the remote process group, reported as a timeout', async () => {
    const dir = useTempDir();
    const pidFile = join(dir, 'bg.pid');
    // A background child in the same process group must stop too.
    const { result, out } = await run(ex, `sleep 30 & echo $! > ${pidFile}; echo started; wait`, { timeoutMs: 500 });
    expect(result.failure).toMatchObject({ kind: 'timeout', message: expect.stringContaining('Timed out after 0.5s: sent SIGTERM') });
    expect(result.signal).toBe('TERM');
    expect(out.text()).toBe('started\n');
    expect(result.durationMs).toBeLessThan(5_000);
    // The "signal" channel request reached sshd (which, for a root login, refuses it: the
    // kill of the process group is what stopped the command here).
    expect(server.current.log()).toContain('session_signal_req');
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('sends KILL and closes the channel when TERM is ignored', async () => {
    const { result } = await run(ex, "trap '' TERM; echo ready; while :; do sleep 0.05; done", { timeoutMs: 300 });
    expect(result.failure).toMatchObject({ kind: 'timeout', message: expect.stringContaining('then SIGKILL') });
    expect(result.signal).toBe('KILL');
  });

  it('cancels through the AbortSignal', async () => {
    const controller = new AbortController();
    const watch = outputWatcher('waiting');
    const pending = ex.exec({ command: 'echo waiting; sleep 30', signal: controller.signal, onOutput: watch.onOutput });
    await watch.seen;
    controller.abort();
    const result = await pending;
    expect(result.failure?.kind).toBe('cancelled');
    expect(result.signal).toBe('TERM');
    expect(watch.out.text()).toBe('waiting\n');
  });

  it('redacts a password the command echoes, in every form, on both streams', async () => {
    const secret = 'S3cret-Pa55word';
    const withSecret = executor(keyTarget(server.current), { secrets: { db_password: secret } });
    try {
      const { result, out } = await run(withSecret, [
        'echo "PGPASSWORD is $PGPASSWORD"',
        'echo "export PGPASSWORD=$PGPASSWORD"',
        'echo "postgresql+psycopg://netzadmin:$PGPASSWORD@db.internal:5432/prod?sslmode=require" >&2',
        'printf "S3cret-"; sleep 0.2; printf "Pa55word\\n"',
        'env | grep PGPASSWORD',
      ].join('; '), { env: { PGPASSWORD: '${secret:db_password}' } });
      expect(result.exitCode).toBe(0);
      expect(out.text()).not.toContain('Pa55word');
      expect(out.text()).not.toContain('S3cret');
      expect(out.text('stdout')).toBe(`PGPASSWORD is ${REDACTED}\nexport PGPASSWORD=${REDACTED}\n${REDACTED}\nPGPASSWORD=${REDACTED}\n`);
      expect(out.text('stderr')).toBe(`postgresql+psycopg://netzadmin:${REDACTED}@db.internal:5432/prod?sslmode=require\n`);
    } finally {
      await withSecret.close();
    }
  });

  it('keeps secrets off every command line on the host (they travel on stdin)', async () => {
    const secret = 'Cmdline-Leak-Check-77';
    const withSecret = executor(keyTarget(server.current), { secrets: { db_password: secret } });
    try {
      const watch = outputWatcher('running');
      const pending = withSecret.exec({ command: 'echo running; sleep 1', env: { PGPASSWORD: '${secret:db_password}' }, onOutput: watch.onOutput });
      await watch.seen;
      // The sshd is on this machine: look at every process's arguments while the command runs.
      const leaking = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`).includes(secret);
        } catch {
          return false;
        }
      });
      expect(leaking).toEqual([]);
      expect((await pending).exitCode).toBe(0);
    } finally {
      await withSecret.close();
    }
  });

  it('close() stops a running command on the host first, reported as cancelled', async () => {
    const dir = useTempDir();
    const pidFile = join(dir, 'sleep.pid');
    const closing = executor(keyTarget(server.current));
    const watch = outputWatcher('busy');
    const pending = closing.exec({ command: `sleep 30 & echo $! > ${pidFile}; echo busy; wait`, onOutput: watch.onOutput });
    await watch.seen;
    await closing.close();
    const result = await pending;
    expect(result.failure).toMatchObject({ kind: 'cancelled', message: expect.stringContaining('session was closed') });
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('reconnects for the next command after the connection was closed', async () => {
    const again = executor(keyTarget(server.current));
    await again.connect();
    await again.close();
    const { result, out } = await run(again, 'echo back');
    expect(result.exitCode).toBe(0);
    expect(out.text()).toBe('back\n');
    await again.close();
  });
});

describe('ssh executor: authentication', () => {
  it('authenticates with a key that has a passphrase (the secret)', async () => {
    const dir = useTempDir();
    const key = makeClientKey(dir, 'id_protected', 'key-passphrase');
    server.current.authorize(key.publicKey);
    const ex = executor(keyTarget(server.current, { key_file: key.path, secret: 'key_pass' }), { secrets: { key_pass: 'key-passphrase' } });
    await ex.connect();
    expect((await run(ex, 'echo ok')).out.text()).toBe('ok\n');
    await ex.close();

    const wrong = executor(keyTarget(server.current, { key_file: key.path, secret: 'key_pass' }), { secrets: { key_pass: 'nope' } });
    await expect(wrong.connect()).rejects.toMatchObject({ kind: 'auth_failed', message: expect.stringContaining('does not decrypt it') });
    const none = executor(keyTarget(server.current, { key_file: key.path }));
    await expect(none.connect()).rejects.toMatchObject({ kind: 'auth_failed', message: expect.stringContaining('is encrypted') });
  });

  it('authenticates through ssh-agent', async () => {
    const dir = useTempDir();
    const agent = await startAgent(dir);
    try {
      const key = makeClientKey(dir, 'id_agent');
      server.current.authorize(key.publicKey);
      agent.add(key.path);
      const ex = executor(keyTarget(server.current, { auth: 'agent', key_file: undefined }), { agentSocket: agent.socket });
      await ex.connect();
      expect((await run(ex, 'echo via-agent')).out.text()).toBe('via-agent\n');
      await ex.close();
    } finally {
      await agent.stop();
    }
  });

  it('wrong credentials: a key the server does not know', async () => {
    const dir = useTempDir();
    const stranger = makeClientKey(dir, 'id_stranger');
    const ex = executor(keyTarget(server.current, { key_file: stranger.path }));
    const error = await ex.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth_failed', name: 'TargetError' });
    expect((error as Error).message).toContain(`${server.current.user}@127.0.0.1:${server.current.port} refused the key ${stranger.path}`);
  });

  it('wrong credentials: a password the server refuses', async () => {
    const ex = executor(keyTarget(server.current, { auth: 'password', key_file: undefined, secret: 'ssh_pw' }), { secrets: { ssh_pw: 'definitely-wrong' } });
    const error = await ex.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth_failed', message: expect.stringContaining('refused the password') });
    expect((error as Error).message).not.toContain('definitely-wrong');
  });

  it('a password target whose secret is not in the vault says so', async () => {
    const ex = executor(keyTarget(server.current, { auth: 'password', key_file: undefined, secret: 'ssh_pw' }));
    await expect(ex.connect()).rejects.toMatchObject({ kind: 'auth_failed', message: expect.stringContaining('"ssh_pw", which is not in the vault') });
  });

  it('an agent target with no agent says so', async () => {
    const saved = process.env.SSH_AUTH_SOCK;
    delete process.env.SSH_AUTH_SOCK;
    try {
      const ex = executor(keyTarget(server.current, { auth: 'agent' }));
      await expect(ex.connect()).rejects.toMatchObject({ kind: 'auth_failed', message: expect.stringContaining('no agent is available') });
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
    }
  });
});

describe('ssh executor: host keys', () => {
  it('computes fingerprints exactly as ssh-keygen prints them', async () => {
    const ex = executor(keyTarget(server.current, { host_key: undefined }), { confirmHostKey: () => true });
    await ex.connect();
    expect(ex.hostKey).toBe(server.current.hostKeyFingerprint);
    expect(hostKeyFingerprint(Buffer.from('abc'))).toBe('SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0');
    await ex.close();
  });

  it('first use: asks for confirmation with the fingerprint, then exposes it for the event', async () => {
    const asked: string[] = [];
    const ex = executor(keyTarget(server.current, { host_key: undefined }), {
      confirmHostKey: async (fp) => {
        asked.push(fp);
        return true;
      },
    });
    await ex.connect();
    expect(asked).toEqual([server.current.hostKeyFingerprint]);
    expect(ex.hostKey).toBe(server.current.hostKeyFingerprint);
    expect(ex.hostKeySource).toBe('confirmed');
    // A reconnect in the same session holds the host to the key accepted the first time.
    await ex.close();
    expect((await run(ex, 'echo again')).out.text()).toBe('again\n');
    expect(asked).toHaveLength(1);
    await ex.close();
  });

  it('first use, not confirmed: refuses to connect and runs nothing', async () => {
    const ex = executor(keyTarget(server.current, { host_key: undefined }), { confirmHostKey: () => false });
    const error = await ex.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'host_key_unconfirmed' });
    expect((error as Error).message).toContain(server.current.hostKeyFingerprint);
    expect(ex.hostKey).toBeUndefined();
    const noPrompt = executor(keyTarget(server.current, { host_key: undefined }));
    await expect(noPrompt.connect()).rejects.toMatchObject({ kind: 'host_key_unconfirmed' });
  });

  it('a pinned key from the vault is used when the runbook has none', async () => {
    let asked = false;
    const ex = executor(keyTarget(server.current, { host_key: undefined }), { pinnedHostKey: server.current.hostKeyFingerprint, confirmHostKey: () => (asked = true) });
    await ex.connect();
    expect(asked).toBe(false);
    expect(ex.hostKeySource).toBe('vault');
    await ex.close();
  });

  it('a wrong host key is refused, naming both fingerprints', async () => {
    const pinned = 'SHA256:' + 'A'.repeat(43);
    for (const ex of [
      executor(keyTarget(server.current, { host_key: pinned as SshTarget['host_key'] })),
      executor(keyTarget(server.current, { host_key: undefined }), { pinnedHostKey: pinned, confirmHostKey: () => true }),
    ]) {
      const error = await ex.connect().catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'host_key_mismatch' });
      expect((error as Error).message).toContain(server.current.hostKeyFingerprint);
      expect((error as Error).message).toContain(pinned);
      const { result } = await run(ex, 'echo must-not-run');
      expect(result.failure?.kind).toBe('host_key_mismatch');
    }
  });
});

describe('ssh executor: unreachable', () => {
  let silent: Server;
  let silentPort = 0;
  const accepted: Socket[] = [];
  beforeAll(async () => {
    // A TCP server that accepts and never speaks SSH.
    silent = createServer((socket) => {
      socket.on('error', () => undefined);
      accepted.push(socket);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise((r) => silent.close(r));
  });

  it('unknown host (DNS)', async () => {
    const ex = executor(keyTarget(server.current, { host: 'no-such-host.invalid' }));
    await expect(ex.connect()).rejects.toMatchObject({ kind: 'connect_failed', message: expect.stringMatching(/^Unknown host "no-such-host\.invalid": the name does not resolve/) });
  });

  it('a port where nothing listens', async () => {
    const port = await freePort();
    const ex = executor(keyTarget(server.current, { port }));
    const error = await ex.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'connect_failed', message: expect.stringContaining(`Connection refused by 127.0.0.1:${port}`) });
    const { result } = await run(ex, 'true');
    expect(result.failure?.kind).toBe('connect_failed');
  });

  it('a server that never completes the handshake (connect timeout)', async () => {
    const ex = executor(keyTarget(server.current, { port: silentPort }), {}, { readyTimeoutMs: 1_000 });
    await expect(ex.connect()).rejects.toMatchObject({ kind: 'connect_failed', message: expect.stringContaining('did not complete the SSH handshake within 1s') });
  });
});

describe('ssh executor: ~/.ssh/config aliases', () => {
  it('resolves HostName, Port, User and IdentityFile from the config', async () => {
    const dir = useTempDir();
    const sshd = server.current;
    const config = join(dir, 'config');
    writeFileSync(config, [
      '# the operator\'s config',
      'Host other',
      '  HostName 10.9.9.9',
      '',
      'Host prod-db-*  !prod-db-legacy',
      `  HostName 127.0.0.1`,
      `  Port ${sshd.port}`,
      `  User ${sshd.user}`,
      `  IdentityFile ${sshd.clientKey.path}`,
      'Host *',
      '  Port 1',
      '  User nobody',
      '',
    ].join('\n'));
    const ex = new SshExecutor('db-host', { kind: 'ssh', host: 'prod-db-1', auth: 'key', host_key: sshd.hostKeyFingerprint as SshTarget['host_key'] }, { secrets: {}, sshConfigPath: config });
    await ex.connect();
    const { out } = await run(ex, 'echo via-alias');
    expect(out.text()).toBe('via-alias\n');
    await ex.close();
    // The negated pattern sends prod-db-legacy to `Host *` (port 1): refused.
    const legacy = new SshExecutor('legacy', { kind: 'ssh', host: 'prod-db-legacy', auth: 'key', key_file: sshd.clientKey.path, host_key: sshd.hostKeyFingerprint as SshTarget['host_key'] }, { secrets: {}, sshConfigPath: config });
    await expect(legacy.connect()).rejects.toMatchObject({ kind: 'connect_failed', message: expect.stringContaining('Unknown host "prod-db-legacy"') });
  });

  it('refuses a ProxyJump it cannot honour, instead of connecting directly', async () => {
    const dir = useTempDir();
    const config = join(dir, 'config');
    writeFileSync(config, 'Host behind-bastion\n  HostName 127.0.0.1\n  ProxyJump bastion\n');
    const ex = new SshExecutor('x', { kind: 'ssh', host: 'behind-bastion', auth: 'agent' }, { secrets: {}, sshConfigPath: config, agentSocket: '/nonexistent' });
    await expect(ex.connect()).rejects.toMatchObject({ kind: 'connect_failed', message: expect.stringContaining('ProxyJump bastion') });
  });
});

describe('ssh executor: sshd killed in the middle of a command', () => {
  it('fails as connection_lost, never success, and keeps the partial output', async () => {
    const sshd = await startSshd();
    try {
      const ex = executor(keyTarget(sshd));
      await ex.connect();
      const watch = outputWatcher('tick 3');
      const pending = ex.exec({ command: 'echo started; i=0; while [ $i -lt 300 ]; do echo "tick $i"; i=$((i+1)); sleep 0.1; done; echo finished', onOutput: watch.onOutput });
      await watch.seen;
      const perConnection = descendants(sshd.pid).filter((p) => p.comm === 'sshd');
      expect(perConnection.length).toBeGreaterThan(0);
      const killed = sshd.killHard();
      expect(killed.length).toBeGreaterThan(1);
      const result = await pending;
      expect(result.failure).toMatchObject({ kind: 'connection_lost', message: expect.stringContaining('Connection lost during the command') });
      expect(result.exitCode).toBeNull();
      expect(watch.out.text()).toContain('started\ntick 0\ntick 1\ntick 2\ntick 3\n');
      expect(watch.out.text()).not.toContain('finished');
      // The next command cannot reach the dead server: a clear connect failure.
      const next = await run(ex, 'true');
      expect(next.result.failure?.kind).toBe('connect_failed');
      await ex.close();
    } finally {
      await sshd.stop();
    }
  });
});
