// Identities' SSH keys: public key lines, fingerprints, private key files and keys the app
// generates. Signing goes through the Signer interface so that a key file, an ssh-agent
// (hardware keys included) and an app-generated key are interchangeable for SSHSIG.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  KeyFileNotFoundError,
  KeyFileUnreadableError,
  KeyFormatError,
  KeyPassphraseRequiredError,
  PublicKeyFormatError,
  WrongKeyPassphraseError,
} from './errors';
import { signingSay as say } from './words';

/** Something that can make SSH signatures with one key. */
export interface Signer {
  /** OpenSSH public key line: "ssh-ed25519 AAAA… comment". */
  readonly publicKey: string;
  /** "SHA256:…", exactly as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
  /** The SSH signature blob over `data`: string(algorithm) + string(signature) [+ sk fields]. */
  sign(data: Buffer): Promise<Buffer>;
}

// ---- SSH wire encoding (RFC 4251 §5) -------------------------------------------------------

/** Thrown by SshReader when a structure is shorter than its fields say. */
export class SshWireError extends Error {
  override readonly name = 'SshWireError';
}

export class SshReader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}
  get done(): boolean {
    return this.offset === this.buf.length;
  }
  bytes(n: number): Buffer {
    if (n > this.buf.length - this.offset) throw new SshWireError('truncated data');
    this.offset += n;
    return this.buf.subarray(this.offset - n, this.offset);
  }
  byte = (): number => this.bytes(1).readUInt8(0);
  uint32 = (): number => this.bytes(4).readUInt32BE(0);
  string = (): Buffer => this.bytes(this.uint32());
  text = (): string => this.string().toString('utf8');
}

export function sshUint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}

export function sshString(data: Buffer | string): Buffer {
  const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([sshUint32(b.length), b]);
}

/** An unsigned big-endian integer as an SSH mpint (minimal, with a 0x00 when the top bit is set). */
export function sshMpint(unsigned: Buffer): Buffer {
  let i = 0;
  while (i < unsigned.length && unsigned[i] === 0) i++;
  let body = unsigned.subarray(i);
  if (body.length > 0 && (body[0]! & 0x80) !== 0) body = Buffer.concat([Buffer.from([0]), body]);
  return sshString(body);
}

/** An mpint's magnitude without leading zero bytes; null if it is negative. */
export function mpintMagnitude(mpint: Buffer): Buffer | null {
  if (mpint.length > 0 && (mpint[0]! & 0x80) !== 0) return null;
  let i = 0;
  while (i < mpint.length && mpint[i] === 0) i++;
  return mpint.subarray(i);
}

// ---- Public keys ---------------------------------------------------------------------------

export const SUPPORTED_KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
] as const;
export type SshKeyType = (typeof SUPPORTED_KEY_TYPES)[number];

export function isSupportedKeyType(type: string): type is SshKeyType {
  return (SUPPORTED_KEY_TYPES as readonly string[]).includes(type);
}

export interface ParsedPublicKey {
  type: SshKeyType;
  /** The key in SSH wire format (what the base64 field of the line encodes). */
  blob: Buffer;
  comment: string;
  fingerprint: string;
}

/** A public key ready for node:crypto, with what the signature formats need to know. */
export interface DecodedPublicKey {
  type: SshKeyType;
  key: KeyObject;
  /** ECDSA: the hash the curve signs with (RFC 5656 §6.2.1). */
  hash?: 'sha256' | 'sha384' | 'sha512';
  /** ECDSA: bytes per coordinate, for converting signatures. */
  coordinateBytes?: number;
  /** FIDO (sk-) keys: the application string, usually "ssh:". */
  application?: string;
}

const CURVES = {
  nistp256: { crv: 'P-256', hash: 'sha256', bytes: 32 },
  nistp384: { crv: 'P-384', hash: 'sha384', bytes: 48 },
  nistp521: { crv: 'P-521', hash: 'sha512', bytes: 66 },
} as const;

