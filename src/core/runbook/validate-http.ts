// Checks for HTTP targets, HTTP steps, monitor probes and schedules that need the whole runbook: targets
// that must exist and be http ones, secrets that must be declared, tokens that must not be
// written in clear, a mutating method where only reading was declared. validate.ts calls this.
import type { DocPath } from './errors';
import { durationMs, READ_ONLY_HTTP_METHODS, type Runbook, type Target } from './schema';
import type { LocatedStep } from './validate';
import { say } from './errors';

export interface HttpCheckSink {
  error(path: DocPath, message: string): void;
  warn(path: DocPath, message: string): void;
  /** Marks a secret as used, and errs when it is not declared. */
  needSecret(path: DocPath, name: string, what: string): void;
}

const SECRET_REF = /\$\{secret:([A-Za-z0-9][A-Za-z0-9_.-]{0,63})\}/g;
/** Headers that carry a credential. */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie)$|token|secret|api[-_]?key|password/i;

function checkHeaders(headers: Record<string, string>, path: DocPath, what: string, sink: HttpCheckSink): void {
  for (const [name, value] of Object.entries(headers)) {
    const refs = [...value.matchAll(SECRET_REF)].map((m) => m[1]!);
    for (const secret of refs) sink.needSecret([...path, name], secret, say('runbook.what.header', { name, what }));
    if (refs.length === 0 && value.trim() !== '' && (CREDENTIAL_HEADER.test(name) || /^\s*(bearer|basic)\s+\S/i.test(value))) {
      sink.error([...path, name], say('runbook.http.clearCredential', { name, auth: `auth: { bearer: ${say('runbook.placeholder.secret')} }`, ref: `\${secret:${say('runbook.placeholder.name')}}` }));
    }
  }
}

function httpTarget(runbook: Runbook, name: string): Extract<Target, { kind: 'http' }> | undefined {
  const target = runbook.targets[name];
  return target?.kind === 'http' ? target : undefined;
}

function targetProblem(runbook: Runbook, name: string): string | null {
  const target = runbook.targets[name];
  const https = Object.entries(runbook.targets).filter(([, t]) => t.kind === 'http').map(([n]) => `\`${n}\``);
  if (!target) return say('runbook.http.unknownTarget', { name, advice: https.length ? say('runbook.http.httpTargets', { names: https.join(', ') }) : say('runbook.http.declareOne') });
  if (target.kind !== 'http') return say('runbook.http.notHttp', { name, kind: target.kind });
  return null;
}

export function validateHttp(runbook: Runbook, steps: LocatedStep[], sink: HttpCheckSink): void {
  for (const [name, target] of Object.entries(runbook.targets)) {
    if (target.kind !== 'http') continue;
    const at: DocPath = ['targets', name];
    if (target.auth) {
      if ('bearer' in target.auth) sink.needSecret([...at, 'auth', 'bearer'], target.auth.bearer, say('runbook.what.token', { name }));
      else sink.needSecret([...at, 'auth', 'secret'], target.auth.secret, say('runbook.what.token', { name }));
    }
    checkHeaders(target.headers, [...at, 'headers'], say('runbook.what.target', { name }), sink);
    if (!target.tls_verify) sink.warn([...at, 'tls_verify'], say('runbook.http.noTlsVerify', { name }));
    if (/^https?:\/\/[^/]*:[^/@]*@/.test(target.base_url)) sink.error([...at, 'base_url'], say('runbook.http.baseUrlPassword', { name }));
  }

  for (const { step, path } of steps) {
    if (step.kind === 'http') {
      const problem = targetProblem(runbook, step.target);
      if (problem) sink.error([...path, 'target'], problem);
      const method = step.request.method;
      if (step.read_only === true && !READ_ONLY_HTTP_METHODS.has(method)) {
        sink.error([...path, 'request', 'method'], say('runbook.http.readOnlyMethod', { method }));
      }
      if (READ_ONLY_HTTP_METHODS.has(method) && step.request.body !== undefined) sink.warn([...path, 'request', 'body'], say('runbook.http.bodyIgnored', { method }));
      checkHeaders(step.request.headers, [...path, 'request', 'headers'], say('runbook.what.step', { id: step.id }), sink);
      step.expect.forEach((e, i) => {
        if ('exit_code' in e) sink.error([...path, 'expect', i], say('runbook.http.noExitCode'));
      });
    }
    if ((step.kind === 'check' || step.kind === 'http') && step.repeat) {
      if (step.kind === 'http' && !READ_ONLY_HTTP_METHODS.has(step.request.method)) sink.error([...path, 'repeat'], say('runbook.http.repeatMutating', { method: step.request.method }));
      if (durationMs(step.repeat.every) > durationMs(step.repeat.for)) sink.warn([...path, 'repeat', 'every'], say('runbook.http.repeatNever', { every: step.repeat.every, window: step.repeat.for }));
      if (durationMs(step.repeat.every) < 60_000) sink.warn([...path, 'repeat', 'every'], say('runbook.http.repeatOften', { every: step.repeat.every }));
    }
    if (step.kind === 'monitor' && step.probes) {
      step.probes.forEach((probe, i) => {
        const at: DocPath = [...path, 'probes', i];
        if (probe.target) {
          const problem = targetProblem(runbook, probe.target);
          if (problem) sink.error([...at, 'target'], problem);
          else if (!httpTarget(runbook, probe.target)) sink.error([...at, 'target'], say('runbook.http.probeNotHttp', { name: probe.target }));
        }
        checkHeaders(probe.headers, [...at, 'headers'], say('runbook.what.probe', { n: i + 1, id: step.id }), sink);
      });
    }
    if ((step.kind === 'check' || step.kind === 'command') && runbook.targets[step.target]?.kind === 'http') {
      // validate.ts already says `sql`/`run` cannot run there; say what to write instead.
      sink.error([...path, 'kind'], say('runbook.http.execOnHttp', { name: step.target }));
    }
  }
}
