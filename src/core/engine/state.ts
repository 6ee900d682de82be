// Folds a run's events from the chain into its state. Nothing about a run is stored anywhere
// else, so what the app shows is always what the evidence says.
import { loadRunbook } from '../runbook/load';
import { withStoredPatterns } from '../runbook/patterns';
import { VaultInputError, type Vault, type VaultEvent } from '../vault';
import type { Runbook, Target } from '../runbook/schema';
import type { GateResult } from './gates';
import { allSteps } from './plan';
import type { ApprovalRecord, CapturedValue, ConditionCheck, Environment, RehearsalRef, RunDecision, RunState, StepState, StepStatus, TranscriptRef } from './types';

interface Payload {
  runId?: string;
  [key: string]: unknown;
}

export const RUN_EVENT_TYPES = ['run.started', 'run.blocked', 'run.decision', 'run.completed', 'decision.recorded', 'step.started', 'step.finished', 'step.interrupted', 'step.attested', 'step.recorded', 'step.done', 'step.skipped', 'approval.added', 'target.host_key_pinned', 'rehearsal.stored', 'deviation.accepted', 'value.captured', 'step.not_applicable'];

export function foldRun(runId: string, events: VaultEvent[], loadRunbook: (artifactId: string, hash: string) => Runbook, from: RunState | null = null): RunState | null {
  let state: RunState | null = from;
  for (const e of events) {
    const p = e.payload as Payload;
    if (p?.runId !== runId) continue;
    if (e.type === 'run.started') {
      const rb = p.runbook as { hash: string; artifactId: string };
      const runbook = loadRunbook(rb.artifactId, rb.hash);
      state = {
        runId,
        startedAt: e.at,
        t0: typeof p.t0 === 'string' ? p.t0 : null,
        rehearsal: p.rehearsal && typeof p.rehearsal === 'object' ? (p.rehearsal as RehearsalRef) : null,
        operator: p.operator as string,
        environment: p.environment as Environment,
        runbookHash: rb.hash,
        runbookArtifactId: rb.artifactId,
        runbook,
        targets: p.targets as Record<string, Target>,
        status: 'ACTIVE',
        blockedBy: null,
        decisions: [],
        steps: new Map(allSteps({ runbook }).map(({ step, phaseId }) => [step.id, { stepId: step.id, phaseId, kind: step.kind, status: 'pending' } as StepState])),
        approvals: [],
        hostKeys: {},
        params: p.params && typeof p.params === 'object' ? (p.params as RunState['params']) : {},
      };
      continue;
    }
    if (!state) continue;
    const step = typeof p.stepId === 'string' ? state.steps.get(p.stepId) : undefined;
    switch (e.type) {
      case 'step.started':
        // A scheduled occurrence (repeat:) is its own record; the step's status stays its first run's.
        if (step && typeof p.occurrence === 'number') step.occurrences = [...(step.occurrences ?? []), { n: p.occurrence, startedAt: e.at, status: 'running', transcript: p.transcript as TranscriptRef, runner: p.runner as { pid: number; host: string } }];
        else if (step) Object.assign(step, { attempts: (step.attempts ?? 0) + 1, status: 'running', actor: e.actor, startedAt: e.at, target: p.target, command: p.command, readOnly: p.readOnly, runner: p.runner, transcript: p.transcript as TranscriptRef, finishedAt: undefined, gates: undefined, failure: undefined });
        break;
      case 'step.finished':
        if (step && typeof p.occurrence === 'number') step.occurrences = (step.occurrences ?? []).map((o) => (o.n === p.occurrence ? { ...o, status: p.status as StepStatus, finishedAt: e.at, gates: p.gates as GateResult[], failure: p.failure as StepState['failure'], transcript: p.transcript as TranscriptRef } : o));
        else if (step) Object.assign(step, { status: p.status, finishedAt: e.at, exitCode: p.exitCode, signal: p.signal, failure: p.failure, gates: p.gates as GateResult[], transcript: p.transcript as TranscriptRef, ...(p.status === 'PASS' && !step.firstPassAt ? { firstPassAt: step.startedAt } : {}) });
        break;
      case 'step.interrupted':
        if (step && typeof p.occurrence === 'number') step.occurrences = (step.occurrences ?? []).map((o) => (o.n === p.occurrence ? { ...o, status: 'INTERRUPTED' as StepStatus, finishedAt: e.at, transcript: p.transcript as TranscriptRef, failure: { kind: 'interrupted', message: p.reason as string } } : o));
        else if (step) Object.assign(step, { status: 'INTERRUPTED', finishedAt: e.at, transcript: p.transcript as TranscriptRef, failure: { kind: 'interrupted', message: p.reason as string } });
        break;
      case 'step.attested':
      case 'step.done':
        if (step) Object.assign(step, { status: 'PASS', actor: e.actor, finishedAt: e.at, transcript: p.transcript as TranscriptRef | undefined });
        break;
      case 'step.recorded':
        if (step) Object.assign(step, { status: 'PASS', actor: e.actor, finishedAt: e.at, values: p.values as Record<string, string>, transcript: p.transcript as TranscriptRef | undefined });
        break;
      case 'step.skipped':
        if (step) Object.assign(step, { status: 'skipped', actor: e.actor, finishedAt: e.at, skipReason: p.reason as string | undefined });
        break;
      case 'step.not_applicable':
        if (step) Object.assign(step, { status: 'N/A', finishedAt: e.at, notApplicable: p.conditions as ConditionCheck[], transcript: p.transcript as TranscriptRef | undefined });
        break;
      case 'value.captured':
        if (step) step.captured = { ...step.captured, [p.name as string]: { value: p.value as CapturedValue['value'], source: p.source as CapturedValue['source'] } };
        break;
      case 'run.blocked':
        state.status = 'BLOCKED';
        state.blockedBy = { stepId: p.stepId as string, reason: p.reason as string };
        break;
      case 'run.decision': {
        const decision = p.decision as RunDecision;
        const retried = decision === 'retry' && typeof p.stepId === 'string' ? state.steps.get(p.stepId) : undefined;
        state.decisions.push({ decision, reason: p.reason as string, actor: e.actor, at: e.at, ...(retried ? { stepId: retried.stepId } : {}) });
        if (decision === 'retry') {
          if (retried) {
            const { status, startedAt, finishedAt, exitCode, failure, transcript, actor } = retried;
            Object.assign(retried, { previousAttempts: [...(retried.previousAttempts ?? []), { status, startedAt, finishedAt, exitCode, failure, transcript, actor }], status: 'pending', exitCode: undefined, failure: undefined, gates: undefined, transcript: undefined, finishedAt: undefined });
          }
          if (state.status === 'BLOCKED') {
            state.status = 'ACTIVE';
            state.blockedBy = null;
          }
        } else state.status = decision === 'rollback' ? 'ROLLBACK' : 'STOPPED';
        break;
      }
      case 'deviation.accepted':
        // A quorum of approvers accepted the deviation the run was blocked on (core/rehearsal/follow.ts).
        if (p.cleared === true && state.status === 'BLOCKED' && state.blockedBy?.stepId === p.stepId) {
          state.status = 'ACTIVE';
          state.blockedBy = null;
        }
        break;
      case 'target.host_key_pinned':
        state.hostKeys[p.target as string] = p.fingerprint as string;
        break;
      case 'run.completed':
        state.status = 'COMPLETED';
        state.completedAt = e.at;
        break;
      case 'approval.added':
        state.approvals.push({ seq: e.seq, signer: p.signer as string, fingerprint: p.fingerprint as string, planDigest: p.planDigest as string, plan: p.plan as string, signature: p.signature as string, decision: 'approve' } satisfies ApprovalRecord);
        break;
    }
  }
  return state;
}

