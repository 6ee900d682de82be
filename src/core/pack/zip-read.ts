// Reading a pack zip that came from anywhere. Every entry is checked before a single byte is
// written: names that would land outside the target folder (`../`, absolute, drive letters,
// backslashes), links and devices, encryption, duplicate or case-colliding names, sizes that
// the file cannot hold or that only a zip bomb claims, entries whose data overlap or disagree
// with their local header. Then data is streamed, never more than the size the entry claims,
// and its CRC-32 is checked. Extraction creates every file exclusively (O_EXCL, O_NOFOLLOW)
// inside a folder it made itself, and removes that folder if anything goes wrong.
import { constants as fsConstants, createReadStream } from 'node:fs';
import { lstat, mkdir, open, rm, statfs, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { createInflateRaw, crc32 } from 'node:zlib';
import { UnsafeZipError } from './errors';
import { unsafePathReason } from './layout';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

export interface ZipLimits {
  /** Most entries accepted. */
  maxEntries: number;
  /** Largest central directory read into memory. */
  maxCentralDirectoryBytes: number;
  /** Largest total of the sizes the entries claim, uncompressed. */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio of a deflated entry (deflate cannot exceed ~1032). */
  maxDeflateRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 100_000,
  maxCentralDirectoryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 ** 3,
  maxDeflateRatio: 1032,
};

export interface ZipEntry {
  name: string;
  kind: 'file' | 'directory';
  method: 0 | 8;
  compressedSize: number;
  size: number;
  crc32: number;
  localHeaderOffset: number;
  dataOffset: number;
}

function readU64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.POSITIVE_INFINITY;
  return Number(v);
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class ZipReader {
  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    readonly entries: ZipEntry[],
  ) {}

  /** Opens and checks a zip; throws UnsafeZipError naming the first thing refused. */
  static async open(path: string, limits: Partial<ZipLimits> = {}): Promise<ZipReader> {
    const file = await open(path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
    try {
      const entries = await readDirectory(path, file, { ...DEFAULT_ZIP_LIMITS, ...limits });
      return new ZipReader(path, file, entries);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.file.close().catch(() => undefined);
  }

  /** The entry's bytes, streamed; throws UnsafeZipError if they exceed its size or fail its CRC. */
  async *stream(entry: ZipEntry): AsyncGenerator<Buffer> {
    const refuse = (reason: string) => new UnsafeZipError(this.path, entry.name, reason);
    if (entry.kind === 'directory' || entry.size === 0) {
      if (entry.crc32 !== 0) throw refuse('an empty entry with a CRC-32 other than 0');
      return;
    }
    const raw = createReadStream(this.path, { start: entry.dataOffset, end: entry.dataOffset + entry.compressedSize - 1, highWaterMark: 1024 * 1024 });
    let source: NodeJS.ReadableStream & { destroy(error?: Error): void } = raw;
    if (entry.method === 8) {
      const inflate = createInflateRaw({ chunkSize: 256 * 1024 });
      raw.on('error', (error) => inflate.destroy(error));
      source = raw.pipe(inflate);
    }
    let crc = 0;
    let size = 0;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > entry.size) throw refuse(`its data is longer than the ${entry.size} bytes it claims`);
        crc = crc32(chunk, crc);
        yield chunk;
      }
    } catch (error) {
      if (error instanceof UnsafeZipError) throw error;
      throw refuse(`its data cannot be read (${(error as Error).message})`);
    } finally {
      raw.destroy();
      if (source !== raw) source.destroy();
    }
    if (size !== entry.size) throw refuse(`its data is ${size} bytes, not the ${entry.size} it claims`);
    if (crc >>> 0 !== entry.crc32) throw refuse('its data does not match its CRC-32 (the zip is damaged or was altered)');
  }

  /** A small entry read whole (e.g. manifest.json), refusing anything bigger than `max`. */
  async read(entry: ZipEntry, max: number): Promise<Buffer> {
    if (entry.size > max) throw new UnsafeZipError(this.path, entry.name, `it claims ${entry.size} bytes, more than the ${max} accepted for this file`);
    const parts: Buffer[] = [];
    for await (const chunk of this.stream(entry)) parts.push(chunk);
    return Buffer.concat(parts);
  }
}

