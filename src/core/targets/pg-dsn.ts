// A postgres target's DSN and TLS, through the one PostgreSQL connection module (src/core/db/
// postgres.ts), with its refusals worded as TargetErrors.
import type { ConnectionOptions } from 'node:tls';
import { DsnError, parsePgDsn, pgTlsOptions, type PgDsn, type TlsMode } from '../db/postgres';
import type { Target } from '../runbook/schema';
import { TargetError } from './types';

export { effectiveTls } from '../db/postgres';
export type { TlsMode } from '../db/postgres';
export type PostgresTarget = Extract<Target, { kind: 'postgres' }>;
export type Dsn = PgDsn;

function asTargetError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DsnError) throw new TargetError('connect_failed', error.message);
    throw error;
  }
}

/**
 * The parts of a target's postgresql:// URL that pg needs, read as libpq reads them (the
 * password never comes from the DSN: the schema refuses one, the secret lives in the vault).
 */
export function parseDsn(dsn: string): Dsn {
  return asTargetError(() => parsePgDsn(dsn, { password: 'ignore' }));
}

/** pg's `ssl` option for a libpq sslmode (see pgTlsOptions). */
export function tlsOptions(mode: TlsMode, dsn: Pick<Dsn, 'sslrootcert' | 'sslcert' | 'sslkey'>): false | ConnectionOptions {
  return asTargetError(() => pgTlsOptions(mode, dsn));
}
