// PostgreSQL connections, in one place for targets, checks and Alembic alike: a postgresql://
// DSN read the way libpq reads it, the password found the way libpq finds it (PGPASSWORD, then
// the pgpass file) when no vault secret gives one, libpq's sslmode mapped onto Node's TLS
// options with libpq's meaning, redaction of a DSN for messages, and the client factory
// (with prefer's fall-back to a plain connection). Each caller turns errors into its own
// vocabulary (TargetError, PgCheckError, AlembicDbError); the facts live here.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import type { ClientConfig } from 'pg';
import { dsnCarriesPassword } from '../runbook/dsn';
import { defaultPgUser } from '../targets/pg-user';
import { redactDsnPassword } from './redact-dsn';
import { DsnError, TLS_MODES, type TlsMode } from './tls-mode';

export { defaultPgUser, withDefaultUser } from '../targets/pg-user';
export { DsnError, effectiveTls, TLS_MODES, type TlsMode } from './tls-mode';

export interface PgDsn {
  /** Host name, address, or a Unix socket directory (starting with /). */
  host: string;
  port: number;
  /** The DSN's user, else PGUSER, else the operating-system user (as libpq). */
  user: string;
  /** The DSN's database, else PGDATABASE, else the user name (as libpq). */
  database: string;
  /** The DSN's sslmode (allow read as prefer); absent when it names none. */
  sslmode?: TlsMode;
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  applicationName?: string;
  /** libpq's `options`, e.g. "-c search_path=app". */
  options?: string;
  connectTimeoutMs?: number;
  /** Only with `password: 'allow'`. */
  password?: string;
  /** Query parameters this module does not use (target_session_attrs …). */
  unknownParams: string[];
  /** host:port/database, for messages and the vault (no user, no password). */
  label: string;
}

export interface ParsePgDsnOptions {
  /**
   * A password in the DSN: 'refuse' it (default: the CLI and the checks), 'allow' it (taken,
   * for library callers such as tests and `alembic --db`), or 'ignore' it (targets: the schema
   * already refused it, and the password comes from the vault).
   */
  password?: 'refuse' | 'allow' | 'ignore';
  /** How to give the password instead, for the refusal. */
  passwordAdvice?: string;
}

export const KNOWN_PG_PARAMS = ['password', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'application_name', 'options', 'connect_timeout', 'host', 'port', 'dbname', 'user'];

const PG_PASSWORD_ADVICE = 'give the password through PGPASSWORD or ~/.pgpass';

export function pgPasswordRefusal(advice = PG_PASSWORD_ADVICE): string {
  return `The DSN carries a password: remove it and ${advice} (a password in an argument shows in \`ps\`, in shell history and in the evidence).`;
}

