// Identities as the chain holds them. Built only from `identity.added` and `identity.proven`
// events, never from the identities table: the table is a convenience someone holding the vault
// key can edit with SQL, the chain is not (its hashes are what verify and exported packs check).
import { AgentNotConfiguredError, agentSigner, AgentUnreachableError, Keyring, listAgentKeys, parsePublicKey, sshsigVerify } from '../signing';
import type { Lang } from '../../shared/i18n';
import { getIdentity, listIdentities, type ReadOnlyVault, type Role, type Vault, type VaultEvent } from '../vault';
import { isRoleName } from './roles';
import { ownerSigner, signerFromFile } from './owner';
import { IDENTITY_NAMESPACE, identityStatementText } from './statement';
import { identityWords } from './words';

export type ChainKeySource = 'file' | 'agent' | 'vault' | 'public';

export interface ChainIdentity {
  name: string;
  roles: Role[];
  publicKey: string;
  fingerprint: string;
  keySource: ChainKeySource;
  /** The operator working at this workstation: the first identity added with a private side. */
  owner: boolean;
  /** Added later with a private side the vault holds (a generated key or a key file's path):
   *  never proven, its acts never count, its private key is never used. */
  custodial: boolean;
  /** A valid `identity.proven` (the person signed this vault's statement with this key). */
  proven: boolean;
  addedSeq: number;
  provenSeq: number | null;
}

export interface IdentityRegistry {
  /** As the chain holds it now (at the newest event the registry was built from). */
  get(name: string): ChainIdentity | undefined;
  all(): ChainIdentity[];
  /** Every identity registered with this key: more than one means one key under several names. */
  byFingerprint(fp: string): ChainIdentity[];
  /** As the chain held it right after event `seq`: undefined if not yet added, unproven if not yet proven. */
  at(name: string, seq: number): ChainIdentity | undefined;
  /** The newest event seq the registry has seen. */
  readonly seq: number;
  /** This vault's id, from its `vault.created` event (null before it). */
  readonly vaultId: string | null;
}

const KEY_SOURCES: readonly ChainKeySource[] = ['file', 'agent', 'vault', 'public'];

/** What the fold keeps per person; `proven` is derived per point in the chain (`at`). */
type Entry = Omit<ChainIdentity, 'proven'>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Folds identity events in chain order; can be extended with newer events. */
class RegistryFold {
  readonly entries = new Map<string, Entry>();
  private hasOwner = false;
  seq = 0;
  hash = '';
  vaultId: string | null = null;

  apply(event: VaultEvent): void {
    this.seq = event.seq;
    this.hash = event.hash;
    const payload = event.payload;
    if (event.type === 'vault.created' && this.vaultId === null && isRecord(payload) && typeof payload.vaultId === 'string') this.vaultId = payload.vaultId;
    else if (event.type === 'identity.added' && isRecord(payload)) this.added(event.seq, payload);
    else if (event.type === 'identity.proven' && isRecord(payload)) this.proven(event.seq, payload);
  }

  private added(seq: number, p: Record<string, unknown>): void {
    const { name, roles, publicKey, fingerprint, keySource } = p;
    if (typeof name !== 'string' || this.entries.has(name)) return;
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRoleName)) return;
    if (typeof publicKey !== 'string' || typeof fingerprint !== 'string' || !KEY_SOURCES.includes(keySource as ChainKeySource)) return;
    try {
      if (parsePublicKey(publicKey).fingerprint !== fingerprint) return;
    } catch {
      return;
    }
    const source = keySource as ChainKeySource;
    const privateSide = source !== 'public';
    const owner = privateSide && !this.hasOwner;
    if (owner) this.hasOwner = true;
    // An agent key is not held by the vault (neither the key nor a path), so a later agent
    // identity from an old vault is merely unproven: its person can still prove it.
    const custodial = privateSide && !owner && source !== 'agent';
    this.entries.set(name, { name, roles: roles as Role[], publicKey, fingerprint, keySource: source, owner, custodial, addedSeq: seq, provenSeq: null });
  }

  private proven(seq: number, p: Record<string, unknown>): void {
    const { name, fingerprint, statement, signature } = p;
    if (typeof name !== 'string' || typeof statement !== 'string' || typeof signature !== 'string') return;
    const entry = this.entries.get(name);
    if (!entry || entry.custodial || entry.provenSeq !== null || entry.addedSeq >= seq || fingerprint !== entry.fingerprint || this.vaultId === null) return;
    if (statement !== identityStatementText(this.vaultId, entry)) return;
    let ok = false;
    try {
      ok = sshsigVerify(signature, Buffer.from(statement, 'utf8'), IDENTITY_NAMESPACE, entry.fingerprint).ok;
    } catch {
      ok = false;
    }
    if (ok) entry.provenSeq = seq;
  }

  /** A registry pinned at the fold's current seq. */
  view(): IdentityRegistry {
    const pinned = this.seq;
    const entries = this.entries;
    const vaultId = this.vaultId;
    const at = (name: string, seq: number): ChainIdentity | undefined => {
      const e = entries.get(name);
      const upTo = Math.min(seq, pinned);
      if (!e || e.addedSeq > upTo) return undefined;
      const provenSeq = e.provenSeq !== null && e.provenSeq <= upTo ? e.provenSeq : null;
      return { ...e, roles: [...e.roles], proven: provenSeq !== null, provenSeq };
    };
    const all = (): ChainIdentity[] => [...entries.keys()].map((name) => at(name, pinned)).filter((i): i is ChainIdentity => i !== undefined).sort((a, b) => a.addedSeq - b.addedSeq);
    return {
      get: (name) => at(name, pinned),
      all,
      byFingerprint: (fp) => all().filter((i) => i.fingerprint === fp),
      at,
      seq: pinned,
      vaultId,
    };
  }
}

