// The run engine: starts runs, executes steps against their targets, refuses what nobody
// approved, watches gates on the streaming output, and writes every step's start, end and
// transcript into the vault's chain.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { durationMs, type Step, type Target } from '../runbook/schema';
import { loadRunbook } from '../runbook/load';
import type { Executor, ExecResult, TargetContext } from '../targets/types';
import { getIdentity, getSecrets, listIdentities, processAlive, VaultInputError, type ArtifactWriter, type Vault } from '../vault';
import { authorize, type Authorization } from './approvals';
import { GateWatcher, type GateResult } from './gates';
import { runMonitor } from './monitor';
import { allSteps, buildPlan, planBytes, planDigest, PLAN_NAMESPACE, type PlanDocument } from './plan';
import { sshsigSign, sshsigVerify, type Signer } from '../signing';
import { ProgressThrottle, type ProgressUpdate } from './progress';
import { applyOverrides, expandEnv, secretsUsed } from './resolve';
import { runIds, runStateIn } from './state';
import type { ApprovalRecord, Environment, RunState, StepState, TranscriptRef } from './types';

export type ExecutorFactory = (name: string, target: Target, context: TargetContext) => Executor;

export class RunRefusedError extends VaultInputError {
  override readonly code = 'BAD_INPUT' as const;
}

export interface EngineOptions {
  /** Who is acting (an identity name). */
  actor: string;
  executors: ExecutorFactory;
  /** First SSH connection to an unpinned host: show the fingerprint; true pins it. */
  confirmHostKey?: (target: string, fingerprint: string) => boolean | Promise<boolean>;
  onProgress?: (update: ProgressUpdate) => void;
  agentSocket?: string;
  sshConfigPath?: string;
}

export interface StepOutcome {
  stepId: string;
  status: StepState['status'];
  exitCode: number | null;
  failure: ExecResult['failure'] | null;
  gates: GateResult[];
  transcript: TranscriptRef;
  blocked: boolean;
}

function transcriptOf(info: { id: string; name: string; sha256: string | null; size: number }): TranscriptRef {
  return { artifactId: info.id, name: info.name, sha256: info.sha256, size: info.size };
}

/**
 * Why a step cannot be skipped in this state, or null. The run's state only: skip() also checks
 * who asks and why; the app's views use this to offer a skip only where it would be taken.
 */
export function skipRefusal(state: RunState, stepId: string, phaseId: string): string | null {
  const current = state.steps.get(stepId);
  if (!current) return `The runbook has no step "${stepId}".`;
  if (current.status === 'running') return `Step ${stepId} is running; cancel it first.`;
  if (current.status === 'PASS' || current.status === 'skipped') return `Step ${stepId} is already ${current.status}.`;
  if (state.status === 'STOPPED' || state.status === 'COMPLETED') return `The run is ${state.status}; nothing more changes in it.`;
  if (state.status === 'BLOCKED') return `The run is BLOCKED at ${state.blockedBy?.stepId}; a person records a decision (rollback or stop) before any step is skipped.`;
  if (state.status === 'ROLLBACK' && phaseId !== 'rollback') return 'The run is on its rollback path: only rollback steps can be skipped now.';
  if (phaseId === 'rollback' && state.status !== 'ROLLBACK') return 'Rollback steps are skipped only on the rollback path.';
  return null;
}

export class RunEngine {
  constructor(private readonly vault: Vault, private readonly options: EngineOptions) {}

