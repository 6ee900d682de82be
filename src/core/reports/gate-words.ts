// A step's gate results in the document's language. The engine records each result with its
// words in English and, beside them, what it checked and found as data (`check`); a Spanish
// document words the result again from that data. Only where the recorded words are exactly
// what this version's engine writes for that check: anything else (an older result, a gate
// this module does not word) is shown as recorded, never guessed at.
import { blocksStep, IMPLICIT_EXIT_GATE, type GateResult } from '../engine/gates';
import { translator, type Lang, type MessageKey } from '../../shared/i18n';
import { whatText } from '../rehearsal/what-words';
import { failureReasonText } from './failure-words';
import { matchVars, wordAgain, type Nested } from './word-again';

/** HTTP status, JSON and latency gates (engine/http-step.ts), a capture that found nothing (values.ts), a `that:` (conditions.ts). */
const HTTP_DETAILS: readonly MessageKey[] = ['gate.http.status', 'gate.http.noResponse', 'gate.http.notFound', 'gate.http.notJson', 'gate.http.tooLarge'];
const THAT_DETAILS: readonly MessageKey[] = ['gate.that.true', 'gate.that.false', 'gate.that.trueWith', 'gate.that.falseWith'];
const NESTED: Nested = {
  // Why no response came (the request's failure, http.ts), or why a step has no value (values.ts): each a whole sentence, so one list serves both.
  why: ['gate.http.requestFailed', 'failure.http.timeout', 'failure.http.closed', 'failure.http.tls', 'gate.that.notRunYet', 'gate.that.wasSkipped', 'gate.that.wasNotApplicable', 'gate.that.passedWithout', 'gate.that.isStatus'],
  source: ['gate.capture.json', 'gate.capture.column', 'gate.capture.pattern'],
  where: ['gate.capture.inSql', 'gate.capture.inBody', 'gate.capture.inOutput', 'gate.capture.inSummary'],
  missing: ['gate.capture.tooLong', 'gate.capture.emptyNotJson', 'gate.capture.notJson', 'gate.capture.notInJson', 'gate.capture.noSql', 'gate.capture.noRows', 'gate.capture.noColumn', 'gate.capture.null', 'gate.capture.noLine', 'gate.capture.notNumber', 'gate.capture.notBoolean', 'gate.capture.valueTooLong', 'gate.that.noValue', 'gate.that.noStep', 'gate.that.stepWhy'],
};
/** Why a `that:` could not be evaluated (values.ts: a reference without a value). */
const NOT_EVALUATED: readonly MessageKey[] = ['gate.that.noValueYet', 'gate.that.noParam'];

/** The gate ("exit code = 0", "abort on /X/") in `lang`. */
export function gateText(lang: Lang, g: GateResult): string {
  const c = g.check;
  if (lang === 'en' || !c) return g.gate;
  const tr = translator(lang);
  switch (c.type) {
    case 'exit_code':
      if (c.implicit && g.gate === IMPLICIT_EXIT_GATE) return tr.t('gate.exitImplicit');
      return g.gate === `exit code = ${c.expected}` ? tr.t('gate.exit', { code: c.expected }) : g.gate;
    case 'output_contains':
      return g.gate === `output contains "${c.text}"` ? tr.t('gate.contains', { text: c.text }) : g.gate;
    case 'output_not_contains':
      return g.gate === `output does not contain "${c.text}"` ? tr.t('gate.notContains', { text: c.text }) : g.gate;
    case 'output_matches':
      return g.gate.startsWith(`output matches /${c.pattern}/`) ? tr.t('gate.matches', { pattern: g.gate.slice('output matches '.length) }) : g.gate;
    case 'abort_on':
      return g.gate === `abort on /${c.pattern}/` ? tr.t('gate.abortOn', { pattern: c.pattern }) : g.gate;
    case 'value':
      if (c.label === 'HTTP status') return wordAgain(lang, g.gate, ['gate.http.status2xx']);
      return c.label !== null && c.expected === 'present' && g.gate === `${c.label} exists` ? tr.t('gate.http.exists', { name: c.label ?? '' }) : g.gate;
    case 'capture':
      return wordAgain(lang, g.gate, ['gate.capture'], NESTED);
    default:
      // threshold, that: named by the runbook's own label, metric or expression.
      return g.gate;
  }
}

