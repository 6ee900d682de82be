// Steps whose condition is false: recorded N/A (a system event with the evaluated conditions
// and an evidence file), never run, attested, recorded or done.
import { inWriteTransaction } from '../acts/context';
import type { Step } from '../runbook/schema';
import { transcriptOf, type EngineContext, type StepOutcome } from './context';
import { conditionsOf, describeChecks, evaluateConditions, notApplicableRefusal, reachedNotApplicable } from './conditions';
import { RunRefusedError } from './execute';
import { recover } from './recover';
import { trOf } from './run-language';
import { findStep, next, status } from './run-reading';
import { settle } from './settle';
import type { ConditionCheck, RunState, StepState, TranscriptRef } from './types';
import { valueWords } from './value-words';

/**
 * Moves the run past the steps it has reached whose condition is false: each is recorded N/A
 * (a system event with the evaluated conditions, like run.completed), then the next step.
 */
export function advance(ctx: EngineContext, runId: string): { step: Step; phaseId: string } | null {
  inWriteTransaction(ctx.vault, () => {
    const state = recover(ctx, runId);
    if (state.status !== 'ACTIVE' && state.status !== 'ROLLBACK') return;
    const reached = reachedNotApplicable(state);
    for (const { step, phaseId, checks } of reached) recordNotApplicable(ctx, state, step, phaseId, checks);
    if (reached.length) settle(ctx, runId);
  });
  return next(ctx, runId);
}

/** The step's conditions evaluated now (null when it has none); refused while a value they need is not there yet. */
export function conditionVerdict(state: RunState, step: Step, phaseId: string): { applies: boolean; checks: ConditionCheck[] } | null {
  if (conditionsOf(state, step, phaseId).length === 0) return null;
  try {
    return evaluateConditions(state, step, phaseId);
  } catch (error) {
    const tr = trOf(state);
    throw new RunRefusedError(tr.t('engine.condition.undecided', { step: step.id, reason: valueWords(tr.lang, (error as Error).message) }));
  }
}

/** Appends step.not_applicable with its evidence file (inside the caller's write transaction). */
function recordNotApplicable(ctx: EngineContext, state: RunState, step: Step, phaseId: string, checks: ConditionCheck[]): TranscriptRef {
  const writer = ctx.vault.createArtifact({ name: `${step.id}_not_applicable.json`, mediaType: 'application/json', actor: 'system' });
  writer.write(`${JSON.stringify({ runId: state.runId, stepId: step.id, phaseId, title: step.title, status: 'N/A', environment: state.environment, why: describeChecks(checks), conditions: checks, at: new Date().toISOString() }, null, 2)}\n`);
  const transcript = transcriptOf(writer.finish());
  ctx.vault.append({ actor: 'system', type: 'step.not_applicable', payload: { runId: state.runId, stepId: step.id, phaseId, conditions: checks, transcript } });
  return transcript;
}

/** Records a step N/A when a person asks to run or complete it and its condition is false. */
export function notApplicableOutcome(ctx: EngineContext, runId: string, step: Step, phaseId: string): StepOutcome {
  const transcript = inWriteTransaction(ctx.vault, () => {
    const now = recover(ctx, runId);
    const refusal = notApplicableRefusal(now, step.id, phaseId);
    if (refusal) throw new RunRefusedError(refusal);
    const again = conditionVerdict(now, step, phaseId);
    if (!again || again.applies) throw new RunRefusedError(trOf(now).t('engine.condition.changed', { step: step.id }));
    const ref = recordNotApplicable(ctx, now, step, phaseId, again.checks);
    settle(ctx, runId);
    return ref;
  });
  return { stepId: step.id, status: 'N/A', exitCode: null, failure: null, gates: [], transcript, blocked: false };
}

/** A manual, attest or record step whose condition is false: recorded N/A instead, its state returned; null when it applies. */
export function notApplicableInstead(ctx: EngineContext, runId: string, stepId: string): StepState | null {
  const state = status(ctx, runId);
  const { step, phaseId } = findStep(state, stepId);
  const verdict = conditionVerdict(state, step, phaseId);
  if (!verdict || verdict.applies) return null;
  notApplicableOutcome(ctx, runId, step, phaseId);
  return status(ctx, runId).steps.get(stepId)!;
}
