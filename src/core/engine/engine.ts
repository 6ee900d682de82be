// The run engine: every act in a run (start, execute, attest, record, done, skip, decide) is
// signed by the person who does it and checked — signature, identity, role, the runbook's order
// and the run's state — in the same IMMEDIATE transaction that appends it. What it refuses
// leaves the chain as it was.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { appendAct, chainContext, draftAct, inWriteTransaction, signHere, type ActRequest } from '../acts/context';
import { ActRefusedError, actBytes, parseAct, type ActDocument, type SignedAct } from '../acts/document';
import { decideRefusal, executeRefusal, reasonRefusal, retryTarget, roleRefusal, skipRefusal, statusOf, type Decision } from '../acts/rules';
import { verifyAct, type VerifiedAct } from '../acts/verify';
import { registryOf } from '../identity/registry';
import { loadRunbook } from '../runbook/load';
import { compilePattern } from '../runbook/patterns';
import type { Step } from '../runbook/schema';
import type { Keyring, Signer } from '../signing';
import { sshsigSign, sshsigVerify } from '../signing';
import { translator, type Lang, type Translator } from '../../shared/i18n';
import { processAlive, VaultDiskFullError, type ArtifactWriter, type Vault } from '../vault';
import { vaultErrorFrom } from '../vault/database';
import { TranscriptGuard } from './transcript-guard';
import { authorize, needsApproval, type Authorization } from './approvals';
import { isMutating } from './http-step';
import { prepareExecution, RunRefusedError, type ExecutionOptions, type ExecutionResult } from './execute';
import type { ExecResult } from '../targets/types';
import { blocksStep, type GateResult } from './gates';
import { parsePlannedT0 } from './t-zero';
import { allSteps, buildPlan, executes, parsePlanBytes, planBytes, planDigest, PLAN_FORMAT, PLAN_NAMESPACE, type PlanDocument } from './plan';
import { applyOverrides, RunInputError } from './resolve';
import { runIds, runStateIn } from './state';
import { occurrenceRefusal, schedulesOf, scheduleStatus, type ScheduleStatus } from './schedule';
import { conditionsOf, describeChecks, evaluateConditions, judgeComparisons, notApplicableRefusal, reachedNotApplicable } from './conditions';
import { captureInputOf, resolveParams, resolveTargets, takeCaptures, ValueUnavailableError } from './values';
import { valueWords } from './value-words';
import type { ApprovalRecord, ConditionCheck, Environment, RehearsalRef, RunState, StepState, TranscriptRef } from './types';
import { applyDeviationAcceptance, checkRecordForStart, compareWithRehearsal, rehearsalRequiredRefusal, rehearsalValueRefusal, storeRehearsalRecord } from '../rehearsal/follow';

export { RunRefusedError, type ExecutorFactory } from './execute';
export { skipRefusal } from '../acts/rules';

export interface EngineOptions extends ExecutionOptions {
  /** Who is acting (an identity name); their key must be in the keyring to act here. */
  actor: string;
  /** The keys usable at this workstation this session. */
  keyring?: Keyring;
  /** The clock schedules (repeat:) are judged by; default Date.now. */
  now?: () => number;
  /** The language refusals are worded in where the run's runbook names none (the window's); default English. */
  language?: Lang;
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

/** What a person may export to sign elsewhere. */
export type ActInput =
  | { kind: 'step.attest'; stepId: string }
  | { kind: 'step.record'; stepId: string; values: Record<string, string> }
  | { kind: 'step.done'; stepId: string; note?: string }
  | { kind: 'step.skip'; stepId: string; reason: string }
  | { kind: 'run.decide'; decision: Decision; reason: string; stepId?: string }
  | { kind: 'deviation.accept'; stepId: string; diffSha256: string };

export class RunEngine {
  constructor(private readonly vault: Vault, private readonly options: EngineOptions) {}

  // ---- reading ----------------------------------------------------------------------------

  runs(): string[] {
    return runIds(this.vault.events());
  }

  /** The run's state as the chain says. Reading changes nothing: a step whose runner died shows `runnerGone`. */
  status(runId: string): RunState {
    const state = this.fold(runId);
    for (const step of state.steps.values()) if (this.runnerGone(step)) step.runnerGone = true;
    return state;
  }

  private runnerGone(step: StepState): boolean {
    return step.status === 'running' && !!step.runner && step.runner.host === hostname() && step.runner.pid !== process.pid && !processAlive(step.runner.pid);
  }

  /**
   * Records steps whose runner died as INTERRUPTED (a writer's first duty; `cutover run recover`).
   * A mutating step may have run, so the run is BLOCKED until a signed retry, rollback or stop.
   */
  recover(runId: string): RunState {
    return inWriteTransaction(this.vault, () => {
      const state = this.fold(runId);
      let changed = false;
      for (const step of state.steps.values()) {
        if (!this.runnerGone(step)) continue;
        const info = step.transcript ? this.vault.artifacts().find((a) => a.id === step.transcript!.artifactId) : undefined;
        this.vault.append({ actor: 'system', type: 'step.interrupted', payload: { runId, stepId: step.stepId, reason: 'the process running this step stopped while it ran; its partial transcript is kept and nothing was resumed', transcript: info ? transcriptOf(info) : step.transcript } });
        if ((step.kind === 'command' || (step.kind === 'http' && !step.readOnly)) && state.status !== 'ROLLBACK') this.vault.append({ actor: 'system', type: 'run.blocked', payload: { runId, stepId: step.stepId, reason: `interrupted: the command may have run; retry only with a signed decision`, gates: [] } });
        changed = true;
      }
      // A scheduled occurrence whose runner died: recorded INTERRUPTED so the schedule goes on (it only reads; nothing blocks).
      for (const step of state.steps.values()) {
        for (const o of step.occurrences ?? []) {
          if (o.status !== 'running' || !o.runner || !this.runnerGone({ ...step, status: 'running', runner: o.runner })) continue;
          const info = o.transcript ? this.vault.artifacts().find((a) => a.id === o.transcript!.artifactId) : undefined;
          this.vault.append({ actor: 'system', type: 'step.interrupted', payload: { runId, stepId: step.stepId, occurrence: o.n, reason: 'the process running this occurrence stopped while it ran; its partial transcript is kept', transcript: info ? transcriptOf(info) : o.transcript } });
          changed = true;
        }
      }
      return changed ? this.fold(runId) : state;
    });
  }

