// Reading a run as the chain says: its state (a step whose runner died shows `runnerGone`), a
// step of its runbook, and the step that comes next. Reading changes nothing.
import { hostname } from 'node:os';
import type { Step } from '../runbook/schema';
import { translator } from '../../shared/i18n';
import { processAlive } from '../vault';
import type { EngineContext } from './context';
import { allSteps } from './plan';
import { trOf } from './run-language';
import { RunRefusedError } from './execute';
import { runStateIn } from './state';
import type { RunState, StepState } from './types';

/** The run's folded state, in the asker's language where its runbook names none; refused when there is no such run. */
export function fold(ctx: EngineContext, runId: string): RunState {
  const state = runStateIn(ctx.vault, runId);
  if (!state) throw new RunRefusedError(translator(ctx.options.language).t('engine.noRun', { run: runId }));
  // A copy: the folded state is cached and shared, the asker's language is not the chain's.
  return ctx.options.language && !state.runbook.language ? { ...state, wordedIn: ctx.options.language } : state;
}

/** The run's state as the chain says. Reading changes nothing: a step whose runner died shows `runnerGone`. */
export function status(ctx: EngineContext, runId: string): RunState {
  const state = fold(ctx, runId);
  for (const step of state.steps.values()) if (runnerGone(step)) step.runnerGone = true;
  return state;
}

/** A running step whose process, on this host, is gone. */
export function runnerGone(step: StepState): boolean {
  return step.status === 'running' && !!step.runner && step.runner.host === hostname() && step.runner.pid !== process.pid && !processAlive(step.runner.pid);
}

export function findStep(state: RunState, stepId: string): { step: Step; phaseId: string } {
  const found = allSteps(state).find(({ step }) => step.id === stepId);
  if (!found) throw new RunRefusedError(trOf(state).t('refusal.noStep', { step: stepId }));
  return found;
}

/** The next step that is neither done nor skipped, in runbook order. */
export function next(ctx: EngineContext, runId: string): { step: Step; phaseId: string } | null {
  const state = status(ctx, runId);
  const inRollback = state.status === 'ROLLBACK';
  return allSteps(state).find(({ step, phaseId }) => (inRollback ? phaseId === 'rollback' : phaseId !== 'rollback') && ['pending', 'FAIL', 'INTERRUPTED'].includes(state.steps.get(step.id)!.status)) ?? null;
}