  /** Stores the runbook by content hash (once) and records `run.started`. */
  startRun(input: { text: string; source: string; environment: Environment; targets?: Record<string, string> }): RunState {
    const operator = getIdentity(this.vault, this.options.actor);
    if (!operator) throw new RunRefusedError(`"${this.options.actor}" is not an identity in this vault; add it with \`cutover identity add\` (role operator).`);
    if (!operator.roles.includes('operator')) throw new RunRefusedError(`${operator.name} does not have the operator role, so cannot start a run.`);
    const loaded = loadRunbook(input.text, input.source);
    const targets = applyOverrides(loaded.runbook, input.targets ?? {});
    let stored = this.vault.artifacts().find((a) => a.state === 'complete' && a.sha256 === loaded.hash && a.name.startsWith('runbook-'));
    if (!stored) {
      const writer = this.vault.createArtifact({ name: `runbook-${loaded.runbook.id}-v${loaded.runbook.version}.yaml`.replace(/[^A-Za-z0-9_.-]/g, '_'), mediaType: 'application/yaml', actor: this.options.actor });
      writer.write(loaded.text);
      stored = writer.finish();
      this.vault.append({ actor: this.options.actor, type: 'runbook.stored', payload: { id: loaded.runbook.id, version: loaded.runbook.version, hash: loaded.hash, artifactId: stored.id, source: input.source } });
    }
    const runId = randomUUID();
    this.vault.append({
      actor: this.options.actor,
      type: 'run.started',
      payload: { runId, environment: input.environment, operator: operator.name, runbook: { id: loaded.runbook.id, version: loaded.runbook.version, title: loaded.runbook.title, hash: loaded.hash, artifactId: stored.id }, targets },
    });
    return this.status(runId);
  }

  runs(): string[] {
    return runIds(this.vault.events());
  }

  /** The run's state; steps whose runner died are recorded INTERRUPTED first (never resumed). */
  status(runId: string): RunState {
    const state = this.fold(runId);
    let changed = false;
    for (const step of state.steps.values()) {
      if (step.status !== 'running' || !step.runner) continue;
      if (step.runner.host === hostname() && step.runner.pid !== process.pid && !processAlive(step.runner.pid)) {
        const info = step.transcript ? this.vault.artifacts().find((a) => a.id === step.transcript!.artifactId) : undefined;
        this.vault.append({ actor: 'system', type: 'step.interrupted', payload: { runId, stepId: step.stepId, reason: 'the app stopped while this step was running; its partial transcript is kept and nothing was resumed', transcript: info ? transcriptOf(info) : step.transcript } });
        changed = true;
      }
    }
    return changed ? this.fold(runId) : state;
  }

  private fold(runId: string): RunState {
    const state = runStateIn(this.vault, runId);
    if (!state) throw new RunRefusedError(`No run ${runId} in this vault; see \`cutover run list\`.`);
    return state;
  }

  private findStep(state: RunState, stepId: string): { step: Step; phaseId: string } {
    const found = allSteps(state).find(({ step }) => step.id === stepId);
    if (!found) throw new RunRefusedError(`The runbook has no step "${stepId}".`);
    return found;
  }

  /** The next step that is neither done nor skipped, in runbook order. */
  next(runId: string): { step: Step; phaseId: string } | null {
    const state = this.status(runId);
    const inRollback = state.status === 'ROLLBACK';
    return allSteps(state).find(({ step, phaseId }) => (inRollback ? phaseId === 'rollback' : phaseId !== 'rollback') && ['pending', 'FAIL', 'INTERRUPTED'].includes(state.steps.get(step.id)!.status)) ?? null;
  }

  authorization(runId: string, stepId: string): Authorization | null {
    const state = this.status(runId);
    const { step, phaseId } = this.findStep(state, stepId);
    return step.kind === 'command' ? authorize(this.vault, state, step, phaseId) : null;
  }

  /** Why a step may not run now, or null. */
  private refusal(state: RunState, step: Step, phaseId: string): string | null {
    const current = state.steps.get(step.id)!;
    if (current.status === 'running') return `Step ${step.id} is already running.`;
    if (current.status === 'PASS') return `Step ${step.id} already passed.`;
    if (state.status === 'STOPPED' || state.status === 'COMPLETED') return `The run is ${state.status}; nothing more runs in it.`;
    const mutating = step.kind === 'command';
    if (mutating && state.status === 'BLOCKED') return `The run is BLOCKED at ${state.blockedBy?.stepId} (${state.blockedBy?.reason}). No mutating step runs until a person records a decision: \`cutover run decide --decision rollback|stop\`.`;
    if (mutating && state.status === 'ROLLBACK' && phaseId !== 'rollback') return 'The run is on its rollback path: only rollback steps run now.';
    if (phaseId === 'rollback' && state.status !== 'ROLLBACK') return 'Rollback steps run only after a rollback decision.';
    return null;
  }