  /** The language a refusal of this act is worded in: its run's (or, for a new run, the asker's), else English. */
  private languageOfAct(text: string): Lang {
    // Read loosely (only its run is looked at, for the language): an act that will be refused for
    // its bytes is refused in its run's language too. Anything larger than an act is not read.
    try {
      const loose = text.length <= 64 * 1024 ? (JSON.parse(text) as { act?: unknown; run?: unknown } | null) : null;
      const state = loose && loose.act !== 'run.start' && typeof loose.run === 'string' ? runStateIn(this.vault, loose.run) : null;
      return state?.runbook.language ?? this.options.language ?? 'en';
    } catch {
      return this.options.language ?? 'en';
    }
  }

  private fold(runId: string): RunState {
    const state = runStateIn(this.vault, runId);
    if (!state) throw new RunRefusedError(translator(this.options.language).t('engine.noRun', { run: runId }));
    // A copy: the folded state is cached and shared, the asker's language is not the chain's.
    return this.options.language && !state.runbook.language ? { ...state, wordedIn: this.options.language } : state;
  }

  private findStep(state: RunState, stepId: string): { step: Step; phaseId: string } {
    const found = allSteps(state).find(({ step }) => step.id === stepId);
    if (!found) throw new RunRefusedError(trOf(state).t('refusal.noStep', { step: stepId }));
    return found;
  }

  /**
   * Moves the run past the steps it has reached whose condition is false: each is recorded N/A
   * (a system event with the evaluated conditions, like run.completed), then the next step.
   */
  advance(runId: string): { step: Step; phaseId: string } | null {
    inWriteTransaction(this.vault, () => {
      const state = this.recover(runId);
      if (state.status !== 'ACTIVE' && state.status !== 'ROLLBACK') return;
      const reached = reachedNotApplicable(state);
      for (const { step, phaseId, checks } of reached) this.recordNotApplicable(state, step, phaseId, checks);
      if (reached.length) this.settle(runId);
    });
    return this.next(runId);
  }

  /** The step's conditions evaluated now (null when it has none); refused while a value they need is not there yet. */
  private conditionVerdict(state: RunState, step: Step, phaseId: string): { applies: boolean; checks: ConditionCheck[] } | null {
    if (conditionsOf(state, step, phaseId).length === 0) return null;
    try {
      return evaluateConditions(state, step, phaseId);
    } catch (error) {
      const tr = trOf(state);
      throw new RunRefusedError(tr.t('engine.condition.undecided', { step: step.id, reason: valueWords(tr.lang, (error as Error).message) }));
    }
  }

  /** Appends step.not_applicable with its evidence file (inside the caller's write transaction). */
  private recordNotApplicable(state: RunState, step: Step, phaseId: string, checks: ConditionCheck[]): TranscriptRef {
    const writer = this.vault.createArtifact({ name: `${step.id}_not_applicable.json`, mediaType: 'application/json', actor: 'system' });
    writer.write(`${JSON.stringify({ runId: state.runId, stepId: step.id, phaseId, title: step.title, status: 'N/A', environment: state.environment, why: describeChecks(checks), conditions: checks, at: new Date().toISOString() }, null, 2)}\n`);
    const transcript = transcriptOf(writer.finish());
    this.vault.append({ actor: 'system', type: 'step.not_applicable', payload: { runId: state.runId, stepId: step.id, phaseId, conditions: checks, transcript } });
    return transcript;
  }

  /** Records a step N/A when a person asks to run or complete it and its condition is false. */
  private notApplicableOutcome(runId: string, step: Step, phaseId: string): StepOutcome {
    const transcript = inWriteTransaction(this.vault, () => {
      const now = this.recover(runId);
      const refusal = notApplicableRefusal(now, step.id, phaseId);
      if (refusal) throw new RunRefusedError(refusal);
      const again = this.conditionVerdict(now, step, phaseId);
      if (!again || again.applies) throw new RunRefusedError(trOf(now).t('engine.condition.changed', { step: step.id }));
      const ref = this.recordNotApplicable(now, step, phaseId, again.checks);
      this.settle(runId);
      return ref;
    });
    return { stepId: step.id, status: 'N/A', exitCode: null, failure: null, gates: [], transcript, blocked: false };
  }

  /** A manual, attest or record step whose condition is false: recorded N/A instead, its state returned; null when it applies. */
  private notApplicableInstead(runId: string, stepId: string): StepState | null {
    const state = this.status(runId);
    const { step, phaseId } = this.findStep(state, stepId);
    const verdict = this.conditionVerdict(state, step, phaseId);
    if (!verdict || verdict.applies) return null;
    this.notApplicableOutcome(runId, step, phaseId);
    return this.status(runId).steps.get(stepId)!;
  }