async function readDirectory(path: string, file: FileHandle, limits: ZipLimits): Promise<ZipEntry[]> {
  const refuse = (entry: string | null, reason: string) => new UnsafeZipError(path, entry, reason);
  const fileSize = (await file.stat()).size;
  if (fileSize < 22) throw refuse(null, 'it is too short to be a zip');
  const tailLength = Math.min(fileSize, 22 + MAX16);
  const tail = await readAt(file, fileSize - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === END_OF_CENTRAL && tail.readUInt16LE(i + 20) === tail.length - i - 22) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw refuse(null, 'it is not a zip (no end-of-central-directory record)');
  const eocdAt = fileSize - tailLength + eocd;
  let disk = tail.readUInt16LE(eocd + 4);
  let cdDisk = tail.readUInt16LE(eocd + 6);
  let onDisk = tail.readUInt16LE(eocd + 8);
  let count: number = tail.readUInt16LE(eocd + 10);
  let cdSize: number = tail.readUInt32LE(eocd + 12);
  let cdOffset: number = tail.readUInt32LE(eocd + 16);
  let directoryEnd = eocdAt;
  if (count === MAX16 || cdSize === MAX32 || cdOffset === MAX32 || onDisk === MAX16) {
    if (eocdAt < 20) throw refuse(null, 'its ZIP64 locator is missing');
    const locator = await readAt(file, eocdAt - 20, 20);
    if (locator.readUInt32LE(0) !== ZIP64_LOCATOR) throw refuse(null, 'its ZIP64 locator is missing');
    const recordAt = readU64(locator, 8);
    if (!(recordAt + 56 <= eocdAt - 20)) throw refuse(null, 'its ZIP64 end record lies outside the file');
    const record = await readAt(file, recordAt, 56);
    if (record.readUInt32LE(0) !== ZIP64_END) throw refuse(null, 'its ZIP64 end record is damaged');
    disk = record.readUInt32LE(16);
    cdDisk = record.readUInt32LE(20);
    onDisk = readU64(record, 24);
    count = readU64(record, 32);
    cdSize = readU64(record, 40);
    cdOffset = readU64(record, 48);
    directoryEnd = recordAt;
  }
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) throw refuse(null, 'multi-disk (split) zips are not accepted');
  if (count > limits.maxEntries) throw refuse(null, `it claims ${count} entries, more than the ${limits.maxEntries} accepted`);
  if (cdSize > limits.maxCentralDirectoryBytes) throw refuse(null, `its central directory claims ${cdSize} bytes, more than the ${limits.maxCentralDirectoryBytes} accepted`);
  if (!(cdOffset + cdSize <= directoryEnd)) throw refuse(null, 'its central directory lies outside the file');
  const cd = await readAt(file, cdOffset, cdSize);

  const entries: ZipEntry[] = [];
  const seen = new Map<string, string>();
  let at = 0;
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== CENTRAL_HEADER) throw refuse(null, `its central directory is damaged at entry ${i + 1}`);
    const madeBy = cd.readUInt16LE(at + 4);
    const flags = cd.readUInt16LE(at + 8);
    const method = cd.readUInt16LE(at + 10);
    const crc = cd.readUInt32LE(at + 16);
    let compressedSize: number = cd.readUInt32LE(at + 20);
    let size: number = cd.readUInt32LE(at + 24);
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const externalAttributes = cd.readUInt32LE(at + 38);
    let localHeaderOffset: number = cd.readUInt32LE(at + 42);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length) throw refuse(null, `its central directory is damaged at entry ${i + 1}`);
    const nameBytes = cd.subarray(at + 46, at + 46 + nameLength);
    let name: string;
    if (flags & 0x0800 || nameBytes.every((b) => b < 0x80)) {
      try {
        name = utf8.decode(nameBytes);
      } catch {
        throw refuse(nameBytes.toString('latin1'), 'its name is not valid UTF-8');
      }
    } else {
      throw refuse(nameBytes.toString('latin1'), 'its name is not ASCII and not marked UTF-8');
    }
    const extra = cd.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
    for (let x = 0; x + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(x);
      const len = extra.readUInt16LE(x + 2);
      if (x + 4 + len > extra.length) throw refuse(name, 'its extra field is damaged');
      if (id === 0x0001) {
        let p = x + 4;
        const next = (): number => {
          if (p + 8 > x + 4 + len) throw refuse(name, 'its ZIP64 field is too short');
          const v = readU64(extra, p);
          p += 8;
          return v;
        };
        if (size === MAX32) size = next();
        if (compressedSize === MAX32) compressedSize = next();
        if (localHeaderOffset === MAX32) localHeaderOffset = next();
      }
      x += 4 + len;
    }
    at = end;

    if (flags & 0x0001 || flags & 0x0040) throw refuse(name, 'it is encrypted');
    if (method !== 0 && method !== 8) throw refuse(name, `it uses compression method ${method} (only stored and deflate are accepted)`);
    const isDirectoryName = name.endsWith('/');
    const unixMode = madeBy >> 8 === 3 ? externalAttributes >>> 16 : 0;
    const type = unixMode & 0o170000;
    if (type === 0o120000) throw refuse(name, 'it is a symbolic link');
    if (type !== 0 && type !== 0o100000 && type !== 0o040000) throw refuse(name, 'it is not a regular file or folder (a device, pipe or socket)');
    const isDirectory = isDirectoryName || type === 0o040000 || (madeBy >> 8 === 0 && (externalAttributes & 0x10) !== 0);
    const plainName = isDirectoryName ? name.slice(0, -1) : name;
    const unsafe = unsafePathReason(plainName);
    if (unsafe) throw refuse(name, unsafe);
    if (isDirectory && (!isDirectoryName || size !== 0 || compressedSize !== 0)) throw refuse(name, 'a folder entry that is not an empty "name/" entry');
    if (!Number.isFinite(size) || !Number.isFinite(compressedSize) || !Number.isFinite(localHeaderOffset)) throw refuse(name, 'it claims a size beyond what any file can hold');
    if (method === 0 && compressedSize !== size) throw refuse(name, `it is stored uncompressed but claims ${size} bytes from ${compressedSize} stored`);
    if (method === 8 && size > Math.max(compressedSize, 1) * limits.maxDeflateRatio) throw refuse(name, `it claims ${size} bytes from ${compressedSize} compressed (a ratio no real deflate stream reaches: a zip bomb)`);
    total += size;
    if (total > limits.maxTotalBytes) throw refuse(name, `the entries claim ${total} bytes uncompressed in all, more than the ${limits.maxTotalBytes} accepted`);
    // Case- and normalization-insensitive: "A" and "a" are one file on macOS and Windows.
    const key = plainName.normalize('NFC').toLowerCase();
    if (seen.has(key)) throw refuse(name, `it collides with "${seen.get(key)}"`);
    seen.set(key, name);
    entries.push({ name: plainName, kind: isDirectory ? 'directory' : 'file', method: method as 0 | 8, compressedSize, size, crc32: crc, localHeaderOffset, dataOffset: -1 });
  }
  if (at !== cd.length) throw refuse(null, 'its central directory has bytes after the last entry');

  // A file may not also be a folder of another entry ("a" and "a/b").
  for (const e of entries) {
    const parts = e.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = seen.get(parts.slice(0, i).join('/').normalize('NFC').toLowerCase());
      if (parent !== undefined && !parent.endsWith('/')) throw refuse(e.name, `"${parent}" is a file, not a folder`);
    }
  }

  // Local headers: same name and method as the directory says; data inside the file, before
  // the central directory, and no two entries sharing bytes (the overlapping-entries bomb).
  for (const e of entries) {
    const header = await readAt(file, e.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_HEADER) throw refuse(e.name, 'its local header is missing or damaged');
    const nameLength = header.readUInt16LE(26);
    const extraLength = header.readUInt16LE(28);
    const localName = await readAt(file, e.localHeaderOffset + 30, nameLength);
    const expected = e.kind === 'directory' ? `${e.name}/` : e.name;
    if (localName.toString('utf8') !== expected || header.readUInt16LE(8) !== e.method) throw refuse(e.name, 'its local header disagrees with the central directory');
    e.dataOffset = e.localHeaderOffset + 30 + nameLength + extraLength;
    if (e.dataOffset + e.compressedSize > cdOffset) throw refuse(e.name, `its data (${e.compressedSize} bytes) would run past the end of the file's data area`);
  }
  const byOffset = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const previous = byOffset[i - 1]!;
    if (previous.dataOffset + previous.compressedSize > byOffset[i]!.localHeaderOffset) throw refuse(byOffset[i]!.name, `its bytes overlap those of "${previous.name}"`);
  }
  return entries;
}

