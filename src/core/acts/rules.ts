// May this act happen? The one place that says who may do what in a run, and when: the engine
// checks it before it appends, the CLI and the window read it to say why something is refused.
// Pure functions of the run's state (folded from the chain) and the person's chain identity.
import type { Step } from '../runbook/schema';
import { allSteps } from '../runbook/validate';
import type { RunState } from '../engine/types';
import { isMutating } from '../engine/http-step';
import type { Role } from '../vault/types';
import type { ActKind } from './document';

export type Decision = 'rollback' | 'stop' | 'retry';

/** The roles that may decide (rollback, stop, retry, the formal decision): `policy.decide`. */
export function decidingRoles(state: Pick<RunState, 'runbook'>): Role[] {
  const decide = (state.runbook.policy as { decide?: Role | Role[] }).decide;
  if (!decide) return ['operator', 'approver'];
  return Array.isArray(decide) ? decide : [decide];
}

/** Who may do an act: one of these roles. */
export function rolesFor(kind: ActKind, state: Pick<RunState, 'runbook'>, step?: Step): Role[] {
  switch (kind) {
    case 'step.attest':
      return [step?.kind === 'attest' ? step.by : 'operator'];
    // `by:` names the role whose holder signs a record or manual step (default: the operator).
    case 'step.record':
    case 'step.done':
      return [step && (step.kind === 'record' || step.kind === 'manual') && step.by ? step.by : 'operator'];
    case 'run.decide':
    case 'decision.record':
      return decidingRoles(state);
    case 'deviation.accept':
      return [state.runbook.policy.approvals.role];
    default:
      return ['operator'];
  }
}

const ACT_WORDS: Record<ActKind, string> = {
  'run.start': 'start a run',
  'step.execute': 'execute a step',
  'step.attest': 'attest this step',
  'step.record': 'record values',
  'step.done': 'mark a step done',
  'step.skip': 'skip a step',
  'run.decide': 'decide on the run',
  'decision.record': 'record the decision',
  'deviation.accept': 'accept a deviation from the rehearsal',
};

export function roleRefusal(kind: ActKind, state: Pick<RunState, 'runbook'>, step: Step | undefined, who: { name: string; roles: Role[] }): string | null {
  const allowed = rolesFor(kind, state, step);
  if (allowed.some((r) => who.roles.includes(r))) return null;
  return `${who.name} is ${who.roles.join(', ')}; only ${allowed.join(' or ')} may ${ACT_WORDS[kind]}${step ? ` (${step.id})` : ''}.`;
}

/**
 * Why a step cannot be skipped in this state, or null. The run's state only: the engine also
 * checks who asks and why; the app's views use this to offer a skip only where it would be taken.
 */
export function skipRefusal(state: RunState, stepId: string, phaseId: string): string | null {
  const current = state.steps.get(stepId);
  if (!current) return `The runbook has no step "${stepId}".`;
  if (current.status === 'running') return `Step ${stepId} is running; cancel it first.`;
  if (current.status === 'PASS' || current.status === 'skipped') return `Step ${stepId} is already ${current.status}.`;
  if (current.status === 'N/A') return `Step ${stepId} is N/A (its condition was false): there is nothing to skip.`;
  if (state.status === 'STOPPED' || state.status === 'COMPLETED') return `The run is ${state.status}; nothing more changes in it.`;
  if (state.status === 'BLOCKED') return `The run is BLOCKED at ${state.blockedBy?.stepId}; a person records a decision (retry, rollback or stop) before any step is skipped.`;
  if (state.status === 'ROLLBACK' && phaseId !== 'rollback') return 'The run is on its rollback path: only rollback steps can be skipped now.';
  if (phaseId === 'rollback' && state.status !== 'ROLLBACK') return 'Rollback steps are skipped only on the rollback path.';
  return forbiddenSkip(state, stepId, phaseId);
}

/** `skippable: false` on the step or its phase: the runbook itself forbids skipping it. */
function forbiddenSkip(state: RunState, stepId: string, phaseId: string): string | null {
  const step = allSteps(state.runbook).find((s) => s.step.id === stepId)?.step;
  if (step?.skippable === false) return `Step ${stepId} cannot be skipped: the runbook forbids skipping it (skippable: false). Run it, or record a decision (rollback or stop).`;
  const phase = state.runbook.phases.find((p) => p.id === phaseId);
  if (phase?.skippable === false) return `Step ${stepId} cannot be skipped: the runbook forbids skipping any step of phase ${phaseId} (skippable: false). Run it, or record a decision (rollback or stop).`;
  return null;
}

