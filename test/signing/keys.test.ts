import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fingerprintOf,
  generateEd25519,
  KeyFileNotFoundError,
  KeyFormatError,
  KeyPassphraseRequiredError,
  loadKeyFile,
  parsePublicKey,
  PublicKeyFormatError,
  signerFromGenerated,
  sshsigSign,
  WrongKeyPassphraseError,
} from '../../src/core/signing';
import { keygenFingerprint, keygenPublicKeyOf, keygenVerify, makeKey, useTempDir } from '../helpers/ssh-keys';
import type { KeygenType } from '../helpers/ssh-keys';

const kinds: Array<{ type: KeygenType; bits?: number; sshType: string }> = [
  { type: 'ed25519', sshType: 'ssh-ed25519' },
  { type: 'rsa', bits: 3072, sshType: 'ssh-rsa' },
  { type: 'ecdsa', bits: 256, sshType: 'ecdsa-sha2-nistp256' },
  { type: 'ecdsa', bits: 384, sshType: 'ecdsa-sha2-nistp384' },
  { type: 'ecdsa', bits: 521, sshType: 'ecdsa-sha2-nistp521' },
];

describe('parsePublicKey', () => {
  it.each(kinds)('reads a $sshType line from ssh-keygen with the fingerprint ssh-keygen -lf prints', async ({ type, bits, sshType }) => {
    const dir = await useTempDir();
    const key = await makeKey(dir, type, { bits, comment: 'alice@ops laptop' });
    const parsed = parsePublicKey(key.publicKey);
    expect(parsed.type).toBe(sshType);
    expect(parsed.comment).toBe('alice@ops laptop');
    expect(parsed.fingerprint).toBe(await keygenFingerprint(dir, key.publicKey));
    expect(fingerprintOf(parsed.blob)).toBe(parsed.fingerprint);
    expect(parsed.blob.toString('base64')).toBe(key.publicKey.split(' ')[1]);
  });

  it('refuses text that is not one valid public key line, saying what is wrong', async () => {
    const dir = await useTempDir();
    const key = await makeKey(dir, 'ed25519');
    const [type, b64] = key.publicKey.split(' ') as [string, string];
    const blob = Buffer.from(b64, 'base64');
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----', /PEM block/],
      [`${type} ${b64}\n${type} ${b64}`, /one line/],
      [`${type} not*base64`, /TYPE BASE64/],
      [`command="ls" ${type} ${b64}`, /TYPE BASE64/],
      [`ssh-rsa ${b64}`, /says ssh-rsa but the key inside is ssh-ed25519/],
      [`${type} ${blob.subarray(0, blob.length - 5).toString('base64')}`, /truncated/],
      [`${type} ${Buffer.concat([blob, Buffer.from([0])]).toString('base64')}`, /unexpected bytes/],
      ['ssh-dss AAAAB3NzaC1kc3MAAAA=', /not supported/],
    ];
    for (const [text, why] of cases) {
      let caught: unknown;
      try {
        parsePublicKey(text);
      } catch (err) {
        caught = err;
      }
      expect(caught, text).toBeInstanceOf(PublicKeyFormatError);
      expect((caught as Error).message, text).toMatch(why);
    }
  });
});

