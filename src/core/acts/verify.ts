// Checks a signed act before anything is appended: its bytes, its signature by the key the chain
// holds for the person it names, that the person proved their key, that it extends this chain
// after the head it names, and that it was not used before.
import { sshsigVerify } from '../signing/sshsig';
import { signatureReasonIn } from '../signing/words';
import type { Role } from '../vault/types';
import { translator, type Lang } from '../../shared/i18n';
import { ACT_NAMESPACE, ActRefusedError, actDigest, parseAct, type ActDocument, type SignedAct } from './document';

/** A person as the chain holds them. */
export interface ActIdentity {
  name: string;
  roles: Role[];
  publicKey: string;
  fingerprint: string;
  proven: boolean;
  custodial: boolean;
}

export interface ActContext {
  vaultId: string;
  identity(name: string): ActIdentity | undefined;
  /** The hash of the chain's event at `seq` (GENESIS for 0), or undefined past the head. */
  hashAt(seq: number): string | undefined;
  /** True when an act with this digest is already in the chain (an act is used once). */
  used(digest: string): boolean;
}

export interface VerifiedAct {
  doc: ActDocument;
  identity: ActIdentity;
  digest: string;
  signed: SignedAct;
}

/** Why a person's acts cannot count, or null (in `lang`: the run's language where there is a run). */
export function standingRefusal(identity: ActIdentity | undefined, name: string, lang: Lang = 'en'): string | null {
  const tr = translator(lang);
  if (!identity) return tr.t('refusal.act.notIdentity', { name });
  if (identity.custodial) return tr.t('refusal.act.custodial', { name: identity.name });
  if (!identity.proven) return tr.t('refusal.act.notProven', { name: identity.name });
  return null;
}

/** Checks a signed act; a refusal is worded in `lang` (the language of the run the act is for). */
export function verifyAct(signed: SignedAct, context: ActContext, lang: Lang = 'en'): VerifiedAct {
  const tr = translator(lang);
  const doc = parseAct(signed.text, lang);
  if (doc.vault !== context.vaultId) throw new ActRefusedError(tr.t('refusal.act.otherVault', { vault: doc.vault, here: context.vaultId }));
  const identity = context.identity(doc.by.name);
  if (!identity) throw new ActRefusedError(standingRefusal(undefined, doc.by.name, lang)!);
  if (identity.fingerprint !== doc.by.fingerprint) throw new ActRefusedError(tr.t('refusal.act.otherKey', { key: doc.by.fingerprint, name: identity.name, chainKey: identity.fingerprint }));
  const verified = sshsigVerify(signed.signature, Buffer.from(signed.text), ACT_NAMESPACE, identity.publicKey);
  if (!verified.ok) throw new ActRefusedError(tr.t('refusal.act.badSignature', { name: identity.name, reason: verified.reason, message: signatureReasonIn(lang, verified.message), ns: ACT_NAMESPACE }));
  const standing = standingRefusal(identity, doc.by.name, lang);
  if (standing) throw new ActRefusedError(standing);
  if (context.hashAt(doc.follows.seq) !== doc.follows.hash) throw new ActRefusedError(tr.t('refusal.act.otherChain', { seq: doc.follows.seq, hash: doc.follows.hash.slice(0, 12) }));
  const digest = actDigest(signed.text);
  if (context.used(digest)) throw new ActRefusedError(tr.t('refusal.act.used'));
  return { doc, identity, digest, signed };
}