/** "SHA256:…" for a public key blob, as ssh-keygen prints it (unpadded base64). */
export function fingerprintOf(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

export function formatPublicKey(blob: Buffer, comment = ''): string {
  const type = new SshReader(blob).text();
  return `${type} ${blob.toString('base64')}${comment ? ' ' + comment : ''}`;
}

const b64url = (b: Buffer): string => b.toString('base64url');

// Decoded keys by their blob: a follower checks every event of a workstation against the same
// key, and building a KeyObject costs more than the ed25519 verify itself. Only keys that
// decoded are kept (a bad blob is refused afresh each time); a KeyObject is immutable.
const DECODED_KEYS_KEPT = 256;
const decodedKeys = new Map<string, Readonly<DecodedPublicKey>>();

/** Decodes and validates a public key blob; throws PublicKeyFormatError. */
export function decodePublicKeyBlob(blob: Buffer): Readonly<DecodedPublicKey> {
  const id = blob.toString('base64');
  const kept = decodedKeys.get(id);
  if (kept) return kept;
  const decoded = Object.freeze(decodeBlob(blob));
  if (decodedKeys.size >= DECODED_KEYS_KEPT) decodedKeys.delete(decodedKeys.keys().next().value!);
  decodedKeys.set(id, decoded);
  return decoded;
}

function decodeBlob(blob: Buffer): DecodedPublicKey {
  try {
    const r = new SshReader(blob);
    const type = r.text();
    if (!isSupportedKeyType(type)) {
      throw new PublicKeyFormatError(say('signature.key.type', { type: type.slice(0, 60) }));
    }
    let out: DecodedPublicKey;
    if (type === 'ssh-ed25519' || type === 'sk-ssh-ed25519@openssh.com') {
      const pk = r.string();
      if (pk.length !== 32) throw new PublicKeyFormatError(say('signature.key.ed25519'));
      const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(pk) }, format: 'jwk' });
      out = { type, key };
    } else if (type === 'ssh-rsa') {
      const e = mpintMagnitude(r.string());
      const n = mpintMagnitude(r.string());
      if (!e || !n || e.length === 0 || n.length === 0) throw new PublicKeyFormatError(say('signature.key.rsaNumbers'));
      if (n.length * 8 < 1024) throw new PublicKeyFormatError(say('signature.key.rsaShort'));
      const key = createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' });
      out = { type, key };
    } else {
      const curveName = r.text();
      const curve = CURVES[curveName as keyof typeof CURVES];
      if (!curve || !type.includes(curveName)) throw new PublicKeyFormatError(say('signature.key.curve', { curve: curveName, type }));
      const q = r.string();
      if (q.length !== 1 + 2 * curve.bytes || q[0] !== 0x04) throw new PublicKeyFormatError(say('signature.key.point'));
      const x = q.subarray(1, 1 + curve.bytes);
      const y = q.subarray(1 + curve.bytes);
      const key = createPublicKey({ key: { kty: 'EC', crv: curve.crv, x: b64url(x), y: b64url(y) }, format: 'jwk' });
      out = { type, key, hash: curve.hash, coordinateBytes: curve.bytes };
    }
    if (type.startsWith('sk-')) out.application = r.text();
    if (!r.done) throw new PublicKeyFormatError(say('signature.key.trailing'));
    return out;
  } catch (err) {
    if (err instanceof PublicKeyFormatError) throw err;
    if (err instanceof SshWireError) throw new PublicKeyFormatError(say('signature.key.truncated'));
    // node:crypto refusing the numbers (e.g. a point not on the curve)
    throw new PublicKeyFormatError(say('signature.key.invalid', { why: (err as Error).message }));
  }
}

/** "SHA256:…" of a public key line or of a fingerprint given as such; the line is parsed (and validated) once. */
const lineFingerprints = new Map<string, string>();
export function fingerprintOfKeyLine(lineOrFingerprint: string): string {
  const wanted = lineOrFingerprint.trim();
  if (wanted.startsWith('SHA256:')) return wanted;
  let fingerprint = lineFingerprints.get(wanted);
  if (fingerprint === undefined) {
    fingerprint = parsePublicKey(wanted).fingerprint;
    if (lineFingerprints.size >= DECODED_KEYS_KEPT) lineFingerprints.delete(lineFingerprints.keys().next().value!);
    lineFingerprints.set(wanted, fingerprint);
  }
  return fingerprint;
}

