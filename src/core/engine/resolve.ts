// Targets as a run uses them (runbook targets with --target NAME=URI overrides applied), and
// the environment of a step with ${secret:NAME} and ${target:NAME} filled in.
import { targetSchema, type Runbook, type Target } from '../runbook/schema';
import { VaultInputError } from '../vault';
import { targetReference } from './target-address';
import { redactDsnPassword } from '../db/redact-dsn';
import { tlsModeOfUrl } from '../db/tls-mode';
import { translator, type Lang } from '../../shared/i18n';

export class RunInputError extends VaultInputError {}

/** NAME=URI: postgresql://user@host:port/db?sslmode=…, mysql://user@host:port/db[?ssl-mode=…], ssh://user@host:port[?cwd=…&host_key=SHA256:…], local or local:/dir, or an http target's new base_url. */
export function applyOverrides(runbook: Runbook, overrides: Record<string, string>, lang?: Lang): Record<string, Target> {
  const tr = translator(runbook.language ?? lang);
  const targets: Record<string, Target> = structuredClone(runbook.targets);
  for (const [name, uri] of Object.entries(overrides)) {
    const base = targets[name];
    if (!base) throw new RunInputError(tr.t('engine.target.unknown', { name, known: Object.keys(targets).join(', ') }));
    let next: unknown;
    if (base.kind === 'postgres') {
      if (!/^postgres(ql)?:\/\//.test(uri)) throw new RunInputError(tr.t('engine.target.postgres', { name }));
      const url = new URL(uri);
      const tls = url.searchParams.get('sslmode');
      next = { ...base, dsn: uri, ...(tls ? { tls } : {}) };
    } else if (base.kind === 'mysql') {
      if (!/^mysql:\/\//.test(uri)) throw new RunInputError(tr.t('engine.target.mysql', { name }));
      let url: URL;
      try {
        url = new URL(uri);
      } catch {
        throw new RunInputError(tr.t('engine.target.mysqlUrl', { name, uri: redactDsnPassword(uri) }));
      }
      const tls = tlsModeOfUrl(url);
      next = { ...base, dsn: uri, ...(tls ? { tls } : {}) };
    } else if (base.kind === 'http') {
      // Headers, token and TLS setting stay the runbook's; only where requests go changes.
      if (!/^https?:\/\//.test(uri)) throw new RunInputError(tr.t('engine.target.http', { name }));
      next = { ...base, base_url: uri };
    } else if (uri.startsWith('ssh://')) {
      const url = new URL(uri);
      const hostKey = url.searchParams.get('host_key');
      const cwd = url.searchParams.get('cwd') ?? (('cwd' in base && base.cwd) || undefined);
      const sshBase = base.kind === 'ssh' ? base : { kind: 'ssh' as const, auth: 'agent' as const };
      next = { ...sshBase, host: url.hostname, port: url.port ? Number(url.port) : undefined, user: url.username ? decodeURIComponent(url.username) : (base.kind === 'ssh' ? base.user : undefined), ...(hostKey ? { host_key: hostKey } : {}), ...(cwd ? { cwd } : {}) };
    } else if (uri === 'local' || uri.startsWith('local:')) {
      // A shell target may run on the workstation instead (a rehearsal with a local checkout).
      const cwd = uri.startsWith('local:') ? uri.slice(6) : ('cwd' in base ? base.cwd : undefined);
      next = { kind: 'local', ...(cwd ? { cwd } : {}), ...(base.kind === 'local' ? { shell: base.shell } : {}) };
    } else {
      throw new RunInputError(tr.t('engine.target.shell', { name }));
    }
    const parsed = targetSchema.safeParse(next);
    if (!parsed.success) throw new RunInputError(tr.t('engine.target.invalid', { name, issues: parsed.error.issues.map((i) => i.message).join('; ') }));
    targets[name] = parsed.data;
  }
  return targets;
}

const REF = /\$\{(secret|target):([A-Za-z0-9_.-]+)\}/g;

/** Fills ${secret:NAME} and ${target:NAME} (a postgres target: its libpq URL) in environment values. */
export function expandEnv(env: Record<string, string>, secrets: Record<string, string>, targets: Record<string, Target>, lang?: Lang): Record<string, string> {
  const tr = translator(lang);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    out[key] = value.replace(REF, (_m, kind: string, name: string) => {
      if (kind === 'secret') {
        const secret = secrets[name];
        if (secret === undefined) throw new RunInputError(tr.t('engine.env.secret', { name, key }));
        return secret;
      }
      const target = targets[name];
      if (!target) throw new RunInputError(tr.t('engine.env.target', { key, name }));
      return targetReference(target);
    });
  }
  return out;
}

/** Names of the secrets a step's environment and target need. */
export function secretsUsed(env: Record<string, string>, target: Target | undefined): string[] {
  const names = new Set<string>();
  for (const value of Object.values(env)) for (const m of value.matchAll(REF)) if (m[1] === 'secret') names.add(m[2]!);
  if (target && 'secret' in target && target.secret) names.add(target.secret);
  return [...names];
}
