// Segment files (issue 17): an artifact's bytes live beside the vault, in
// `<vault>.d/artifacts/<artifact id>/<segment>.seg`, encrypted with AES-256-GCM under a key of
// its own (HKDF of the vault's data key with a random per-artifact salt). A segment file is a
// 64-byte header naming the vault, the artifact and the segment's index (for diagnosis only:
// nothing trusts it), then up to `segmentChunks` frames:
//
//   u32 BE plaintext length | 12-byte random nonce | ciphertext | 16-byte GCM tag
//
// Each chunk's AAD binds the vault id, the artifact id, the chunk's index, its length and a
// final flag (set on the last chunk of a completed artifact only), so a chunk moved to another
// place, another artifact or another vault, or a tail cut off, does not authenticate. Every
// chunk's size and tag is also recorded in the vault (artifact_file_chunks).
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, writevSync, existsSync, fstatSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { VaultError } from './errors';

export const SEGMENT_FORMAT = 'aes-256-gcm/1';
export const HEADER_BYTES = 64;
export const FRAME_OVERHEAD = 4 + 12 + 16;
const MAGIC = Buffer.from('CUTOVSEG', 'latin1');
const AAD_LABEL = Buffer.from('cutover-segment/1', 'latin1');

/** The folder beside the vault that holds its segment files: `<vault>.d`. */
export function segmentRootFor(vaultPath: string): string {
  return `${vaultPath}.d`;
}

export function artifactDirFor(root: string, artifactId: string): string {
  return join(root, 'artifacts', artifactId);
}

export function segmentName(segment: number): string {
  return `${String(segment).padStart(6, '0')}.seg`;
}

export function segmentPathFor(root: string, artifactId: string, segment: number): string {
  return join(artifactDirFor(root, artifactId), segmentName(segment));
}

/** 16 bytes naming an id: a UUID's own bytes, or the first 16 bytes of its SHA-256. */
export function idBytes(id: string): Buffer {
  const hex = id.replace(/-/g, '');
  if (/^[0-9a-f]{32}$/i.test(hex)) return Buffer.from(hex, 'hex');
  return createHash('sha256').update(id).digest().subarray(0, 16);
}

function uuidText(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The key one artifact's segments are encrypted with. */
export function artifactKey(dataKey: Buffer, salt: Buffer, artifactId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, salt, `cutover-vault:artifact:${artifactId}`, 32));
}

/** Where an artifact's segments are and how to open them. */
export interface SegmentContext {
  root: string;
  vaultId: string;
  artifactId: string;
  key: Buffer;
  segmentChunks: number;
}

function aad(ctx: SegmentContext, idx: number, length: number, final: boolean): Buffer {
  const out = Buffer.alloc(AAD_LABEL.length + 16 + 16 + 8 + 4 + 1);
  let o = AAD_LABEL.copy(out, 0);
  o += idBytes(ctx.vaultId).copy(out, o);
  o += idBytes(ctx.artifactId).copy(out, o);
  out.writeBigUInt64BE(BigInt(idx), o);
  out.writeUInt32BE(length, o + 8);
  out.writeUInt8(final ? 1 : 0, o + 12);
  return out;
}

function header(ctx: SegmentContext, segment: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h, 0);
  h.writeUInt8(1, 8);
  idBytes(ctx.vaultId).copy(h, 16);
  idBytes(ctx.artifactId).copy(h, 32);
  h.writeUInt32BE(segment, 48);
  return h;
}

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

