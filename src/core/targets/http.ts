// The `http` target: requests to an HTTP API (a sync service, a payments API) with its headers
// and a token from the vault. node:http(s) directly, so TLS verification is per target (on by
// default) and nothing global changes. The transcript shows the request line, the headers with
// every credential redacted, the status, the latency and the body (the first 1 MiB, said when
// cut); any secret value the server echoes is redacted too.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { durationMs, type HttpTarget } from '../runbook/schema';
import { REDACTED, redactingOutput, redactText, resolveSecretEnv, MissingSecretError } from './redact';
import { TargetError } from './types';
import type { ExecFailure, ExecRequest, ExecResult, Executor, HttpRequestSpec, HttpResponseFacts, TargetContext } from './types';

/** How much of a response body is kept (in the transcript and for gates). */
export const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

export interface HttpExchange {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  tlsVerify: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpReply {
  status: number;
  statusText: string;
  contentType: string | null;
  latencyMs: number;
  body: Buffer;
  /** Bytes received in all (more than body.length when the body was cut). */
  totalBytes: number;
  truncated: boolean;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|SSL/;

function failureOf(error: NodeJS.ErrnoException, exchange: HttpExchange, timedOut: boolean): TargetError {
  const where = `${exchange.method} ${exchange.url.origin}`;
  if (timedOut) return new TargetError('timeout', `${where}: no complete response within ${exchange.timeoutMs} ms (the step's timeout); the request was abandoned`);
  if (exchange.signal?.aborted) return new TargetError('cancelled', `${where}: cancelled`);
  const code = error.code ?? '';
  if (TLS_CODES.test(code)) return new TargetError('tls_failed', `${where}: the server's TLS certificate did not verify (${code}: ${error.message}). Give the server a certificate this machine trusts; for a rehearsal against a self-signed server, set \`tls_verify: false\` on the target`);
  if (/ECONNRESET|EPIPE|socket hang up/i.test(`${code} ${error.message}`)) return new TargetError('connection_lost', `${where}: the connection closed before the response was complete (${code || error.message})`);
  return new TargetError('connect_failed', `${where}: ${code ? `${code}: ` : ''}${error.message}`);
}

/** Sends one request and reads the response (at most MAX_BODY_BYTES kept). Throws TargetError. */
export function sendHttp(exchange: HttpExchange): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const send = exchange.url.protocol === 'https:' ? httpsRequest : httpRequest;
    let timedOut = false;
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      exchange.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const req = send(exchange.url, {
      method: exchange.method,
      headers: { ...exchange.headers, ...(exchange.body !== undefined ? { 'content-length': String(Buffer.byteLength(exchange.body)) } : {}) },
      rejectUnauthorized: exchange.tlsVerify,
      agent: false,
    }, (res: IncomingMessage) => {
      const kept: Buffer[] = [];
      let keptBytes = 0;
      let totalBytes = 0;
      res.on('data', (chunk: Buffer) => {
        totalBytes += chunk.length;
        if (keptBytes < MAX_BODY_BYTES) {
          const part = chunk.subarray(0, MAX_BODY_BYTES - keptBytes);
          kept.push(part);
          keptBytes += part.length;
        }
      });
      res.on('end', () => finish(() => resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        contentType: typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : null,
        latencyMs: Math.round(performance.now() - started),
        body: Buffer.concat(kept),
        totalBytes,
        truncated: totalBytes > keptBytes,
      })));
      res.on('error', (error) => finish(() => reject(failureOf(error, exchange, timedOut))));
    });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error('timeout'));
    }, exchange.timeoutMs);
    const onAbort = () => req.destroy(new Error('cancelled'));
    if (exchange.signal?.aborted) onAbort();
    else exchange.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error: NodeJS.ErrnoException) => finish(() => reject(failureOf(error, exchange, timedOut))));
    if (exchange.body !== undefined) req.write(exchange.body);
    req.end();
  });
}

