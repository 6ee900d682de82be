import type { Lang } from '../../shared/i18n';

// What a preflight check reports. PASS: fine for a cutover. WARN: look before going on.
// FAIL: do not start (or could not check). INFO: a fact the runbook records, no judgment.
export type CheckStatus = 'PASS' | 'WARN' | 'FAIL' | 'INFO';

export type CheckId =
  | 'server.version'
  | 'server.settings'
  | 'database.size'
  | 'connections'
  | 'sessions.long-running'
  | 'sessions.idle-in-transaction'
  | 'locks.blocking'
  | 'replication'
  | 'wal.archiving'
  | 'indexes.invalid'
  | 'objects.required';

export interface CheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** One line a person reads first. */
  summary: string;
  /** The facts behind it, as plain JSON (kept as evidence). */
  details: Record<string, unknown>;
}

/** The runbook's "objects present" list. Names are bare ("users") or schema-qualified ("public.users"). */
export interface RequiredObjects {
  tables?: string[];
  views?: string[];
  indexes?: string[];
  /** Enum types. */
  enums?: string[];
  /** Any user-defined type: enum, domain, composite, range. */
  types?: string[];
  /** Constraint names; "fk", "table.fk" or "schema.table.fk". */
  foreignKeys?: string[];
}

export interface PreflightOptions {
  /** An active query running longer than this is reported (default 300 s). */
  longQuerySeconds?: number;
  /** A session idle in a transaction for longer than this is reported (default 60 s). */
  idleInTransactionSeconds?: number;
  /** Connections in use over max_connections (less the reserved ones): WARN from (default 0.8)… */
  connectionsWarnRatio?: number;
  /** …FAIL from (default 0.95). */
  connectionsFailRatio?: number;
  /** A replica replaying more than this behind is WARN (default 60 s). */
  replicationLagSeconds?: number;
  /** …or more than this many bytes behind (default 1 GiB). */
  replicationLagBytes?: number;
  /** The last archived WAL segment older than this is WARN (default 3600 s). */
  archiveMaxAgeSeconds?: number;
  /** When given, the objects.required check runs. */
  required?: RequiredObjects;
  /** Per check (default 5000 ms). */
  statementTimeoutMs?: number;
  /** Only these checks (default: all that apply). */
  only?: CheckId[];
  /**
   * The language of the titles and summaries (default English): the reader's, for the CLI's
   * human output and the window; --json and anything recorded keep English.
   */
  lang?: Lang;
}

export interface PreflightReport {
  /** host:port/database. */
  target: string;
  startedAt: string;
  durationMs: number;
  /** The worst status: FAIL > WARN > PASS > INFO. */
  status: CheckStatus;
  checks: CheckResult[];
}
