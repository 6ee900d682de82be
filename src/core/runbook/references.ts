// Load-time checks of parameters, captured values and conditions: every `${param:NAME}` names a
// declared parameter, every `${value:STEP.NAME}` a value an earlier step (in document order)
// captures or records, every expression parses and names nothing else, every JSON path and
// capture pattern compiles. Each problem points at the field that holds it.
import { RE2JS } from 're2js';
import type { DocPath } from './errors';
import { expressionProblem, findReferences, type Reference } from './expression';
import type { Runbook, Step } from './schema';
import { allSteps, type SemanticIssue } from './validate';
import { say } from './errors';
import { jsonPathProblemSaid } from './json-path-words';

interface Provider {
  /** The step's position in document order. */
  index: number;
  kind: Step['kind'];
  names: Set<string>;
}

/** The values a step gives later steps: its captures, or a record step's fields. */
export function valuesProvided(step: Step): string[] {
  if (step.kind === 'record') return step.fields.map((f) => f.name);
  const capture = (step as { capture?: Record<string, unknown> }).capture;
  return capture ? Object.keys(capture) : [];
}

/** Where a reference may point: params only (targets, runbook env), or values before `index` (plus the step's own for `that`). */
interface Scope {
  index: number;
  values: boolean;
  own?: string;
}