/** A chunk as the vault records it. */
export interface ChunkRecord {
  idx: number;
  size: number;
  tag: Buffer;
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
    if (this.fd !== null) fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private openSegment(segment: number): void {
    if (this.fd !== null) {
      fdatasyncSync(this.fd);
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

export type SegmentFaultKind = 'missing' | 'truncated' | 'foreign' | 'swapped' | 'altered' | 'unreadable';

/** A segment that does not hold what the vault recorded, named with what is wrong with it. */
export class SegmentError extends VaultError {
  override readonly code = 'SEGMENT_DAMAGED';
  constructor(readonly kind: SegmentFaultKind, readonly path: string, readonly detail: string) {
    super(`An artifact's segment file is damaged: ${path} ${detail}. Nothing was changed; restore the vault's .d folder from the backup the vault came from, and check with \`cutover vault verify\`.`);
  }
}

/** The byte length of a segment's recorded frames (header included). */
export function recordedLength(chunks: readonly ChunkRecord[]): number {
  let n = HEADER_BYTES;
  for (const c of chunks) n += FRAME_OVERHEAD + c.size;
  return n;
}

function checkHeader(ctx: SegmentContext, path: string, h: Buffer, segment: number): void {
  if (!h.subarray(0, 8).equals(MAGIC) || h.readUInt8(8) !== 1) throw new SegmentError('altered', path, 'does not start with a Cutover segment header: the file was replaced or altered');
  const vaultId = h.subarray(16, 32);
  const artifactId = h.subarray(32, 48);
  const index = h.readUInt32BE(48);
  if (!vaultId.equals(idBytes(ctx.vaultId))) throw new SegmentError('foreign', path, `comes from another vault (${uuidText(vaultId)}, artifact ${uuidText(artifactId)}), not this one`);
  if (!artifactId.equals(idBytes(ctx.artifactId))) throw new SegmentError('swapped', path, `holds segment ${index} of another artifact of this vault (${uuidText(artifactId)}): segments were swapped or copied`);
  if (index !== segment) throw new SegmentError('swapped', path, `holds segment ${index} of this artifact, not segment ${segment}: segments were swapped or renamed`);
}

function readExactly(fd: number, buf: Buffer, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** What reading an artifact's segments found beyond its recorded chunks. */
export interface SegmentReadExtras {
  /** Segment files whose size is larger than their recorded frames: path and extra bytes. */
  trailing: { path: string; bytes: number }[];
}

/**
 * Reads, authenticates and yields the plaintext of an artifact's recorded chunks, in order.
 * `final` says whether the last recorded chunk was sealed as the artifact's end. Throws a
 * SegmentError naming the first segment that does not hold what was recorded.
 */
export function* readSegmentChunks(ctx: SegmentContext, chunks: readonly ChunkRecord[], final: boolean, extras?: SegmentReadExtras): Generator<Buffer> {
  let buf = Buffer.allocUnsafe(0);
  for (let first = 0; first < chunks.length; ) {
    const segment = Math.floor(chunks[first]!.idx / ctx.segmentChunks);
    let end = first;
    while (end < chunks.length && Math.floor(chunks[end]!.idx / ctx.segmentChunks) === segment) end += 1;
    const path = segmentPathFor(ctx.root, ctx.artifactId, segment);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new SegmentError('missing', path, `is missing (it holds chunks ${chunks[first]!.idx}–${chunks[end - 1]!.idx})`);
      throw new SegmentError('unreadable', path, `cannot be read (${code ?? String(error)})`);
    }
    try {
      const fileSize = fstatSync(fd).size;
      const h = Buffer.alloc(HEADER_BYTES);
      if (readExactly(fd, h, HEADER_BYTES, 0) < HEADER_BYTES) throw new SegmentError('truncated', path, `is truncated: ${fileSize} bytes, shorter than its header`);
      checkHeader(ctx, path, h, segment);
      let position = HEADER_BYTES;
      for (let i = first; i < end; i += 1) {
        const c = chunks[i]!;
        const frame = FRAME_OVERHEAD + c.size;
        if (buf.length < frame) buf = Buffer.allocUnsafe(Math.max(frame, 1024 * 1024 + FRAME_OVERHEAD));
        const got = readExactly(fd, buf, frame, position);
        if (got < frame) throw new SegmentError('truncated', path, `is truncated: it ends at byte ${fileSize}, inside chunk ${c.idx}, which the vault records as ending at byte ${position + frame}`);
        const length = buf.readUInt32BE(0);
        const tag = buf.subarray(frame - 16, frame);
        if (length !== c.size || !tag.equals(c.tag)) throw new SegmentError('altered', path, `chunk ${c.idx} at byte ${position} is not the chunk the vault recorded (length or tag differs): the file was altered`);
        const decipher = createDecipheriv('aes-256-gcm', ctx.key, buf.subarray(4, 16));
        decipher.setAAD(aad(ctx, c.idx, c.size, final && i === chunks.length - 1));
        decipher.setAuthTag(c.tag);
        const plain = decipher.update(buf.subarray(16, 16 + c.size));
        try {
          decipher.final();
        } catch {
          throw new SegmentError('altered', path, `chunk ${c.idx} at byte ${position} does not authenticate: its bytes were altered${final && i === chunks.length - 1 ? ' (or the artifact\'s tail was cut off)' : ''}`);
        }
        position += frame;
        // A finished artifact's last chunk may be empty (it carries the final flag): not yielded,
        // as readers never met an empty chunk (the pack's zip CRC went wrong on one).
        if (plain.length > 0) yield plain;
      }
      if (extras && fileSize > position) extras.trailing.push({ path, bytes: fileSize - position });
    } finally {
      closeSync(fd);
    }
    first = end;
  }
}
