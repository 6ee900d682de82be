// Step commands die with what started them: an aborted local step takes its background
// grandchildren with it, every running step's process group is in the registry, and a CLI-like
// process told SIGTERM mid-step leaves nothing of the step running. Real processes throughout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalExecutor } from '../../src/core/targets/local';
import { killStepProcessGroups, liveStepProcessGroups, processGroupAlive } from '../../src/core/targets/process-groups';
import { useTempDir } from '../helpers/tmp';
import { alive, eventually, SIGNAL_NUMBERS, startTerminatingStep } from './terminating-step-process';

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
    const cli = startTerminatingStep(pidFile);
    await cli.started;
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(grandchild)).toBe(true);

    cli.kill(signal);
    expect(await cli.exited, cli.stderr()).toEqual({ code: 128 + SIGNAL_NUMBERS[signal], signal: null });
    // The callback's work (awaiting the step and reporting it) was done before the exit.
    expect(cli.stdout()).toContain('step ended: {"exitCode":null,"signal":"TERM","failure":null}');
    expect(await eventually(() => !alive(grandchild))).toBe(true);
  });
});
