// Monitor steps: probe HTTP endpoints every N seconds for a window and judge the thresholds
// ("error_rate_pct <= 2.0", "p95_ms <= 1200"). A monitor has one `probe`, or several `probes`
// run in parallel each interval (each judged on its own thresholds, all of them together on the
// step's). Every sample is a JSON line in the step's transcript, so the evidence shows each
// probe, not only the verdict. A probe may name an http target: its base_url (so --target
// overrides it), headers, token (from the vault, never in the transcript) and TLS setting.
import { durationMs, type HttpTarget, type Step, type Target } from '../runbook/schema';
import { joinUrl, sendHttp, targetHeaders } from '../targets/http';
import { resolveSecretEnv } from '../targets/redact';
import type { GateResult } from './gates';

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
  thresholds: string[];
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

/** Judges thresholds on a summary; `scope` (a probe's name) prefixes each gate when given. */
export function judge(thresholds: string[], summary: MonitorSummary, scope?: string): GateResult[] {
  return thresholds.map((t) => {
    const [, metric, op, raw] = /^(\w+)\s*(<=|<|>=|>)\s*([\d.]+)$/.exec(t.trim())!;
    const actual = summary[metric as Exclude<keyof MonitorSummary, 'probes'>];
    const limit = Number(raw);
    const passed = summary.samples > 0 && (op === '<=' ? actual <= limit : op === '<' ? actual < limit : op === '>=' ? actual >= limit : actual > limit);
    const name = scope ? `${scope}: ${metric!}` : metric!;
    return { gate: scope ? `${scope}: ${t}` : t, kind: 'expect', passed, detail: `${name} = ${actual} over ${summary.samples} samples`, check: { type: 'threshold', metric: name, op: op!, limit, actual: summary.samples > 0 ? actual : null } };
  });
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
  if (!target || target.kind !== 'http') throw new Error(`the probe names target "${name}", which is not an http target of this run`);
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

/** The probes of a step, resolved against the run's targets and the vault's secrets. Throws on an unknown target or a missing secret. */
export function resolveProbes(step: MonitorStep, targets: Record<string, Target>, secrets: Record<string, string>): ResolvedProbe[] {
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
    return { name, url: probeUrl(p, targets), method: p.method, headers, tlsVerify: target?.tls_verify ?? true, timeoutMs: durationMs(p.timeout ?? step.timeout ?? target?.timeout ?? '5s'), okStatus: p.ok_status, thresholds: p.thresholds };
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
export async function runMonitor(step: MonitorStep, signal: AbortSignal, onSample: (s: Sample) => void, probes: ResolvedProbe[] = resolveProbes(step, {}, {})): Promise<{ summary: MonitorSummary; gates: GateResult[]; cancelled: boolean }> {
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
    if (wait > 0) await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, wait);
      signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
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
  gates.push(...judge(step.thresholds, summary));
  return { summary, gates, cancelled: signal.aborted };
}
