// Reading an artifact's segment files back (segment-format.ts has the layout): every recorded
// chunk read, its length and tag compared with the vault's record, authenticated and yielded.
// A segment that does not hold what the vault recorded is a SegmentError naming what is wrong.
import { createDecipheriv } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { translate, type MessageKey } from '../../shared/i18n';
import type { VarsArg } from '../../shared/i18n/catalogue';
import { VaultError } from './errors';
import { FRAME_OVERHEAD, HEADER_BYTES, MAGIC, aad, idBytes, segmentPathFor, uuidText, type ChunkRecord, type SegmentContext } from './segment-format';

export type SegmentFaultKind = 'missing' | 'truncated' | 'foreign' | 'swapped' | 'altered' | 'unreadable';

/** What is wrong with a segment file: one of the catalogue's `vault.segment.*` sentences, each starting with {path}. */
type FaultKey = Exclude<Extract<MessageKey, `vault.segment.${string}`>, 'vault.segment.damaged' | `vault.segment.kind.${string}`>;

/** The English sentence naming the fault (the catalogue's, so it can be said again in another language). */
export function segmentFault<K extends FaultKey>(key: K, ...vars: VarsArg<K>): string {
  return translate('en', key, ...vars);
}

/** A segment that does not hold what the vault recorded, named with what is wrong with it. */
export class SegmentError extends VaultError {
  override readonly code = 'SEGMENT_DAMAGED';
  /** The fault without the path in front ("is missing (it holds chunks 64–70)"). */
  readonly detail: string;
  /** `fault`: the whole sentence, the path first (`vault.segment.*`). */
  constructor(readonly kind: SegmentFaultKind, readonly path: string, readonly fault: string) {
    super(translate('en', 'vault.segment.damaged', { fault }));
    this.detail = fault.slice(path.length + 1);
  }
}

function checkHeader(ctx: SegmentContext, path: string, h: Buffer, segment: number): void {
  if (!h.subarray(0, 8).equals(MAGIC) || h.readUInt8(8) !== 1) throw new SegmentError('altered', path, segmentFault('vault.segment.header', { path }));
  const vaultId = h.subarray(16, 32);
  const artifactId = h.subarray(32, 48);
  const index = h.readUInt32BE(48);
  if (!vaultId.equals(idBytes(ctx.vaultId))) throw new SegmentError('foreign', path, segmentFault('vault.segment.foreign', { path, vault: uuidText(vaultId), artifact: uuidText(artifactId) }));
  if (!artifactId.equals(idBytes(ctx.artifactId))) throw new SegmentError('swapped', path, segmentFault('vault.segment.otherArtifact', { path, index, artifact: uuidText(artifactId) }));
  if (index !== segment) throw new SegmentError('swapped', path, segmentFault('vault.segment.otherIndex', { path, index, segment }));
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
      if (code === 'ENOENT') throw new SegmentError('missing', path, segmentFault('vault.segment.missing', { path, first: chunks[first]!.idx, last: chunks[end - 1]!.idx }));
      throw new SegmentError('unreadable', path, segmentFault('vault.segment.unreadable', { path, code: code ?? String(error) }));
    }
    try {
      const fileSize = fstatSync(fd).size;
      const h = Buffer.alloc(HEADER_BYTES);
      if (readExactly(fd, h, HEADER_BYTES, 0) < HEADER_BYTES) throw new SegmentError('truncated', path, segmentFault('vault.segment.shortHeader', { path, size: fileSize }));
      checkHeader(ctx, path, h, segment);
      let position = HEADER_BYTES;
      for (let i = first; i < end; i += 1) {
        const c = chunks[i]!;
        const frame = FRAME_OVERHEAD + c.size;
        if (buf.length < frame) buf = Buffer.allocUnsafe(Math.max(frame, 1024 * 1024 + FRAME_OVERHEAD));
        const got = readExactly(fd, buf, frame, position);
        if (got < frame) throw new SegmentError('truncated', path, segmentFault('vault.segment.truncated', { path, size: fileSize, chunk: c.idx, end: position + frame }));
        const length = buf.readUInt32BE(0);
        const tag = buf.subarray(frame - 16, frame);
        if (length !== c.size || !tag.equals(c.tag)) throw new SegmentError('altered', path, segmentFault('vault.segment.notRecorded', { path, chunk: c.idx, position }));
        const decipher = createDecipheriv('aes-256-gcm', ctx.key, buf.subarray(4, 16));
        decipher.setAAD(aad(ctx, c.idx, c.size, final && i === chunks.length - 1));
        decipher.setAuthTag(c.tag);
        const plain = decipher.update(buf.subarray(16, 16 + c.size));
        try {
          decipher.final();
        } catch {
          throw new SegmentError('altered', path, segmentFault(final && i === chunks.length - 1 ? 'vault.segment.notAuthenticTail' : 'vault.segment.notAuthentic', { path, chunk: c.idx, position }));
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
