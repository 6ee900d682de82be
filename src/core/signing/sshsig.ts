// OpenSSH's SSHSIG signatures (PROTOCOL.sshsig), byte for byte what `ssh-keygen -Y sign`
// writes, so an auditor verifies every approval and decision with `ssh-keygen -Y verify` alone.
import { createHash, verify as cryptoVerify } from 'node:crypto';
import {
  decodePublicKeyBlob,
  fingerprintOf,
  fingerprintOfKeyLine,
  formatPublicKey,
  isSupportedKeyType,
  mpintMagnitude,
  parsePublicKey,
  signsInProcess,
  sshString,
  sshUint32,
  SshReader,
} from './keys';
import type { DecodedPublicKey, Signer } from './keys';
import { signingSay as say } from './words';

const MAGIC = Buffer.from('SSHSIG', 'latin1');
const VERSION = 1;
const BEGIN = '-----BEGIN SSH SIGNATURE-----';
const END = '-----END SSH SIGNATURE-----';
/** FIDO "user present" flag: set when the hardware key was touched for this signature. */
const SK_USER_PRESENT = 0x01;

export type SshsigHashAlgorithm = 'sha256' | 'sha512';
export type SshsigFailureReason = 'bad-armor' | 'wrong-namespace' | 'wrong-key' | 'bad-signature' | 'unsupported-algorithm';
/** What a hardware (FIDO, sk-) key reported with its signature. */
export interface HardwareKeyDetails {
  /** The key was touched. `ssh-keygen -Y verify` does not require it, so neither do we. */
  userPresent: boolean;
  counter: number;
}
export type SshsigVerifyResult =
  | {
      ok: true;
      publicKey: string;
      fingerprint: string;
      namespace: string;
      hashAlgorithm: SshsigHashAlgorithm;
      hardwareKey?: HardwareKeyDetails;
    }
  | { ok: false; reason: SshsigFailureReason; message: string };
type Failure = Extract<SshsigVerifyResult, { ok: false }>;

const fail = (reason: SshsigFailureReason, message: string): Failure => ({ ok: false, reason, message });

function checkNamespace(namespace: string): void {
  if (typeof namespace !== 'string' || namespace === '') throw new TypeError('an SSHSIG namespace must not be empty');
}

function hashAlgorithmOfDigest(digest: Buffer): SshsigHashAlgorithm {
  if (digest.length === 64) return 'sha512';
  if (digest.length === 32) return 'sha256';
  throw new TypeError(`a message digest must be a sha512 (64 bytes) or sha256 (32 bytes) digest, got ${digest.length} bytes`);
}

/** The bytes the key actually signs (PROTOCOL.sshsig §3); the reserved field is always empty. */
function signedData(namespace: string, hashAlgorithm: string, digest: Buffer): Buffer {
  return Buffer.concat([MAGIC, sshString(namespace), sshString(''), sshString(hashAlgorithm), sshString(digest)]);
}

function armor(blob: Buffer): string {
  const lines = blob.toString('base64').match(/.{1,70}/g) ?? [];
  return `${BEGIN}\n${lines.join('\n')}\n${END}\n`;
}

/** Signs a message: the armored signature `ssh-keygen -Y sign -n NAMESPACE` would write. */
export async function sshsigSign(signer: Signer, message: Buffer, namespace: string): Promise<string> {
  return sshsigSignDigest(signer, createHash('sha512').update(message).digest(), namespace);
}

/**
 * Signs a precomputed digest of the message (sha512, or sha256 by its 32-byte length), for
 * files too big to hold in memory. Equivalent to sshsigSign over the message itself.
 */
export async function sshsigSignDigest(signer: Signer, digest: Buffer, namespace: string): Promise<string> {
  checkNamespace(namespace);
  const hashAlgorithm = hashAlgorithmOfDigest(digest);
  const publicBlob = parsePublicKey(signer.publicKey).blob;
  const signature = await signer.sign(signedData(namespace, hashAlgorithm, digest));
  const blob = Buffer.concat([
    MAGIC,
    sshUint32(VERSION),
    sshString(publicBlob),
    sshString(namespace),
    sshString(''),
    sshString(hashAlgorithm),
    sshString(signature),
  ]);
  const armored = armor(blob);
  // A misbehaving agent or token must not put an unverifiable signature into evidence. A key
  // held here was checked against its public half once, when its signer was made.
  if (signsInProcess(signer)) return armored;
  const check = sshsigVerifyDigest(armored, digest, namespace, signer.fingerprint);
  if (!check.ok) throw new Error(`The signature just made by ${signer.fingerprint} does not verify: ${check.message}`);
  return armored;
}

