// The shapes the Alembic module hands out: revision scripts as read from disk, findings, and
// the state of a database's `alembic_version` table. Plain data, JSON-serialisable.

export type FindingSeverity = 'error' | 'warning' | 'info';

/**
 * One thing the inspection noticed. `code` is stable (runbook gates and the CLI's JSON key on
 * it); `message` is for a person: what is wrong, why it matters, and what to do.
 */
export interface AlembicFinding {
  code: AlembicFindingCode;
  severity: FindingSeverity;
  message: string;
  details: Record<string, unknown>;
}

export type AlembicFindingCode =
  | 'unreadable-revision-file'
  | 'duplicate-revision'
  | 'illegal-revision-id'
  | 'duplicate-branch-label'
  | 'dangling-down-revision'
  | 'dangling-depends-on'
  | 'cycle'
  | 'multiple-heads'
  | 'hash-dependent-order'
  | 'no-version-table'
  | 'version-table-empty'
  | 'db-multiple-revisions'
  | 'db-revisions-overlap'
  | 'db-revision-unknown'
  | 'db-error'
  | 'target-unresolved'
  | 'pending-revisions'
  | 'upgrade-bookkeeping-failure'
  | 'up-to-date'
  | 'revision-id-too-long'
  | 'expected-path-mismatch';

/** A `versions/*.py` file that was read and understood. */
export interface RevisionScript {
  revision: string;
  /** `down_revision` as written: null (a base), one id, or several (a merge). */
  downRevisions: string[];
  /** `branch_labels` (empty when None). */
  branchLabels: string[];
  /** `depends_on` as written: revision ids or branch labels. */
  dependsOn: string[];
  /** Absolute path of the file. */
  path: string;
  /** First line of the module docstring, if any. */
  doc: string | null;
  /**
   * When the upgrade() body visibly widens alembic_version.version_num (ALTER ... TYPE
   * VARCHAR(n), op.alter_column(..., type_=sa.String(n))): the new width, 'unbounded' for TEXT.
   * A static reading of the source, not a guarantee.
   */
  widensVersionNumTo: number | 'unbounded' | null;
}

/** The project as Alembic would load it (alembic.ini + script directory). */
export interface AlembicProjectConfig {
  /** alembic.ini, when the project was found through one. */
  iniPath: string | null;
  /** The folder alembic commands run from (the ini's folder, or the script directory's parent). */
  projectDir: string;
  scriptLocation: string;
  /** The folders searched for revision files, in Alembic's order. */
  versionLocations: string[];
}

/** What is in the database's alembic_version table. */
export interface VersionTableState {
  /** False when the table does not exist (no lineage: a stamp is needed). */
  exists: boolean;
  schema: string | null;
  table: string;
  /** The version_num values, in the order the server returned them. */
  revisions: string[];
  /** Declared width of version_num (character_maximum_length); null when unbounded or unknown. */
  width: number | null;
  /** e.g. "character varying(32)". */
  columnType: string | null;
  /** Where the width came from: information_schema.columns, or pg_attribute when the view hid it. */
  widthSource: 'information_schema' | 'pg_attribute' | null;
  /** User tables in the database other than alembic_version (tells "fresh" from "unstamped"). */
  otherTables: number;
  database: string;
  user: string;
}
