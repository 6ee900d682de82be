// One careful place to open a connection to the ledger: the DSN checked (postgresql://, no
// password in it: PGPASSWORD or ~/.pgpass), time-bounded connect and statements, an `error`
// listener so a dropped session never crashes the process, and errors a user can act on.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { findPassword, parseDsn } from '../checks/dsn';
import { PgCheckError } from '../checks/errors';
import { LedgerConnectionError, LedgerError, LedgerRefusedError } from './errors';

export interface LedgerConnection {
  client: pg.Client;
  /** host:port/database, for messages (no user, no password). */
  label: string;
}

function sslFor(dsn: ReturnType<typeof parseDsn>): pg.ClientConfig['ssl'] {
  if (dsn.sslmode === 'disable' || dsn.sslmode === 'prefer') return false;
  if (dsn.sslmode === 'require') return { rejectUnauthorized: false };
  const ca = dsn.sslrootcert ? readFileSync(dsn.sslrootcert) : undefined;
  return { rejectUnauthorized: true, ...(ca ? { ca } : {}), ...(dsn.sslmode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}) };
}

/** Checks a ledger URL without connecting; returns its label. */
export function ledgerLabel(url: string): string {
  try {
    return parseDsn(url).label;
  } catch (error) {
    if (error instanceof PgCheckError) throw new LedgerError(`--db: ${error.message}`);
    throw error;
  }
}

/** `timeoutMs` bounds the connect (below the URL's connect_timeout, if that is shorter). */
export async function connectLedger(url: string, applicationName: string, options: { timeoutMs?: number } = {}): Promise<LedgerConnection> {
  let dsn: ReturnType<typeof parseDsn>;
  try {
    dsn = parseDsn(url);
  } catch (error) {
    if (error instanceof PgCheckError) throw new LedgerError(`--db: ${error.message}`);
    throw error;
  }
  const password = findPassword(dsn);
  const client = new pg.Client({
    host: dsn.host, port: dsn.port, database: dsn.database, user: dsn.user, ...(password !== undefined ? { password } : {}),
    ssl: sslFor(dsn), application_name: applicationName,
    connectionTimeoutMillis: Math.min(dsn.connectTimeoutMs ?? 10_000, options.timeoutMs ?? 10_000), statement_timeout: 60_000, query_timeout: 90_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new LedgerConnectionError(`Cannot reach the ledger at ${dsn.label}: ${(error as Error).message}. Check the URL, that PostgreSQL is running, and the password (PGPASSWORD or ~/.pgpass).`, { cause: error });
  }
  return { client, label: dsn.label };
}

/** A pg error as something to tell the user: a lost connection, a refusal, or the ledger missing. */
export function ledgerErrorFrom(error: unknown, label: string, doing: string): Error {
  if (error instanceof LedgerError) return error;
  const e = error as { code?: unknown; message?: string };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = e.message ?? String(error);
  if (code === '42P01' || code === '3F000') return new LedgerError(`${label} holds no team ledger (${message}); create it with \`cutover ledger init --db URL\`.`, { cause: error });
  if (code === '42501') return new LedgerRefusedError(`The ledger at ${label} refused ${doing}: ${message}.`, { cause: error });
  if (/^(23|P0)/.test(code)) return new LedgerRefusedError(`The ledger at ${label} refused ${doing}: ${message}.`, { cause: error });
  if (code === '57014') return new LedgerConnectionError(`The ledger at ${label} took longer than its 60 s statement timeout while ${doing} (another session holding a lock?): ${message}. Nothing half-done was kept; run the command again.`, { cause: error });
  if (code.startsWith('57') || code.startsWith('08') || /terminat|Connection terminated|ECONNRESET|ECONNREFUSED|not queryable|timeout/i.test(message)) {
    return new LedgerConnectionError(`Lost the connection to the ledger at ${label} while ${doing}: ${message}. Nothing half-done was kept; run the command again.`, { cause: error });
  }
  // Any other answer from the server (a SQLSTATE): a ledger not as init made it, said as such.
  if (/^[0-9A-Z]{5}$/.test(code)) return new LedgerRefusedError(`The ledger at ${label} answered an error while ${doing}: ${message} (SQLSTATE ${code}). Is it a ledger made by this version's \`cutover ledger init\`?`, { cause: error });
  return error instanceof Error ? error : new Error(message);
}

export async function closeLedger(connection: LedgerConnection): Promise<void> {
  await connection.client.end().catch(() => undefined);
}
