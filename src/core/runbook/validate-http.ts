// Checks for HTTP targets, HTTP steps, monitor probes and schedules that need the whole runbook: targets
// that must exist and be http ones, secrets that must be declared, tokens that must not be
// written in clear, a mutating method where only reading was declared. validate.ts calls this.
import type { DocPath } from './errors';
import { durationMs, READ_ONLY_HTTP_METHODS, type Runbook, type Target } from './schema';
import type { LocatedStep } from './validate';

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
    for (const secret of refs) sink.needSecret([...path, name], secret, `header \`${name}\` of ${what}`);
    if (refs.length === 0 && value.trim() !== '' && (CREDENTIAL_HEADER.test(name) || /^\s*(bearer|basic)\s+\S/i.test(value))) {
      sink.error([...path, name], `header \`${name}\` carries a credential written in clear: declare a secret and use \`auth: { bearer: <secret> }\` on the http target (or write the value as \${secret:<name>}), so it comes from the vault and is redacted`);
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
  if (!target) return `unknown target \`${name}\`: ${https.length ? `the http targets are ${https.join(', ')}` : 'declare one with `kind: http` and `base_url`'}`;
  if (target.kind !== 'http') return `\`${name}\` is a ${target.kind} target; an HTTP request goes to a target with \`kind: http\``;
  return null;
}

export function validateHttp(runbook: Runbook, steps: LocatedStep[], sink: HttpCheckSink): void {
  for (const [name, target] of Object.entries(runbook.targets)) {
    if (target.kind !== 'http') continue;
    const at: DocPath = ['targets', name];
    if (target.auth) {
      if ('bearer' in target.auth) sink.needSecret([...at, 'auth', 'bearer'], target.auth.bearer, `the token of target \`${name}\``);
      else sink.needSecret([...at, 'auth', 'secret'], target.auth.secret, `the token of target \`${name}\``);
    }
    checkHeaders(target.headers, [...at, 'headers'], `target \`${name}\``, sink);
    if (!target.tls_verify) sink.warn([...at, 'tls_verify'], `target \`${name}\` does not verify TLS certificates: anyone on the path can answer for the server. Use this for a rehearsal against a self-signed server only`);
    if (/^https?:\/\/[^/]*:[^/@]*@/.test(target.base_url)) sink.error([...at, 'base_url'], `the base_url of target \`${name}\` carries a password: remove it and use \`auth\` with a declared secret`);
  }

  for (const { step, path } of steps) {
    if (step.kind === 'http') {
      const problem = targetProblem(runbook, step.target);
      if (problem) sink.error([...path, 'target'], problem);
      const method = step.request.method;
      if (step.read_only === true && !READ_ONLY_HTTP_METHODS.has(method)) {
        sink.error([...path, 'request', 'method'], `${method} changes something, and this step is declared \`read_only: true\`: a read-only check uses GET or HEAD; a mutating request drops \`read_only\` and needs the plan's approvals like a command`);
      }
      if (READ_ONLY_HTTP_METHODS.has(method) && step.request.body !== undefined) sink.warn([...path, 'request', 'body'], `a ${method} request with a body: most servers ignore it`);
      checkHeaders(step.request.headers, [...path, 'request', 'headers'], `step \`${step.id}\``, sink);
      step.expect.forEach((e, i) => {
        if ('exit_code' in e) sink.error([...path, 'expect', i], 'an HTTP step has no exit code: expect `status: 200` (or a list of statuses) instead');
      });
    }
    if ((step.kind === 'check' || step.kind === 'http') && step.repeat) {
      if (step.kind === 'http' && !READ_ONLY_HTTP_METHODS.has(step.request.method)) sink.error([...path, 'repeat'], `only read-only steps repeat: a ${step.request.method} request changes something each time it runs; repeat a GET or HEAD, or a check`);
      if (durationMs(step.repeat.every) > durationMs(step.repeat.for)) sink.warn([...path, 'repeat', 'every'], `the schedule repeats every ${step.repeat.every} for only ${step.repeat.for}: it never runs again after its first run`);
      if (durationMs(step.repeat.every) < 60_000) sink.warn([...path, 'repeat', 'every'], `every ${step.repeat.every} is under a minute: each occurrence is a signed act and a transcript in the vault`);
    }
    if (step.kind === 'monitor' && step.probes) {
      step.probes.forEach((probe, i) => {
        const at: DocPath = [...path, 'probes', i];
        if (probe.target) {
          const problem = targetProblem(runbook, probe.target);
          if (problem) sink.error([...at, 'target'], problem);
          else if (!httpTarget(runbook, probe.target)) sink.error([...at, 'target'], `\`${probe.target}\` is not an http target`);
        }
        checkHeaders(probe.headers, [...at, 'headers'], `probe ${i + 1} of \`${step.id}\``, sink);
      });
    }
    if ((step.kind === 'check' || step.kind === 'command') && runbook.targets[step.target]?.kind === 'http') {
      // validate.ts already says `sql`/`run` cannot run there; say what to write instead.
      sink.error([...path, 'kind'], `\`${step.target}\` is an http target: a request to it is a step with \`kind: http\` and a \`request:\` (GET or HEAD to read, any other method needs approvals like a command)`);
    }
  }
}
