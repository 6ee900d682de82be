// Gates: abort conditions watched on the streaming output, and expectations judged when a
// step ends. Output is examined line by line as it arrives (lines longer than 64 KiB are
// cut), so a transcript of gigabytes is never held in memory. What a gate matches is decided
// line by line; to keep capture cheap, a run of whole lines that no gate can match is skipped
// after one test over all of it (blockTest), and output is not decoded at all once nothing is
// left to watch (every abort gate fired, every expectation found).
import { isAscii } from 'node:buffer';
import { compilePattern, type CompiledPattern } from '../runbook/patterns';
import type { AbortGate, Expectation } from '../runbook/schema';
import type { ExecResult } from '../targets/types';

const MAX_LINE = 64 * 1024;

/**
 * What a gate checked and what the run found, as data: reports read these fields, never the
 * display text (`gate`, `detail`), which may be reworded. Results recorded before these fields
 * existed have none (`check` is absent).
 */
export type GateCheck =
  | { type: 'exit_code'; expected: number; actual: number | null; implicit: boolean }
  | { type: 'output_contains'; text: string; line: string | null }
  | { type: 'output_not_contains'; text: string; line: string | null }
  | { type: 'output_matches'; pattern: string; matched: string | null }
  /** A value pulled from the output (pattern's first group) or an SQL column, against `expected`. */
  | { type: 'value'; label: string | null; column: string | null; pattern: string | null; expected: string; actual: string | null }
  /** A metric (a monitor's summary, a column, or a "metric: N" line) against a limit; a monitor's computed limit keeps its expression and the values it took. */
  | { type: 'threshold'; metric: string; op: string; limit: number; actual: number | null; limitExpr?: string; values?: Record<string, string | number | boolean | null> }
  | { type: 'abort_on'; pattern: string; label: string | null; onMatch: 'block' | 'cancel'; line: string }
  /** A `that:` comparison: the expression, each reference's value, and what it gave (null when it could not be evaluated). */
  | { type: 'that'; expr: string; label: string | null; values: Record<string, string | number | boolean | null>; result: boolean | null; error?: string }
  /** A `capture:` that found nothing (the step fails), or found its value. */
  | { type: 'capture'; name: string; source: { kind: 'json' | 'column' | 'pattern'; expr: string }; found: boolean };

export interface GateResult {
  /** The gate in words ("exit code = 0", "abort on /X/"): for people, not to be parsed. */
  gate: string;
  kind: 'expect' | 'abort';
  passed: boolean;
  /** What was found, in words ("value 64", "matched: <line>"). */
  detail: string;
  /** The same, typed; absent from results recorded by older versions. */
  check?: GateCheck;
  /** 'warn': the runbook says this gate never blocks; a failure is a warning, the step still PASSes. Absent: it blocks. */
  level?: 'warn';
}

/** Whether a failed gate fails its step (a `level: warn` gate never does). */
export function blocksStep(g: GateResult): boolean {
  return !g.passed && g.level !== 'warn';
}

/** The gates that failed without blocking: the step's warnings. */
export function warningsOf(gates: readonly GateResult[]): GateResult[] {
  return gates.filter((g) => !g.passed && g.level === 'warn');
}

/** `{ level: 'warn' }` for a gate the runbook marks `level: warn`, else nothing (a result without a level blocks). */
export const gateLevelOf = (declared: { level?: 'block' | 'warn' }): Pick<GateResult, 'level'> => (declared.level === 'warn' ? { level: 'warn' } : {});
const levelOf = gateLevelOf;

export interface AbortMatch {
  pattern: string;
  /** The gate's label, or its pattern when it has none. */
  label: string;
  /** The label as the runbook declares it, or null. */
  declaredLabel: string | null;
  onMatch: 'block' | 'cancel';
  line: string;
  /** 'warn': recorded and shown, never blocking. */
  level?: 'warn';
}

/** The gate every check and command has when its expectations name no exit code. */
export const IMPLICIT_EXIT_GATE = 'exit code = 0 (no exit code expected, so 0 is required)';