  /** The next step that is neither done nor skipped, in runbook order. */
  next(runId: string): { step: Step; phaseId: string } | null {
    const state = this.status(runId);
    const inRollback = state.status === 'ROLLBACK';
    return allSteps(state).find(({ step, phaseId }) => (inRollback ? phaseId === 'rollback' : phaseId !== 'rollback') && ['pending', 'FAIL', 'INTERRUPTED'].includes(state.steps.get(step.id)!.status)) ?? null;
  }

  /** The approvals a step needs before it runs, or null when it needs none here. */
  authorization(runId: string, stepId: string): Authorization | null {
    const state = this.status(runId);
    const { step, phaseId } = this.findStep(state, stepId);
    return executes(step) && needsApproval(state, step) ? authorize(this.vault, state, step, phaseId) : null;
  }

  // ---- acts ---------------------------------------------------------------------------------

  /** Drafts an act for `by`, signs it with their key if usable here. */
  private async signed(request: ActRequest, by = this.options.actor, lang?: Lang): Promise<SignedAct> {
    const words = lang ?? (request.kind === 'run.start' ? this.options.language : this.languageOfRun(request.runId));
    return signHere(this.vault, draftAct(this.vault, request, by, words), this.options.keyring, words);
  }

  /** The language a refusal about this run is worded in: its runbook's, else the asker's, else English. */
  private languageOfRun(runId: string): Lang | undefined {
    return runStateIn(this.vault, runId)?.runbook.language ?? this.options.language;
  }

  /**
   * Checks a signed act and applies it in one IMMEDIATE transaction: interrupted steps are
   * recovered first, then the act's signature and standing, its person's role, and the run's
   * state; `apply` appends. Anything thrown leaves the chain as it was.
   */
  private commit<T>(signed: SignedAct, apply: (act: VerifiedAct, state: RunState, step: Step | undefined, phaseId: string | undefined) => T, precheck?: (state: RunState) => void): T {
    return inWriteTransaction(this.vault, () => {
      // What the run's state refuses is said first: two processes that drafted the same act
      // (same head, same attempt) hear "already running", not "already in the chain".
      if (precheck) precheck(this.recover(parseAct(signed.text, this.languageOfAct(signed.text)).run));
      const act = verifyAct(signed, chainContext(this.vault), this.languageOfAct(signed.text));
      const state = act.doc.act === 'run.start' ? null : this.recover(act.doc.run);
      if (!state) return apply(act, null as unknown as RunState, undefined, undefined);
      const found = act.doc.step ? this.findStep(state, act.doc.step) : undefined;
      const role = roleRefusal(act.doc.act, state, found?.step, act.identity);
      if (role) throw new ActRefusedError(role);
      return apply(act, state, found?.step, found?.phaseId);
    });
  }

  /** Stores the runbook by content hash (once) and records `run.started`, signed by the operator. */
  async startRun(input: { text: string; source: string; environment: Environment; targets?: Record<string, string>; t0?: string; rehearsal?: RehearsalRef; rehearsalRecord?: Buffer; params?: Record<string, string> }): Promise<RunState> {
    const loaded = loadRunbook(input.text, input.source, this.options.language);
    const lang = loaded.runbook.language ?? this.options.language;
    const t0 = input.t0 === undefined ? null : parsePlannedT0(input.t0, new Date(), lang);
    const rehearsal = input.rehearsal ?? null;
    if (rehearsal && input.environment !== 'production') throw new RunInputError(translator(lang).t('engine.rehearsal.productionOnly'));
    const unbound = rehearsalRequiredRefusal(loaded.runbook, input.environment, rehearsal, lang);
    if (unbound) throw new RunInputError(unbound);
    checkRecordForStart(rehearsal, input.rehearsalRecord);
    // Parameters are resolved once, here: their values are signed in run.start and fill the targets.
    const params = resolveParams(loaded.runbook, input.environment, input.params ?? {}, this.options.language);
    const signedParams = Object.keys(params).length ? { params } : {};
    const targets = applyOverrides({ ...loaded.runbook, targets: startTargets(loaded.runbook.targets, params, input.environment, lang) }, input.targets ?? {}, lang);
    const runId = randomUUID();
    const runbook = { id: loaded.runbook.id, version: loaded.runbook.version, title: loaded.runbook.title, hash: loaded.hash };
    const me = registryOf(this.vault).get(this.options.actor);
    if (me) {
      const role = roleRefusal('run.start', { ...loaded, wordedIn: this.options.language }, undefined, me);
      if (role) throw new ActRefusedError(role);
    }
    const signed = await this.signed({ kind: 'run.start', runId, stepId: null, what: { runbook, environment: input.environment, targets, ...signedParams, ...(t0 ? { t0 } : {}), ...(rehearsal ? { rehearsal } : {}) } }, this.options.actor, lang);
    return this.commit(signed, (act) => {
      const role = roleRefusal('run.start', { ...loaded, wordedIn: this.options.language }, undefined, act.identity);
      if (role) throw new ActRefusedError(role);
      if (this.runs().includes(runId)) throw new ActRefusedError(translator(lang).t('engine.run.alreadyStarted', { run: runId }));
      let stored = this.vault.artifacts().find((a) => a.state === 'complete' && a.sha256 === loaded.hash && a.name.startsWith('runbook-'));
      if (!stored) {
        const writer = this.vault.createArtifact({ name: `runbook-${loaded.runbook.id}-v${loaded.runbook.version}.yaml`.replace(/[^A-Za-z0-9_.-]/g, '_'), mediaType: 'application/yaml', actor: act.identity.name });
        writer.write(loaded.text);
        stored = writer.finish();
        this.vault.append({ actor: act.identity.name, type: 'runbook.stored', payload: { id: loaded.runbook.id, version: loaded.runbook.version, hash: loaded.hash, artifactId: stored.id, source: input.source } });
      }
      appendAct(this.vault, act, 'run.started', { runId, environment: input.environment, operator: act.identity.name, runbook: { ...runbook, artifactId: stored.id }, targets, ...signedParams, ...(t0 ? { t0 } : {}), ...(rehearsal ? { rehearsal } : {}) });
      if (rehearsal && input.rehearsalRecord) storeRehearsalRecord(this.vault, runId, rehearsal, input.rehearsalRecord, act.identity.name);
      return this.fold(runId);
    });
  }

