// The local executor on real child processes: exit codes, signals, stderr, cwd and env,
// timeouts and cancels that stop the whole process group, and redaction of what the command
// prints.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalExecutor, type LocalTarget } from '../../src/core/targets/local';
import { REDACTED } from '../../src/core/targets/redact';
import type { ExecRequest, TargetContext } from '../../src/core/targets/types';
import { useTempDir } from '../helpers/tmp';

const target = (overrides: Partial<LocalTarget> = {}): LocalTarget => ({ kind: 'local', shell: '/bin/sh', ...overrides });

function capture() {
  const chunks: Array<{ stream: 'stdout' | 'stderr'; data: Buffer }> = [];
  return {
    onOutput: (data: Buffer, stream: 'stdout' | 'stderr') => chunks.push({ stream, data: Buffer.from(data) }),
    text: (stream?: 'stdout' | 'stderr') => Buffer.concat(chunks.filter((c) => !stream || c.stream === stream).map((c) => c.data)).toString(),
  };
}

function executor(context: Partial<TargetContext> = {}, t = target(), killGraceMs = 1_000) {
  return new LocalExecutor('workstation', t, { secrets: {}, ...context }, { killGraceMs });
}

async function run(ex: LocalExecutor, command: string, extra: Partial<ExecRequest> = {}) {
  const out = capture();
  const result = await ex.exec({ command, onOutput: out.onOutput, ...extra });
  return { result, out };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

describe('local executor', () => {
  it('connects (runs `true` with the shell)', async () => {
    await expect(executor().connect()).resolves.toBeUndefined();
  });

  it('refuses a missing shell or working directory with a clear message', async () => {
    await expect(executor({}, target({ shell: '/no/such/shell' })).connect()).rejects.toMatchObject({ kind: 'spawn_failed', message: expect.stringContaining('/no/such/shell') });
    await expect(executor({}, target({ cwd: '/no/such/dir' })).connect()).rejects.toMatchObject({ kind: 'spawn_failed', message: expect.stringContaining('/no/such/dir does not exist') });
  });

  it('captures stdout, stderr and the exit code', async () => {
    const { result, out } = await run(executor(), 'echo to-out; echo to-err >&2; exit 3');
    expect(result).toMatchObject({ exitCode: 3, signal: null, failure: null });
    expect(out.text('stdout')).toBe('to-out\n');
    expect(out.text('stderr')).toBe('to-err\n');
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('reports the signal that ended the command', async () => {
    const { result } = await run(executor(), 'kill -USR1 $$');
    expect(result).toMatchObject({ exitCode: null, signal: 'USR1', failure: null });
  });

  it('runs in the working directory with the step environment merged', async () => {
    const dir = useTempDir();
    const ex = executor({}, target({ cwd: dir }));
    const { result, out } = await run(ex, 'pwd; echo "$STEP_VAR"; test -n "$PATH" && echo has-path', { env: { STEP_VAR: 'from-step' } });
    expect(result.exitCode).toBe(0);
    expect(out.text()).toBe(`${dir}\nfrom-step\nhas-path\n`);
    const sub = await run(ex, 'pwd', { cwd: '.' });
    expect(sub.out.text()).toBe(`${dir}\n`);
    const missing = await run(ex, 'pwd', { cwd: 'nope' });
    expect(missing.result.failure).toMatchObject({ kind: 'spawn_failed', message: expect.stringContaining(join(dir, 'nope')) });
  });

  it('times out: SIGTERM to the whole process group, reported as a timeout', async () => {
    const dir = useTempDir();
    const pidFile = join(dir, 'child.pid');
    // A background grandchild in the same group must stop too.
    const { result, out } = await run(executor(), `sleep 30 & echo $! > ${pidFile}; echo started; wait`, { timeoutMs: 500 });
    expect(result.failure).toMatchObject({ kind: 'timeout', message: expect.stringMatching(/Timed out after 0\.5s: sent SIGTERM/) });
    expect(result.signal).toBe('TERM');
    expect(out.text()).toBe('started\n');
    expect(result.durationMs).toBeLessThan(5_000);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(grandchild)).toBe(false);
  });

  it('kills with SIGKILL after the grace period when SIGTERM is ignored', async () => {
    const { result } = await run(executor({}, target(), 300), "trap '' TERM; echo ready; while :; do sleep 0.05; done", { timeoutMs: 300 });
    expect(result.failure).toMatchObject({ kind: 'timeout', message: expect.stringContaining('then SIGKILL after 0.3s') });
    expect(result.signal).toBe('KILL');
  });

  it('cancels through the AbortSignal', async () => {
    const controller = new AbortController();
    const out = capture();
    const pending = executor().exec({
      command: 'echo waiting; sleep 30',
      signal: controller.signal,
      onOutput: (data, stream) => {
        out.onOutput(data, stream);
        if (data.toString().includes('waiting')) controller.abort();
      },
    });
    const result = await pending;
    expect(result.failure).toMatchObject({ kind: 'cancelled' });
    expect(result.signal).toBe('TERM');
    expect(out.text()).toBe('waiting\n');
  });

  it('does not start a command whose signal is already aborted', async () => {
    const dir = useTempDir();
    const marker = join(dir, 'ran');
    const { result } = await run(executor(), `touch ${marker}`, { signal: AbortSignal.abort() });
    expect(result.failure?.kind).toBe('cancelled');
    expect(existsSync(marker)).toBe(false);
  });

  it('close() stops what is still running', async () => {
    const ex = executor();
    const pending = run(ex, 'sleep 30');
    await new Promise((r) => setTimeout(r, 200));
    await ex.close();
    const { result } = await pending;
    expect(result.failure?.kind).toBe('cancelled');
    expect(result.signal).toBe('KILL');
  });

  it('injects secrets into the environment and redacts every echo of them', async () => {
    const secret = 'Pg-Pa55/w@rd!';
    const ex = executor({ secrets: { db_password: secret } });
    const { result, out } = await run(ex, [
      'echo "plain: $PGPASSWORD"',
      'echo "dsn: postgresql://app:$PGPASSWORD@db:5432/prod" >&2',
      'echo "PGPASSWORD=$PGPASSWORD"',
      // Split across writes, so the secret crosses chunk boundaries.
      'printf "split: Pg-Pa"; sleep 0.1; printf "55/w@rd!\\n"',
      'echo "other password=not-in-vault"',
    ].join('; '), { env: { PGPASSWORD: '${secret:db_password}' } });
    expect(result.exitCode).toBe(0);
    const all = out.text();
    expect(all).not.toContain('Pa55');
    expect(all).not.toContain('not-in-vault');
    expect(out.text('stdout')).toBe(`plain: ${REDACTED}\nPGPASSWORD=${REDACTED}\nsplit: ${REDACTED}\nother password=${REDACTED}\n`);
    expect(out.text('stderr')).toBe(`dsn: postgresql://app:${REDACTED}@db:5432/prod\n`);
  });

  it('fails clearly when the environment needs a secret that is not there', async () => {
    const { result } = await run(executor(), 'true', { env: { PGPASSWORD: '${secret:missing}' } });
    expect(result.failure).toMatchObject({ kind: 'spawn_failed', message: expect.stringContaining('"missing"') });
  });
});
