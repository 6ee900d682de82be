// What every database kind shares: libpq's five TLS modes (the `tls:` of a postgres or mysql
// target, the sslmode of a DSN), how a DSN's mode combines with the target's, and the error a
// malformed DSN raises before anything connects.

export const TLS_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type TlsMode = (typeof TLS_MODES)[number];

/** The stricter of the target's `tls` and the DSN's mode: a DSN never weakens the target. */
export function effectiveTls(target: TlsMode, dsnMode: string | undefined): TlsMode {
  const fromDsn = TLS_MODES.find((m) => m === dsnMode) ?? (dsnMode === 'allow' ? 'prefer' : undefined);
  if (!fromDsn) return target;
  return TLS_MODES.indexOf(fromDsn) > TLS_MODES.indexOf(target) ? fromDsn : target;
}

/** A DSN that cannot be used as written (malformed, a password in it, an unknown mode). */
export class DsnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DsnError';
  }
}

/** MySQL's own --ssl-mode names, read as the libpq modes they are. */
export const MYSQL_SSL_MODES: Readonly<Record<string, TlsMode>> = { DISABLED: 'disable', PREFERRED: 'prefer', REQUIRED: 'require', VERIFY_CA: 'verify-ca', VERIFY_IDENTITY: 'verify-full' };

/** A TLS mode under MySQL's name (ssl-mode=REQUIRED), for URLs handed to MySQL tools. */
export function mysqlSslModeName(mode: TlsMode): string {
  return Object.entries(MYSQL_SSL_MODES).find(([, m]) => m === mode)![0];
}

/** The TLS mode a URL names (libpq's sslmode, or MySQL's ssl-mode), if it names a known one. */
export function tlsModeOfUrl(url: URL): TlsMode | undefined {
  const libpq = url.searchParams.get('sslmode');
  if (libpq !== null) return libpq === 'allow' ? 'prefer' : TLS_MODES.find((m) => m === libpq);
  const mysql = url.searchParams.get('ssl-mode');
  return mysql !== null ? MYSQL_SSL_MODES[mysql.toUpperCase()] : undefined;
}
