import { createHash, createPrivateKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPublicKey, generateEd25519, loadKeyFile, signerFromGenerated, sshsigSign, sshsigSignDigest, sshsigVerify, sshsigVerifyDigest } from '../../src/core/signing';
import type { Signer } from '../../src/core/signing';
import { fingerprintOf, sshMpint, sshString, sshUint32, SshReader } from '../../src/core/signing/keys';
import { keygenFingerprint, keygenSign, keygenVerify, makeKey, useTempDir } from '../helpers/ssh-keys';
import type { KeygenType } from '../helpers/ssh-keys';

const kinds: Array<{ type: KeygenType; bits?: number; label: string }> = [
  { type: 'ed25519', label: 'ed25519' },
  { type: 'rsa', bits: 3072, label: 'rsa-3072' },
  { type: 'ecdsa', bits: 256, label: 'ecdsa-p256' },
  { type: 'ecdsa', bits: 384, label: 'ecdsa-p384' },
  { type: 'ecdsa', bits: 521, label: 'ecdsa-p521' },
];

// Binary, with a NUL and a trailing newline, so nothing is accidentally treated as text.
const MESSAGE = Buffer.concat([Buffer.from('manifest sha256 e3b0c442…\n'), Buffer.from([0, 255, 10])]);
const NS = 'cutover-plan@example.test';

/** The fields of an armored SSHSIG, decoded without our parser, to check what is inside. */
function unpack(armored: string): { publicBlob: Buffer; namespace: string; hashAlgorithm: string; signature: Buffer } {
  const b64 = armored.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
  const r = new SshReader(Buffer.from(b64, 'base64'));
  expect(r.bytes(6).toString()).toBe('SSHSIG');
  expect(r.uint32()).toBe(1);
  const publicBlob = r.string();
  const namespace = r.text();
  r.string();
  const hashAlgorithm = r.text();
  const signature = r.string();
  return { publicBlob, namespace, hashAlgorithm, signature };
}

/** Builds an armored SSHSIG from raw parts, for signatures our signer would never make. */
function buildSshsig(p: { publicBlob: Buffer; namespace: string; hashAlgorithm: string; signature: Buffer; version?: number }): string {
  const blob = Buffer.concat([
    Buffer.from('SSHSIG'),
    sshUint32(p.version ?? 1),
    sshString(p.publicBlob),
    sshString(p.namespace),
    sshString(''),
    sshString(p.hashAlgorithm),
    sshString(p.signature),
  ]);
  return `-----BEGIN SSH SIGNATURE-----\n${(blob.toString('base64').match(/.{1,70}/g) ?? []).join('\n')}\n-----END SSH SIGNATURE-----\n`;
}

/** What the key signs for SSHSIG (PROTOCOL.sshsig §3), computed independently of the module. */
function sshsigSignedData(namespace: string, message: Buffer, hash: 'sha256' | 'sha512' = 'sha512'): Buffer {
  const digest = createHash(hash).update(message).digest();
  return Buffer.concat([Buffer.from('SSHSIG'), sshString(namespace), sshString(''), sshString(hash), sshString(digest)]);
}

