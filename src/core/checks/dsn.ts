// The DSN a check connects with: a postgresql:// URL that never carries a password (a password
// in an argument ends up in `ps`, shell history and the evidence), read by the one PostgreSQL
// connection module (src/core/db/postgres.ts), with its refusals worded as PgCheckErrors.
import { DsnError, findPgPassword, KNOWN_PG_PARAMS, parsePgDsn, pgPasswordRefusal, type PgDsn, type TlsMode } from '../db/postgres';
import { translate, type Lang } from '../../shared/i18n';
import { PgCheckError } from './errors';

export type SslMode = TlsMode;

export interface ParsedDsn extends Omit<PgDsn, 'sslmode' | 'unknownParams'> {
  /** The DSN's sslmode, prefer when it names none (libpq's default). */
  sslmode: SslMode;
}

export const PASSWORD_REFUSED = pgPasswordRefusal();

/** Preflight, fingerprints, diffs and the ledger read PostgreSQL's catalogs: a MySQL DSN is named as such, not as a malformed URL. */
export const MYSQL_NOT_HERE = translate('en', 'checks.dsn.mysql');

/**
 * Parses a postgresql:// DSN; refuses a malformed one, one with a password, and parameters a check
 * does not use (its own refusals in `lang`, default English; db/postgres's are English).
 */
export function parseDsn(dsn: string, options: { allowPassword?: boolean; lang?: Lang } = {}): ParsedDsn {
  const lang = options.lang ?? 'en';
  if (/^mysql:\/\//i.test(dsn)) throw new PgCheckError('dsn', translate(lang, 'checks.dsn.mysql'));
  let parsed: PgDsn;
  try {
    parsed = parsePgDsn(dsn, { password: options.allowPassword ? 'allow' : 'refuse' });
  } catch (error) {
    if (error instanceof DsnError) throw new PgCheckError('dsn', error.message);
    throw error;
  }
  const { unknownParams: unknown, sslmode, ...rest } = parsed;
  if (unknown.length) throw new PgCheckError('dsn', translate(lang, `checks.dsn.unsupported.${unknown.length > 1 ? 'other' : 'one'}`, { params: unknown.join(', '), supported: KNOWN_PG_PARAMS.join(', ') }));
  return { ...rest, sslmode: sslmode ?? 'prefer' };
}

/** The password for a connection, the way libpq finds it: PGPASSWORD, then the pgpass file. */
export const findPassword = findPgPassword;