  /** Why a step may not execute now (state, order, approvals), or null. */
  /** Every repeating step's schedule now: runs so far, the next occurrence, due or overdue (reading changes nothing). */
  schedules(runId: string): ScheduleStatus[] {
    const state = this.status(runId);
    return schedulesOf(state, allSteps(state), (this.options.now ?? Date.now)());
  }

  /** A repeating step that has PASSed once: where its schedule stands (its next run is an occurrence). */
  private scheduleOf(state: RunState, step: Step): ScheduleStatus | null {
    const current = state.steps.get(step.id);
    return current?.firstPassAt ? scheduleStatus(step, current, (this.options.now ?? Date.now)()) : null;
  }

  private executeBlocker(state: RunState, step: Step, phaseId: string): string | null {
    const tr = translator(state.runbook.language ?? state.wordedIn);
    if (!executes(step)) return tr.t('refusal.execute.notExecuting', { step: step.id, kind: tr.t(`stepKind.${step.kind}`), command: step.kind === 'attest' ? 'attest' : step.kind === 'record' ? 'record' : 'done' });
    const schedule = this.scheduleOf(state, step);
    const refusal = schedule ? occurrenceRefusal(state, schedule) : executeRefusal(state, step, phaseId);
    if (refusal) return refusal;
    if (needsApproval(state, step)) {
      const auth = authorize(this.vault, state, step, phaseId);
      if (!auth.authorized) return tr.t(isMutating(step) ? 'refusal.execute.notApproved' : 'refusal.execute.notApprovedProduction', { step: step.id, reason: auth.reason });
    }
    return null;
  }

  async executeStep(runId: string, stepId: string, signal?: AbortSignal): Promise<StepOutcome> {
    const state = this.status(runId);
    const { step, phaseId } = this.findStep(state, stepId);
    // A step whose condition is false is recorded N/A instead of running (no approval needed: nothing runs).
    const conditions = this.conditionVerdict(state, step, phaseId);
    if (conditions && !conditions.applies) return this.notApplicableOutcome(runId, step, phaseId);
    const blocker = this.executeBlocker(state, step, phaseId);
    if (blocker) throw new RunRefusedError(blocker);
    const execution = prepareExecution(this.vault, this.options, state, step as Extract<Step, { kind: 'check' | 'command' | 'monitor' | 'http' }>);
    // PostgreSQL's read-only transaction is not a sandbox: a check login that can run programs,
    // write files or signal backends is refused in production and named in a rehearsal's transcript.
    const loginWarning = execution.assessLogin ? await execution.assessLogin() : '';
    if (loginWarning && state.environment === 'production') throw new RunRefusedError(trOf(state).t('engine.production.login', { warning: loginWarning }));
    const attempt = (state.steps.get(stepId)!.attempts ?? 0) + 1;
    // A repeating step's later runs are occurrences: evidence of their own that never block the run.
    const occurrence = this.scheduleOf(state, step)?.next?.n;
    const signed = await this.signed({ kind: 'step.execute', runId, stepId, what: { command: execution.command, ...(execution.bind ? { bind: execution.bind } : {}), target: execution.target, attempt, ...(occurrence ? { occurrence } : {}) } });
    // The check that the step may run and its step.started are one transaction: two processes
    // racing to start it cannot both win.
    const refuseNow = (now: RunState) => {
      const again = this.executeBlocker(now, step, phaseId);
      if (again) throw new RunRefusedError(again);
    };
    const { writer, actor } = this.commit(signed, (act, now) => {
      refuseNow(now);
      if (act.doc.what.attempt !== (now.steps.get(stepId)!.attempts ?? 0) + 1) throw new RunRefusedError(trOf(now).t('engine.execute.attempt', { attempt: String(act.doc.what.attempt), step: stepId }));
      if (occurrence !== this.scheduleOf(now, step)?.next?.n) throw new RunRefusedError(trOf(now).t('engine.execute.occurrence', { n: String(occurrence), step: stepId }));
      const evidenceName = step.evidence ?? `${step.id}.log`;
      const w = this.vault.createArtifact({ name: occurrence ? evidenceName.replace(/(\.[A-Za-z0-9]+)?$/, (ext) => `.occurrence-${occurrence}${ext}`) : evidenceName, mediaType: step.kind === 'monitor' ? 'application/x-ndjson' : 'text/plain', actor: act.identity.name });
      appendAct(this.vault, act, 'step.started', { runId, stepId, kind: step.kind, phaseId, target: execution.target, command: execution.command, ...(execution.bind ? { bind: execution.bind } : {}), ...(conditions ? { conditions: conditions.checks } : {}), readOnly: execution.readOnly, environment: now.environment, attempt, ...(occurrence ? { occurrence } : {}), transcript: { artifactId: w.id, name: w.name, sha256: null, size: 0 }, runner: { pid: process.pid, host: hostname() } });
      return { writer: w, actor: act.identity.name };
    }, refuseNow);
    const guard = new TranscriptGuard(writer, signal);
    if (loginWarning) guard.sink.write(`[cutover] ${trOf(state).t('login.rehearsalWarning', { warning: loginWarning })}\n\n`);
    const result = await execution.run(guard.sink, guard.stop.signal, (fingerprint) => {
      this.vault.append({ actor, type: 'target.host_key_pinned', payload: { runId, target: execution.target, fingerprint } });
    });
    if (guard.failure) this.transcriptFailed(stepId, writer, guard.failure.error);
    if (occurrence) return this.finishOccurrence(state, step, writer, result, occurrence);
    return this.finishStep(state, step, writer, result);
  }

