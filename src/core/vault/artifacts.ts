// Artifacts: large blobs (command transcripts) streamed into the vault with a running SHA-256
// and byte count, never held whole in memory. A vault's artifacts are written to AES-256-GCM
// segment files beside it (segments.ts, issue 17); vaults from before that keep theirs in the
// database's artifact_chunks, read as before. Either way a crash keeps every byte made durable
// before it; the artifact is left `open` and sealed `incomplete` by the next writer that opens
// the vault.
import { and, asc, eq, sql } from 'drizzle-orm';
import { createHash, randomBytes, randomUUID, type Hash } from 'node:crypto';
import { ftruncateSync, openSync, closeSync, fstatSync } from 'node:fs';
import { hostname } from 'node:os';
import type { VaultDb } from './database';
import { VaultDiskFullError } from './errors';
import { artifactChunks, artifactFileChunks, artifactFiles, artifacts } from './schema';
import { PipelinedSegmentWriter, segmentIoReady, startSegmentIo } from './segment-pipeline';
import { fdatasyncSegment, type SegmentSink } from './segment-writer';
import { SEGMENT_FORMAT, SegmentError, SegmentFileWriter, artifactKey, readSegmentChunks, recordedLength, segmentPathFor, type ChunkRecord, type SegmentContext, type SegmentReadExtras } from './segments';
import type { ArtifactInfo } from './types';

/** A chunk is cut when this many bytes are pending (a segment file's chunks are this size)... */
export const CHUNK_BYTES = 1024 * 1024;
/** ...or when bytes have waited this long, so a slow transcript is not lost in memory. */
const FLUSH_AFTER_MS = 250;
/** Chunks per segment file (64 MiB of transcript). */
export const SEGMENT_CHUNKS = 64;
/** Written chunks are made durable (fdatasync, then one transaction recording them) at least
 *  every FLUSH_AFTER_MS and every this many chunks. A fast stream does not wait for it (the
 *  fdatasync runs beside it, keepDurable) unless it gets this many chunks further ahead, so at
 *  most twice this many (a segment's worth, 64 MiB) are ever written and not yet recorded. */
const DURABLE_CHUNKS = SEGMENT_CHUNKS / 2;

export type ArtifactRow = typeof artifacts.$inferSelect;

export function artifactInfo(row: ArtifactRow): ArtifactInfo {
  return { id: row.id, name: row.name, mediaType: row.mediaType, state: row.state, size: row.size, sha256: row.sha256, createdAt: row.createdAt, completedAt: row.completedAt };
}

function getArtifact(db: VaultDb, id: string): ArtifactRow | undefined {
  return db.select().from(artifacts).where(eq(artifacts.id, id)).get();
}

/** Called by the vault when an artifact is finished or found incomplete, inside the same transaction. */
export type RecordArtifactEvent = (type: 'artifact.completed' | 'artifact.incomplete', info: ArtifactInfo, actor: string) => void;

/** Where a vault keeps segment files and the key they derive from. */
export interface SegmentStore {
  /** The vault file, for messages. */
  vaultPath: string;
  /** `<vault>.d` */
  root: string;
  vaultId: string;
  dataKey: Buffer;
}

/** A full disk or quota, said as the vault's own error; anything else as it came. */
function storageError(store: SegmentStore, name: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL') return new VaultDiskFullError(store.vaultPath, { cause: error, during: `writing the transcript "${name}" into ${store.root}` });
  return error;
}

