// The DSN a check connects with: a postgresql:// URL that never carries a password (a password
// in an argument ends up in `ps`, shell history and the evidence). The password comes from
// PGPASSWORD or a pgpass file, read here as libpq reads it.
import { defaultPgUser } from '../targets/pg-user';
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { dsnCarriesPassword } from '../runbook/dsn';
import { PgCheckError } from './errors';

export type SslMode = 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

export interface ParsedDsn {
  /** Host name, address, or a Unix socket directory (starting with /). */
  host: string;
  port: number;
  database: string;
  user: string;
  sslmode: SslMode;
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  applicationName?: string;
  /** libpq's `options`, e.g. "-c search_path=app". */
  options?: string;
  connectTimeoutMs?: number;
  /** Only when the caller allowed a password in the DSN (tests). */
  password?: string;
  /** host:port/database, for messages and the vault (no user, no password). */
  label: string;
}

const SSL_MODES: Record<string, SslMode> = { disable: 'disable', allow: 'prefer', prefer: 'prefer', require: 'require', 'verify-ca': 'verify-ca', 'verify-full': 'verify-full' };
const KNOWN_PARAMS = new Set(['password', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'application_name', 'options', 'connect_timeout', 'host', 'port', 'dbname', 'user']);

export const PASSWORD_REFUSED = 'The DSN carries a password: remove it and give the password through PGPASSWORD or ~/.pgpass (a password in an argument shows in `ps`, in shell history and in the evidence).';

/** Parses a postgresql:// DSN; refuses a malformed one and one with a password. */
export function parseDsn(dsn: string, options: { allowPassword?: boolean } = {}): ParsedDsn {
  if (!/^postgres(ql)?:\/\//i.test(dsn)) throw new PgCheckError('dsn', 'The DSN must be a postgresql:// URL, like postgresql://user@host:5432/dbname?sslmode=require.');
  if (!options.allowPassword && dsnCarriesPassword(dsn)) throw new PgCheckError('dsn', PASSWORD_REFUSED);
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new PgCheckError('dsn', 'The DSN is not a valid postgresql:// URL (check for unescaped characters such as @, # or / in the user or database name).');
  }
  const param = (name: string): string | undefined => url.searchParams.get(name) ?? undefined;
  const mode = param('sslmode') ?? 'prefer';
  const sslmode = SSL_MODES[mode];
  if (!sslmode) throw new PgCheckError('dsn', `sslmode=${mode} is not a libpq TLS mode (disable, allow, prefer, require, verify-ca, verify-full).`);
  const portText = url.port || param('port') || process.env.PGPORT || '5432';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PgCheckError('dsn', `The DSN's port "${portText}" is not a TCP port.`);
  const host = decodeURIComponent(url.hostname) || param('host') || process.env.PGHOST || 'localhost';
  const user = decodeURIComponent(url.username) || param('user') || defaultPgUser();
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || param('dbname') || process.env.PGDATABASE || user;
  const unknown = [...url.searchParams.keys()].filter((k) => !KNOWN_PARAMS.has(k));
  if (unknown.length) throw new PgCheckError('dsn', `The DSN parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not supported here (supported: ${[...KNOWN_PARAMS].join(', ')}).`);
  const out: ParsedDsn = { host, port, database, user, sslmode, label: `${host}:${port}/${database}` };
  const set = (key: 'sslrootcert' | 'sslcert' | 'sslkey' | 'applicationName' | 'options', value: string | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('sslrootcert', param('sslrootcert'));
  set('sslcert', param('sslcert'));
  set('sslkey', param('sslkey'));
  set('applicationName', param('application_name'));
  set('options', param('options'));
  if (options.allowPassword && (url.password || param('password'))) out.password = url.password ? decodeURIComponent(url.password) : param('password')!;
  const timeout = param('connect_timeout');
  if (timeout !== undefined) {
    if (!/^\d+$/.test(timeout)) throw new PgCheckError('dsn', `connect_timeout=${timeout} is not a whole number of seconds.`);
    if (Number(timeout) > 0) out.connectTimeoutMs = Number(timeout) * 1000;
  }
  return out;
}

/** The password for a connection, the way libpq finds it: PGPASSWORD, then the pgpass file. */
export function findPassword(target: Pick<ParsedDsn, 'host' | 'port' | 'database' | 'user'>): string | undefined {
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
