// Errors a preflight or fingerprint run can meet, each with a message that says what to do
// next. `kind` lets a caller (the CLI, the engine) decide without parsing messages.
export type PgCheckErrorKind =
  | 'dsn'          // the DSN is malformed or carries a password
  | 'connect'      // refused, unreachable, unknown host, TLS
  | 'auth'         // the server refused the login
  | 'permission'   // the role may not connect or read what the check needs
  | 'lost'         // the session ended mid-query (pg_terminate_backend, restart, network)
  | 'timeout'      // statement_timeout or lock_timeout reached
  | 'sql'          // any other error PostgreSQL returned
  | 'input';       // a fingerprint file or a vault record that is not what it should be

export class PgCheckError extends Error {
  readonly sqlState: string | undefined;

  constructor(readonly kind: PgCheckErrorKind, message: string, options: { cause?: unknown; sqlState?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PgCheckError';
    this.sqlState = options.sqlState;
  }
}
