// What the reports need to know from a step's gate results, read from the typed `check` the
// engine records with each result. Results recorded before those fields existed (older
// vaults) carry only display text; for them alone the text is parsed as that version wrote it.
import type { GateResult } from '../engine/gates';
import type { Expectation } from '../runbook/schema';

/** The pattern of an abort gate that matched: "abort on /X/" → X. */
export function abortPatternOf(g: GateResult): string {
  if (g.check?.type === 'abort_on') return g.check.pattern;
  const m = /^abort on \/(.*)\/$/s.exec(g.gate);
  return m ? m[1]! : g.gate;
}

/** The output line an abort gate matched. */
export function abortLineOf(g: GateResult): string {
  if (g.check?.type === 'abort_on') return g.check.line;
  return g.detail.replace(/^matched: /, '');
}

/** The runbook's label of an abort gate that matched, or null. */
export function abortLabelOf(g: GateResult): string | null {
  return g.check?.type === 'abort_on' ? g.check.label : null;
}

export interface ValueFact {
  /** The runbook's label (or column, or pattern) of the value. */
  label: string;
  expected: string;
  /** What the run found, or null when no value was found. */
  actual: string | null;
}

/** A value expectation's label, expected and found value; null when the gate is not one. */
export function valueFactOf(g: GateResult): ValueFact | null {
  if (g.kind !== 'expect') return null;
  if (g.check) {
    if (g.check.type !== 'value') return null;
    const c = g.check;
    return { label: c.label ?? c.column ?? (c.pattern !== null ? `/${c.pattern}/` : ''), expected: c.expected, actual: c.actual };
  }
  // Legacy text: "<label> = <equals>" with detail "value <found>" or "no value found".
  const i = g.gate.lastIndexOf(' = ');
  if (i < 0) return null;
  const m = /^value (.*)$/s.exec(g.detail);
  if (!m && g.detail !== 'no value found') return null;
  return { label: g.gate.slice(0, i), expected: g.gate.slice(i + 3), actual: m ? m[1]!.trim() : null };
}

const HEAD_LINE = /(?:Rev: )?(\S+) \(head\)/;

/**
 * The head revision an `alembic heads` expectation names: an output_contains of "<rev> (head)"
 * (alembic's own output format, as the runbook expects it); null when the gate is not one.
 */
export function headRevisionOf(g: GateResult): string | null {
  if (g.kind !== 'expect') return null;
  if (g.check) return g.check.type === 'output_contains' ? (HEAD_LINE.exec(g.check.text)?.[1] ?? null) : null;
  // Legacy text: output contains "<rev> (head)".
  return /"(?:Rev: )?(\S+) \(head\)"/.exec(g.gate)?.[1] ?? null;
}

/** Whether a failed expectation is the exit-code check (reported with the exit code already). */
export function isExitCodeGate(g: GateResult): boolean {
  if (g.check) return g.check.type === 'exit_code';
  return g.gate.startsWith('exit code');
}

/**
 * Whether a recorded result judged this declared expectation (or monitor threshold, as the
 * runbook writes it): by its typed check, or for an old result without one, by its words.
 */
export function judgedBy(declared: Expectation | string, words: string, g: GateResult): boolean {
  if (g.kind !== 'expect') return false;
  const c = g.check;
  if (!c) return g.gate === words;
  if (typeof declared === 'string') {
    // An HTTP step's status/json/latency gate and a monitor probe's own threshold are declared by their words.
    if (g.gate === declared) return true;
    const m = /^(\w+)\s*(<=|<|>=|>)\s*([\d.]+)$/.exec(declared.trim());
    return c.type === 'threshold' && m !== null && c.metric === m[1] && c.op === m[2] && c.limit === Number(m[3]);
  }
  const e = declared;
  if ('exit_code' in e) return c.type === 'exit_code' && !c.implicit && c.expected === e.exit_code;
  if ('output_contains' in e) return c.type === 'output_contains' && c.text === e.output_contains;
  if ('output_not_contains' in e) return c.type === 'output_not_contains' && c.text === e.output_not_contains;
  if ('output_matches' in e) return c.type === 'output_matches' && c.pattern === e.output_matches;
  if ('value' in e) return c.type === 'value' && c.expected === String(e.value.equals) && c.label === (e.value.label ?? null) && c.column === (e.value.column ?? null) && c.pattern === (e.value.pattern ?? null);
  if ('that' in e) return c.type === 'that' && c.expr === e.that;
  return c.type === 'threshold' && c.metric === e.threshold.metric && c.op === e.threshold.op && c.limit === e.threshold.value;
}

/** Whether a recorded result is the match of this declared abort gate (by its pattern; words for old results). */
export function abortMatchOf(pattern: string, g: GateResult): boolean {
  if (g.kind !== 'abort') return false;
  return g.check ? g.check.type === 'abort_on' && g.check.pattern === pattern : g.gate === `abort on /${pattern}/`;
}
