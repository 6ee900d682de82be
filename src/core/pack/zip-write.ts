// A deterministic zip writer: the same files give the same bytes, whoever exports and when.
// Entries are stored (method 0: no compressor version can change the bytes, and a pack is
// checked by hashing, not by size), in the order the caller adds them, with one fixed
// timestamp, fixed permissions (regular file 0644, made by Unix), UTF-8 names and no extra
// fields (except ZIP64 where a size or offset needs it, which depends only on the sizes).
// Data is streamed: each entry's CRC-32 is written into its local header when the entry ends.
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA = 0x0001;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
/** Bit 11: names are UTF-8. */
const FLAG_UTF8 = 0x0800;
const VERSION_STORED = 20;
const VERSION_ZIP64 = 45;
const MADE_BY_UNIX = 3 << 8;
const REGULAR_FILE_0644 = 0o100644;

/** MS-DOS date and time fields for a UTC instant (2-second resolution, 1980–2107). */
export function dosDateTime(at: Date): { date: number; time: number } {
  const year = Math.min(Math.max(at.getUTCFullYear(), 1980), 2107);
  const clamped = year !== at.getUTCFullYear();
  const d = clamped ? new Date(Date.UTC(year, 0, 1)) : at;
  return {
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
  };
}

interface Written {
  name: Buffer;
  size: number;
  crc: number;
  offset: number;
}

/**
 * One entry being written: write() its bytes (exactly the size announced), then end(). With
 * `crc32: 'given'` the writer does not compute the CRC-32: end(crc) supplies it.
 */
export interface ZipEntrySink {
  write(chunk: Buffer): Promise<void>;
  end(crc?: number): Promise<void>;
}

export class ZipWriter {
  private offset = 0;
  private readonly entries: Written[] = [];
  private open: string | null = null;
  private readonly dos: { date: number; time: number };

  private constructor(private readonly file: FileHandle, at: Date, private readonly forceZip64: boolean) {
    this.dos = dosDateTime(at);
  }

  /**
   * Creates the zip file (never over an existing one). `zip64: 'always'` writes the ZIP64
   * fields for every entry and the end record (tests use it to check them without 4 GiB files).
   */
  static async create(path: string, at: Date, options: { zip64?: 'auto' | 'always' } = {}): Promise<ZipWriter> {
    return new ZipWriter(await open(path, 'wx', 0o644), at, options.zip64 === 'always');
  }

