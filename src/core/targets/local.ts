// The `local` target: a command run by the workstation's own shell (an operator running
// `alembic` here with a direct database connection). Each command gets its own process group
// so a timeout or a cancel stops everything it started, not just the shell; the group is
// registered (process-groups.ts) so the CLI or the app can stop it when they end themselves.
// The command's environment is built from nothing (child-env.ts): never the workstation's.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Target } from '../runbook/schema';
import { childEnvironment, StepEnvironmentError } from './child-env';
import { holdLifeline } from './lifeline';
import { processGroupAlive, registerStepProcessGroup } from './process-groups';
import { redactingOutput, resolveSecretEnv, MissingSecretError } from './redact';
import { TargetError } from './types';
import type { ExecFailure, ExecRequest, ExecResult, Executor, TargetContext } from './types';

export type LocalTarget = Extract<Target, { kind: 'local' }>;

export interface LocalExecutorOptions {
  /** After SIGTERM, how long the process group has before SIGKILL (default 5 s). */
  killGraceMs?: number;
}

const DEFAULT_KILL_GRACE_MS = 5_000;

function signalName(signal: NodeJS.Signals | null): string | null {
  return signal ? signal.replace(/^SIG/, '') : null;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

export class LocalExecutor implements Executor {
  readonly kind = 'local';
  /** Each running command and how to stop it at once (close()). */
  private readonly running = new Map<ChildProcess, () => void>();
  private readonly killGraceMs: number;

  constructor(
    readonly name: string,
    readonly target: LocalTarget,
    private readonly context: TargetContext,
    options: LocalExecutorOptions = {},
  ) {
    this.killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  }

  /** Checks the shell and the working directory, then runs `true`. */
  async connect(): Promise<void> {
    const shell = this.target.shell;
    try {
      accessSync(shell, constants.X_OK);
    } catch {
      throw new TargetError('spawn_failed', `The shell ${shell} of target "${this.name}" does not exist or is not executable: set \`shell\` to an installed shell such as /bin/sh.`);
    }
    const cwdProblem = this.cwdProblem(this.workingDirectory(undefined));
    if (cwdProblem) throw new TargetError('spawn_failed', cwdProblem);
    const result = await this.exec({ command: 'true', timeoutMs: 10_000, onOutput: () => undefined });
    if (result.failure) throw new TargetError(result.failure.kind, result.failure.message);
    if (result.exitCode !== 0) throw new TargetError('spawn_failed', `${shell} -c true exited with ${result.exitCode ?? result.signal}: the shell does not run commands.`);
  }

  exec(request: ExecRequest): Promise<ExecResult> {
    const started = performance.now();
    const out = redactingOutput(Object.values(this.context.secrets), request.onOutput);
    const failed = (kind: ExecFailure, message: string): ExecResult => {
      out.end();
      return { exitCode: null, signal: null, failure: { kind, message }, durationMs: performance.now() - started };
    };
    if (request.signal?.aborted) return Promise.resolve(failed('cancelled', 'Cancelled before the command started.'));

    const cwd = this.workingDirectory(request.cwd);
    const cwdProblem = this.cwdProblem(cwd);
    if (cwdProblem) return Promise.resolve(failed('spawn_failed', cwdProblem));
    let env: Record<string, string>;
    try {
      env = childEnvironment(resolveSecretEnv(request.env, this.context.secrets));
    } catch (error) {
      if (error instanceof MissingSecretError || error instanceof StepEnvironmentError) return Promise.resolve(failed('spawn_failed', error.message));
      throw error;
    }

    return new Promise<ExecResult>((resolvePromise) => {
      let child: ChildProcess;
      try {
        child = spawn(this.target.shell, ['-c', request.command], {
          cwd,
          env,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (error) {
        resolvePromise(failed('spawn_failed', `Could not start ${this.target.shell}: ${(error as Error).message}`));
        return;
      }

      const forgetGroup = child.pid === undefined ? () => undefined : registerStepProcessGroup(child.pid);
      // If this process dies without a word (SIGKILL), the lifeline stops the command's group.
      const releaseLifeline = child.pid === undefined ? () => undefined : holdLifeline(child.pid);
      let stopping: { kind: 'timeout' | 'cancelled'; message: string } | null = null;
      let done = false;
      let timeoutTimer: NodeJS.Timeout | undefined;
      let graceTimer: NodeJS.Timeout | undefined;

      const killGroup = (signal: NodeJS.Signals) => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, signal);
        } catch {
          // ESRCH: the group is already gone.
        }
      };
      // SIGTERM to the whole group, SIGKILL after the grace period if anything is still there.
      const stop = (kind: 'timeout' | 'cancelled', reason: string) => {
        if (stopping || done) return;
        stopping = { kind, message: `${reason}: sent SIGTERM to the command's process group` };
        killGroup('SIGTERM');
        graceTimer = setTimeout(() => {
          if (stopping) stopping.message += `, then SIGKILL after ${seconds(this.killGraceMs)}`;
          killGroup('SIGKILL');
        }, this.killGraceMs);
      };
      this.running.set(child, () => {
        if (done) return;
        stopping ??= { kind: 'cancelled', message: 'Stopped because the target session was closed' };
        stopping.message += ': sent SIGKILL to the command\'s process group';
        killGroup('SIGKILL');
      });
      const onAbort = () => stop('cancelled', 'Cancelled by the operator');
      request.signal?.addEventListener('abort', onAbort, { once: true });
      if (request.timeoutMs !== undefined && request.timeoutMs > 0) {
        const timeoutMs = request.timeoutMs;
        timeoutTimer = setTimeout(() => stop('timeout', `Timed out after ${seconds(timeoutMs)}`), timeoutMs);
      }

      const finish = (result: Omit<ExecResult, 'durationMs'>) => {
        if (done) return;
        done = true;
        clearTimeout(timeoutTimer);
        clearTimeout(graceTimer);
        forgetGroup();
        releaseLifeline();
        request.signal?.removeEventListener('abort', onAbort);
        this.running.delete(child);
        out.end();
        resolvePromise({ ...result, durationMs: performance.now() - started });
      };

      child.stdout?.on('data', (chunk: Buffer) => out.write(chunk, 'stdout'));
      child.stderr?.on('data', (chunk: Buffer) => out.write(chunk, 'stderr'));
      child.on('error', (error: NodeJS.ErrnoException) => {
        finish({ exitCode: null, signal: null, failure: { kind: 'spawn_failed', message: `Could not start ${this.target.shell}: ${error.code ?? error.message}` } });
      });
      child.on('close', (code, signal) => {
        // Stopped, the shell is gone, and something it started is still in the group (it
        // survived SIGTERM and let go of the output pipes): it does not outlive the step.
        if (stopping && child.pid !== undefined && processGroupAlive(child.pid)) {
          killGroup('SIGKILL');
          stopping.message += ', then SIGKILL to what was left of the group';
        }
        const failure = stopping ? { kind: stopping.kind, message: `${stopping.message}.` } : null;
        finish({ exitCode: code, signal: signalName(signal), failure });
      });
    });
  }

  /** Stops every command still running (SIGKILL to its process group); each reports 'cancelled'. */
  async close(): Promise<void> {
    for (const stopNow of [...this.running.values()]) stopNow();
  }

  private workingDirectory(requested: string | undefined): string {
    const base = this.target.cwd ? resolve(this.target.cwd) : process.cwd();
    return requested ? resolve(base, requested) : base;
  }

  private cwdProblem(cwd: string): string | null {
    try {
      if (statSync(cwd).isDirectory()) return null;
      return `The working directory ${cwd} is not a directory.`;
    } catch {
      return `The working directory ${cwd} does not exist on this workstation.`;
    }
  }
}
