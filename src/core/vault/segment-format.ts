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
import { createHash, hkdfSync } from 'node:crypto';
import { join } from 'node:path';

export const SEGMENT_FORMAT = 'aes-256-gcm/1';
export const HEADER_BYTES = 64;
export const FRAME_OVERHEAD = 4 + 12 + 16;
export const MAGIC = Buffer.from('CUTOVSEG', 'latin1');
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

export function uuidText(bytes: Buffer): string {
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

/** The additional data a chunk's GCM tag binds: where it belongs and whether it ends the artifact. */
export function aad(ctx: SegmentContext, idx: number, length: number, final: boolean): Buffer {
  const out = Buffer.alloc(AAD_LABEL.length + 16 + 16 + 8 + 4 + 1);
  let o = AAD_LABEL.copy(out, 0);
  o += idBytes(ctx.vaultId).copy(out, o);
  o += idBytes(ctx.artifactId).copy(out, o);
  out.writeBigUInt64BE(BigInt(idx), o);
  out.writeUInt32BE(length, o + 8);
  out.writeUInt8(final ? 1 : 0, o + 12);
  return out;
}

/** A segment file's 64-byte header (for diagnosis: nothing trusts it). */
export function header(ctx: SegmentContext, segment: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h, 0);
  h.writeUInt8(1, 8);
  idBytes(ctx.vaultId).copy(h, 16);
  idBytes(ctx.artifactId).copy(h, 32);
  h.writeUInt32BE(segment, 48);
  return h;
}

/** A chunk as the vault records it. */
export interface ChunkRecord {
  idx: number;
  size: number;
  tag: Buffer;
}
/** The byte length of a segment's recorded frames (header included). */
export function recordedLength(chunks: readonly ChunkRecord[]): number {
  let n = HEADER_BYTES;
  for (const c of chunks) n += FRAME_OVERHEAD + c.size;
  return n;
}
