// Running one check, command or monitor on its target once the engine has decided it may run:
// the target's context (secrets, pinned host key), the streaming output into the transcript,
// the gates watched on it, and the result. Who may run what, and when, is decided elsewhere.
import { durationMs, type Step, type Target } from '../runbook/schema';
import { assessExecutorLogin, checkLoginConnection, describeAssessment } from '../targets/check-login';
import { mysqlCheckTarget } from '../targets/mysql';
import type { Executor, ExecResult, TargetContext } from '../targets/types';
import { getSecrets, VaultInputError, type Vault } from '../vault';
import type { TranscriptSink } from './transcript-guard';
import { GateWatcher, type GateResult } from './gates';
import { prepareHttp } from './http-step';
import { resolveProbes, resolveThresholds, runMonitor } from './monitor';
import { probeCommand } from './plan';
import { ProgressThrottle, type ProgressUpdate } from './progress';
import { expandEnv, secretsUsed } from './resolve';
import { fillMonitorProbes, fillStep, lookup, MAX_CAPTURE_OUTPUT, resolveSql, scopeOf, type CaptureInput, type FilledStep } from './values';
import type { Reference } from '../runbook/expression';
import type { RunState } from './types';
import { translator } from '../../shared/i18n';
import { failureMessageText } from '../reports/failure-words';
import { valueWords } from './value-words';

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
  /** What the transcript's step.started records and the act signs (references filled). */
  command: string;
  /** SQL: the values bound to the command's placeholders (signed with it). */
  bind?: FilledStep['bind'];
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
  /** What the step's captures read (checks and commands that capture). */
  capture?: CaptureInput;
  /** http steps: the response (status, latency, parsed JSON body), for captured values. */
  http?: ExecResult['http'];
}

