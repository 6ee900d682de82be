// May this act happen? The one place that says who may do what in a run, and when: the engine
// checks it before it appends, the CLI and the window read it to say why something is refused.
// Pure functions of the run's state (folded from the chain) and the person's chain identity.
import type { Step } from '../runbook/schema';
import { allSteps } from '../runbook/validate';
import type { RunState } from '../engine/types';
import { isMutating } from '../engine/http-step';
import type { Role } from '../vault/types';
import type { ActKind } from './document';
import { translator, type Translator } from '../../shared/i18n';
import { blockReasonText } from '../reports/gate-words';

/** Refusals are worded in the run's language: its runbook's `language:`, else the one the asker reads (the window's), else English. */
const trOf = (state: Pick<RunState, 'runbook' | 'wordedIn'>): Translator => translator(state.runbook.language ?? state.wordedIn);
/** A run's status in a refusal: the code in English, the word in other languages. */
export const statusOf = (tr: Translator, status: RunState['status']): string => (tr.lang === 'en' ? status : tr.t(`runStatus.${status}`));

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

export function roleRefusal(kind: ActKind, state: Pick<RunState, 'runbook' | 'wordedIn'>, step: Step | undefined, who: { name: string; roles: Role[] }): string | null {
  const allowed = rolesFor(kind, state, step);
  if (allowed.some((r) => who.roles.includes(r))) return null;
  const tr = trOf(state);
  return tr.t('refusal.role', { name: who.name, roles: who.roles.join(', '), allowed: allowed.join(tr.t('refusal.or')), act: tr.t(`refusal.act.${kind}`), step: step ? ` (${step.id})` : '' });
}

/**
 * Why a step cannot be skipped in this state, or null. The run's state only: the engine also
 * checks who asks and why; the app's views use this to offer a skip only where it would be taken.
 */
export function skipRefusal(state: RunState, stepId: string, phaseId: string): string | null {
  const tr = trOf(state);
  const current = state.steps.get(stepId);
  if (!current) return tr.t('refusal.noStep', { step: stepId });
  if (current.status === 'running') return tr.t('refusal.skip.running', { step: stepId });
  if (current.status === 'PASS' || current.status === 'skipped') return tr.t('refusal.skip.already', { step: stepId, status: current.status });
  if (current.status === 'N/A') return tr.t('refusal.skip.notApplicable', { step: stepId });
  if (state.status === 'STOPPED' || state.status === 'COMPLETED') return tr.t('refusal.runOver', { status: statusOf(tr, state.status) });
  if (state.status === 'BLOCKED') return tr.t('refusal.skip.blocked', { step: String(state.blockedBy?.stepId) });
  if (state.status === 'ROLLBACK' && phaseId !== 'rollback') return tr.t('refusal.skip.rollbackPath');
  if (phaseId === 'rollback' && state.status !== 'ROLLBACK') return tr.t('refusal.skip.rollbackOnly');
  return forbiddenSkip(tr, state, stepId, phaseId);
}

/** `skippable: false` on the step or its phase: the runbook itself forbids skipping it. */
function forbiddenSkip(tr: Translator, state: RunState, stepId: string, phaseId: string): string | null {
  const step = allSteps(state.runbook).find((s) => s.step.id === stepId)?.step;
  if (step?.skippable === false) return tr.t('refusal.skip.forbidden', { step: stepId });
  const phase = state.runbook.phases.find((p) => p.id === phaseId);
  if (phase?.skippable === false) return tr.t('refusal.skip.forbiddenPhase', { step: stepId, phase: phaseId });
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
  const tr = trOf(state);
  const list = waiting.length > 4 ? tr.t('refusal.order.more', { list: waiting.slice(0, 4).join(', '), n: waiting.length - 4 }) : waiting.join(', ');
  return tr.t('refusal.order', { step: stepId, list });
}

/** Why a check, command or monitor may not run now (state, order, one at a time), or null. */
export function executeRefusal(state: RunState, step: Step, phaseId: string): string | null {
  const tr = trOf(state);
  const current = state.steps.get(step.id)!;
  const mutating = isMutating(step);
  if (current.status === 'running') return tr.t('refusal.execute.running', { step: step.id });
  if (current.status === 'PASS' && step.kind !== 'check' && !(step.kind === 'http' && !mutating)) return tr.t('refusal.execute.passed', { step: step.id });
  if (current.status === 'skipped') return tr.t('refusal.execute.skipped', { step: step.id });
  if (current.status === 'N/A') return tr.t('refusal.execute.notApplicable', { step: step.id });
  if (state.status === 'STOPPED' || state.status === 'COMPLETED') return tr.t('refusal.execute.runOver', { status: statusOf(tr, state.status) });
  if (mutating && state.status === 'BLOCKED') return tr.t('refusal.execute.blocked', { step: String(state.blockedBy?.stepId), reason: state.blockedBy ? blockReasonText(tr.lang, state.blockedBy.reason, state.steps.get(state.blockedBy.stepId)?.gates ?? []) : 'undefined' });
  if (mutating && state.status === 'ROLLBACK' && phaseId !== 'rollback') return tr.t('refusal.execute.rollbackPath');
  if (phaseId === 'rollback' && state.status !== 'ROLLBACK') return tr.t('refusal.execute.rollbackOnly');
  if (mutating && (current.status === 'FAIL' || current.status === 'INTERRUPTED')) return tr.t(current.status === 'FAIL' ? 'refusal.execute.failed' : 'refusal.execute.interrupted', { step: step.id });
  const running = [...state.steps.values()].find((s) => s.status === 'running');
  if (running && (mutating || running.kind === 'command' || (running.kind === 'http' && !running.readOnly))) return tr.t('refusal.execute.alone', { step: running.stepId });
  if (mutating) return orderRefusal(state, step.id, phaseId);
  return null;
}

/** Skips and decisions go into the evidence with their reason: one without is refused with this. */
export function reasonRefusal(state: Pick<RunState, 'runbook' | 'wordedIn'>, act: 'skip' | 'decide'): string {
  return trOf(state).t(act === 'skip' ? 'refusal.skip.reason' : 'refusal.decide.reason');
}

/** Why this decision cannot be taken now, or null. `stepId` names the step a retry is for. */
export function decideRefusal(state: RunState, decision: Decision, stepId: string | null): string | null {
  const tr = trOf(state);
  if (state.status === 'STOPPED' || state.status === 'COMPLETED') return tr.t('refusal.decide.over', { status: statusOf(tr, state.status) });
  if (decision === 'rollback' && !state.runbook.rollback) return tr.t('refusal.decide.noRollback');
  if (decision === 'rollback' && state.status === 'ROLLBACK') return tr.t('refusal.decide.alreadyRollback');
  if (decision !== 'retry') return null;
  if (!stepId) return tr.t('refusal.retry.noStep');
  const step = state.steps.get(stepId);
  if (!step) return tr.t('refusal.noStep', { step: stepId });
  if (step.status !== 'FAIL' && step.status !== 'INTERRUPTED') return tr.t('refusal.retry.notFailed', { step: stepId, status: step.status });
  if (state.status === 'BLOCKED' && state.blockedBy?.stepId !== stepId) return tr.t('refusal.retry.otherStep', { blocked: String(state.blockedBy?.stepId), step: stepId });
  if (state.status === 'ROLLBACK' && step.phaseId !== 'rollback') return tr.t('refusal.retry.rollbackPath');
  return null;
}

/** The step a retry is for when none is named: the one that blocked the run. */
export function retryTarget(state: RunState): string | null {
  return state.blockedBy?.stepId ?? null;
}
