// Writing an artifact's segment files (segment-format.ts has the layout).
import { createCipheriv, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, unlinkSync, writevSync } from 'node:fs';
import { dirname } from 'node:path';
import { HEADER_BYTES, aad, artifactDirFor, header, segmentPathFor, type ChunkRecord, type SegmentContext } from './segment-format';

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Creates `dir` and any missing parents, fsyncing each new entry's parent. */
function mkdirDurable(dir: string): void {
  if (existsSync(dir)) return;
  mkdirDurable(dirname(dir));
  mkdirSync(dir, { mode: 0o700 });
  fsyncPath(dirname(dir));
}

/** Where a writer's segment files end, for taking back what no transaction recorded. */
export interface WrittenFiles {
  /** Segments the writer created (never another's: each is opened exclusively). */
  created: number[];
  /** Where each chunk's frame ends in its segment, once the whole frame was written. */
  frameEnds: number[];
}

/**
 * Takes back the bytes of chunk `idx` and every chunk after it (also a frame cut short by a
 * failed write): the segment holding chunk `idx - 1` is cut back to that chunk's end, and the
 * segments after it that the writer created are deleted, so a full disk gets its space back.
 * Only the writer's own files are touched, and none may be open for writing. Best effort: what
 * stays is reported by verify.
 */
export function discardChunksFrom(ctx: SegmentContext, written: WrittenFiles, idx: number): void {
  const keepSegment = idx > 0 ? Math.floor((idx - 1) / ctx.segmentChunks) : -1;
  const dir = artifactDirFor(ctx.root, ctx.artifactId);
  let unlinked = false;
  for (const segment of written.created.filter((s) => s > keepSegment)) {
    try {
      unlinkSync(segmentPathFor(ctx.root, ctx.artifactId, segment));
      unlinked = true;
    } catch {
      // Gone already, or not ours to remove any more: verify reports what is left.
    }
  }
  written.created.splice(0, written.created.length, ...written.created.filter((s) => s <= keepSegment));
  if (unlinked) {
    try {
      fsyncPath(dir);
    } catch {
      // The unlink itself has freed the space; a crash before the folder is synced only brings back an orphan.
    }
  }
  const end = written.frameEnds[idx - 1];
  written.frameEnds.length = Math.min(written.frameEnds.length, idx);
  if (end === undefined || !written.created.includes(keepSegment)) return;
  const fd = openSync(segmentPathFor(ctx.root, ctx.artifactId, keepSegment), 'r+');
  try {
    if (fstatSync(fd).size > end) ftruncateSync(fd, end);
  } finally {
    closeSync(fd);
  }
}

