// The owner's key: the one private key a vault may use, the operator's who works at this
// workstation. Everyone else signs on their own machine; a private key or key path the vault
// holds for anyone else (an old, custodial identity) is never used.
import { agentSigner, loadKeyFile, signerFromGenerated, type Signer } from '../signing';
import { getIdentity, VaultError, VaultInputError, type Vault } from '../vault';
import type { ChainIdentity } from './registry';

export class IdentityNotFoundError extends VaultError {
  override readonly code = 'IDENTITY_NOT_FOUND';
}

export async function signerFromFile(path: string, passphrase?: () => Promise<string>): Promise<Signer> {
  try {
    return await loadKeyFile(path);
  } catch (error) {
    if ((error as Error).name === 'KeyPassphraseRequiredError' && passphrase) return loadKeyFile(path, await passphrase());
    throw error;
  }
}

export interface OwnerKeyOptions {
  passphrase?: () => Promise<string>;
  sock?: string;
}

/** A Signer for an identity the chain holds: only ever the owner's key, from wherever its private side lives. */
export async function ownerSigner(vault: Vault, name: string, chain: ChainIdentity | undefined, options: OwnerKeyOptions = {}): Promise<Signer> {
  if (!chain) throw new IdentityNotFoundError(`No identity named "${name}" in this vault's chain; see \`cutover identity list\`.`);
  if (chain.custodial) {
    throw new VaultInputError(`${name}'s private key (or its path) was stored in this vault before each person held their own key; it is never used to sign. ${name} must be registered again by public key under a new name (\`cutover identity add --public-key\`) and prove it.`);
  }
  if (!chain.owner) {
    throw new VaultInputError(`${name} is not this vault's owner; only the owner's key is used here. ${name} signs on their own machine with \`ssh-keygen -Y sign\`, and the signed file is imported.`);
  }
  const row = getIdentity(vault, name);
  // The table is only where the private side is found; the key must be the one the chain holds.
  if (!row || row.fingerprint !== chain.fingerprint || row.keySource !== chain.keySource) {
    throw new VaultInputError(`The identities table no longer matches the chain for ${name} (${chain.fingerprint}); run \`cutover vault verify\`.`);
  }
  let signer: Signer;
  if (chain.keySource === 'vault') {
    if (!row.privateKey) throw new VaultInputError(`The vault holds no private key for ${name}; run \`cutover vault verify\`.`);
    signer = signerFromGenerated(row.privateKey);
  } else if (chain.keySource === 'agent') signer = await agentSigner(chain.fingerprint, options.sock);
  else if (chain.keySource === 'file' && row.keyPath) signer = await signerFromFile(row.keyPath, options.passphrase);
  else throw new VaultInputError(`No private key is usable for ${name} here.`);
  if (signer.fingerprint !== chain.fingerprint) throw new VaultInputError(`The key at ${row.keyPath ?? chain.keySource} is no longer the one registered for ${name} (${chain.fingerprint}).`);
  return signer;
}