/** Parses and validates one OpenSSH public key line ("type base64 [comment]"). */
export function parsePublicKey(line: string): ParsedPublicKey {
  const trimmed = line.trim();
  if (trimmed === '') throw new PublicKeyFormatError(say('signature.key.empty'));
  if (/-----BEGIN/.test(trimmed)) throw new PublicKeyFormatError(say('signature.key.pem'));
  if (/[\r\n]/.test(trimmed)) throw new PublicKeyFormatError(say('signature.key.lines'));
  const m = /^(\S+)\s+([A-Za-z0-9+/]+={0,2})(?:\s+(.*))?$/.exec(trimmed);
  if (!m) throw new PublicKeyFormatError(say('signature.key.line'));
  const [, type, b64, comment = ''] = m;
  const blob = Buffer.from(b64!, 'base64');
  if (blob.toString('base64') !== b64) throw new PublicKeyFormatError(say('signature.key.base64'));
  const decoded = decodePublicKeyBlob(blob);
  if (decoded.type !== type) throw new PublicKeyFormatError(say('signature.key.otherType', { type: type!, inside: decoded.type }));
  return { type: decoded.type, blob, comment, fingerprint: fingerprintOf(blob) };
}

// ---- Signing with a private key held in memory ---------------------------------------------

function signAsync(algorithm: string | null, data: Buffer, key: KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    cryptoSign(algorithm, data, key, (err, sig) => (err ? reject(err) : resolve(sig)));
  });
}

/**
 * Signers whose private key is held here, in node:crypto, and was found to be the private half
 * of the public key they name when they were made. Their signatures need no check one by one
 * (sshsig.ts checks every other signer's: an agent or a token can misbehave).
 */
const inProcessSigners = new WeakSet<Signer>();

/** True for a Signer made here from a private key that matches its public key (frozen, so it stays so). */
export function signsInProcess(signer: Signer): boolean {
  return inProcessSigners.has(signer);
}

/** The private key is the other half of the public key blob (a key file can carry a public part that is not). */
function keysMatch(privateKey: KeyObject, decoded: Readonly<DecodedPublicKey>): boolean {
  const derived = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return derived.equals(decoded.key.export({ format: 'der', type: 'spki' }));
}

function privateKeySigner(blob: Buffer, comment: string, privateKey: KeyObject): Signer {
  const decoded = decodePublicKeyBlob(blob);
  const { type, hash, coordinateBytes } = decoded;
  const publicKey = formatPublicKey(blob, comment);
  const fingerprint = fingerprintOf(blob);
  const signer: Signer = Object.freeze({
    publicKey,
    fingerprint,
    async sign(data: Buffer): Promise<Buffer> {
      // Ed25519 and ECDSA take tens of microseconds: signed in place, not through the thread
      // pool (a publisher signs every event; a round trip per signature was most of its cost).
      if (type === 'ssh-ed25519') {
        return Buffer.concat([sshString(type), sshString(cryptoSign(null, data, privateKey))]);
      }
      if (type === 'ssh-rsa') {
        // rsa-sha2-512, as `ssh-keygen -Y sign` does; SSHSIG refuses SHA-1 "ssh-rsa".
        return Buffer.concat([sshString('rsa-sha2-512'), sshString(await signAsync('sha512', data, privateKey))]);
      }
      if (hash && coordinateBytes) {
        const rs = cryptoSign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        const inner = Buffer.concat([sshMpint(rs.subarray(0, coordinateBytes)), sshMpint(rs.subarray(coordinateBytes))]);
        return Buffer.concat([sshString(type), sshString(inner)]);
      }
      throw new Error(`${type} keys sign only through an ssh-agent`);
    },
  });
  if (keysMatch(privateKey, decoded)) inProcessSigners.add(signer);
  return signer;
}

/**
 * ssh2's key parser, loaded on first use: verifying signatures (vault verify, pack verify)
 * needs only public keys, and should not pay for ssh2.
 */
let ssh2Utils: typeof import('ssh2').utils | null = null;
function parseKeyText(body: string, passphrase: string | undefined): ReturnType<typeof import('ssh2').utils.parseKey> {
  ssh2Utils ??= (createRequire(import.meta.url)('ssh2') as typeof import('ssh2')).utils;
  return ssh2Utils.parseKey(body, passphrase);
}