export class ArtifactWriter {
  readonly id: string = randomUUID();
  private readonly hash: Hash = createHash('sha256');
  /** Database mode: the caller's buffers not yet stored. */
  private pending: Buffer[] = [];
  /** Bytes accepted and not yet handed on as a chunk (in `pending`, or in `chunk`). */
  private pendingBytes = 0;
  /** Segment mode: the buffer the next chunk is copied into (a shared slot once the I/O thread
   *  writes), and the writer it came from. write() copies, so a caller may reuse its buffer. */
  private chunk: Buffer | null = null;
  private chunkFrom: SegmentSink | null = null;
  /** Bytes and chunks recorded durably in the vault. */
  private size = 0;
  private chunks = 0;
  /** Segment mode: chunks handed to the segment writer but not yet recorded. */
  private undurable = 0;
  private undurableBytes = 0;
  private lastFlush = Date.now();
  private lastWriteAt = Date.now();
  /** When the first byte now in the chunk buffer was written. */
  private chunkStartedAt = 0;
  /** Segment mode: a flush the segment writer is making durable while the stream goes on. */
  private syncing: { ticket: number; chunks: number; bytes: number } | null = null;
  private closed = false;
  /** The first write that failed (a full disk): every later write, flush and finish throws it. */
  private failure: unknown = null;
  private timer: NodeJS.Timeout | null = null;
  /** This thread's writer at first; a stream that outgrows a chunk is handed to the segment
   *  I/O thread (segment-pipeline.ts) once that thread is up. */
  private files: SegmentSink | null = null;
  private readonly segmentContext: SegmentContext | null = null;
  /** The chunk sealed as the artifact's end, once finish() wrote it. */
  private finalIdx: number | null = null;
  private readonly insertChunk;
  private readonly insertFileChunk;
  private readonly bumpArtifact;

  constructor(
    private readonly db: VaultDb,
    readonly name: string,
    readonly mediaType: string,
    private readonly actor: string,
    private readonly record: RecordArtifactEvent,
    private readonly store: SegmentStore | null = null,
  ) {
    const salt = store ? randomBytes(32) : null;
    db.transaction(() => {
      db.insert(artifacts).values({ id: this.id, name, mediaType, state: 'open', writerPid: process.pid, writerHost: hostname(), createdAt: new Date().toISOString() }).run();
      if (salt) db.insert(artifactFiles).values({ artifactId: this.id, format: SEGMENT_FORMAT, salt, segmentChunks: SEGMENT_CHUNKS }).run();
    }, { behavior: 'immediate' });
    if (store && salt) {
      this.segmentContext = { root: store.root, vaultId: store.vaultId, artifactId: this.id, key: artifactKey(store.dataKey, salt, this.id), segmentChunks: SEGMENT_CHUNKS };
      this.files = new SegmentFileWriter(this.segmentContext);
    }
    this.insertChunk = db.insert(artifactChunks)
      .values({ artifactId: sql.placeholder('artifactId'), idx: sql.placeholder('idx'), data: sql.placeholder('data') }).prepare();
    this.insertFileChunk = db.insert(artifactFileChunks)
      .values({ artifactId: sql.placeholder('artifactId'), idx: sql.placeholder('idx'), size: sql.placeholder('size'), tag: sql.placeholder('tag') }).prepare();
    this.bumpArtifact = db.update(artifacts)
      .set({ size: sql`${sql.placeholder('size')}`, chunkCount: sql`${sql.placeholder('chunkCount')}` })
      .where(eq(artifacts.id, sql.placeholder('id'))).prepare();
  }

  /** Bytes accepted so far (durable, written or pending). */
  get bytesWritten(): number {
    return this.size + this.undurableBytes + this.pendingBytes;
  }

  /** Hashes `data` and copies it (or, on a vault from before segment files, keeps it until the
   *  next flush: there the caller must not change it). */
  write(data: Buffer | string): void {
    if (this.closed) throw new Error(`artifact ${this.name} is already finished`);
    if (this.failure) throw this.failure;
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    if (buf.length === 0) return;
    this.hash.update(buf);
    if (this.files) {
      this.guard(() => this.take(buf));
      this.keepDurable();
    } else {
      this.pending.push(buf);
      this.pendingBytes += buf.length;
      if (this.pendingBytes >= CHUNK_BYTES || Date.now() - this.lastFlush >= FLUSH_AFTER_MS) this.flush();
    }
    this.lastWriteAt = Date.now();
    if (!this.timer && this.bytesWritten > this.size) this.armTimer();
  }

