// Zips written by hand, byte by byte (local headers, data, central directory, end record), to
// make the hostile and odd zips no honest writer makes.
import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib';

export interface RawEntry {
  name: string;
  data?: Buffer;
  method?: 0 | 8;
  /** Claimed uncompressed size (default: the data's real size). */
  size?: number;
  /** Stored bytes (default: data, deflated for method 8). */
  stored?: Buffer;
  /** Claimed compressed size (default: stored.length). */
  compressedSize?: number;
  /** Unix mode for the external attributes (default 0100644). */
  mode?: number;
  flags?: number;
  crc?: number;
}

/** A zip written by hand: local headers, data, central directory, end record (ZIP64 fields when a size needs them). */
export function rawZip(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    const method = e.method ?? 0;
    const stored = e.stored ?? (method === 8 ? deflateRawSync(data) : data);
    const size = e.size ?? data.length;
    const compressedSize = e.compressedSize ?? stored.length;
    const crc = e.crc ?? crc32(data);
    const name = Buffer.from(e.name, 'utf8');
    const big = size >= 0xffffffff || compressedSize >= 0xffffffff;
    const extra = big ? Buffer.alloc(20) : Buffer.alloc(0);
    if (big) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(compressedSize), 12);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(big ? 45 : 20, 4);
    local.writeUInt16LE(e.flags ?? 0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(big ? 0xffffffff : compressedSize, 18);
    local.writeUInt32LE(big ? 0xffffffff : size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    parts.push(local, name, extra, stored);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE((3 << 8) | (big ? 45 : 20), 4);
    cd.writeUInt16LE(big ? 45 : 20, 6);
    cd.writeUInt16LE(e.flags ?? 0x0800, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt16LE(0x21, 14);
    cd.writeUInt32LE(crc >>> 0, 16);
    cd.writeUInt32LE(big ? 0xffffffff : compressedSize, 20);
    cd.writeUInt32LE(big ? 0xffffffff : size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(extra.length, 30);
    cd.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name, extra);
    offset += 30 + name.length + extra.length + stored.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBytes, end]);
}


/**
 * A real deflate stream of `mib` MiB of zeros (1 MiB blocks, each ending on a sync flush, then
 * an empty final block), about 1 KiB per MiB: a zip bomb any inflater accepts.
 */
export function deflatedZeros(mib: number): Pick<RawEntry, 'method' | 'stored' | 'size' | 'crc'> {
  const block = deflateRawSync(Buffer.alloc(1 << 20), { level: 9, finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const zero = Buffer.alloc(1 << 20);
  let crc = 0;
  for (let i = 0; i < mib; i++) crc = crc32(zero, crc);
  return { method: 8, stored: Buffer.concat([...Array.from({ length: mib }, () => block), Buffer.from([0x03, 0x00])]), size: mib * 2 ** 20, crc };
}