const settled = (status: string) => status === 'PASS' || status === 'skipped' || status === 'N/A';

/** The earlier steps a mutating step waits for: every precondition and earlier step of its path. */
export function orderRefusal(state: RunState, stepId: string, phaseId: string): string | null {
  const walk = allSteps(state.runbook).filter((s) => (phaseId === 'rollback' ? s.phaseId === 'rollback' : s.phaseId !== 'rollback'));
  const waiting: string[] = [];
  for (const { step } of walk) {
    if (step.id === stepId) break;
    if (!settled(state.steps.get(step.id)!.status)) waiting.push(step.id);
  }
  if (waiting.length === 0) return null;
  const list = waiting.length > 4 ? `${waiting.slice(0, 4).join(', ')} and ${waiting.length - 4} more` : waiting.join(', ');
  return `Step ${stepId} changes things, so it runs only when every precondition and earlier step is PASS or skipped with a reason; still open: ${list}.`;
}

/** Why a check, command or monitor may not run now (state, order, one at a time), or null. */
export function executeRefusal(state: RunState, step: Step, phaseId: string): string | null {
  const current = state.steps.get(step.id)!;
  const mutating = isMutating(step);
  if (current.status === 'running') return `Step ${step.id} is already running.`;
  if (current.status === 'PASS' && step.kind !== 'check' && !(step.kind === 'http' && !mutating)) return `Step ${step.id} already passed.`;
  if (current.status === 'skipped') return `Step ${step.id} was skipped.`;
  if (current.status === 'N/A') return `Step ${step.id} is N/A: its condition was false when the run reached it.`;
  if (state.status === 'STOPPED' || state.status === 'COMPLETED') return `The run is ${state.status}; nothing more runs in it.`;
  if (mutating && state.status === 'BLOCKED') return `The run is BLOCKED at ${state.blockedBy?.stepId} (${state.blockedBy?.reason}). No mutating step runs until a person records a decision: \`cutover run decide --decision retry|rollback|stop\`.`;
  if (mutating && state.status === 'ROLLBACK' && phaseId !== 'rollback') return 'The run is on its rollback path: only rollback steps run now.';
  if (phaseId === 'rollback' && state.status !== 'ROLLBACK') return 'Rollback steps run only after a rollback decision.';
  if (mutating && (current.status === 'FAIL' || current.status === 'INTERRUPTED')) return `Step ${step.id} ${current.status === 'FAIL' ? 'failed' : 'was interrupted and may have run'}; it runs again only after a signed retry decision (\`cutover run decide --decision retry --reason …\`).`;
  const running = [...state.steps.values()].find((s) => s.status === 'running');
  if (running && (mutating || running.kind === 'command' || (running.kind === 'http' && !running.readOnly))) return `Step ${running.stepId} is running in this run; a mutating step runs alone. Wait for it to finish.`;
  if (mutating) return orderRefusal(state, step.id, phaseId);
  return null;
}

/** Why this decision cannot be taken now, or null. `stepId` names the step a retry is for. */
export function decideRefusal(state: RunState, decision: Decision, stepId: string | null): string | null {
  if (state.status === 'STOPPED' || state.status === 'COMPLETED') return `The run is already ${state.status}.`;
  if (decision === 'rollback' && !state.runbook.rollback) return 'The runbook has no rollback section; decide "stop" instead.';
  if (decision === 'rollback' && state.status === 'ROLLBACK') return 'The run is already on its rollback path.';
  if (decision !== 'retry') return null;
  if (!stepId) return 'A retry names the step it is for.';
  const step = state.steps.get(stepId);
  if (!step) return `The runbook has no step "${stepId}".`;
  if (step.status !== 'FAIL' && step.status !== 'INTERRUPTED') return `Step ${stepId} is ${step.status}; only a failed or interrupted step is retried.`;
  if (state.status === 'BLOCKED' && state.blockedBy?.stepId !== stepId) return `The run is BLOCKED at ${state.blockedBy?.stepId}, not ${stepId}; a retry is for the step that blocked it.`;
  if (state.status === 'ROLLBACK' && step.phaseId !== 'rollback') return 'The run is on its rollback path: only rollback steps are retried.';
  return null;
}

/** The step a retry is for when none is named: the one that blocked the run. */
export function retryTarget(state: RunState): string | null {
  return state.blockedBy?.stepId ?? null;
}