  async executeStep(runId: string, stepId: string, signal?: AbortSignal): Promise<StepOutcome> {
    const state = this.status(runId);
    const { step, phaseId } = this.findStep(state, stepId);
    if (step.kind !== 'check' && step.kind !== 'command' && step.kind !== 'monitor') throw new RunRefusedError(`Step ${step.id} is a ${step.kind} step: use \`cutover run ${step.kind === 'attest' ? 'attest' : step.kind === 'record' ? 'record' : 'done'}\`.`);
    const refusal = this.refusal(state, step, phaseId);
    if (refusal) throw new RunRefusedError(refusal);
    if (step.kind === 'command') {
      const auth = authorize(this.vault, state, step, phaseId);
      if (!auth.authorized) throw new RunRefusedError(`Step ${step.id} is not approved: ${auth.reason}`);
    }
    if (step.kind === 'monitor') return this.executeMonitor(state, step, signal);
    return this.executeOnTarget(state, step, phaseId, signal);
  }

  private startTranscript(state: RunState, step: Step, extra: Record<string, unknown>): ArtifactWriter {
    const writer = this.vault.createArtifact({ name: step.evidence ?? `${step.id}.log`, mediaType: step.kind === 'monitor' ? 'application/x-ndjson' : 'text/plain', actor: this.options.actor });
    this.vault.append({ actor: this.options.actor, type: 'step.started', payload: { runId: state.runId, stepId: step.id, kind: step.kind, ...extra, transcript: { artifactId: writer.id, name: writer.name, sha256: null, size: 0 }, runner: { pid: process.pid, host: hostname() } } });
    return writer;
  }

  private finishStep(state: RunState, step: Step, writer: ArtifactWriter, result: { exitCode: number | null; signal: string | null; failure: ExecResult['failure'] | null; gates: GateResult[]; durationMs: number; summary?: unknown }): StepOutcome {
    const info = writer.finish();
    const transcript = transcriptOf(info);
    const failedGates = result.gates.filter((g) => !g.passed);
    const status = !result.failure && failedGates.length === 0 ? 'PASS' : 'FAIL';
    this.vault.append({ actor: this.options.actor, type: 'step.finished', payload: { runId: state.runId, stepId: step.id, status, exitCode: result.exitCode, signal: result.signal, failure: result.failure, gates: result.gates, transcript, durationMs: result.durationMs, ...(result.summary ? { summary: result.summary } : {}) } });
    let blocked = false;
    if (status === 'FAIL' && state.status !== 'ROLLBACK') {
      const aborts = result.gates.filter((g) => g.kind === 'abort');
      const reason = aborts.length ? `abort gate ${aborts.map((g) => g.gate).join(', ')} matched` : result.failure ? `${result.failure.kind}: ${result.failure.message}` : `expectation failed: ${failedGates.map((g) => g.gate).join(', ')}`;
      this.vault.append({ actor: 'system', type: 'run.blocked', payload: { runId: state.runId, stepId: step.id, reason, gates: failedGates } });
      blocked = true;
    }
    if (status === 'PASS') this.settle(state.runId);
    return { stepId: step.id, status, exitCode: result.exitCode, failure: result.failure, gates: result.gates, transcript, blocked };
  }