describe('loadKeyFile', () => {
  it.each(kinds)('loads a $sshType key file with the same public key and fingerprint as ssh-keygen', async ({ type, bits }) => {
    const dir = await useTempDir();
    const key = await makeKey(dir, type, { bits });
    const signer = await loadKeyFile(key.path);
    expect(signer.publicKey).toBe(key.publicKey);
    expect(signer.fingerprint).toBe(await keygenFingerprint(dir, key.publicKey));
  });

  it('loads a legacy PEM-format RSA key', async () => {
    const dir = await useTempDir();
    const key = await makeKey(dir, 'rsa', { bits: 2048, format: 'PEM' });
    const signer = await loadKeyFile(key.path);
    expect(signer.fingerprint).toBe(await keygenFingerprint(dir, key.publicKey));
  });

  it.each(['ed25519', 'rsa', 'ecdsa'] as const)('opens a passphrase-protected %s key only with its passphrase', async (type) => {
    const dir = await useTempDir();
    const key = await makeKey(dir, type, { passphrase: 'correct horse battery' });
    await expect(loadKeyFile(key.path)).rejects.toBeInstanceOf(KeyPassphraseRequiredError);
    await expect(loadKeyFile(key.path, '')).rejects.toBeInstanceOf(KeyPassphraseRequiredError);
    await expect(loadKeyFile(key.path, 'wrong horse')).rejects.toBeInstanceOf(WrongKeyPassphraseError);
    const signer = await loadKeyFile(key.path, 'correct horse battery');
    expect(signer.fingerprint).toBe(await keygenFingerprint(dir, key.publicKey));
    const message = Buffer.from('plan digest');
    const signature = await sshsigSign(signer, message, 'cutover-plan');
    expect((await keygenVerify(dir, { publicKey: key.publicKey, signature, message, namespace: 'cutover-plan' })).ok).toBe(true);
  });

  it('opens a passphrase-protected legacy PEM key only with its passphrase', async () => {
    const dir = await useTempDir();
    const key = await makeKey(dir, 'rsa', { bits: 2048, format: 'PEM', passphrase: 'pem pass' });
    await expect(loadKeyFile(key.path)).rejects.toBeInstanceOf(KeyPassphraseRequiredError);
    await expect(loadKeyFile(key.path, 'not it')).rejects.toBeInstanceOf(WrongKeyPassphraseError);
    expect((await loadKeyFile(key.path, 'pem pass')).fingerprint).toBe(await keygenFingerprint(dir, key.publicKey));
  });

  it('gives messages that say what to do next', async () => {
    const dir = await useTempDir();
    const key = await makeKey(dir, 'ed25519', { passphrase: 'pw' });
    await expect(loadKeyFile(key.path)).rejects.toThrow(/Enter its passphrase/);
    await expect(loadKeyFile(key.path, 'nope')).rejects.toThrow(/passphrase .* is wrong/);
    await expect(loadKeyFile(join(dir, 'missing'))).rejects.toThrow(/ssh-keygen -t ed25519 -f/);
  });

  it('names a missing file, a public key file, a folder and garbage', async () => {
    const dir = await useTempDir();
    const key = await makeKey(dir, 'ed25519');
    await expect(loadKeyFile(join(dir, 'nope'))).rejects.toBeInstanceOf(KeyFileNotFoundError);
    await expect(loadKeyFile(`${key.path}.pub`)).rejects.toThrow(KeyFormatError);
    await expect(loadKeyFile(`${key.path}.pub`)).rejects.toThrow(/public key; choose the private key file/);
    await expect(loadKeyFile(dir)).rejects.toThrow(/folder/);
    await writeFile(join(dir, 'junk'), 'hello, I am not a key\n');
    await expect(loadKeyFile(join(dir, 'junk'))).rejects.toBeInstanceOf(KeyFormatError);
  });
});

describe('generateEd25519', () => {
  it('makes an OpenSSH private key that ssh-keygen reads back to the same public key', async () => {
    const dir = await useTempDir();
    const generated = generateEd25519('bob@governance');
    expect(generated.privateKey.toString()).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect(generated.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI\S+ bob@governance$/);
    const file = join(dir, 'generated');
    await writeFile(file, generated.privateKey, { mode: 0o600 });
    await chmod(file, 0o600);
    expect(keygenPublicKeyOf(file)).toBe(generated.publicKey);
  });

  it('signs through signerFromGenerated, and ssh-keygen verifies the signature', async () => {
    const dir = await useTempDir();
    const generated = generateEd25519('bob@governance');
    const signer = signerFromGenerated(generated.privateKey);
    expect(signer.publicKey).toBe(generated.publicKey);
    expect(signer.fingerprint).toBe(await keygenFingerprint(dir, generated.publicKey));
    const message = Buffer.from('GO for cutover 2024-11-02\n');
    const signature = await sshsigSign(signer, message, 'cutover-decision');
    const verified = await keygenVerify(dir, { publicKey: generated.publicKey, signature, message, namespace: 'cutover-decision' });
    expect(verified.stdout).toMatch(/Good "cutover-decision" signature for approver@example.test/);
    expect(verified.ok).toBe(true);
  });

  it('makes a different key each time', () => {
    expect(generateEd25519('a').publicKey).not.toBe(generateEd25519('a').publicKey);
  });

  it('refuses a stored key that is not a private key', () => {
    expect(() => signerFromGenerated(Buffer.from('garbage'))).toThrow(KeyFormatError);
  });
});
