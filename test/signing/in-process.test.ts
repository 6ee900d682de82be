// The fast paths of SSHSIG in this process (issue 15's follow lag): decoded public keys are kept
// and reused, and a key held here signs without checking each signature again. Both must stay
// exact: real `ssh-keygen -Y sign` output verifies through the kept key again and again, what
// ssh-keygen refuses is refused every time, and a key file whose public half is not its private
// key's still has every signature checked (and refused).
import { describe, expect, it } from 'vitest';
import { generateEd25519, loadKeyFile, signerFromGenerated, sshsigSign, sshsigVerify } from '../../src/core/signing';
import { signsInProcess, sshString, sshUint32, SshReader } from '../../src/core/signing/keys';
import { keygenSign, keygenVerify, makeKey, useTempDir } from '../helpers/ssh-keys';

const MESSAGE = Buffer.from('{"format":"cutover-ledger-event-v1","seq":7}');
const NS = 'cutover-ledger-event-v1';

/** An OpenSSH private key file for `a`'s secret whose public parts name `b`'s key instead. */
function mismatchedKeyFile(a: Buffer, bPublicLine: string): Buffer {
  const raw = Buffer.from(a.toString('utf8').split('\n').filter((l) => l && !l.startsWith('-----')).join(''), 'base64');
  const magic = raw.subarray(0, 15);
  const r = new SshReader(raw.subarray(15));
  const [cipher, kdf, kdfOptions] = [r.string(), r.string(), r.string()];
  const count = r.uint32();
  r.string();
  const p = new SshReader(r.string());
  const [check1, check2, type] = [p.bytes(4), p.bytes(4), p.string()];
  p.string();
  const secret = p.string().subarray(0, 32);
  const comment = p.string();
  const bBlob = Buffer.from(bPublicLine.split(' ')[1]!, 'base64');
  const bKey = bBlob.subarray(bBlob.length - 32);
  let priv = Buffer.concat([check1, check2, sshString(type), sshString(bKey), sshString(Buffer.concat([secret, bKey])), sshString(comment)]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const body = Buffer.concat([magic, sshString(cipher), sshString(kdf), sshString(kdfOptions), sshUint32(count), sshString(bBlob), sshString(priv)]);
  return Buffer.from(`-----BEGIN OPENSSH PRIVATE KEY-----\n${body.toString('base64').match(/.{1,70}/g)!.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`);
}

describe('SSHSIG fast paths stay exact', () => {
  it('ssh-keygen -Y sign output verifies through the kept key every time; wrong namespace, wrong key and an altered message are refused every time', async () => {
    const dir = await useTempDir();
    const key = await makeKey(dir, 'ed25519');
    const other = await makeKey(dir, 'ed25519', { name: 'other' });
    const signature = keygenSign(key.path, MESSAGE, NS);
    const altered = Buffer.from(MESSAGE.toString('utf8').replace('7', '8'));
    for (let round = 0; round < 3; round += 1) {
      expect(sshsigVerify(signature, MESSAGE, NS, key.publicKey)).toMatchObject({ ok: true, namespace: NS });
      expect(sshsigVerify(signature, MESSAGE, 'cutover-ledger-join-v1', key.publicKey)).toMatchObject({ ok: false, reason: 'wrong-namespace' });
      expect(sshsigVerify(signature, MESSAGE, NS, other.publicKey)).toMatchObject({ ok: false, reason: 'wrong-key' });
      expect(sshsigVerify(signature, altered, NS, key.publicKey)).toMatchObject({ ok: false, reason: 'bad-signature' });
    }
    // ssh-keygen agrees on each.
    expect((await keygenVerify(dir, { publicKey: key.publicKey, signature, message: MESSAGE, namespace: NS })).ok).toBe(true);
    expect((await keygenVerify(dir, { publicKey: key.publicKey, signature, message: MESSAGE, namespace: 'cutover-ledger-join-v1' })).ok).toBe(false);
    expect((await keygenVerify(dir, { publicKey: other.publicKey, signature, message: MESSAGE, namespace: NS })).ok).toBe(false);
    expect((await keygenVerify(dir, { publicKey: key.publicKey, signature, message: altered, namespace: NS })).ok).toBe(false);
  });

  it('a key held here signs without a second check, and ssh-keygen -Y verify accepts what it signed (ed25519, ecdsa)', async () => {
    const dir = await useTempDir();
    for (const key of [await makeKey(dir, 'ed25519'), await makeKey(dir, 'ecdsa', { bits: 256 })]) {
      const signer = await loadKeyFile(key.path);
      expect(signsInProcess(signer)).toBe(true);
      for (let i = 0; i < 3; i += 1) {
        const message = Buffer.concat([MESSAGE, Buffer.from([i])]);
        const signature = await sshsigSign(signer, message, NS);
        expect((await keygenVerify(dir, { publicKey: key.publicKey, signature, message, namespace: NS })).ok).toBe(true);
      }
    }
  });

  it('a key file whose public half is not its private key\'s is not trusted to sign unchecked: its signature is refused', async () => {
    const a = generateEd25519('a');
    const b = generateEd25519('b');
    const signer = signerFromGenerated(mismatchedKeyFile(a.privateKey, b.publicKey));
    expect(signer.publicKey.split(' ')[1]).toBe(b.publicKey.split(' ')[1]);
    expect(signsInProcess(signer)).toBe(false);
    await expect(sshsigSign(signer, MESSAGE, NS)).rejects.toThrow(/does not verify/);
    // A copy of a good signer is not the signer that was checked: its signatures are checked one by one.
    const good = signerFromGenerated(a.privateKey);
    expect(signsInProcess(good)).toBe(true);
    expect(signsInProcess({ ...good })).toBe(false);
    expect(sshsigVerify(await sshsigSign({ ...good }, MESSAGE, NS), MESSAGE, NS, good.publicKey).ok).toBe(true);
  });
});
