// Stopping a command on an SSH host whose login shell is slow to start (Debian's bash reads
// ~/.bashrc even for `ssh host cmd`; a `pyenv init` there takes seconds under load). A kill sent
// in a session opened at stop time starts that shell first and lands late; the step's result
// must not arrive while the command's process group is still alive on the host. Real sshd.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { failureMessageText } from '../../src/core/reports/failure-words';
import { SshExecutor, type SshExecutorOptions, type SshTarget } from '../../src/core/targets/ssh';
import type { ExecRequest } from '../../src/core/targets/types';
import { descendants, startSshd, type TestSshd } from '../helpers/sshd';
import { useSshd } from '../helpers/sshd-hooks';
import { useSuiteTempDir, useTempDir } from '../helpers/tmp';
import { eventually } from './terminating-step-process';

/** Seconds the test account's login shell spends in ~/.bashrc before it runs anything. */
const SLOW_SHELL_SECONDS = 3;

const server = useSshd();
const suiteDir = useSuiteTempDir('cutover-ssh-slow-');
const emptyConfig = join(suiteDir, 'empty_ssh_config');
writeFileSync(emptyConfig, '');

function target(): SshTarget {
  const s = server.current;
  return { kind: 'ssh', host: s.host, port: s.port, user: s.user, auth: 'key', key_file: s.clientKey.path, host_key: s.hostKeyFingerprint as SshTarget['host_key'] };
}

