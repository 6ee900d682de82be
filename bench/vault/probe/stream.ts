// Probe: what streaming an artifact costs under different settings, through the real
// ArtifactWriter. Usage: node --import tsx bench/vault/probe/stream.ts VARIANT [MiB]
// (no VARIANT lists them). Prints wall and CPU for the stream and for a final
// wal_checkpoint(TRUNCATE), so variants that postpone checkpoints are charged for them.
import { existsSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ArtifactWriter } from '../../../src/core/vault/artifacts';
import { drizzleOver } from '../../../src/core/vault/database';
import { pieces } from '../bytes';
import { RAW_KEY, measure, measureAsync, openLikeVault, probeDir, s, type DbSettings } from './common';

interface Variant extends DbSettings {
  /** write() size; ArtifactWriter flushes a chunk once 1 MiB is pending, so > 1 MiB = bigger chunks. */
  piece?: number;
  /** flush() after this many bytes: smaller chunks. */
  flushEvery?: number;
  /** checkpoint from a second connection on a worker thread while streaming. */
  background?: boolean;
}

const MiB = 1024 * 1024;
const variants: Record<string, Variant> = {
  current: {},
  plain: { encrypted: false },
  'no-hmac': { cipher: ['hmac_use = 0'] },
  'hmac-sha1': { cipher: ['hmac_algorithm = 0'] },
  'page-16k': { cipher: ['legacy_page_size = 16384'] },
  'page-64k': { cipher: ['legacy_page_size = 65536'] },
  'ckpt-0': { after: ['wal_autocheckpoint = 0'] },
  'ckpt-100': { after: ['wal_autocheckpoint = 100'] },
  'ckpt-10000': { after: ['wal_autocheckpoint = 10000'] },
  'chunk-256k': { flushEvery: 256 * 1024 },
  'chunk-2m': { piece: 2 * MiB },
  'chunk-4m': { piece: 4 * MiB },
  'cache-64m': { after: ['cache_size = -65536'] },
  'mmap-256m': { after: ['mmap_size = 268435456'] },
  'journal-delete': { after: ['journal_mode = DELETE'] },
  'bg-checkpoint': { after: ['wal_autocheckpoint = 0'], background: true },
};

const [name = '', mib = '256'] = process.argv.slice(2);
const chosen = variants[name];
if (!chosen) {
  console.log(`variants: ${Object.keys(variants).join(' ')}`);
  process.exit(name ? 2 : 0);
}
const variant: Variant = chosen;
const total = Number(mib) * MiB;
const dir = probeDir('stream');
const path = join(dir, `${name}.db`);

function startCheckpointer(): Worker {
  // A second connection checkpoints (PASSIVE) every few milliseconds until told to stop.
  return new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(workerData.module);
    const db = new Database(workerData.path);
    db.pragma("cipher = 'sqlcipher'"); db.pragma('legacy = 4');
    for (const p of workerData.cipher) db.pragma(p);
    db.pragma('key = "' + workerData.key + '"'); db.pragma('busy_timeout = 10000');
    let stop = false;
    parentPort.on('message', () => { stop = true; });
    const nap = new Int32Array(new SharedArrayBuffer(4));
    (function loop() {
      db.pragma('wal_checkpoint(PASSIVE)');
      if (stop) { db.close(); parentPort.postMessage('done'); return; }
      Atomics.wait(nap, 0, 0, 5);
      setImmediate(loop);
    })();
  `, { eval: true, workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers'), path, cipher: variant.cipher ?? [], key: RAW_KEY } });
}

try {
  const raw = openLikeVault(path, variant);
  const db = drizzleOver(raw);
  const checkpointer = variant.background ? startCheckpointer() : undefined;
  const [, stream] = measure(() => {
    const writer = new ArtifactWriter(db, 'probe.bin', 'application/octet-stream', 'probe', () => {});
    let sinceFlush = 0;
    for (const piece of pieces(total, variant.piece ?? 64 * 1024)) {
      writer.write(piece);
      sinceFlush += piece.length;
      if (variant.flushEvery && sinceFlush >= variant.flushEvery) {
        writer.flush();
        sinceFlush = 0;
      }
    }
    writer.finish();
  });
  const [, stop] = await measureAsync(async () => {
    if (!checkpointer) return;
    await new Promise((resolve) => {
      checkpointer.once('message', resolve);
      checkpointer.postMessage('stop');
    });
    await checkpointer.terminate();
  });
  const walBytes = existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0;
  const [, checkpoint] = measure(() => raw.pragma('wal_checkpoint(TRUNCATE)'));
  raw.close();
  const wall = stream.ms + stop.ms + checkpoint.ms;
  const cpu = stream.cpuMs + stop.cpuMs + checkpoint.cpuMs;
  console.log(`${name.padEnd(15)} ${mib} MiB  total ${s(wall)} wall, ${s(cpu)} cpu  |  stream ${s(stream.ms)} wall, ${s(stream.cpuMs)} cpu;`
    + ` final checkpoint ${s(checkpoint.ms + stop.ms)} wall, ${s(checkpoint.cpuMs + stop.cpuMs)} cpu  |  WAL before it ${(walBytes / MiB).toFixed(0)} MiB;`
    + ` file +${((statSync(path).size / total - 1) * 100).toFixed(1)}%; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
