// The owner's key: the one private key a vault may use, the operator's who works at this
// workstation. Everyone else signs on their own machine; a private key or key path the vault
// holds for anyone else (an old, custodial identity) is never used.
import { agentSigner, loadKeyFile, signerFromGenerated, type Signer } from '../signing';
import type { Lang } from '../../shared/i18n';
import { getIdentity, VaultError, type Vault } from '../vault';
import { identityWords, keyErrorIn, refused } from './words';
import type { ChainIdentity } from './registry';

export class IdentityNotFoundError extends VaultError {
  override readonly code = 'IDENTITY_NOT_FOUND';
}

/** The key file's Signer, asking for its passphrase when it has one; a key that cannot be used is refused in `lang`. */
export async function signerFromFile(path: string, passphrase?: () => Promise<string>, lang: Lang = 'en'): Promise<Signer> {
  try {
    try {
      return await loadKeyFile(path);
    } catch (error) {
      if ((error as Error).name === 'KeyPassphraseRequiredError' && passphrase) return await loadKeyFile(path, await passphrase());
      throw error;
    }
  } catch (error) {
    throw keyErrorIn(lang, error);
  }
}

export interface OwnerKeyOptions {
  passphrase?: () => Promise<string>;
  sock?: string;
  /** The language of a refusal (English when not given). */
  lang?: Lang;
}

/** A Signer for an identity the chain holds: only ever the owner's key, from wherever its private side lives. */
export async function ownerSigner(vault: Vault, name: string, chain: ChainIdentity | undefined, options: OwnerKeyOptions = {}): Promise<Signer> {
  const lang = options.lang ?? 'en';
  if (!chain) throw new IdentityNotFoundError(identityWords(lang, 'identity.notInChain', { name }));
  if (chain.custodial) throw refused(lang, 'identity.custodialKey', { name });
  if (!chain.owner) throw refused(lang, 'identity.notOwner', { name });
  const row = getIdentity(vault, name);
  // The table is only where the private side is found; the key must be the one the chain holds.
  if (!row || row.fingerprint !== chain.fingerprint || row.keySource !== chain.keySource) {
    throw refused(lang, 'identity.tableDiffers', { name, fingerprint: chain.fingerprint });
  }
  let signer: Signer;
  if (chain.keySource === 'vault') {
    if (!row.privateKey) throw refused(lang, 'identity.noPrivateKey', { name });
    signer = signerFromGenerated(row.privateKey);
  } else if (chain.keySource === 'agent') signer = await agentSigner(chain.fingerprint, options.sock);
  else if (chain.keySource === 'file' && row.keyPath) signer = await signerFromFile(row.keyPath, options.passphrase, lang);
  else throw refused(lang, 'identity.noUsableKey', { name });
  if (signer.fingerprint !== chain.fingerprint) throw refused(lang, 'identity.keyChanged', { where: row.keyPath ?? chain.keySource, name, fingerprint: chain.fingerprint });
  return signer;
}
