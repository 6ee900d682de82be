// How a target is named to people and to tools: its address (a DSN never carries a password;
// the runbook schema refuses one), and a postgres target's libpq URL with its TLS mode.
import type { Target } from '../runbook/schema';

/** DSN (postgres), user@host:port (ssh) or "local". */
export function targetAddress(target: Target): string {
  if (target.kind === 'postgres') return target.dsn;
  if (target.kind === 'ssh') return `${target.user ? `${target.user}@` : ''}${target.host}:${target.port ?? 22}`;
  return 'local';
}

/** A postgres target as a libpq URL for tools (psql, alembic): its DSN with its TLS mode. */
export function libpqUrl(target: Extract<Target, { kind: 'postgres' }>): string {
  const url = new URL(target.dsn);
  if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', target.tls);
  return url.toString();
}

/** What ${target:NAME} becomes in a step's environment: a postgres target's libpq URL, else its address. */
export function targetReference(target: Target): string {
  return target.kind === 'postgres' ? libpqUrl(target) : targetAddress(target);
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