/** Makes the segment holding chunk `idx` durable, by its path (after a writer failed). */
export function fdatasyncSegment(ctx: SegmentContext, idx: number): void {
  const fd = openSync(segmentPathFor(ctx.root, ctx.artifactId, Math.floor(idx / ctx.segmentChunks)), 'r+');
  try {
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** What one writer hands the next so that it carries on writing the same artifact. */
export interface SegmentHandOver {
  written: WrittenFiles;
  unsynced: ChunkRecord[];
  /** The segment open for writing (-1: none). */
  segment: number;
  /** Where the open segment's last frame ends. */
  position: number;
}

/**
 * What ArtifactWriter and migrate-artifacts write chunks through: this thread's
 * SegmentFileWriter, or the PipelinedSegmentWriter that hands the work to another thread.
 */
export interface SegmentSink {
  /** Encrypts `pieces` (one chunk's plaintext, in order) as chunk `idx` and appends its frame.
   *  May return before the frame is written; a failure is thrown by a later call. */
  append(idx: number, pieces: Buffer[], size: number, final: boolean): void;
  /** A buffer of at least `bytes` to copy the next chunk's bytes into, then hand on with
   *  appendChunkBuffer (the same buffer until then). */
  chunkBuffer(bytes: number): Buffer;
  /** append() of the first `size` bytes of the buffer chunkBuffer() gave. */
  appendChunkBuffer(idx: number, size: number, final: boolean): void;
  /** Every chunk appended so far is on disk when this returns: their records, from the first
   *  chunk not returned by an earlier sync(), in order. */
  sync(): ChunkRecord[];
  /** Starts making every chunk appended so far durable, without waiting; a ticket for syncDone. */
  requestSync(): number;
  /** null while the ticket's chunks are not durable yet; then their records (from the first
   *  chunk not returned before, in order), once. Throws a failure met meanwhile. */
  syncDone(ticket: number): ChunkRecord[] | null;
  /** After a failure: stops writing and closes the files; the records of the chunks written whole
   *  and not returned by sync() (not durable). Never throws. */
  drain(): ChunkRecord[];
  /** After drain(): takes back chunk `idx` and every chunk after it (discardChunksFrom). */
  discardFrom(idx: number): void;
  close(): void;
}

/**
 * Appends encrypted chunks to an artifact's segment files, in this thread. `append` writes
 * (page cache); `sync` makes every chunk appended so far durable. Segments are created as
 * needed (the new file's folder entry fsynced), and fsynced when the writer moves past them.
 */
export class SegmentFileWriter implements SegmentSink {
  private fd: number | null = null;
  private segment = -1;
  private readonly written: WrittenFiles = { created: [], frameEnds: [] };
  /** Chunks written since the last sync(); chunks synced by requestSync() not yet handed out. */
  private unsynced: ChunkRecord[] = [];
  private synced: ChunkRecord[] = [];
  private ticket = 0;
  private position = 0;
  private own: Buffer | null = null;
  /** Bytes were written to the open segment since it was last fdatasynced: a flush of a clean
   *  file is skipped (on a virtual disk each one costs a round trip to the host). */
  private dirty = false;

  constructor(private readonly ctx: SegmentContext) {}

  append(idx: number, pieces: Buffer[], size: number, final: boolean): ChunkRecord {
    const segment = Math.floor(idx / this.ctx.segmentChunks);
    if (segment !== this.segment) this.openSegment(segment);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.ctx.key, nonce);
    cipher.setAAD(aad(this.ctx, idx, size, final));
    const lead = Buffer.alloc(16);
    lead.writeUInt32BE(size, 0);
    nonce.copy(lead, 4);
    const parts: Buffer[] = [lead.subarray(0, 16)];
    for (const piece of pieces) parts.push(cipher.update(piece));
    const last = cipher.final();
    if (last.length) parts.push(last);
    const tag = cipher.getAuthTag();
    parts.push(tag);
    let expected = 0;
    for (const p of parts) expected += p.length;
    let done = 0;
    while (done < expected) {
      const n = writevSync(this.fd!, done === 0 ? parts : remaining(parts, done));
      done += n;
    }
    this.position += expected;
    this.dirty = true;
    this.written.frameEnds[idx] = this.position;
    const record = { idx, size, tag };
    this.unsynced.push(record);
    return record;
  }

  chunkBuffer(bytes: number): Buffer {
    if (!this.own || this.own.length < bytes) this.own = Buffer.allocUnsafeSlow(bytes);
    return this.own;
  }

  appendChunkBuffer(idx: number, size: number, final: boolean): void {
    this.append(idx, size > 0 ? [this.own!.subarray(0, size)] : [], size, final);
  }

  sync(): ChunkRecord[] {
    this.syncFile();
    const out = this.synced.concat(this.unsynced);
    this.synced = [];
    this.unsynced = [];
    return out;
  }

  /** In this thread a sync is done at once. */
  requestSync(): number {
    this.syncFile();
    this.synced = this.synced.concat(this.unsynced);
    this.unsynced = [];
    this.ticket += 1;
    return this.ticket;
  }

  syncDone(_ticket: number): ChunkRecord[] {
    const out = this.synced;
    this.synced = [];
    return out;
  }

  drain(): ChunkRecord[] {
    try {
      this.close();
    } catch {
      // Closing cannot lose what was written; the fd is gone either way.
    }
    const out = this.synced.concat(this.unsynced);
    this.synced = [];
    this.unsynced = [];
    return out;
  }

  /** Stops writing here so that another writer carries on from where this one is: its files,
   *  its chunks not yet synced (the open segment is not synced: the next writer's fdatasync of
   *  the same file covers them), the open segment and where its last frame ends. */
  handOver(): SegmentHandOver {
    const out = { written: this.written, unsynced: this.synced.concat(this.unsynced), segment: this.segment, position: this.position };
    this.synced = [];
    this.unsynced = [];
    this.close();
    this.segment = -1;
    return out;
  }

  discardFrom(idx: number): void {
    this.close();
    discardChunksFrom(this.ctx, this.written, idx);
  }

  close(): void {
    const fd = this.fd;
    this.fd = null;
    this.dirty = false;
    if (fd !== null) closeSync(fd);
  }

  private syncFile(): void {
    if (this.fd === null || !this.dirty) return;
    fdatasyncSync(this.fd);
    this.dirty = false;
  }

  private openSegment(segment: number): void {
    if (this.fd !== null) {
      this.syncFile();
      closeSync(this.fd);
      this.fd = null;
    }
    const dir = artifactDirFor(this.ctx.root, this.ctx.artifactId);
    mkdirDurable(dir);
    const path = segmentPathFor(this.ctx.root, this.ctx.artifactId, segment);
    // Never over an existing file: a segment is written once.
    this.fd = openSync(path, 'wx', 0o600);
    this.segment = segment;
    this.written.created.push(segment);
    this.position = 0;
    const h = header(this.ctx, segment);
    let done = 0;
    while (done < h.length) done += writevSync(this.fd, [h.subarray(done)]);
    this.position = HEADER_BYTES;
    this.dirty = true;
    fsyncPath(dir);
  }
}

/** The parts left after `skip` bytes were written (a short write). */
function remaining(parts: Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  let left = skip;
  for (const p of parts) {
    if (left >= p.length) {
      left -= p.length;
      continue;
    }
    out.push(left ? p.subarray(left) : p);
    left = 0;
  }
  return out;
}
