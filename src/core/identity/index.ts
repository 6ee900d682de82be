// People and their keys. A vault holds the private side of one identity at most: its owner's
// (the operator at this workstation), generated into the vault, a key file (only its path is
// kept) or the ssh-agent. Everyone else is registered by public key and proves it by signing
// the identity statement on their own machine. Who is who comes from the chain (registry.ts).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { agentSigner, generateEd25519, listAgentKeys, parsePublicKey, signerFromGenerated, sshsigSign, sshsigVerify, type Signer } from '../signing';
import { addIdentity, getIdentity, IdentityExistsError, VaultInputError, type IdentityInfo, type ReadOnlyVault, type Role, type Vault } from '../vault';
import { ownerSigner, signerFromFile, type OwnerKeyOptions } from './owner';
import { registryOf, type ChainIdentity, type IdentityRegistry } from './registry';
import { IDENTITY_NAMESPACE, identityStatementText, statementMismatch } from './statement';

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
async function proveSigner(signer: Signer): Promise<void> {
  const challenge = Buffer.from(`cutover identity check ${Date.now()}`);
  const sig = await sshsigSign(signer, challenge, 'cutover-identity-check');
  const result = sshsigVerify(sig, challenge, 'cutover-identity-check', signer.publicKey);
  if (!result.ok) throw new VaultInputError(`The key ${signer.fingerprint} did not produce a valid signature (${result.reason}); it was not added.`);
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

function refuseSecondOwner(registry: IdentityRegistry, name: string, vaultPath: string): void {
  const owner = registry.all().find((i) => i.owner);
  if (!owner) return;
  const v = `--vault ${vaultPath}`;
  throw new VaultInputError(
    `This vault already holds its owner's key (${owner.name}); it holds no one else's private key. ` +
      `Add ${name} by public key: \`cutover identity add ${v} --name ${name} --role ROLE --public-key ${name}.pub\`, ` +
      `then \`cutover identity statement ${v} --name ${name} --out ${name}.identity.json\`, which ${name} signs on their own machine ` +
      `(\`ssh-keygen -Y sign -n ${IDENTITY_NAMESPACE} -f KEY ${name}.identity.json\`), and \`cutover identity prove ${v} --name ${name} --statement ${name}.identity.json --signature ${name}.identity.json.sig\`.`,
  );
}

function refuseDuplicateKey(registry: IdentityRegistry, name: string, fingerprint: string): void {
  const holders = registry.byFingerprint(fingerprint);
  if (holders.length === 0) return;
  const custodial = holders.some((h) => h.custodial);
  throw new VaultInputError(
    `The key ${fingerprint} is already registered as ${holders.map((h) => h.name).join(', ')}; one key is one person, so it is not added again as ${name}.` +
      (custodial ? ' This vault once held that private key, so make a new key on the person\'s own machine and register its public key.' : ''),
  );
}

function dedupe(roles: Role[]): Role[] {
  return [...new Set(roles)];
}

/**
 * Adds an identity. With a private side (generate, key file, agent) it becomes the vault's owner
 * and is proven in place; a vault already owned refuses that. By public key it is unproven until
 * the person's signed statement is imported with proveIdentity.
 */
export async function addIdentityFrom(vault: Vault, input: { name: string; roles: Role[]; source: KeySource; actor: string }): Promise<IdentityInfo> {
  const { name, source, actor } = input;
  const roles = dedupe(input.roles);
  if (getIdentity(vault, name) || registryOf(vault).get(name)) throw new IdentityExistsError(name);
  const guard = (fingerprint: string, ownerKey: boolean) => (): void => {
    const registry = registryOf(vault);
    if (registry.get(name)) throw new IdentityExistsError(name);
    if (ownerKey) refuseSecondOwner(registry, name, vault.path);
    refuseDuplicateKey(registry, name, fingerprint);
  };

  if (source.kind === 'public') {
    const key = parsePublicKey(source.publicKey);
    const publicKey = source.publicKey.trim();
    return addIdentity(vault, { name, roles, publicKey, fingerprint: key.fingerprint, keySource: 'public' }, actor, { guard: guard(key.fingerprint, false) });
  }

  // Refuse before asking for a passphrase or touching the agent.
  refuseSecondOwner(registryOf(vault), name, vault.path);
  let signer: Signer;
  let stored: { keySource: 'vault' | 'agent' | 'file'; keyPath?: string; privateKey?: Buffer };
  if (source.kind === 'generate') {
    const generated = generateEd25519(name);
    signer = signerFromGenerated(generated.privateKey);
    stored = { keySource: 'vault', privateKey: generated.privateKey };
  } else if (source.kind === 'agent') {
    signer = await pickAgentSigner(source.key, source.sock);
    stored = { keySource: 'agent' };
  } else {
    const path = resolve(source.path);
    signer = await signerFromFile(path, source.passphrase);
    const pubPath = `${path}.pub`;
    if (existsSync(pubPath) && parsePublicKey(readFileSync(pubPath, 'utf8').trim()).fingerprint !== signer.fingerprint) {
      throw new VaultInputError(`${pubPath} does not match ${path}; fix the key pair before adding it.`);
    }
    stored = { keySource: 'file', keyPath: path };
  }
  await proveSigner(signer);
  refuseDuplicateKey(registryOf(vault), name, signer.fingerprint);
  const vaultId = registryOf(vault).vaultId ?? vault.id;
  const statement = identityStatementText(vaultId, { name, roles, publicKey: signer.publicKey, fingerprint: signer.fingerprint });
  const signature = await sshsigSign(signer, Buffer.from(statement, 'utf8'), IDENTITY_NAMESPACE);
  return addIdentity(vault, { name, roles, publicKey: signer.publicKey, fingerprint: signer.fingerprint, ...stored, proof: { statement, signature } }, actor, { guard: guard(signer.fingerprint, true) });
}

/** A Signer for the vault's owner; any other identity is refused (they sign on their own machine). */
export async function signerFor(vault: Vault, name: string, options: OwnerKeyOptions = {}): Promise<Signer> {
  return ownerSigner(vault, name, registryOf(vault).get(name), options);
}

function provable(vault: ReadOnlyVault, name: string): ChainIdentity {
  const identity = registryOf(vault).get(name);
  if (!identity) throw new VaultInputError(`No identity named "${name}" in this vault's chain; see \`cutover identity list\`.`);
  if (identity.custodial) {
    throw new VaultInputError(`${name} is custodial: this vault held their private key (or its path) before each person held their own key, so no proof for that key can count. Register them again by public key under a new name, with a key made on their own machine, and prove that.`);
  }
  return identity;
}

/** The exact bytes `name` signs with `ssh-keygen -Y sign -n cutover-identity-v1`. */
export function identityStatementFor(vault: ReadOnlyVault, name: string): string {
  const identity = provable(vault, name);
  return identityStatementText(registryOf(vault).vaultId ?? vault.id, identity);
}

export interface ProveResult {
  identity: ChainIdentity;
  /** False when the identity was already proven: nothing was appended. */
  appended: boolean;
}

function appendProof(vault: Vault, name: string, statement: string, signature: string, actor: string): ProveResult {
  return vault.database.transaction(() => {
    const now = registryOf(vault).get(name)!;
    if (now.proven) return { identity: now, appended: false };
    vault.append({ actor, type: 'identity.proven', payload: { name, fingerprint: now.fingerprint, statement, signature } });
    const proven = registryOf(vault).get(name)!;
    if (!proven.proven) throw new VaultInputError(`The proof for ${name} did not hold when checked against the chain; nothing was recorded.`);
    return { identity: proven, appended: true };
  }, { behavior: 'immediate' });
}

/**
 * Imports a person's signed identity statement: the bytes must be exactly this vault's statement
 * for `name`, signed under cutover-identity-v1 by the key the chain holds for them. Appends one
 * `identity.proven`; anything else is refused with nothing written.
 */
export function proveIdentity(vault: Vault, input: { name: string; statement: Buffer; signature: string; actor: string }): ProveResult {
  const identity = provable(vault, input.name);
  const expected = identityStatementText(registryOf(vault).vaultId ?? vault.id, identity);
  const mismatch = statementMismatch(input.statement, expected);
  if (mismatch) throw new VaultInputError(`Not ${input.name}'s identity statement for this vault: ${mismatch}`);
  let verified: ReturnType<typeof sshsigVerify>;
  try {
    verified = sshsigVerify(input.signature, input.statement, IDENTITY_NAMESPACE, identity.fingerprint);
  } catch (error) {
    verified = { ok: false, reason: 'bad-armor', message: (error as Error).message };
  }
  if (!verified.ok) {
    throw new VaultInputError(`The signature does not prove ${input.name}'s key ${identity.fingerprint}: ${verified.message}. Sign the statement with that key: \`ssh-keygen -Y sign -n ${IDENTITY_NAMESPACE} -f KEY STATEMENT\`.`);
  }
  return appendProof(vault, input.name, expected, input.signature, input.actor);
}

/** The owner proves their own identity in place (for vaults made before proofs existed). */
export async function proveOwnerInPlace(vault: Vault, input: { name: string; actor: string } & OwnerKeyOptions): Promise<ProveResult> {
  const identity = provable(vault, input.name);
  if (!identity.owner) throw new VaultInputError(`${input.name} is not this vault's owner: give the statement they signed on their own machine with --statement and --signature.`);
  if (identity.proven) return { identity, appended: false };
  const signer = await signerFor(vault, input.name, input);
  const statement = identityStatementText(registryOf(vault).vaultId ?? vault.id, identity);
  const signature = await sshsigSign(signer, Buffer.from(statement, 'utf8'), IDENTITY_NAMESPACE);
  return appendProof(vault, input.name, statement, signature, input.actor);
}
