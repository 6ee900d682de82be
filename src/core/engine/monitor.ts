// Monitor steps: probe HTTP endpoints every N seconds for a window and judge the thresholds
// ("error_rate_pct <= 2.0", "p95_ms <= 1200"). A monitor has one `probe`, or several `probes`
// run in parallel each interval (each judged on its own thresholds, all of them together on the
// step's). Every sample is a JSON line in the step's transcript, so the evidence shows each
// probe, not only the verdict. A probe may name an http target: its base_url (so --target
// overrides it), headers, token (from the vault, never in the transcript) and TLS setting.
// A threshold may say `level: warn` (a breach is a warning, never blocking), and its limit may be
// arithmetic over parameters and captured values ("p95_ms <= ${value:baseline.p95_ms} * 1.2"),
// computed once when the monitor starts: the plan shows the template, the evidence the numbers.
import { compileNumberExpression, describeValues, type ExpressionValue, type Reference } from '../runbook/expression';
import { durationMs, type HttpTarget, type Step, type Target } from '../runbook/schema';
import { parseThreshold, type MonitorMetric, type ThresholdOp } from '../runbook/thresholds';
import { joinUrl, sendHttp, targetHeaders } from '../targets/http';
import { resolveSecretEnv } from '../targets/redact';
import { compareNumbers, type GateResult } from './gates';
import { translate } from '../../shared/i18n';

type MonitorStep = Extract<Step, { kind: 'monitor' }>;

export interface Sample {
  at: string;
  /** The probe's name, when the monitor has several. */
  probe?: string;
  status: number | null;
  ms: number;
  ok: boolean;
  error?: string;
}

export interface MonitorSummary {
  samples: number;
  errors: number;
  error_rate_pct: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  /** Several probes: each probe's own summary, by name. */
  probes?: Record<string, Omit<MonitorSummary, 'probes'>>;
}

/** A probe ready to send: its URL and headers resolved against the run's targets and secrets. */
export interface ResolvedProbe {
  name: string;
  url: string;
  method: 'GET' | 'HEAD';
  headers: Record<string, string>;
  tlsVerify: boolean;
  timeoutMs: number;
  okStatus?: number[];
  thresholds: Threshold[];
}

/** A threshold ready to judge: its limit a number, computed from the run's values when it names any. */
export interface Threshold {
  /** As the runbook writes it (the gate is named so). */
  text: string;
  metric: MonitorMetric;
  op: ThresholdOp;
  limit: number;
  /** The limit's expression and the values it was computed from, when it is not a plain number. */
  limitExpr?: string;
  values?: Record<string, ExpressionValue>;
  level?: 'warn';
}

/** Where a limit's ${param:…} and ${value:…} take their values (the run's scope). */
export interface LimitValues {
  lookup: (ref: Reference) => ExpressionValue;
  environment: string;
}

/** Thresholds as the runbook declares them on a monitor or a probe (schema.ts: texts, and levels when any is warn). */
export interface DeclaredThresholds {
  thresholds: string[];
  threshold_levels?: Array<'block' | 'warn'>;
}

/**
 * Each threshold with its limit computed. Throws when a limit needs a value the run does not
 * have (ValueUnavailableError from `lookup`) or does not give a number (ExpressionError).
 */