  /** Output that then goes quiet, or trickles, is made durable anyway, within the flush interval. */
  private armTimer(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        if (!this.closed) this.onTimer();
      } catch {
        // Kept in this.failure: the next write or finish throws it to whoever streams.
      }
    }, FLUSH_AFTER_MS);
    this.timer.unref();
  }

  /**
   * Quiet output is flushed (waiting for the disk: nothing else is happening). A stream still
   * going is not stopped for it: a chunk that has been filling for the flush interval is cut as
   * it is, and the segment writer is asked, without waiting, to make what is cut durable.
   */
  private onTimer(): void {
    const now = Date.now();
    if (!this.files || now - this.lastWriteAt >= FLUSH_AFTER_MS) {
      this.flush();
      return;
    }
    if (this.pendingBytes > 0 && now - this.chunkStartedAt >= FLUSH_AFTER_MS) this.guard(() => this.cutChunk(false));
    this.keepDurable(true);
    if (this.bytesWritten > this.size) this.armTimer();
  }

  /** Makes every byte written so far durable. */
  flush(): void {
    if (this.failure) throw this.failure;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.lastFlush = Date.now();
    if (this.files) {
      if (this.pendingBytes > 0) this.guard(() => this.cutChunk(false));
      if (this.undurable > 0) this.commitDurable();
      return;
    }
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    const idx = this.chunks;
    try {
      this.db.transaction(() => {
        this.insertChunk.run({ artifactId: this.id, idx, data });
        this.bumpArtifact.run({ size: this.size + data.length, chunkCount: idx + 1, id: this.id });
      }, { behavior: 'immediate' });
    } catch (error) {
      // The chunk did not become durable, and the running hash already covers it: nothing more
      // may be appended or sealed as complete. abandon() seals what is stored, rehashed.
      this.failure = error;
      throw error;
    }
    this.chunks += 1;
    this.size += data.length;
  }

  /** Flushes, seals the artifact with its SHA-256 and records `artifact.completed` in the chain. */
  finish(): ArtifactInfo {
    if (this.failure) throw this.failure;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    let sealChunks: () => void = () => {};
    if (this.files) {
      // The last chunk, possibly empty, is sealed as the artifact's end (its AAD says final).
      this.guard(() => this.cutChunk(true));
      const rows = this.guard(() => this.files!.sync());
      this.syncing = null;
      sealChunks = () => this.recordChunks(rows);
    } else {
      this.flush();
    }
    this.closed = true;
    const sha256 = this.hash.digest('hex');
    const completedAt = new Date().toISOString();
    let info: ArtifactInfo | undefined;
    try {
      this.db.transaction((tx) => {
        sealChunks();
        tx.update(artifacts).set({ state: 'complete', sha256, size: this.bytesWritten, chunkCount: this.chunks + this.undurable, completedAt, writerPid: null, writerHost: null })
          .where(and(eq(artifacts.id, this.id), eq(artifacts.state, 'open'))).run();
        info = artifactInfo(getArtifact(tx as unknown as VaultDb, this.id)!);
        this.record('artifact.completed', info, this.actor);
      }, { behavior: 'immediate' });
    } catch (error) {
      // Not sealed: abandon() or the next open seals what was recorded durably.
      throw this.fail(error);
    } finally {
      this.files?.close();
    }
    return info!;
  }

  /** Keeps what was written but marks the artifact incomplete (a cancelled or failed stream). */
  abandon(): ArtifactInfo {
    if (!this.failure) this.flush();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.files?.close();
    return markIncomplete(this.db, this.id, this.actor, this.record, this.store);
  }

  /**
   * Keeps `error` as the writer's failure and gives back the space of every byte it wrote that
   * no transaction recorded, so a refused write really is rolled back (on a full disk, the disk
   * is as full as what the vault records). The chunks written whole before the failure are
   * first made durable and recorded, if the disk still allows (the frame cut short is taken back
   * first, to make room); what cannot be recorded is taken back too. Returns the error to throw.
   */
  private fail(error: unknown): unknown {
    this.failure = this.store ? storageError(this.store, this.name, error) : error;
    if (this.files) {
      try {
        const written = this.files.drain();
        this.files.discardFrom(this.chunks + written.length);
        this.salvageWritten(written);
        this.files.discardFrom(this.chunks);
      } catch {
        // What could not be taken back is reported by verify (bytes past a segment's recorded end).
      }
      this.undurable = 0;
      this.undurableBytes = 0;
      this.syncing = null;
      try {
        this.files.close();
      } catch {
        // Nothing more is written through it.
      }
    }
    return this.failure;
  }

  /** After a failed write: the chunks written whole before it are made durable and recorded, if
   *  the disk still allows; otherwise they are left out, as a crash would. Never the artifact's
   *  final chunk (its AAD seals a complete artifact; a failed seal leaves an incomplete one). */
  private salvageWritten(written: ChunkRecord[]): void {
    if (!this.segmentContext) return;
    const rows = written.filter((r) => r.idx !== this.finalIdx);
    if (rows.length === 0) return;
    const bytes = rows.reduce((n, r) => n + r.size, 0);
    try {
      // Earlier segments were fdatasynced when the writer moved past them.
      fdatasyncSegment(this.segmentContext, rows[rows.length - 1]!.idx);
      this.db.transaction(() => {
        this.recordChunks(rows);
        this.bumpArtifact.run({ size: this.size + bytes, chunkCount: this.chunks + rows.length, id: this.id });
      }, { behavior: 'immediate' });
    } catch {
      return;
    }
    this.size += bytes;
    this.chunks += rows.length;
  }

  /** Runs a segment-file operation; a failure is kept (and said as a full disk when it is one). */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw this.fail(error);
    }
  }

  /** Copies `buf` into chunk buffers, handing each on as it fills. */
  private take(buf: Buffer): void {
    for (let at = 0; at < buf.length; ) {
      if (!this.chunk) {
        this.chunk = this.files!.chunkBuffer(CHUNK_BYTES);
        this.chunkFrom = this.files;
      }
      if (this.pendingBytes === 0) this.chunkStartedAt = Date.now();
      const n = buf.copy(this.chunk, this.pendingBytes, at, at + Math.min(buf.length - at, CHUNK_BYTES - this.pendingBytes));
      at += n;
      this.pendingBytes += n;
      if (this.pendingBytes === CHUNK_BYTES) this.cutChunk(false);
    }
  }

  /** Encrypts the bytes in the chunk buffer as the next chunk and writes it to its segment. */
  private cutChunk(final: boolean): void {
    const bytes = this.pendingBytes;
    const idx = this.chunks + this.undurable;
    this.handToIoThread(idx);
    const files = this.files!;
    // A chunk filled in the previous writer's buffer (the I/O thread took over) is copied across.
    if (this.chunk && this.chunkFrom !== files) files.append(idx, [this.chunk.subarray(0, bytes)], bytes, final);
    else files.appendChunkBuffer(idx, bytes, final);
    this.chunk = null;
    this.chunkFrom = null;
    this.pendingBytes = 0;
    this.undurable += 1;
    this.undurableBytes += bytes;
    if (final) this.finalIdx = idx;
  }

  /**
   * A stream that fills a second chunk starts the segment I/O thread; once the thread is up,
   * the chunks from `idx` on are encrypted and written there while this thread hashes the
   * next ones (a short transcript never waits for a thread to start).
   */
  private handToIoThread(idx: number): void {
    if (!(this.files instanceof SegmentFileWriter) || idx === 0 || this.syncing) return;
    if (!segmentIoReady()) {
      startSegmentIo();
      return;
    }
    this.files = new PipelinedSegmentWriter(this.segmentContext!, CHUNK_BYTES, this.files.handOver());
  }

  private recordChunks(rows: ChunkRecord[]): void {
    for (const r of rows) this.insertFileChunk.run({ artifactId: this.id, idx: r.idx, size: r.size, tag: r.tag });
  }

  /**
   * A fast stream is made durable without waiting for the disk: when a flush is due (DURABLE_CHUNKS
   * chunks or FLUSH_AFTER_MS), the segment writer is asked to fdatasync what it has, and the
   * chunks are recorded once it says they are on disk, at a later write; only a stream that gets
   * a flush's worth further ahead than that waits for it.
   */
  private keepDurable(now = false): void {
    if (this.syncing) this.pollDurable();
    const ahead = this.undurable - (this.syncing?.chunks ?? 0);
    if (!(ahead >= DURABLE_CHUNKS || (ahead > 0 && (now || Date.now() - this.lastFlush >= FLUSH_AFTER_MS)))) return;
    if (!this.syncing) {
      const ticket = this.guard(() => this.files!.requestSync());
      this.syncing = { ticket, chunks: this.undurable, bytes: this.undurableBytes };
      this.lastFlush = Date.now();
    } else if (ahead >= DURABLE_CHUNKS) {
      this.commitDurable();
    }
  }

  /** Records the chunks of the flush under way if the segment writer has made them durable. */
  private pollDurable(): void {
    const syncing = this.syncing!;
    const rows = this.guard(() => this.files!.syncDone(syncing.ticket));
    if (rows === null) return;
    this.syncing = null;
    this.recordDurable(rows, syncing.bytes);
  }

  /** fsyncs the written chunks, then records them in one transaction: a chunk is on disk before
   *  the vault refers to it. */
  private commitDurable(): void {
    const rows = this.guard(() => this.files!.sync());
    this.syncing = null;
    this.recordDurable(rows, this.undurableBytes);
    this.lastFlush = Date.now();
  }

  /** Records durable chunks (the first `rows.length` not recorded, holding `bytes`) in one transaction. */
  private recordDurable(rows: ChunkRecord[], bytes: number): void {
    const size = this.size + bytes;
    const chunkCount = this.chunks + rows.length;
    try {
      this.db.transaction(() => {
        this.recordChunks(rows);
        this.bumpArtifact.run({ size, chunkCount, id: this.id });
      }, { behavior: 'immediate' });
    } catch (error) {
      throw this.fail(error);
    }
    this.undurable -= rows.length;
    this.undurableBytes -= bytes;
    this.size = size;
    this.chunks = chunkCount;
  }

}

