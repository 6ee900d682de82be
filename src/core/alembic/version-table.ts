// Reading a database's alembic_version with `pg`, inside one READ ONLY transaction: whether
// the table exists, its rows (one per branch the database sits on), the declared width of
// version_num, and whether the database holds other tables (a database with tables and no
// alembic_version needs a stamp; an empty one is simply new). Failures become AlembicDbError
// with a kind and a sentence saying what to do.
import pg from 'pg';
import { translate, type Lang, type MessageKey } from '../../shared/i18n';
import { DsnError, findPgPassword, normalizePgDsn, openPgClient, parsePgDsn, redactPgDsn, type PgClientOptions, type PgDsn } from '../db/postgres';
import { AlembicDbError, type AlembicDbErrorKind } from './errors';
import type { VersionTableState } from './types';

export interface ReadVersionTableOptions {
  /** Alembic's version_table (default alembic_version). */
  versionTable?: string;
  /** Alembic's version_table_schema; default: the first schema on search_path that has it. */
  versionTableSchema?: string;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** Per statement (default 15 s). */
  statementTimeoutMs?: number;
  /** Connecting (default 10 s). */
  connectTimeoutMs?: number;
  /** The language of the failure's message (AlembicDbError): English by default. */
  lang?: Lang;
}

/** What was being done when reading failed (said inside the failure's sentence). */
type ReadStep = Extract<MessageKey, 'alembic.read.connecting' | 'alembic.read.starting' | 'alembic.read.looking' | 'alembic.read.counting' | 'alembic.read.width' | 'alembic.read.rows'>;

/** SQLAlchemy-style URLs (postgresql+psycopg://) name a driver; `pg` wants the plain scheme. */
export const normalizeDsn = normalizePgDsn;

/** The DSN without its password, for messages. */
export const redactDsn = redactPgDsn;

function describe(error: unknown, step: ReadStep, lang: Lang): AlembicDbError {
  const e = error as { code?: string; message?: string; errno?: string };
  const code = e.code ?? '';
  const msg = e.message ?? String(error);
  const make = (kind: AlembicDbErrorKind, text: string) => new AlembicDbError(kind, text, /^[0-9A-Z]{5}$/.test(code) ? code : undefined, { cause: error });
  const connecting = step === 'alembic.read.connecting';
  const where = translate(lang, step);
  if (connecting && !['28P01', '28000', '3D000', '42501'].includes(code)) {
    return make('connect_failed', translate(lang, 'alembic.read.connectFailed', { message: msg || code }));
  }
  if (['57P01', '57P02', '57P03'].includes(code) || /Connection terminated|ECONNRESET|EPIPE|server closed the connection/i.test(msg)) {
    return make('connection_lost', translate(lang, 'alembic.read.lost', { where, message: msg }));
  }
  if (code === '57014') return make('timeout', translate(lang, 'alembic.read.timeout', { where, message: msg }));
  if (code === '28P01' || code === '28000') return make('auth_failed', translate(lang, 'alembic.read.authFailed', { message: msg }));
  if (code === '3D000') return make('database_missing', translate(lang, 'alembic.read.databaseMissing', { message: msg }));
  if (code === '42501') {
    if (connecting) return make('permission_denied', translate(lang, 'alembic.read.noConnect', { message: msg }));
    return make('permission_denied', translate(lang, 'alembic.read.permission', { where, message: msg }));
  }
  return make('sql_error', code ? translate(lang, 'alembic.read.sqlErrorState', { where, message: msg, code }) : translate(lang, 'alembic.read.sqlError', { where, message: msg }));
}

/**
 * Reads alembic_version from the database at `dsn` (a postgresql:// URL or a pg ClientConfig;
 * the password may come from PGPASSWORD). Never writes: the session is READ ONLY.
 */
