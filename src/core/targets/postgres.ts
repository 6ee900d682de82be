// The `postgres` target: SQL over a direct connection with `pg`. The DSN carries no password
// (the secret comes from the vault); TLS follows libpq's sslmode; read-only checks run as one
// statement inside BEGIN READ ONLY, so PostgreSQL itself refuses a write; a cancel or a
// timeout asks the server to cancel the statement from a second connection.
import pg from 'pg';
import type { ClientConfig, FieldDef, QueryResult } from 'pg';
import { DsnError, openPgClient, pgClientConfig, type PgClientOptions } from '../db/postgres';
import { effectiveTls, parseDsn, type Dsn, type PostgresTarget, type TlsMode } from './pg-dsn';
import { describeSqlState, formatPgError, formatResult, type TextResult } from './pg-output';
import { redactingOutput, redactText, type RedactingOutput } from './redact';
import { TargetError } from './types';
import type { ExecFailure, ExecRequest, ExecResult, Executor, TargetContext } from './types';

export type { PostgresTarget, TlsMode } from './pg-dsn';
export { parseDsn, tlsOptions } from './pg-dsn';

export interface PostgresExecutorOptions {
  /** TCP connect + TLS + authentication (default 15 s). */
  connectTimeoutMs?: number;
  /** After a cancel request, how long before the session is terminated instead (default 5 s). */
  cancelGraceMs?: number;
}

const DEFAULT_APPLICATION_NAME = 'cutover-workstation';
// Errors that mean the session is gone: terminated by an administrator, crash, shutdown.
const SESSION_ENDED = new Set(['57P01', '57P02', '57P03']);
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED', 'CERT_REJECTED', 'HOSTNAME_MISMATCH', 'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** Every column in PostgreSQL's own text form: the transcript shows exactly what the server sent. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value } as unknown as ClientConfig['types'];

interface PgError extends Error {
  code?: string;
  severity?: string;
  detail?: string;
  hint?: string;
  where?: string;
  position?: string;
}

