// Conditions and comparisons as a run meets them: a step's (and its phase's) `when:` and
// `environments:` decide whether it applies when the run reaches it, and a `that:` expectation
// is judged once the step ends, over its own captured values and everything earlier.
import { skipRefusal } from '../acts/rules';
import { translator, type Translator } from '../../shared/i18n';
import { compileExpression, ExpressionError } from '../runbook/expression';
import type { Expectation, Step } from '../runbook/schema';
import type { GateResult } from './gates';
import { allSteps } from './plan';
import { lookup, scopeOf, ValueUnavailableError, type ValueScope } from './values';
import type { CapturedValue, ConditionCheck, RunState } from './types';

interface Condition {
  on: 'phase' | 'step';
  id: string;
  when?: string;
  environments?: string[];
}

/** The conditions that decide whether a step applies: its phase's, then its own. */
export function conditionsOf(state: Pick<RunState, 'runbook'>, step: Step, phaseId: string): Condition[] {
  const out: Condition[] = [];
  const phase = state.runbook.phases.find((p) => p.id === phaseId);
  const add = (on: Condition['on'], id: string, owner: { when?: string; environments?: string[] }) => {
    if (owner.environments) out.push({ on, id, environments: owner.environments });
    if (owner.when) out.push({ on, id, when: owner.when });
  };
  if (phase) add('phase', phase.id, phase);
  add('step', step.id, step);
  return out;
}

/**
 * Whether the step applies, with every condition evaluated (evidence for N/A). Throws
 * ValueUnavailableError when a condition needs a value the run does not have yet.
 */
export function evaluateConditions(state: RunState, step: Step, phaseId: string): { applies: boolean; checks: ConditionCheck[] } {
  const scope = scopeOf(state);
  const checks: ConditionCheck[] = [];
  for (const c of conditionsOf(state, step, phaseId)) {
    if (c.environments) {
      checks.push({ on: c.on, id: c.id, environments: c.environments, values: { environment: state.environment }, result: c.environments.includes(state.environment) });
      continue;
    }
    const evaluation = compileExpression(c.when!).evaluate((ref) => lookup(scope, ref), state.environment);
    checks.push({ on: c.on, id: c.id, expr: c.when!, values: evaluation.values, result: evaluation.result });
  }
  return { applies: checks.every((c) => c.result), checks };
}

/** "step x: `expr` is false (${param:d} = "a")" for people, in `tr`'s language (the N/A evidence file's is English). */
export function describeChecks(checks: ConditionCheck[], tr: Translator = translator('en')): string {
  const env = (name: string) => (tr.lang !== 'en' && (name === 'rehearsal' || name === 'production') ? tr.t(`env.${name}`) : name);
  return checks.filter((c) => !c.result).map((c) => {
    const whose = tr.t(c.on === 'phase' ? 'engine.condition.onPhase' : 'engine.condition.onStep', { id: c.id });
    if (c.environments) return tr.t('engine.condition.environments', { whose, environments: c.environments.map(env).join(', '), environment: env(String(c.values.environment)) });
    const values = Object.entries(c.values).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ');
    return values ? tr.t('engine.condition.falseWith', { whose, expr: String(c.expr), values }) : tr.t('engine.condition.false', { whose, expr: String(c.expr) });
  }).join('; ');
}

/**
 * The steps the run has reached whose conditions are false, in order: from the first step of its
 * path that is still open, each step with a false condition, until one that applies (or needs a
 * value not there yet).
 */
export function reachedNotApplicable(state: RunState): Array<{ step: Step; phaseId: string; checks: ConditionCheck[] }> {
  const inRollback = state.status === 'ROLLBACK';
  const out: Array<{ step: Step; phaseId: string; checks: ConditionCheck[] }> = [];
  for (const { step, phaseId } of allSteps(state)) {
    if (inRollback ? phaseId !== 'rollback' : phaseId === 'rollback') continue;
    const status = state.steps.get(step.id)!.status;
    if (status !== 'pending') {
      if (status === 'PASS' || status === 'skipped' || status === 'N/A') continue;
      break;
    }
    if (conditionsOf(state, step, phaseId).length === 0) break;
    let verdict: { applies: boolean; checks: ConditionCheck[] };
    try {
      verdict = evaluateConditions(state, step, phaseId);
    } catch (error) {
      if (error instanceof ValueUnavailableError || error instanceof ExpressionError) break;
      throw error;
    }
    if (verdict.applies) break;
    out.push({ step, phaseId, checks: verdict.checks });
  }
  return out;
}

/** A step's `that:` comparisons, judged over its own captured values and everything earlier. */
export function judgeComparisons(state: RunState, step: Step, captured: Record<string, CapturedValue>): GateResult[] {
  const expectations = ((step as { expect?: Expectation[] }).expect ?? []).filter((e): e is Extract<Expectation, { that: string }> => 'that' in e);
  if (expectations.length === 0) return [];
  const scope: ValueScope = scopeOf(state, { stepId: step.id, values: captured });
  return expectations.map((e) => {
    const gate = e.label ?? e.that;
    const level = (e as { level?: string }).level;
    const extra = level === 'warn' ? { level: 'warn' as const } : {};
    try {
      const evaluation = compileExpression(e.that).evaluate((ref) => lookup(scope, ref), state.environment);
      const values = evaluation.values;
      const shown = Object.entries(values).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ');
      return { gate, kind: 'expect', passed: evaluation.result, detail: `${evaluation.result ? 'true' : 'false'}${shown ? ` with ${shown}` : ''}`, check: { type: 'that', expr: e.that, label: e.label ?? null, values, result: evaluation.result }, ...extra } as GateResult;
    } catch (error) {
      const message = (error as Error).message;
      return { gate, kind: 'expect', passed: false, detail: `not evaluated: ${message}`, check: { type: 'that', expr: e.that, label: e.label ?? null, values: {}, result: null, error: message }, ...extra } as GateResult;
    }
  });
}

/** Why a step cannot be recorded N/A now (it ran already, or the run's state forbids moving past it), or null. */
export function notApplicableRefusal(state: RunState, stepId: string, phaseId: string): string | null {
  const tr = translator(state.runbook.language ?? state.wordedIn);
  const current = state.steps.get(stepId);
  if (!current) return tr.t('refusal.noStep', { step: stepId });
  if (current.status !== 'pending') return tr.t('engine.notApplicable.ran', { step: stepId, status: tr.lang === 'en' ? current.status : tr.t(`stepStatus.${current.status}`) });
  return skipRefusal(state, stepId, phaseId);
}