/** How an expectation is named in gate results (and in the pack's declared gates). */
export function describeExpectation(e: Expectation): string {
  if ('exit_code' in e) return `exit code = ${e.exit_code}`;
  if ('output_contains' in e) return `output contains "${e.output_contains}"`;
  if ('output_not_contains' in e) return `output does not contain "${e.output_not_contains}"`;
  if ('output_matches' in e) return `output matches /${e.output_matches}/${e.flags ?? ''}`;
  if ('value' in e) return `${e.value.label ?? e.value.column ?? `/${e.value.pattern}/${e.value.flags ?? ''}`} = ${String(e.value.equals)}`;
  if ('that' in e) return e.label ?? e.that;
  return `${e.threshold.metric} ${e.threshold.op} ${e.threshold.value}`;
}

/** `a OP b` for the comparison operators runbooks write (<, <=, >, >=, ==, !=). */
export function compareNumbers(a: number, op: string, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '==': return a === b;
    default: return a !== b;
  }
}

/** The expectations judged on the output and result; `that:` is judged after them (engine/conditions.ts). */
function watched<E extends Expectation>(e: E): e is Exclude<E, { that: string }> {
  return !('that' in e);
}

/**
 * Whether a pattern's test over several whole lines joined by '\n' is true whenever it matches
 * one of those lines alone. So it is for multiline patterns (every runbook pattern is compiled
 * with 'm'; the threshold pattern has no anchors): ^ and $ hold at a '\n' as at a line's ends,
 * and \b sees '\n' as it sees the end of a line. Not for what looks at the text's own ends (\A,
 * \z) or could switch multiline off or look around ('(?'): such a pattern is tested line by line.
 */
