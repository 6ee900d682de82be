// Adding identities from their key sources, and getting a Signer for one. The private side
// stays where it lives: a key file (only its path is kept), the ssh-agent (hardware keys),
// or, for keys the app generates, inside the encrypted vault.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { agentSigner, generateEd25519, listAgentKeys, loadKeyFile, parsePublicKey, signerFromGenerated, sshsigSign, sshsigVerify, type Signer } from '../signing';
import { addIdentity, getIdentity, IdentityExistsError, VaultError, VaultInputError, type IdentityInfo, type Role, type Vault } from '../vault';

export type KeySource =
  | { kind: 'file'; path: string; passphrase?: () => Promise<string> }
  | { kind: 'agent'; key?: string; sock?: string }
  | { kind: 'generate' };

export class IdentityNotFoundError extends VaultError {
  override readonly code = 'IDENTITY_NOT_FOUND';
}

/** Proves the private side works before the identity is stored: sign and verify a challenge. */
async function proveSigner(signer: Signer): Promise<void> {
  const challenge = Buffer.from(`cutover identity check ${Date.now()}`);
  const sig = await sshsigSign(signer, challenge, 'cutover-identity-check');
  const result = sshsigVerify(sig, challenge, 'cutover-identity-check', signer.publicKey);
  if (!result.ok) throw new VaultInputError(`The key ${signer.fingerprint} did not produce a valid signature (${result.reason}); it was not added.`);
}

async function signerFromFile(path: string, passphrase?: () => Promise<string>): Promise<Signer> {
  try {
    return await loadKeyFile(path);
  } catch (error) {
    if ((error as Error).name === 'KeyPassphraseRequiredError' && passphrase) return loadKeyFile(path, await passphrase());
    throw error;
  }
}

async function pickAgentSigner(key: string | undefined, sock: string | undefined): Promise<Signer> {
  if (key) return agentSigner(key, sock);
  const held = await listAgentKeys(sock);
  if (held.length === 1) return agentSigner(held[0]!, sock);
  const list = held.map((line) => `  ${parsePublicKey(line).fingerprint}  ${line.split(' ').slice(2).join(' ')}`).join('\n');
  throw new VaultInputError(held.length === 0
    ? 'The ssh-agent holds no keys; add one with `ssh-add` first.'
    : `The ssh-agent holds ${held.length} keys; choose one with --key FINGERPRINT:\n${list}`);
}

export async function addIdentityFrom(vault: Vault, input: { name: string; roles: Role[]; source: KeySource; actor: string }): Promise<IdentityInfo> {
  const { name, roles, source, actor } = input;
  if (getIdentity(vault, name)) throw new IdentityExistsError(name);
  if (source.kind === 'generate') {
    const generated = generateEd25519(name);
    const signer = signerFromGenerated(generated.privateKey);
    await proveSigner(signer);
    return addIdentity(vault, { name, roles, publicKey: signer.publicKey, fingerprint: signer.fingerprint, keySource: 'vault', privateKey: generated.privateKey }, actor);
  }
  if (source.kind === 'agent') {
    const signer = await pickAgentSigner(source.key, source.sock);
    await proveSigner(signer);
    return addIdentity(vault, { name, roles, publicKey: signer.publicKey, fingerprint: signer.fingerprint, keySource: 'agent' }, actor);
  }
  const path = resolve(source.path);
  const signer = await signerFromFile(path, source.passphrase);
  await proveSigner(signer);
  const pubPath = `${path}.pub`;
  if (existsSync(pubPath) && parsePublicKey(readFileSync(pubPath, 'utf8').trim()).fingerprint !== signer.fingerprint) {
    throw new VaultInputError(`${pubPath} does not match ${path}; fix the key pair before adding it.`);
  }
  return addIdentity(vault, { name, roles, publicKey: signer.publicKey, fingerprint: signer.fingerprint, keySource: 'file', keyPath: path }, actor);
}

/** A Signer for a stored identity, from wherever its private side lives. */
export async function signerFor(vault: Vault, name: string, options: { passphrase?: () => Promise<string>; sock?: string } = {}): Promise<Signer> {
  const identity = getIdentity(vault, name);
  if (!identity) throw new IdentityNotFoundError(`No identity named "${name}" in this vault; see \`cutover identity list\`.`);
  let signer: Signer;
  if (identity.keySource === 'vault') signer = signerFromGenerated(identity.privateKey!);
  else if (identity.keySource === 'agent') signer = await agentSigner(identity.fingerprint, options.sock);
  else signer = await signerFromFile(identity.keyPath!, options.passphrase);
  if (signer.fingerprint !== identity.fingerprint) throw new VaultInputError(`The key at ${identity.keyPath} is no longer the one registered for ${name} (${identity.fingerprint}).`);
  return signer;
}
