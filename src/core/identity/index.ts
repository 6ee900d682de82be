// People and their keys. A vault holds the private side of one identity at most: its owner's
// (the operator at this workstation), generated into the vault, a key file (only its path is
// kept) or the ssh-agent. Everyone else is registered by public key and proves it by signing
// the identity statement on their own machine. Who is who comes from the chain (registry.ts).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { agentSigner, generateEd25519, listAgentKeys, parsePublicKey, signatureReasonIn, signerFromGenerated, sshsigSign, sshsigVerify, type Signer } from '../signing';
import type { Lang } from '../../shared/i18n';
import { addIdentity, getIdentity, IdentityExistsError, VaultInputError, type IdentityInfo, type ReadOnlyVault, type Role, type Vault } from '../vault';
import { validateIdentityName } from '../vault/identities';
import { ownerSigner, signerFromFile, type OwnerKeyOptions } from './owner';
import { registryOf, type ChainIdentity, type IdentityRegistry } from './registry';
import { isRoleName } from './roles';
import { IDENTITY_NAMESPACE, identityStatementText, statementMismatch } from './statement';
import { identityWords, keyErrorIn, refused } from './words';

export { IdentityNotFoundError } from './owner';
export type { OwnerKeyOptions } from './owner';
export { identityRegistry, registryOf, identityTableDifferences, sessionKeyring, type ChainIdentity, type IdentityRegistry, type SessionKeyringOptions } from './registry';
export { IDENTITY_NAMESPACE, IDENTITY_STATEMENT_FORMAT, identityStatement, identityStatementText, duplicateJsonKey, type IdentityStatement } from './statement';

export type KeySource =
  | { kind: 'file'; path: string; passphrase?: () => Promise<string> }
  | { kind: 'agent'; key?: string; sock?: string }
  | { kind: 'generate' }
  /** A public key line ("ssh-ed25519 AAAA… comment"): the person keeps the private side. */
  | { kind: 'public'; publicKey: string };

/** Proves the private side works before the identity is stored: sign and verify a challenge. */
async function proveSigner(signer: Signer, lang: Lang): Promise<void> {
  const challenge = Buffer.from(`cutover identity check ${Date.now()}`);
  const sig = await sshsigSign(signer, challenge, 'cutover-identity-check');
  const result = sshsigVerify(sig, challenge, 'cutover-identity-check', signer.publicKey);
  if (!result.ok) throw refused(lang, 'identity.badSignature', { fingerprint: signer.fingerprint, reason: result.reason });
}

async function pickAgentSigner(key: string | undefined, sock: string | undefined, lang: Lang): Promise<Signer> {
  if (key) return agentSigner(key, sock);
  const held = await listAgentKeys(sock);
  if (held.length === 1) return agentSigner(held[0]!, sock);
  const list = held.map((line) => `  ${parsePublicKey(line).fingerprint}  ${line.split(' ').slice(2).join(' ')}`).join('\n');
  throw held.length === 0 ? refused(lang, 'identity.agentEmpty') : refused(lang, 'identity.agentSeveral', { n: held.length, list });
}

function refuseSecondOwner(registry: IdentityRegistry, name: string, vaultPath: string, lang: Lang): void {
  const owner = registry.all().find((i) => i.owner);
  if (!owner) return;
  throw refused(lang, 'identity.secondOwner', { owner: owner.name, name, vault: vaultPath, namespace: IDENTITY_NAMESPACE });
}

function refuseDuplicateKey(registry: IdentityRegistry, name: string, fingerprint: string, lang: Lang): void {
  const holders = registry.byFingerprint(fingerprint);
  if (holders.length === 0) return;
  const custodial = holders.some((h) => h.custodial) ? identityWords(lang, 'identity.duplicateKeyCustodial') : '';
  throw refused(lang, 'identity.duplicateKey', { fingerprint, holders: holders.map((h) => h.name).join(', '), name, custodial });
}