export function validateReferences(runbook: Runbook): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const error = (path: DocPath, message: string) => issues.push({ severity: 'error', path, message });
  const params = new Set(Object.keys(runbook.params ?? {}));
  const usedParams = new Set<string>();
  const steps = allSteps(runbook);
  const providers = new Map<string, Provider>();
  steps.forEach(({ step }, index) => {
    if (!providers.has(step.id)) providers.set(step.id, { index, kind: step.kind, names: new Set(valuesProvided(step)) });
  });

  const refProblem = (ref: Reference, scope: Scope): string | null => {
    if (ref.kind === 'param') {
      usedParams.add(ref.name);
      if (params.has(ref.name)) return null;
      return say('runbook.ref.undeclaredParam', { ref: `\${param:${ref.name}}`, declared: params.size ? say('runbook.ref.declared', { names: [...params].join(', ') }) : '' });
    }
    const shown = `\${value:${ref.step}.${ref.name}}`;
    if (!scope.values) return say('runbook.ref.notHere', { ref: shown, param: '${param:NAME}' });
    const provider = providers.get(ref.step);
    if (!provider) return say('runbook.ref.noStep', { ref: shown, step: ref.step });
    if (!provider.names.has(ref.name)) {
      const has = [...provider.names];
      const tail = has.length ? say('runbook.ref.itHas', { names: has.join(', ') }) : provider.kind === 'record' ? '' : say('runbook.ref.addCapture', { capture: `capture: {${ref.name}: …}` });
      return say(provider.kind === 'record' ? 'runbook.ref.noField' : 'runbook.ref.noValue', { ref: shown, step: ref.step, name: ref.name, tail });
    }
    if (ref.step === scope.own) return null;
    if (provider.index >= scope.index) return say(provider.kind === 'record' ? 'runbook.ref.beforeRecorded' : 'runbook.ref.beforeCaptured', { ref: shown, step: ref.step });
    return null;
  };

  /** Every reference in a text field. */
  const text = (value: unknown, path: DocPath, scope: Scope, sql = false) => {
    if (typeof value !== 'string') return;
    for (const found of findReferences(value)) {
      if (!found.ref) {
        error(path, found.problem!);
        continue;
      }
      const problem = refProblem(found.ref, scope);
      if (problem) error(path, problem);
      if (sql && insideSqlQuotes(value, found.index)) error(path, say('runbook.ref.sqlQuotes', { ref: found.raw }));
    }
  };
  /** Every string inside a value (env maps, http requests). */
  const texts = (value: unknown, path: DocPath, scope: Scope) => {
    if (typeof value === 'string') text(value, path, scope);
    else if (Array.isArray(value)) value.forEach((v, i) => texts(v, [...path, i], scope));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) texts(v, [...path, k], scope);
  };
  const expression = (expr: string, path: DocPath, scope: Scope) => {
    const problem = expressionProblem(expr);
    if (problem) error(path, problem);
    else text(expr, path, scope);
  };

  // Targets and the runbook's env are fixed when the run starts: parameters only.
  for (const [name, target] of Object.entries(runbook.targets)) texts(target, ['targets', name], { index: -1, values: false });
  texts(runbook.env, ['env'], { index: -1, values: false });

  // A phase's condition sees the values of the steps before the phase.
  let firstIndex = 0;
  runbook.preconditions.forEach(() => (firstIndex += 1));
  runbook.phases.forEach((phase, p) => {
    if (phase.when) expression(phase.when, ['phases', p, 'when'], { index: firstIndex, values: true });
    firstIndex += phase.steps.length;
  });

  steps.forEach(({ step, path }, index) => {
    const before: Scope = { index, values: true };
    if (step.when) expression(step.when, [...path, 'when'], before);
    if (step.kind === 'check' || step.kind === 'command') {
      if (step.kind === 'check' && step.sql !== undefined) text(step.sql, [...path, 'sql'], before, true);
      else text(step.run, [...path, 'run'], before);
      texts(step.env, [...path, 'env'], before);
      text(step.cwd, [...path, 'cwd'], before);
    }
    const request = (step as { request?: unknown }).request;
    if (request) texts(request, [...path, 'request'], before);
    if (step.kind === 'monitor') {
      if (step.probe) texts(step.probe, [...path, 'probe'], before);
      if (step.probes) texts(step.probes, [...path, 'probes'], before);
      // A threshold's limit may compare against an earlier step's value: "p95_ms <= ${value:baseline.p95_ms} * 1.2".
      texts(step.thresholds, [...path, 'thresholds'], before);
    }
    const expect = (step as { expect?: unknown[] }).expect ?? [];
    expect.forEach((e, i) => {
      const at: DocPath = [...path, 'expect', i];
      if (!e || typeof e !== 'object') return;
      const item = e as Record<string, unknown>;
      if (typeof item.that === 'string') expression(item.that, [...at, 'that'], { index, values: true, own: step.id });
      if (typeof item.output_contains === 'string') text(item.output_contains, [...at, 'output_contains'], before);
      if (typeof item.output_not_contains === 'string') text(item.output_not_contains, [...at, 'output_not_contains'], before);
      const value = item.value as { equals?: unknown } | undefined;
      if (value && typeof value.equals === 'string') text(value.equals, [...at, 'value', 'equals'], before);
    });
    const capture = (step as { capture?: Record<string, { json?: string; pattern?: string }> }).capture ?? {};
    for (const [name, spec] of Object.entries(capture)) {
      const at: DocPath = [...path, 'capture', name];
      if (spec.json !== undefined) {
        const problem = jsonPathProblemSaid(spec.json);
        if (problem) error([...at, 'json'], problem);
      }
      if (spec.pattern !== undefined) {
        const problem = patternProblem(spec.pattern);
        if (problem) error([...at, 'pattern'], problem);
      }
    }
  });

  for (const name of params) if (!usedParams.has(name)) issues.push({ severity: 'warning', path: ['params', name], message: say('runbook.ref.unusedParam', { name, ref: `\${param:${name}}` }) });
  return issues;
}

/** Why a capture pattern does not compile in the linear-time engine (RE2 syntax), or null. */
export function patternProblem(pattern: string): string | null {
  try {
    RE2JS.compile(pattern, RE2JS.MULTILINE);
    return null;
  } catch (error) {
    return say('runbook.ref.capturePattern', { pattern, message: (error as Error).message });
  }
}

/** Whether `index` falls inside an SQL string literal or quoted identifier ('…', "…"), skipping comments. */
export function insideSqlQuotes(sql: string, index: number): boolean {
  let quote: string | null = null;
  for (let i = 0; i < index; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      if (end < 0 || end >= index) return false;
      i = end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0 || end >= index) return false;
      i = end + 1;
    }
  }
  return quote !== null;
}