/** A copy callers may keep while the cached original goes on folding (events replace nested values, never edit them). */
function copyState(state: RunState): RunState {
  return {
    ...state,
    decisions: [...state.decisions],
    steps: new Map([...state.steps].map(([id, step]) => [id, { ...step, ...(step.previousAttempts ? { previousAttempts: [...step.previousAttempts] } : {}) }])),
    approvals: [...state.approvals],
    hostKeys: { ...state.hostKeys },
  };
}

/** What foldRunCached reads: the chain's head and the events after a seq. */
export interface EventSource {
  head(): { seq: number };
  events(options: { afterSeq?: number }): VaultEvent[];
}

const folded = new WeakMap<EventSource, Map<string, { seq: number; state: RunState }>>();

/**
 * foldRun, remembered per vault and run: only the events appended since the last call are read
 * and folded. The chain is append-only, so this equals folding it all; another process (the
 * CLI) appending to the same vault file is seen through the head. Each call returns a copy.
 */
export function foldRunCached(source: EventSource, runId: string, loadRunbook: (artifactId: string, hash: string) => Runbook): RunState | null {
  let runs = folded.get(source);
  if (!runs) folded.set(source, (runs = new Map()));
  const cached = runs.get(runId);
  const head = source.head().seq;
  if (cached && cached.seq === head) return copyState(cached.state);
  const events = source.events({ afterSeq: cached?.seq ?? 0 });
  // Folded into a copy, so a fold that throws half-way leaves the cache as it was.
  const state = foldRun(runId, events, loadRunbook, cached ? copyState(cached.state) : null);
  if (!state) return null;
  runs.set(runId, { seq: events.at(-1)?.seq ?? cached?.seq ?? 0, state });
  return copyState(state);
}

const storedRunbooks = new WeakMap<object, Map<string, Runbook>>();

/** The runbook a run stored in the vault, checked against the hash its run.started names; parsed once per vault. */
export function storedRunbook(vault: Pick<Vault, 'readArtifact'>, artifactId: string, hash: string): Runbook {
  let parsed = storedRunbooks.get(vault);
  if (!parsed) storedRunbooks.set(vault, (parsed = new Map()));
  const cached = parsed.get(hash);
  if (cached) return cached;
  // A run started before patterns moved to RE2 keeps the runbook it was validated with.
  const loaded = withStoredPatterns(() => loadRunbook(Buffer.concat([...vault.readArtifact(artifactId)]), `runbook ${hash.slice(0, 12)} in the vault`));
  if (loaded.hash !== hash) throw new VaultInputError(`The stored runbook ${artifactId} does not match its hash ${hash}; run \`cutover vault verify\`.`);
  parsed.set(hash, loaded.runbook);
  return loaded.runbook;
}

/** A run's state from the vault's chain and stored runbook (incremental, read-only), or null. */
export function runStateIn(vault: EventSource & Pick<Vault, 'readArtifact'>, runId: string): RunState | null {
  return foldRunCached(vault, runId, (artifactId, hash) => storedRunbook(vault, artifactId, hash));
}

/** Every run id in the chain, oldest first. */
export function runIds(events: VaultEvent[]): string[] {
  return events.filter((e) => e.type === 'run.started').map((e) => (e.payload as Payload).runId as string);
}