/** SQLAlchemy-style URLs (postgresql+psycopg://) name a driver; libpq and pg want the plain scheme. */
export function normalizePgDsn(dsn: string): string {
  return dsn.replace(/^postgres(?:ql)?\+[\w-]+:\/\//, 'postgresql://');
}

/** The DSN with its password (user info or `password=`) replaced by ***, for messages. */
export const redactPgDsn = redactDsnPassword;

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Reads a postgresql:// DSN as libpq does: query parameters win over the URL's parts, then
 * PGHOST/PGPORT/PGDATABASE/PGUSER, then libpq's defaults. Throws DsnError.
 */
export function parsePgDsn(text: string, options: ParsePgDsnOptions = {}): PgDsn {
  const dsn = normalizePgDsn(text);
  if (!/^postgres(ql)?:\/\//i.test(dsn)) throw new DsnError('The DSN must be a postgresql:// URL, like postgresql://user@host:5432/dbname?sslmode=require.');
  const passwordRule = options.password ?? 'refuse';
  if (passwordRule === 'refuse' && dsnCarriesPassword(dsn)) throw new DsnError(pgPasswordRefusal(options.passwordAdvice));
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new DsnError('The DSN is not a valid postgresql:// URL (check for unescaped characters such as @, # or / in the user or database name).');
  }
  const param = (name: string): string | undefined => url.searchParams.get(name) ?? undefined;
  const mode = param('sslmode');
  let sslmode: TlsMode | undefined;
  if (mode !== undefined) {
    sslmode = mode === 'allow' ? 'prefer' : TLS_MODES.find((m) => m === mode);
    if (!sslmode) throw new DsnError(`sslmode=${mode} is not a libpq TLS mode (disable, allow, prefer, require, verify-ca, verify-full).`);
  }
  const portText = param('port') ?? (url.port || process.env.PGPORT || '5432');
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DsnError(`The DSN's port "${portText}" is not a TCP port.`);
  // ?host=/var/run/postgresql (a socket directory) wins over the URL's host, as in libpq.
  const host = param('host') ?? (decode(url.hostname).replace(/^\[(.*)\]$/, '$1') || process.env.PGHOST || 'localhost');
  const user = param('user') ?? (decode(url.username) || defaultPgUser());
  const database = param('dbname') ?? (decode(url.pathname.replace(/^\//, '')) || process.env.PGDATABASE || user);
  const out: PgDsn = { host, port, user, database, unknownParams: [...url.searchParams.keys()].filter((k) => !KNOWN_PG_PARAMS.includes(k)), label: `${host}:${port}/${database}` };
  if (sslmode) out.sslmode = sslmode;
  const set = (key: 'sslrootcert' | 'sslcert' | 'sslkey' | 'applicationName' | 'options', value: string | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('sslrootcert', param('sslrootcert'));
  set('sslcert', param('sslcert'));
  set('sslkey', param('sslkey'));
  set('applicationName', param('application_name'));
  set('options', param('options'));
  if (passwordRule === 'allow' && (url.password || param('password'))) out.password = url.password ? decode(url.password) : param('password')!;
  const timeout = param('connect_timeout');
  if (timeout !== undefined) {
    if (!/^\d+$/.test(timeout)) throw new DsnError(`connect_timeout=${timeout} is not a whole number of seconds.`);
    if (Number(timeout) > 0) out.connectTimeoutMs = Number(timeout) * 1000;
  }
  return out;
}

/** The password for a connection, the way libpq finds it: PGPASSWORD, then the pgpass file. */
export function findPgPassword(target: Pick<PgDsn, 'host' | 'port' | 'database' | 'user'>): string | undefined {
  if (process.env.PGPASSWORD !== undefined) return process.env.PGPASSWORD;
  const file = process.env.PGPASSFILE || join(homedir(), '.pgpass');
  let text: string;
  try {
    const st = statSync(file);
    // libpq ignores a pgpass file others can read (it warns); so do we.
    if (!st.isFile() || (process.platform !== 'win32' && (st.mode & 0o077) !== 0)) return undefined;
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const host = target.host.startsWith('/') ? 'localhost' : target.host;
  const wanted = [host, String(target.port), target.database, target.user];
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = splitPgpassLine(line);
    if (fields.length < 5) continue;
    if (wanted.every((value, i) => fields[i] === '*' || fields[i] === value)) return fields[4];
  }
  return undefined;
}

/** host:port:database:user:password, with \: and \\ escaped. */
function splitPgpassLine(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i]!;
    if (ch === '\\' && i + 1 < line.length) {
      current += line[i + 1];
      i += 1;
    } else if (ch === ':' && fields.length < 4) {
      fields.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  fields.push(current);
  return fields;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path.startsWith('~/') ? join(homedir(), path.slice(2)) : path);
  } catch (error) {
    throw new DsnError(`Cannot read the ${what} ${path} named in the DSN (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
}

/**
 * pg's `ssl` option for a libpq sslmode. require encrypts without checking the certificate
 * (as libpq does, unless a root certificate is given, when it checks like verify-ca);
 * verify-ca checks the chain; verify-full also checks the host name. Throws DsnError when a
 * certificate file named in the DSN cannot be read.
 */
export function pgTlsOptions(mode: TlsMode, dsn: Pick<PgDsn, 'sslrootcert' | 'sslcert' | 'sslkey'>): false | ConnectionOptions {
  if (mode === 'disable') return false;
  const base: ConnectionOptions = {};
  if (dsn.sslcert) base.cert = readPem(dsn.sslcert, 'client certificate');
  if (dsn.sslkey) base.key = readPem(dsn.sslkey, 'client key');
  const rootcert = dsn.sslrootcert ?? (existsSync(join(homedir(), '.postgresql', 'root.crt')) ? join(homedir(), '.postgresql', 'root.crt') : undefined);
  const verify = mode === 'verify-ca' || mode === 'verify-full' || (mode === 'require' && dsn.sslrootcert !== undefined && dsn.sslrootcert !== 'system');
  if (!verify) return { ...base, rejectUnauthorized: false };
  // sslrootcert=system (libpq 16): the platform's trust store, which is Node's default.
  if (rootcert && rootcert !== 'system') base.ca = readPem(rootcert, 'root certificate');
  if (mode === 'verify-full') return { ...base, rejectUnauthorized: true };
  return { ...base, rejectUnauthorized: true, checkServerIdentity: () => undefined };
}

export interface PgClientOptions {
  dsn: Pick<PgDsn, 'host' | 'port' | 'user' | 'database' | 'options' | 'sslrootcert' | 'sslcert' | 'sslkey'>;
  tls: TlsMode;
  /** A value, a callback pg calls when the server asks, or none (no password is sent). */
  password?: string | (() => Promise<string>);
  applicationName: string;
  connectTimeoutMs: number;
  keepAlive?: boolean;
}

/**
 * pg's ClientConfig from fields, never from pg's connectionString: its parser sets password to
 * "" when the URL has none (replacing the vault's or pgpass's) and reads sslmode otherwise than libpq.
 */
export function pgClientConfig(options: PgClientOptions, ssl: false | ConnectionOptions = pgTlsOptions(options.tls, options.dsn)): ClientConfig {
  const { dsn } = options;
  return {
    host: dsn.host,
    port: dsn.port,
    user: dsn.user,
    database: dsn.database,
    ...(dsn.options !== undefined ? { options: dsn.options } : {}),
    ssl,
    application_name: options.applicationName.slice(0, 63),
    connectionTimeoutMillis: options.connectTimeoutMs,
    ...(options.keepAlive ? { keepAlive: true } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
  };
}

/** Whether a connect error is the server saying it has no TLS. */
export function isNoTlsError(error: unknown): boolean {
  return /does not support SSL/i.test((error as Error | undefined)?.message ?? '');
}

/**
 * Opens a pg client with libpq's TLS semantics: `prefer` falls back to a plain connection when
 * the server has no TLS. `setup` attaches listeners before connecting (a session that dies
 * without an `error` listener would crash the process). A client that fails to connect is
 * ended; the raw pg error is thrown for the caller to word. Returns whether TLS was asked for.
 */
export async function openPgClient(options: PgClientOptions, setup: (client: pg.Client) => void = (c) => c.on('error', () => undefined)): Promise<{ client: pg.Client; tls: boolean }> {
  const attempt = async (ssl: false | ConnectionOptions) => {
    const client = new pg.Client(pgClientConfig(options, ssl));
    setup(client);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  };
  const ssl = pgTlsOptions(options.tls, options.dsn);
  try {
    return { client: await attempt(ssl), tls: ssl !== false };
  } catch (error) {
    if (options.tls !== 'prefer' || !isNoTlsError(error)) throw error;
    return { client: await attempt(false), tls: false };
  }
}
