// One PostgreSQL session for checks. Every query runs inside `BEGIN READ ONLY` with a short
// statement_timeout and lock_timeout (SET LOCAL, so nothing outlives the transaction): a
// check can neither write nor queue for long behind a lock. Errors come out as PgCheckError
// with a message that says what happened and what to do.
import pg from 'pg';
import { DsnError, openPgClient } from '../db/postgres';
import { findPassword, parseDsn, type ParsedDsn } from './dsn';
import { translator, type Lang, type Translator } from '../../shared/i18n';
import { PgCheckError } from './errors';

export interface SessionOptions {
  /** The password; otherwise PGPASSWORD, then ~/.pgpass (or PGPASSFILE). */
  password?: string;
  /** TCP connect + TLS + login (default 10 s). */
  connectTimeoutMs?: number;
  applicationName?: string;
  /** Library callers that already hold a DSN with a password (tests); the CLI never sets it. */
  allowPasswordInDsn?: boolean;
  /** The language of the session's refusals and failures (default English); PostgreSQL's own words stay as they came. */
  lang?: Lang;
}

export interface ReadOnlyOptions {
  /** What is being read, for messages: "the blocking lock chains". */
  what: string;
  /** Default 5 s. */
  statementTimeoutMs?: number;
  /** Default 2 s: a catalog read must not queue behind a DDL lock for long. */
  lockTimeoutMs?: number;
  /** REPEATABLE READ: every query of the transaction sees one snapshot. */
  snapshot?: boolean;
  /** SET LOCAL search_path, e.g. "pg_catalog" so every name the server prints is qualified. */
  searchPath?: string;
  /** With `snapshot`: see exactly what the transaction that ran pg_export_snapshot() sees. */
  importSnapshot?: string;
  /** idle_in_transaction_session_timeout (default statement_timeout + 10 s). */
  idleTimeoutMs?: number;
  /** The language of this transaction's failures, when it is not the session's (a preflight's summaries). */
  lang?: Lang;
}

/** Runs one query of the transaction and returns its rows. */
export type Query = <R = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;

interface PgErrorLike extends Error {
  code?: string;
  detail?: string;
  hint?: string;
}

const SESSION_ENDED = new Set(['57P01', '57P02', '57P03']);
const LOST_MESSAGE = /Connection terminated|not queryable|ECONNRESET|EPIPE|socket hang up|Client was closed/i;
/** Client-side backstop over statement_timeout: a dead network never answers at all. */
const CLIENT_GRACE_MS = 5_000;

function seconds(ms: number, lang: Lang): string {
  const text = ms % 1000 === 0 ? `${ms / 1000}` : (ms / 1000).toFixed(1);
  return `${lang === 'en' ? text : text.replace('.', ',')}s`;
}

export class PgSession {
  private lostReason: string | null = null;
  private busy = false;

  private constructor(
    private readonly client: pg.Client,
    private readonly dsn: string,
    private readonly options: SessionOptions,
    readonly target: ParsedDsn,
    /** pg_backend_pid() of this session. */
    readonly backendPid: number,
    /** server_version_num, e.g. 150020. */
    readonly serverVersionNum: number,
  ) {
    client.on('error', (error: Error) => {
      this.lostReason ??= error.message;
    });
    client.on('end', () => {
      this.lostReason ??= this.tr.t('checks.session.serverClosed');
    });
  }

  /** Connects and runs a test query. Throws PgCheckError. */
  static async connect(dsn: string, options: SessionOptions = {}): Promise<PgSession> {
    const target = parseDsn(dsn, { allowPassword: options.allowPasswordInDsn ?? false, ...(options.lang ? { lang: options.lang } : {}) });
    const connectTimeoutMs = options.connectTimeoutMs ?? target.connectTimeoutMs ?? 10_000;
    let client: pg.Client;
    try {
      ({ client } = await openPgClient({
        dsn: target,
        tls: target.sslmode,
        applicationName: options.applicationName ?? target.applicationName ?? 'cutover-checks',
        connectTimeoutMs,
        keepAlive: true,
        // Never pg's own pgpass lookup (deprecated, and it warns on stderr): ours, as libpq does it.
        password: async () => {
          const password = options.password ?? target.password ?? findPassword(target);
          if (password === undefined) throw new PgCheckError('auth', translator(options.lang).t('checks.session.noPassword', { label: target.label, user: target.user }));
          return password;
        },
      }));
    } catch (error) {
      // A certificate file named in the DSN that cannot be read; prefer falls back to plain in openPgClient.
      if (error instanceof DsnError) throw new PgCheckError('connect', error.message, { cause: error });
      throw connectError(error, target, connectTimeoutMs, translator(options.lang));
    }
    try {
      const r = await client.query<{ pid: number; version: number }>("SELECT pg_backend_pid() AS pid, current_setting('server_version_num')::int AS version");
      const row = r.rows[0]!;
      return new PgSession(client, dsn, options, target, row.pid, row.version);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw connectError(error, target, connectTimeoutMs, translator(options.lang));
    }
  }

