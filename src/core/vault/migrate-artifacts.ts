// `cutover vault migrate-artifacts`: moves the transcripts an older vault kept in its database
// (artifact_chunks) out into segment files, verifiably. For each sealed artifact: its chunks are
// re-encrypted into segments (fsynced), the segments are read back and must hash to the sha256
// the chain sealed; only then, in one transaction, the segment records are inserted, the
// database chunks deleted (the append-only trigger lifted for that statement only) and an
// `artifact.migrated` event appended. A failure leaves that artifact as it was.
import { sql } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { CHUNK_BYTES, SEGMENT_CHUNKS, readArtifactChunks, type SegmentStore } from './artifacts';
import type { VaultDb } from './database';
import { VaultInputError } from './errors';
import { artifactFileChunks, artifactFiles, artifacts } from './schema';
import { SEGMENT_FORMAT, SegmentFileWriter, artifactDirFor, artifactKey, readSegmentChunks, type ChunkRecord, type SegmentContext } from './segments';
import type { NewEvent } from './types';
import { translate, type Lang, type MessageKey } from '../../shared/i18n';
import type { VarsArg } from '../../shared/i18n/catalogue';
import { matchAgain } from '../reports/word-again';

/** This module's English words (what it throws and what `refused` holds; --json keeps them). */
function say<K extends MessageKey>(key: K, ...vars: VarsArg<K>): string {
  return translate('en', key, ...vars);
}

export interface MigratedArtifact {
  id: string;
  name: string;
  size: number;
  sha256: string;
  chunks: number;
  segments: number;
}

export interface MigrateArtifactsResult {
  migrated: MigratedArtifact[];
  /** Artifacts still open (a writer streaming into them): left where they are. */
  skippedOpen: { id: string; name: string }[];
  /** Artifacts whose stored bytes do not hash to their seal: left where they are, for `vault verify`. */
  refused: { id: string; name: string; reason: string }[];
}

const NO_DELETE_TRIGGER = "CREATE TRIGGER `artifact_chunks_no_delete` BEFORE DELETE ON `artifact_chunks`\nBEGIN SELECT RAISE(ABORT, 'artifact chunks are append-only'); END;";

/** Writes one artifact's database chunks into fresh segments; returns the chunk records and what they hold. */
function writeSegments(db: VaultDb, ctx: SegmentContext, id: string, final: boolean): { records: ChunkRecord[]; size: number; sha256: string } {
  const writer = new SegmentFileWriter(ctx);
  const hash = createHash('sha256');
  let records: ChunkRecord[] = [];
  let cuts = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;
  const cut = (bytes: number, isFinal: boolean) => {
    const pieces: Buffer[] = [];
    let need = bytes;
    while (need > 0) {
      const head = pending[0]!;
      if (head.length <= need) {
        pieces.push(head);
        pending.shift();
        need -= head.length;
      } else {
        pieces.push(head.subarray(0, need));
        pending[0] = head.subarray(need);
        need = 0;
      }
    }
    pendingBytes -= bytes;
    writer.append(cuts, pieces, bytes, isFinal);
    cuts += 1;
  };
  try {
    for (const chunk of readArtifactChunks(db, id)) {
      hash.update(chunk);
      size += chunk.length;
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= CHUNK_BYTES) cut(CHUNK_BYTES, false);
    }
    // A completed artifact ends with its final chunk (possibly empty); an incomplete one has none.
    if (final || pendingBytes > 0) cut(pendingBytes, final);
    pending = [];
    records = writer.sync();
  } finally {
    writer.close();
  }
  return { records, size, sha256: hash.digest('hex') };
}

export function migrateArtifacts(db: VaultDb, store: SegmentStore, append: (event: NewEvent) => void, actor: string): MigrateArtifactsResult {
  const result: MigrateArtifactsResult = { migrated: [], skippedOpen: [], refused: [] };
  const inDatabase = db.select().from(artifacts)
    .where(sql`NOT EXISTS (SELECT 1 FROM artifact_files f WHERE f.artifact_id = ${artifacts.id})`).orderBy(artifacts.createdAt).all();
  for (const row of inDatabase) {
    if (row.state === 'open') {
      result.skippedOpen.push({ id: row.id, name: row.name });
      continue;
    }
    const dir = artifactDirFor(store.root, row.id);
    if (existsSync(dir)) {
      throw new VaultInputError(say('vault.migrate.leftover', { dir, id: row.id, name: row.name, root: store.root }));
    }
    // The database copy must match the seal before anything is written for it.
    const stored = createHash('sha256');
    let storedSize = 0;
    for (const chunk of readArtifactChunks(db, row.id)) {
      stored.update(chunk);
      storedSize += chunk.length;
    }
    const storedSha = stored.digest('hex');
    if (storedSha !== row.sha256 || storedSize !== row.size) {
      result.refused.push({ id: row.id, name: row.name, reason: say('vault.migrate.stored', { size: storedSize, sha256: storedSha.slice(0, 12), sealSize: row.size, seal: String(row.sha256).slice(0, 12) }) });
      continue;
    }
    const salt = randomBytes(32);
    const ctx: SegmentContext = { root: store.root, vaultId: store.vaultId, artifactId: row.id, key: artifactKey(store.dataKey, salt, row.id), segmentChunks: SEGMENT_CHUNKS };
    const final = row.state === 'complete';
    const written = writeSegments(db, ctx, row.id, final);
    if (written.sha256 !== row.sha256 || written.size !== row.size) throw new Error(say('vault.migrate.changed', { id: row.id }));
    // Read back from disk, every tag checked, before the database copy is let go.
    const back = createHash('sha256');
    for (const chunk of readSegmentChunks(ctx, written.records, final)) back.update(chunk);
    if (back.digest('hex') !== row.sha256) throw new Error(say('vault.migrate.readBack', { id: row.id }));
    const segments = written.records.length === 0 ? 0 : Math.floor(written.records[written.records.length - 1]!.idx / SEGMENT_CHUNKS) + 1;
    const migratedAt = new Date().toISOString();
    db.transaction((tx) => {
      tx.insert(artifactFiles).values({ artifactId: row.id, format: SEGMENT_FORMAT, salt, segmentChunks: SEGMENT_CHUNKS, migratedAt }).run();
      for (const r of written.records) tx.insert(artifactFileChunks).values({ artifactId: row.id, idx: r.idx, size: r.size, tag: r.tag }).run();
      db.$client.exec('DROP TRIGGER `artifact_chunks_no_delete`');
      db.$client.prepare('DELETE FROM artifact_chunks WHERE artifact_id = ?').run(row.id);
      db.$client.exec(NO_DELETE_TRIGGER);
      append({ actor, type: 'artifact.migrated', payload: { id: row.id, name: row.name, size: row.size, sha256: row.sha256, format: SEGMENT_FORMAT, chunks: written.records.length, segments } });
    }, { behavior: 'immediate' });
    result.migrated.push({ id: row.id, name: row.name, size: row.size, sha256: row.sha256!, chunks: written.records.length, segments });
  }
  return result;
}

const REASONS: readonly MessageKey[] = ['vault.migrate.leftover', 'vault.migrate.stored', 'vault.migrate.changed', 'vault.migrate.readBack'];

/** A refusal or a `refused` reason of migrateArtifacts (English) in `lang` for a person to read; anything else as it is. */
export function migrateReasonIn(lang: Lang, text: string): string {
  if (lang === 'en') return text;
  return matchAgain(lang, text, REASONS) ?? text;
}
