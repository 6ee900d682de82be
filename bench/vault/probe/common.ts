// Shared by the probes: an encrypted database opened like the vault's (database.ts) but with
// extra pragmas, and CPU/wall clocks. The probes measure what the vault's settings cost; they
// are not the benchmark (run.ts) and they never touch src/.
import Database from 'better-sqlite3-multiple-ciphers';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../../src/core/vault/migrate';

/** A fixed raw key: the probes measure pages, not unlocking. */
export const RAW_KEY = `x'${'ab'.repeat(32)}'`;

export interface DbSettings {
  /** false: no key at all (plain SQLite through the same library). */
  encrypted?: boolean;
  /** Cipher pragmas, applied before the key (e.g. 'legacy_page_size = 16384'). */
  cipher?: string[];
  /** Pragmas applied after the vault's own (e.g. 'wal_autocheckpoint = 0'). */
  after?: string[];
}

export function probeDir(name: string): string {
  const dir = join(process.env.BENCH_VAULT_TMPDIR || tmpdir(), `cutover-vault-probe-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Opens (creating) a database the way openDatabase() does, with the settings' extra pragmas. */
export function openLikeVault(path: string, settings: DbSettings = {}, options: { migrate?: boolean } = {}): Database.Database {
  const db = new Database(path);
  if (settings.encrypted !== false) {
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
    for (const p of settings.cipher ?? []) db.pragma(p);
    db.pragma(`key = "${RAW_KEY}"`);
  }
  db.pragma('busy_timeout = 10000');
  db.prepare('SELECT count(*) FROM sqlite_master').get();
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  for (const p of settings.after ?? []) db.pragma(p);
  if (options.migrate !== false) migrate(db, path);
  return db;
}

export interface Span {
  ms: number;
  cpuMs: number;
}

/** Wall and CPU (user+sys, all threads of this process) of fn. */
export function measure<T>(fn: () => T): [T, Span] {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = fn();
  const used = process.cpuUsage(cpu);
  return [value, { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 }];
}

export async function measureAsync<T>(fn: () => Promise<T>): Promise<[T, Span]> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return [value, { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 }];
}

export const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
