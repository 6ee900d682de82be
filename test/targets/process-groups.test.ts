// Step commands die with what started them: an aborted local step takes its background
// grandchildren with it, every running step's process group is in the registry, and a CLI-like
// process told SIGTERM mid-step leaves nothing of the step running. Real processes throughout.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalExecutor } from '../../src/core/targets/local';
import { killStepProcessGroups, liveStepProcessGroups, processGroupAlive } from '../../src/core/targets/process-groups';
import { useTempDir } from '../helpers/tmp';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie waiting for init to reap it is dead for our purpose.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

/** Polls `condition` until it holds or `ms` pass (bounded; for states no event announces). */
async function eventually(condition: () => boolean, ms = 5_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

function executor(killGraceMs = 1_000) {
  return new LocalExecutor('workstation', { kind: 'local', shell: '/bin/sh' }, { secrets: {} }, { killGraceMs });
}

/** Runs `command`, calling `whenStarted` once its output shows "started". */
function runUntilStarted(ex: LocalExecutor, command: string, signal?: AbortSignal) {
  let output = '';
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((r) => (onStarted = r));
  const result = ex.exec({
    command,
    signal,
    onOutput: (chunk) => {
      output += chunk.toString();
      if (output.includes('started')) onStarted();
    },
  });
  return { started, result, output: () => output };
}

describe('local step process groups', () => {
  it('aborting a step kills the background grandchild its shell started', async () => {
    const pidFile = join(useTempDir(), 'grandchild.pid');
    const controller = new AbortController();
    const run = runUntilStarted(executor(), `sh -c 'sleep 30 & echo $! > ${pidFile}; echo started; wait'`, controller.signal);
    await run.started;
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(grandchild)).toBe(true);
    controller.abort();
    const result = await run.result;
    expect(result.failure).toMatchObject({ kind: 'cancelled', message: expect.stringContaining("sent SIGTERM to the command's process group") });
    expect(await eventually(() => !alive(grandchild))).toBe(true);
  });

  it('SIGKILLs what survives SIGTERM in the group once the shell is gone', async () => {
    const pidFile = join(useTempDir(), 'stubborn.pid');
    const controller = new AbortController();
    // The grandchild ignores TERM and lets go of the output pipes, so the step ends with the shell.
    const run = runUntilStarted(executor(30_000), `sh -c 'trap "" TERM; exec sleep 30' </dev/null >/dev/null 2>&1 & echo $! > ${pidFile}; echo started; wait`, controller.signal);
    await run.started;
    const stubborn = Number(readFileSync(pidFile, 'utf8'));
    controller.abort();
    const result = await run.result;
    expect(result.failure).toMatchObject({ kind: 'cancelled', message: expect.stringContaining('then SIGKILL to what was left of the group') });
    expect(result.durationMs).toBeLessThan(10_000);
    expect(await eventually(() => !alive(stubborn))).toBe(true);
  });

  it('registers each running step\'s process group until the command is over', async () => {
    const ex = executor();
    const before = liveStepProcessGroups();
    const pidFile = join(useTempDir(), 'shell.pid');
    const run = runUntilStarted(ex, `echo $$ > ${pidFile}; echo started; sleep 30`);
    await run.started;
    const shell = Number(readFileSync(pidFile, 'utf8'));
    expect(liveStepProcessGroups()).toEqual([...before, shell]);
    expect(processGroupAlive(shell)).toBe(true);
    expect(killStepProcessGroups('SIGTERM')).toBeGreaterThanOrEqual(1);
    const result = await run.result;
    expect(result).toMatchObject({ exitCode: null, signal: 'TERM' });
    expect(liveStepProcessGroups()).toEqual(before);
    expect(await eventually(() => !processGroupAlive(shell))).toBe(true);
  });
});

describe('a CLI-like process told to end mid-step', () => {
  it.each(['SIGTERM', 'SIGHUP', 'SIGINT'] as const)('on %s stops the step, finishes its own work, exits 128+n and leaves no child of the step', async (signal) => {
    const pidFile = join(useTempDir(), 'grandchild.pid');
    const cli = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'terminating-step.ts'), pidFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const started = new Promise<void>((resolve, reject) => {
      cli.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('started')) resolve();
      });
      cli.once('exit', () => reject(new Error(`exited before the step started: ${stderr}`)));
    });
    cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => cli.once('exit', (code, sig) => resolve({ code, signal: sig })));
    await started;
    expect(existsSync(pidFile)).toBe(true);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(grandchild)).toBe(true);

    cli.kill(signal);
    const exit = await exited;
    const numbers = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
    expect(exit, stderr).toEqual({ code: 128 + numbers[signal], signal: null });
    // The callback's work (awaiting the step and reporting it) was done before the exit.
    expect(stdout).toContain('step ended: {"exitCode":null,"signal":"TERM"}');
    expect(await eventually(() => !alive(grandchild))).toBe(true);
  });
});
