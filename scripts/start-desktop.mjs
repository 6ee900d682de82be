#!/usr/bin/env node
// `npm start`: build the app with electron-vite, make sure better-sqlite3-multiple-ciphers is
// built for Electron, and launch Electron.
//
// node_modules keeps the module built for Node (tests and the CLI use it). The Electron build is
// made from a COPY of the package in .electron-native/ (prebuild-install with --runtime electron,
// else node-gyp against Electron's headers) and recorded in .electron-native/stamp.json; the main
// process reads that stamp and hands the binary to better-sqlite3 through the vault's
// CUTOVER_SQLITE_NATIVE_BINDING. The two builds never overwrite each other.
//
// Needs: the Electron binary (downloaded on the first `npm start` by Electron's own installer, as
// `npx install-electron` does; or ELECTRON_OVERRIDE_DIST_PATH pointing at an unpacked Electron), and for the first run either network access to GitHub (prebuilt binary)
// or to electronjs.org/headers plus a C++ toolchain (python3, make, g++).
//
// Usage: node scripts/start-desktop.mjs [--prepare-only] [-- <extra Electron arguments>]
//   --prepare-only  build and prepare the native module, do not require or launch Electron
// Exit codes: 0 Electron exited cleanly (or preparation done), 1 a build step failed,
//             2 the Electron binary is missing and could not be downloaded, or bad usage.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const NATIVE_DIR = join(root, '.electron-native');
const STAMP = join(NATIVE_DIR, 'stamp.json');
const SQLITE_PACKAGE = 'better-sqlite3-multiple-ciphers';

const argv = process.argv.slice(2);
const dashDash = argv.indexOf('--');
const ownArgs = dashDash < 0 ? argv : argv.slice(0, dashDash);
const electronArgs = dashDash < 0 ? [] : argv.slice(dashDash + 1);
const prepareOnly = ownArgs.includes('--prepare-only');
const unknown = ownArgs.filter((a) => a !== '--prepare-only');
if (unknown.length > 0) stop(2, `unknown option ${unknown.join(' ')}. Usage: node scripts/start-desktop.mjs [--prepare-only] [-- <Electron arguments>]`);

function say(message) {
  console.log(`[start] ${message}`);
}

function stop(code, message) {
  console.error(`\n[start] ${message}\n`);
  process.exit(code);
}

function packageDir(name) {
  return dirname(require.resolve(`${name}/package.json`));
}

function packageVersion(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

/** Runs a command in the foreground; true when it exits 0. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) console.error(`[start] ${command}: ${result.error.message}`);
  return result.status === 0;
}

/**
 * The Electron binary, found the way node_modules/electron/index.js finds it (path.txt, or
 * ELECTRON_OVERRIDE_DIST_PATH) but without requiring it: that would start a download.
 */
function findElectron() {
  const dir = packageDir('electron');
  const version = packageVersion(dir);
  const abi = readFileSync(join(dir, 'abi_version'), 'utf8').trim();
  const pathFile = join(dir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? join(override, executable || 'electron') : executable ? join(dir, 'dist', executable) : null;
  return { version, abi, path: candidate && existsSync(candidate) ? candidate : null, looked: candidate ?? pathFile };
}

/** node-gyp as npm ships it (npm sets npm_config_node_gyp for scripts it runs). */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not a dependency of this project; npm's copy is the usual one
  }
  return candidates.find((c) => c && existsSync(c)) ?? null;
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return null;
  }
}

