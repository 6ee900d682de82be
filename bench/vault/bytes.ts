// Cheap, deterministic, incompressible-looking bytes for the vault benchmark. One 1 MiB block
// of xorshift32 output (fixed seed, so every process regenerates the same block), filled in
// place so that making it leaves no garbage behind to inflate the peak RSS being measured, and
// handed out in write-sized pieces, each with its piece number stamped into its first 8 bytes,
// so no two pieces of a 1 GiB stream are equal. Generating a GiB this way costs a memcpy per
// piece, not a CSPRNG call. A piece is a fresh Buffer, or with `reuse` the same Buffer
// refilled (a read loop's buffer): for a consumer that copies what it takes, as the vault's
// ArtifactWriter does, so that the harness's own garbage (a GiB of dead pieces that V8 frees
// only every 64 MB in a loop that allocates nothing else) is not counted as the vault's memory.
export const BLOCK_BYTES = 1024 * 1024;

let block: Buffer | undefined;

function baseBlock(): Buffer {
  if (!block) {
    block = Buffer.allocUnsafeSlow(BLOCK_BYTES);
    const words = new Uint32Array(block.buffer, block.byteOffset, BLOCK_BYTES / 4);
    let x = 0x9e3779b9;
    for (let i = 0; i < words.length; i += 1) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
  }
  return block;
}

/** Yields `total` bytes in pieces of `pieceBytes` (the last may be shorter): each a new Buffer,
 *  or with `reuse` one Buffer refilled (valid until the next piece is asked for). */
export function* pieces(total: number, pieceBytes: number, options: { reuse?: boolean } = {}): Generator<Buffer> {
  if (BLOCK_BYTES % pieceBytes !== 0) throw new Error(`the write size must divide ${BLOCK_BYTES} bytes`);
  const base = baseBlock();
  const shared = options.reuse ? Buffer.allocUnsafeSlow(pieceBytes) : null;
  let offset = 0;
  let n = 0n;
  for (let done = 0; done < total; done += pieceBytes) {
    const length = Math.min(pieceBytes, total - done);
    const piece = shared ? shared.subarray(0, length) : Buffer.allocUnsafeSlow(length);
    base.copy(piece, 0, offset, offset + length);
    if (length >= 8) piece.writeBigUInt64LE(n);
    n += 1n;
    offset = (offset + pieceBytes) % BLOCK_BYTES;
    yield piece;
  }
}

/** "64MiB", "1GiB", "512k", "1048576" → bytes (K, M, G are binary). */
export function parseBytes(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(text);
  if (!match) throw new Error(`"${text}" is not a size (try 64MiB, 1GiB or a byte count)`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const bytes = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new Error(`"${text}" is not a positive size`);
  return bytes;
}
