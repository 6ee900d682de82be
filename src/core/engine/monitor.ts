// Monitor steps: probe an HTTP endpoint every N seconds for a window and judge the
// thresholds ("error_rate_pct <= 2.0", "p95_ms <= 1200"). Every sample is a JSON line in the
// step's transcript, so the evidence shows each probe, not only the verdict.
import { durationMs, type Step } from '../runbook/schema';
import type { GateResult } from './gates';

type MonitorStep = Extract<Step, { kind: 'monitor' }>;

export interface Sample {
  at: string;
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

export function judge(thresholds: string[], summary: MonitorSummary): GateResult[] {
  return thresholds.map((t) => {
    const [, metric, op, raw] = /^(\w+)\s*(<=|<|>=|>)\s*([\d.]+)$/.exec(t.trim())!;
    const actual = summary[metric as keyof MonitorSummary];
    const limit = Number(raw);
    const passed = summary.samples > 0 && (op === '<=' ? actual <= limit : op === '<' ? actual < limit : op === '>=' ? actual >= limit : actual > limit);
    return { gate: t, kind: 'expect', passed, detail: `${metric} = ${actual} over ${summary.samples} samples`, check: { type: 'threshold', metric: metric!, op: op!, limit, actual: summary.samples > 0 ? actual : null } };
  });
}

async function probeOnce(step: MonitorStep, signal: AbortSignal): Promise<Sample> {
  const started = performance.now();
  const at = new Date().toISOString();
  const timeout = AbortSignal.timeout(durationMs(step.probe.timeout));
  try {
    const res = await fetch(step.probe.url, { method: step.probe.method, signal: AbortSignal.any([signal, timeout]), redirect: 'manual' });
    await res.arrayBuffer().catch(() => undefined);
    const ms = Math.round(performance.now() - started);
    const ok = step.probe.ok_status ? step.probe.ok_status.includes(res.status) : res.status >= 200 && res.status < 400;
    return { at, status: res.status, ms, ok };
  } catch (error) {
    const ms = Math.round(performance.now() - started);
    return { at, status: null, ms, ok: false, error: timeout.aborted ? 'timeout' : (error as Error).message };
  }
}

/** Probes for the whole window (or until cancelled); each sample goes to `onSample`. */
export async function runMonitor(step: MonitorStep, signal: AbortSignal, onSample: (s: Sample) => void): Promise<{ summary: MonitorSummary; gates: GateResult[]; cancelled: boolean }> {
  const every = durationMs(step.probe.every);
  const end = Date.now() + durationMs(step.probe.for);
  const samples: Sample[] = [];
  let next = Date.now();
  while (!signal.aborted && Date.now() < end) {
    const sample = await probeOnce(step, signal);
    if (signal.aborted) break;
    samples.push(sample);
    onSample(sample);
    next += every;
    const wait = Math.min(next, end) - Date.now();
    if (wait > 0) await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, wait);
      signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    });
  }
  const summary = summarize(samples);
  return { summary, gates: judge(step.thresholds, summary), cancelled: signal.aborted };
}
