// Vitest's global set-up: bundles the `cutover` CLI once for the run (scripts/build-cli.mjs),
// so the hundreds of CLI processes the tests start run the same code without compiling it
// through tsx each time. bin/cutover.mjs still runs the sources for any file changed since the
// bundle was made, so a test never runs stale code. A build that fails is said and the tests
// run from the sources.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const r = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) console.warn(`The CLI was not bundled (${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}); the tests run it from its sources.`);
}