/** How an artifact's bytes are stored, read from the vault. */
interface SegmentLayout {
  ctx: SegmentContext;
  chunks: ChunkRecord[];
  final: boolean;
}

/** The segment layout of an artifact kept in segment files, or null for one kept in the database. */
export function segmentLayout(db: Pick<VaultDb, 'select'>, store: SegmentStore | null, row: ArtifactRow): SegmentLayout | null {
  const file = db.select().from(artifactFiles).where(eq(artifactFiles.artifactId, row.id)).get();
  if (!file) return null;
  if (!store) throw new Error(`artifact ${row.id} is kept in segment files, and no segment store was given to read them`);
  const all = db.select({ idx: artifactFileChunks.idx, size: artifactFileChunks.size, tag: artifactFileChunks.tag }).from(artifactFileChunks)
    .where(eq(artifactFileChunks.artifactId, row.id)).orderBy(asc(artifactFileChunks.idx)).all();
  // A sealed artifact is what its seal counted; an open one, every chunk recorded so far; a
  // migrated one (its row's count is of its old database chunks), every chunk it was moved into.
  const chunks = row.state === 'open' || file.migratedAt ? all : all.filter((c) => c.idx < row.chunkCount);
  return {
    ctx: { root: store.root, vaultId: store.vaultId, artifactId: row.id, key: artifactKey(store.dataKey, file.salt, row.id), segmentChunks: file.segmentChunks },
    chunks,
    final: row.state === 'complete',
  };
}