  private async executeOnTarget(state: RunState, step: Extract<Step, { kind: 'check' | 'command' }>, phaseId: string, signal?: AbortSignal): Promise<StepOutcome> {
    const target = state.targets[step.target];
    if (!target) throw new RunRefusedError(`Step ${step.id} names an unknown target ${step.target}.`);
    if (step.kind === 'command' && target.kind === 'ssh' && !(state.hostKeys[step.target] ?? target.host_key)) {
      throw new RunRefusedError(`Target ${step.target}'s host key is not pinned: connect once with a read-only check (or set host_key in the runbook) before a command runs on it.`);
    }
    const env = { ...state.runbook.env, ...step.env };
    const secrets = getSecrets(this.vault, [...secretsUsed(env, target), ...Object.values(step.secret_env), ...state.runbook.secrets.map((s) => s.name)]);
    const expandedEnv = expandEnv(env, secrets, state.targets);
    for (const [name, secret] of Object.entries(step.secret_env)) {
      const value = secrets[secret];
      if (value === undefined) throw new RunRefusedError(`Step ${step.id} needs the secret "${secret}" (for ${name}); set it with \`cutover secret set --name ${secret}\`.`);
      expandedEnv[name] = value;
    }
    let pinnedNow: string | null = null;
    const context: TargetContext = {
      secrets,
      pinnedHostKey: state.hostKeys[step.target],
      applicationName: `cutover-workstation/${state.runId.slice(0, 8)}/${step.id}`.slice(0, 63),
      agentSocket: this.options.agentSocket,
      sshConfigPath: this.options.sshConfigPath,
      confirmHostKey: async (fingerprint) => {
        const ok = this.options.confirmHostKey ? await this.options.confirmHostKey(step.target, fingerprint) : false;
        if (ok) pinnedNow = fingerprint;
        return ok;
      },
    };
    const command = step.kind === 'check' ? (step.sql ?? step.run!) : step.run;
    const readOnly = step.kind === 'check' ? (step.sql ? 'enforced' : 'declared') : undefined;
    const writer = this.startTranscript(state, step, { phaseId, target: step.target, command, readOnly, environment: state.environment });
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort();
    signal?.addEventListener('abort', onOuterAbort, { once: true });
    const progress = new ProgressThrottle(state.runId, step.id, this.options.onProgress ?? (() => {}));
    const watcher = new GateWatcher(step.expect, step.abort_on, (match) => {
      if (match.onMatch === 'cancel') controller.abort();
    });
    const executor = this.options.executors(step.target, target, context);
    let result: ExecResult;
    const started = Date.now();
    try {
      await executor.connect();
      if (pinnedNow) this.vault.append({ actor: this.options.actor, type: 'target.host_key_pinned', payload: { runId: state.runId, target: step.target, fingerprint: pinnedNow } });
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
    const gates = watcher.results(result);
    return this.finishStep(state, step, writer, { exitCode: result.exitCode, signal: result.signal, failure: result.failure, gates, durationMs: result.durationMs });
  }

  private async executeMonitor(state: RunState, step: Extract<Step, { kind: 'monitor' }>, signal?: AbortSignal): Promise<StepOutcome> {
    const writer = this.startTranscript(state, step, { target: step.probe.url, command: `${step.probe.method} ${step.probe.url} every ${step.probe.every} for ${step.probe.for}` });
    const started = Date.now();
    const progress = new ProgressThrottle(state.runId, step.id, this.options.onProgress ?? (() => {}));
    const { summary, gates, cancelled } = await runMonitor(step, signal ?? new AbortController().signal, (sample) => {
      const line = Buffer.from(`${JSON.stringify(sample)}\n`);
      writer.write(line);
      progress.push(line);
    });
    progress.flush();
    const failure = cancelled ? { kind: 'cancelled' as const, message: 'the monitor was stopped before its window ended' } : null;
    return this.finishStep(state, step, writer, { exitCode: null, signal: null, failure, gates, durationMs: Date.now() - started, summary });
  }

  /** A person confirms an attest step's statement; the attestation is kept as its evidence file. */
  attest(runId: string, stepId: string): StepState {
    const state = this.status(runId);
    const { step } = this.findStep(state, stepId);
    if (step.kind !== 'attest') throw new RunRefusedError(`Step ${stepId} is a ${step.kind} step, not an attestation.`);
    const identity = getIdentity(this.vault, this.options.actor);
    if (!identity) throw new RunRefusedError(`"${this.options.actor}" is not an identity in this vault.`);
    if (!identity.roles.includes(step.by)) throw new RunRefusedError(`Step ${stepId} must be attested by a ${step.by}; ${identity.name} is ${identity.roles.join(', ')}.`);
    if (state.steps.get(stepId)!.status === 'PASS') throw new RunRefusedError(`Step ${stepId} is already attested.`);
    const at = new Date().toISOString();
    const writer = this.vault.createArtifact({ name: step.evidence ?? `${step.id}_attestation.log`, actor: identity.name });
    writer.write(`Attestation\nRun: ${runId}\nStep: ${step.id} — ${step.title}\nStatement: ${step.statement}\nAttested by: ${identity.name} (${identity.roles.join(', ')}), key ${identity.fingerprint}\nAt: ${at}\n`);
    const transcript = transcriptOf(writer.finish());
    this.vault.append({ actor: identity.name, type: 'step.attested', payload: { runId, stepId, statement: step.statement, role: step.by, fingerprint: identity.fingerprint, transcript } });
    return this.settle(runId).steps.get(stepId)!;
  }

  /** Records values (snapshot ID, release SHA, PITR window) for a record step. */
  record(runId: string, stepId: string, values: Record<string, string>): StepState {
    const state = this.status(runId);
    const { step } = this.findStep(state, stepId);
    if (step.kind !== 'record') throw new RunRefusedError(`Step ${stepId} is a ${step.kind} step, not a record step.`);
    const known = new Set(step.fields.map((f) => f.name));
    for (const name of Object.keys(values)) if (!known.has(name)) throw new RunRefusedError(`Step ${stepId} has no field "${name}" (it has ${[...known].join(', ')}).`);
    for (const field of step.fields) {
      const value = values[field.name];
      if ((value === undefined || value === '') && field.required) throw new RunRefusedError(`Step ${stepId} needs ${field.label} (${field.name}).`);
      if (value !== undefined && field.pattern && !new RegExp(field.pattern).test(value)) throw new RunRefusedError(`${field.label} "${value}" does not match /${field.pattern}/.`);
    }
    const writer = this.vault.createArtifact({ name: step.evidence ?? `${step.id}_record.json`, mediaType: 'application/json', actor: this.options.actor });
    writer.write(`${JSON.stringify({ runId, stepId, title: step.title, values, recordedBy: this.options.actor, at: new Date().toISOString() }, null, 2)}\n`);
    const transcript = transcriptOf(writer.finish());
    this.vault.append({ actor: this.options.actor, type: 'step.recorded', payload: { runId, stepId, values, transcript } });
    return this.settle(runId).steps.get(stepId)!;
  }

  /** Marks a manual step done, with an optional note. */
  done(runId: string, stepId: string, note?: string): StepState {
    const state = this.status(runId);
    const { step } = this.findStep(state, stepId);
    if (step.kind !== 'manual') throw new RunRefusedError(`Step ${stepId} is a ${step.kind} step; only manual steps are marked done by hand.`);
    this.vault.append({ actor: this.options.actor, type: 'step.done', payload: { runId, stepId, note: note ?? null } });
    return this.settle(runId).steps.get(stepId)!;
  }

  /**
   * An operator skips a step on purpose, with the reason, which goes into the evidence and the
   * decision's findings. Never while the run is BLOCKED (that would step around the block), never
   * a step that ran or is running, and on the rollback path only rollback steps.
   */
  skip(runId: string, stepId: string, reason: string): StepState {
    const state = this.status(runId);
    const { phaseId } = this.findStep(state, stepId);
    const identity = getIdentity(this.vault, this.options.actor);
    if (!identity) throw new RunRefusedError(`"${this.options.actor}" is not an identity in this vault.`);
    if (!identity.roles.includes('operator')) throw new RunRefusedError(`${identity.name} does not have the operator role, so cannot skip a step.`);
    if (!reason.trim()) throw new RunRefusedError('Skipping a step needs a reason (it goes into the evidence and the decision).');
    const refusal = skipRefusal(state, stepId, phaseId);
    if (refusal) throw new RunRefusedError(refusal);
    const current = state.steps.get(stepId)!;
    this.vault.append({ actor: identity.name, type: 'step.skipped', payload: { runId, stepId, reason: reason.trim(), previous: current.status } });
    return this.settle(runId).steps.get(stepId)!;
  }

  /**
   * Closes the run once every step outside the rollback path is PASS or skipped: `run.completed`
   * goes into the chain (with what was skipped), and nothing more runs in it.
   */
  private settle(runId: string): RunState {
    const state = this.status(runId);
    if (state.status !== 'ACTIVE') return state;
    const main = allSteps(state).filter(({ phaseId }) => phaseId !== 'rollback').map(({ step }) => state.steps.get(step.id)!);
    if (!main.every((s) => s.status === 'PASS' || s.status === 'skipped')) return state;
    const skipped = main.filter((s) => s.status === 'skipped').map((s) => s.stepId);
    this.vault.append({ actor: 'system', type: 'run.completed', payload: { runId, steps: main.length, passed: main.length - skipped.length, skipped } });
    return this.status(runId);
  }

  /** The plan approvers sign: the canonical JSON bytes and their SHA-256. */
  exportPlan(runId: string): { plan: PlanDocument; bytes: Buffer; digest: string } {
    const plan = buildPlan(this.status(runId));
    const bytes = planBytes(plan);
    return { plan, bytes, digest: planDigest(bytes) };
  }

  /** Signs this run's current plan with an approver's key and records the approval. */
  async approve(runId: string, signerName: string, signer: Signer): Promise<ApprovalRecord> {
    const { bytes } = this.exportPlan(runId);
    const signature = await sshsigSign(signer, bytes, PLAN_NAMESPACE);
    return this.importApproval(runId, bytes, signature);
  }

  /**
   * Records an approval made anywhere (here, or on an air-gapped machine with
   * `ssh-keygen -Y sign -n cutover-plan-v1 -f KEY plan.json`). The signer is found by the
   * key inside the signature; it must be an identity of this vault with the approver role.
   */
  importApproval(runId: string, planText: Buffer, signature: string): ApprovalRecord {
    const state = this.status(runId);
    const verified = sshsigVerify(signature, planText, PLAN_NAMESPACE);
    if (!verified.ok) throw new RunRefusedError(`The approval signature does not verify over this plan (${verified.reason}: ${verified.message}). Sign the exact bytes of \`cutover plan export\` with namespace ${PLAN_NAMESPACE}.`);
    const identity = listIdentities(this.vault).find((i) => i.fingerprint === verified.fingerprint);
    if (!identity) throw new RunRefusedError(`The key ${verified.fingerprint} that signed this approval is not an identity in this vault.`);
    const operator = getIdentity(this.vault, state.operator);
    if (identity.name === state.operator || operator?.fingerprint === identity.fingerprint) throw new RunRefusedError(`${identity.name} is the operator of this run and cannot approve it.`);
    const role = state.runbook.policy.approvals.role;
    if (!identity.roles.includes(role)) throw new RunRefusedError(`${identity.name} does not have the ${role} role; their signature cannot approve the plan.`);
    let plan: PlanDocument;
    try {
      plan = JSON.parse(planText.toString('utf8')) as PlanDocument;
    } catch {
      throw new RunRefusedError('The signed plan is not JSON.');
    }
    if (plan.runId !== runId) throw new RunRefusedError(`This approval is for run ${plan.runId}, not ${runId}.`);
    const text = planText.toString('utf8');
    const digest = planDigest(planText);
    this.vault.append({ actor: identity.name, type: 'approval.added', payload: { runId, signer: identity.name, fingerprint: identity.fingerprint, planDigest: digest, plan: text, signature } });
    return this.status(runId).approvals.at(-1)!;
  }

  /** A person's decision on a BLOCKED run: take the rollback path, or stop. */
  decide(runId: string, decision: 'rollback' | 'stop', reason: string): RunState {
    const state = this.status(runId);
    if (!reason.trim()) throw new RunRefusedError('A decision needs a reason (it goes into the evidence).');
    if (state.status === 'STOPPED' || state.status === 'COMPLETED') throw new RunRefusedError(`The run is already ${state.status}.`);
    if (decision === 'rollback' && !state.runbook.rollback) throw new RunRefusedError('The runbook has no rollback section; decide "stop" instead.');
    this.vault.append({ actor: this.options.actor, type: 'run.decision', payload: { runId, decision, reason, blockedBy: state.blockedBy } });
    return this.status(runId);
  }
}
