// Builds the real renderer with the same Vite config electron-vite uses, into a folder of the
// caller's choosing (so a test never races an `electron-vite build` writing out/).
//
// A dozen test files need the renderer; building it in each took 10–20 s of CPU apiece on a
// loaded two-CPU machine. The build is kept once per content of its inputs (the renderer's and
// shared sources, the Vite config, the lock file) in the system's temp folder and copied to each
// caller's folder. Two workers that miss at once both build; the first rename wins and the other's
// build is dropped, so no lock is needed and a half-written build is never used.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'vite';
import { rendererConfig } from '../../electron.vite.config';

const ROOT = join(import.meta.dirname, '..', '..');
const INPUTS = ['src/renderer', 'src/shared', 'electron.vite.config.ts', 'package-lock.json', 'tsconfig.web.json'];

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

/** What the build depends on: every input file's path and bytes. */
function inputsDigest(): string {
  const hash = createHash('sha256');
  for (const input of INPUTS)
    for (const file of files(join(ROOT, input))) {
      hash.update(relative(ROOT, file)).update('\0');
      hash.update(readFileSync(file)).update('\0');
    }
  return hash.digest('hex').slice(0, 32);
}

async function cachedBuild(): Promise<string> {
  const cacheRoot = join(tmpdir(), 'cutover-renderer-builds');
  mkdirSync(cacheRoot, { recursive: true });
  const done = join(cacheRoot, inputsDigest());
  if (existsSync(join(done, 'index.html'))) return done;
  const work = mkdtempSync(join(tmpdir(), 'cutover-renderer-build-'));
  try {
    await build({ ...rendererConfig(work), configFile: false, logLevel: 'warn' });
    cpSync(work, `${done}.partial-${process.pid}`, { recursive: true });
    try {
      renameSync(`${done}.partial-${process.pid}`, done);
    } catch (error) {
      // Another worker finished first: its build (of the same inputs) is the one kept.
      if (!existsSync(join(done, 'index.html'))) throw error;
      rmSync(`${done}.partial-${process.pid}`, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return done;
}

export async function buildRenderer(outDir: string): Promise<void> {
  cpSync(await cachedBuild(), outDir, { recursive: true });
}
