// Runs as the window drives them: the engine bound to the open vault, steps executed in the
// background (a long `alembic upgrade` never blocks a call), each cancellable by its own
// AbortController, with its output pushed to the window as the vault stores it.
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { ACT_NAMESPACE, actDigest, ActRefusedError, parseAct } from '../core/acts';
import { PLAN_NAMESPACE, RunEngine, type ActInput, type ExecutorFactory, type PlanDocument, type PlanEntry, type RunState } from '../core/engine';
import { registryOf } from '../core/identity';
import { createExecutor, type Executor } from '../core/targets';
import { allSteps, loadRunbook } from '../core/runbook';
import { bindRehearsalPack } from '../core/rehearsal/record';
import type { Vault } from '../core/vault';
import type { Lang } from '../shared/i18n';
import type { ActExportView, ApprovalView, PlanChangeView, PlanView, RunSummary, RunView } from '../shared/views';
import type { HostKeyBroker } from './host-keys';
import type { SessionKeys } from './keys';
import { OutputStream, type PushHub } from './push';
import { runSummary, runView, targetAddressOf } from './views';
import { english, worded } from './worded';

export class StepRunningError extends Error {
  readonly code = 'STEP_RUNNING';
  constructor(message: string) {
    super(message);
    this.name = 'StepRunningError';
  }
}

interface RunningStep {
  runId: string;
  stepId: string;
  controller: AbortController;
  /** Set once the step outlived the call that started it (its end is then announced by a push). */
  detached: boolean;
}

export interface RunServiceOptions {
  hub: PushHub;
  /** The session's usable keys: every act is signed with its person's key from here. */
  keys: SessionKeys;
  hostKeys: HostKeyBroker;
  agentSocket?: string;
  sshConfigPath?: string;
  /** Called when the first step starts and after the last one ends (the idle lock waits for them). */
  onBusyChange?: (busy: boolean) => void;
  /** The window's language: refusals are worded in it where the run's runbook names none. */
  language?: () => Lang;
  log: (message: string) => void;
}

/** An executor whose output is also handed to `tap`, after the engine has stored it. */
function tapped(inner: Executor, tap: (chunk: Buffer) => void): Executor {
  return {
    get target() {
      return inner.target;
    },
    get hostKey() {
      return inner.hostKey;
    },
    connect: () => inner.connect(),
    exec: (request) =>
      inner.exec({
        ...request,
        onOutput: (chunk, stream) => {
          request.onOutput(chunk, stream);
          tap(chunk);
        },
      }),
    close: () => inner.close(),
  };
}

const PLAN_FIELDS = ['command', 'target', 'env', 'secretEnv', 'cwd', 'title', 'phaseId'] as const;

function planChanges(before: PlanEntry[], after: PlanEntry[]): PlanChangeView[] {
  const old = new Map(before.map((e) => [e.stepId, e]));
  const now = new Map(after.map((e) => [e.stepId, e]));
  const changes: PlanChangeView[] = [];
  for (const entry of after) {
    const previous = old.get(entry.stepId);
    if (!previous) changes.push({ stepId: entry.stepId, change: 'added', fields: [] });
    else {
      const fields = PLAN_FIELDS.filter((k) => !isDeepStrictEqual(previous[k], entry[k]));
      if (fields.length > 0) changes.push({ stepId: entry.stepId, change: 'changed', fields: [...fields] });
    }
  }
  for (const entry of before) if (!now.has(entry.stepId)) changes.push({ stepId: entry.stepId, change: 'removed', fields: [] });
  return changes;
}

export class RunService {
  private readonly running = new Map<string, RunningStep>();

  constructor(private readonly options: RunServiceOptions) {}

  /** Steps running now, across runs. */
  get busy(): boolean {
    return this.running.size > 0;
  }