  private async put(data: Buffer, position = this.offset): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.file.write(data, done, data.length - done, position + done);
      done += bytesWritten;
    }
    if (position === this.offset) this.offset += data.length;
  }

  /** Bytes written so far: everything before this offset is final once no entry is open. */
  get size(): number {
    return this.offset;
  }

  /** Starts an entry of `size` bytes. Entries are written in the order they are begun. */
  async begin(name: string, size: number, options: { crc32?: 'computed' | 'given' } = {}): Promise<ZipEntrySink> {
    const computeCrc = options.crc32 !== 'given';
    if (this.open) throw new Error(`zip entry ${this.open} is still being written`);
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`bad size ${size} for ${name}`);
    this.open = name;
    const nameBytes = Buffer.from(name, 'utf8');
    const zip64 = this.forceZip64 || size >= MAX32;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(LOCAL_HEADER, 0);
    header.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_STORED, 4);
    header.writeUInt16LE(FLAG_UTF8, 6);
    header.writeUInt16LE(0, 8); // stored
    header.writeUInt16LE(this.dos.time, 10);
    header.writeUInt16LE(this.dos.date, 12);
    header.writeUInt32LE(0, 14); // CRC-32, written at end()
    header.writeUInt32LE(zip64 ? MAX32 : size, 18);
    header.writeUInt32LE(zip64 ? MAX32 : size, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    let extra = Buffer.alloc(0);
    if (zip64) {
      extra = Buffer.alloc(20);
      extra.writeUInt16LE(ZIP64_EXTRA, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(size), 12);
    }
    header.writeUInt16LE(extra.length, 28);
    const offset = this.offset;
    await this.put(Buffer.concat([header, nameBytes, extra]));
    let crc = 0;
    let written = 0;
    return {
      write: async (chunk) => {
        if (written + chunk.length > size) throw new Error(`zip entry ${name}: more than the ${size} bytes announced`);
        if (computeCrc) crc = crc32(chunk, crc);
        written += chunk.length;
        await this.put(chunk);
      },
      end: async (given) => {
        if (written !== size) throw new Error(`zip entry ${name}: ${written} bytes written, ${size} announced`);
        if (!computeCrc) {
          if (given === undefined) throw new Error(`zip entry ${name}: its CRC-32 was to be given at the end`);
          crc = given;
        }
        const crcBytes = Buffer.alloc(4);
        crcBytes.writeUInt32LE(crc >>> 0, 0);
        await this.put(crcBytes, offset + 14);
        this.entries.push({ name: nameBytes, size, crc: crc >>> 0, offset });
        this.open = null;
      },
    };
  }

  /** Adds a whole entry from memory. */
  async add(name: string, data: Buffer): Promise<void> {
    const sink = await this.begin(name, data.length);
    await sink.write(data);
    await sink.end();
  }

  /** Writes the central directory and closes the file; returns the zip's size. */
  async finish(): Promise<number> {
    if (this.open) throw new Error(`zip entry ${this.open} was not ended`);
    const cdOffset = this.offset;
    for (const e of this.entries) {
      const big = this.forceZip64 || e.size >= MAX32;
      const farOffset = this.forceZip64 || e.offset >= MAX32;
      const extraFields: Buffer[] = [];
      if (big) extraFields.push(u64(e.size), u64(e.size));
      if (farOffset) extraFields.push(u64(e.offset));
      let extra = Buffer.alloc(0);
      if (extraFields.length) {
        const body = Buffer.concat(extraFields);
        extra = Buffer.concat([u16(ZIP64_EXTRA), u16(body.length), body]);
      }
      const zip64 = big || farOffset;
      const header = Buffer.alloc(46);
      header.writeUInt32LE(CENTRAL_HEADER, 0);
      header.writeUInt16LE(MADE_BY_UNIX | (zip64 ? VERSION_ZIP64 : VERSION_STORED), 4);
      header.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_STORED, 6);
      header.writeUInt16LE(FLAG_UTF8, 8);
      header.writeUInt16LE(0, 10);
      header.writeUInt16LE(this.dos.time, 12);
      header.writeUInt16LE(this.dos.date, 14);
      header.writeUInt32LE(e.crc, 16);
      header.writeUInt32LE(big ? MAX32 : e.size, 20);
      header.writeUInt32LE(big ? MAX32 : e.size, 24);
      header.writeUInt16LE(e.name.length, 28);
      header.writeUInt16LE(extra.length, 30);
      header.writeUInt16LE(0, 32); // comment
      header.writeUInt16LE(0, 34); // disk
      header.writeUInt16LE(0, 36); // internal attributes
      header.writeUInt32LE((REGULAR_FILE_0644 << 16) >>> 0, 38);
      header.writeUInt32LE(farOffset ? MAX32 : e.offset, 42);
      await this.put(Buffer.concat([header, e.name, extra]));
    }
    const cdSize = this.offset - cdOffset;
    const count = this.entries.length;
    const zip64End = this.forceZip64 || count >= MAX16 || cdSize >= MAX32 || cdOffset >= MAX32;
    if (zip64End) {
      const recordAt = this.offset;
      const record = Buffer.alloc(56);
      record.writeUInt32LE(ZIP64_END, 0);
      record.writeBigUInt64LE(44n, 4);
      record.writeUInt16LE(MADE_BY_UNIX | VERSION_ZIP64, 12);
      record.writeUInt16LE(VERSION_ZIP64, 14);
      record.writeUInt32LE(0, 16);
      record.writeUInt32LE(0, 20);
      record.writeBigUInt64LE(BigInt(count), 24);
      record.writeBigUInt64LE(BigInt(count), 32);
      record.writeBigUInt64LE(BigInt(cdSize), 40);
      record.writeBigUInt64LE(BigInt(cdOffset), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(ZIP64_LOCATOR, 0);
      locator.writeUInt32LE(0, 4);
      locator.writeBigUInt64LE(BigInt(recordAt), 8);
      locator.writeUInt32LE(1, 16);
      await this.put(Buffer.concat([record, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_CENTRAL, 0);
    end.writeUInt16LE(zip64End ? MAX16 : count, 8);
    end.writeUInt16LE(zip64End ? MAX16 : count, 10);
    end.writeUInt32LE(zip64End ? MAX32 : cdSize, 12);
    end.writeUInt32LE(zip64End ? MAX32 : cdOffset, 16);
    await this.put(end);
    await this.file.close();
    return this.offset;
  }

  /** Closes the file without finishing it (the caller removes it). */
  async abort(): Promise<void> {
    await this.file.close().catch(() => undefined);
  }
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n, 0);
  return b;
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n), 0);
  return b;
}