export function resolveThresholds(declared: DeclaredThresholds, values?: LimitValues): Threshold[] {
  return declared.thresholds.map((text, i) => {
    const parsed = parseThreshold(text);
    if ('problem' in parsed) throw new Error(parsed.problem);
    const level = declared.threshold_levels?.[i] === 'warn' ? { level: 'warn' as const } : {};
    if (parsed.limitExpr === null) return { text, metric: parsed.metric, op: parsed.op, limit: parsed.limit!, ...level };
    if (!values) throw new Error(translate('en', 'engine.monitor.thresholdValues', { text }));
    const evaluation = compileNumberExpression(parsed.limitExpr).evaluate(values.lookup, values.environment);
    return { text, metric: parsed.metric, op: parsed.op, limit: evaluation.result, limitExpr: parsed.limitExpr, values: evaluation.values, ...level };
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function summarize(samples: Sample[]): MonitorSummary {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const errors = samples.filter((s) => !s.ok).length;
  return {
    samples: samples.length,
    errors,
    error_rate_pct: samples.length ? Math.round((errors / samples.length) * 10000) / 100 : 100,
    p50_ms: percentile(ms, 50),
    p95_ms: percentile(ms, 95),
    p99_ms: percentile(ms, 99),
    max_ms: ms.at(-1) ?? 0,
  };
}

/** Judges thresholds on a summary; `scope` (a probe's name) prefixes each gate when given. A text is a fixed threshold. */
export function judge(thresholds: ReadonlyArray<string | Threshold>, summary: MonitorSummary, scope?: string): GateResult[] {
  const resolved = thresholds.map((t) => (typeof t === 'string' ? resolveThresholds({ thresholds: [t] })[0]! : t));
  return resolved.map((t) => {
    const actual = summary[t.metric];
    const passed = summary.samples > 0 && compareNumbers(actual, t.op, t.limit);
    const name = scope ? `${scope}: ${t.metric}` : t.metric;
    const computed = t.limitExpr !== undefined ? `; limit ${t.limit} = ${t.limitExpr} with ${describeValues(t.values ?? {})}` : '';
    return {
      gate: scope ? `${scope}: ${t.text}` : t.text,
      kind: 'expect',
      passed,
      detail: `${name} = ${actual} over ${summary.samples} samples${computed}`,
      check: { type: 'threshold', metric: name, op: t.op, limit: t.limit, actual: summary.samples > 0 ? actual : null, ...(t.limitExpr !== undefined ? { limitExpr: t.limitExpr, values: t.values ?? {} } : {}) },
      ...(t.level ? { level: t.level } : {}),
    };
  });
}

/** Whether any threshold of the monitor (its own or a probe's) computes its limit from a value or parameter. */
export function hasComputedLimits(step: MonitorStep): boolean {
  return [...step.thresholds, ...(step.probes ?? []).flatMap((p) => p.thresholds)].some((t) => {
    const parsed = parseThreshold(t);
    return !('problem' in parsed) && parsed.limitExpr !== null;
  });
}

/**
 * "; thresholds: p95_ms <= ${value:t60.p95_ms} * 1.2 (warn), …" for a monitor whose limits name
 * values (any other is shown as it always was). With `resolved`, each computed limit as it came
 * out: "p95_ms <= 1440 (= ${value:t60.p95_ms} * 1.2 with ${value:t60.p95_ms} = 1200)".
 */
export function thresholdsText(step: MonitorStep, resolved?: { step: Threshold[]; probes: ResolvedProbe[] }): string {
  if (!hasComputedLimits(step)) return '';
  const show = (t: Threshold) => `${t.metric} ${t.op} ${t.limitExpr !== undefined ? `${t.limit} (= ${t.limitExpr} with ${describeValues(t.values ?? {})})` : t.limit}${t.level ? ' (warn)' : ''}`;
  const written = (d: DeclaredThresholds, i: number) => `${d.thresholds[i]!}${d.threshold_levels?.[i] === 'warn' ? ' (warn)' : ''}`;
  const parts = resolved
    ? [...resolved.probes.flatMap((p) => p.thresholds.map((t) => `${p.name}: ${show(t)}`)), ...resolved.step.map(show)]
    : [...(step.probes ?? []).flatMap((p) => p.thresholds.map((_, i) => `${probeName(p)}: ${written(p, i)}`)), ...step.thresholds.map((_, i) => written(step, i))];
  return `; thresholds: ${parts.join(', ')}`;
}

/** The monitor's interval and window, from its single probe or from the step (with `probes`). */
export function monitorWindow(step: MonitorStep): { every: string; for: string } {
  return step.probe ? { every: step.probe.every, for: step.probe.for } : { every: step.every!, for: step.for! };
}

/** Where each probe goes, as the plan shows it: "GET https://h/health". Needs only the targets, never secrets. */
export function probeLines(step: MonitorStep, targets: Record<string, Target>): string[] {
  if (step.probe) return [`${step.probe.method} ${step.probe.url}`];
  return step.probes!.map((p) => `${p.method} ${probeUrl(p, targets)}`);
}

function httpTargetOf(name: string, targets: Record<string, Target>): HttpTarget {
  const target = targets[name];
  if (!target || target.kind !== 'http') throw new Error(translate('en', 'engine.monitor.probeTarget', { target: name }));
  return target;
}

function probeUrl(probe: NonNullable<MonitorStep['probes']>[number], targets: Record<string, Target>): string {
  if (probe.url) return probe.url;
  const target = targets[probe.target!];
  return target?.kind === 'http' ? joinUrl(target.base_url, probe.path ?? '/').toString() : `\${target:${probe.target!}}${probe.path ?? '/'}`;
}

/** How a probe is named in samples and gates: its name, else target and path, else its URL. */
export function probeName(probe: Pick<NonNullable<MonitorStep['probes']>[number], 'name' | 'target' | 'path' | 'url'>): string {
  return probe.name ?? (probe.target ? `${probe.target}${probe.path ?? '/'}` : probe.url!);
}

/**
 * The probes of a step, resolved against the run's targets, the vault's secrets and (for computed
 * limits) the run's values. Throws on an unknown target, a missing secret or a limit it cannot compute.
 */
export function resolveProbes(step: MonitorStep, targets: Record<string, Target>, secrets: Record<string, string>, values?: LimitValues): ResolvedProbe[] {
  if (step.probe) {
    return [{ name: step.probe.url, url: step.probe.url, method: step.probe.method, headers: {}, tlsVerify: true, timeoutMs: durationMs(step.probe.timeout), okStatus: step.probe.ok_status, thresholds: [] }];
  }
  const names = new Map<string, number>();
  return step.probes!.map((p) => {
    const target = p.target ? httpTargetOf(p.target, targets) : undefined;
    const headers = target ? targetHeaders(target, p.headers, secrets).headers : resolveSecretEnv(p.headers, secrets);
    let name = probeName(p);
    const seen = names.get(name) ?? 0;
    names.set(name, seen + 1);
    if (seen > 0) name = `${name}#${seen + 1}`;
    return { name, url: probeUrl(p, targets), method: p.method, headers, tlsVerify: target?.tls_verify ?? true, timeoutMs: durationMs(p.timeout ?? step.timeout ?? target?.timeout ?? '5s'), okStatus: p.ok_status, thresholds: resolveThresholds(p, values) };
  });
}

async function probeOnce(probe: ResolvedProbe, signal: AbortSignal, named: boolean): Promise<Sample> {
  const at = new Date().toISOString();
  const started = performance.now();
  const base = named ? { at, probe: probe.name } : { at };
  try {
    const reply = await sendHttp({ url: new URL(probe.url), method: probe.method, headers: probe.headers, tlsVerify: probe.tlsVerify, timeoutMs: probe.timeoutMs, signal });
    const ok = probe.okStatus ? probe.okStatus.includes(reply.status) : reply.status >= 200 && reply.status < 400;
    return { ...base, status: reply.status, ms: reply.latencyMs, ok };
  } catch (error) {
    const ms = Math.round(performance.now() - started);
    const kind = (error as { kind?: string }).kind;
    return { ...base, status: null, ms, ok: false, error: kind === 'timeout' ? 'timeout' : (error as Error).message };
  }
}

/**
 * Probes for the whole window (or until cancelled): every probe at once each interval; each
 * sample goes to `onSample`. Thresholds are judged per probe and over all samples.
 */
export async function runMonitor(step: MonitorStep, signal: AbortSignal, onSample: (s: Sample) => void, probes: ResolvedProbe[] = resolveProbes(step, {}, {}), thresholds: Threshold[] = resolveThresholds(step)): Promise<{ summary: MonitorSummary; gates: GateResult[]; cancelled: boolean }> {
  const window = monitorWindow(step);
  const every = durationMs(window.every);
  const end = Date.now() + durationMs(window.for);
  const named = !step.probe;
  const samples: Sample[] = [];
  let next = Date.now();
  while (!signal.aborted && Date.now() < end) {
    const round = await Promise.all(probes.map((probe) => probeOnce(probe, signal, named)));
    if (signal.aborted) break;
    for (const sample of round) {
      samples.push(sample);
      onSample(sample);
    }
    next += every;
    const wait = Math.min(next, end) - Date.now();
    // The listener goes when the interval ends: a long window must not pile one up per interval.
    if (wait > 0) await new Promise<void>((resolve) => {
      const onAbort = () => { clearTimeout(t); resolve(); };
      const t = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, wait);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
  const summary = summarize(samples);
  const gates: GateResult[] = [];
  if (named) {
    summary.probes = {};
    for (const probe of probes) {
      const own = summarize(samples.filter((s) => s.probe === probe.name));
      summary.probes[probe.name] = own;
      gates.push(...judge(probe.thresholds, own, probe.name));
    }
  }
  gates.push(...judge(thresholds, summary));
  return { summary, gates, cancelled: signal.aborted };
}
