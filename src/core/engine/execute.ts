// Running one check, command or monitor on its target once the engine has decided it may run:
// the target's context (secrets, pinned host key), the streaming output into the transcript,
// the gates watched on it, and the result. Who may run what, and when, is decided elsewhere.
import { durationMs, type Step, type Target } from '../runbook/schema';
import { assessExecutorLogin, checkLoginConnection, describeAssessment } from '../targets/check-login';
import type { Executor, ExecResult, TargetContext } from '../targets/types';
import { getSecrets, VaultInputError, type Vault } from '../vault';
import type { TranscriptSink } from './transcript-guard';
import { GateWatcher, type GateResult } from './gates';
import { runMonitor } from './monitor';
import { probeCommand } from './plan';
import { ProgressThrottle, type ProgressUpdate } from './progress';
import { expandEnv, secretsUsed } from './resolve';
import type { RunState } from './types';

export class RunRefusedError extends VaultInputError {
  override readonly code = 'BAD_INPUT' as const;
}

export type ExecutorFactory = (name: string, target: Target, context: TargetContext) => Executor;

export interface ExecutionOptions {
  executors: ExecutorFactory;
  /** First SSH connection to an unpinned host: show the fingerprint; true pins it. */
  confirmHostKey?: (target: string, fingerprint: string) => boolean | Promise<boolean>;
  onProgress?: (update: ProgressUpdate) => void;
  agentSocket?: string;
  sshConfigPath?: string;
}

export interface Execution {
  /** What the transcript's step.started records and the act signs. */
  command: string;
  target: string;
  readOnly?: 'enforced' | 'declared';
  /** SQL checks: what PostgreSQL says the check login may do beyond reading, in words ("" when nothing). */
  assessLogin?(): Promise<string>;
  run(writer: TranscriptSink, signal: AbortSignal | undefined, onPinned: (fingerprint: string) => void): Promise<ExecutionResult>;
}

export interface ExecutionResult {
  exitCode: number | null;
  signal: string | null;
  failure: ExecResult['failure'] | null;
  gates: GateResult[];
  durationMs: number;
  summary?: unknown;
}