  private engine(vault: Vault, actor: string, step?: { runId: string; stepId: string; stream: OutputStream; monitor: boolean }): RunEngine {
    const executors: ExecutorFactory = (name, target, context) => {
      const inner = createExecutor(name, target, context);
      return step ? tapped(inner, (chunk) => step.stream.push(chunk)) : inner;
    };
    const { hub } = this.options;
    return new RunEngine(vault, {
      actor,
      language: this.options.language?.(),
      keyring: this.options.keys.keyringFor(vault),
      executors,
      // Monitor samples pass through no executor: the engine's own throttled progress carries
      // them, with the byte count that places them in the transcript.
      onProgress: step?.monitor
        ? (update) => {
            const data = Buffer.from(update.text, 'utf8');
            hub.publish({ type: 'output', runId: update.runId, stepId: update.stepId, offset: Math.max(0, update.bytes - data.length), data: data.toString('base64') });
          }
        : undefined,
      agentSocket: this.options.agentSocket,
      sshConfigPath: this.options.sshConfigPath,
      confirmHostKey: (target, fingerprint) => {
        if (!step) return false;
        const state = this.engine(vault, 'system').status(step.runId);
        const t = state.targets[target];
        return this.options.hostKeys.request({ target, address: t ? targetAddressOf(t) : target, fingerprint, context: { kind: 'run', runId: step.runId, stepId: step.stepId } });
      },
    });
  }

  private runningIn(runId: string): string[] {
    return [...this.running.values()].filter((r) => r.runId === runId).map((r) => r.stepId);
  }

  view(vault: Vault, state: RunState, actor: string | undefined): RunView {
    const next = this.engine(vault, 'system').next(state.runId);
    // Only someone who can sign here acts here: a name whose key is not usable is no actor.
    const who = actor && this.options.keys.usable(vault, actor) ? (registryOf(vault).get(actor) ?? null) : null;
    return runView(vault, state, { next: next?.step.id ?? null, running: this.runningIn(state.runId), actor: who });
  }

  /** The engine acting as `actor`, refused before anything is drafted when their key is not usable here. */
  private signing(vault: Vault, actor: string): RunEngine {
    this.options.keys.signerOf(vault, actor);
    return this.engine(vault, actor);
  }

  status(vault: Vault, runId: string, actor?: string): RunView {
    return this.view(vault, this.engine(vault, 'system').status(runId), actor);
  }

  list(vault: Vault): RunSummary[] {
    const engine = this.engine(vault, 'system');
    return engine
      .runs()
      .map((id) => runSummary(engine.status(id)))
      .reverse();
  }

  async start(vault: Vault, input: { text: string; source: string; environment: 'rehearsal' | 'production'; targets: Record<string, string>; t0?: string; rehearsalPack?: string; actor: string }): Promise<RunView> {
    // A production run bound to its rehearsal: the pack is checked by the core before anything is signed.
    const lang = this.options.language?.();
    const loaded = loadRunbook(input.text, input.source, lang);
    const bound = input.rehearsalPack === undefined ? undefined : await bindRehearsalPack(input.rehearsalPack, { runbookHash: loaded.hash }, { lang: loaded.runbook.language ?? lang });
    const state = await this.signing(vault, input.actor).startRun({ text: input.text, source: input.source, environment: input.environment, targets: input.targets, ...(input.t0 !== undefined ? { t0: input.t0 } : {}), ...(bound ? { rehearsal: bound.binding, rehearsalRecord: bound.record } : {}) });
    return this.view(vault, state, input.actor);
  }

  async decide(vault: Vault, input: { runId: string; decision: 'rollback' | 'stop' | 'retry'; reason: string; stepId?: string; actor: string }): Promise<RunView> {
    return this.view(vault, await this.signing(vault, input.actor).decide(input.runId, input.decision, input.reason, input.stepId), input.actor);
  }

  async attest(vault: Vault, input: { runId: string; stepId: string; actor: string }): Promise<RunView> {
    await this.signing(vault, input.actor).attest(input.runId, input.stepId);
    return this.status(vault, input.runId, input.actor);
  }

  async record(vault: Vault, input: { runId: string; stepId: string; actor: string; values: Record<string, string> }): Promise<RunView> {
    await this.signing(vault, input.actor).record(input.runId, input.stepId, nonEmpty(input.values));
    return this.status(vault, input.runId, input.actor);
  }

  async done(vault: Vault, input: { runId: string; stepId: string; actor: string; note?: string }): Promise<RunView> {
    await this.signing(vault, input.actor).done(input.runId, input.stepId, input.note);
    return this.status(vault, input.runId, input.actor);
  }