describe('SSHSIG interop with ssh-keygen', () => {
  it.each(kinds)('$label: our signature passes ssh-keygen -Y verify', async ({ type, bits }) => {
    const dir = await useTempDir();
    const key = await makeKey(dir, type, { bits });
    const signer = await loadKeyFile(key.path);
    const signature = await sshsigSign(signer, MESSAGE, NS);
    expect(signature).toMatch(/^-----BEGIN SSH SIGNATURE-----\n([A-Za-z0-9+/]{70}\n)+[A-Za-z0-9+/=]{1,70}\n-----END SSH SIGNATURE-----\n$/);
    const result = await keygenVerify(dir, { publicKey: key.publicKey, signature, message: MESSAGE, namespace: NS });
    expect(result.stdout + result.stderr).toMatch(/Good ".*" signature/);
    expect(result.ok).toBe(true);
    // ssh-keygen refuses it under another namespace, and for a changed message.
    expect((await keygenVerify(dir, { publicKey: key.publicKey, signature, message: MESSAGE, namespace: 'other' })).ok).toBe(false);
    expect((await keygenVerify(dir, { publicKey: key.publicKey, signature, message: Buffer.from('x'), namespace: NS })).ok).toBe(false);
  });

  it.each(kinds)('$label: ssh-keygen -Y sign output passes sshsigVerify', async ({ type, bits }) => {
    const dir = await useTempDir();
    const key = await makeKey(dir, type, { bits });
    const signature = keygenSign(key.path, MESSAGE, NS);
    const result = sshsigVerify(signature, MESSAGE, NS, key.publicKey);
    expect(result).toEqual({
      ok: true,
      publicKey: key.publicKey.split(' ').slice(0, 2).join(' '),
      fingerprint: await keygenFingerprint(dir, key.publicKey),
      namespace: NS,
      hashAlgorithm: 'sha512',
    });
  });

  it.each(kinds)('$label: an ssh-keygen signature with hashalg=sha256 verifies too', async ({ type, bits }) => {
    const dir = await useTempDir();
    const key = await makeKey(dir, type, { bits });
    const signature = keygenSign(key.path, MESSAGE, NS, 'sha256');
    expect(unpack(signature).hashAlgorithm).toBe('sha256');
    expect(sshsigVerify(signature, MESSAGE, NS, key.publicKey)).toMatchObject({ ok: true, hashAlgorithm: 'sha256' });
  });

  it('ed25519: our armored signature is byte-identical to ssh-keygen -Y sign', async () => {
    const dir = await useTempDir();
    const key = await makeKey(dir, 'ed25519');
    const ours = await sshsigSign(await loadKeyFile(key.path), MESSAGE, NS);
    expect(ours).toBe(keygenSign(key.path, MESSAGE, NS));
  });

  it('rsa: we sign with rsa-sha2-512 like ssh-keygen, and accept rsa-sha2-256 from other signers', async () => {
    const dir = await useTempDir();
    const key = await makeKey(dir, 'rsa', { bits: 2048, format: 'PEM' });
    const ours = await sshsigSign(await loadKeyFile(key.path), MESSAGE, NS);
    expect(new SshReader(unpack(ours).signature).text()).toBe('rsa-sha2-512');
    const privateKey = createPrivateKey(await readFile(key.path, 'utf8'));
    const sha256Signer: Signer = {
      publicKey: key.publicKey,
      fingerprint: await keygenFingerprint(dir, key.publicKey),
      sign: async (data) => Buffer.concat([sshString('rsa-sha2-256'), sshString(cryptoSign('sha256', data, privateKey))]),
    };
    const signature = await sshsigSign(sha256Signer, MESSAGE, NS);
    expect(sshsigVerify(signature, MESSAGE, NS)).toMatchObject({ ok: true });
    expect((await keygenVerify(dir, { publicKey: key.publicKey, signature, message: MESSAGE, namespace: NS })).ok).toBe(true);
  });
});

