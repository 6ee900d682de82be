// Where the Electron binary is, without ever starting its download. `require('electron')`
// would do that when the binary is missing (node_modules/electron/index.js runs install.js),
// so this reads the same path.txt and ELECTRON_OVERRIDE_DIST_PATH that index.js reads.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NATIVE_BINDING_ENV, NATIVE_DIR } from '../../src/main/native-binding';

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

/**
 * Why the Electron end-to-end tests cannot run on this machine, with how to make them run; null
 * when they can. Besides the binary, the app needs better-sqlite3 built for that Electron
 * (node_modules holds the Node build): `npm start` builds it into .electron-native/ and records
 * it in stamp.json, or CUTOVER_SQLITE_NATIVE_BINDING names one (src/main/native-binding.ts).
 */
export function electronSkipReason(appRoot: string): string | null {
  const binary = findElectronBinary();
  if (binary.path === null) {
    return `no Electron binary: ${binary.reason}. To run it, install one with \`npx install-electron\` (or set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron), then build the SQLite module for it with \`npm start -- --prepare-only\``;
  }
  const preset = process.env[NATIVE_BINDING_ENV];
  if (preset) return existsSync(preset) ? null : `${NATIVE_BINDING_ENV} names ${preset}, which does not exist`;
  const stampFile = join(appRoot, NATIVE_DIR, 'stamp.json');
  if (!existsSync(stampFile)) return `Electron ${binary.version} is at ${binary.path}, but better-sqlite3 has not been built for it (no ${stampFile}): run \`npm start -- --prepare-only\`, which builds it`;
  const built = (JSON.parse(readFileSync(stampFile, 'utf8')) as { electron?: unknown }).electron;
  if (built !== binary.version) return `better-sqlite3 in ${NATIVE_DIR}/ was built for Electron ${String(built)}, the binary is ${binary.version}: run \`npm start -- --prepare-only\` to rebuild it`;
  return null;
}