function isSqlState(code: string | undefined): code is string {
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

type Stop = { kind: 'timeout' | 'cancelled'; message: string };

export class PostgresExecutor implements Executor {
  readonly kind = 'postgres';
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private pid: number | null = null;
  private tlsInUse: boolean | null = null;
  /** Why the session ended under us, if it did. */
  private lostReason: string | null = null;
  /** Output of the exec in progress, for server notices. */
  private activeOutput: RedactingOutput | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly dsn: Dsn;
  private readonly tls: TlsMode;
  private readonly options: Required<PostgresExecutorOptions>;

  constructor(
    readonly name: string,
    readonly target: PostgresTarget,
    private readonly context: TargetContext,
    options: PostgresExecutorOptions = {},
  ) {
    this.dsn = parseDsn(target.dsn);
    this.tls = effectiveTls(target.tls, this.dsn.sslmode);
    this.options = { connectTimeoutMs: options.connectTimeoutMs ?? 15_000, cancelGraceMs: options.cancelGraceMs ?? 5_000 };
  }

  /** The server process serving this session (pg_backend_pid()), once connected. */
  get backendPid(): number | null {
    return this.pid;
  }

  /** Whether the session is encrypted (from pg_stat_ssl), once connected. */
  get encrypted(): boolean | null {
    return this.tlsInUse;
  }

  get applicationName(): string {
    return (this.context.applicationName ?? this.target.application_name ?? this.dsn.applicationName ?? DEFAULT_APPLICATION_NAME).slice(0, 63);
  }

  async connect(): Promise<void> {
    await this.session();
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }

  exec(request: ExecRequest): Promise<ExecResult> {
    // One statement at a time on the session: a check's BEGIN … COMMIT must not interleave.
    const run = this.queue.then(() => this.execNow(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ---- the session ---------------------------------------------------------------------

  private session(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private clientOptions(tls: TlsMode = this.tls): PgClientOptions {
    const options: PgClientOptions = { dsn: this.dsn, tls, applicationName: this.applicationName, connectTimeoutMs: this.options.connectTimeoutMs, keepAlive: true };
    const secretName = this.target.secret;
    if (secretName !== undefined) {
      const password = this.context.secrets[secretName];
      if (password === undefined) throw new TargetError('auth_failed', `The password for target "${this.name}" is the secret "${secretName}", which is not in the vault: add it with \`cutover secret set --name ${secretName}\`.`);
      options.password = password;
    }
    return options;
  }

  private async open(): Promise<pg.Client> {
    let client: pg.Client;
    try {
      // prefer: like libpq, falls back to a plain connection when the server has no TLS.
      ({ client } = await openPgClient(this.clientOptions(), (c) => this.listen(c)));
    } catch (error) {
      throw this.connectError(error instanceof DsnError ? new TargetError('connect_failed', error.message) : error);
    }
    try {
      const probe = await client.query<{ pid: number; ssl: boolean | null }>('SELECT pg_backend_pid() AS pid, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS ssl');
      this.pid = probe.rows[0]?.pid ?? null;
      this.tlsInUse = probe.rows[0]?.ssl ?? null;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw this.connectError(error);
    }
    this.lostReason = null;
    this.client = client;
    return client;
  }

  private listen(client: pg.Client): void {
    // Without a listener, a session that dies while idle would crash the process.
    client.on('error', (error: Error) => this.sessionEnded(client, error.message));
    client.on('end', () => this.sessionEnded(client, 'the server closed the connection'));
    client.on('notice', (notice: { severity?: string; message?: string }) => {
      this.activeOutput?.write(Buffer.from(`${notice.severity ?? 'NOTICE'}:  ${notice.message ?? ''}\n`), 'stderr');
    });
  }

  private sessionEnded(client: pg.Client, reason: string): void {
    if (this.client !== client) return;
    this.client = null;
    this.lostReason ??= reason;
  }

  private connectError(error: unknown): TargetError {
    if (error instanceof TargetError) return error;
    const e = error as PgError;
    const where = this.dsn.label;
    const message = redactText(e.message ?? String(error), Object.values(this.context.secrets));
    const code = e.code;
    if (/does not support SSL/i.test(message)) {
      return new TargetError('connect_failed', `${where} does not accept TLS connections, but target "${this.name}" requires TLS (tls: ${this.tls}). Enable ssl on the server, or lower the target's tls mode if the network is trusted.`, { cause: error });
    }
    if (code && TLS_CODES.has(code)) {
      const what = code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH' ? `the server's certificate is not for "${this.dsn.host}"` : 'the server\'s certificate is not trusted';
      return new TargetError('connect_failed', `TLS verification failed for ${where} (tls: ${this.tls}): ${what} (${message}). Give the CA with sslrootcert=… in the DSN, and connect by the name in the certificate.`, { cause: error });
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
      return new TargetError('connect_failed', `Unknown host "${this.dsn.host}": the name does not resolve (${code}). Check the DSN of target "${this.name}".`, { cause: error });
    }
    if (code === 'ECONNREFUSED') {
      return new TargetError('connect_failed', `Connection refused by ${where}: is PostgreSQL running and listening on that address and port?`, { cause: error });
    }
    if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || /timeout/i.test(message)) {
      return new TargetError('connect_failed', `Cannot reach ${where} (${code ?? message}) within ${seconds(this.options.connectTimeoutMs)}: check the network, VPN and firewall.`, { cause: error });
    }
    if (code === '28P01' || code === '28000' || /password/i.test(message)) {
      const secret = this.target.secret ? `the secret "${this.target.secret}"` : 'no secret (the target names none)';
      return new TargetError('auth_failed', `${where} refused the login: ${message}. The password comes from ${secret}; the user from the DSN.`, { cause: error });
    }
    if (isSqlState(code)) {
      return new TargetError('connect_failed', `${where} refused the connection: ${message} (SQLSTATE ${describeSqlState(code)}).`, { cause: error });
    }
    return new TargetError('connect_failed', `Could not connect to ${where}: ${message}.`, { cause: error });
  }

  // ---- running SQL ---------------------------------------------------------------------

  private async execNow(request: ExecRequest): Promise<ExecResult> {
    const started = performance.now();
    const out = redactingOutput(Object.values(this.context.secrets), request.onOutput);
    const result = (r: Omit<ExecResult, 'durationMs'>): ExecResult => {
      out.end();
      return { ...r, durationMs: performance.now() - started };
    };
    const failed = (kind: ExecFailure, message: string, sqlState?: string): ExecResult =>
      result({ exitCode: kind === 'sql_error' ? 1 : null, signal: null, failure: { kind, message: redactText(message, Object.values(this.context.secrets)), ...(sqlState ? { sqlState } : {}) } });

    if (request.signal?.aborted) return failed('cancelled', 'Cancelled before the statement started.');
    let client: pg.Client;
    try {
      client = await this.session();
    } catch (error) {
      const e = error instanceof TargetError ? error : this.connectError(error);
      return failed(e.kind, e.message);
    }

    let stop: Stop | null = null;
    const timers: NodeJS.Timeout[] = [];
    const requestStop = (s: Stop) => {
      if (stop) return;
      stop = s;
      void this.cancelBackend(client, 'cancel');
      timers.push(setTimeout(() => {
        if (!stop) return;
        stop.message += `; the statement did not stop within ${seconds(this.options.cancelGraceMs)}, so the session was terminated`;
        void this.cancelBackend(client, 'terminate');
      }, this.options.cancelGraceMs));
    };
    const onAbort = () => requestStop({ kind: 'cancelled', message: 'Cancelled by the operator: the statement was cancelled (pg_cancel_backend)' });
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (request.timeoutMs !== undefined && request.timeoutMs > 0) {
      const ms = request.timeoutMs;
      timers.push(setTimeout(() => requestStop({ kind: 'timeout', message: `Timed out after ${seconds(ms)}: the statement was cancelled (pg_cancel_backend)` }), ms));
    }

    // Between our own statements a cancel request finds the backend idle: check before each.
    const query = async (text: string, extra: Record<string, unknown> = {}): Promise<QueryResult | QueryResult[]> => {
      if (stop) throw Object.assign(new Error('stopped'), { code: '57014' });
      return client.query({ text, rowMode: 'array', types: RAW_TEXT, ...extra } as unknown as pg.QueryConfig) as unknown as Promise<QueryResult | QueryResult[]>;
    };

    this.activeOutput = out;
    let inTransaction = false;
    try {
      const settings: string[] = [];
      if (request.statementTimeoutMs !== undefined) settings.push(`statement_timeout = ${Math.max(0, Math.round(request.statementTimeoutMs))}`);
      if (request.lockTimeoutMs !== undefined) settings.push(`lock_timeout = ${Math.max(0, Math.round(request.lockTimeoutMs))}`);
      let results: QueryResult[];
      if (request.readOnly) {
        await query('BEGIN READ ONLY');
        inTransaction = true;
        for (const s of settings) await query(`SET LOCAL ${s}`);
        // The extended protocol runs exactly one statement: a check cannot COMMIT its way out.
        // Parameters and captured values arrive as bound values ($1…$n), never as SQL text.
        results = [await query(request.command, { queryMode: 'extended', ...(request.params?.length ? { values: request.params } : {}) }) as QueryResult];
        await query('COMMIT');
        inTransaction = false;
      } else {
        for (const s of settings) await query(`SET ${s}`);
        try {
          const r = await query(request.command, request.params?.length ? { values: request.params } : {});
          results = Array.isArray(r) ? r : [r];
        } finally {
          if (settings.length > 0 && this.client === client) await client.query('RESET statement_timeout; RESET lock_timeout').catch(() => undefined);
        }
      }
      for (const r of results) out.write(Buffer.from(formatResult(toText(r))), 'stdout');
      const first = results.find((r) => r.fields.length > 0) ?? results[0];
      return result({ exitCode: 0, signal: null, failure: null, ...(first ? rowsOf(first) : {}) });
    } catch (error) {
      const e = error as PgError;
      if (inTransaction && this.client === client) await client.query('ROLLBACK').catch(() => undefined);
      const lost = this.lostReason !== null || this.client !== client || SESSION_ENDED.has(e.code ?? '') || /Connection terminated|not queryable|ECONNRESET|EPIPE/i.test(e.message);
      const stopped = stop as Stop | null;
      if (isSqlState(e.code) && e.message !== 'stopped') out.write(Buffer.from(formatPgError(e as PgError & { message: string })), 'stderr');
      if (stopped) return failed(stopped.kind, `${stopped.message}.`, isSqlState(e.code) ? e.code : undefined);
      if (lost) {
        const why = SESSION_ENDED.has(e.code ?? '') ? `${e.message} (SQLSTATE ${describeSqlState(e.code!)}: an administrator ran pg_terminate_backend, or the server shut down)` : (this.lostReason ?? e.message);
        this.sessionEnded(client, why);
        this.client = null;
        return failed('connection_lost', `Connection to ${this.dsn.label} lost during the statement: ${why}. Whether it took effect is unknown; check the database before going on.`, isSqlState(e.code) ? e.code : undefined);
      }
      if (isSqlState(e.code)) {
        const message = redactText(e.message, Object.values(this.context.secrets));
        if (e.code === '57014' && /statement timeout/.test(message)) {
          return failed('timeout', `statement_timeout (${seconds(request.statementTimeoutMs ?? 0)}) reached: ${message} (SQLSTATE ${describeSqlState(e.code)}).`, e.code);
        }
        if (e.code === '42601' && /multiple commands/.test(message)) {
          return failed('sql_error', `A SQL check runs exactly one statement (so it cannot leave its read-only transaction): split "${firstLine(request.command)}" into one check per statement.`, e.code);
        }
        const why = e.code === '25006' ? ' — a check runs in a read-only transaction; a change belongs in an approved command step' : '';
        return failed('sql_error', `PostgreSQL refused the statement: ${message} (SQLSTATE ${describeSqlState(e.code)})${why}.`, e.code);
      }
      return failed('sql_error', `The statement failed: ${redactText(e.message, Object.values(this.context.secrets))}.`);
    } finally {
      this.activeOutput = null;
      for (const t of timers) clearTimeout(t);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** pg_cancel_backend / pg_terminate_backend on our session, from a second connection. */
  private async cancelBackend(client: pg.Client, how: 'cancel' | 'terminate'): Promise<void> {
    const pid = this.pid;
    if (pid === null || this.client !== client) return;
    let helper: pg.Client | null = null;
    try {
      const options = this.clientOptions(this.tls === 'prefer' && this.tlsInUse === false ? 'disable' : this.tls);
      helper = new pg.Client(pgClientConfig({ ...options, applicationName: `${this.applicationName} (cancel)` }));
      helper.on('error', () => undefined);
      await helper.connect();
      await helper.query(how === 'cancel' ? 'SELECT pg_cancel_backend($1)' : 'SELECT pg_terminate_backend($1)', [pid]);
    } catch {
      // The statement may have ended on its own; the caller's grace timer covers the rest.
    } finally {
      await helper?.end().catch(() => undefined);
    }
  }
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 60 ? line.slice(0, 57) + '…' : line;
}

function toText(r: QueryResult): TextResult {
  return {
    command: r.command ?? '',
    rowCount: r.rowCount ?? null,
    fields: (r.fields ?? []).map((f: FieldDef) => ({ name: f.name, dataTypeID: f.dataTypeID })),
    rows: (r.rows as unknown as Array<Array<string | null>>) ?? [],
  };
}

/** Rows as objects with values parsed by pg's type parsers (numbers, booleans, dates …). */
function rowsOf(r: QueryResult): Pick<ExecResult, 'rows' | 'fields'> {
  const fields = (r.fields ?? []).map((f: FieldDef) => f.name);
  if (fields.length === 0) return {};
  const parsers = r.fields.map((f: FieldDef) => pg.types.getTypeParser(f.dataTypeID, 'text') as (v: string) => unknown);
  const rows = (r.rows as unknown as Array<Array<string | null>>).map((row) => {
    const obj: Record<string, unknown> = {};
    fields.forEach((name, i) => {
      const raw = row[i];
      obj[name] = raw === null || raw === undefined ? null : (parsers[i] ?? ((v: string) => v))(raw);
    });
    return obj;
  });
  return { rows, fields };
}