describe('SSHSIG refusals name the reason', () => {
  it.each(kinds)('$label: wrong namespace, modified message, other key, tampered signature', async ({ type, bits }) => {
    const dir = await useTempDir();
    const key = await makeKey(dir, type, { bits });
    const other = await makeKey(dir, 'ed25519', { name: 'other' });
    const signature = keygenSign(key.path, MESSAGE, NS);
    expect(sshsigVerify(signature, MESSAGE, 'cutover-decision')).toMatchObject({ ok: false, reason: 'wrong-namespace' });
    const changed = Buffer.from(MESSAGE);
    changed[0] = changed[0]! ^ 1;
    expect(sshsigVerify(signature, changed, NS)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(sshsigVerify(signature, MESSAGE, NS, other.publicKey)).toMatchObject({ ok: false, reason: 'wrong-key' });
    const otherFingerprint = await keygenFingerprint(dir, other.publicKey);
    expect(sshsigVerify(signature, MESSAGE, NS, otherFingerprint)).toMatchObject({ ok: false, reason: 'wrong-key' });
    expect((await keygenVerify(dir, { publicKey: other.publicKey, signature, message: MESSAGE, namespace: NS })).ok).toBe(false);
    // Flip one bit in the last byte of the inner signature.
    const p = unpack(signature);
    const sig = Buffer.from(p.signature);
    sig[sig.length - 1] = sig[sig.length - 1]! ^ 1;
    const tampered = buildSshsig({ ...p, signature: sig });
    expect(sshsigVerify(tampered, MESSAGE, NS)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect((await keygenVerify(dir, { publicKey: key.publicKey, signature: tampered, message: MESSAGE, namespace: NS })).ok).toBe(false);
    // A signature whose embedded key was swapped for another one does not verify either.
    const swapped = buildSshsig({ ...p, publicBlob: Buffer.from(other.publicKey.split(' ')[1]!, 'base64') });
    expect(sshsigVerify(swapped, MESSAGE, NS)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('bad armor: not a signature, damaged base64, truncated, trailing bytes, wrong magic', async () => {
    const dir = await useTempDir();
    const key = await makeKey(dir, 'ed25519');
    const good = keygenSign(key.path, MESSAGE, NS);
    const p = unpack(good);
    const body = good.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
    const wrap = (b64: string): string => `-----BEGIN SSH SIGNATURE-----\n${b64}\n-----END SSH SIGNATURE-----\n`;
    const raw = Buffer.from(body, 'base64');
    const cases = [
      '',
      'hello',
      good.replace('BEGIN SSH SIGNATURE', 'BEGIN PGP SIGNATURE'),
      good.replace(/\n-----END SSH SIGNATURE-----\n$/, ''),
      wrap(body.slice(0, 10) + '*' + body.slice(11)),
      wrap(raw.subarray(0, raw.length - 7).toString('base64')),
      wrap(Buffer.concat([raw, Buffer.from([1, 2, 3])]).toString('base64')),
      wrap(Buffer.concat([Buffer.from('SSHSIH'), raw.subarray(6)]).toString('base64')),
      buildSshsig({ ...p, publicBlob: Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.alloc(31))]) }),
    ];
    for (const text of cases) expect(sshsigVerify(text, MESSAGE, NS), text).toMatchObject({ ok: false, reason: 'bad-armor' });
  });

  it('accepts CRLF line ends and surrounding whitespace, as a signature copied through Windows would have', async () => {
    const dir = await useTempDir();
    const key = await makeKey(dir, 'ed25519');
    const good = keygenSign(key.path, MESSAGE, NS);
    expect(sshsigVerify(`\n  ${good.replace(/\n/g, '\r\n')}  \n`, MESSAGE, NS)).toMatchObject({ ok: true });
  });

  it('unsupported algorithm: SHA-1 RSA, an unknown hash, a newer version, an unknown key type', async () => {
    const dir = await useTempDir();
    const key = await makeKey(dir, 'rsa', { bits: 2048, format: 'PEM' });
    const privateKey = createPrivateKey(await readFile(key.path, 'utf8'));
    const publicBlob = Buffer.from(key.publicKey.split(' ')[1]!, 'base64');
    const sha1 = cryptoSign('sha1', sshsigSignedData(NS, MESSAGE), privateKey);
    const base = { publicBlob, namespace: NS, hashAlgorithm: 'sha512', signature: Buffer.concat([sshString('ssh-rsa'), sshString(sha1)]) };
    const result = sshsigVerify(buildSshsig(base), MESSAGE, NS);
    expect(result).toMatchObject({ ok: false, reason: 'unsupported-algorithm' });
    expect((await keygenVerify(dir, { publicKey: key.publicKey, signature: buildSshsig(base), message: MESSAGE, namespace: NS })).ok).toBe(false);
    expect(sshsigVerify(buildSshsig({ ...base, hashAlgorithm: 'sha1' }), MESSAGE, NS)).toMatchObject({ reason: 'unsupported-algorithm' });
    expect(sshsigVerify(buildSshsig({ ...base, version: 2 }), MESSAGE, NS)).toMatchObject({ reason: 'unsupported-algorithm' });
    const dss = Buffer.concat([sshString('ssh-dss'), sshString(Buffer.from([1]))]);
    expect(sshsigVerify(buildSshsig({ ...base, publicBlob: dss }), MESSAGE, NS)).toMatchObject({ reason: 'unsupported-algorithm' });
  });

  it('refuses to return a signature that does not verify (a faulty signer)', async () => {
    const good = signerFromGenerated(generateEd25519('x').privateKey);
    const faulty: Signer = { ...good, sign: async (data) => good.sign(Buffer.concat([data, Buffer.from('!')])) };
    await expect(sshsigSign(faulty, MESSAGE, NS)).rejects.toThrow(/does not verify/);
    await expect(sshsigSign(good, MESSAGE, '')).rejects.toThrow(/namespace/);
  });
});

describe('SSHSIG over a precomputed digest', () => {
  it('signs a sha512 digest of a file; ssh-keygen verifies against the file, and we verify its signature by digest', async () => {
    const dir = await useTempDir();
    const key = await makeKey(dir, 'ecdsa', { bits: 384 });
    const file = Buffer.alloc(3 * 1024 * 1024, 'transcript line\n');
    await writeFile(join(dir, 'big'), file);
    const digest = createHash('sha512').update(file).digest();
    const signature = await sshsigSignDigest(await loadKeyFile(key.path), digest, NS);
    expect((await keygenVerify(dir, { publicKey: key.publicKey, signature, message: file, namespace: NS })).ok).toBe(true);
    expect(sshsigVerify(signature, file, NS, key.publicKey)).toMatchObject({ ok: true });
    const theirs = keygenSign(key.path, file, NS);
    expect(sshsigVerifyDigest(theirs, digest, NS, key.publicKey)).toMatchObject({ ok: true });
    expect(sshsigVerifyDigest(theirs, createHash('sha512').update('other').digest(), NS)).toMatchObject({ reason: 'bad-signature' });
  });

  it('says so when the digest was made with another hash than the signature', async () => {
    const dir = await useTempDir();
    const key = await makeKey(dir, 'ed25519');
    const sha256Signature = keygenSign(key.path, MESSAGE, NS, 'sha256');
    const sha512 = createHash('sha512').update(MESSAGE).digest();
    expect(sshsigVerifyDigest(sha256Signature, sha512, NS)).toMatchObject({ ok: false, reason: 'unsupported-algorithm' });
    expect(sshsigVerifyDigest(sha256Signature, createHash('sha256').update(MESSAGE).digest(), NS)).toMatchObject({ ok: true });
    expect(() => sshsigVerifyDigest(sha256Signature, Buffer.alloc(20), NS)).toThrow(/64 bytes/);
  });
});

/** A FIDO token emulated in software (PROTOCOL.u2f), to test hardware-key signatures against ssh-keygen. */
function softwareSkSigner(kind: 'ed25519' | 'ecdsa', flags: number): Signer {
  const application = 'ssh:';
  let publicBlob: Buffer;
  let privateKey: KeyObject;
  if (kind === 'ed25519') {
    const pair = generateKeyPairSync('ed25519');
    privateKey = pair.privateKey;
    const pk = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x!, 'base64url');
    publicBlob = Buffer.concat([sshString('sk-ssh-ed25519@openssh.com'), sshString(pk), sshString(application)]);
  } else {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    privateKey = pair.privateKey;
    const jwk = pair.publicKey.export({ format: 'jwk' });
    const q = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    publicBlob = Buffer.concat([sshString('sk-ecdsa-sha2-nistp256@openssh.com'), sshString('nistp256'), sshString(q), sshString(application)]);
  }
  const type = new SshReader(publicBlob).text();
  return {
    publicKey: formatPublicKey(publicBlob, 'token@test'),
    fingerprint: fingerprintOf(publicBlob),
    async sign(data) {
      const counter = sshUint32(42);
      const sha256 = (b: Buffer | string): Buffer => createHash('sha256').update(b).digest();
      const signed = Buffer.concat([sha256(application), Buffer.from([flags]), counter, sha256(data)]);
      let inner: Buffer;
      if (kind === 'ed25519') inner = cryptoSign(null, signed, privateKey);
      else {
        const rs = cryptoSign('sha256', signed, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        inner = Buffer.concat([sshMpint(rs.subarray(0, 32)), sshMpint(rs.subarray(32))]);
      }
      return Buffer.concat([sshString(type), sshString(inner), Buffer.from([flags]), counter]);
    },
  };
}

describe('hardware-key (sk-) signatures', () => {
  it.each(['ed25519', 'ecdsa'] as const)('sk-%s: a touched signature verifies here and in ssh-keygen', async (kind) => {
    const dir = await useTempDir();
    const signer = softwareSkSigner(kind, 0x01);
    const signature = await sshsigSign(signer, MESSAGE, NS);
    expect(sshsigVerify(signature, MESSAGE, NS, signer.publicKey)).toMatchObject({
      ok: true,
      fingerprint: signer.fingerprint,
      hardwareKey: { userPresent: true, counter: 42 },
    });
    expect(signer.fingerprint).toBe(await keygenFingerprint(dir, signer.publicKey));
    expect((await keygenVerify(dir, { publicKey: signer.publicKey, signature, message: MESSAGE, namespace: NS })).ok).toBe(true);
    expect(sshsigVerify(signature, Buffer.from('other'), NS)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it.each(['ed25519', 'ecdsa'] as const)('sk-%s: an untouched signature verifies, as in ssh-keygen, and says so', async (kind) => {
    const dir = await useTempDir();
    const signer = softwareSkSigner(kind, 0x00);
    const signature = await sshsigSign(signer, MESSAGE, NS);
    expect(sshsigVerify(signature, MESSAGE, NS)).toMatchObject({ ok: true, hardwareKey: { userPresent: false, counter: 42 } });
    expect((await keygenVerify(dir, { publicKey: signer.publicKey, signature, message: MESSAGE, namespace: NS })).ok).toBe(true);
  });
});
