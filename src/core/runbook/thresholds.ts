// A monitor threshold as a runbook writes it: "METRIC OP LIMIT", e.g. "p95_ms <= 1200". The
// limit is a number, or arithmetic over parameters and captured values that gives one
// ("p95_ms <= ${value:t60-baseline.p95_ms} * 1.2": stable against the T-60 baseline), in the
// same CEL as `when:` and `that:`, where a reference is a typed value, never spliced text.
import { compileNumberExpression, ExpressionError } from './expression';
import { say } from './errors';

/** What a monitor measures (its summary's fields). */
export const MONITOR_METRICS = ['error_rate_pct', 'p50_ms', 'p95_ms', 'p99_ms', 'max_ms'] as const;
export type MonitorMetric = (typeof MONITOR_METRICS)[number];
export type ThresholdOp = '<=' | '<' | '>=' | '>';

/** A threshold's parts: a fixed limit, or the expression that gives it. */
export interface ParsedThreshold {
  text: string;
  metric: MonitorMetric;
  op: ThresholdOp;
  /** The limit when it is a plain number. */
  limit: number | null;
  /** The limit's expression when it is not a plain number. */
  limitExpr: string | null;
}

const SHAPE = /^\s*(\w+)\s*(<=|<|>=|>)\s*(.+?)\s*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const example = () => say('runbook.threshold.example', { computed: 'p95_ms <= ${value:baseline.p95_ms} * 1.2' });

/** The threshold's parts, or why it is not one (in words that say what to write). */
export function parseThreshold(text: string): ParsedThreshold | { problem: string } {
  const m = SHAPE.exec(text);
  if (!m) return { problem: say('runbook.threshold.shape', { example: example() }) };
  const [, metric, op, limit] = m as unknown as [string, string, ThresholdOp, string];
  if (!(MONITOR_METRICS as readonly string[]).includes(metric)) return { problem: say('runbook.threshold.metric', { metric, metrics: MONITOR_METRICS.join(', '), example: example() }) };
  if (NUMBER.test(limit)) return { text, metric: metric as MonitorMetric, op, limit: Number(limit), limitExpr: null };
  try {
    compileNumberExpression(limit);
  } catch (error) {
    if (error instanceof ExpressionError) return { problem: say('runbook.threshold.limit', { text, problem: error.message }) };
    throw error;
  }
  return { text, metric: metric as MonitorMetric, op, limit: null, limitExpr: limit };
}

/** Why `text` is not a threshold, or null. */
export function thresholdProblem(text: string): string | null {
  const parsed = parseThreshold(text);
  return 'problem' in parsed ? parsed.problem : null;
}