  async skip(vault: Vault, input: { runId: string; stepId: string; actor: string; reason: string }): Promise<RunView> {
    await this.signing(vault, input.actor).skip(input.runId, input.stepId, input.reason);
    return this.status(vault, input.runId, input.actor);
  }

  /** Writes the act `by` signs on their own machine; the engine checks their role before drafting it. */
  exportAct(vault: Vault, input: { runId: string; by: string; act: ActInput; path: string }): ActExportView {
    const act: ActInput = input.act.kind === 'step.record' ? { ...input.act, values: nonEmpty(input.act.values) } : input.act;
    const { doc, bytes } = this.engine(vault, 'system').exportAct(input.runId, input.by, act);
    writeFileSync(input.path, bytes, { mode: 0o644 });
    return actExportView(input.path, bytes, doc.by);
  }

  /** Applies an act signed elsewhere, with every check an act signed here gets. */
  async importAct(vault: Vault, input: { runId: string; actPath: string; signaturePath: string; actor?: string }): Promise<RunView> {
    const text = readFileSync(input.actPath, 'utf8');
    const signature = readFileSync(input.signaturePath, 'utf8');
    const run = parseAct(text).run;
    if (run !== input.runId) throw worded(new ActRefusedError(english('main.run.actOtherRun', { run, runId: input.runId })), 'main.run.actOtherRun', { run, runId: input.runId });
    const state = await this.engine(vault, 'system').importAct({ text, signature });
    return this.view(vault, state, input.actor);
  }

  /**
   * Starts a check, command or monitor step and returns as soon as it is running (or refused:
   * a refusal is this call's error). Its output and its end arrive as pushes.
   */
  async execute(vault: Vault, input: { runId: string; stepId: string; actor: string }): Promise<RunView> {
    const key = `${input.runId}/${input.stepId}`;
    if (this.running.has(key)) throw worded(new StepRunningError(english('main.run.stepRunning', { step: input.stepId })), 'main.run.stepRunning', { step: input.stepId });
    this.options.keys.signerOf(vault, input.actor);
    const { hub } = this.options;
    const stream = new OutputStream(hub, input.runId, input.stepId);
    const monitor = this.engine(vault, 'system').status(input.runId).steps.get(input.stepId)?.kind === 'monitor';
    const engine = this.engine(vault, input.actor, { runId: input.runId, stepId: input.stepId, stream, monitor });
    const entry: RunningStep = { runId: input.runId, stepId: input.stepId, controller: new AbortController(), detached: false };
    this.running.set(key, entry);
    if (this.running.size === 1) this.options.onBusyChange?.(true);

    const outcome = engine.executeStep(input.runId, input.stepId, entry.controller.signal);
    const settled = outcome.then(
      () => null,
      (error: unknown) => error,
    );
    void settled.then((error) => {
      stream.flush();
      this.running.delete(key);
      if (this.running.size === 0) this.options.onBusyChange?.(false);
      const data = error && entry.detached ? errorData(error) : undefined;
      if (data) this.options.log(`step ${key} ended with an error outside the step: ${data.message}`);
      hub.publish({ type: 'run', runId: input.runId, stepId: input.stepId, reason: 'step.finished', ...(data ? { error: data } : {}) });
    });
    // The engine refuses (not approved, BLOCKED, a key not usable …) while it signs and checks the
    // act; once the step is in the chain as started, it is running for real.
    const started = new Promise<{ done: false }>((resolve) => {
      const poll = (): void => {
        if (this.engine(vault, 'system').status(input.runId).steps.get(input.stepId)?.status === 'running') resolve({ done: false });
        else if (this.running.get(key) === entry) setTimeout(poll, 5);
      };
      setImmediate(poll);
    });
    const early = await Promise.race([settled.then((error) => ({ done: true as const, error })), started]);
    if (early.done && early.error) throw early.error;
    if (!early.done) {
      entry.detached = true;
      hub.publish({ type: 'run', runId: input.runId, stepId: input.stepId, reason: 'step.started' });
    }
    return this.status(vault, input.runId, input.actor);
  }