/** The vault's own refusal (IdentityExistsError, its code and class), worded in `lang`. */
function nameTaken(name: string, lang: Lang): IdentityExistsError {
  const error = new IdentityExistsError(name);
  if (lang !== 'en') error.message = identityWords(lang, 'identity.exists', { name });
  return error;
}

/** The name and roles the vault would refuse (vault/identities.ts), refused first in `lang`. */
function checkNameAndRoles(name: string, roles: readonly Role[], lang: Lang): void {
  try {
    validateIdentityName(name);
  } catch (error) {
    if (error instanceof VaultInputError) throw refused(lang, 'identity.badName', { name });
    throw error;
  }
  if (roles.length === 0) throw refused(lang, 'identity.noRole');
  for (const role of roles) if (!isRoleName(role)) throw refused(lang, 'identity.badRole', { role, rule: identityWords(lang, 'identity.roleRule') });
}

function publicKeyOf(line: string, lang: Lang): ReturnType<typeof parsePublicKey> {
  try {
    return parsePublicKey(line);
  } catch (error) {
    throw keyErrorIn(lang, error);
  }
}

function dedupe(roles: Role[]): Role[] {
  return [...new Set(roles)];
}

/**
 * Adds an identity. With a private side (generate, key file, agent) it becomes the vault's owner
 * and is proven in place; a vault already owned refuses that. By public key it is unproven until
 * the person's signed statement is imported with proveIdentity.
 */
export async function addIdentityFrom(vault: Vault, input: { name: string; roles: Role[]; source: KeySource; actor: string; lang?: Lang }): Promise<IdentityInfo> {
  const { name, source, actor } = input;
  const lang = input.lang ?? 'en';
  const roles = dedupe(input.roles);
  checkNameAndRoles(name, roles, lang);
  if (getIdentity(vault, name) || registryOf(vault).get(name)) throw nameTaken(name, lang);
  const guard = (fingerprint: string, ownerKey: boolean) => (): void => {
    const registry = registryOf(vault);
    if (registry.get(name)) throw nameTaken(name, lang);
    if (ownerKey) refuseSecondOwner(registry, name, vault.path, lang);
    refuseDuplicateKey(registry, name, fingerprint, lang);
  };

  if (source.kind === 'public') {
    const key = publicKeyOf(source.publicKey, lang);
    const publicKey = source.publicKey.trim();
    return addIdentity(vault, { name, roles, publicKey, fingerprint: key.fingerprint, keySource: 'public' }, actor, { guard: guard(key.fingerprint, false) });
  }

  // Refuse before asking for a passphrase or touching the agent.
  refuseSecondOwner(registryOf(vault), name, vault.path, lang);
  let signer: Signer;
  let stored: { keySource: 'vault' | 'agent' | 'file'; keyPath?: string; privateKey?: Buffer };
  if (source.kind === 'generate') {
    const generated = generateEd25519(name);
    signer = signerFromGenerated(generated.privateKey);
    stored = { keySource: 'vault', privateKey: generated.privateKey };
  } else if (source.kind === 'agent') {
    signer = await pickAgentSigner(source.key, source.sock, lang);
    stored = { keySource: 'agent' };
  } else {
    const path = resolve(source.path);
    signer = await signerFromFile(path, source.passphrase, lang);
    const pubPath = `${path}.pub`;
    if (existsSync(pubPath) && publicKeyOf(readFileSync(pubPath, 'utf8').trim(), lang).fingerprint !== signer.fingerprint) {
      throw refused(lang, 'identity.pubMismatch', { pub: pubPath, path });
    }
    stored = { keySource: 'file', keyPath: path };
  }
  await proveSigner(signer, lang);
  refuseDuplicateKey(registryOf(vault), name, signer.fingerprint, lang);
  const vaultId = registryOf(vault).vaultId ?? vault.id;
  const statement = identityStatementText(vaultId, { name, roles, publicKey: signer.publicKey, fingerprint: signer.fingerprint });
  const signature = await sshsigSign(signer, Buffer.from(statement, 'utf8'), IDENTITY_NAMESPACE);
  return addIdentity(vault, { name, roles, publicKey: signer.publicKey, fingerprint: signer.fingerprint, ...stored, proof: { statement, signature } }, actor, { guard: guard(signer.fingerprint, true) });
}