/** base_url joined with a step's path: "https://h/api" + "/v1/x" → "https://h/api/v1/x". */
export function joinUrl(baseUrl: string, path: string): URL {
  const base = new URL(baseUrl);
  return new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${path}`);
}

/** The target's headers and token, with ${secret:NAME} filled; `credentials` lists the headers that carry a secret. */
export function targetHeaders(target: HttpTarget, extra: Record<string, string>, secrets: Record<string, string>): { headers: Record<string, string>; credentials: Set<string> } {
  const written = { ...target.headers, ...extra };
  const headers = resolveSecretEnv(written, secrets);
  const credentials = new Set(Object.keys(written).filter((k) => written[k] !== headers[k]).map((k) => k.toLowerCase()));
  if (target.auth) {
    const secretName = 'bearer' in target.auth ? target.auth.bearer : target.auth.secret;
    const header = 'bearer' in target.auth ? 'Authorization' : target.auth.header;
    const value = secrets[secretName];
    if (value === undefined) throw new MissingSecretError(secretName, header);
    headers[header] = 'bearer' in target.auth ? `Bearer ${value}` : value;
    credentials.add(header.toLowerCase());
  }
  return { headers, credentials };
}

/** Request headers as the transcript shows them: credentials and anything named like one redacted. */
export function shownHeaders(headers: Record<string, string>, credentials: Set<string>): string[] {
  return Object.entries(headers).map(([k, v]) => `${k}: ${credentials.has(k.toLowerCase()) || /^(authorization|proxy-authorization|cookie)$|token|secret|api[-_]?key|password/i.test(k) ? REDACTED : v}`);
}

export class HttpExecutor implements Executor {
  readonly kind = 'http';

  constructor(readonly name: string, readonly target: HttpTarget, private readonly context: TargetContext) {}

  /** Checks the base URL and that the token's secret is there; no request is sent. */
  connect(): Promise<void> {
    try {
      const url = new URL(this.target.base_url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      return Promise.reject(new TargetError('connect_failed', `Target "${this.name}": base_url ${JSON.stringify(this.target.base_url)} is not an http:// or https:// URL.`));
    }
    try {
      targetHeaders(this.target, {}, this.context.secrets);
    } catch (error) {
      return Promise.reject(new TargetError('auth_failed', (error as Error).message));
    }
    return Promise.resolve();
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    const spec: HttpRequestSpec = request.http ?? requestFromLine(request.command);
    const secrets = Object.values(this.context.secrets);
    const out = redactingOutput(secrets, request.onOutput);
    const line = (text: string) => out.write(Buffer.from(`${text}\n`), 'stdout');
    const started = Date.now();
    const failed = (kind: ExecFailure, message: string): ExecResult => {
      line(`[cutover] ${message}`);
      out.end();
      return { exitCode: null, signal: null, failure: { kind, message: redactText(message, secrets) }, durationMs: Date.now() - started };
    };
    let url: URL;
    let prepared: ReturnType<typeof targetHeaders>;
    try {
      url = joinUrl(this.target.base_url, spec.path);
      prepared = targetHeaders(this.target, spec.headers, this.context.secrets);
    } catch (error) {
      return failed(error instanceof MissingSecretError ? 'auth_failed' : 'connect_failed', (error as Error).message);
    }
    line(`> ${spec.method} ${url.toString()}`);
    for (const header of shownHeaders(prepared.headers, prepared.credentials)) line(`> ${header}`);
    if (spec.body !== undefined) {
      line(`> (body, ${Buffer.byteLength(spec.body)} bytes)`);
      line(spec.body);
    }
    line('');
    const timeoutMs = request.timeoutMs ?? (this.target.timeout ? durationMs(this.target.timeout) : DEFAULT_TIMEOUT_MS);
    let reply: HttpReply;
    try {
      reply = await sendHttp({ url, method: spec.method, headers: prepared.headers, body: spec.body, tlsVerify: this.target.tls_verify, timeoutMs, signal: request.signal });
    } catch (error) {
      const e = error instanceof TargetError ? error : new TargetError('connect_failed', (error as Error).message);
      return failed(e.kind, e.message);
    }
    line(`< ${reply.status} ${reply.statusText} (${reply.latencyMs} ms, ${reply.totalBytes} bytes${reply.contentType ? `, ${reply.contentType}` : ''})`);
    line('');
    if (reply.body.length > 0) out.write(reply.body, 'stdout');
    if (reply.truncated) line(`\n[cutover] body cut: the first ${MAX_BODY_BYTES} of ${reply.totalBytes} bytes are kept`);
    out.end();
    const bodyText = redactText(reply.body.toString('utf8'), secrets);
    const facts: HttpResponseFacts = { status: reply.status, latencyMs: reply.latencyMs, bodyText, ...(reply.truncated ? { bodyTruncated: true } : {}) };
    if (!reply.truncated && bodyText.trim() !== '') {
      // Parsed from the bytes received (the redacted text may no longer be JSON); a secret inside a value is redacted.
      try {
        facts.json = redactJson(JSON.parse(reply.body.toString('utf8')) as unknown, secrets);
      } catch {
        // Not JSON: json expectations say "the body is not JSON".
      }
    }
    return { exitCode: null, signal: null, failure: null, durationMs: Date.now() - started, http: facts };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Every secret value inside a parsed JSON document's strings (and keys) replaced by [REDACTED]. */
function redactJson(value: unknown, secrets: string[]): unknown {
  const clean = (text: string) => secrets.reduce((t, secret) => (secret ? t.split(secret).join(REDACTED) : t), text);
  if (typeof value === 'string') return clean(value);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, secrets));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), redactJson(v, secrets)]));
  return value;
}

/** "POST /sync" → the request an ExecRequest without `http` stands for (a bare command line). */
function requestFromLine(command: string): HttpRequestSpec {
  const m = /^([A-Z]+)\s+(\/\S*)$/.exec(command.trim());
  return m ? { method: m[1]!, path: m[2]!, headers: {} } : { method: 'GET', path: '/', headers: {} };
}