/** Hashes what an unfinished artifact holds and seals it as incomplete, in one transaction. */
export function markIncomplete(db: VaultDb, id: string, actor: string, record: RecordArtifactEvent, store: SegmentStore | null = null): ArtifactInfo {
  let info: ArtifactInfo | undefined;
  db.transaction(() => {
    const row = getArtifact(db, id);
    if (!row || row.state !== 'open') return;
    const hash = createHash('sha256');
    let size = 0;
    let count = 0;
    const layout = segmentLayout(db, store, row);
    if (layout) {
      // Sealed at the last durable chunk that still reads back; a chunk that does not (the
      // segments were damaged meanwhile) and any after it are left out, and verify names them.
      try {
        for (const chunk of readSegmentChunks(layout.ctx, layout.chunks, false)) {
          hash.update(chunk);
          size += chunk.length;
          count += 1;
        }
      } catch (error) {
        if (!(error instanceof SegmentError)) throw error;
      }
      trimUnrecordedTail(layout.ctx, layout.chunks.slice(0, count));
    } else {
      for (const chunk of readArtifactChunks(db, id)) {
        hash.update(chunk);
        size += chunk.length;
        count += 1;
      }
    }
    db.update(artifacts).set({ state: 'incomplete', sha256: hash.digest('hex'), size, chunkCount: count, completedAt: new Date().toISOString(), writerPid: null, writerHost: null })
      .where(eq(artifacts.id, id)).run();
    info = artifactInfo(getArtifact(db, id)!);
    record('artifact.incomplete', info, actor);
  }, { behavior: 'immediate' });
  return info ?? artifactInfo(getArtifact(db, id)!);
}

