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

/**
 * Appends encrypted chunks to an artifact's segment files. `append` writes (page cache);
 * `sync` makes every chunk appended so far durable. Segments are created as needed (the
 * new file's folder entry fsynced), and fsynced when the writer moves past them.
 * `discardFrom` takes back the bytes of chunks no transaction recorded (a refused write).
 */
export class SegmentFileWriter {
  private fd: number | null = null;
  private segment = -1;
  /** Segments this writer created (never another's: each is opened exclusively). */
  private readonly created: number[] = [];
  /** Where each chunk's frame ends in its segment, once the whole frame was written. */
  private readonly frameEnds: number[] = [];
  private position = 0;
  /** Bytes were written to the open segment since it was last fdatasynced: a flush of a clean
   *  file is skipped (on a virtual disk each one costs a round trip to the host). */
  private dirty = false;

  constructor(private readonly ctx: SegmentContext) {}

  /** Encrypts `pieces` (one chunk's plaintext, in order) as chunk `idx` and appends its frame. */
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
    this.frameEnds[idx] = this.position;
    return { idx, size, tag };
  }

  /**
   * Takes back the bytes of chunk `idx` and every chunk after it (also a frame cut short by a
   * failed write): the segment holding chunk `idx - 1` is cut back to that chunk's end, and the
   * segments after it that this writer created are deleted, so a full disk gets its space back.
   * Only this writer's own files are touched. Best effort: what stays is reported by verify.
   */
  discardFrom(idx: number): void {
    const keepSegment = idx > 0 ? Math.floor((idx - 1) / this.ctx.segmentChunks) : -1;
    const dir = artifactDirFor(this.ctx.root, this.ctx.artifactId);
    let unlinked = false;
    for (const segment of this.created.filter((s) => s > keepSegment)) {
      if (segment === this.segment) this.close();
      try {
        unlinkSync(segmentPathFor(this.ctx.root, this.ctx.artifactId, segment));
        unlinked = true;
      } catch {
        // Gone already, or not ours to remove any more: verify reports what is left.
      }
    }
    this.created.splice(0, this.created.length, ...this.created.filter((s) => s <= keepSegment));
    if (unlinked) {
      try {
        fsyncPath(dir);
      } catch {
        // The unlink itself has freed the space; a crash before the folder is synced only brings back an orphan.
      }
    }
    const end = this.frameEnds[idx - 1];
    this.frameEnds.length = Math.min(this.frameEnds.length, idx);
    if (end === undefined || !this.created.includes(keepSegment)) return;
    const fd = keepSegment === this.segment && this.fd !== null ? this.fd : openSync(segmentPathFor(this.ctx.root, this.ctx.artifactId, keepSegment), 'r+');
    try {
      if (fstatSync(fd).size > end) ftruncateSync(fd, end);
      if (fd === this.fd) this.position = end;
    } finally {
      if (fd !== this.fd) closeSync(fd);
    }
  }

  /** Every chunk appended so far is on disk when this returns. */
  sync(): void {
    if (this.fd === null || !this.dirty) return;
    fdatasyncSync(this.fd);
    this.dirty = false;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.dirty = false;
  }

  private openSegment(segment: number): void {
    if (this.fd !== null) {
      this.sync();
      closeSync(this.fd);
      this.fd = null;
    }
    const dir = artifactDirFor(this.ctx.root, this.ctx.artifactId);
    mkdirDurable(dir);
    const path = segmentPathFor(this.ctx.root, this.ctx.artifactId, segment);
    // Never over an existing file: a segment is written once.
    this.fd = openSync(path, 'wx', 0o600);
    this.segment = segment;
    this.created.push(segment);
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
