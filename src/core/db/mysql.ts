// MySQL and MariaDB connections, in the same shape as ./postgres.ts: a mysql:// DSN read here
// (never with a password in it: the secret comes from the vault), the five TLS modes with
// libpq's meaning mapped onto mysql2's options, redaction of a DSN for messages, and the
// connection factory (with prefer's fall-back to a plain connection). Callers word errors.
import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Connection, ConnectionOptions, SslOptions } from 'mysql2/promise';
import { dsnCarriesPassword } from '../runbook/dsn';
import { redactDsnPassword } from './redact-dsn';
import { DsnError, MYSQL_SSL_MODES, TLS_MODES, type TlsMode } from './tls-mode';

export { DsnError, effectiveTls, mysqlSslModeName, TLS_MODES, type TlsMode } from './tls-mode';

export interface MysqlDsn {
  host: string;
  port: number;
  /** A Unix socket path (?socket=…), used instead of host and port. */
  socket?: string;
  /** The DSN's user, else the operating-system user (as the mysql client). */
  user: string;
  database?: string;
  /** The DSN's TLS mode (sslmode=verify-full or MySQL's ssl-mode=VERIFY_IDENTITY); absent when it names none. */
  sslmode?: TlsMode;
  sslca?: string;
  sslcert?: string;
  sslkey?: string;
  /** host:port/database, for messages and the vault (no user, no password). */
  label: string;
}

const KNOWN_PARAMS = ['sslmode', 'ssl-mode', 'ssl-ca', 'ssl-cert', 'ssl-key', 'socket'];

export const MYSQL_PASSWORD_REFUSED = 'The DSN carries a password: remove it and name a secret instead (the secret lives in the vault; a password in a DSN shows in the plan, in `ps` and in the evidence).';

/** A password in the DSN's user info ("user:pw@") or as a `password=` parameter. */
export function mysqlDsnCarriesPassword(dsn: string): boolean {
  return /^mysql:\/\/[^/@:]*:[^/@]*@/i.test(dsn) || dsnCarriesPassword(dsn);
}

/** The DSN with its password replaced by ***, for messages. */
export const redactMysqlDsn = redactDsnPassword;

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function defaultMysqlUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER || process.env.USERNAME || 'root';
  }
}

