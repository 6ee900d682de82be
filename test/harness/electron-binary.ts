// Where the Electron binary is, without ever starting its download. `require('electron')`
// would do that when the binary is missing (node_modules/electron/index.js runs install.js),
// so this reads the same path.txt and ELECTRON_OVERRIDE_DIST_PATH that index.js reads.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary = { path: string; version: string } | { path: null; reason: string };

export function findElectronBinary(): ElectronBinary {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { path: null, reason: 'the electron package is not installed (npm ci installs it)' };
  }
  const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const pathFile = join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? join(override, executable || 'electron') : executable ? join(packageDir, 'dist', executable) : null;
  if (candidate && existsSync(candidate)) return { path: candidate, version };
  if (override) return { path: null, reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${candidate} does not exist` };
  return {
    path: null,
    reason: `Electron ${version}'s binary is not installed (no ${executable ? join(packageDir, 'dist', executable) : pathFile}); tests never download it, and on this project's CI machines it cannot be downloaded`,
  };
}