  /** An occurrence's result: recorded in the chain with its gates; the step's status and the run's do not change. */
  private finishOccurrence(state: RunState, step: Step, writer: ArtifactWriter, result: ExecutionResult, occurrence: number): StepOutcome {
    const transcript = transcriptOf(writer.finish());
    const status = !result.failure && !result.gates.some(blocksStep) ? 'PASS' : 'FAIL';
    this.vault.append({ actor: 'system', type: 'step.finished', payload: { runId: state.runId, stepId: step.id, occurrence, status, exitCode: result.exitCode, signal: result.signal, failure: result.failure, gates: result.gates, transcript, durationMs: result.durationMs, ...(result.summary ? { summary: result.summary } : {}) } });
    return { stepId: step.id, status, exitCode: result.exitCode, failure: result.failure, gates: result.gates, transcript, blocked: false };
  }

  /**
   * The transcript could not be written (a full disk): the command was stopped at once. What was
   * stored is sealed as incomplete if the disk allows; the step stays open in the chain, and the
   * next writer records it as interrupted (it may have run: it runs again only after a signed
   * retry). The error says so.
   */
  private transcriptFailed(stepId: string, writer: ArtifactWriter, error: unknown): never {
    try {
      writer.abandon();
    } catch {
      // Still no room: the next open of the vault seals it from what is stored.
    }
    const cause = vaultErrorFrom(this.vault.path, error);
    if (cause instanceof VaultDiskFullError) {
      throw new VaultDiskFullError(this.vault.path, { cause: error, during: `step ${stepId} ran: its command was stopped at once, and its transcript is kept up to the last byte that fit. Once there is space, \`cutover run recover\` records the step as interrupted; it runs again only after a signed retry decision` });
    }
    throw cause;
  }

  private finishStep(state: RunState, step: Step, writer: ArtifactWriter, result: ExecutionResult): StepOutcome {
    const info = writer.finish();
    const transcript = transcriptOf(info);
    // Captures and `that:` comparisons are judged once the step has otherwise passed; a capture that finds nothing fails it.
    const judged = !result.failure && !result.gates.some(blocksStep);
    const captured = judged ? takeCaptures((step as { capture?: Parameters<typeof takeCaptures>[0] }).capture, captureInputOf(result)) : { values: {}, gates: [] };
    if (judged) result.gates.push(...captured.gates, ...judgeComparisons(this.fold(state.runId), step, captured.values));
    // A failed `level: warn` gate is recorded with the step and never fails it.
    const failedGates = result.gates.filter(blocksStep);
    const status = !result.failure && failedGates.length === 0 ? 'PASS' : 'FAIL';
    // Each captured value is its own event, in the same transaction as the step's result.
    inWriteTransaction(this.vault, () => {
      this.vault.append({ actor: 'system', type: 'step.finished', payload: { runId: state.runId, stepId: step.id, status, exitCode: result.exitCode, signal: result.signal, failure: result.failure, gates: result.gates, transcript, durationMs: result.durationMs, ...(result.summary ? { summary: result.summary } : {}) } });
      if (status === 'PASS') for (const [name, v] of Object.entries(captured.values)) this.vault.append({ actor: 'system', type: 'value.captured', payload: { runId: state.runId, stepId: step.id, name, value: v.value, source: v.source } });
    });
    let blocked = false;
    if (status === 'FAIL' && this.fold(state.runId).status !== 'ROLLBACK') {
      const aborts = failedGates.filter((g) => g.kind === 'abort');
      const reason = aborts.length ? `abort gate ${aborts.map((g) => g.gate).join(', ')} matched` : result.failure ? `${result.failure.kind}: ${result.failure.message}` : `expectation failed: ${failedGates.map((g) => g.gate).join(', ')}`;
      this.vault.append({ actor: 'system', type: 'run.blocked', payload: { runId: state.runId, stepId: step.id, reason, gates: failedGates } });
      blocked = true;
    }
    // A production run bound to its rehearsal: this step against the rehearsal's (a blocking deviation blocks like an abort gate).
    if (compareWithRehearsal(this.vault, this.fold(state.runId), step, status === 'PASS')) blocked = true;
    if (status === 'PASS' && !blocked) this.settle(state.runId);
    return { stepId: step.id, status, exitCode: result.exitCode, failure: result.failure, gates: result.gates, transcript, blocked };
  }

  /** A person confirms an attest step's statement; the attestation is kept as its evidence file. */
  async attest(runId: string, stepId: string): Promise<StepState> {
    const step = this.stepOfKind(runId, stepId, 'attest');
    const na = this.notApplicableInstead(runId, stepId);
    if (na) return na;
    return this.stepAct(await this.signed({ kind: 'step.attest', runId, stepId, what: { statement: step.statement } }));
  }

  /** Records values (snapshot ID, release SHA, PITR window) for a record step. */
  async record(runId: string, stepId: string, values: Record<string, string>): Promise<StepState> {
    const step = this.stepOfKind(runId, stepId, 'record');
    const na = this.notApplicableInstead(runId, stepId);
    if (na) return na;
    checkRecordValues(step, values, trOf(this.status(runId)));
    return this.stepAct(await this.signed({ kind: 'step.record', runId, stepId, what: { values } }));
  }

