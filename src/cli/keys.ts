// The key the CLI signs with for the person acting: the owner's key (from the vault, its key
// file or the agent), a key file the person brought (--key FILE, never stored), or their key in
// the ssh-agent (SSH_AUTH_SOCK). Nobody's key is guessed: without one, the act is refused and
// the message says how to sign it elsewhere.
import type { Keyring } from '../core/signing';
import type { Vault } from '../core/vault';
import { readPassphrase } from './passphrase';
import { outputLang } from './lang';
import { translator } from '../shared/i18n';

export async function actorKeyring(vault: Vault, actor: string, keyFile?: string): Promise<Keyring> {
  const { registryOf, signerFor } = await import('../core/identity');
  const { Keyring, agentSigner, loadKeyFile } = await import('../core/signing');
  const keyring = new Keyring();
  const me = registryOf(vault).get(actor);
  if (!me) return keyring;
  const passphrase = () => readPassphrase('CUTOVER_KEY_PASSPHRASE', keyFile ? translator(outputLang()).t('cli.passphrase.keyFile', { file: keyFile }) : translator(outputLang()).t('cli.passphrase.actorKey', { actor }));
  if (keyFile) {
    try {
      keyring.add(await loadKeyFile(keyFile));
    } catch (error) {
      if ((error as Error).name !== 'KeyPassphraseRequiredError') throw error;
      keyring.add(await loadKeyFile(keyFile, await passphrase()));
    }
    return keyring;
  }
  if (me.owner && me.keySource !== 'agent') {
    keyring.add(await signerFor(vault, actor, { passphrase }));
    return keyring;
  }
  try {
    keyring.add(await agentSigner(me.fingerprint));
  } catch {
    // Not in an agent here: the engine refuses the act and says how to sign it elsewhere.
  }
  return keyring;
}