/** A Signer for the vault's owner; any other identity is refused (they sign on their own machine). */
export async function signerFor(vault: Vault, name: string, options: OwnerKeyOptions = {}): Promise<Signer> {
  return ownerSigner(vault, name, registryOf(vault).get(name), options);
}

function provable(vault: ReadOnlyVault, name: string, lang: Lang): ChainIdentity {
  const identity = registryOf(vault).get(name);
  if (!identity) throw refused(lang, 'identity.notInChain', { name });
  if (identity.custodial) throw refused(lang, 'identity.custodialProof', { name });
  return identity;
}

/** The exact bytes `name` signs with `ssh-keygen -Y sign -n cutover-identity-v1`. */
export function identityStatementFor(vault: ReadOnlyVault, name: string, lang: Lang = 'en'): string {
  const identity = provable(vault, name, lang);
  return identityStatementText(registryOf(vault).vaultId ?? vault.id, identity);
}

export interface ProveResult {
  identity: ChainIdentity;
  /** False when the identity was already proven: nothing was appended. */
  appended: boolean;
}

function appendProof(vault: Vault, name: string, statement: string, signature: string, actor: string, lang: Lang): ProveResult {
  return vault.database.transaction(() => {
    const now = registryOf(vault).get(name)!;
    if (now.proven) return { identity: now, appended: false };
    vault.append({ actor, type: 'identity.proven', payload: { name, fingerprint: now.fingerprint, statement, signature } });
    const proven = registryOf(vault).get(name)!;
    if (!proven.proven) throw refused(lang, 'identity.proofDidNotHold', { name });
    return { identity: proven, appended: true };
  }, { behavior: 'immediate' });
}

/**
 * Imports a person's signed identity statement: the bytes must be exactly this vault's statement
 * for `name`, signed under cutover-identity-v1 by the key the chain holds for them. Appends one
 * `identity.proven`; anything else is refused with nothing written.
 */
export function proveIdentity(vault: Vault, input: { name: string; statement: Buffer; signature: string; actor: string; lang?: Lang }): ProveResult {
  const lang = input.lang ?? 'en';
  const identity = provable(vault, input.name, lang);
  const expected = identityStatementText(registryOf(vault).vaultId ?? vault.id, identity);
  const mismatch = statementMismatch(input.statement, expected, lang);
  if (mismatch) throw refused(lang, 'identity.notTheirStatement', { name: input.name, mismatch });
  let verified: ReturnType<typeof sshsigVerify>;
  try {
    verified = sshsigVerify(input.signature, input.statement, IDENTITY_NAMESPACE, identity.fingerprint);
  } catch (error) {
    verified = { ok: false, reason: 'bad-armor', message: (error as Error).message };
  }
  if (!verified.ok) {
    throw refused(lang, 'identity.signatureNotProof', { name: input.name, fingerprint: identity.fingerprint, message: signatureReasonIn(lang, verified.message), namespace: IDENTITY_NAMESPACE });
  }
  return appendProof(vault, input.name, expected, input.signature, input.actor, lang);
}

/** The owner proves their own identity in place (for vaults made before proofs existed). */
export async function proveOwnerInPlace(vault: Vault, input: { name: string; actor: string } & OwnerKeyOptions): Promise<ProveResult> {
  const lang = input.lang ?? 'en';
  const identity = provable(vault, input.name, lang);
  if (!identity.owner) throw refused(lang, 'identity.notOwnerProve', { name: input.name });
  if (identity.proven) return { identity, appended: false };
  const signer = await signerFor(vault, input.name, input);
  const statement = identityStatementText(registryOf(vault).vaultId ?? vault.id, identity);
  const signature = await sshsigSign(signer, Buffer.from(statement, 'utf8'), IDENTITY_NAMESPACE);
  return appendProof(vault, input.name, statement, signature, input.actor, lang);
}