/** The processes (zombies aside: a dead process no one has reaped) in process group `pgid`. */
function groupMembers(pgid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** A failing test leaves nothing running: its command's group is ended (shells orphaned when
 * sshd closed their session are no longer below sshd, where the helper's stop() looks). */
function endAfterTest(pgid: number): number {
  onTestFinished(() => {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  });
  return pgid;
}

/** The stopper loops (see src/core/targets/ssh-stopper.ts) running under the test sshd. */
function stoppers(): number[] {
  const named = descendants(server.current.pid).filter((p) => {
    try {
      return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes('cutover-stopper');
    } catch {
      return false;
    }
  });
  // A stopper's shell that forks (its login shell running .bashrc's `sleep`, the loop's own
  // `sleep`) has a child with the same command line until that child execs: one stopper, not two.
  const pids = new Set(named.map((p) => p.pid));
  return named.filter((p) => !pids.has(p.ppid)).map((p) => p.pid);
}

// The command: its shell (the process group's leader, as sshd starts it) ignores TERM, as its
// children do, writes its pid and says so, then runs until killed.
function stubbornCommand(pidFile: string): string {
  return `trap '' TERM; echo $$ > ${pidFile}; echo started; while :; do sleep 1; done`;
}

describe('ssh executor: a host whose login shell is slow to start', () => {
  let ex: SshExecutor;
  const options: SshExecutorOptions = { killGraceMs: 1_000, readyTimeoutMs: 60_000, stopConfirmMs: 120_000 };
  beforeAll(async () => {
    // The helper's sshd gives the login shell its own folder as HOME (SetEnv), read per session.
    writeFileSync(join(server.current.dir, '.bashrc'), `sleep ${SLOW_SHELL_SECONDS}\n`);
    ex = new SshExecutor('app-host', target(), { secrets: {}, sshConfigPath: emptyConfig }, options);
    const connecting = performance.now();
    await ex.connect();
    // The premise: every session on this host starts its shell slowly.
    expect(performance.now() - connecting).toBeGreaterThanOrEqual(SLOW_SHELL_SECONDS * 1_000);
  }, 120_000);
  afterAll(async () => {
    await ex.close();
  });

  function startStubborn(extra: Partial<ExecRequest> = {}) {
    const pidFile = join(useTempDir(), 'remote.pid');
    let output = '';
    let onStarted: () => void = () => undefined;
    const started = new Promise<void>((r) => (onStarted = r));
    const pending = ex.exec({
      command: stubbornCommand(pidFile),
      onOutput: (chunk) => {
        output += chunk.toString();
        if (output.includes('started')) onStarted();
      },
      ...extra,
    });
    return { pidFile, started, pending };
  }

  it('a cancel: when the result arrives, the TERM-ignoring command\'s process group is gone', async () => {
    const controller = new AbortController();
    const step = startStubborn({ signal: controller.signal });
    await step.started;
    const pgid = endAfterTest(Number(readFileSync(step.pidFile, 'utf8')));
    expect(groupMembers(pgid).length).toBeGreaterThan(0);
    controller.abort();
    const result = await step.pending;
    const left = groupMembers(pgid);
    expect(left).toEqual([]);
    expect(result.failure).toMatchObject({ kind: 'cancelled', message: expect.stringContaining('then SIGKILL after 1s') });
    expect(result.failure?.message).not.toContain('not confirmed');
  }, 120_000);

  it('a timeout: when the result arrives, the command\'s process group is gone', async () => {
    const step = startStubborn({ timeoutMs: SLOW_SHELL_SECONDS * 1_000 + 4_000 });
    const result = await step.pending;
    expect(result.failure).toMatchObject({ kind: 'timeout', message: expect.stringContaining('then SIGKILL') });
    // Under a heavy load the timeout may come before the command's shell got to write its pid
    // (then the KILL reached it before it ran anything); where it did, its group must be gone.
    if (existsSync(step.pidFile)) expect(groupMembers(endAfterTest(Number(readFileSync(step.pidFile, 'utf8'))))).toEqual([]);
  }, 120_000);

  it('the shell ends on TERM but its background child ignores it: KILL after the grace period, gone when the result arrives', async () => {
    const pidFile = join(useTempDir(), 'pids');
    const controller = new AbortController();
    let output = '';
    let onStarted: () => void = () => undefined;
    const started = new Promise<void>((r) => (onStarted = r));
    const pending = ex.exec({
      // The child's output does not hold the channel open: the session ends with the shell.
      command: `(trap '' TERM; exec sleep 300) >/dev/null 2>&1 & echo $$ $! > ${pidFile}; echo started; wait`,
      signal: controller.signal,
      onOutput: (chunk) => {
        output += chunk.toString();
        if (output.includes('started')) onStarted();
      },
    });
    await started;
    const [pgid, child] = readFileSync(pidFile, 'utf8').trim().split(' ').map(Number) as [number, number];
    endAfterTest(pgid);
    expect(groupMembers(pgid)).toContain(child);
    controller.abort();
    const result = await pending;
    expect(groupMembers(pgid)).toEqual([]);
    expect(existsSync(`/proc/${child}`) && !readFileSync(`/proc/${child}/stat`, 'utf8').includes(') Z ')).toBe(false);
    expect(result.failure).toMatchObject({ kind: 'cancelled', message: expect.stringContaining('then SIGKILL after 1s') });
    expect(result.failure?.message).not.toContain('not confirmed');
  }, 120_000);

  it('two commands side by side share one stopper, and a cancel of both stops both groups', async () => {
    const controller = new AbortController();
    const steps = [startStubborn({ signal: controller.signal }), startStubborn({ signal: controller.signal })];
    await Promise.all(steps.map((s) => s.started));
    const pgids = steps.map((s) => endAfterTest(Number(readFileSync(s.pidFile, 'utf8'))));
    // The stopper is opened (once) while they run; wait for it, then count.
    expect(await eventually(() => stoppers().length > 0, 60_000)).toBe(true);
    expect(stoppers()).toHaveLength(1);
    controller.abort();
    const results = await Promise.all(steps.map((s) => s.pending));
    expect(pgids.map(groupMembers)).toEqual([[], []]);
    for (const result of results) expect(result.failure).toMatchObject({ kind: 'cancelled', message: expect.stringMatching(/then SIGKILL after 1s and closed the channel\.$/) });
    expect(await eventually(() => stoppers().length === 0, 30_000)).toBe(true);
  }, 120_000);

  it('the stopper gone mid-command (killed on the host): the stop goes in sessions of their own and still waits for the answer', async () => {
    const controller = new AbortController();
    const step = startStubborn({ signal: controller.signal });
    await step.started;
    const pgid = endAfterTest(Number(readFileSync(step.pidFile, 'utf8')));
    expect(await eventually(() => stoppers().length > 0, 60_000)).toBe(true);
    for (const pid of stoppers()) process.kill(pid, 'SIGKILL');
    expect(await eventually(() => stoppers().length === 0)).toBe(true);
    controller.abort();
    const result = await step.pending;
    expect(groupMembers(pgid)).toEqual([]);
    expect(result.failure).toMatchObject({ kind: 'cancelled', message: expect.stringMatching(/then SIGKILL after 1s and closed the channel\.$/) });
  }, 120_000);

  it('a command that ends by itself leaves no stopper running on the host', async () => {
    // The command waits until its stopper runs (so the test sees one), then ends.
    const { exitCode, failure } = await ex.exec({ command: 'until pgrep -f "cutover-stoppe[r]" >/dev/null; do sleep 0.1; done; echo seen', onOutput: () => undefined, timeoutMs: 60_000 });
    expect({ exitCode, failure }).toEqual({ exitCode: 0, failure: null });
    expect(await eventually(() => stoppers().length === 0, 30_000)).toBe(true);
  }, 120_000);
});

describe('ssh executor: a host that allows one session per connection (MaxSessions 1)', () => {
  let sshd: TestSshd;
  let ex: SshExecutor;
  beforeAll(async () => {
    sshd = await startSshd({ config: ['MaxSessions 1'] });
    const t: SshTarget = { kind: 'ssh', host: sshd.host, port: sshd.port, user: sshd.user, auth: 'key', key_file: sshd.clientKey.path, host_key: sshd.hostKeyFingerprint as SshTarget['host_key'] };
    ex = new SshExecutor('app-host', t, { secrets: {}, sshConfigPath: emptyConfig }, { killGraceMs: 500, readyTimeoutMs: 60_000 });
    await ex.connect();
  }, 120_000);
  afterAll(async () => {
    await ex.close();
    await sshd.stop();
  });

  it('commands back to back, ending about when the stopper opens (its session then free): the next command still gets the one session', async () => {
    // A command that ends as the stopper's session is asked for leaves the stopper holding the
    // host's only session while it closes; the next command must wait for that, not be refused.
    for (let ms = 150; ms <= 400; ms += 10) {
      expect(await ex.exec({ command: `sleep ${ms / 1000}`, onOutput: () => undefined }), `after sleep ${ms / 1000}`).toMatchObject({ exitCode: 0, failure: null });
    }
  }, 120_000);

  it('a stop the host could not confirm (no session for the kill) is reported as not confirmed, not as done', async () => {
    expect(await ex.exec({ command: 'echo one session', onOutput: () => undefined })).toMatchObject({ exitCode: 0, failure: null });
    const pidFile = join(useTempDir(), 'remote.pid');
    const controller = new AbortController();
    let output = '';
    let onStarted: () => void = () => undefined;
    const started = new Promise<void>((r) => (onStarted = r));
    const pending = ex.exec({
      command: stubbornCommand(pidFile),
      signal: controller.signal,
      onOutput: (chunk) => {
        output += chunk.toString();
        if (output.includes('started')) onStarted();
      },
    });
    await started;
    const pgid = endAfterTest(Number(readFileSync(pidFile, 'utf8')));
    controller.abort();
    const result = await pending;
    // sshd refuses the stopper's session and every kill session (the command holds the only
    // one) and, for this root login, the signal request: the result must not claim the group ended.
    expect(sshd.log()).toContain('no more sessions');
    expect(result.failure).toMatchObject({ kind: 'cancelled', message: expect.stringContaining('then SIGKILL after 0.5s and closed the channel; not confirmed that its processes on the host have ended') });
    // A Spanish run's documents say it in Spanish.
    expect(failureMessageText('es', result.failure!.message)).toBe('Cancelado por el operador: se envió SIGTERM al comando remoto, y SIGKILL tras 0.5s y se cerró el canal; no se confirmó que sus procesos en el host hayan terminado (el host no respondió): revise el host.');
    // And rightly so: the command is still there (the test ends it).
    const left = groupMembers(pgid);
    expect(left.length).toBeGreaterThan(0);
    process.kill(-pgid, 'SIGKILL');
    expect(await eventually(() => groupMembers(pgid).length === 0)).toBe(true);
  }, 120_000);
});