  /** Marks a manual step done, with an optional note. */
  async done(runId: string, stepId: string, note?: string): Promise<StepState> {
    this.stepOfKind(runId, stepId, 'manual');
    const na = this.notApplicableInstead(runId, stepId);
    if (na) return na;
    return this.stepAct(await this.signed({ kind: 'step.done', runId, stepId, what: { note: note ?? null } }));
  }

  /**
   * An operator skips a step on purpose, with the reason, which goes into the evidence and the
   * decision's findings. Never while the run is BLOCKED (that would step around the block), never
   * a step that ran or is running, and on the rollback path only rollback steps.
   */
  async skip(runId: string, stepId: string, reason: string): Promise<StepState> {
    const state = this.status(runId);
    const { phaseId } = this.findStep(state, stepId);
    if (!reason.trim()) throw new RunRefusedError(reasonRefusal(state, 'skip'));
    const refusal = skipRefusal(state, stepId, phaseId);
    if (refusal) throw new RunRefusedError(refusal);
    return this.stepAct(await this.signed({ kind: 'step.skip', runId, stepId, what: { reason: reason.trim() } }));
  }

  /** A person's decision: take the rollback path, stop, or retry the step that failed or was interrupted. */
  async decide(runId: string, decision: Decision, reason: string, stepId?: string): Promise<RunState> {
    const state = this.status(runId);
    if (!reason.trim()) throw new RunRefusedError(reasonRefusal(state, 'decide'));
    const target = decision === 'retry' ? (stepId ?? retryTarget(state)) : null;
    const refusal = decideRefusal(state, decision, target);
    if (refusal) throw new RunRefusedError(refusal);
    const signed = await this.signed({ kind: 'run.decide', runId, stepId: target, what: { decision, reason: reason.trim() } });
    return this.commit(signed, (act, now) => {
      this.applyDecision(act, now);
      return this.fold(runId);
    });
  }

  /** An approver whose key is usable here accepts the deviation the run is blocked on (step and diff sha256). */
  async acceptDeviation(runId: string, stepId: string, diffSha256: string, by: string): Promise<RunState> {
    return this.importAct(await this.signed({ kind: 'deviation.accept', runId, stepId, what: { diffSha256 } }, by));
  }

  /** Drafts an act for someone who signs it on their own machine (`ssh-keygen -Y sign -n cutover-act-v1`). */
  exportAct(runId: string, by: string, input: ActInput): { doc: ActDocument; bytes: Buffer } {
    const state = this.status(runId);
    const stepId = 'stepId' in input && input.stepId ? input.stepId : input.kind === 'run.decide' && input.decision === 'retry' ? retryTarget(state) : null;
    const step = stepId ? this.findStep(state, stepId) : undefined;
    const what: Record<string, unknown> =
      input.kind === 'step.attest' ? { statement: step?.step.kind === 'attest' ? step.step.statement : '' }
      : input.kind === 'step.record' ? { values: input.values }
      : input.kind === 'step.done' ? { note: input.note ?? null }
      : input.kind === 'step.skip' ? { reason: input.reason.trim() }
      : input.kind === 'deviation.accept' ? { diffSha256: input.diffSha256 }
      : { decision: input.decision, reason: input.reason.trim() };
    if (input.kind === 'step.record' && step?.step.kind === 'record') checkRecordValues(step.step, input.values, trOf(state));
    const doc = draftAct(this.vault, { kind: input.kind, runId, stepId, what }, by, trOf(state).lang);
    const who = registryOf(this.vault).get(by)!;
    const role = roleRefusal(input.kind, state, step?.step, who);
    if (role) throw new ActRefusedError(role);
    return { doc, bytes: actBytes(doc) };
  }

  /** Applies an act signed elsewhere: the same checks as an act signed here. */
  async importAct(signed: SignedAct): Promise<RunState> {
    const tr = translator(this.languageOfAct(signed.text));
    const doc = parseAct(signed.text, tr.lang);
    if (doc.act === 'run.start' || doc.act === 'step.execute') throw new ActRefusedError(tr.t('engine.import.signedHere', { act: doc.act }));
    if (doc.act === 'decision.record') throw new ActRefusedError(tr.t('engine.import.decisionRecord'));
    if (doc.act === 'deviation.accept') {
      this.commit(signed, (act, now) => applyDeviationAcceptance(this.vault, act, now));
      return this.settle(doc.run);
    }
    if (doc.act === 'run.decide') {
      return this.commit(signed, (act, now) => {
        this.applyDecision(act, now);
        return this.fold(doc.run);
      });
    }
    this.stepAct(signed);
    return this.status(doc.run);
  }

  private stepOfKind<K extends 'attest' | 'record' | 'manual'>(runId: string, stepId: string, kind: K): Extract<Step, { kind: K }> {
    const state = this.status(runId);
    const { step } = this.findStep(state, stepId);
    if (step.kind !== kind) throw new RunRefusedError(notKindRefusal(trOf(state), step, kind));
    return step as Extract<Step, { kind: K }>;
  }

