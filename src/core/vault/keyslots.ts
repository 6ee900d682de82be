// The data key and the slots that wrap it.
//
// A vault's SQLCipher key is a random 256-bit data key. It is never derived from the
// passphrase directly: it is wrapped (AES-256-GCM) by one or more keyslots kept in a small
// JSON file beside the vault (`<vault>.keys`). Changing the passphrase rewrites one slot,
// never the encrypted data. Slots:
//   passphrase: key-encryption key = scrypt(passphrase, salt, N=2^17, r=8, p=1, 32 bytes)
//               (memory-hard: 128 MiB and ~0.3 s per try; parameters are stored per slot)
//   keychain:   the data key wrapped by the OS keychain (Electron's safeStorage); the core
//               only stores the opaque bytes and asks the caller to unwrap them.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { KeychainUnavailableError, NotAVaultError, WrongPassphraseError } from './errors';

export const DATA_KEY_BYTES = 32;

export interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

/** OWASP's recommended scrypt floor; CUTOVER_SCRYPT_LOG2N may raise it (or lower it to 14 for test suites). */
export function defaultScryptParams(): ScryptParams {
  const fromEnv = Number(process.env.CUTOVER_SCRYPT_LOG2N);
  const log2N = Number.isInteger(fromEnv) && fromEnv >= 14 && fromEnv <= 22 ? fromEnv : 17;
  return { log2N, r: 8, p: 1 };
}

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const wrapSchema = z.object({ alg: z.literal('A256GCM'), iv: b64, ct: b64, tag: b64 });
const passphraseSlot = z.object({
  type: z.literal('passphrase'),
  kdf: z.object({ name: z.literal('scrypt'), log2N: z.number().int().min(10).max(24), r: z.number().int().min(1).max(64), p: z.number().int().min(1).max(16), salt: b64 }),
  wrap: wrapSchema,
});
const keychainSlot = z.object({ type: z.literal('keychain'), wrapped: b64 });
const keyslotFileSchema = z.object({
  format: z.literal('cutover-vault-keyslots'),
  version: z.literal(1),
  vaultId: z.string().uuid(),
  cipher: z.literal('sqlcipher4'),
  slots: z.array(z.discriminatedUnion('type', [passphraseSlot, keychainSlot])).min(1),
});
export type KeyslotFile = z.infer<typeof keyslotFileSchema>;

/** Unwraps what the OS keychain wrapped (Electron: safeStorage.decryptString). */
export interface KeychainUnwrap {
  unwrap(wrapped: Buffer): Buffer;
}

export type Unlock = { passphrase: string } | { keychain: KeychainUnwrap };

export function keyslotsPathFor(vaultPath: string): string {
  return `${vaultPath}.keys`;
}

function kek(passphrase: string, salt: Buffer, params: ScryptParams): Buffer {
  const N = 2 ** params.log2N;
  return scryptSync(passphrase.normalize('NFC'), salt, DATA_KEY_BYTES, { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 });
}

function aad(vaultId: string): Buffer {
  return Buffer.from(`cutover-vault-keyslot:${vaultId}`);
}

export function wrapWithPassphrase(dataKey: Buffer, passphrase: string, vaultId: string, params = defaultScryptParams()): z.infer<typeof passphraseSlot> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek(passphrase, salt, params), iv);
  cipher.setAAD(aad(vaultId));
  const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return {
    type: 'passphrase',
    kdf: { name: 'scrypt', ...params, salt: salt.toString('base64') },
    wrap: { alg: 'A256GCM', iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') },
  };
}

function unwrapPassphrase(slot: z.infer<typeof passphraseSlot>, passphrase: string, vaultId: string): Buffer | null {
  const key = kek(passphrase, Buffer.from(slot.kdf.salt, 'base64'), slot.kdf);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(slot.wrap.iv, 'base64'));
  decipher.setAAD(aad(vaultId));
  decipher.setAuthTag(Buffer.from(slot.wrap.tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(slot.wrap.ct, 'base64')), decipher.final()]);
  } catch {
    return null;
  }
}

export function readKeyslots(vaultPath: string): KeyslotFile {
  const path = keyslotsPathFor(vaultPath);
  if (!existsSync(path)) {
    throw new NotAVaultError(vaultPath, `there is no key file ${path} beside it (a vault is that file plus its .keys file)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new NotAVaultError(vaultPath, `its key file ${path} is not valid JSON`);
  }
  const result = keyslotFileSchema.safeParse(parsed);
  if (!result.success) throw new NotAVaultError(vaultPath, `its key file ${path} is not a Cutover keyslot file (${result.error.issues[0]?.message ?? 'bad shape'})`);
  return result.data;
}

/** Returns the data key, or throws WrongPassphraseError / KeychainUnavailableError. */
export function unlockDataKey(file: KeyslotFile, unlock: Unlock): Buffer {
  if ('passphrase' in unlock) {
    for (const slot of file.slots) {
      if (slot.type !== 'passphrase') continue;
      const key = unwrapPassphrase(slot, unlock.passphrase, file.vaultId);
      if (key && key.length === DATA_KEY_BYTES) return key;
    }
    throw new WrongPassphraseError();
  }
  const slot = file.slots.find((s) => s.type === 'keychain');
  if (!slot || slot.type !== 'keychain') throw new KeychainUnavailableError('this vault has no keychain slot (it was never remembered on this machine)');
  let key: Buffer;
  try {
    key = unlock.keychain.unwrap(Buffer.from(slot.wrapped, 'base64'));
  } catch (error) {
    throw new KeychainUnavailableError(error instanceof Error ? error.message : String(error));
  }
  if (key.length !== DATA_KEY_BYTES) throw new KeychainUnavailableError('the keychain returned a key of the wrong size');
  return key;
}

/** Writes the keyslot file atomically: a temp file, fsync, rename, fsync of the folder. */
export function writeKeyslots(vaultPath: string, file: KeyslotFile, options: { exclusive?: boolean } = {}): void {
  const path = keyslotsPathFor(vaultPath);
  const body = `${JSON.stringify(keyslotFileSchema.parse(file), null, 2)}\n`;
  if (options.exclusive) {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } else {
    const tmp = `${path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  }
  const dirFd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