/** Parses private key text (OpenSSH, PEM or PuTTY) into a Signer; `source` names it in errors. */
function signerFromPrivateKeyText(text: string, passphrase: string | undefined, source: string): Signer {
  const body = text.trim();
  if (/^(ssh-|ecdsa-|sk-)\S+\s+AAAA/.test(body)) {
    throw new KeyFormatError(source, 'this is a public key; choose the private key file (the same name without .pub)');
  }
  if (!passphrase && isEncryptedOpenSshKey(body)) throw new KeyPassphraseRequiredError(source);
  const parsed = parseKeyText(body, passphrase || undefined);
  if (parsed instanceof Error) {
    const msg = parsed.message;
    if (/no passphrase given/i.test(msg)) throw new KeyPassphraseRequiredError(source);
    if (/bad passphrase|bad decrypt|integrity check failed/i.test(msg)) throw new WrongKeyPassphraseError(source);
    if (/sk-/.test(msg)) throw new KeyFormatError(source, 'hardware (sk-) keys sign only through ssh-agent: `ssh-add` it and choose the agent');
    throw new KeyFormatError(source, msg.replace(/\.$/, ''));
  }
  const key = Array.isArray(parsed) ? (parsed[0] as typeof parsed) : parsed;
  const pem = key.isPrivateKey() ? key.getPrivatePEM() : null;
  if (!pem) throw new KeyFormatError(source, 'this is a public key, not a private key');
  if (!isSupportedKeyType(key.type) || key.type.startsWith('sk-')) {
    const hint = key.type.startsWith('sk-') ? '; hardware keys sign through ssh-agent (`ssh-add` it)' : '';
    throw new KeyFormatError(source, `${key.type} keys are not supported for signing${hint}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new KeyFormatError(source, `the private key is damaged (${(err as Error).message})`);
  }
  return privateKeySigner(key.getPublicSSH(), key.comment ?? '', privateKey);
}

/** True for an "openssh-key-v1" key whose private part is encrypted (cipher other than "none"). */
function isEncryptedOpenSshKey(text: string): boolean {
  const m = /^-----BEGIN OPENSSH PRIVATE KEY-----\s+([\s\S]+?)\s+-----END OPENSSH PRIVATE KEY-----$/.exec(text);
  if (!m) return false;
  const raw = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0';
  if (raw.subarray(0, magic.length).toString('latin1') !== magic) return false;
  try {
    return new SshReader(raw.subarray(magic.length)).text() !== 'none';
  } catch {
    return false;
  }
}

const MAX_KEY_FILE_BYTES = 64 * 1024;

/** Loads an OpenSSH (or PEM) private key file: ed25519, rsa or ecdsa, with or without a passphrase. */
export async function loadKeyFile(path: string, passphrase?: string): Promise<Signer> {
  let text: string;
  try {
    // A key file is a few KiB: a device, a pipe or a huge file is not one (and is never read whole).
    const info = await stat(path);
    if (!info.isFile()) throw new KeyFormatError(path, info.isDirectory() ? 'this is a folder, not a key file' : 'this is not a regular file (a device, a pipe or a socket)');
    if (info.size > MAX_KEY_FILE_BYTES) throw new KeyFormatError(path, `the file is ${info.size} bytes; a private key file is at most ${MAX_KEY_FILE_BYTES}`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof KeyFormatError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new KeyFileNotFoundError(path);
    if (code === 'EISDIR') throw new KeyFormatError(path, 'this is a folder, not a key file');
    throw new KeyFileUnreadableError(path, code ?? (err as Error).message);
  }
  return signerFromPrivateKeyText(text, passphrase, path);
}

// ---- Keys generated by the app -------------------------------------------------------------

export interface GeneratedKey {
  /** An unencrypted OpenSSH private key file ("-----BEGIN OPENSSH PRIVATE KEY-----"), as bytes.
   *  The app keeps it in the encrypted vault; written to a 0600 file, ssh-keygen and ssh use it. */
  privateKey: Buffer;
  /** OpenSSH public key line with the comment. */
  publicKey: string;
}

function armorOpenSshPrivateKey(raw: Buffer): Buffer {
  const lines = raw.toString('base64').match(/.{1,70}/g) ?? [];
  return Buffer.from(`-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`);
}

/** Makes a new Ed25519 key with node:crypto, serialized in OpenSSH's own private key format. */
export function generateEd25519(comment: string): GeneratedKey {
  if (/[\r\n]/.test(comment)) throw new TypeError('a key comment must be one line');
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d!, 'base64url');
  const pub = Buffer.from(jwk.x!, 'base64url');
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  let priv = Buffer.concat([
    check,
    check,
    sshString('ssh-ed25519'),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const raw = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    sshUint32(1),
    sshString(blob),
    sshString(priv),
  ]);
  seed.fill(0);
  return { privateKey: armorOpenSshPrivateKey(raw), publicKey: formatPublicKey(blob, comment) };
}

/** A Signer for a key made by generateEd25519 (any unencrypted OpenSSH private key works). */
export function signerFromGenerated(privateKey: Buffer): Signer {
  return signerFromPrivateKeyText(privateKey.toString('utf8'), undefined, 'the generated key');
}
