// HTTP steps: one request to an http target, judged on its status, JSON fields, latency and the
// body text. GET and HEAD only read; any other method changes something, so it is treated as a
// command everywhere approval is required. What the plan shows is the request as written (a
// token as ${secret:NAME}, never its value); what the transcript shows is the request sent, with
// credentials redacted, and the response.
import { durationMs, READ_ONLY_HTTP_METHODS, type Expectation, type HttpExpectation, type HttpStep, type Step, type Target } from '../runbook/schema';
import { evaluateJsonPath } from '../targets/json-path';
import type { ExecResult, TargetContext } from '../targets/types';
import { getSecrets, type Vault } from '../vault';
import type { Execution, ExecutionOptions } from './execute';
import { compareNumbers as compare, describeExpectation, gateLevelOf, GateWatcher, type GateResult } from './gates';
import { ProgressThrottle } from './progress';
import { RunInputError } from './resolve';
import { fillHttpRequest } from './values';
import { valueWords } from './value-words';
import type { RunState } from './types';
import { translator } from '../../shared/i18n';

/** A step that changes something when it runs: a command, or an HTTP request other than GET or HEAD. */
export function isMutating(step: Step): boolean {
  return step.kind === 'command' || (step.kind === 'http' && !READ_ONLY_HTTP_METHODS.has(step.request.method));
}

