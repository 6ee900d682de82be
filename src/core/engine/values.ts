// Parameters and captured values at run time: the parameters a run resolves when it starts
// (signed in run.start), the values steps capture (each a `value.captured` event), and the
// text a step runs once its references are filled. In SQL a reference is a bound parameter; in
// a shell command only text a shell reads as one plain word is spliced; anything else is refused
// with the way out (pass it through `env`).
import { RE2JS } from 're2js';
import { findReferences, referenceKey, replaceReferences, type ExpressionValue, type Reference } from '../runbook/expression';
import { targetSchema, type Capture, type ExecStep, type Expectation, type ParamSpec, type Runbook, type Target } from '../runbook/schema';
import { evaluateJsonPath } from '../targets/json-path';
import type { GateResult } from './gates';
import { RunInputError } from './resolve';
import type { CapturedValue, Environment, RunState } from './types';
import { translator, type Lang, type Translator } from '../../shared/i18n';

export type ParamValue = string | number | boolean;

/** A reference whose value the run does not have (yet): nothing runs, nothing is signed. */
export class ValueUnavailableError extends RunInputError {}

/** Value problems are thrown in English (a `that:` gate records them; gate-words.ts and value-words.ts word them again). */
const en = translator('en');

function baseValue(spec: ParamSpec, environment: Environment): ParamValue | undefined {
  if (typeof spec !== 'object') return spec;
  return spec[environment] ?? spec.default;
}

/** `--param NAME=VALUE` as the parameter's type (a number stays a number), or a clear refusal. */
function coerce(name: string, text: string, like: ParamValue | undefined, tr: Translator): ParamValue {
  if (typeof like === 'number') {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw new RunInputError(tr.t('refusal.param.number', { name, text, like: String(like) }));
    return n;
  }
  if (typeof like === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new RunInputError(tr.t('refusal.param.boolean', { name, text }));
    return text === 'true';
  }
  return text;
}

/**
 * The run's parameter values: --param, else the environment's value, else the default. Refuses
 * unknown names and missing values, in `lang` (the runbook's language, else the one asked for).
 */
export function resolveParams(runbook: Runbook, environment: Environment, overrides: Record<string, string> = {}, lang?: Lang): Record<string, ParamValue> {
  const tr = translator(runbook.language ?? lang);
  const declared = runbook.params ?? {};
  for (const name of Object.keys(overrides)) {
    if (!Object.hasOwn(declared, name)) {
      const known = Object.keys(declared);
      throw new RunInputError(known.length ? tr.t('refusal.param.unknown', { name, known: known.join(', ') }) : tr.t('refusal.param.unknownNone', { name }));
    }
  }
  const out: Record<string, ParamValue> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const base = baseValue(spec, environment);
    const override = overrides[name];
    const value = override !== undefined ? coerce(name, override, base, tr) : base;
    if (value === undefined) throw new RunInputError(tr.t('refusal.param.noValue', { name, environment, envWord: tr.lang === 'en' ? environment : tr.t(`env.${environment}`) }));
    out[name] = value;
  }
  return out;
}

/** What a run knows when a reference is filled: its environment, parameters and the values captured so far. */
export interface ValueScope {
  environment: Environment;
  params: Record<string, ParamValue>;
  /** The step's value, or why there is none. */
  value(step: string, name: string): { value: ExpressionValue } | { missing: string };
}

/** The scope of a run as its chain says; `own` adds a step's values captured a moment ago (for `that:`). */
export function scopeOf(state: Pick<RunState, 'environment' | 'params' | 'steps'>, own?: { stepId: string; values: Record<string, CapturedValue> }): ValueScope {
  return {
    environment: state.environment,
    params: state.params ?? {},
    value(stepId, name) {
      if (own && own.stepId === stepId) {
        const mine = own.values[name];
        return mine ? { value: mine.value } : { missing: en.t('gate.that.noValue', { name }) };
      }
      const step = state.steps.get(stepId);
      if (!step) return { missing: en.t('gate.that.noStep', { step: stepId }) };
      const captured = step.captured?.[name];
      if (captured) return { value: captured.value };
      const recorded = step.values?.[name];
      if (recorded !== undefined) return { value: recorded };
      const why = step.status === 'pending' ? en.t('gate.that.notRunYet') : step.status === 'skipped' ? en.t('gate.that.wasSkipped') : step.status === 'N/A' ? en.t('gate.that.wasNotApplicable') : step.status === 'PASS' ? en.t('gate.that.passedWithout') : en.t('gate.that.isStatus', { status: step.status });
      return { missing: en.t('gate.that.stepWhy', { step: stepId, why }) };
    },
  };
}

