// An act's context read from a vault's chain: its id, who the chain says each person is, the
// hash at each position, and which acts it already holds.
import { registryOf } from '../identity/registry';
import { GENESIS_HASH } from '../vault/chain';
import type { Keyring } from '../signing/keyring';
import type { VaultEvent } from '../vault/types';
import type { Vault } from '../vault/vault';
import { ACT_FORMAT, ActRefusedError, type ActDocument, type SignedAct } from './document';
import { signAct } from './sign';
import { standingRefusal, type ActContext, type VerifiedAct } from './verify';
import { translator, type Lang } from '../../shared/i18n';

const usedActs = new WeakMap<object, { seq: number; digests: Set<string> }>();

/** The digests of every act in the chain, read incrementally per vault. */
function actDigests(vault: Pick<Vault, 'events' | 'head'>): Set<string> {
  let cached = usedActs.get(vault);
  if (!cached) usedActs.set(vault, (cached = { seq: 0, digests: new Set() }));
  if (vault.head().seq === cached.seq) return cached.digests;
  for (const e of vault.events({ afterSeq: cached.seq })) {
    const digest = (e.payload as { act?: { digest?: unknown } } | null)?.act?.digest;
    if (typeof digest === 'string') cached.digests.add(digest);
    cached.seq = e.seq;
  }
  return cached.digests;
}

export function chainContext(vault: Vault): ActContext {
  const registry = registryOf(vault);
  return {
    vaultId: vault.id,
    identity: (name) => registry.get(name),
    hashAt: (seq) => (seq === 0 ? GENESIS_HASH : vault.events({ afterSeq: seq - 1, limit: 1 }).find((e) => e.seq === seq)?.hash),
    used: (digest) => actDigests(vault).has(digest),
  };
}

export interface ActRequest {
  kind: ActDocument['act'];
  runId: string;
  stepId: string | null;
  what: Record<string, unknown>;
}

/** The act a person would sign now: who they are by the chain's key, and the head they follow (a refusal in `lang`). */
export function draftAct(vault: Vault, request: ActRequest, by: string, lang: Lang = 'en'): ActDocument {
  const identity = registryOf(vault).get(by);
  if (!identity) throw new ActRefusedError(standingRefusal(undefined, by, lang)!);
  const head = vault.head();
  return { format: ACT_FORMAT, vault: vault.id, run: request.runId, act: request.kind, step: request.stepId, by: { name: identity.name, fingerprint: identity.fingerprint }, what: request.what, follows: { seq: head.seq, hash: head.hash } };
}

/** Signs a drafted act with its person's key if that key is usable here; otherwise says how to sign elsewhere (in `lang`). */
export async function signHere(vault: Vault, doc: ActDocument, keyring: Keyring | undefined, lang: Lang = 'en'): Promise<SignedAct> {
  const signer = keyring?.signerFor(doc.by.fingerprint);
  if (!signer) {
    const step = doc.step ? ` ${doc.step}` : '';
    throw new ActRefusedError(translator(lang).t('engine.act.keyNotHere', { name: doc.by.name, key: doc.by.fingerprint, vault: vault.path, run: doc.run, step }));
  }
  return signAct(doc, signer);
}

/** Appends the event an act causes, carrying the act's bytes, signature and digest. */
export function appendAct(vault: Vault, act: VerifiedAct, type: string, payload: Record<string, unknown>): VaultEvent {
  return vault.append({ actor: act.identity.name, type, payload: { ...payload, act: { text: act.signed.text, signature: act.signed.signature, digest: act.digest } } });
}

/** Runs `fn` in one IMMEDIATE transaction: the check that an act may happen and its append are one. */
export function inWriteTransaction<T>(vault: Vault, fn: () => T): T {
  return vault.database.transaction(fn, { behavior: 'immediate' });
}
