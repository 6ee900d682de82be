#!/usr/bin/env node
// The `cutover` command. The CLI is TypeScript: `npx cutover` works right after `npm install`,
// with no build step, by running the sources through tsx. Where `npm run build` (or the test
// set-up) has bundled it (scripts/build-cli.mjs) and not one of the bundled source files has
// changed since, the bundle runs instead, with node alone: the same code, started without
// compiling it (about 0.7 s of CPU less a command). CUTOVER_CLI_FROM_SOURCE=1 always runs the
// sources.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

/** The bundle's entry, when it is current for every source file it was built from; else null. */
function freshBundle() {
  if (process.env.CUTOVER_CLI_FROM_SOURCE) return null;
  try {
    const current = JSON.parse(readFileSync(new URL('out/cli/current.json', root), 'utf8'));
    if (current.format !== 1 || !/^[0-9a-f]{16}$/.test(current.dir) || !Array.isArray(current.inputs)) return null;
    for (const [path, size, mtimeMs] of current.inputs) {
      const s = statSync(new URL(path, root));
      if (s.size !== size || s.mtimeMs !== mtimeMs) return null;
    }
    return new URL(`out/cli/${current.dir}/main.mjs`, root);
  } catch {
    return null;
  }
}

let main;
const bundle = freshBundle();
if (bundle) {
  try {
    ({ main } = await import(bundle.href));
  } catch {
    main = undefined; // removed or damaged under us: the sources are always there
  }
}
if (!main) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv);
