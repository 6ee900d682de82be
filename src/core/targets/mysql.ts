// The `mysql` target (MySQL and MariaDB): SQL over a direct connection with mysql2, opened by
// the one MySQL connection module (src/core/db/mysql.ts). The DSN carries no password (the
// secret comes from the vault). Checks run on a session that is read-only for good (SET
// SESSION TRANSACTION READ ONLY, so DDL cannot commit its way out as it can inside a mere
// START TRANSACTION READ ONLY), one statement inside START TRANSACTION READ ONLY; command steps
// run on a second session that accepts several statements. A timeout or a cancel sends KILL
// QUERY from a third connection, then KILL CONNECTION after a grace period.
import type { Connection, FieldPacket, ResultSetHeader } from 'mysql2/promise';
import { DsnError, effectiveTls, openMysqlConnection, parseMysqlDsn, type MysqlDsn, type TlsMode } from '../db/mysql';
import type { Target } from '../runbook/schema';
import { formatResult, type TextResult } from './pg-output';
import { redactingOutput, redactText } from './redact';
import { TargetError } from './types';
import type { ExecFailure, ExecRequest, ExecResult, Executor, TargetContext } from './types';

export type MysqlTarget = Extract<Target, { kind: 'mysql' }>;

/** The target SQL checks connect through when it names a check_login: its user and secret, the DSN's host, port, database and TLS. */
export function mysqlCheckTarget(target: MysqlTarget, login: { user: string; secret: string }): MysqlTarget {
  const url = new URL(target.dsn);
  url.username = encodeURIComponent(login.user);
  const { check_login: _login, ...rest } = target;
  return { ...rest, dsn: url.toString(), secret: login.secret };
}

export interface MysqlExecutorOptions {
  /** TCP connect + TLS + authentication (default 15 s). */
  connectTimeoutMs?: number;
  /** After KILL QUERY, how long before the connection is killed instead (default 5 s). */
  killGraceMs?: number;
}

type Role = 'check' | 'command';

interface Session {
  connection: Connection;
  /** CONNECTION_ID(): what KILL QUERY names. */
  id: number;
  mariadb: boolean;
  tls: boolean;
  /** The server's own lock wait timeouts (seconds), restored after a step that set its own. */
  lockWait: number;
  innodbLockWait: number;
  lost: string | null;
  /** A statement of a step is running on it. */
  busy: boolean;
}

interface MysqlError extends Error {
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  fatal?: boolean;
}

// mysql2 column types psql-style output right-aligns: DECIMAL, TINY, SHORT, LONG, FLOAT, DOUBLE, LONGLONG, INT24, YEAR, NEWDECIMAL.
const NUMERIC_COLUMNS = new Set([0, 1, 2, 3, 4, 5, 8, 9, 13, 246]);
// 1317 query interrupted (KILL QUERY); 1969 MariaDB max_statement_time; 3024 MySQL max_execution_time.
const INTERRUPTED = new Set([1317, 1969, 3024]);
const SERVER_TIMEOUT = new Set([1969, 3024]);
const LOST_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED']);
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED',
]);

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

type Stop = { kind: 'timeout' | 'cancelled'; message: string };

export class MysqlExecutor implements Executor {
  readonly kind = 'mysql';
  private readonly sessions: Record<Role, Session | null> = { check: null, command: null };
  private readonly opening: Record<Role, Promise<Session> | null> = { check: null, command: null };
  private queue: Promise<unknown> = Promise.resolve();
  private readonly dsn: MysqlDsn;
  private readonly tls: TlsMode;
  private readonly options: Required<MysqlExecutorOptions>;

  constructor(
    readonly name: string,
    readonly target: MysqlTarget,
    private readonly context: TargetContext,
    options: MysqlExecutorOptions = {},
  ) {
    try {
      this.dsn = parseMysqlDsn(target.dsn);
    } catch (error) {
      throw new TargetError('connect_failed', `Target "${name}": ${(error as Error).message}`);
    }
    this.tls = effectiveTls(target.tls, this.dsn.sslmode);
    this.options = { connectTimeoutMs: options.connectTimeoutMs ?? 15_000, killGraceMs: options.killGraceMs ?? 5_000 };
  }