/**
 * Unpacks a checked zip into `destination`, a folder that must not exist yet (its parent must).
 * Nothing is written before every entry has passed; on any failure the folder is removed.
 */
export async function extractZip(zipPath: string, destination: string, limits: Partial<ZipLimits> = {}): Promise<ZipEntry[]> {
  const zip = await ZipReader.open(zipPath, limits);
  const root = resolve(destination);
  try {
    const needed = zip.entries.reduce((sum, e) => sum + e.size, 0);
    const fs = await statfs(dirname(root));
    const free = fs.bavail * fs.bsize;
    if (needed > free) throw new UnsafeZipError(zipPath, null, `it unpacks to ${needed} bytes but only ${free} bytes are free in ${dirname(root)}`);
    await mkdir(root); // fails if it exists: we only ever write into a folder we made
    try {
      for (const entry of zip.entries) {
        const target = resolve(root, ...entry.name.split('/'));
        if (!target.startsWith(root + sep)) throw new UnsafeZipError(zipPath, entry.name, 'it would be written outside the target folder');
        await makeParents(root, target);
        if (entry.kind === 'directory') {
          await mkdir(target).catch((error: NodeJS.ErrnoException) => {
            if (error.code !== 'EEXIST') throw error;
          });
          continue;
        }
        const out = await open(target, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o644);
        try {
          for await (const chunk of zip.stream(entry)) {
            let done = 0;
            while (done < chunk.length) done += (await out.write(chunk, done, chunk.length - done)).bytesWritten;
          }
        } finally {
          await out.close();
        }
      }
    } catch (error) {
      await rm(root, { recursive: true, force: true });
      throw error;
    }
    return zip.entries;
  } finally {
    await zip.close();
  }
}

/** Creates the folders between root and target, one by one, refusing anything that is not a plain folder. */
async function makeParents(root: string, target: string): Promise<void> {
  const parts = target.slice(root.length + 1).split(sep).slice(0, -1);
  let current = root;
  for (const part of parts) {
    current = join(current, part);
    try {
      await mkdir(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const info = await lstat(current).catch(() => null);
      if (!info?.isDirectory()) throw new Error(`${current} is not a folder`);
    }
  }
}