/** The body as sent: text as written, a YAML mapping or list as JSON. */
export function httpBody(step: HttpStep): string | undefined {
  const body = step.request.body;
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** The request's own headers, with Content-Type: application/json for a YAML body unless one is given. */
function requestHeaders(step: HttpStep): Record<string, string> {
  const headers = { ...step.request.headers };
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  if (step.request.body !== undefined && typeof step.request.body !== 'string' && !hasType) headers['Content-Type'] = 'application/json';
  return headers;
}

/** The request as the signed plan shows it: method, URL, headers as written (tokens by secret name), body. */
export function httpRequestText(step: HttpStep, target: Target | undefined): string {
  const base = target?.kind === 'http' ? target.base_url.replace(/\/+$/, '') : `\${target:${step.target}}`;
  const lines = [`${step.request.method} ${base}${step.request.path}`];
  if (target?.kind === 'http') {
    for (const [k, v] of Object.entries(target.headers)) lines.push(`${k}: ${v}`);
    if (target.auth) lines.push('bearer' in target.auth ? `Authorization: Bearer \${secret:${target.auth.bearer}}` : `${target.auth.header}: \${secret:${target.auth.secret}}`);
  }
  for (const [k, v] of Object.entries(requestHeaders(step))) lines.push(`${k}: ${v}`);
  const body = httpBody(step);
  if (body !== undefined) lines.push('', body);
  return lines.join('\n');
}

const SECRET_REF = /\$\{secret:([A-Za-z0-9][A-Za-z0-9_.-]{0,63})\}/g;

/** The vault secrets a request needs: the target's token and every ${secret:NAME} in its headers. */
export function httpSecretsUsed(step: HttpStep, target: Extract<Target, { kind: 'http' }>): string[] {
  const names = new Set<string>();
  if (target.auth) names.add('bearer' in target.auth ? target.auth.bearer : target.auth.secret);
  for (const value of [...Object.values(target.headers), ...Object.values(step.request.headers)]) for (const m of value.matchAll(SECRET_REF)) names.add(m[1]!);
  return [...names];
}

const show = (value: unknown): string => (JSON.stringify(value) ?? String(value)).slice(0, 200);

/** An expectation only an HTTP response can meet (status, json, latency_ms), as opposed to the body-text gates. */
function isHttpOnly(e: HttpExpectation): e is Extract<HttpExpectation, { status: unknown } | { json: unknown } | { latency_ms: unknown }> {
  return 'status' in e || 'json' in e || 'latency_ms' in e;
}

/** Judges status, json and latency expectations on a response (null: none came). */
export function judgeHttp(expectations: HttpExpectation[], http: ExecResult['http'] | null, failure: string | null): GateResult[] {
  const none = `no response (${failure ?? 'the request failed'})`;
  const out: GateResult[] = [];
  const own = expectations.filter(isHttpOnly);
  if (!own.some((e) => 'status' in e)) {
    const gate = 'status 2xx (no status expected, so 2xx is required)';
    const status = http?.status ?? null;
    out.push({ gate, kind: 'expect', passed: status !== null && status >= 200 && status < 300, detail: status === null ? none : `status ${status}`, check: { type: 'value', label: 'HTTP status', column: null, pattern: null, expected: '2xx', actual: status === null ? null : String(status) } });
  }
  for (const e of own) {
    if ('status' in e) {
      const accepted = Array.isArray(e.status) ? e.status : [e.status];
      const gate = accepted.length === 1 ? `status = ${accepted[0]}` : `status in ${accepted.join(', ')}`;
      const status = http?.status ?? null;
      out.push({ gate, kind: 'expect', passed: status !== null && accepted.includes(status), detail: status === null ? none : `status ${status}`, check: { type: 'value', label: 'HTTP status', column: null, pattern: null, expected: accepted.join(', '), actual: status === null ? null : String(status) }, ...gateLevelOf(e) });
    } else if ('latency_ms' in e) {
      const { op, value } = e.latency_ms;
      const actual = http?.latencyMs ?? null;
      out.push({ gate: `latency_ms ${op} ${value}`, kind: 'expect', passed: actual !== null && compare(actual, op, value), detail: actual === null ? none : `latency_ms = ${actual}`, check: { type: 'threshold', metric: 'latency_ms', op, limit: value, actual }, ...gateLevelOf(e) });
    } else {
      out.push({ ...judgeJson(e.json, http, none), ...gateLevelOf(e) });
    }
  }
  return out;
}

function judgeJson(spec: Extract<HttpExpectation, { json: unknown }>['json'], http: ExecResult['http'] | null, none: string): GateResult {
  const name = spec.label ?? spec.path;
  const gate = spec.op === 'exists' ? `${name} exists` : `${name} ${spec.op} ${show(spec.value ?? null)}`;
  const numeric = spec.op !== 'exists' && spec.op !== '==' && spec.op !== '!=';
  const result = (passed: boolean, detail: string, actual: unknown, found: boolean): GateResult => ({
    gate, kind: 'expect', passed, detail,
    check: numeric
      ? { type: 'threshold', metric: name, op: spec.op, limit: Number(spec.value), actual: found && typeof actual === 'number' ? actual : null }
      : { type: 'value', label: name, column: null, pattern: null, expected: spec.op === 'exists' ? 'present' : `${spec.op === '!=' ? 'not ' : ''}${show(spec.value ?? null)}`, actual: found ? show(actual) : null },
  });
  if (!http) return result(false, none, undefined, false);
  if (http.json === undefined) return result(false, http.bodyTruncated ? 'the body was over 1 MiB and cut, so it was not read as JSON' : `the body is not JSON (${show(http.bodyText.slice(0, 80))})`, undefined, false);
  const found = evaluateJsonPath(http.json, spec.path);
  if (!found.found) return result(spec.op === '!=' , `${spec.path} not found in the body`, undefined, false);
  const actual = found.value;
  if (spec.op === 'exists') return result(true, `${spec.path} = ${show(actual)}`, actual, true);
  if (spec.op === '==' || spec.op === '!=') {
    const equal = actual === (spec.value ?? null);
    return result(spec.op === '==' ? equal : !equal, `${spec.path} = ${show(actual)}`, actual, true);
  }
  if (typeof actual !== 'number' || typeof spec.value !== 'number') return result(false, `${spec.path} = ${show(actual)}: ${spec.op} compares numbers`, actual, true);
  return result(compare(actual, spec.op, spec.value), `${spec.path} = ${show(actual)}`, actual, true);
}

/** Everything an HTTP step needs before it starts: its target, secrets and request (refusals come before any signature). */
export function prepareHttp(vault: Vault, options: ExecutionOptions, state: RunState, step: HttpStep): Execution {
  const tr = translator(state.runbook.language ?? state.wordedIn);
  const target = state.targets[step.target];
  if (!target) throw new RunInputError(tr.t('refusal.prepare.unknownTarget', { step: step.id, target: step.target }));
  if (target.kind !== 'http') throw new RunInputError(tr.t('refusal.http.notHttp', { step: step.id, target: step.target, kind: target.kind }));
  const needed = httpSecretsUsed(step, target);
  const secrets = getSecrets(vault, needed);
  const missing = needed.filter((name) => secrets[name] === undefined);
  if (missing.length) throw new RunInputError(tr.count('refusal.http.secrets', missing.length, { step: step.id, names: missing.map((m) => `"${m}"`).join(', '), first: missing[0]! }));
  // ${param:…} and ${value:…} in the path, headers and body are filled now: the plan shows them as written, the act as sent.
  let filled: HttpStep;
  try {
    filled = { ...step, request: fillHttpRequest(state, step.request) };
  } catch (error) {
    throw new RunInputError(valueWords(tr.lang, (error as Error).message));
  }
  const body = httpBody(filled);
  const headers = requestHeaders(filled);
  const basic = step.expect.filter((e): e is Expectation => !isHttpOnly(e));
  return {
    command: httpRequestText(filled, target),
    target: step.target,
    readOnly: isMutating(step) ? undefined : 'declared',
    async run(writer, signal) {
      const context: TargetContext = { secrets };
      const progress = new ProgressThrottle(state.runId, step.id, options.onProgress ?? (() => {}));
      const executor = options.executors(step.target, target, context);
      let result: ExecResult;
      const started = Date.now();
      try {
        await executor.connect();
        result = await executor.exec({
          command: `${step.request.method} ${filled.request.path}`,
          http: { method: step.request.method, path: filled.request.path, headers, ...(body !== undefined ? { body } : {}) },
          timeoutMs: step.timeout ? durationMs(step.timeout) : undefined,
          signal,
          onOutput: (chunk) => {
            writer.write(chunk);
            progress.push(chunk);
          },
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        writer.write(`\n[cutover] ${message}\n`);
        result = { exitCode: null, signal: null, failure: { kind: ((error as { kind?: string }).kind ?? 'connect_failed') as NonNullable<ExecResult['failure']>['kind'], message }, durationMs: Date.now() - started };
      } finally {
        await executor.close().catch(() => undefined);
      }
      progress.flush();
      // The body-text gates (output_contains, abort_on, …) read the response body, not the request lines.
      const watcher = new GateWatcher(basic, step.abort_on, () => undefined);
      if (result.http) watcher.push(Buffer.from(result.http.bodyText));
      watcher.end();
      const gates = [...judgeHttp(step.expect, result.http ?? null, result.failure?.message ?? null), ...watcher.results({ exitCode: null })];
      const summary = result.http ? { method: step.request.method, status: result.http.status, latency_ms: result.http.latencyMs, ...(result.http.bodyTruncated ? { body_truncated: true } : {}) } : undefined;
      return { exitCode: null, signal: null, failure: result.failure, gates, durationMs: result.durationMs, ...(summary ? { summary } : {}), ...(result.http ? { http: result.http } : {}) };
    },
  };
}

/** How an HTTP step's expectation is named to people (the body-text ones as every step names them). */
export function describeHttpExpectation(e: HttpExpectation): string {
  if ('status' in e) return Array.isArray(e.status) ? `status in ${e.status.join(', ')}` : `status = ${e.status}`;
  if ('latency_ms' in e) return `latency_ms ${e.latency_ms.op} ${e.latency_ms.value}`;
  if ('json' in e) return e.json.op === 'exists' ? `${e.json.label ?? e.json.path} exists` : `${e.json.label ?? e.json.path} ${e.json.op} ${show(e.json.value ?? null)}`;
  return describeExpectation(e);
}
