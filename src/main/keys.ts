// The keys usable at this workstation while the vault is unlocked: the owner's key (unlocked
// once, not per click), ssh-agent keys of registered people, and key files a person brought for
// this session. Built when the vault unlocks, dropped when it locks; nothing here is stored in
// the vault. Every act main signs goes through `signerOf`, which checks the person's key as the
// chain holds it — a name alone is never enough.
import { registryOf, sessionKeyring, type ChainIdentity } from '../core/identity';
import { agentSigner, Keyring, listAgentKeys, loadKeyFile, parsePublicKey, type Signer } from '../core/signing';
import type { Vault } from '../core/vault';
import type { SessionKeysView, UsableKeyView } from '../shared/views';
import { english, worded, type MainKey } from './worded';

/** An act in the name of someone whose key is not usable here: refused before anything is signed. */
export class KeyNotUsableError extends Error {
  readonly code = 'KEY_NOT_USABLE';
  constructor(message: string) {
    super(message);
    this.name = 'KeyNotUsableError';
  }
}

/** A KeyNotUsableError worded from main's catalogue (English message; the window's language on the way out). */
function keyNotUsable(key: MainKey, vars: Record<string, string>): KeyNotUsableError {
  return worded(new KeyNotUsableError(english(key, vars)), key, vars);
}

function needsPassphrase(error: unknown): boolean {
  const name = (error as Error | null)?.name;
  return name === 'KeyPassphraseRequiredError' || name === 'WrongKeyPassphraseError';
}

function noAgent(error: unknown): boolean {
  const name = (error as Error | null)?.name;
  return name === 'AgentNotConfiguredError' || name === 'AgentUnreachableError';
}

/** Who may sign here: proven, not custodial, with their key in the keyring. */
function standing(identity: ChainIdentity | undefined, keyring: Keyring | null): 'usable' | 'unknown' | 'custodial' | 'unproven' | 'absent' {
  if (!identity) return 'unknown';
  if (identity.custodial) return 'custodial';
  if (!identity.proven) return 'unproven';
  return keyring?.signerFor(identity.fingerprint) ? 'usable' : 'absent';
}

export class SessionKeys {
  private vault: Vault | null = null;
  private keyring: Keyring | null = null;
  /** Key files brought this session, by fingerprint (kept across a rebuild, dropped at lock). */
  private readonly brought = new Map<string, Signer>();
  /** The owner's key file is encrypted and its passphrase was not given yet. */
  private ownerLocked = false;

  constructor(private readonly sock: string | undefined) {}

  /** Builds the session's keyring for a vault that just unlocked (or after the owner was added). */
  async open(vault: Vault, ownerPassphrase?: string): Promise<void> {
    if (this.vault !== vault) this.drop();
    this.vault = vault;
    let keyring: Keyring;
    this.ownerLocked = false;
    try {
      keyring = await sessionKeyring(vault, { sock: this.sock, ...(ownerPassphrase ? { passphrase: async () => ownerPassphrase } : {}) });
    } catch (error) {
      if (!needsPassphrase(error) || ownerPassphrase) throw error;
      // The owner's key file asks for its passphrase: the window asks once (keys.unlockOwner);
      // meanwhile the other usable keys are here.
      this.ownerLocked = true;
      keyring = await this.agentKeys(vault);
    }
    for (const signer of this.brought.values()) keyring.add(signer);
    this.keyring = keyring;
  }

  /** The ssh-agent keys of registered, non-custodial people (sessionKeyring's agent part, without the owner). */
  private async agentKeys(vault: Vault): Promise<Keyring> {
    const keyring = new Keyring();
    const registry = registryOf(vault);
    let lines: string[] = [];
    try {
      lines = await listAgentKeys(this.sock);
    } catch (error) {
      if (!noAgent(error)) throw error;
    }
    for (const line of lines) {
      const fp = parsePublicKey(line).fingerprint;
      if (registry.byFingerprint(fp).some((i) => !i.custodial)) keyring.add(await agentSigner(fp, this.sock));
    }
    return keyring;
  }

  drop(): void {
    this.vault = null;
    this.keyring = null;
    this.brought.clear();
    this.ownerLocked = false;
  }

  /** The keyring of this vault's session (empty when the session is not this vault's). */
  keyringFor(vault: Vault): Keyring {
    if (this.vault !== vault || !this.keyring) return new Keyring();
    return this.keyring;
  }

  /** A person brings a key file for this session: it must be the key of someone registered here. */
  async bring(vault: Vault, path: string, passphrase?: string): Promise<SessionKeysView> {
    if (this.vault !== vault || !this.keyring) await this.open(vault);
    const signer = await loadKeyFile(path, passphrase);
    const holders = registryOf(vault).byFingerprint(signer.fingerprint);
    if (holders.length === 0) throw keyNotUsable('main.key.notInVault', { fingerprint: signer.fingerprint, path });
    const custodial = holders.find((h) => h.custodial);
    if (custodial && holders.every((h) => h.custodial)) throw keyNotUsable('main.key.custodialFile', { fingerprint: signer.fingerprint, name: custodial.name });
    this.brought.set(signer.fingerprint, signer);
    this.keyring!.add(signer);
    return this.view(vault);
  }

  /** The owner's key file passphrase, asked once per session. */
  async unlockOwner(vault: Vault, passphrase: string): Promise<SessionKeysView> {
    await this.open(vault, passphrase);
    return this.view(vault);
  }

  /** Forgets a brought key (the person leaves the workstation). */
  forget(vault: Vault, fingerprint: string): SessionKeysView {
    if (this.vault === vault && this.brought.delete(fingerprint)) this.keyring?.remove(fingerprint);
    return this.view(vault);
  }

  view(vault: Vault): SessionKeysView {
    const keyring = this.keyringFor(vault);
    const registry = registryOf(vault);
    const keys: UsableKeyView[] = registry
      .all()
      .filter((i) => standing(i, keyring) === 'usable')
      .map((i) => ({ name: i.name, roles: [...i.roles], fingerprint: i.fingerprint, from: i.owner ? 'owner' : this.brought.has(i.fingerprint) ? 'file' : 'agent' }));
    const owner = registry.all().find((i) => i.owner);
    return { keys, ownerLocked: this.vault === vault && this.ownerLocked && owner ? { name: owner.name, fingerprint: owner.fingerprint } : null };
  }

  /** Whether `name` can sign here now. */
  usable(vault: Vault, name: string): boolean {
    return standing(registryOf(vault).get(name), this.keyringFor(vault)) === 'usable';
  }

  /**
   * The signer for `name`, found by the key the chain holds for them; refused (nothing signed,
   * nothing appended) when they are unknown, unproven, custodial or their key is not here.
   */
  signerOf(vault: Vault, name: string): Signer {
    const identity = registryOf(vault).get(name);
    const keyring = this.keyringFor(vault);
    switch (standing(identity, keyring)) {
      case 'usable':
        return keyring.signerFor(identity!.fingerprint)!;
      case 'unknown':
        throw keyNotUsable('main.key.noIdentity', { name });
      case 'custodial':
        throw keyNotUsable('main.key.custodial', { name });
      case 'unproven':
        throw keyNotUsable('main.key.notProven', { name });
      default:
        throw keyNotUsable('main.key.notUsable', { name, fingerprint: identity!.fingerprint });
    }
  }
}