  /** Another session to the same database, with the same options. */
  fork(applicationName?: string): Promise<PgSession> {
    return PgSession.connect(this.dsn, { ...this.options, ...(applicationName ? { applicationName } : {}) });
  }

  /** host:port/database. */
  get label(): string {
    return this.target.label;
  }

  get database(): string {
    return this.target.database;
  }

  /** Why the session ended under us, if it did. */
  get lost(): string | null {
    return this.lostReason;
  }

  /**
   * Runs fn inside BEGIN READ ONLY with SET LOCAL timeouts; commits when it returns, rolls back
   * when it throws. Errors become PgCheckError naming `what`.
   */
  async readOnly<T>(options: ReadOnlyOptions, fn: (query: Query) => Promise<T>): Promise<T> {
    if (this.busy) throw new Error('PgSession.readOnly: one transaction at a time on a session');
    const tr = options.lang !== undefined ? translator(options.lang) : this.tr;
    if (this.lostReason !== null) throw this.lostError(tr, options.what, this.lostReason);
    const statementTimeoutMs = Math.max(1, Math.round(options.statementTimeoutMs ?? 5_000));
    const lockTimeoutMs = Math.max(1, Math.round(options.lockTimeoutMs ?? 2_000));
    if (options.importSnapshot !== undefined && !/^[0-9A-F]+(-[0-9A-F]+)+$/i.test(options.importSnapshot)) throw new Error(`not a snapshot id: ${options.importSnapshot}`);
    const begin = [
      `BEGIN${options.snapshot || options.importSnapshot ? ' ISOLATION LEVEL REPEATABLE READ' : ''} READ ONLY`,
      ...(options.importSnapshot ? [`SET TRANSACTION SNAPSHOT '${options.importSnapshot}'`] : []),
      `SET LOCAL statement_timeout = ${statementTimeoutMs}`,
      `SET LOCAL lock_timeout = ${lockTimeoutMs}`,
      // A check that dies half-way must not leave an idle transaction holding catalog locks.
      `SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1, Math.round(options.idleTimeoutMs ?? statementTimeoutMs + CLIENT_GRACE_MS * 2))}`,
      // Catalog queries with correlated subqueries look costly to the planner, which then
      // spends a second JIT-compiling a query that runs in milliseconds.
      'SET LOCAL jit = off',
    ];
    if (options.searchPath !== undefined) begin.push(`SET LOCAL search_path = ${options.searchPath.split(',').map((s) => quoteIdent(s.trim())).join(', ')}`);
    const query: Query = async <R,>(sql: string, params?: unknown[]): Promise<R[]> => {
      const result = await this.client.query({ text: sql, values: params, query_timeout: statementTimeoutMs + CLIENT_GRACE_MS } as pg.QueryConfig);
      return result.rows as R[];
    };
    this.busy = true;
    let open = false;
    try {
      await this.client.query(begin.join('; '));
      open = true;
      const value = await fn(query);
      await this.client.query('COMMIT');
      open = false;
      return value;
    } catch (error) {
      if (error instanceof PgCheckError) throw error;
      const converted = this.queryError(error, options.what, statementTimeoutMs, lockTimeoutMs, tr);
      if (open && converted.kind !== 'lost') await this.client.query('ROLLBACK').catch(() => undefined);
      throw converted;
    } finally {
      this.busy = false;
    }
  }

  async close(): Promise<void> {
    this.lostReason ??= this.tr.t('checks.session.closed');
    await this.client.end().catch(() => undefined);
  }

  /** The language of the session's refusals and failures. */
  get lang(): Lang {
    return this.options.lang ?? 'en';
  }

  private get tr(): Translator {
    return translator(this.lang);
  }

