// Probe: where verify's time goes, on a freshly streamed database (current settings).
// Usage: node --import tsx bench/vault/probe/verify.ts [MiB]
// serial   = what verify.ts does: read + SHA-256 every chunk, then PRAGMA quick_check
// parallel = the same two on two connections at once (quick_check on a worker thread)
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3-multiple-ciphers';
import { ArtifactWriter } from '../../../src/core/vault/artifacts';
import { drizzleOver } from '../../../src/core/vault/database';
import { pieces } from '../bytes';
import { RAW_KEY, measure, measureAsync, openLikeVault, probeDir, s, type Span } from './common';

const mib = Number(process.argv[2] ?? '256');
const dir = probeDir('verify');
const path = join(dir, 'probe.db');

function hashChunks(db: Database.Database): string {
  const hash = createHash('sha256');
  for (const chunk of db.prepare('SELECT data FROM artifact_chunks ORDER BY artifact_id, idx').pluck().iterate() as IterableIterator<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

function quickCheckOnWorker(): Promise<unknown> {
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(workerData.module);
    const db = new Database(workerData.path);
    db.pragma("cipher = 'sqlcipher'"); db.pragma('legacy = 4'); db.pragma('key = "' + workerData.key + '"');
    parentPort.postMessage(db.pragma('quick_check', { simple: true }));
    db.close();
  `, { eval: true, workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers'), path, key: RAW_KEY } });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const line = (label: string, span: Span) => `${label} ${s(span.ms)} wall, ${s(span.cpuMs)} cpu`;
try {
  const writerDb = openLikeVault(path);
  const writer = new ArtifactWriter(drizzleOver(writerDb), 'probe.bin', 'application/octet-stream', 'probe', () => {});
  for (const piece of pieces(mib * 1024 * 1024, 64 * 1024)) writer.write(piece);
  writer.finish();
  writerDb.pragma('wal_checkpoint(TRUNCATE)');
  writerDb.close();

  const db = openLikeVault(path, {}, { migrate: false });
  const [, read] = measure(() => hashChunks(db));
  const [check, quick] = measure(() => db.pragma('quick_check', { simple: true }));
  console.log(`serial   ${mib} MiB: ${line('read+sha256', read)}; ${line('quick_check', quick)} (${String(check)}); total ${s(read.ms + quick.ms)} wall, ${s(read.cpuMs + quick.cpuMs)} cpu`);
  const [, both] = await measureAsync(async () => {
    const checked = quickCheckOnWorker();
    hashChunks(db);
    return checked;
  });
  console.log(`parallel ${mib} MiB: ${line('read+sha256 || quick_check', both)}`);
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