  /** CONNECTION_ID() of the check session, once connected. */
  get connectionId(): number | null {
    return this.sessions.check?.id ?? null;
  }

  /** Whether the check session is encrypted, once connected. */
  get encrypted(): boolean | null {
    return this.sessions.check?.tls ?? null;
  }

  async connect(): Promise<void> {
    await this.session('check');
  }

  /** Closes both sessions; one running a statement is killed on the server first (ending it politely would wait for the statement). */
  async close(): Promise<void> {
    const open = [this.sessions.check, this.sessions.command].filter((s): s is Session => s !== null);
    this.sessions.check = null;
    this.sessions.command = null;
    await Promise.all(open.map(async (s) => {
      if (!s.busy) return s.connection.end().catch(() => s.connection.destroy());
      s.lost ??= 'the session was closed';
      await this.kill(s, 'CONNECTION');
      hardClose(s.connection);
    }));
  }

  exec(request: ExecRequest): Promise<ExecResult> {
    // One statement at a time: a check's START TRANSACTION … COMMIT must not interleave.
    const run = this.queue.then(() => this.execNow(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ---- sessions ------------------------------------------------------------------------

  private password(): string | undefined {
    const secretName = this.target.secret;
    if (secretName === undefined) return undefined;
    const password = this.context.secrets[secretName];
    if (password === undefined) throw new TargetError('auth_failed', `The password for target "${this.name}" is the secret "${secretName}", which is not in the vault: add it with \`cutover secret set --name ${secretName}\`.`);
    return password;
  }

  private session(role: Role): Promise<Session> {
    const open = this.sessions[role];
    if (open && open.lost === null) return Promise.resolve(open);
    this.opening[role] ??= this.open(role).finally(() => {
      this.opening[role] = null;
    });
    return this.opening[role];
  }

  private async open(role: Role): Promise<Session> {
    let connection: Connection;
    let tls: boolean;
    try {
      ({ connection, tls } = await openMysqlConnection({ dsn: this.dsn, tls: this.tls, password: this.password(), connectTimeoutMs: this.options.connectTimeoutMs, multipleStatements: role === 'command' }));
    } catch (error) {
      throw this.connectError(error);
    }
    try {
      const [rows] = await connection.query<Array<{ id: number; version: string; lw: number; ilw: number } & import('mysql2').RowDataPacket>>('SELECT CONNECTION_ID() AS id, VERSION() AS version, @@session.lock_wait_timeout AS lw, @@session.innodb_lock_wait_timeout AS ilw');
      const row = rows[0]!;
      // A check session stays read-only: DDL inside START TRANSACTION READ ONLY would commit implicitly and run.
      if (role === 'check') await connection.query('SET SESSION TRANSACTION READ ONLY');
      const session: Session = { connection, id: Number(row.id), mariadb: /mariadb/i.test(row.version), tls, lockWait: Number(row.lw), innodbLockWait: Number(row.ilw), lost: null, busy: false };
      connection.on('error', (error: MysqlError) => {
        session.lost ??= error.message;
      });
      this.sessions[role] = session;
      return session;
    } catch (error) {
      connection.destroy();
      throw this.connectError(error);
    }
  }

  private connectError(error: unknown): TargetError {
    if (error instanceof TargetError) return error;
    if (error instanceof DsnError) return new TargetError('connect_failed', error.message, { cause: error });
    const e = error as MysqlError;
    const where = this.dsn.label;
    const message = redactText(e.message ?? String(error), Object.values(this.context.secrets));
    const code = e.code ?? '';
    if (code === 'HANDSHAKE_NO_SSL_SUPPORT' || /does not support secure connection/i.test(message)) {
      return new TargetError('connect_failed', `${where} does not accept TLS connections, but target "${this.name}" requires TLS (tls: ${this.tls}). Enable TLS on the server (have_ssl), or lower the target's tls mode if the network is trusted.`, { cause: error });
    }
    if (TLS_CODES.has(code) || /certificate|Hostname\/IP does not match/i.test(message)) {
      return new TargetError('connect_failed', `TLS verification failed for ${where} (tls: ${this.tls}): ${message}. Give the CA with ssl-ca=… in the DSN, and connect by the name in the certificate.`, { cause: error });
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TargetError('connect_failed', `Unknown host "${this.dsn.host}": the name does not resolve (${code}). Check the DSN of target "${this.name}".`, { cause: error });
    if (code === 'ECONNREFUSED') return new TargetError('connect_failed', `Connection refused by ${where}: is MySQL/MariaDB running and listening on that address and port?`, { cause: error });
    if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new TargetError('connect_failed', `Cannot reach ${where} (${code}) within ${seconds(this.options.connectTimeoutMs)}: check the network, VPN and firewall.`, { cause: error });
    if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR' || e.errno === 1045) {
      const secret = this.target.secret ? `the secret "${this.target.secret}"` : 'no secret (the target names none)';
      return new TargetError('auth_failed', `${where} refused the login: ${message}. The password comes from ${secret}; the user from the DSN.`, { cause: error });
    }
    if (code === 'ER_BAD_DB_ERROR') return new TargetError('connect_failed', `${message} on ${where}: check the database name in the DSN of target "${this.name}".`, { cause: error });
    return new TargetError('connect_failed', `Could not connect to ${where}: ${message}${e.errno ? ` (error ${e.errno}${e.sqlState ? `, SQLSTATE ${e.sqlState}` : ''})` : ''}.`, { cause: error });
  }

  // ---- running SQL ---------------------------------------------------------------------

  private async execNow(request: ExecRequest): Promise<ExecResult> {
    const started = performance.now();
    const secrets = Object.values(this.context.secrets);
    const out = redactingOutput(secrets, request.onOutput);
    const result = (r: Omit<ExecResult, 'durationMs'>): ExecResult => {
      out.end();
      return { ...r, durationMs: performance.now() - started };
    };
    const failed = (kind: ExecFailure, message: string, sqlState?: string): ExecResult =>
      result({ exitCode: kind === 'sql_error' ? 1 : null, signal: null, failure: { kind, message: redactText(message, secrets), ...(sqlState ? { sqlState } : {}) } });

    if (request.signal?.aborted) return failed('cancelled', 'Cancelled before the statement started.');
    const role: Role = request.readOnly ? 'check' : 'command';
    let session: Session;
    try {
      session = await this.session(role);
    } catch (error) {
      const e = this.connectError(error);
      return failed(e.kind, e.message);
    }

    let stop: Stop | null = null;
    const timers: NodeJS.Timeout[] = [];
    const requestStop = (s: Stop) => {
      if (stop) return;
      stop = s;
      void this.kill(session, 'QUERY');
      timers.push(setTimeout(() => {
        if (!stop) return;
        stop.message += `; the statement did not stop within ${seconds(this.options.killGraceMs)}, so the connection was killed`;
        session.lost ??= 'killed after a timeout or cancel';
        void this.kill(session, 'CONNECTION').finally(() => hardClose(session.connection));
      }, this.options.killGraceMs));
    };
    const onAbort = () => requestStop({ kind: 'cancelled', message: 'Cancelled by the operator: the statement was stopped (KILL QUERY)' });
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (request.timeoutMs !== undefined && request.timeoutMs > 0) {
      const ms = request.timeoutMs;
      timers.push(setTimeout(() => requestStop({ kind: 'timeout', message: `Timed out after ${seconds(ms)}: the statement was stopped (KILL QUERY)` }), ms));
    }
    const c = session.connection;
    const run = async (sql: string) => {
      if (stop) throw Object.assign(new Error('stopped'), { errno: 1317 });
      return c.query(sql);
    };

    let inTransaction = false;
    session.busy = true;
    // statement_timeout is the server's limit; the step's timeout is ours (KILL QUERY above).
    const serverLimit = Math.max(0, request.statementTimeoutMs ?? 0);
    try {
      // MariaDB: max_statement_time (seconds, every statement); MySQL: max_execution_time (ms, SELECT only).
      await run(session.mariadb ? `SET SESSION max_statement_time = ${(serverLimit / 1000).toFixed(3)}` : `SET SESSION max_execution_time = ${Math.round(serverLimit)}`);
      const lockSeconds = request.lockTimeoutMs !== undefined ? Math.max(1, Math.ceil(request.lockTimeoutMs / 1000)) : null;
      await run(`SET SESSION lock_wait_timeout = ${lockSeconds ?? session.lockWait}, SESSION innodb_lock_wait_timeout = ${lockSeconds ?? session.innodbLockWait}`);
      let answer: [unknown, unknown];
      if (request.readOnly) {
        await run('SET SESSION TRANSACTION READ ONLY');
        await run('START TRANSACTION READ ONLY');
        inTransaction = true;
        answer = await this.statement(c, request, () => stop);
        await run('COMMIT');
        inTransaction = false;
      } else {
        answer = await this.statement(c, request, () => stop);
      }
      // SLEEP() and some reads end normally when KILL QUERY interrupts them: a stop still wins.
      const stopped = stop as Stop | null;
      if (stopped) return failed(stopped.kind, `${stopped.message}.`);
      const results = resultsOf(answer[0], answer[1]);
      for (const r of results) out.write(Buffer.from(r.fields ? formatResult(textOf(r.fields, r.rows)) : `Query OK, ${r.affected} ${r.affected === 1 ? 'row' : 'rows'} affected\n`), 'stdout');
      const first = results.find((r) => r.fields && r.fields.length > 0);
      return result({ exitCode: 0, signal: null, failure: null, ...(first?.fields ? rowsOf(first.fields, first.rows) : {}) });
    } catch (error) {
      const e = error as MysqlError;
      if (inTransaction && session.lost === null) await c.query('ROLLBACK').catch(() => undefined);
      const stopped = stop as Stop | null;
      if (e.errno && e.sqlState && e.message !== 'stopped') out.write(Buffer.from(`ERROR ${e.errno} (${e.sqlState}): ${e.sqlMessage ?? e.message}\n`), 'stderr');
      if (stopped) return failed(stopped.kind, `${stopped.message}.`, e.sqlState);
      if (e.fatal || LOST_CODES.has(e.code ?? '') || session.lost !== null) {
        session.lost ??= e.message;
        return failed('connection_lost', `Connection to ${this.dsn.label} lost during the statement: ${session.lost}. Whether it took effect is unknown; check the database before going on.`, e.sqlState);
      }
      const what = `${e.sqlMessage ?? e.message}${e.code ? ` (${e.code}` : ' ('}${e.errno ? ` ${e.errno}` : ''}${e.sqlState ? `, SQLSTATE ${e.sqlState}` : ''})`;
      if (e.errno !== undefined && SERVER_TIMEOUT.has(e.errno)) return failed('timeout', `statement_timeout (${seconds(serverLimit)}) reached: the server stopped the statement: ${what}.`, e.sqlState);
      if (e.errno !== undefined && INTERRUPTED.has(e.errno)) return failed('cancelled', `The statement was interrupted from outside (KILL QUERY by another session?): ${what}.`, e.sqlState);
      if (e.errno === 1064 && request.readOnly && /;/.test(request.command.trim().replace(/;\s*$/, ''))) {
        return failed('sql_error', `A SQL check runs exactly one statement (so it cannot leave its read-only transaction): split "${firstLine(request.command)}" into one check per statement. ${what}.`, e.sqlState);
      }
      if (e.errno === 1792) return failed('sql_error', `MySQL refused the statement: ${what} — a check runs in a read-only transaction; a change belongs in an approved command step.`, e.sqlState);
      if (e.errno !== undefined && e.sqlState) return failed('sql_error', `MySQL refused the statement: ${what}.`, e.sqlState);
      return failed('sql_error', `The statement failed: ${e.message}.`);
    } finally {
      session.busy = false;
      for (const t of timers) clearTimeout(t);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The step's SQL: bound parameters go through a prepared statement (never spliced into the text). */
  private async statement(c: Connection, request: ExecRequest, stopped: () => Stop | null): Promise<[unknown, unknown]> {
    if (stopped()) throw Object.assign(new Error('stopped'), { errno: 1317 });
    if (request.params && request.params.length > 0) {
      const [rows, fields] = await c.execute({ sql: request.command, rowsAsArray: true }, [...request.params]);
      // Prepared statements are cached per connection; a runbook's SQL runs once.
      await c.unprepare(request.command);
      return [rows, fields];
    }
    const [rows, fields] = await c.query({ sql: request.command, rowsAsArray: true });
    return [rows, fields];
  }

  /** KILL QUERY / KILL CONNECTION of a session, from a connection of its own. */
  private async kill(session: Session, what: 'QUERY' | 'CONNECTION'): Promise<void> {
    let helper: Connection | null = null;
    try {
      ({ connection: helper } = await openMysqlConnection({ dsn: this.dsn, tls: this.tls === 'prefer' && !session.tls ? 'disable' : this.tls, password: this.password(), connectTimeoutMs: this.options.connectTimeoutMs }));
      await helper.query(`KILL ${what} ${Number(session.id)}`);
    } catch {
      // The statement may have ended on its own; the grace timer covers the rest.
    } finally {
      await helper?.end().catch(() => helper?.destroy());
    }
  }
}

/**
 * Drops the socket now, so a running statement's promise rejects (connection lost). mysql2's
 * destroy() would instead let the statement's answer arrive, and after it no error is reported.
 */
function hardClose(connection: Connection): void {
  const stream = (connection as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  if (stream) stream.destroy();
  else connection.destroy();
}

interface OneResult {
  /** Columns, when the statement returned a result set. */
  fields: FieldPacket[] | null;
  rows: unknown[][];
  affected: number;
}

/** One result per statement (several when a command step sent several). */
function resultsOf(rows: unknown, fields: unknown): OneResult[] {
  const one = (r: unknown, f: unknown): OneResult => (Array.isArray(f) ? { fields: f as FieldPacket[], rows: r as unknown[][], affected: 0 } : { fields: null, rows: [], affected: (r as ResultSetHeader).affectedRows ?? 0 });
  const multi = Array.isArray(rows) && Array.isArray(fields) && fields.some((f) => f === undefined || f === null || Array.isArray(f));
  const multiOk = Array.isArray(rows) && fields === undefined && rows.length > 0 && rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r) && 'affectedRows' in r);
  if (multi) return (rows as unknown[]).map((r, i) => one(r, (fields as unknown[])[i]));
  if (multiOk) return (rows as unknown[]).map((r) => one(r, undefined));
  return [one(rows, fields)];
}

/** A value as text, the way the server sent it (bytes that are not UTF-8 as 0x…). */
function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) {
    const s = value.toString('utf8');
    return s.includes('\uFFFD') ? `0x${value.toString('hex')}` : s;
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function textOf(fields: FieldPacket[], rows: unknown[][]): TextResult {
  return {
    command: 'SELECT',
    rowCount: rows.length,
    fields: fields.map((f) => ({ name: f.name, dataTypeID: 0, alignRight: NUMERIC_COLUMNS.has(f.columnType ?? f.type ?? -1) })),
    rows: rows.map((row) => row.map(text)),
  };
}

/** Rows as objects: numbers as numbers; DECIMAL, big integers and dates as the server's text. */
function rowsOf(fields: FieldPacket[], rows: unknown[][]): Pick<ExecResult, 'rows' | 'fields'> {
  const names = fields.map((f) => f.name);
  return {
    fields: names,
    rows: rows.map((row) => {
      const obj: Record<string, unknown> = {};
      names.forEach((name, i) => {
        const v = row[i];
        obj[name] = Buffer.isBuffer(v) ? text(v) : (v ?? null);
      });
      return obj;
    }),
  };
}

function firstLine(sql: string): string {
  const line = sql.trim().split('\n')[0] ?? '';
  return line.length > 60 ? line.slice(0, 57) + '…' : line;
}
