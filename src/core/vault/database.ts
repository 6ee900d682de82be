// Opening the encrypted SQLite file happens here and nowhere else: key shape checked, the
// SQLCipher 4 scheme selected, the key applied, a test query, WAL and synchronous=FULL, and
// the handle closed on any error before anyone else sees it. A read-only handle is opened with
// SQLite's own read-only flag (and query_only), so SQLite itself refuses any write through it.
import Database from 'better-sqlite3-multiple-ciphers';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { DATA_KEY_BYTES } from './keyslots';
import { NotAVaultError, VaultBusyError, VaultCorruptError, VaultDiskFullError, VaultError, VaultReadOnlyError } from './errors';

export type SqliteDatabase = Database.Database;

const SQLITE_PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const PAGE_SIZE = 4096;

/** Refuses, without opening it, a file that cannot be an encrypted vault. */
export function checkVaultFileShape(path: string): void {
  const size = statSync(path).size;
  if (size === 0) throw new NotAVaultError(path, 'the file is empty');
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(16);
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.equals(SQLITE_PLAIN_HEADER)) throw new NotAVaultError(path, 'it is a plain, unencrypted SQLite database');
  if (size % PAGE_SIZE !== 0) throw new VaultCorruptError(path, `its size, ${size} bytes, is not a whole number of ${PAGE_SIZE}-byte pages: the file is truncated`);
}

function nativeBinding(): string | undefined {
  return process.env.CUTOVER_SQLITE_NATIVE_BINDING || undefined;
}

/** Turns SQLite's error codes into the vault's named errors. */
export function vaultErrorFrom(path: string, error: unknown): Error {
  if (error instanceof VaultError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB') return new VaultCorruptError(path, 'the encrypted pages do not decrypt with this vault\'s key: the file is damaged or its .keys file belongs to another vault', { cause: error });
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_IOERR_SHORT_READ') return new VaultCorruptError(path, `SQLite reports ${code}: ${message}`, { cause: error });
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return new VaultBusyError(path);
  if (code.startsWith('SQLITE_READONLY')) return new VaultReadOnlyError(path, 'a write', { cause: error });
  if (code === 'SQLITE_FULL') return new VaultDiskFullError(path, { cause: error });
  return error instanceof Error ? error : new Error(message);
}

export interface OpenDatabaseOptions {
  /** Create the file if missing (only `Vault.create`). */
  create?: boolean;
  /**
   * Open with SQLITE_OPEN_READONLY: the vault file and its -wal are never written. SQLite may
   * still create an empty -wal and the -shm index beside a WAL vault (they hold no data), and
   * reads see every committed write, also while another process holds a write transaction.
   */
  readOnly?: boolean;
}

export function openDatabase(path: string, dataKey: Buffer, options: OpenDatabaseOptions = {}): SqliteDatabase {
  if (dataKey.length !== DATA_KEY_BYTES) throw new Error(`a vault key is ${DATA_KEY_BYTES} bytes, got ${dataKey.length}`);
  const readOnly = options.readOnly === true;
  if (readOnly && options.create) throw new Error('a vault cannot be created read-only');
  const db = new Database(path, { fileMustExist: !options.create, readonly: readOnly, nativeBinding: nativeBinding() });
  try {
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
    db.pragma(`key = "x'${dataKey.toString('hex')}'"`);
    db.pragma('busy_timeout = 10000');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    if (readOnly) {
      // Belt and braces beside the open flag; the journal mode is whatever the writer left (WAL).
      db.pragma('query_only = ON');
      return db;
    }
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw vaultErrorFrom(path, error);
  }
}

export type VaultDb = BetterSQLite3Database<typeof schema> & { $client: SqliteDatabase };

/**
 * What a read path may use of the drizzle handle: queries, no insert, update, delete, run or
 * transaction. The read-only vault hands out this type; SQLite's read-only flag backs it up.
 */
export type VaultReadDb = Pick<VaultDb, 'select' | 'selectDistinct' | 'query' | '$count'>;

export function drizzleOver(db: SqliteDatabase): VaultDb {
  return drizzle({ client: db, schema });
}