  /** Applies a step act (attest, record, done, skip) after its checks; returns the step's new state. */
  private stepAct(signed: SignedAct): StepState {
    const doc = this.commit(signed, (act, state, step, phaseId) => {
      const runId = act.doc.run;
      const tr = trOf(state);
      if (!step || !phaseId) throw new ActRefusedError(tr.t('engine.act.namesStep', { act: act.doc.act }));
      const current = state.steps.get(step.id)!;
      // A step whose condition is false is N/A, not attested, recorded or done (an act signed elsewhere included).
      const verdict = act.doc.act === 'step.skip' ? null : this.conditionVerdict(state, step, phaseId);
      if (verdict && !verdict.applies) throw new RunRefusedError(tr.t('engine.step.notApplies', { step: step.id, why: describeChecks(verdict.checks, tr), instead: tr.t(act.doc.act === 'step.attest' ? 'engine.step.notApplies.attest' : act.doc.act === 'step.record' ? 'engine.step.notApplies.record' : 'engine.step.notApplies.done') }));
      const what = act.doc.what;
      const who = act.identity.name;
      if (state.status === 'STOPPED' || state.status === 'COMPLETED') throw new RunRefusedError(tr.t('refusal.runOver', { status: statusOf(tr, state.status) }));
      switch (act.doc.act) {
        case 'step.attest': {
          if (step.kind !== 'attest') throw new RunRefusedError(notKindRefusal(tr, step, 'attest'));
          if (current.status === 'PASS') throw new RunRefusedError(tr.t('engine.step.already.attest', { step: step.id }));
          if (what.statement !== step.statement) throw new RunRefusedError(tr.t('engine.attest.otherStatement', { signed: String(what.statement), statement: step.statement }));
          const writer = this.vault.createArtifact({ name: step.evidence ?? `${step.id}_attestation.log`, actor: who });
          writer.write(`Attestation\nRun: ${runId}\nStep: ${step.id} — ${step.title}\nStatement: ${step.statement}\nAttested by: ${who} (${act.identity.roles.join(', ')}), key ${act.identity.fingerprint}\nSigned act sha256: ${act.digest}\nAt: ${new Date().toISOString()}\n`);
          appendAct(this.vault, act, 'step.attested', { runId, stepId: step.id, statement: step.statement, role: step.by, fingerprint: act.identity.fingerprint, transcript: transcriptOf(writer.finish()) });
          break;
        }
        case 'step.record': {
          if (step.kind !== 'record') throw new RunRefusedError(notKindRefusal(tr, step, 'record'));
          if (current.status === 'PASS') throw new RunRefusedError(tr.t('engine.step.already.record', { step: step.id }));
          const values = what.values as Record<string, string>;
          checkRecordValues(step, values, tr);
          const unlike = rehearsalValueRefusal(this.vault, state, step, values);
          if (unlike) throw new RunRefusedError(unlike);
          const writer = this.vault.createArtifact({ name: step.evidence ?? `${step.id}_record.json`, mediaType: 'application/json', actor: who });
          writer.write(`${JSON.stringify({ runId, stepId: step.id, title: step.title, values, recordedBy: who, actSha256: act.digest, at: new Date().toISOString() }, null, 2)}\n`);
          appendAct(this.vault, act, 'step.recorded', { runId, stepId: step.id, values, transcript: transcriptOf(writer.finish()) });
          break;
        }
        case 'step.done':
          if (step.kind !== 'manual') throw new RunRefusedError(tr.t('engine.step.onlyManualDone', { step: step.id, kind: tr.t(`stepKind.${step.kind}`) }));
          if (current.status === 'PASS') throw new RunRefusedError(tr.t('engine.step.already.done', { step: step.id }));
          appendAct(this.vault, act, 'step.done', { runId, stepId: step.id, note: typeof what.note === 'string' ? what.note : null });
          break;
        case 'step.skip': {
          const reason = typeof what.reason === 'string' ? what.reason.trim() : '';
          if (!reason) throw new RunRefusedError(reasonRefusal(state, 'skip'));
          const refusal = skipRefusal(state, step.id, phaseId);
          if (refusal) throw new RunRefusedError(refusal);
          appendAct(this.vault, act, 'step.skipped', { runId, stepId: step.id, reason, previous: current.status });
          break;
        }
        default:
          throw new ActRefusedError(tr.t('engine.act.notStepAct', { act: act.doc.act }));
      }
      return act.doc;
    });
    return this.settle(doc.run).steps.get(doc.step!)!;
  }

  private applyDecision(act: VerifiedAct, state: RunState): void {
    const decision = act.doc.what.decision as Decision;
    const reason = typeof act.doc.what.reason === 'string' ? act.doc.what.reason.trim() : '';
    if (!['rollback', 'stop', 'retry'].includes(decision)) throw new ActRefusedError(trOf(state).t('engine.decision.kinds'));
    if (!reason) throw new RunRefusedError(reasonRefusal(state, 'decide'));
    const refusal = decideRefusal(state, decision, act.doc.step);
    if (refusal) throw new RunRefusedError(refusal);
    appendAct(this.vault, act, 'run.decision', { runId: state.runId, decision, reason, blockedBy: state.blockedBy, ...(act.doc.step ? { stepId: act.doc.step } : {}) });
  }

  /**
   * Closes the run once every step outside the rollback path is PASS or skipped: `run.completed`
   * goes into the chain (with what was skipped), and nothing more runs in it.
   */
  private settle(runId: string): RunState {
    const state = this.fold(runId);
    if (state.status !== 'ACTIVE') return state;
    const main = allSteps(state).filter(({ phaseId }) => phaseId !== 'rollback').map(({ step }) => state.steps.get(step.id)!);
    if (!main.every((s) => s.status === 'PASS' || s.status === 'skipped' || s.status === 'N/A')) return state;
    const skipped = main.filter((s) => s.status === 'skipped').map((s) => s.stepId);
    const notApplicable = main.filter((s) => s.status === 'N/A').map((s) => s.stepId);
    this.vault.append({ actor: 'system', type: 'run.completed', payload: { runId, steps: main.length, passed: main.length - skipped.length - notApplicable.length, skipped, ...(notApplicable.length ? { notApplicable } : {}) } });
    return this.fold(runId);
  }

