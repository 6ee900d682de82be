// Reading an artifact's segment files back (segment-format.ts has the layout): every recorded
// chunk read, its length and tag compared with the vault's record, authenticated and yielded.
// A segment that does not hold what the vault recorded is a SegmentError naming what is wrong.
import { createDecipheriv } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { VaultError } from './errors';
import { FRAME_OVERHEAD, HEADER_BYTES, MAGIC, aad, idBytes, segmentPathFor, uuidText, type ChunkRecord, type SegmentContext } from './segment-format';

export type SegmentFaultKind = 'missing' | 'truncated' | 'foreign' | 'swapped' | 'altered' | 'unreadable';

/** A segment that does not hold what the vault recorded, named with what is wrong with it. */
export class SegmentError extends VaultError {
  override readonly code = 'SEGMENT_DAMAGED';
  constructor(readonly kind: SegmentFaultKind, readonly path: string, readonly detail: string) {
    super(`An artifact's segment file is damaged: ${path} ${detail}. Nothing was changed; restore the vault's .d folder from the backup the vault came from, and check with \`cutover vault verify\`.`);
  }
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