/**
 * A writer that died may have written chunks after the last one it recorded: they were never
 * durable evidence. The segment holding the last recorded chunk is cut back to its recorded
 * frames (best effort: a failure leaves the bytes, which verify then reports). Later segment
 * files, if any, are left where they are and reported as orphans.
 */
function trimUnrecordedTail(ctx: SegmentContext, kept: ChunkRecord[]): void {
  const last = kept[kept.length - 1];
  if (!last) return;
  const segment = Math.floor(last.idx / ctx.segmentChunks);
  const inSegment = kept.filter((c) => Math.floor(c.idx / ctx.segmentChunks) === segment);
  try {
    const fd = openSync(segmentPathFor(ctx.root, ctx.artifactId, segment), 'r+');
    try {
      const length = recordedLength(inSegment);
      if (fstatSync(fd).size > length) ftruncateSync(fd, length);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Reported by verify as bytes past the recorded end.
  }
}

/** Whether a process on this host still runs (a crashed writer or runner does not). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Open artifacts whose writer on this host is gone (crashed, killed) are sealed as incomplete. */
export function recoverAbandoned(db: VaultDb, record: RecordArtifactEvent, store: SegmentStore | null = null): ArtifactInfo[] {
  const open = db.select().from(artifacts).where(eq(artifacts.state, 'open')).all();
  const host = hostname();
  return open
    .filter((row) => row.writerHost === host && row.writerPid !== null && row.writerPid !== process.pid && !processAlive(row.writerPid))
    .map((row) => markIncomplete(db, row.id, 'system', record, store));
}

/** Streams an artifact's chunks in order. drizzle has no row iterator, so this one read uses
 *  the driver's own statement iterator: a gigabyte transcript is never loaded whole. */
export function* readArtifactChunks(db: VaultDb, id: string): Generator<Buffer> {
  yield* db.$client.prepare('SELECT data FROM artifact_chunks WHERE artifact_id = ? ORDER BY idx').pluck().iterate(id) as IterableIterator<Buffer>;
}

/** An artifact's bytes, in order, from its segment files or (an older vault's) database chunks. */
export function* readArtifactBytes(db: VaultDb, store: SegmentStore | null, id: string, extras?: SegmentReadExtras): Generator<Buffer> {
  const row = getArtifact(db, id);
  const layout = row ? segmentLayout(db, store, row) : null;
  if (layout) yield* readSegmentChunks(layout.ctx, layout.chunks, layout.final, extras);
  else yield* readArtifactChunks(db, id);
}
