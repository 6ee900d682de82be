// The one "Next: WHAT — WHO" line, derived only from what the window already holds: the run's
// view (engine state, next step, refusals) and, once the run is closed, the decision's view.
import type { DecisionView, Role, RunView } from '../../shared/contract';

export type NextWhat =
  | { kind: 'startRun' }
  | { kind: 'running'; step: string }
  | { kind: 'attest' | 'record' | 'run' | 'manual'; step: string }
  | { kind: 'approve'; valid: number; quorum: number }
  | { kind: 'decide' }
  | { kind: 'decision' }
  | { kind: 'pack' }
  | { kind: 'nothing' };

export type NextWho = Role | 'operatorOrApprover' | 'approvers' | 'operatorThenApprovers' | 'nobody';

export interface NextAction {
  what: NextWhat;
  who: NextWho;
}

/**
 * What has to happen next and who must do it. `decision` is the run's decision view, or null
 * while it is not loaded (only consulted once the run is closed).
 */
export function nextAction(run: RunView | null, decision: DecisionView | null): NextAction {
  if (!run) return { what: { kind: 'startRun' }, who: 'operator' };
  const running = run.running[0];
  if (running) return { what: { kind: 'running', step: running }, who: 'operator' };
  if (run.status === 'BLOCKED') return { what: { kind: 'decide' }, who: 'operatorOrApprover' };
  if (run.next) {
    const spec = [...run.runbook.phases.flatMap((p) => p.steps), ...(run.runbook.rollback?.steps ?? [])].find((s) => s.id === run.next);
    const state = run.steps.find((s) => s.stepId === run.next);
    if (spec && state) {
      // Read from the policy's verdict, not the refusal: refusals depend on who is signing in this window.
      const auth = state.authorization;
      if (auth && !auth.authorized) return { what: { kind: 'approve', valid: auth.valid, quorum: auth.quorum }, who: 'approvers' };
      switch (spec.kind) {
        case 'attest':
          return { what: { kind: 'attest', step: spec.id }, who: spec.by ?? 'operator' };
        case 'record':
          return { what: { kind: 'record', step: spec.id }, who: 'operator' };
        case 'manual':
          return { what: { kind: 'manual', step: spec.id }, who: 'operator' };
        default:
          return { what: { kind: 'run', step: spec.id }, who: 'operator' };
      }
    }
  }
  if (run.status === 'ACTIVE') return { what: { kind: 'nothing' }, who: 'nobody' };
  // Closed (COMPLETED, STOPPED) or a rollback path with nothing left: the formal decision, then the pack.
  if (decision && decision.authorization !== null) return { what: { kind: 'pack' }, who: 'operatorThenApprovers' };
  return { what: { kind: 'decision' }, who: 'approver' };
}
