// One measured task of the vault benchmark, run by run.ts in its own process so that its peak
// RSS is its own. Prints one JSON line on stdout. Usage:
//   worker.ts file   PATH  BYTES WRITE_BYTES   the baseline's bytes, written and fsynced
//   worker.ts floor                            nothing: the process's RSS with the vault code loaded
//   worker.ts stream VAULT BYTES WRITE_BYTES   Vault.create, then one artifact of BYTES
//   worker.ts plain-stream DB BYTES WRITE_BYTES  the same ArtifactWriter on an unencrypted database
//   worker.ts verify VAULT                     Vault.open, then verify()
//   worker.ts events VAULT PLAIN COUNT BLOCK   COUNT vault.append()s, and the same rows into an
//                                              unencrypted database, interleaved in blocks
// Times are wall-clock milliseconds of the measured section only; cpu is that section's user+sys.
import Database from 'better-sqlite3-multiple-ciphers';
import { closeSync, fsyncSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { GENESIS_HASH, Vault, canonicalJson, type VaultEvent } from '../../src/core/vault';
import { eventHashOfCanonical } from '../../src/core/vault/chain';
import { ArtifactWriter } from '../../src/core/vault/artifacts';
import { drizzleOver } from '../../src/core/vault/database';
import { migrate } from '../../src/core/vault/migrate';
import { pieces } from './bytes';
import { openLikeVault } from './probe/common';

/** run.ts passes it the way the CLI takes it. */
const PASSPHRASE = process.env.CUTOVER_PASSPHRASE || 'benchmark passphrase';

interface Span {
  ms: number;
  cpuMs: number;
}

/** Accumulates wall and CPU time over one or more calls of `run`. */
class Clock implements Span {
  ms = 0;
  cpuMs = 0;
  run<T>(fn: () => T): T {
    const cpu = process.cpuUsage();
    const start = performance.now();
    try {
      return fn();
    } finally {
      this.ms += performance.now() - start;
      const used = process.cpuUsage(cpu);
      this.cpuMs += (used.user + used.system) / 1000;
    }
  }
  get span(): Span {
    return { ms: round(this.ms), cpuMs: round(this.cpuMs) };
  }
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

function maxRssKiB(): number {
  return process.resourceUsage().maxRSS;
}

/** A field of /proc/self/status in KiB (Linux), or null. */
function statusKiB(field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Sets the process's peak RSS back to its current RSS (Linux ≥ 4.0), so that the peak read
 *  later is that of what ran since. Returns whether it could. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function writeFile(path: string, total: number, writeBytes: number): object {
  const clock = new Clock();
  const fd = openSync(path, 'wx', 0o600);
  try {
    clock.run(() => {
      for (const piece of pieces(total, writeBytes, { reuse: true })) writeSync(fd, piece);
      fsyncSync(fd);
    });
  } finally {
    closeSync(fd);
  }
  return clock.span;
}

function stream(path: string, total: number, writeBytes: number): object {
  const create = new Clock();
  const vault = create.run(() => Vault.create(path, PASSPHRASE, { actor: 'bench' }));
  pieces(1, 1).next(); // builds the generator's block before the RSS snapshot
  const rssBeforeKiB = maxRssKiB();
  // From here the peak is the stream's own (on top of what is resident now), not unlocking's.
  const rssAtStartKiB = resetPeakRss() ? statusKiB('VmRSS') : null;
  const measured = new Clock();
  // Wall time only: a getrusage() per 64 KiB piece would itself cost more than the copy it times.
  let generateMs = 0;
  const info = measured.run(() => {
    const writer = vault.createArtifact({ name: 'bench.bin', mediaType: 'application/octet-stream', actor: 'bench' });
    // write() copies what it takes, so the generator hands out one refilled buffer.
    const source = pieces(total, writeBytes, { reuse: true });
    for (;;) {
      const start = performance.now();
      const next = source.next();
      generateMs += performance.now() - start;
      if (next.done) break;
      writer.write(next.value);
    }
    return writer.finish();
  });
  const close = new Clock();
  close.run(() => vault.close());
  const streamPeakKiB = rssAtStartKiB === null ? null : statusKiB('VmHWM');
  return { ...measured.span, create: create.span, generate: { ms: round(generateMs), cpuMs: Number.NaN }, close: close.span, size: info.size, sha256: info.sha256, rssBeforeKiB, rssAtStartKiB, streamPeakKiB, maxRssKiB: maxRssKiB() };
}

/** The vault's own ArtifactWriter, schema and pragmas on a database with no key: what
 *  durable streaming through SQLite costs here without the encryption. */
function plainStream(path: string, total: number, writeBytes: number): object {
  const db = openLikeVault(path, { encrypted: false });
  const measured = new Clock();
  const info = measured.run(() => {
    const writer = new ArtifactWriter(drizzleOver(db), 'bench.bin', 'application/octet-stream', 'bench', () => {});
    for (const piece of pieces(total, writeBytes)) writer.write(piece);
    return writer.finish();
  });
  db.close();
  return { ...measured.span, size: info.size, sha256: info.sha256, maxRssKiB: maxRssKiB() };
}

function verify(path: string): object {
  const open = new Clock();
  const vault = open.run(() => Vault.open(path, { passphrase: PASSPHRASE }));
  const measured = new Clock();
  const report = measured.run(() => vault.verify());
  vault.close();
  return { ...measured.span, open: open.span, ok: report.ok, events: report.events, artifacts: report.artifacts, bytes: report.bytes, maxRssKiB: maxRssKiB() };
}

/** The baseline database: unencrypted, the vault's own schema (the same migrations: tables,
 *  indexes, triggers) and the vault's pragmas (database.ts). */
function openPlain(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('busy_timeout = 10000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db, path);
  return db;
}

/** The chain's own work (the head read, the hash, the insert, one IMMEDIATE transaction) on a
 *  plain database: what an append costs without encryption (for information). */
function chainAppender(db: Database.Database): (payload: string) => void {
  const head = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare('INSERT INTO events (seq, at, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const tx = db.transaction((payload: string) => {
    const last = head.get();
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const at = new Date().toISOString();
    insert.run(seq, at, 'alice.operator', 'step.finished', payload, prevHash, eventHashOfCanonical({ prevHash, seq, at, actor: 'alice.operator', type: 'step.finished' }, payload));
  });
  return (payload) => tx.immediate(payload);
}

/** Blocks of BLOCK appends to the vault, each followed by the same rows inserted into the
 *  plain database, so both sides see the same disk and CPU weather; for information, the same
 *  rows into an encrypted database opened like the vault, and the same appends into a plain one. */
function events(vaultPath: string, plainPath: string, count: number, block: number): object {
  const vault = Vault.create(vaultPath, PASSPHRASE, { actor: 'bench' });
  const db = openPlain(plainPath);
  const insert = db.prepare('INSERT INTO events (seq, at, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertOne = db.transaction((e: VaultEvent) => insert.run(e.seq, e.at, e.actor, e.type, canonicalJson(e.payload), e.prevHash, e.hash));
  const encrypted = openLikeVault(`${plainPath}-encrypted`);
  const insertEncrypted = encrypted.prepare('INSERT INTO events (seq, at, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertEncryptedOne = encrypted.transaction((e: VaultEvent) => insertEncrypted.run(e.seq, e.at, e.actor, e.type, canonicalJson(e.payload), e.prevHash, e.hash));
  const chainPlain = openPlain(`${plainPath}-chain`);
  const appendPlain = chainAppender(chainPlain);
  const vaultClock = new Clock();
  const plainClock = new Clock();
  const encryptedClock = new Clock();
  const chainClock = new Clock();
  for (let done = 0; done < count; done += block) {
    const n = Math.min(block, count - done);
    const rows = vaultClock.run(() => {
      const appended: VaultEvent[] = [];
      for (let k = done + 1; k <= done + n; k += 1) {
        appended.push(vault.append({ actor: 'alice.operator', type: 'step.finished', payload: { step: `step-${k}`, command: 'pg_dump --schema-only --no-owner', exitCode: 0, durationMs: (k * 37) % 5000, host: 'db-prod-1' } }));
      }
      return appended;
    });
    plainClock.run(() => {
      for (const row of rows) insertOne.immediate(row);
    });
    encryptedClock.run(() => {
      for (const row of rows) insertEncryptedOne.immediate(row);
    });
    chainClock.run(() => {
      for (const row of rows) appendPlain(canonicalJson(row.payload));
    });
  }
  const appended = vault.head().seq - 1;
  const inserted = db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  vault.close();
  for (const d of [db, encrypted, chainPlain]) d.close();
  return { vault: vaultClock.span, plain: plainClock.span, encryptedRows: encryptedClock.span, plainChain: chainClock.span, appended, inserted, maxRssKiB: maxRssKiB() };
}

function main(argv: string[]): object {
  const [task, path, a, b, c] = argv;
  if (task === 'floor') return { maxRssKiB: maxRssKiB() };
  if (!path) throw new Error('usage: worker.ts floor | file|stream|plain-stream|verify|events PATH ...');
  switch (task) {
    case 'file': return writeFile(path, Number(a), Number(b));
    case 'stream': return stream(path, Number(a), Number(b));
    case 'plain-stream': return plainStream(path, Number(a), Number(b));
    case 'verify': return verify(path);
    case 'events': return events(path, String(a), Number(b), Number(c));
    default: throw new Error(`unknown task ${task}`);
  }
}

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
process.stdout.write(`${JSON.stringify(main(process.argv.slice(2)))}\n`);
