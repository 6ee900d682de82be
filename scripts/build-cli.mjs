// Bundles the `cutover` command (src/cli/main.ts and the core it loads) into plain ES modules,
// so bin/cutover.mjs can start it with node alone. Through tsx every start compiles or reads
// back ~300 TypeScript modules on tsx's loader thread: about 0.7 s of CPU a command on this
// machine, before any work. The bundle keeps the CLI's lazy loading (each command's
// `await import(...)` is a chunk of its own).
//
// Out: out/cli/<digest>/main.mjs and its chunks (never overwritten: a running command may still
// load a chunk), and out/cli/current.json naming that folder with the size and mtime of every
// source file it was built from. bin/cutover.mjs uses it only while all of them are unchanged,
// and otherwise runs the sources through tsx, so an edited file is never run from a stale bundle.
//
//   node scripts/build-cli.mjs        (npm run build does it; so does the test set-up)
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Old bundle folders are removed once they are this old (a command started from one has long ended). */
const KEEP_OLD_MS = 60 * 60 * 1000;

/** [path relative to root with /, size, mtimeMs] of each source file. */
function stamp(root, paths) {
  return paths.map((p) => {
    const s = statSync(join(root, p));
    return [p, s.size, s.mtimeMs];
  });
}

function sameStamps(a, b) {
  return a.length === b.length && a.every((x, i) => x[0] === b[i][0] && x[1] === b[i][1] && x[2] === b[i][2]);
}

/**
 * Builds the bundle and makes it current. Returns its folder, or null (with the reason) when a
 * source file changed while it was being built: then nothing is made current.
 */
export async function buildCli(root = ROOT) {
  const { build } = await import('esbuild');
  const outRoot = join(root, 'out', 'cli');
  mkdirSync(outRoot, { recursive: true });
  const tmp = join(outRoot, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: { main: 'src/cli/main.ts' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunk-[hash]',
      metafile: true,
      sourcemap: 'linked',
      logLevel: 'warning',
    });
    const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/')).sort();
    const before = stamp(root, inputs);
    const digest = createHash('sha256');
    for (const file of readdirSync(tmp).sort()) digest.update(file).update('\0').update(readFileSync(join(tmp, file)));
    const name = digest.digest('hex').slice(0, 16);
    const folder = join(outRoot, name);
    if (existsSync(folder)) rmSync(tmp, { recursive: true, force: true });
    else renameSync(tmp, folder);
    // A file saved during the build may or may not be in the bundle: do not vouch for it.
    const after = stamp(root, inputs);
    if (!sameStamps(before, after)) return { folder: null, reason: 'a source file changed during the build' };
    const current = join(outRoot, 'current.json');
    const next = `${current}.${process.pid}.tmp`;
    writeFileSync(next, JSON.stringify({ format: 1, dir: name, inputs: after }) + '\n');
    renameSync(next, current);
    removeOld(outRoot, name);
    return { folder, reason: null };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function removeOld(outRoot, keep) {
  const now = Date.now();
  for (const entry of readdirSync(outRoot, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === keep) continue;
    const path = join(outRoot, entry.name);
    try {
      if (now - statSync(path).mtimeMs > KEEP_OLD_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Another build removed it first.
    }
  }
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const { folder, reason } = await buildCli();
  if (folder) console.log(`cutover CLI bundled into ${relative(ROOT, folder).split(sep).join('/')}`);
  else {
    // Not an error: the command works from its sources; the next build bundles it.
    console.error(`cutover CLI not bundled: ${reason}; bin/cutover.mjs runs the sources until the next build.`);
  }
}