  cancel(runId: string, stepId: string): boolean {
    const entry = this.running.get(`${runId}/${stepId}`);
    if (!entry) return false;
    entry.controller.abort();
    return true;
  }

  /** Stops every running step (the app quits). */
  cancelAll(): void {
    for (const entry of this.running.values()) entry.controller.abort();
  }

  plan(vault: Vault, runId: string): PlanView {
    const engine = this.engine(vault, 'system');
    const state = engine.status(runId);
    const { plan, bytes, digest } = engine.exportPlan(runId);
    return {
      runId: plan.runId,
      runbook: plan.runbook,
      environment: plan.environment,
      operator: plan.operator,
      quorum: plan.quorum,
      steps: plan.steps,
      text: bytes.toString('utf8'),
      digest,
      namespace: PLAN_NAMESPACE,
      signedBy: state.approvals.filter((a) => a.planDigest === digest).map((a) => a.signer),
      previous: this.previousPlan(engine, state, digest, plan),
    };
  }

  /** The most recent approved plan that differs from this one: this run's first, else an earlier run of the same runbook. */
  private previousPlan(engine: RunEngine, state: RunState, digest: string, plan: PlanDocument): PlanView['previous'] {
    const candidates = [...state.approvals].reverse();
    if (!candidates.some((a) => a.planDigest !== digest)) {
      for (const id of engine.runs().reverse()) {
        if (id === state.runId) continue;
        const other = engine.status(id);
        if (other.runbook.id !== state.runbook.id || other.approvals.length === 0) continue;
        candidates.push(...[...other.approvals].reverse());
        break;
      }
    }
    const previous = candidates.find((a) => a.planDigest !== digest);
    if (!previous) return null;
    let old: PlanDocument;
    try {
      old = JSON.parse(previous.plan) as PlanDocument;
    } catch {
      return null;
    }
    const signers = candidates.filter((a) => a.planDigest === previous.planDigest).map((a) => a.signer);
    return { digest: previous.planDigest, signers: [...new Set(signers)], changes: planChanges(old.steps ?? [], plan.steps) };
  }

  savePlan(vault: Vault, runId: string, path: string): { path: string; bytes: number; digest: string } {
    const { bytes, digest } = this.engine(vault, 'system').exportPlan(runId);
    writeFileSync(path, bytes, { mode: 0o644 });
    return { path, bytes: bytes.length, digest };
  }

  async sign(vault: Vault, input: { runId: string; signer: string }): Promise<ApprovalView> {
    const signer = this.options.keys.signerOf(vault, input.signer);
    const record = await this.engine(vault, input.signer).approve(input.runId, input.signer, signer);
    return { seq: record.seq, signer: record.signer, fingerprint: record.fingerprint, planDigest: record.planDigest };
  }

  importApproval(vault: Vault, input: { runId: string; signature: string; planText?: string }): ApprovalView {
    const engine = this.engine(vault, 'system');
    const bytes = input.planText !== undefined ? Buffer.from(input.planText, 'utf8') : engine.exportPlan(input.runId).bytes;
    const record = engine.importApproval(input.runId, bytes, `${input.signature.trim()}\n`);
    return { seq: record.seq, signer: record.signer, fingerprint: record.fingerprint, planDigest: record.planDigest };
  }

  /** Every step id of a run in order (for callers that walk a run). */
  stepIds(vault: Vault, runId: string): string[] {
    return allSteps(this.engine(vault, 'system').status(runId).runbook).map(({ step }) => step.id);
  }
}

/** An optional field left empty is not recorded at all (the engine would check it against its pattern). */
function nonEmpty(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
}

export function actExportView(path: string, bytes: Buffer, by: { name: string; fingerprint: string }): ActExportView {
  return { path, bytes: bytes.length, digest: actDigest(bytes), by: by.name, fingerprint: by.fingerprint, namespace: ACT_NAMESPACE, command: `ssh-keygen -Y sign -n ${ACT_NAMESPACE} -f KEY ${path}` };
}

function errorData(error: unknown): { name: string; code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, code: typeof code === 'string' ? code : 'INTERNAL', message: error.message };
  }
  return { name: 'Error', code: 'INTERNAL', message: String(error) };
}