interface SshsigFields {
  publicBlob: Buffer;
  key: DecodedPublicKey;
  namespace: string;
  hashAlgorithm: SshsigHashAlgorithm;
  signature: Buffer;
}

function parseArmored(armored: string): SshsigFields | Failure {
  const text = String(armored).replace(/\r\n/g, '\n').trim();
  const m = new RegExp(`^${BEGIN}\\n([A-Za-z0-9+/=\\s]+?)\\n${END}$`).exec(text);
  if (!m) return fail('bad-armor', say('signature.sshsig.notArmored', { begin: BEGIN, end: END }));
  const b64 = m[1]!.replace(/\s+/g, '');
  const blob = Buffer.from(b64, 'base64');
  if (blob.toString('base64') !== b64) return fail('bad-armor', say('signature.sshsig.base64'));
  let publicBlob: Buffer, namespace: string, hashAlgorithm: string, signature: Buffer;
  try {
    const r = new SshReader(blob);
    if (!r.bytes(MAGIC.length).equals(MAGIC)) return fail('bad-armor', say('signature.sshsig.magic'));
    const version = r.uint32();
    if (version > VERSION) return fail('unsupported-algorithm', say('signature.sshsig.version', { version }));
    publicBlob = Buffer.from(r.string());
    namespace = r.text();
    r.string(); // reserved: ignored, as PROTOCOL.sshsig says
    hashAlgorithm = r.text();
    signature = Buffer.from(r.string());
    if (!r.done) return fail('bad-armor', say('signature.sshsig.trailing'));
  } catch {
    return fail('bad-armor', say('signature.sshsig.truncated'));
  }
  if (hashAlgorithm !== 'sha256' && hashAlgorithm !== 'sha512') {
    return fail('unsupported-algorithm', say('signature.sshsig.hash', { algorithm: hashAlgorithm.slice(0, 40) }));
  }
  let key: DecodedPublicKey;
  try {
    const keyType = new SshReader(publicBlob).text();
    if (!isSupportedKeyType(keyType)) {
      return fail('unsupported-algorithm', say('signature.sshsig.keyType', { type: keyType.slice(0, 60) }));
    }
    key = decodePublicKeyBlob(publicBlob);
  } catch (err) {
    return fail('bad-armor', say('signature.sshsig.badKey', { why: (err as Error).message }));
  }
  return { publicBlob, key, namespace, hashAlgorithm, signature };
}

function ecdsaSignatureToP1363(inner: Buffer, coordinateBytes: number): Buffer | null {
  const r = new SshReader(inner);
  const parts = [mpintMagnitude(r.string()), mpintMagnitude(r.string())];
  if (!r.done) return null;
  const out = Buffer.alloc(2 * coordinateBytes);
  for (const [i, part] of parts.entries()) {
    if (!part || part.length > coordinateBytes) return null;
    part.copy(out, (i + 1) * coordinateBytes - part.length);
  }
  return out;
}

