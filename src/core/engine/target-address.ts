// How a target is named to people and to tools: its address (a DSN never carries a password;
// the runbook schema refuses one), and a postgres target's libpq URL with its TLS mode.
import { mysqlSslModeName } from '../db/tls-mode';
import type { Target } from '../runbook/schema';

/** DSN (postgres, mysql), user@host:port (ssh), base_url (http) or "local". */
export function targetAddress(target: Target): string {
  if (target.kind === 'postgres' || target.kind === 'mysql') return target.dsn;
  if (target.kind === 'ssh') return `${target.user ? `${target.user}@` : ''}${target.host}:${target.port ?? 22}`;
  if (target.kind === 'http') return target.base_url;
  return 'local';
}

/** A postgres target as a libpq URL for tools (psql, alembic): its DSN with its TLS mode. */
export function libpqUrl(target: Extract<Target, { kind: 'postgres' }>): string {
  const url = new URL(target.dsn);
  if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', target.tls);
  return url.toString();
}

/** A mysql target as a URL for tools (mysqlsh, scripts): its DSN (never a password) with its TLS mode as ssl-mode. */
export function mysqlUrl(target: Extract<Target, { kind: 'mysql' }>): string {
  const url = new URL(target.dsn);
  if (!url.searchParams.has('ssl-mode') && !url.searchParams.has('sslmode')) url.searchParams.set('ssl-mode', mysqlSslModeName(target.tls));
  return url.toString();
}

/** What ${target:NAME} becomes in a step's environment: a database target's URL with its TLS mode, else its address. */
export function targetReference(target: Target): string {
  if (target.kind === 'postgres') return libpqUrl(target);
  if (target.kind === 'mysql') return mysqlUrl(target);
  return targetAddress(target);
}

const TARGET_REF = /\$\{target:([A-Za-z0-9_.-]+)\}/g;

/**
 * Fills ${target:NAME} in environment values, leaving ${secret:NAME} as it is (a secret's name,
 * never its value): what the plan approvers sign shows which database each command reaches.
 * An unknown target stays as written (the run refuses it when the step executes).
 */
export function resolveTargetRefs(env: Record<string, string>, targets: Record<string, Target>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    out[key] = value.replace(TARGET_REF, (whole, name: string) => {
      const target = targets[name];
      return target ? targetReference(target) : whole;
    });
  }
  return out;
}