/** Builds (once per Electron version) the SQLite module for Electron; returns the .node path. */
function prepareNativeModule(electron) {
  const sourceDir = packageDir(SQLITE_PACKAGE);
  const sqliteVersion = packageVersion(sourceDir);
  const copyDir = join(NATIVE_DIR, SQLITE_PACKAGE);
  const binding = join(copyDir, 'build', 'Release', 'better_sqlite3.node');
  const wanted = { electron: electron.version, modules: electron.abi, platform: process.platform, arch: process.arch, package: `${SQLITE_PACKAGE}@${sqliteVersion}` };

  const stamp = readStamp();
  if (stamp && existsSync(binding) && Object.entries(wanted).every(([k, v]) => stamp[k] === v)) {
    say(`${SQLITE_PACKAGE} for Electron ${electron.version} is ready (${relative(root, binding)})`);
    return binding;
  }

  say(`building ${SQLITE_PACKAGE} ${sqliteVersion} for Electron ${electron.version} (ABI ${electron.abi}) in ${relative(root, NATIVE_DIR)}/ — node_modules is not touched`);
  rmSync(copyDir, { recursive: true, force: true });
  rmSync(STAMP, { force: true });
  mkdirSync(NATIVE_DIR, { recursive: true });
  const skip = [join(sourceDir, 'build'), join(sourceDir, 'node_modules')];
  cpSync(sourceDir, copyDir, { recursive: true, filter: (src) => !skip.some((s) => src === s || src.startsWith(s + sep)) });

  const target = ['--runtime=electron', `--target=${electron.version}`, `--arch=${process.arch}`];
  let built = false;
  try {
    const prebuild = join(packageDir('prebuild-install'), 'bin.js');
    say('trying a prebuilt binary (prebuild-install, from GitHub releases)…');
    built = run(process.execPath, [prebuild, '--runtime', 'electron', '--target', electron.version, '--arch', process.arch, '--platform', process.platform, '--verbose'], { cwd: copyDir });
  } catch {
    built = false;
  }
  if (!built || !existsSync(binding)) {
    const nodeGyp = findNodeGyp();
    if (!nodeGyp) {
      stop(1, 'no prebuilt binary could be fetched and node-gyp was not found (it ships with npm; run this through `npm start`).');
    }
    say('compiling from source with node-gyp against Electron\'s headers…');
    built = run(process.execPath, [nodeGyp, 'rebuild', '--release', ...target, '--dist-url=https://electronjs.org/headers'], { cwd: copyDir });
  }
  if (!built || !existsSync(binding)) {
    stop(
      1,
      `could not build ${SQLITE_PACKAGE} for Electron ${electron.version}. This needs network access to GitHub ` +
        '(prebuilt binary) or to https://electronjs.org/headers plus a C++ toolchain (python3, make, g++). ' +
        'node_modules was not changed: `npm test` and the CLI still work.',
    );
  }
  writeFileSync(STAMP, `${JSON.stringify({ ...wanted, binding: relative(NATIVE_DIR, binding), builtAt: new Date().toISOString() }, null, 2)}\n`);
  say(`built ${relative(root, binding)}`);
  return binding;
}

/**
 * Electron's package fetches its binary on first use; so does `npm start`: its own installer
 * (node_modules/electron/install.js, the `install-electron` command), once, in the foreground.
 * Not when ELECTRON_OVERRIDE_DIST_PATH names an unpacked Electron, or with CUTOVER_NO_DOWNLOAD=1.
 */
function downloadElectron(electron) {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH || process.env.CUTOVER_NO_DOWNLOAD === '1') return electron;
  say(`the Electron ${electron.version} binary is not installed yet: downloading it (node_modules/electron/install.js)…`);
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  run(process.execPath, [join(packageDir('electron'), 'install.js')], { env, timeout: 15 * 60_000 });
  return findElectron();
}

function main() {
  let electron = findElectron();
  if (!electron.path && !prepareOnly) electron = downloadElectron(electron);
  if (!electron.path && !prepareOnly) {
    stop(
      2,
      `The Electron ${electron.version} binary is not installed (looked for ${electron.looked}), and downloading it failed (see above).\n` +
        '        The desktop app needs it. Either:\n' +
        '          npx install-electron            download it into node_modules/electron (needs network access to GitHub), or\n' +
        '          ELECTRON_OVERRIDE_DIST_PATH=/path/to/unpacked/electron npm start\n' +
        '        Everything else works without it: `npm test`, and the CLI (`npx cutover --help`).',
    );
  }

  say('building main, preload and renderer with electron-vite…');
  const electronVite = join(packageDir('electron-vite'), 'bin', 'electron-vite.js');
  if (!run(process.execPath, [electronVite, 'build'])) stop(1, 'electron-vite build failed (see above).');

  const preset = process.env.CUTOVER_SQLITE_NATIVE_BINDING;
  const binding = preset && existsSync(preset) ? preset : prepareNativeModule(electron);
  if (prepareOnly) {
    say('prepared; not launching (--prepare-only).');
    return;
  }

  say(`launching Electron ${electron.version}…`);
  const child = spawn(electron.path, [root, ...electronArgs], {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, CUTOVER_SQLITE_NATIVE_BINDING: binding },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => stop(1, `could not start ${electron.path}: ${error.message}`));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main();