/** A reference's value, or ValueUnavailableError naming why there is none. */
export function lookup(scope: ValueScope, ref: Reference): ExpressionValue {
  if (ref.kind === 'param') {
    if (!Object.hasOwn(scope.params, ref.name)) throw new ValueUnavailableError(en.t('gate.that.noParam', { ref: `\${param:${ref.name}}` }));
    return scope.params[ref.name]!;
  }
  const found = scope.value(ref.step, ref.name);
  if ('missing' in found) throw new ValueUnavailableError(en.t('gate.that.noValueYet', { ref: `\${${referenceKey(ref)}}`, missing: found.missing }));
  return found.value;
}

/** A value as text in a command, an environment variable or a header. */
export function valueText(value: ExpressionValue): string {
  return value === null ? '' : typeof value === 'string' ? value : String(value);
}

/** Whether `text` uses any ${param:…} or ${value:…}. */
export function hasReferences(text: string | undefined): boolean {
  return text !== undefined && findReferences(text).some((f) => f.ref);
}

/** Text with its references filled (environment values, headers, URLs, expectations' text). */
export function resolveText(template: string, scope: ValueScope): string {
  return replaceReferences(template, (ref) => valueText(lookup(scope, ref)));
}

/** Characters a POSIX shell reads as part of one plain word. */
const SHELL_WORD = /^[A-Za-z0-9_.,:/@%+=~^-]*$/;

/** A shell command with its references filled; a value a shell would not read as one plain word is refused. */
export function resolveShell(template: string, scope: ValueScope, stepId: string): string {
  return replaceReferences(template, (ref, raw) => {
    const text = valueText(lookup(scope, ref));
    if (!SHELL_WORD.test(text) || text === '') {
      throw new ValueUnavailableError(en.t('engine.value.splice', { step: stepId, ref: raw, text: JSON.stringify(text.slice(0, 80)), example: `\`env: { NAME: "${raw}" }\`` }));
    }
    return text;
  });
}

/** SQL with each reference as a placeholder ($1…$n on postgres, ? on mysql) and the values to bind. */
export function resolveSql(template: string, scope: ValueScope, dialect: 'postgres' | 'mysql' = 'postgres'): { text: string; params: Array<string | number | boolean | null> } {
  const params: Array<string | number | boolean | null> = [];
  const numbered = new Map<string, number>();
  const text = replaceReferences(template, (ref) => {
    const value = lookup(scope, ref);
    if (dialect === 'mysql') {
      params.push(value);
      return '?';
    }
    const key = referenceKey(ref);
    if (!numbered.has(key)) {
      params.push(value);
      numbered.set(key, params.length);
    }
    return `$${numbered.get(key)}`;
  });
  return { text, params };
}

