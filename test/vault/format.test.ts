// The vault file is SQLCipher 4, so stock SQLCipher 4 tools open it with the key. Debian's
// `sqlcipher` CLI is 3.4.1 and reads only the v3 format, so this test checks the format from
// its published spec instead: it decrypts page 1 with node:crypto, independently of SQLite.
import { createDecipheriv, createHmac, pbkdf2Sync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { readKeyslots, unlockDataKey } from '../../src/core/vault/keyslots';

process.env.CUTOVER_SCRYPT_LOG2N = '14';
const PASS = 'correct horse battery';

describe('vault file format', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-format-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is SQLCipher 4: page 1 decrypts per the spec (AES-256-CBC, HMAC-SHA512, raw key)', () => {
    const path = join(dir, 'v.vault');
    Vault.create(path, PASS).close();
    const key = unlockDataKey(readKeyslots(path), { passphrase: PASS });
    const file = readFileSync(path);
    const pageSize = 4096;
    const reserve = 80; // 16-byte IV + 64-byte HMAC-SHA512
    const page = file.subarray(0, pageSize);
    const salt = page.subarray(0, 16);
    const ciphertext = page.subarray(16, pageSize - reserve);
    const iv = page.subarray(pageSize - reserve, pageSize - reserve + 16);
    const storedMac = page.subarray(pageSize - 64, pageSize);

    const hmacSalt = Buffer.from(salt.map((b) => b ^ 0x3a));
    const hmacKey = pbkdf2Sync(key, hmacSalt, 2, 32, 'sha512');
    const pageNo = Buffer.alloc(4);
    pageNo.writeUInt32LE(1);
    const mac = createHmac('sha512', hmacKey).update(ciphertext).update(iv).update(pageNo).digest();
    expect(mac.equals(storedMac)).toBe(true);

    const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    // Plain bytes 16.. of the SQLite header: page size, WAL file format versions, reserved bytes.
    expect(plain.readUInt16BE(0)).toBe(pageSize);
    expect(plain[2]).toBe(2);
    expect(plain[3]).toBe(2);
    expect(plain[4]).toBe(reserve);
  });

  it('does not decrypt with another key', () => {
    const path = join(dir, 'v.vault');
    Vault.create(path, PASS).close();
    const page = readFileSync(path).subarray(0, 4096);
    const hmacKey = pbkdf2Sync(Buffer.alloc(32, 7), Buffer.from(page.subarray(0, 16).map((b) => b ^ 0x3a)), 2, 32, 'sha512');
    const pageNo = Buffer.alloc(4);
    pageNo.writeUInt32LE(1);
    const mac = createHmac('sha512', hmacKey).update(page.subarray(16, 4096 - 64)).update(pageNo).digest();
    expect(mac.equals(page.subarray(4096 - 64))).toBe(false);
  });
});
