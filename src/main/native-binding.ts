// Finds the better-sqlite3-multiple-ciphers binary built for Electron. node_modules holds the
// build for Node (tests, CLI); `npm start` (scripts/start-desktop.mjs) builds a copy against
// Electron's headers into .electron-native/ and writes stamp.json beside it. The vault core
// loads whatever CUTOVER_SQLITE_NATIVE_BINDING names through better-sqlite3's nativeBinding.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const NATIVE_DIR = '.electron-native';
export const NATIVE_BINDING_ENV = 'CUTOVER_SQLITE_NATIVE_BINDING';

/** What start-desktop.mjs records about the binary it built. */
interface NativeStamp {
  electron: string;
  modules: string;
  platform: string;
  arch: string;
  /** Relative to the .electron-native folder. */
  binding: string;
}

export interface RuntimeIdentity {
  electron: string;
  modules: string;
  platform: string;
  arch: string;
}

export type NativeBindingOutcome =
  | { kind: 'env'; path: string }
  | { kind: 'stamp'; path: string }
  | { kind: 'missing'; reason: string };

function readStamp(file: string): NativeStamp | null {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const v = value as Record<string, unknown>;
    const fields = ['electron', 'modules', 'platform', 'arch', 'binding'] as const;
    return fields.every((f) => typeof v[f] === 'string') ? (value as NativeStamp) : null;
  } catch {
    return null;
  }
}

/**
 * Sets CUTOVER_SQLITE_NATIVE_BINDING (before any vault is opened) when .electron-native/ has a
 * binary built for exactly this Electron; an explicit, existing setting wins.
 */
export function configureNativeBinding(appRoot: string, runtime: RuntimeIdentity, env: NodeJS.ProcessEnv = process.env): NativeBindingOutcome {
  const preset = env[NATIVE_BINDING_ENV];
  if (preset && existsSync(preset)) return { kind: 'env', path: preset };
  const dir = join(appRoot, NATIVE_DIR);
  const stamp = readStamp(join(dir, 'stamp.json'));
  if (!stamp) return { kind: 'missing', reason: `${join(dir, 'stamp.json')} is missing or unreadable` };
  const mismatch = (['electron', 'modules', 'platform', 'arch'] as const).find((k) => stamp[k] !== runtime[k]);
  if (mismatch) return { kind: 'missing', reason: `the binary in ${dir} was built for ${mismatch} ${stamp[mismatch]}, this is ${runtime[mismatch]}` };
  const binding = resolve(dir, stamp.binding);
  if (!binding.startsWith(resolve(dir)) || !existsSync(binding)) return { kind: 'missing', reason: `${binding} does not exist` };
  env[NATIVE_BINDING_ENV] = binding;
  return { kind: 'stamp', path: binding };
}
