// The PostgreSQL user name when a DSN names none, as libpq decides it: PGUSER, else the name of
// the operating-system user running the process (not $USER, which a service, cron or a
// container may leave unset: pg alone would then send no user name at all).
import { userInfo } from 'node:os';

export function defaultPgUser(): string {
  if (process.env.PGUSER) return process.env.PGUSER;
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): what pg would have used, or postgres.
    return process.env.USER || process.env.USERNAME || 'postgres';
  }
}

/** A postgresql:// URL with the default user filled in when it names none (for pg's connectionString). */
export function withDefaultUser(dsn: string): string {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    return dsn;
  }
  if (url.username || url.searchParams.has('user')) return dsn;
  url.username = encodeURIComponent(defaultPgUser());
  return url.toString();
}