/** The identities the given events establish (pass the whole chain, in order). */
export function identityRegistry(events: VaultEvent[]): IdentityRegistry {
  const fold = new RegistryFold();
  for (const event of events) fold.apply(event);
  return fold.view();
}

const cache = new WeakMap<ReadOnlyVault, { fold: RegistryFold; view: IdentityRegistry }>();

/** The vault's registry, folded incrementally and cached by its head, so repeated calls are cheap. */
export function registryOf(vault: ReadOnlyVault): IdentityRegistry {
  const head = vault.head();
  let cached = cache.get(vault);
  if (cached && cached.view.seq === head.seq && cached.fold.hash === head.hash) return cached.view;
  // A head that moved forward is folded on from where we were; anything else starts over.
  const fold = cached && cached.view.seq < head.seq && vault.events({ afterSeq: cached.view.seq - 1, limit: 1 })[0]?.hash === cached.fold.hash ? cached.fold : new RegistryFold();
  for (const event of vault.events({ afterSeq: fold.seq })) fold.apply(event);
  cached = { fold, view: fold.view() };
  cache.set(vault, cached);
  return cached.view;
}

/** Every row of the identities table that differs from the chain (key, fingerprint, roles, key
 *  source, a missing or an extra row), in words (in `lang`). The chain is right; the row is what changed. */
export function identityTableDifferences(vault: ReadOnlyVault, lang: Lang = 'en'): { name: string; message: string }[] {
  const chain = registryOf(vault);
  const rows = new Map(listIdentities(vault).map((row) => [row.name, row]));
  const out: { name: string; message: string }[] = [];
  for (const identity of chain.all()) {
    const row = rows.get(identity.name);
    rows.delete(identity.name);
    if (!row) {
      out.push({ name: identity.name, message: identityWords(lang, 'identity.row.missing', { name: identity.name, seq: identity.addedSeq }) });
      continue;
    }
    const said = (what: 'identity.row.publicKey' | 'identity.row.fingerprint' | 'identity.row.roles' | 'identity.row.keySource', table: string, held: string): void => {
      out.push({ name: identity.name, message: identityWords(lang, 'identity.row.differs', { name: identity.name, what: identityWords(lang, what), table, seq: identity.addedSeq, held }) });
    };
    if (row.publicKey !== identity.publicKey) said('identity.row.publicKey', row.publicKey, identity.publicKey);
    if (row.fingerprint !== identity.fingerprint) said('identity.row.fingerprint', row.fingerprint, identity.fingerprint);
    if (JSON.stringify(row.roles) !== JSON.stringify(identity.roles)) said('identity.row.roles', row.roles.join(',') || identityWords(lang, 'identity.row.noRoles'), identity.roles.join(','));
    if (row.keySource !== identity.keySource) said('identity.row.keySource', row.keySource, identity.keySource);
    if (identity.keySource === 'public' && (row.keyPath !== null || getIdentity(vault, identity.name)?.privateKey)) {
      out.push({ name: identity.name, message: identityWords(lang, 'identity.row.privateSide', { name: identity.name }) });
    }
  }
  for (const row of rows.values()) {
    out.push({ name: row.name, message: identityWords(lang, 'identity.row.extra', { name: row.name, fingerprint: row.fingerprint }) });
  }
  return out;
}

export interface SessionKeyringOptions {
  /** Asked when the owner's key file, or a given key file, is encrypted. */
  passphrase?: () => Promise<string>;
  /** ssh-agent socket; default SSH_AUTH_SOCK. No agent: skipped silently. */
  sock?: string;
  /** Key files a person brought to this workstation for this session. */
  keyFiles?: string[];
}

function isNoAgent(error: unknown): boolean {
  return error instanceof AgentNotConfiguredError || error instanceof AgentUnreachableError;
}

/**
 * The keys usable at this workstation in this session: the owner's (unlocked once), every
 * ssh-agent key registered for a non-custodial identity, and the key files given.
 */
export async function sessionKeyring(vault: Vault, options: SessionKeyringOptions = {}): Promise<Keyring> {
  const registry = registryOf(vault);
  const keyring = new Keyring();
  const owner = registry.all().find((i) => i.owner);
  if (owner) {
    try {
      keyring.add(await ownerSigner(vault, owner.name, owner, options));
    } catch (error) {
      // An owner whose key lives in an agent that is not running this session simply has no key here.
      if (!(owner.keySource === 'agent' && (isNoAgent(error) || (error as Error).name === 'AgentKeyNotFoundError'))) throw error;
    }
  }
  let agentKeys: string[] = [];
  try {
    agentKeys = await listAgentKeys(options.sock);
  } catch (error) {
    if (!isNoAgent(error)) throw error;
  }
  if (agentKeys.length > 0) {
    for (const line of agentKeys) {
      const fp = parsePublicKey(line).fingerprint;
      if (keyring.signerFor(fp) || !registry.byFingerprint(fp).some((i) => !i.custodial)) continue;
      keyring.add(await agentSigner(fp, options.sock));
    }
  }
  for (const path of options.keyFiles ?? []) keyring.add(await signerFromFile(path, options.passphrase));
  return keyring;
}
