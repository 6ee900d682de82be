// A pack as it arrives: a folder, or a zip read in place (nothing is unpacked to verify it).
// Either way the verifier sees the same thing: relative '/'-separated paths, each a regular
// file streamed on demand. Links and special files in a folder are listed, never followed.
import { constants as fsConstants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PackInputError, UnsafeZipError } from './errors';
import { MANIFEST, MAX_MANIFEST_BYTES, SIGNATURES_DIR, SUMS } from './layout';
import { ZipReader, extractZip, type ZipEntry, type ZipLimits } from './zip-read';

export interface PackFile {
  path: string;
  size: number;
  /** Only "file" belongs in a pack; anything else is reported by the verifier. */
  type: 'file' | 'symlink' | 'other';
}

export interface PackSource {
  kind: 'folder' | 'zip';
  path: string;
  files: PackFile[];
  has(path: string): boolean;
  /** A small file whole; PackInputError when it is larger than `max`. */
  read(path: string, max: number): Promise<Buffer>;
  stream(path: string): AsyncIterable<Buffer>;
  close(): Promise<void>;
}

const READ_CHUNK = 1024 * 1024;

async function listFolder(root: string, dir = ''): Promise<PackFile[]> {
  const out: PackFile[] = [];
  for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFolder(root, rel)));
    else if (entry.isFile()) out.push({ path: rel, size: (await lstat(join(root, rel))).size, type: 'file' });
    else out.push({ path: rel, size: 0, type: entry.isSymbolicLink() ? 'symlink' : 'other' });
  }
  return out;
}

async function openFolder(root: string): Promise<PackSource> {
  const files = await listFolder(root);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const fileAt = (path: string): PackFile => {
    const f = byPath.get(path);
    if (!f || f.type !== 'file') throw new PackInputError(`${path} is not a regular file in ${root}`);
    return f;
  };
  return {
    kind: 'folder',
    path: root,
    files,
    has: (path) => byPath.get(path)?.type === 'file',
    async read(path, max) {
      fileAt(path);
      const file = await open(join(root, path), fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
      try {
        const { size } = await file.stat();
        if (size > max) throw new PackInputError(`${path} is ${size} bytes, more than the ${max} accepted for it`);
        return await file.readFile();
      } finally {
        await file.close();
      }
    },
    async *stream(path) {
      fileAt(path);
      const file = await open(join(root, path), fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
      // The stream owns the handle from here and closes it.
      yield* file.createReadStream({ highWaterMark: READ_CHUNK, autoClose: true }) as AsyncIterable<Buffer>;
    },
    async close() {},
  };
}

async function openZip(path: string, limits?: Partial<ZipLimits>): Promise<PackSource> {
  const zip = await ZipReader.open(path, limits);
  const entries = new Map<string, ZipEntry>();
  const files: PackFile[] = [];
  for (const e of zip.entries) {
    if (e.kind !== 'file') continue;
    entries.set(e.name, e);
    files.push({ path: e.name, size: e.size, type: 'file' });
  }
  const entryAt = (name: string): ZipEntry => {
    const e = entries.get(name);
    if (!e) throw new PackInputError(`${name} is not in ${path}`);
    return e;
  };
  return {
    kind: 'zip',
    path,
    files,
    has: (name) => entries.has(name),
    read: async (name, max) => {
      try {
        return await zip.read(entryAt(name), max);
      } catch (error) {
        if (error instanceof UnsafeZipError && /more than the/.test(error.reason)) throw new PackInputError(error.message);
        throw error;
      }
    },
    stream: (name) => zip.stream(entryAt(name)),
    close: () => zip.close(),
  };
}

/** Opens a pack folder or zip. PackInputError when the path is neither; UnsafeZipError for a hostile zip. */
export async function openPack(path: string, limits?: Partial<ZipLimits>): Promise<PackSource> {
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    throw new PackInputError(error.code === 'ENOENT' ? `No pack at ${path}: give a pack folder or a pack .zip.` : `Cannot read ${path} (${error.code ?? error.message}).`);
  });
  // The path itself cannot be read (permissions, a vanished file): bad input, not a broken pack.
  const unreadable = (error: NodeJS.ErrnoException) => {
    if (error instanceof PackInputError || !error.code) throw error;
    throw new PackInputError(`Cannot read ${path} (${error.code}). Check the path and that you may read it.`, { cause: error });
  };
  if (info.isSymbolicLink()) throw new PackInputError(`${path} is a symbolic link; give the pack folder or zip itself.`);
  if (info.isDirectory()) return openFolder(path).catch(unreadable);
  if (!info.isFile()) throw new PackInputError(`${path} is neither a folder nor a file.`);
  const head = Buffer.alloc(4);
  const file = await open(path, 'r').catch(unreadable);
  try {
    await file.read(head, 0, 4, 0);
  } finally {
    await file.close();
  }
  if (head.readUInt32LE(0) !== 0x04034b50 && head.readUInt32LE(0) !== 0x06054b50) throw new PackInputError(`${path} is not a zip (nor a folder): give a pack folder or a pack .zip.`);
  return openZip(path, limits);
}

/** The subject names manifest.json lists, read loosely (the verifier checks its shape), or null when it cannot be read. */
function listedNames(manifest: Buffer): Set<string> | null {
  try {
    const value = JSON.parse(manifest.toString('utf8')) as { subject?: unknown };
    if (!Array.isArray(value.subject)) return null;
    return new Set(value.subject.map((s) => (s as { name?: unknown } | null)?.name).filter((n): n is string => typeof n === 'string'));
  } catch {
    return null;
  }
}

/**
 * Unpacks a pack zip (to sign it) after refusing, by name and before a byte is inflated, every
 * entry its manifest.json does not list (signatures/, manifest.json and SHA256SUMS excepted):
 * a file that does not belong to the pack is never written, however large it claims to be.
 */
export async function extractPackZip(zipPath: string, destination: string, limits?: Partial<ZipLimits>): Promise<ZipEntry[]> {
  const zip = await ZipReader.open(zipPath, limits);
  try {
    const manifest = zip.entries.find((e) => e.kind === 'file' && e.name === MANIFEST);
    const listed = manifest ? listedNames(await zip.read(manifest, MAX_MANIFEST_BYTES)) : null;
    if (!listed) throw new UnsafeZipError(zipPath, manifest ? MANIFEST : null, `${manifest ? `its ${MANIFEST} cannot be read as a manifest` : `it has no ${MANIFEST}`}, so it is not a decision pack`);
    for (const e of zip.entries) {
      if (e.kind !== 'file' || e.name === MANIFEST || e.name === SUMS || e.name.startsWith(`${SIGNATURES_DIR}/`) || listed.has(e.name)) continue;
      throw new UnsafeZipError(zipPath, e.name, `${MANIFEST} does not list it (it claims ${e.size} bytes; it was not inflated)`);
    }
  } finally {
    await zip.close();
  }
  return extractZip(zipPath, destination, limits);
}