/** Everything a step needs before it starts, checked up front so a refusal comes before any signature. */
export function prepareExecution(vault: Vault, options: ExecutionOptions, state: RunState, step: Extract<Step, { kind: 'check' | 'command' | 'monitor' | 'http' }>): Execution {
  if (step.kind === 'monitor') return prepareMonitor(vault, options, state, step);
  if (step.kind === 'http') return prepareHttp(vault, options, state, step);
  const tr = translator(state.runbook.language ?? state.wordedIn);
  const target = state.targets[step.target];
  if (!target) throw new RunRefusedError(tr.t('refusal.prepare.unknownTarget', { step: step.id, target: step.target }));
  if (step.kind === 'command' && target.kind === 'ssh' && !(state.hostKeys[step.target] ?? target.host_key)) {
    throw new RunRefusedError(tr.t('refusal.prepare.hostKey', { target: step.target }));
  }
  let filled: FilledStep;
  try {
    // SQL references become bound placeholders: $1… on postgres, ? on mysql.
    filled = fillStep(state, step.kind === 'command' && target.kind === 'mysql' ? { ...step, run: '' } : step, target.kind === 'mysql' ? 'mysql' : 'postgres');
    if (step.kind === 'command' && target.kind === 'mysql') {
      // A command on a mysql target is SQL: its references are bound (?), never spliced into its text.
      const sql = resolveSql(step.run, scopeOf(state), 'mysql');
      filled = { ...filled, command: sql.text, ...(sql.params.length ? { bind: sql.params } : {}) };
    }
  } catch (error) {
    throw new RunRefusedError(valueWords(tr.lang, (error as Error).message));
  }
  const env = filled.env;
  const checkLogin = target.kind === 'postgres' || target.kind === 'mysql' ? target.check_login?.secret : undefined;
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
  if (step.kind === 'check' && step.sql && target.kind === 'mysql' && target.check_login) {
    // A mysql check runs as its check login (the DSN's host, port and database stay); commands keep the DSN's user.
    runTarget = mysqlCheckTarget(target, target.check_login);
  }
  const expandedEnv = expandEnv(env, secrets, state.targets, tr.lang);
  for (const [name, secret] of Object.entries(step.secret_env)) {
    const value = secrets[secret];
    if (value === undefined) throw new RunRefusedError(tr.t('refusal.prepare.secret', { step: step.id, secret, name }));
    expandedEnv[name] = value;
  }
  const { command, bind } = filled;
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
    ...(bind ? { bind } : {}),
    target: step.target,
    readOnly,
    ...(sqlCheck ? {
      async assessLogin() {
        const executor = options.executors(step.target, runTarget, contextFor(() => undefined));
        try {
          await executor.connect();
          return describeAssessment(await assessExecutorLogin(executor), step.target, tr.lang);
        } catch (error) {
          throw new RunRefusedError(tr.t('refusal.prepare.login', { message: failureMessageText(tr.lang, (error as Error).message) }));
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
      const watcher = new GateWatcher(filled.expect, step.abort_on, (match) => {
        if (match.onMatch === 'cancel') controller.abort();
      });
      const executor = options.executors(step.target, runTarget, context);
      // Captures read the output (at most MAX_CAPTURE_OUTPUT bytes of it; the transcript keeps all).
      const kept: Buffer[] | null = step.capture ? [] : null;
      let keptBytes = 0;
      let truncated = false;
      const keep = (chunk: Buffer) => {
        if (keptBytes + chunk.length > MAX_CAPTURE_OUTPUT) truncated = true;
        const part = chunk.subarray(0, Math.max(0, MAX_CAPTURE_OUTPUT - keptBytes));
        kept!.push(part);
        keptBytes += part.length;
      };
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
          ...(bind ? { params: bind } : {}),
          signal: controller.signal,
          onOutput: (chunk) => {
            writer.write(chunk);
            watcher.push(chunk);
            progress.push(chunk);
            if (kept) keep(chunk);
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
      const capture: CaptureInput | undefined = kept ? { output: Buffer.concat(kept).toString('utf8'), outputTruncated: truncated, rows: result.rows, fields: result.fields } : undefined;
      return { exitCode: result.exitCode, signal: result.signal, failure: result.failure, gates: watcher.results(result), durationMs: result.durationMs, ...(capture ? { capture } : {}) };
    },
  };
}

function prepareMonitor(vault: Vault, options: ExecutionOptions, state: RunState, declared: Extract<Step, { kind: 'monitor' }>): Execution {
  const tr = translator(state.runbook.language ?? state.wordedIn);
  const refused = (step: string, error: unknown) => new RunRefusedError(tr.t('engine.prepare.step', { step, message: valueWords(tr.lang, (error as Error).message) }));
  // ${param:…} and ${value:…} in probe URLs, paths and headers are filled now; the plan shows them as written.
  let step: typeof declared;
  try {
    step = fillMonitorProbes(state, declared);
  } catch (error) {
    throw refused(declared.id, error);
  }
  // Probes through http targets take the run's targets (so --target moves them) and tokens from the vault.
  const names = new Set<string>();
  for (const probe of step.probes ?? []) {
    const target = probe.target ? state.targets[probe.target] : undefined;
    if (probe.target && target?.kind !== 'http') throw new RunRefusedError(tr.t('refusal.monitor.probeTarget', { step: step.id, target: probe.target }));
    if (target?.kind === 'http' && target.auth) names.add('bearer' in target.auth ? target.auth.bearer : target.auth.secret);
    for (const value of [...Object.values(target?.kind === 'http' ? target.headers : {}), ...Object.values(probe.headers)]) for (const m of value.matchAll(/\$\{secret:([A-Za-z0-9][A-Za-z0-9_.-]{0,63})\}/g)) names.add(m[1]!);
  }
  const secrets = getSecrets(vault, [...names]);
  let probes: ReturnType<typeof resolveProbes>;
  let thresholds: ReturnType<typeof resolveThresholds>;
  // Computed limits ("p95_ms <= ${value:baseline.p95_ms} * 1.2") are computed now, before anything is signed.
  const scope = scopeOf(state);
  const values = { lookup: (ref: Reference) => lookup(scope, ref), environment: state.environment };
  try {
    probes = resolveProbes(step, state.targets, secrets, values);
    thresholds = resolveThresholds(step, values);
  } catch (error) {
    throw refused(step.id, error);
  }
  return {
    command: probeCommand(step, state.targets, { step: thresholds, probes }),
    target: step.probe ? step.probe.url : probes.map((p) => p.url).join(', '),
    async run(writer, signal) {
      const started = Date.now();
      const progress = new ProgressThrottle(state.runId, step.id, options.onProgress ?? (() => {}));
      const { summary, gates, cancelled } = await runMonitor(step, signal ?? new AbortController().signal, (sample) => {
        const line = Buffer.from(`${JSON.stringify(sample)}\n`);
        writer.write(line);
        progress.push(line);
      }, probes, thresholds);
      progress.flush();
      const failure = cancelled ? { kind: 'cancelled' as const, message: 'the monitor was stopped before its window ended' } : null;
      // A monitor's captures read its summary as JSON: `capture: {p95_ms: {json: $.p95_ms}}`, `$.probes.health.p95_ms`.
      return { exitCode: null, signal: null, failure, gates, durationMs: Date.now() - started, summary, ...(step.capture ? { capture: { output: '', json: { value: summary, name: 'the monitor\'s summary' } } } : {}) };
    },
  };
}
