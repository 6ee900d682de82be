// A postgresql:// DSN read the way libpq reads it, and libpq's sslmode mapped onto Node's TLS
// options: what the target's connection needs before pg sees it.
import { defaultPgUser } from './pg-user';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import type { Target } from '../runbook/schema';
import { TargetError } from './types';

export type PostgresTarget = Extract<Target, { kind: 'postgres' }>;
export type TlsMode = PostgresTarget['tls'];

const TLS_ORDER: TlsMode[] = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'];

export interface Dsn {
  /** Where and as whom to connect; the password never comes from the DSN. */
  host: string;
  port: number;
  user?: string;
  database?: string;
  /** libpq's `options` (e.g. "-c search_path=app"). */
  options?: string;
  sslmode?: string;
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  applicationName?: string;
  /** host:port/database, for messages. */
  label: string;
}

/**
 * The parts of a postgresql:// URL that pg needs, read here rather than by pg's own parser,
 * which would let the DSN's (empty) password override the vault's.
 */
export function parseDsn(dsn: string): Dsn {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new TargetError('connect_failed', 'The DSN is not a valid postgresql:// URL.');
  }
  const param = (name: string) => url.searchParams.get(name) ?? undefined;
  const decode = (v: string) => {
    try {
      return decodeURIComponent(v);
    } catch {
      return v;
    }
  };
  // ?host=/var/run/postgresql (a socket directory) wins over the URL's host, as in libpq.
  const host = param('host') ?? (decode(url.hostname).replace(/^\[(.*)\]$/, '$1') || 'localhost');
  const port = Number(param('port') ?? (url.port || '5432'));
  const out: Dsn = { host, port, label: '' };
  const user = param('user') ?? (url.username ? decode(url.username) : defaultPgUser());
  const database = param('dbname') ?? (url.pathname.length > 1 ? decode(url.pathname.slice(1)) : undefined);
  const fields = { user, database, options: param('options'), sslmode: param('sslmode'), sslrootcert: param('sslrootcert'), sslcert: param('sslcert'), sslkey: param('sslkey'), applicationName: param('application_name') };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) (out as unknown as Record<string, string>)[key] = value;
  }
  out.label = `${host}:${port}/${database ?? user}`;
  return out;
}

/** The stricter of the target's `tls` and the DSN's sslmode: a DSN never weakens the target. */
export function effectiveTls(target: TlsMode, dsnMode: string | undefined): TlsMode {
  const fromDsn = TLS_ORDER.find((m) => m === dsnMode) ?? (dsnMode === 'allow' ? 'prefer' : undefined);
  if (!fromDsn) return target;
  return TLS_ORDER.indexOf(fromDsn) > TLS_ORDER.indexOf(target) ? fromDsn : target;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path.startsWith('~/') ? join(homedir(), path.slice(2)) : path);
  } catch (error) {
    throw new TargetError('connect_failed', `Cannot read the ${what} ${path} named in the DSN (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
}

/**
 * pg's `ssl` option for a libpq sslmode. require encrypts without checking the certificate
 * (as libpq does, unless a root certificate is given, when it checks like verify-ca);
 * verify-ca checks the chain; verify-full also checks the host name.
 */
export function tlsOptions(mode: TlsMode, dsn: Pick<Dsn, 'sslrootcert' | 'sslcert' | 'sslkey'>): false | ConnectionOptions {
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
