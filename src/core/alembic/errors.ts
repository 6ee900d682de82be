// Errors a user can meet reading an Alembic project or a database. Each message says what to
// do next; `code` is stable. Everything that is a property of the project or the database
// (a cycle, an unknown revision) is a finding instead, never an exception.

export class AlembicError extends Error {
  readonly code: string = 'ALEMBIC_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The project cannot be found or its alembic.ini cannot be understood. */
export class AlembicConfigError extends AlembicError {
  override readonly code = 'ALEMBIC_CONFIG';
}

/** An upgrade cannot be planned (unknown target, several heads for "head", ...). */
export class AlembicPlanError extends AlembicError {
  constructor(
    readonly reason: 'unknown-revision' | 'ambiguous-revision' | 'multiple-heads' | 'overlapping-revisions' | 'unsupported-target' | 'invalid-graph',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
  override readonly code = 'ALEMBIC_PLAN';
}

export type AlembicDbErrorKind =
  | 'connect_failed'
  | 'auth_failed'
  | 'database_missing'
  | 'permission_denied'
  | 'connection_lost'
  | 'timeout'
  | 'sql_error';

/** Reading alembic_version failed; `kind` says why in a word, `message` in a sentence. */
export class AlembicDbError extends AlembicError {
  override readonly code = 'ALEMBIC_DB';
  constructor(readonly kind: AlembicDbErrorKind, message: string, readonly sqlState?: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
