// A keychain for the harness, where Electron's safeStorage does not exist: AES-256-GCM under a
// random key held only in this process's memory. Like safeStorage it wraps the data key so that
// only this "device" (this test process) can unwrap it; it persists nothing.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keychain } from '../../src/main/handlers';

export function processKeychain(): Keychain {
  const key = randomBytes(32);
  return {
    isAvailable: () => true,
    wrap(dataKey) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    unwrap(wrapped) {
      const decipher = createDecipheriv('aes-256-gcm', key, wrapped.subarray(0, 12));
      decipher.setAuthTag(wrapped.subarray(12, 28));
      return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
    },
  };
}