  // ---- the plan and its approvals -------------------------------------------------------------

  /** The plan approvers sign: the canonical JSON bytes and their SHA-256. */
  exportPlan(runId: string): { plan: PlanDocument; bytes: Buffer; digest: string } {
    const plan = buildPlan(this.status(runId));
    const bytes = planBytes(plan);
    return { plan, bytes, digest: planDigest(bytes) };
  }

  /** Signs this run's current plan with an approver's key and records the approval. */
  async approve(runId: string, _signerName: string, signer: Signer): Promise<ApprovalRecord> {
    const { bytes } = this.exportPlan(runId);
    const signature = await sshsigSign(signer, bytes, PLAN_NAMESPACE);
    return this.importApproval(runId, bytes, signature);
  }

  /**
   * Records an approval made anywhere (here, or on an air-gapped machine with
   * `ssh-keygen -Y sign -n cutover-plan-v1 -f KEY plan.json`). The signer is found by the key
   * inside the signature: a proven identity of this vault's chain with the approver role.
   */
  importApproval(runId: string, planText: Buffer, signature: string): ApprovalRecord {
    return inWriteTransaction(this.vault, () => {
      const state = this.fold(runId);
      const tr = translator(state.runbook.language ?? state.wordedIn);
      const verified = sshsigVerify(signature, planText, PLAN_NAMESPACE);
      if (!verified.ok) throw new RunRefusedError(tr.t('refusal.approval.badSignature', { reason: verified.reason, message: verified.message, ns: PLAN_NAMESPACE }));
      const plan = parsePlanBytes(planText, tr);
      if (typeof plan === 'string') throw new RunRefusedError(tr.t('refusal.plan.refused', { reason: plan }));
      if (plan.format !== PLAN_FORMAT) throw new RunRefusedError(tr.t('refusal.approval.oldFormat', { format: plan.format }));
      const registry = registryOf(this.vault);
      const candidates = registry.byFingerprint(verified.fingerprint).filter((i) => i.proven && !i.custodial);
      const identity = candidates[0];
      if (!identity) {
        const known = registry.byFingerprint(verified.fingerprint)[0];
        throw new RunRefusedError(known ? tr.t('refusal.approval.notProven', { name: known.name }) : tr.t('refusal.approval.unknownKey', { key: verified.fingerprint }));
      }
      const operator = registry.get(state.operator);
      if (identity.name === state.operator || operator?.fingerprint === identity.fingerprint) throw new RunRefusedError(tr.t('refusal.approval.operator', { name: identity.name }));
      const role = state.runbook.policy.approvals.role;
      if (!identity.roles.includes(role)) throw new RunRefusedError(tr.t('refusal.approval.role', { name: identity.name, role }));
      if (plan.runId !== runId) throw new RunRefusedError(tr.t('refusal.approval.otherRun', { planRun: plan.runId, run: runId }));
      const digest = planDigest(planText);
      if (state.approvals.some((a) => a.fingerprint === identity.fingerprint && a.planDigest === digest)) throw new RunRefusedError(tr.t('refusal.approval.already', { name: identity.name }));
      this.vault.append({ actor: identity.name, type: 'approval.added', payload: { runId, signer: identity.name, fingerprint: identity.fingerprint, planDigest: digest, plan: planText.toString('utf8'), signature } });
      return this.fold(runId).approvals.at(-1)!;
    });
  }
}

/** A record step's values: known fields, required ones present, patterns matched. */
function checkRecordValues(step: Extract<Step, { kind: 'record' }>, values: Record<string, string>, tr: Translator): void {
  if (typeof values !== 'object' || values === null) throw new RunRefusedError(tr.t('engine.record.values', { step: step.id }));
  const known = new Set(step.fields.map((f) => f.name));
  for (const name of Object.keys(values)) if (!known.has(name)) throw new RunRefusedError(tr.t('engine.record.noField', { step: step.id, name, known: [...known].join(', ') }));
  for (const field of step.fields) {
    const value = values[field.name];
    if (value !== undefined && typeof value !== 'string') throw new RunRefusedError(tr.t('engine.record.text', { label: field.label }));
    if ((value === undefined || value === '') && field.required) throw new RunRefusedError(tr.t('engine.record.required', { step: step.id, label: field.label, name: field.name }));
    if (value !== undefined && field.pattern && !compilePattern(field.pattern, field.flags).test(value)) throw new RunRefusedError(tr.t('engine.record.pattern', { label: field.label, value, pattern: field.pattern }));
  }
}

/** Refusals about a run are worded in its runbook's language, else the asker's (the window's), else English. */
function trOf(state: Pick<RunState, 'runbook' | 'wordedIn'>): Translator {
  return translator(state.runbook.language ?? state.wordedIn);
}

/** "Step x is a check step, not an attestation." in the run's language. */
function notKindRefusal(tr: Translator, step: Step, expected: 'attest' | 'record' | 'manual'): string {
  return tr.t('engine.step.kind', { step: step.id, kind: tr.t(`stepKind.${step.kind}`), expected: tr.t(`engine.step.expected.${expected}`) });
}

/** A run's targets with its parameters filled; a reference with no value is refused in the run's language. */
function startTargets(...args: Parameters<typeof resolveTargets>): ReturnType<typeof resolveTargets> {
  try {
    return resolveTargets(...args);
  } catch (error) {
    if (error instanceof ValueUnavailableError) throw new ValueUnavailableError(valueWords(translator(args[3]).lang, error.message));
    throw error;
  }
}
