// DSN facts the runbook schema and the PostgreSQL checks share, without loading zod (the
// checks run in short-lived CLI processes, where every module loaded is start-up time).

/** A password in the DSN's user info ("user:pw@") or as a `password=` parameter. */
export function dsnCarriesPassword(dsn: string): boolean {
  if (/^postgres(ql)?:\/\/[^/@:]*:[^/@]*@/.test(dsn)) return true;
  if (/[?&]password=/i.test(dsn)) return true;
  try {
    return new URL(dsn).password !== '';
  } catch {
    return false;
  }
}
