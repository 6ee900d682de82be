// References and expressions in runbook text: `${param:NAME}` and `${value:STEP.NAME}`, and the
// CEL expressions of `when:` and `that:`. Inside an expression a reference is a typed variable
// bound in the activation (a string stays a string), never spliced text; CEL has no eval, no
// loops and no side effects. What a reference resolves to at run time is the engine's concern.
import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { say } from './errors';

/** The two forms a reference takes, as messages show them (a `{…}` in a catalogue sentence is a placeholder). */
const REFERENCE_FORMS = { param: '${param:NAME}', value: '${value:STEP.NAME}' };

export type Reference = { kind: 'param'; name: string } | { kind: 'value'; step: string; name: string };

/** A reference as written, where it is in the text, and what it names (or why it names nothing). */
export interface FoundReference {
  raw: string;
  index: number;
  ref: Reference | null;
  problem: string | null;
}

const REFERENCE = /\$\{(param|value):([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const STEP_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** A record step's field names may hold `-`; captured names are identifiers. */
const FIELD = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$|^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** "param:domain", "value:snap.id": the key a reference is shown and bound under. */
export function referenceKey(ref: Reference): string {
  return ref.kind === 'param' ? `param:${ref.name}` : `value:${ref.step}.${ref.name}`;
}

/** Every `${param:…}` and `${value:…}` in `text`, in order. */
export function findReferences(text: string): FoundReference[] {
  const out: FoundReference[] = [];
  for (const m of text.matchAll(REFERENCE)) {
    const [raw, kind, body] = m as unknown as [string, 'param' | 'value', string];
    if (kind === 'param') {
      out.push(NAME.test(body) ? { raw, index: m.index, ref: { kind, name: body }, problem: null } : { raw, index: m.index, ref: null, problem: say('runbook.expr.paramName', { raw, example: '${param:api_url}' }) });
      continue;
    }
    const dot = body.lastIndexOf('.');
    const step = body.slice(0, Math.max(dot, 0));
    const name = body.slice(dot + 1);
    if (dot <= 0 || !STEP_ID.test(step) || !FIELD.test(name)) out.push({ raw, index: m.index, ref: null, problem: say('runbook.expr.valueName', { raw, example: '${value:start_sync.job_id}' }) });
    else out.push({ raw, index: m.index, ref: { kind, step, name }, problem: null });
  }
  return out;
}

/** `text` with each reference replaced by what `replace` gives for it. */
export function replaceReferences(text: string, replace: (ref: Reference, raw: string) => string): string {
  let out = '';
  let last = 0;
  for (const found of findReferences(text)) {
    if (!found.ref) continue;
    out += text.slice(last, found.index) + replace(found.ref, found.raw);
    last = found.index + found.raw.length;
  }
  return out + text.slice(last);
}

/** A value an expression sees: text, a number (always a CEL double), a boolean, or null. */
export type ExpressionValue = string | number | boolean | null;

export class ExpressionError extends Error {
  constructor(readonly expression: string, message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** What an evaluation found: the expression as written, each reference's value, and the result. */
export interface Evaluation {
  expr: string;
  values: Record<string, ExpressionValue>;
  result: boolean;
}

/** A parsed expression: its references, and evaluation over their values. */
export interface CompiledExpression {
  expr: string;
  references: Reference[];
  /** `lookup` gives each reference's value; the result must be true or false. Throws ExpressionError. */
  evaluate(lookup: (ref: Reference) => ExpressionValue, environment: string): Evaluation;
}

/** Variables an expression may name besides its references. */
const BUILTIN_VARIABLES = ['environment'];

function celEnvironment(variables: string[]): Environment {
  // Numbers are CEL doubles, literals like 1 are ints: mixed arithmetic is allowed, as people write it.
  let env = new Environment({ unlistedVariablesAreDyn: false, limits: { maxAstNodes: 2000, maxDepth: 50 } });
  for (const op of ['+', '-', '*', '/'] as const) {
    const f = (x: unknown, y: unknown) => {
      const a = Number(x);
      const b = Number(y);
      return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
    };
    env = env.registerOperator(`double ${op} int`, f).registerOperator(`int ${op} double`, f);
  }
  for (const name of variables) env = env.registerVariable(name, 'dyn');
  return env;
}

/** The first line of a cel-js message (the rest is a drawing of the position in the rewritten text). */
function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

/** An expression that gives a number (a monitor threshold's limit: "${value:baseline.p95_ms} * 1.2"). */
export interface CompiledNumber {
  expr: string;
  references: Reference[];
  /** `lookup` gives each reference's value; the result must be a number. Throws ExpressionError. */
  evaluate(lookup: (ref: Reference) => ExpressionValue, environment: string): { expr: string; values: Record<string, ExpressionValue>; result: number };
}

/**
 * Parses and type-checks an expression. Every reference becomes a CEL variable; any other
 * name but `environment` is an error. Throws ExpressionError saying what is wrong.
 */
export function compileExpression(expr: string): CompiledExpression {
  return compile(expr, 'bool') as CompiledExpression;
}

/** As compileExpression, for arithmetic that gives a number (int or double). */
export function compileNumberExpression(expr: string): CompiledNumber {
  return compile(expr, 'number') as CompiledNumber;
}

function compile(expr: string, gives: 'bool' | 'number'): { expr: string; references: Reference[]; evaluate(lookup: (ref: Reference) => ExpressionValue, environment: string): { expr: string; values: Record<string, ExpressionValue>; result: boolean | number } } {
  const found = findReferences(expr);
  const bad = found.find((f) => !f.ref);
  if (bad) throw new ExpressionError(expr, bad.problem!);
  const variables = new Map<string, { ref: Reference; variable: string }>();
  let rewritten = '';
  let last = 0;
  for (const f of found) {
    const key = referenceKey(f.ref!);
    if (!variables.has(key)) variables.set(key, { ref: f.ref!, variable: `cutover_ref_${variables.size}` });
    rewritten += `${expr.slice(last, f.index)} ${variables.get(key)!.variable} `;
    last = f.index + f.raw.length;
  }
  rewritten += expr.slice(last);
  if (/\$\{/.test(rewritten)) throw new ExpressionError(expr, say('runbook.expr.onlyReferences', { expr, ...REFERENCE_FORMS }));
  const env = celEnvironment([...BUILTIN_VARIABLES, ...[...variables.values()].map((v) => v.variable)]);
  let parsed: ParseResult;
  try {
    parsed = env.parse(rewritten);
  } catch (error) {
    throw new ExpressionError(expr, say('runbook.expr.parse', { expr, message: firstLine(error) }));
  }
  const checked = parsed.check();
  if (!checked.valid) {
    const message = firstLine(checked.error);
    const unknown = /Unknown variable: (\S+)/.exec(message);
    throw new ExpressionError(expr, unknown
      ? say('runbook.expr.unknownName', { expr, name: unknown[1]!, ...REFERENCE_FORMS })
      : say('runbook.expr.type', { expr, message }));
  }
  const typed = gives === 'bool' ? ['bool', 'dyn'] : ['int', 'double', 'dyn'];
  if (!typed.includes(checked.type ?? '')) {
    const article = say(/^[aeiou]/.test(checked.type ?? '') ? 'runbook.expr.article.an' : 'runbook.expr.article.a');
    const type = String(checked.type);
    throw new ExpressionError(expr, gives === 'bool'
      ? say('runbook.expr.notBool', { expr, article, type })
      : say('runbook.expr.notNumber', { expr, article, type, example: '${value:baseline.p95_ms} * 1.2' }));
  }
  return {
    expr,
    references: [...variables.values()].map((v) => v.ref),
    evaluate(lookup, environment) {
      const activation: Record<string, unknown> = { environment };
      const values: Record<string, ExpressionValue> = {};
      for (const [key, { ref, variable }] of variables) {
        const value = lookup(ref);
        values[`\${${key}}`] = value;
        activation[variable] = value;
      }
      let result: unknown;
      try {
        result = parsed(activation);
      } catch (error) {
        const hint = gives === 'number' && Object.values(values).some((v) => typeof v === 'string') ? ' (a captured value is text unless its capture says `as: number`)' : '';
        throw new ExpressionError(expr, `\`${expr}\` could not be evaluated with ${describeValues(values)}: ${firstLine(error)}${hint}`);
      }
      if (gives === 'number') {
        // CEL ints are BigInts in cel-js; a limit is compared as a plain number.
        const n = typeof result === 'bigint' ? Number(result) : result;
        if (typeof n !== 'number' || !Number.isFinite(n)) throw new ExpressionError(expr, `\`${expr}\` gave ${JSON.stringify(typeof result === 'bigint' ? String(result) : result) ?? String(result)} with ${describeValues(values)}, not a number (a captured value is text unless its capture says \`as: number\`)`);
        return { expr, values, result: n };
      }
      if (typeof result !== 'boolean') throw new ExpressionError(expr, `\`${expr}\` gave ${String(result)} with ${describeValues(values)}, not true or false`);
      return { expr, values, result };
    },
  };
}

/** "${param:x} = 'a', ${value:s.n} = 3" for messages and evidence. */
export function describeValues(values: Record<string, ExpressionValue>): string {
  const parts = Object.entries(values).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  return parts.length ? parts.join(', ') : 'no values';
}

/** Why `expr` is not a usable expression, or null. */
export function expressionProblem(expr: string): string | null {
  try {
    compileExpression(expr);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
