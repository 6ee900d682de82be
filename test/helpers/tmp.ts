// Temp folders for tests that work on real files, removed when the test ends, and the
// fingerprints the fault tests compare before and after (a file's SHA-256, a folder's listing).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

/** Registers a hook run when the test ends: vitest's onTestFinished, or the test context's own (needed in concurrent tests). */
export type OnFinished = (fn: () => void) => void;

/**
 * A fresh temp folder, removed (with everything in it) when the current test finishes. In a
 * concurrent test pass the context's hook: `it.concurrent('...', ({ onTestFinished }) => useTempDir('x-', onTestFinished))`.
 */
export function useTempDir(prefix = 'cutover-test-', onFinished: OnFinished = onTestFinished): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Hex SHA-256 of a file's bytes, or null when there is no file. */
export function sha256File(path: string): string | null {
  return existsSync(path) ? sha256(readFileSync(path)) : null;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What a folder holds: each entry's name and the SHA-256 of its bytes ("dir" for a folder). */
export function snapshotDir(dir: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    out[name] = statSync(path).isDirectory() ? 'dir' : sha256File(path);
  }
  return out;
}

/** A temp folder for a whole describe block (made now, removed after its last test). */
export function useSuiteTempDir(prefix = 'cutover-suite-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
