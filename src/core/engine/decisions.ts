// A person's decision on a blocked or failing run: take the rollback path, stop, or retry the
// step that failed or was interrupted. Signed, with a reason, checked against the run's state.
import { appendAct } from '../acts/context';
import { ActRefusedError } from '../acts/document';
import { decideRefusal, reasonRefusal, retryTarget, type Decision } from '../acts/rules';
import type { VerifiedAct } from '../acts/verify';
import { commit, signed } from './commit';
import type { EngineContext } from './context';
import { RunRefusedError } from './execute';
import { trOf } from './run-language';
import { fold, status } from './run-reading';
import type { RunState } from './types';

/** A person's decision: take the rollback path, stop, or retry the step that failed or was interrupted. */
export async function decide(ctx: EngineContext, runId: string, decision: Decision, reason: string, stepId?: string): Promise<RunState> {
  const state = status(ctx, runId);
  if (!reason.trim()) throw new RunRefusedError(reasonRefusal(state, 'decide'));
  const target = decision === 'retry' ? (stepId ?? retryTarget(state)) : null;
  const refusal = decideRefusal(state, decision, target);
  if (refusal) throw new RunRefusedError(refusal);
  const decideAct = await signed(ctx, { kind: 'run.decide', runId, stepId: target, what: { decision, reason: reason.trim() } });
  return commit(ctx, decideAct, (act, now) => {
    applyDecision(ctx, act, now);
    return fold(ctx, runId);
  });
}

/** Appends a checked run.decision (inside the caller's commit). */
export function applyDecision(ctx: EngineContext, act: VerifiedAct, state: RunState): void {
  const decision = act.doc.what.decision as Decision;
  const reason = typeof act.doc.what.reason === 'string' ? act.doc.what.reason.trim() : '';
  if (!['rollback', 'stop', 'retry'].includes(decision)) throw new ActRefusedError(trOf(state).t('engine.decision.kinds'));
  if (!reason) throw new RunRefusedError(reasonRefusal(state, 'decide'));
  const refusal = decideRefusal(state, decision, act.doc.step);
  if (refusal) throw new RunRefusedError(refusal);
  appendAct(ctx.vault, act, 'run.decision', { runId: state.runId, decision, reason, blockedBy: state.blockedBy, ...(act.doc.step ? { stepId: act.doc.step } : {}) });
}