/** A copy of `value` with ${param:…} filled in every string (targets, when a run starts). */
export function resolveParamsIn<T>(value: T, params: Record<string, ParamValue>, environment: Environment): T {
  const scope: ValueScope = { environment, params, value: () => ({ missing: en.t('gate.that.notHere') }) };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return resolveText(v, scope);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** Targets as a run starts them: parameters filled in, each checked again by the target schema. */
export function resolveTargets(targets: Record<string, Target>, params: Record<string, ParamValue>, environment: Environment, lang?: Lang): Record<string, Target> {
  return Object.fromEntries(Object.entries(targets).map(([name, target]) => {
    const filled = resolveParamsIn(target, params, environment);
    if (JSON.stringify(filled) === JSON.stringify(target)) return [name, target];
    const parsed = targetSchema.safeParse(filled);
    if (!parsed.success) throw new RunInputError(translator(lang).t('engine.value.targetInvalid', { name, issues: parsed.error.issues.map((i) => i.message).join('; ') }));
    return [name, parsed.data];
  }));
}

// ---- captures ---------------------------------------------------------------------------------

/** What a step's result offers to its captures. */
export interface CaptureInput {
  /** The output as text (at most MAX_CAPTURE_OUTPUT bytes of it). */
  output: string;
  /** The output was longer than what was kept. */
  outputTruncated?: boolean;
  rows?: Record<string, unknown>[];
  fields?: string[];
  /** An HTTP body parsed as JSON (H's http steps), or a monitor's summary, when there is one; `name` says which in messages. */
  json?: { value: unknown; name?: string } | undefined;
}

/** How much output is kept for captures (the transcript keeps all of it). */
export const MAX_CAPTURE_OUTPUT = 1024 * 1024;
/** The longest value a capture takes. */
export const MAX_CAPTURED_TEXT = 64 * 1024;

export function captureSource(spec: Capture): CapturedValue['source'] {
  if ('json' in spec) return { kind: 'json', expr: spec.json };
  if ('column' in spec) return { kind: 'column', expr: String(spec.column) };
  return { kind: 'pattern', expr: spec.pattern };
}

function describeSource(source: CapturedValue['source']): string {
  return source.kind === 'json' ? `JSON path ${source.expr}` : source.kind === 'column' ? `column ${source.expr}` : `pattern /${source.expr}/`;
}

/** The value `spec` finds in `input`, or why it finds nothing. */
function find(spec: Capture, input: CaptureInput): { value: unknown } | { missing: string } {
  if ('json' in spec) {
    let document: unknown;
    if (input.json) document = input.json.value;
    else {
      if (input.outputTruncated) return { missing: `the output is longer than ${MAX_CAPTURE_OUTPUT} bytes, so it is not read as JSON` };
      try {
        document = JSON.parse(input.output);
      } catch {
        return { missing: `the output is not JSON (${input.output.trim() === '' ? 'it is empty' : `it starts ${JSON.stringify(input.output.trim().slice(0, 40))}`})` };
      }
    }
    const found = evaluateJsonPath(document, spec.json);
    return found.found ? { value: found.value } : { missing: `${spec.json} is not in the JSON` };
  }
  if ('column' in spec) {
    const row = input.rows?.[0];
    if (!input.rows) return { missing: 'the step returned no SQL result (a column is taken from an SQL check\'s first row)' };
    if (!row) return { missing: 'the query returned no rows' };
    const name = typeof spec.column === 'number' ? input.fields?.[spec.column - 1] : spec.column;
    if (name === undefined || !Object.hasOwn(row, name)) return { missing: `the result has no column ${typeof spec.column === 'number' ? `#${spec.column}` : `"${spec.column}"`} (columns: ${(input.fields ?? Object.keys(row)).join(', ') || 'none'})` };
    const value = row[name];
    return value === null || value === undefined ? { missing: `column ${name} is NULL in the first row` } : { value };
  }
  const matcher = RE2JS.compile(spec.pattern, RE2JS.MULTILINE).matcher(input.output);
  if (!matcher.find()) return { missing: 'no line of the output matches' };
  return { value: matcher.groupCount() >= 1 ? (matcher.group(1) ?? '') : matcher.group(0) };
}

/** A found value as the type it is declared (or kept) as, or why it is not one. */
function typed(raw: unknown, as: Capture['as'], kind: CapturedValue['source']['kind']): { value: ExpressionValue } | { missing: string } {
  const scalar: ExpressionValue = raw === null || typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? raw : JSON.stringify(raw);
  const want = as ?? (kind === 'json' ? undefined : 'string');
  if (want === undefined || want === 'string') return { value: want === 'string' && scalar !== null ? String(scalar) : scalar };
  if (want === 'number') {
    const n = typeof scalar === 'number' ? scalar : typeof scalar === 'string' && scalar.trim() !== '' ? Number(scalar) : NaN;
    return Number.isFinite(n) ? { value: n } : { missing: `found ${JSON.stringify(scalar)}, which is not a number` };
  }
  if (scalar === true || scalar === 'true' || scalar === 't') return { value: true };
  if (scalar === false || scalar === 'false' || scalar === 'f') return { value: false };
  return { missing: `found ${JSON.stringify(scalar)}, which is not true or false` };
}

/** Every capture of a step over its result: the values found, and a failed gate for each that found nothing. */
export function takeCaptures(capture: Record<string, Capture> | undefined, input: CaptureInput): { values: Record<string, CapturedValue>; gates: GateResult[] } {
  const values: Record<string, CapturedValue> = {};
  const gates: GateResult[] = [];
  for (const [name, spec] of Object.entries(capture ?? {})) {
    const source = captureSource(spec);
    const where = source.kind === 'column' ? 'the SQL result' : input.json ? (input.json.name ?? 'the response body') : 'the output';
    const found = find(spec, input);
    const result = 'missing' in found ? found : typed(found.value, spec.as, source.kind);
    const text = 'value' in result ? valueText(result.value) : '';
    const missing = 'missing' in result ? result.missing : text.length > MAX_CAPTURED_TEXT ? `the value is ${text.length} characters, more than the ${MAX_CAPTURED_TEXT} a captured value may hold` : null;
    if (missing !== null) {
      gates.push({ gate: `capture ${name}: ${describeSource(source)}`, kind: 'expect', passed: false, detail: `nothing captured: looked for ${describeSource(source)} in ${where}; ${missing}`, check: { type: 'capture', name, source, found: false } });
    } else values[name] = { value: (result as { value: ExpressionValue }).value, source };
  }
  return { values, gates };
}

// ---- a check's or command's text, filled ------------------------------------------------------

/** What a check or command runs once its references are filled. */
export interface FilledStep {
  /** The SQL (with $1…$n placeholders) or the shell command, as signed in the act and step.started. */
  command: string;
  /** SQL: the values bound to the placeholders, in order (absent when there are none). */
  bind?: Array<string | number | boolean | null>;
  /** The runbook's and the step's env, with references filled (${secret:…} and ${target:…} are left for expandEnv). */
  env: Record<string, string>;
  /** The expectations with references in their text filled. */
  expect: Expectation[];
}

/** Fills a check's or command's references from the run's scope; ValueUnavailableError when one has no value (or a shell would misread it). */
export function fillStep(state: Pick<RunState, 'environment' | 'params' | 'steps' | 'runbook'>, step: ExecStep, dialect: 'postgres' | 'mysql' = 'postgres'): FilledStep {
  const scope = scopeOf(state);
  const env = Object.fromEntries(Object.entries({ ...state.runbook.env, ...step.env }).map(([k, v]) => [k, resolveText(v, scope)]));
  const expect = step.expect.map((e): Expectation => {
    if ('output_contains' in e) return { ...e, output_contains: resolveText(e.output_contains, scope) };
    if ('output_not_contains' in e) return { ...e, output_not_contains: resolveText(e.output_not_contains, scope) };
    if ('value' in e && typeof e.value.equals === 'string') return { ...e, value: { ...e.value, equals: resolveText(e.value.equals, scope) } };
    return e;
  });
  if (step.kind === 'check' && step.sql !== undefined) {
    const sql = resolveSql(step.sql, scope, dialect);
    return { command: sql.text, ...(sql.params.length ? { bind: sql.params } : {}), env, expect };
  }
  return { command: resolveShell(step.kind === 'check' ? step.run! : step.run, scope, step.id), env, expect };
}

/** What a finished step offers its captures: a check's or command's output and rows, or an HTTP response. */
export function captureInputOf(result: { capture?: CaptureInput; http?: { bodyText: string; json?: unknown; bodyTruncated?: boolean } }): CaptureInput {
  if (result.capture) return result.capture;
  if (result.http) return { output: result.http.bodyText, outputTruncated: result.http.bodyTruncated, ...(result.http.json !== undefined ? { json: { value: result.http.json } } : {}) };
  return { output: '' };
}

/**
 * An HTTP step's request with ${param:…} and ${value:…} filled in its path, headers and text body
 * (a YAML body: in every string). In the path a captured value is percent-encoded: what a server
 * returned is one path segment's text, never `/` or `..` that change where the request goes.
 */
export function fillHttpRequest<R extends { path: string; headers: Record<string, string>; body?: unknown }>(state: Pick<RunState, 'environment' | 'params' | 'steps'>, request: R): R {
  const scope = scopeOf(state);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return resolveText(v, scope);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const path = replaceReferences(request.path, (ref) => {
    const text = valueText(lookup(scope, ref));
    return ref.kind === 'value' ? encodeURIComponent(text) : text;
  });
  return { ...request, path, headers: walk(request.headers) as Record<string, string>, ...(request.body !== undefined ? { body: walk(request.body) } : {}) };
}

/**
 * A monitor with ${param:…} and ${value:…} filled in its probes' URLs, paths and headers (the plan
 * shows them as written). Thresholds are left as written: their limits are typed arithmetic
 * (monitor.ts resolveThresholds), never spliced text.
 */
export function fillMonitorProbes<M extends { probe?: { url: string } & Record<string, unknown>; probes?: Array<Record<string, unknown>> }>(state: Pick<RunState, 'environment' | 'params' | 'steps'>, step: M): M {
  const scope = scopeOf(state);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return resolveText(v, scope);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const probes = step.probes?.map(({ thresholds, ...probe }) => ({ ...(walk(probe) as Record<string, unknown>), ...(thresholds !== undefined ? { thresholds } : {}) }));
  return { ...step, ...(step.probe ? { probe: walk(step.probe) } : {}), ...(probes ? { probes } : {}) };
}