function blockSafe(source: string): boolean {
  return !/\\[Az]|\(\?/.test(source);
}

interface Tester {
  test(text: string): boolean;
}

/**
 * A test over a block of whole lines that is false only when no line of it matches; null when
 * the pattern cannot say (always test line by line). A pattern with no special character and
 * no 'i' flag matches exactly where its text occurs: the block is searched for that text.
 */
function blockTest(source: string, flags: string | undefined, re: Tester): Tester | null {
  if (source !== '' && !/[\\.+*?()|[\]{}^$]/.test(source) && !flags?.includes('i')) return { test: (block) => block.includes(source) };
  return blockSafe(source) ? re : null;
}

/** Watches output as it streams; collects what the expectations need. */
export class GateWatcher {
  private partial = '';
  private readonly abortGates: { gate: AbortGate; re: CompiledPattern; unless: CompiledPattern | null; block: Tester | null }[];
  // Runbook patterns run in RE2 (linear time: no pattern can freeze a step); the threshold
  // matcher is the engine's own pattern around an escaped metric name.
  private readonly matchers: { e: Expectation; re: CompiledPattern | RegExp; block: Tester | null }[] = [];
  /** The expectations looked for in the output (contains, matches, values by pattern, thresholds): once all are seen and every abort gate fired, the output is no longer read. */
  private readonly looked: Expectation[] = [];
  private readonly seen = new Map<Expectation, string>();
  readonly aborts: AbortMatch[] = [];
  /** Made at the first chunk that is not plain ASCII; until then no byte was held back. */
  private decoder: InstanceType<typeof TextDecoder> | null = null;
  /** The decoder holds no bytes of an unfinished character (its last chunk ended in ASCII). */
  private decoderClean = true;
  /** Bytes were read before: a BOM from now on is text, not the stream's byte order mark. */
  private started = false;

  constructor(
    private readonly expectations: Expectation[],
    abortOn: AbortGate[],
    private readonly onAbort: (match: AbortMatch) => void,
  ) {
    this.abortGates = abortOn.map((gate) => {
      const re = compilePattern(gate.pattern, gate.flags, 'm');
      return { gate, re, unless: gate.unless ? compilePattern(gate.unless, gate.flags, 'm') : null, block: blockTest(gate.pattern, gate.flags, re) };
    });
    const matcher = (e: Expectation, source: string, flags: string | undefined, re: CompiledPattern | RegExp) => this.matchers.push({ e, re, block: blockTest(source, flags, re) });
    for (const e of expectations) {
      if ('output_matches' in e) matcher(e, e.output_matches, e.flags, compilePattern(e.output_matches, e.flags, 'm'));
      if ('value' in e && e.value.pattern) matcher(e, e.value.pattern, e.value.flags, compilePattern(e.value.pattern, e.value.flags, 'm'));
      if ('threshold' in e) matcher(e, '', undefined, new RegExp(`\\b${e.threshold.metric.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b\\s*[:=]?\\s*(-?\\d+(?:\\.\\d+)?)`));
      if ('output_contains' in e || 'output_not_contains' in e || 'output_matches' in e || ('value' in e && e.value.pattern) || 'threshold' in e) this.looked.push(e);
    }
  }

  /** True once no line could change any result: every abort gate fired and every expectation looked for was found. */
  private idle(): boolean {
    return this.looked.every((e) => this.seen.has(e)) && this.abortGates.every(({ gate }) => this.aborts.some((a) => a.pattern === gate.pattern));
  }

  /** False only when no line of `block` (whole lines, none cut, no '\r') can match any gate still watched. */
  private mayMatch(block: string): boolean {
    for (const { gate, block: test } of this.abortGates) {
      if (this.aborts.some((a) => a.pattern === gate.pattern)) continue;
      if (test === null || test.test(block)) return true;
    }
    for (const e of this.expectations) {
      if (this.seen.has(e)) continue;
      if ('output_contains' in e && block.includes(e.output_contains)) return true;
      if ('output_not_contains' in e && block.includes(e.output_not_contains)) return true;
    }
    for (const { e, block: test } of this.matchers) {
      if (this.seen.has(e)) continue;
      if (test === null || test.test(block)) return true;
    }
    return false;
  }

  /** The whole lines text[start, end) (end is a '\n' or the text's end), line by line, each cut at MAX_LINE. */
  private lines(text: string, start: number, end: number): void {
    for (const line of text.slice(start, end).split('\n')) this.line(line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line);
  }

  /** Every line of text[0, last) (last is its final '\n'): runs of lines no gate can match are skipped whole. */
  private wholeLines(text: string, last: number): void {
    let start = 0;
    while (start <= last) {
      // A run of lines ending at a '\n' at most MAX_LINE characters on: none of them is cut.
      let end = text.lastIndexOf('\n', start + MAX_LINE);
      if (end < start) {
        end = text.indexOf('\n', start);
        this.lines(text, start, end);
      } else {
        const block = text.slice(start, end);
        if (block.includes('\r') || this.mayMatch(block)) this.lines(text, start, end);
      }
      start = end + 1;
    }
  }

  /**
   * The chunk as text, as one UTF-8 decoder reading the whole stream would give it: a chunk of
   * ASCII bytes after a finished character is its bytes as they are (the common case, and
   * much cheaper); anything else goes through the stream's TextDecoder.
   */
  private decode(chunk: Buffer): string {
    if (chunk.length === 0) return '';
    let text: string;
    if (this.decoderClean && isAscii(chunk)) text = chunk.toString('latin1');
    else {
      // A BOM is dropped only at the very start of the stream, as a decoder made then would.
      this.decoder ??= new TextDecoder('utf-8', { ignoreBOM: this.started });
      text = this.decoder.decode(chunk, { stream: true });
      this.decoderClean = chunk[chunk.length - 1]! < 0x80;
    }
    this.started = true;
    return text;
  }

  push(chunk: Buffer): void {
    if (this.idle()) return;
    const text = this.partial + this.decode(chunk);
    const last = text.lastIndexOf('\n');
    this.partial = last < 0 ? text : text.slice(last + 1);
    // As before: a line already longer than MAX_LINE is judged (cut) before the chunk's whole lines.
    if (this.partial.length > MAX_LINE) {
      this.line(this.partial.slice(0, MAX_LINE));
      this.partial = '';
    }
    if (last >= 0) this.wholeLines(text, last);
  }

  end(): void {
    if (this.idle()) return;
    const rest = this.partial + (this.decoder?.decode() ?? '');
    this.partial = '';
    if (rest) this.line(rest);
  }

  private line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    for (const { gate, re, unless } of this.abortGates) {
      if (re.test(line) && !unless?.test(line) && !this.aborts.some((a) => a.pattern === gate.pattern)) {
        const match: AbortMatch = { pattern: gate.pattern, label: gate.label ?? gate.pattern, declaredLabel: gate.label ?? null, onMatch: gate.on_match, line: line.slice(0, 500), ...levelOf(gate) };
        this.aborts.push(match);
        this.onAbort(match);
      }
    }
    for (const e of this.expectations) {
      if (this.seen.has(e)) continue;
      if ('output_contains' in e && line.includes(e.output_contains)) this.seen.set(e, line);
      if ('output_not_contains' in e && line.includes(e.output_not_contains)) this.seen.set(e, line);
    }
    for (const { e, re } of this.matchers) {
      if (this.seen.has(e)) continue;
      const m = re.exec(line);
      if (m) this.seen.set(e, m[1] ?? m[0] ?? '');
    }
  }

  /** Judges every expectation and abort gate once the step has ended. */
  results(exec: Pick<ExecResult, 'exitCode' | 'rows'>): GateResult[] {
    const firstRow = exec.rows?.[0];
    // `that:` comparisons are judged by the engine once the step's captured values are known.
    const judged = this.expectations.filter(watched);
    const out: GateResult[] = judged.map((e) => {
      const gate = describeExpectation(e);
      const seen = this.seen.get(e);
      if ('exit_code' in e) {
        const actual = exec.exitCode ?? null;
        return { gate, kind: 'expect', passed: actual === e.exit_code, detail: `exit code ${actual ?? 'none'}`, check: { type: 'exit_code', expected: e.exit_code, actual, implicit: false } };
      }
      if ('output_contains' in e) {
        const line = seen !== undefined ? seen.slice(0, 200) : null;
        return { gate, kind: 'expect', passed: line !== null, detail: line !== null ? `found in: ${line}` : 'not found in the output', check: { type: 'output_contains', text: e.output_contains, line } };
      }
      if ('output_not_contains' in e) {
        const line = seen !== undefined ? seen.slice(0, 200) : null;
        return { gate, kind: 'expect', passed: line === null, detail: line === null ? 'absent' : `found in: ${line}`, check: { type: 'output_not_contains', text: e.output_not_contains, line } };
      }
      if ('output_matches' in e) {
        const matched = seen !== undefined ? seen.slice(0, 200) : null;
        return { gate, kind: 'expect', passed: matched !== null, detail: matched !== null ? `matched: ${matched}` : 'no line matched', check: { type: 'output_matches', pattern: e.output_matches, matched } };
      }
      if ('value' in e) {
        const raw = e.value.column !== undefined ? firstRow?.[e.value.column] : seen;
        const actual = raw === undefined || raw === null ? null : String(raw).slice(0, 200);
        const expected = String(e.value.equals);
        const passed = raw !== undefined && raw !== null && String(raw).trim() === expected;
        return { gate, kind: 'expect', passed, detail: actual === null ? 'no value found' : `value ${actual}`, check: { type: 'value', label: e.value.label ?? null, column: e.value.column ?? null, pattern: e.value.pattern ?? null, expected, actual: actual === null ? null : actual.trim() } };
      }
      const fromRow = firstRow?.[e.threshold.metric];
      const actual = fromRow !== undefined && fromRow !== null ? Number(fromRow) : seen !== undefined ? Number(seen) : NaN;
      const passed = Number.isFinite(actual) && compareNumbers(actual, e.threshold.op, e.threshold.value);
      const check: GateCheck = { type: 'threshold', metric: e.threshold.metric, op: e.threshold.op, limit: e.threshold.value, actual: Number.isFinite(actual) ? actual : null };
      return { gate, kind: 'expect', passed, detail: Number.isFinite(actual) ? `${e.threshold.metric} = ${actual}` : `${e.threshold.metric} not found`, check };
    });
    out.forEach((result, i) => Object.assign(result, levelOf(judged[i]!)));
    // A step whose expectations name no exit code must exit 0: a failing command is never a PASS.
    if (exec.exitCode !== null && exec.exitCode !== undefined && !this.expectations.some((e) => 'exit_code' in e)) {
      out.unshift({ gate: IMPLICIT_EXIT_GATE, kind: 'expect', passed: exec.exitCode === 0, detail: `exit code ${exec.exitCode}`, check: { type: 'exit_code', expected: 0, actual: exec.exitCode, implicit: true } });
    }
    for (const a of this.aborts) out.push({ gate: `abort on /${a.pattern}/`, kind: 'abort', passed: false, detail: `matched: ${a.line}`, check: { type: 'abort_on', pattern: a.pattern, label: a.declaredLabel, onMatch: a.onMatch, line: a.line }, ...(a.level ? { level: a.level } : {}) });
    return out;
  }
}