  private lostError(tr: Translator, what: string, why: string, cause?: unknown, sqlState?: string): PgCheckError {
    return new PgCheckError('lost', tr.t('checks.session.lost', { label: this.label, what, why }), { cause, ...(sqlState ? { sqlState } : {}) });
  }

  private queryError(error: unknown, what: string, statementTimeoutMs: number, lockTimeoutMs: number, tr: Translator): PgCheckError {
    const label = this.label;
    const e = error as PgErrorLike;
    const code = typeof e.code === 'string' ? e.code : undefined;
    const message = e.message ?? String(error);
    if (/Query read timeout/i.test(message)) {
      // The server never answered: treat the session as gone.
      this.lostReason ??= tr.t('checks.session.noAnswerReason');
      void this.client.end().catch(() => undefined);
      return new PgCheckError('timeout', tr.t('checks.session.noAnswer', { label, duration: seconds(statementTimeoutMs + CLIENT_GRACE_MS, tr.lang), what }), { cause: error });
    }
    if (code && SESSION_ENDED.has(code)) {
      this.lostReason ??= message;
      return this.lostError(tr, what, tr.t('checks.session.terminated', { message, code }), error, code);
    }
    if (this.lostReason !== null || LOST_MESSAGE.test(message)) {
      const why = this.lostReason ?? message;
      this.lostReason ??= why;
      return this.lostError(tr, what, why, error);
    }
    if (code === '57014') {
      return new PgCheckError('timeout', tr.t('checks.session.statementTimeout', { what, duration: seconds(statementTimeoutMs, tr.lang), label, message }), { cause: error, sqlState: code });
    }
    if (code === '55P03') {
      return new PgCheckError('timeout', tr.t('checks.session.lockTimeout', { what, duration: seconds(lockTimeoutMs, tr.lang), label, message }), { cause: error, sqlState: code });
    }
    if (code === '42501') {
      return new PgCheckError('permission', tr.t('checks.session.permission', { label, what, message }), { cause: error, sqlState: code });
    }
    return new PgCheckError('sql', tr.t('checks.session.refused', { what, label, message, code: code ? ` (SQLSTATE ${code})` : '' }), { cause: error, ...(code ? { sqlState: code } : {}) });
  }
}

export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function connectError(error: unknown, target: ParsedDsn, connectTimeoutMs: number, tr: Translator): PgCheckError {
  if (error instanceof PgCheckError) return error;
  const e = error as PgErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = e.message ?? String(error);
  const where = target.label;
  if (/does not support SSL/i.test(message)) {
    return new PgCheckError('connect', tr.t('checks.connect.tls', { label: where, sslmode: target.sslmode }), { cause: error });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return new PgCheckError('connect', tr.t('checks.connect.unknownHost', { host: target.host, code }), { cause: error });
  }
  if (code === 'ECONNREFUSED') {
    return new PgCheckError('connect', tr.t('checks.connect.refused', { label: where }), { cause: error });
  }
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || /timeout/i.test(message)) {
    return new PgCheckError('connect', tr.t('checks.connect.unreachable', { label: where, why: code ?? message, duration: seconds(connectTimeoutMs, tr.lang) }), { cause: error });
  }
  if (code === '3D000') {
    return new PgCheckError('connect', tr.t('checks.connect.noDatabase', { database: target.database, host: target.host, port: target.port }), { cause: error, sqlState: code });
  }
  if (code === '28P01' || code === '28000' || /password/i.test(message)) {
    return new PgCheckError('auth', tr.t('checks.connect.login', { label: where, user: target.user, message }), { cause: error, ...(code ? { sqlState: code } : {}) });
  }
  if (code === '42501') {
    return new PgCheckError('permission', tr.t('checks.connect.noConnect', { user: target.user, label: where, message }), { cause: error, sqlState: code });
  }
  if (code === '53300') {
    return new PgCheckError('connect', tr.t('checks.connect.full', { label: where, message }), { cause: error, sqlState: code });
  }
  if (code && SESSION_ENDED.has(code)) {
    return new PgCheckError('lost', tr.t('checks.connect.ended', { label: where, message }), { cause: error, sqlState: code });
  }
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    return new PgCheckError('connect', tr.t('checks.connect.serverRefused', { label: where, message, code }), { cause: error, sqlState: code });
  }
  return new PgCheckError('connect', tr.t('checks.connect.failed', { label: where, message }), { cause: error });
}