/** Checks an SSH signature blob over `data`: a Failure, or what a hardware key reported. */
function checkSshSignature(key: DecodedPublicKey, sigBlob: Buffer, data: Buffer): Failure | { hardwareKey?: HardwareKeyDetails } {
  const r = new SshReader(sigBlob);
  const algorithm = r.text();
  const raw = r.string();
  let hash: string | null;
  let signedBytes = data;
  let sig: Buffer | null = raw;
  let hardwareKey: HardwareKeyDetails | undefined;
  if (key.type === 'ssh-rsa') {
    if (algorithm === 'ssh-rsa') return fail('unsupported-algorithm', say('signature.sshsig.sha1'));
    if (algorithm !== 'rsa-sha2-512' && algorithm !== 'rsa-sha2-256') return fail('bad-signature', say('signature.sshsig.rsaAlgorithm', { algorithm }));
    hash = algorithm === 'rsa-sha2-512' ? 'sha512' : 'sha256';
    const modulusBytes = Math.ceil((key.key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
    if (raw.length > modulusBytes) return fail('bad-signature', say('signature.sshsig.rsaLength'));
    sig = Buffer.concat([Buffer.alloc(modulusBytes - raw.length), raw]); // some signers drop leading zeros
  } else {
    if (algorithm !== key.type) return fail('bad-signature', say('signature.sshsig.algorithm', { type: key.type, algorithm }));
    hash = key.type.includes('ed25519') ? null : (key.hash ?? 'sha256');
    if (key.coordinateBytes) sig = ecdsaSignatureToP1363(raw, key.coordinateBytes);
    if (key.application !== undefined) {
      const flags = r.byte();
      const counter = r.uint32();
      hardwareKey = { userPresent: (flags & SK_USER_PRESENT) !== 0, counter };
      const sha256 = (b: Buffer | string): Buffer => createHash('sha256').update(b).digest();
      signedBytes = Buffer.concat([sha256(key.application), Buffer.from([flags]), sshUint32(counter), sha256(data)]);
    }
  }
  if (!r.done) return fail('bad-signature', say('signature.sshsig.trailing'));
  if (!sig) return fail('bad-signature', say('signature.sshsig.ecdsa'));
  const keyInput = key.coordinateBytes ? { key: key.key, dsaEncoding: 'ieee-p1363' as const } : key.key;
  if (!cryptoVerify(hash, signedBytes, keyInput, sig)) return fail('bad-signature', say('signature.sshsig.mismatch'));
  return hardwareKey ? { hardwareKey } : {};
}

function verifyFields(
  fields: SshsigFields | Failure,
  digestFor: (alg: SshsigHashAlgorithm) => Buffer | Failure,
  namespace: string,
  expectedPublicKey: string | undefined,
): SshsigVerifyResult {
  checkNamespace(namespace);
  if ('ok' in fields) return fields;
  if (fields.namespace !== namespace) {
    return fail('wrong-namespace', say('signature.sshsig.namespace', { namespace: fields.namespace.slice(0, 80), expected: namespace }));
  }
  const fingerprint = fingerprintOf(fields.publicBlob);
  if (expectedPublicKey !== undefined) {
    const wantedFingerprint = fingerprintOfKeyLine(expectedPublicKey);
    if (wantedFingerprint !== fingerprint) return fail('wrong-key', say('signature.sshsig.wrongKey', { fingerprint, expected: wantedFingerprint }));
  }
  const digest = digestFor(fields.hashAlgorithm);
  if (!Buffer.isBuffer(digest)) return digest;
  let checked: ReturnType<typeof checkSshSignature>;
  try {
    checked = checkSshSignature(fields.key, fields.signature, signedData(namespace, fields.hashAlgorithm, digest));
  } catch {
    checked = fail('bad-signature', say('signature.sshsig.malformed'));
  }
  if ('ok' in checked) return checked;
  return { ok: true, publicKey: formatPublicKey(fields.publicBlob), fingerprint, namespace, hashAlgorithm: fields.hashAlgorithm, ...checked };
}

/**
 * Verifies an armored SSHSIG over `message`, as `ssh-keygen -Y verify -n NAMESPACE` does.
 * `expectedPublicKey` (a public key line or a "SHA256:…" fingerprint) pins the signer;
 * without it the result says who signed, and the caller must decide whether to trust them.
 */
export function sshsigVerify(armored: string, message: Buffer, namespace: string, expectedPublicKey?: string): SshsigVerifyResult {
  return verifyFields(parseArmored(armored), (alg) => createHash(alg).update(message).digest(), namespace, expectedPublicKey);
}

/** sshsigVerify for a precomputed digest of the message (sha512, or sha256 by its length). */
export function sshsigVerifyDigest(armored: string, digest: Buffer, namespace: string, expectedPublicKey?: string): SshsigVerifyResult {
  const given = hashAlgorithmOfDigest(digest);
  const digestFor = (alg: SshsigHashAlgorithm): Buffer | Failure =>
    alg === given ? digest : fail('unsupported-algorithm', say('signature.sshsig.digest', { algorithm: alg, given }));
  return verifyFields(parseArmored(armored), digestFor, namespace, expectedPublicKey);
}
