// What a step's plan entry says about its parameters, captured values and conditions: the
// approver signs the step as written (its template), each parameter's resolved value, where
// each captured value will come from, and when the step applies at all.
import { findReferences, referenceKey } from '../runbook/expression';
import type { Capture, Step } from '../runbook/schema';
import { allSteps } from '../runbook/validate';
import { captureSource, type ParamValue } from './values';
import type { RunState } from './types';

/** A parameter's value in this run, or where a captured (or recorded) value will come from. */
export type PlanReference =
  | { param: ParamValue }
  | { value: { step: string; name: string; from: string } };

export interface PlanExtras {
  /** Every ${param:…} and ${value:…} the step uses, keyed "param:NAME" / "value:STEP.NAME". */
  references?: Record<string, PlanReference>;
  /** The conditions under which the step applies (its phase's and its own), as written. */
  conditions?: string[];
}

/** Where the value `name` of step `stepId` comes from, in words: "capture json $.job_id", "recorded field". */
function sourceOf(state: Pick<RunState, 'runbook'>, stepId: string, name: string): string {
  const found = allSteps(state.runbook).find(({ step }) => step.id === stepId)?.step;
  if (!found) return 'unknown step';
  if (found.kind === 'record') return `recorded field (${found.fields.find((f) => f.name === name)?.label ?? name})`;
  const spec = (found as { capture?: Record<string, Capture> }).capture?.[name];
  if (!spec) return 'not captured';
  const source = captureSource(spec);
  return `captured from the ${found.kind} step's result: ${source.kind} ${source.expr}${spec.as ? ` as ${spec.as}` : ''}`;
}

function strings(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** The extras of a step's plan entry; {} for a step with no references and no conditions (its entry is as before). */
export function planExtras(state: Pick<RunState, 'runbook' | 'params'>, step: Step, phaseId: string): PlanExtras {
  const phase = state.runbook.phases.find((p) => p.id === phaseId);
  // Everything the step runs or judges; its title and instructions are words for people.
  const runs: Record<string, unknown> = { ...step };
  delete runs.title;
  delete runs.instructions;
  const references: Record<string, PlanReference> = {};
  for (const text of [...strings(runs, []), ...(phase?.when ? [phase.when] : [])]) {
    for (const found of findReferences(text)) {
      if (!found.ref) continue;
      const key = referenceKey(found.ref);
      references[key] = found.ref.kind === 'param'
        ? { param: state.params?.[found.ref.name] ?? null as unknown as ParamValue }
        : { value: { step: found.ref.step, name: found.ref.name, from: sourceOf(state, found.ref.step, found.ref.name) } };
    }
  }
  const conditions: string[] = [];
  if (phase?.environments) conditions.push(`phase ${phase.id}: only in ${phase.environments.join(', ')}`);
  if (phase?.when) conditions.push(`phase ${phase.id}: when ${phase.when}`);
  if (step.environments) conditions.push(`only in ${step.environments.join(', ')}`);
  if (step.when) conditions.push(`when ${step.when}`);
  return { ...(Object.keys(references).length ? { references } : {}), ...(conditions.length ? { conditions } : {}) };
}