/** Everything a step needs before it starts, checked up front so a refusal comes before any signature. */
export function prepareExecution(vault: Vault, options: ExecutionOptions, state: RunState, step: Extract<Step, { kind: 'check' | 'command' | 'monitor' }>): Execution {
  if (step.kind === 'monitor') return prepareMonitor(options, state, step);
  const target = state.targets[step.target];
  if (!target) throw new RunRefusedError(`Step ${step.id} names an unknown target ${step.target}.`);
  if (step.kind === 'command' && target.kind === 'ssh' && !(state.hostKeys[step.target] ?? target.host_key)) {
    throw new RunRefusedError(`Target ${step.target}'s host key is not pinned: connect once with a read-only check (or set host_key in the runbook) before a command runs on it.`);
  }
  const env = { ...state.runbook.env, ...step.env };
  const checkLogin = target.kind === 'postgres' ? target.check_login?.secret : undefined;
  const secrets = getSecrets(vault, [...secretsUsed(env, target), ...Object.values(step.secret_env), ...state.runbook.secrets.map((s) => s.name), ...(checkLogin ? [checkLogin] : [])]);
  // SQL checks run through the runbook's check login (a login that can only read), not the target's own.
  const sqlCheck = step.kind === 'check' && Boolean(step.sql) && target.kind === 'postgres';
  let runTarget: Target = target;
  if (sqlCheck && target.kind === 'postgres') {
    try {
      runTarget = checkLoginConnection(target, secrets, step.target).target;
    } catch (error) {
      throw new RunRefusedError((error as Error).message);
    }
  }
  const expandedEnv = expandEnv(env, secrets, state.targets);
  for (const [name, secret] of Object.entries(step.secret_env)) {
    const value = secrets[secret];
    if (value === undefined) throw new RunRefusedError(`Step ${step.id} needs the secret "${secret}" (for ${name}); set it with \`cutover secret set --name ${secret}\`.`);
    expandedEnv[name] = value;
  }
  const command = step.kind === 'check' ? (step.sql ?? step.run!) : step.run;
  const readOnly = step.kind === 'check' ? (step.sql ? 'enforced' as const : 'declared' as const) : undefined;
  const contextFor = (onPinned: (fingerprint: string) => void): TargetContext => ({
    secrets,
    pinnedHostKey: state.hostKeys[step.target],
    applicationName: `cutover-workstation/${state.runId.slice(0, 8)}/${step.id}`.slice(0, 63),
    agentSocket: options.agentSocket,
    sshConfigPath: options.sshConfigPath,
    confirmHostKey: async (fingerprint) => {
      const ok = options.confirmHostKey ? await options.confirmHostKey(step.target, fingerprint) : false;
      if (ok) onPinned(fingerprint);
      return ok;
    },
  });
  return {
    command,
    target: step.target,
    readOnly,
    ...(sqlCheck ? {
      async assessLogin() {
        const executor = options.executors(step.target, runTarget, contextFor(() => undefined));
        try {
          await executor.connect();
          return describeAssessment(await assessExecutorLogin(executor), step.target);
        } catch (error) {
          throw new RunRefusedError(`Before a check runs, PostgreSQL is asked what its login may do, and that failed: ${(error as Error).message}`);
        } finally {
          await executor.close().catch(() => undefined);
        }
      },
    } : {}),
    async run(writer, signal, onPinned) {
      const context = contextFor(onPinned);
      const controller = new AbortController();
      const onOuterAbort = () => controller.abort();
      signal?.addEventListener('abort', onOuterAbort, { once: true });
      const progress = new ProgressThrottle(state.runId, step.id, options.onProgress ?? (() => {}));
      const watcher = new GateWatcher(step.expect, step.abort_on, (match) => {
        if (match.onMatch === 'cancel') controller.abort();
      });
      const executor = options.executors(step.target, runTarget, context);
      let result: ExecResult;
      const started = Date.now();
      try {
        await executor.connect();
        result = await executor.exec({
          command,
          readOnly: step.kind === 'check' && Boolean(step.sql),
          env: expandedEnv,
          cwd: step.cwd,
          timeoutMs: step.timeout ? durationMs(step.timeout) : undefined,
          statementTimeoutMs: step.statement_timeout ? durationMs(step.statement_timeout) : undefined,
          lockTimeoutMs: step.lock_timeout ? durationMs(step.lock_timeout) : undefined,
          signal: controller.signal,
          onOutput: (chunk) => {
            writer.write(chunk);
            watcher.push(chunk);
            progress.push(chunk);
          },
        });
      } catch (error) {
        const kind = (error as { kind?: string }).kind ?? 'connect_failed';
        const message = error instanceof Error ? error.message : String(error);
        writer.write(`\n[cutover] ${message}\n`);
        result = { exitCode: null, signal: null, failure: { kind: kind as NonNullable<ExecResult['failure']>['kind'], message }, durationMs: Date.now() - started };
      } finally {
        signal?.removeEventListener('abort', onOuterAbort);
        await executor.close().catch(() => undefined);
      }
      watcher.end();
      progress.flush();
      return { exitCode: result.exitCode, signal: result.signal, failure: result.failure, gates: watcher.results(result), durationMs: result.durationMs };
    },
  };
}

function prepareMonitor(options: ExecutionOptions, state: RunState, step: Extract<Step, { kind: 'monitor' }>): Execution {
  return {
    command: probeCommand(step),
    target: step.probe.url,
    async run(writer, signal) {
      const started = Date.now();
      const progress = new ProgressThrottle(state.runId, step.id, options.onProgress ?? (() => {}));
      const { summary, gates, cancelled } = await runMonitor(step, signal ?? new AbortController().signal, (sample) => {
        const line = Buffer.from(`${JSON.stringify(sample)}\n`);
        writer.write(line);
        progress.push(line);
      });
      progress.flush();
      const failure = cancelled ? { kind: 'cancelled' as const, message: 'the monitor was stopped before its window ended' } : null;
      return { exitCode: null, signal: null, failure, gates, durationMs: Date.now() - started, summary };
    },
  };
}