export async function readVersionTable(dsn: string | pg.ClientConfig, options: ReadVersionTableOptions = {}): Promise<VersionTableState> {
  const table = options.versionTable ?? 'alembic_version';
  let lost: Error | null = null;
  // A backend that dies between queries is reported on the client; without a listener it would crash the process.
  const listen = (c: pg.Client) => c.on('error', (error) => {
    lost = error;
  });
  const applicationName = options.applicationName ?? 'cutover-alembic-inspect';
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const lang = options.lang ?? 'en';
  let where: ReadStep = 'alembic.read.connecting';
  let client: pg.Client | null = null;
  try {
    // A URL (the CLI's --db, or the window's connectionString with its password) goes through the
    // one PostgreSQL connection module: sslmode as libpq means it, not as pg's own URL parser does.
    if (typeof dsn === 'string' || dsn.connectionString !== undefined) {
      const url = typeof dsn === 'string' ? dsn : dsn.connectionString!;
      const given = typeof dsn !== 'string' && typeof dsn.password === 'string' ? dsn.password : undefined;
      client = (await openPgClient(alembicClientOptions(url, applicationName, connectTimeoutMs, lang, given), listen)).client;
    } else {
      client = new pg.Client({ ...dsn, application_name: applicationName, connectionTimeoutMillis: connectTimeoutMs });
      listen(client);
      await client.connect();
    }
    where = 'alembic.read.starting';
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(options.statementTimeoutMs ?? 15_000))}`);
    where = 'alembic.read.looking';
    const found = await client.query<{ oid: string | null; schema: string | null; db: string; usr: string }>(
      `SELECT c.oid::text AS oid, n.nspname AS schema, current_database() AS db, current_user AS usr
         FROM (SELECT to_regclass(CASE WHEN $1::text IS NULL THEN quote_ident($2) ELSE quote_ident($1) || '.' || quote_ident($2) END) AS oid) r
         LEFT JOIN pg_catalog.pg_class c ON c.oid = r.oid
         LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace`,
      [options.versionTableSchema ?? null, table],
    );
    const row = found.rows[0]!;
    where = 'alembic.read.counting';
    const others = await client.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
          AND c.oid::text IS DISTINCT FROM $1`,
      [row.oid],
    );
    const state: VersionTableState = {
      exists: row.oid !== null, schema: row.schema, table, revisions: [], width: null, columnType: null, widthSource: null,
      otherTables: Number(others.rows[0]!.n), database: row.db, user: row.usr,
    };
    if (!state.exists) {
      await client.query('ROLLBACK');
      return state;
    }
    where = 'alembic.read.width';
    await client.query('SAVEPOINT width');
    try {
      const col = await client.query<{ width: number | null; type: string }>(
        `SELECT character_maximum_length::int AS width,
                CASE WHEN character_maximum_length IS NULL THEN data_type ELSE data_type || '(' || character_maximum_length || ')' END AS type
           FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = 'version_num'`,
        [row.schema, table],
      );
      if (col.rows[0]) {
        state.width = col.rows[0].width;
        state.columnType = col.rows[0].type;
        state.widthSource = 'information_schema';
      }
      await client.query('RELEASE SAVEPOINT width');
    } catch (error) {
      if ((error as { code?: string }).code !== '42501') throw error;
      await client.query('ROLLBACK TO SAVEPOINT width');
    }
    if (state.widthSource === null) {
      // information_schema hides columns the role has no privilege on; pg_attribute does not.
      const col = await client.query<{ width: number | null; type: string }>(
        `SELECT CASE WHEN atttypid IN (1042, 1043) AND atttypmod > 0 THEN atttypmod - 4 END AS width, format_type(atttypid, atttypmod) AS type
           FROM pg_catalog.pg_attribute WHERE attrelid = $1::oid AND attname = 'version_num' AND NOT attisdropped`,
        [row.oid],
      );
      if (col.rows[0]) {
        state.width = col.rows[0].width;
        state.columnType = col.rows[0].type;
        state.widthSource = 'pg_attribute';
      }
    }
    where = 'alembic.read.rows';
    const ident = `${client.escapeIdentifier(row.schema!)}.${client.escapeIdentifier(table)}`;
    const rows = await client.query<{ v: string | null }>(`SELECT version_num::text AS v FROM ${ident}`);
    state.revisions = rows.rows.map((r) => r.v).filter((v): v is string => v !== null);
    await client.query('ROLLBACK');
    return state;
  } catch (error) {
    if (error instanceof AlembicDbError) throw error;
    throw describe(lost ?? error, where, lang);
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/**
 * `alembic --db URL` connects as libpq (and so Alembic's psycopg) would: sslmode with libpq's
 * meaning (prefer by default; require encrypts without verifying), the password given with it
 * (the window's saved target), else the URL's, else PGPASSWORD, else the pgpass file.
 */
function alembicClientOptions(url: string, applicationName: string, connectTimeoutMs: number, lang: Lang, given?: string): PgClientOptions {
  let dsn: PgDsn;
  try {
    dsn = parsePgDsn(url, { password: 'allow' });
  } catch (error) {
    if (error instanceof DsnError) throw new AlembicDbError('connect_failed', `${error.message} (${redactPgDsn(url)})`);
    throw error;
  }
  return {
    dsn, tls: dsn.sslmode ?? 'prefer', applicationName, connectTimeoutMs: dsn.connectTimeoutMs ?? connectTimeoutMs,
    password: async () => {
      const password = given ?? dsn.password ?? findPgPassword(dsn);
      if (password === undefined) throw new AlembicDbError('auth_failed', translate(lang, 'alembic.read.noPassword', { label: dsn.label, user: dsn.user }));
      return password;
    },
  };
}
