// Where the demo finds the shipped examples and the `cutover` command: the project's folder,
// looked up from this module's own location. The same answer whether this module runs from
// src/core/demo (through tsx) or from a bundle under out/ (the CLI's, or the window's main).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'examples')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) break;
  }
  // Not found (an installation without the examples): where they would be beside the sources,
  // so a demo's message names a concrete missing path.
  return resolve(here, '../../..');
}

/** The project's folder: the one holding package.json and examples/. */
export const PROJECT_ROOT = findProjectRoot();
/** The shipped example runbooks and their host folders. */
export const EXAMPLES = join(PROJECT_ROOT, 'examples');