/** What the gate found ("value 64", "matched: <line>") in `lang`. */
export function gateDetailText(lang: Lang, g: GateResult): string {
  const c = g.check;
  if (lang === 'en' || !c) return g.detail;
  const tr = translator(lang);
  const found = (line: string | null) => (line !== null && g.detail === `found in: ${line}` ? tr.t('gate.foundIn', { line }) : null);
  switch (c.type) {
    case 'exit_code':
      if (g.detail === `exit code ${c.actual ?? 'none'}`) return c.actual === null ? tr.t('gate.exitNone') : tr.t('gate.exitActual', { code: c.actual });
      return g.detail;
    case 'output_contains':
      return found(c.line) ?? (g.detail === 'not found in the output' ? tr.t('gate.notFound') : g.detail);
    case 'output_not_contains':
      return found(c.line) ?? (g.detail === 'absent' ? tr.t('gate.absent') : g.detail);
    case 'output_matches':
      if (c.matched !== null && g.detail === `matched: ${c.matched}`) return tr.t('gate.matched', { line: c.matched });
      return g.detail === 'no line matched' ? tr.t('gate.noLineMatched') : g.detail;
    case 'abort_on':
      return g.detail === `matched: ${c.line}` ? tr.t('gate.matched', { line: c.line }) : g.detail;
    case 'value':
      if (c.actual === null && g.detail === 'no value found') return tr.t('gate.noValue');
      if (c.actual !== null && g.detail.startsWith('value ') && g.detail.slice(6).trim() === c.actual) return tr.t('gate.value', { value: g.detail.slice(6) });
      return wordAgain(lang, g.detail, HTTP_DETAILS, NESTED);
    case 'threshold': {
      if (c.actual === null && g.detail === `${c.metric} not found`) return tr.t('gate.metricNotFound', { metric: c.metric });
      if (c.metric === 'latency_ms' || g.detail.startsWith('no response (') || g.detail.startsWith('the body ') || g.detail.endsWith(' not found in the body')) return wordAgain(lang, g.detail, HTTP_DETAILS, NESTED);
      // A monitor's threshold: "<metric> = <actual> over <n> samples[; limit <l> = <expr> with <values>]" (engine/monitor.ts).
      const prefix = `${c.metric} = `;
      const m = g.detail.startsWith(prefix) ? /^(.*?) over (\d+) samples(?:; limit (.*?) = (.*) with (.*))?$/s.exec(g.detail.slice(prefix.length)) : null;
      if (!m) return g.detail;
      const samples = tr.t('gate.samples', { metric: c.metric, actual: m[1]!, n: m[2]! });
      return m[3] === undefined ? samples : `${samples}${tr.t('gate.computedLimit', { limit: m[3], expr: m[4]!, values: m[5]! })}`;
    }
    case 'that':
      if (c.result === null && c.error !== undefined && g.detail === `not evaluated: ${c.error}`) return tr.t('gate.notEvaluated', { message: wordAgain(lang, c.error, NOT_EVALUATED, NESTED) });
      return wordAgain(lang, g.detail, THAT_DETAILS);
    case 'capture':
      return wordAgain(lang, g.detail, ['gate.capture.nothing'], NESTED);
    default:
      return g.detail;
  }
}

/** What the engine records when a mutating step was interrupted (engine.ts). */
const INTERRUPTED_REASON = 'interrupted: the command may have run; retry only with a signed decision';

/**
 * Why the run is blocked, in `lang`: the engine records the reason in English from the step's
 * failed gates ("abort gate abort on /X/ matched", "expectation failed: …"); worded again from
 * those gates when the words are exactly the engine's, else kept as recorded.
 */
export function blockReasonText(lang: Lang, reason: string, gates: readonly GateResult[]): string {
  if (lang === 'en') return reason;
  const tr = translator(lang);
  if (reason === INTERRUPTED_REASON) return tr.t('block.interrupted');
  const failed = gates.filter(blocksStep);
  const aborts = failed.filter((g) => g.kind === 'abort');
  if (aborts.length && reason === `abort gate ${aborts.map((g) => g.gate).join(', ')} matched`) return tr.t('block.abort', { gates: aborts.map((g) => gateText(lang, g)).join(', ') });
  if (failed.length && reason === `expectation failed: ${failed.map((g) => g.gate).join(', ')}`) return tr.t('block.expectation', { gates: failed.map((g) => gateText(lang, g)).join(', ') });
  const deviation = matchVars(reason, 'block.deviation');
  if (deviation) return tr.t('block.deviation', { what: whatText(lang, deviation.what!), sha256: deviation.sha256!, quorum: deviation.quorum! });
  return failureReasonText(lang, reason) ?? reason;
}
