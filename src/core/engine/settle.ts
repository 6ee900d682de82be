// Closing a run: once every step outside the rollback path is PASS, skipped or N/A,
// `run.completed` goes into the chain and nothing more runs in it.
import type { EngineContext } from './context';
import { allSteps } from './plan';
import { fold } from './run-reading';
import type { RunState } from './types';

/**
 * Closes the run once every step outside the rollback path is PASS or skipped: `run.completed`
 * goes into the chain (with what was skipped), and nothing more runs in it.
 */
export function settle(ctx: EngineContext, runId: string): RunState {
  const state = fold(ctx, runId);
  if (state.status !== 'ACTIVE') return state;
  const main = allSteps(state).filter(({ phaseId }) => phaseId !== 'rollback').map(({ step }) => state.steps.get(step.id)!);
  if (!main.every((s) => s.status === 'PASS' || s.status === 'skipped' || s.status === 'N/A')) return state;
  const skipped = main.filter((s) => s.status === 'skipped').map((s) => s.stepId);
  const notApplicable = main.filter((s) => s.status === 'N/A').map((s) => s.stepId);
  ctx.vault.append({ actor: 'system', type: 'run.completed', payload: { runId, steps: main.length, passed: main.length - skipped.length - notApplicable.length, skipped, ...(notApplicable.length ? { notApplicable } : {}) } });
  return fold(ctx, runId);
}