/** Reads mysql://user@host:3306/db[?sslmode=…|ssl-mode=…&ssl-ca=…&socket=…]; throws DsnError. */
export function parseMysqlDsn(dsn: string): MysqlDsn {
  if (!/^mysql:\/\//i.test(dsn)) throw new DsnError('The DSN must be a mysql:// URL, like mysql://app@db.example:3306/sales.');
  if (mysqlDsnCarriesPassword(dsn)) throw new DsnError(MYSQL_PASSWORD_REFUSED);
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new DsnError('The DSN is not a valid mysql:// URL (check for unescaped characters such as @, # or / in the user or database name, and that the port is a number).');
  }
  const param = (name: string): string | undefined => url.searchParams.get(name) ?? undefined;
  const unknown = [...url.searchParams.keys()].filter((k) => !KNOWN_PARAMS.includes(k));
  if (unknown.length) throw new DsnError(`The DSN parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not supported (supported: ${KNOWN_PARAMS.join(', ')}).`);
  const port = Number(url.port || '3306');
  const host = decode(url.hostname).replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const database = decode(url.pathname.replace(/^\//, '')) || undefined;
  const out: MysqlDsn = { host, port, user: decode(url.username) || defaultMysqlUser(), label: `${host}:${port}/${database ?? ''}` };
  if (database) out.database = database;
  const libpqMode = param('sslmode');
  const mysqlMode = param('ssl-mode');
  if (libpqMode !== undefined) {
    const mode = libpqMode === 'allow' ? 'prefer' : TLS_MODES.find((m) => m === libpqMode);
    if (!mode) throw new DsnError(`sslmode=${libpqMode} is not a TLS mode (disable, prefer, require, verify-ca, verify-full).`);
    out.sslmode = mode;
  } else if (mysqlMode !== undefined) {
    const mode = MYSQL_SSL_MODES[mysqlMode.toUpperCase()];
    if (!mode) throw new DsnError(`ssl-mode=${mysqlMode} is not a MySQL TLS mode (DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY).`);
    out.sslmode = mode;
  }
  const set = (key: 'sslca' | 'sslcert' | 'sslkey' | 'socket', value: string | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('sslca', param('ssl-ca'));
  set('sslcert', param('ssl-cert'));
  set('sslkey', param('ssl-key'));
  set('socket', param('socket'));
  return out;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path.startsWith('~/') ? join(homedir(), path.slice(2)) : path);
  } catch (error) {
    throw new DsnError(`Cannot read the ${what} ${path} named in the DSN (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
}

/**
 * mysql2's `ssl` for a TLS mode, with libpq's meaning: require encrypts without checking the
 * certificate (unless ssl-ca is given, when it checks the chain); verify-ca checks the chain;
 * verify-full also checks the host name. Throws DsnError for an unreadable certificate file.
 */
export function mysqlTlsOptions(mode: TlsMode, dsn: Pick<MysqlDsn, 'sslca' | 'sslcert' | 'sslkey'>): SslOptions | undefined {
  if (mode === 'disable') return undefined;
  const base: SslOptions = {};
  if (dsn.sslcert) base.cert = readPem(dsn.sslcert, 'client certificate');
  if (dsn.sslkey) base.key = readPem(dsn.sslkey, 'client key');
  if (dsn.sslca) base.ca = readPem(dsn.sslca, 'CA certificate');
  const verify = mode === 'verify-ca' || mode === 'verify-full' || (mode === 'require' && dsn.sslca !== undefined);
  return { ...base, rejectUnauthorized: verify, verifyIdentity: mode === 'verify-full' };
}

export interface MysqlConnectOptions {
  dsn: MysqlDsn;
  tls: TlsMode;
  password?: string;
  connectTimeoutMs: number;
  /** Several statements in one query: only for approved command steps, never for checks. */
  multipleStatements?: boolean;
}

/** Whether a connect error is the server saying it has no TLS. */
export function isMysqlNoTlsError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return e?.code === 'HANDSHAKE_NO_SSL_SUPPORT' || /does not support secure connection/i.test(e?.message ?? '');
}

function connectionOptions(options: MysqlConnectOptions, ssl: SslOptions | undefined): ConnectionOptions {
  const { dsn } = options;
  return {
    ...(dsn.socket ? { socketPath: dsn.socket } : { host: dsn.host, port: dsn.port }),
    user: dsn.user,
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(dsn.database ? { database: dsn.database } : {}),
    ...(ssl ? { ssl } : {}),
    connectTimeout: options.connectTimeoutMs,
    multipleStatements: options.multipleStatements ?? false,
    // Dates as the server sent them; DECIMAL, and a BIGINT beyond 2^53, as text (never rounded).
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    enableKeepAlive: true,
  };
}

/**
 * Opens a connection with libpq's TLS semantics: `prefer` falls back to a plain connection
 * when the server has no TLS. The raw mysql2 error is thrown for the caller to word; a DsnError
 * when a certificate file named in the DSN cannot be read.
 */
export async function openMysqlConnection(options: MysqlConnectOptions): Promise<{ connection: Connection; tls: boolean }> {
  const ssl = mysqlTlsOptions(options.tls, options.dsn);
  const open = async (s: SslOptions | undefined) => {
    // mysql2 is loaded when a MySQL connection is first made: every other command starts without it.
    const { default: mysql } = await import('mysql2/promise');
    const connection = await mysql.createConnection(connectionOptions(options, s));
    // Without a listener, a connection that dies while idle would crash the process.
    connection.on('error', () => undefined);
    return connection;
  };
  try {
    return { connection: await open(ssl), tls: ssl !== undefined };
  } catch (error) {
    if (options.tls !== 'prefer' || !isMysqlNoTlsError(error)) throw error;
    return { connection: await open(undefined), tls: false };
  }
}
