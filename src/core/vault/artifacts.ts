// Artifacts: large blobs (command transcripts) streamed into the vault in chunks, with a
// running SHA-256 and byte count, never held whole in memory. Each flushed chunk is its own
// durable transaction, so a crash keeps every byte flushed before it; the artifact is then
// left `open` and marked `incomplete` by the next process that opens the vault.
import { and, eq, sql } from 'drizzle-orm';
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { hostname } from 'node:os';
import type { VaultDb } from './database';
import { artifactChunks, artifacts } from './schema';
import type { ArtifactInfo } from './types';

/** Flush a chunk when this many bytes are pending... */
export const CHUNK_BYTES = 1024 * 1024;
/** ...or when bytes have waited this long, so a slow transcript is not lost in memory. */
const FLUSH_AFTER_MS = 250;

export type ArtifactRow = typeof artifacts.$inferSelect;

export function artifactInfo(row: ArtifactRow): ArtifactInfo {
  return { id: row.id, name: row.name, mediaType: row.mediaType, state: row.state, size: row.size, sha256: row.sha256, createdAt: row.createdAt, completedAt: row.completedAt };
}

function getArtifact(db: VaultDb, id: string): ArtifactRow | undefined {
  return db.select().from(artifacts).where(eq(artifacts.id, id)).get();
}

/** Called by the vault when an artifact is finished or found incomplete, inside the same transaction. */
export type RecordArtifactEvent = (type: 'artifact.completed' | 'artifact.incomplete', info: ArtifactInfo, actor: string) => void;

export class ArtifactWriter {
  readonly id: string = randomUUID();
  private readonly hash: Hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private size = 0;
  private chunks = 0;
  private lastFlush = Date.now();
  private closed = false;
  /** The first write that failed (a full disk): every later write, flush and finish throws it. */
  private failure: unknown = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly insertChunk;
  private readonly bumpArtifact;

  constructor(
    private readonly db: VaultDb,
    readonly name: string,
    readonly mediaType: string,
    private readonly actor: string,
    private readonly record: RecordArtifactEvent,
  ) {
    db.insert(artifacts).values({ id: this.id, name, mediaType, state: 'open', writerPid: process.pid, writerHost: hostname(), createdAt: new Date().toISOString() }).run();
    this.insertChunk = db.insert(artifactChunks)
      .values({ artifactId: sql.placeholder('artifactId'), idx: sql.placeholder('idx'), data: sql.placeholder('data') }).prepare();
    this.bumpArtifact = db.update(artifacts)
      .set({ size: sql`${sql.placeholder('size')}`, chunkCount: sql`${sql.placeholder('chunkCount')}` })
      .where(eq(artifacts.id, sql.placeholder('id'))).prepare();
  }

  /** Bytes accepted so far (flushed or pending). */
  get bytesWritten(): number {
    return this.size + this.pendingBytes;
  }

  write(data: Buffer | string): void {
    if (this.closed) throw new Error(`artifact ${this.name} is already finished`);
    if (this.failure) throw this.failure;
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    if (buf.length === 0) return;
    this.hash.update(buf);
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    if (this.pendingBytes >= CHUNK_BYTES || Date.now() - this.lastFlush >= FLUSH_AFTER_MS) this.flush();
    else if (!this.timer) {
      // Output that then goes quiet is made durable anyway, within the flush interval.
      this.timer = setTimeout(() => {
        this.timer = null;
        try {
          if (!this.closed) this.flush();
        } catch {
          // Kept in this.failure: the next write or finish throws it to whoever streams.
        }
      }, FLUSH_AFTER_MS);
      this.timer.unref();
    }
  }

  /** Makes every byte written so far durable. */
  flush(): void {
    if (this.failure) throw this.failure;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.lastFlush = Date.now();
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
    this.flush();
    this.closed = true;
    const sha256 = this.hash.digest('hex');
    const completedAt = new Date().toISOString();
    let info: ArtifactInfo | undefined;
    this.db.transaction((tx) => {
      tx.update(artifacts).set({ state: 'complete', sha256, size: this.size, chunkCount: this.chunks, completedAt, writerPid: null, writerHost: null })
        .where(and(eq(artifacts.id, this.id), eq(artifacts.state, 'open'))).run();
      info = artifactInfo(getArtifact(tx as unknown as VaultDb, this.id)!);
      this.record('artifact.completed', info, this.actor);
    }, { behavior: 'immediate' });
    return info!;
  }

  /** Keeps what was written but marks the artifact incomplete (a cancelled or failed stream). */
  abandon(): ArtifactInfo {
    if (!this.failure) this.flush();
    this.closed = true;
    return markIncomplete(this.db, this.id, this.actor, this.record);
  }
}

/** Hashes what an unfinished artifact holds and seals it as incomplete, in one transaction. */
export function markIncomplete(db: VaultDb, id: string, actor: string, record: RecordArtifactEvent): ArtifactInfo {
  let info: ArtifactInfo | undefined;
  db.transaction(() => {
    const row = getArtifact(db, id);
    if (!row || row.state !== 'open') return;
    const hash = createHash('sha256');
    let size = 0;
    let count = 0;
    for (const chunk of readArtifactChunks(db, id)) {
      hash.update(chunk);
      size += chunk.length;
      count += 1;
    }
    db.update(artifacts).set({ state: 'incomplete', sha256: hash.digest('hex'), size, chunkCount: count, completedAt: new Date().toISOString(), writerPid: null, writerHost: null })
      .where(eq(artifacts.id, id)).run();
    info = artifactInfo(getArtifact(db, id)!);
    record('artifact.incomplete', info, actor);
  }, { behavior: 'immediate' });
  return info ?? artifactInfo(getArtifact(db, id)!);
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
export function recoverAbandoned(db: VaultDb, record: RecordArtifactEvent): ArtifactInfo[] {
  const open = db.select().from(artifacts).where(eq(artifacts.state, 'open')).all();
  const host = hostname();
  return open
    .filter((row) => row.writerHost === host && row.writerPid !== null && row.writerPid !== process.pid && !processAlive(row.writerPid))
    .map((row) => markIncomplete(db, row.id, 'system', record));
}

/** Streams an artifact's chunks in order. drizzle has no row iterator, so this one read uses
 *  the driver's own statement iterator: a gigabyte transcript is never loaded whole. */
export function* readArtifactChunks(db: VaultDb, id: string): Generator<Buffer> {
  yield* db.$client.prepare('SELECT data FROM artifact_chunks WHERE artifact_id = ? ORDER BY idx').pluck().iterate(id) as IterableIterator<Buffer>;
}
