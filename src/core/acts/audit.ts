// Checks every act in a chain as an auditor would: each event that records a person's act
// carries that act's exact bytes and SSHSIG signature, signed by the key the chain held for that
// person at that point (not the identities table), by someone who had proved it, after the head
// it names. Trusts nothing but the chain.
import { translate, type Lang, type MessageKey } from '../../shared/i18n';
import { identityRegistry } from '../identity/registry';
import { matchAgain, matchVars } from '../reports/word-again';
import { signingSay as say } from '../signing/words';
import { sshsigVerify } from '../signing/sshsig';
import { GENESIS_HASH } from '../vault/chain';
import type { VaultEvent } from '../vault/types';
import { ACT_NAMESPACE, actDigest, parseAct, type ActKind } from './document';

/** The plan's namespace (engine/plan.ts), named here so that verifying loads no engine. */
const PLAN_SIGNATURE_NAMESPACE = 'cutover-plan-v1';

/** The event each act causes. */
const EVENT_OF: Record<ActKind, string> = {
  'run.start': 'run.started',
  'step.execute': 'step.started',
  'step.attest': 'step.attested',
  'step.record': 'step.recorded',
  'step.done': 'step.done',
  'step.skip': 'step.skipped',
  'run.decide': 'run.decision',
  'decision.record': 'decision.recorded',
  'deviation.accept': 'deviation.accepted',
};
const ACT_EVENTS = new Set(Object.values(EVENT_OF));

export interface ActAudit {
  /** Acts and plan approvals checked and found good. */
  signed: number;
  /** Acts whose signature, signer, place or bytes do not hold: the chain is not to be trusted there. */
  problems: { seq: number; message: string }[];
  /** Person acts recorded without a signature (or approvals by unproven people) before this vault signed acts (an older vault): reported, not failures. */
  unsignedLegacy: number;
}

interface StoredAct {
  text?: unknown;
  signature?: unknown;
  digest?: unknown;
}

export function auditActs(events: VaultEvent[]): ActAudit {
  const registry = identityRegistry(events);
  const hashes = new Map(events.map((e) => [e.seq, e.hash]));
  const seen = new Set<string>();
  const problems: ActAudit['problems'] = [];
  let signed = 0;
  let unsignedLegacy = 0;
  let signing = false;
  for (const e of events) {
    if (e.type === APPROVAL_EVENT) {
      const problem = checkApproval(e, registry);
      // Before this vault signed acts, approvers had no way to prove their keys: such approvals are legacy, not forgeries.
      if (problem === UNPROVEN && !signing) unsignedLegacy += 1;
      else if (problem) problems.push({ seq: e.seq, message: problem });
      else signed += 1;
      continue;
    }
    if (!ACT_EVENTS.has(e.type)) continue;
    const payload = (e.payload ?? {}) as { act?: StoredAct; runId?: unknown; stepId?: unknown };
    const stored = payload.act;
    if (!stored) {
      if (signing) problems.push({ seq: e.seq, message: say('signature.audit.unsigned', { type: e.type, actor: e.actor }) });
      else unsignedLegacy += 1;
      continue;
    }
    signing = true;
    const problem = checkOne(e, stored, registry, hashes, seen);
    if (problem) problems.push({ seq: e.seq, message: problem });
    else signed += 1;
  }
  return { signed, problems, unsignedLegacy };
}

const APPROVAL_EVENT = 'approval.added';
const UNPROVEN = say('signature.audit.approvalUnproven');

/** A plan approval: the plan's signature by the key the chain held for its signer then, who had proved it. */
function checkApproval(e: VaultEvent, registry: ReturnType<typeof identityRegistry>): string | null {
  const p = (e.payload ?? {}) as { signer?: unknown; fingerprint?: unknown; plan?: unknown; signature?: unknown };
  if (typeof p.signer !== 'string' || typeof p.plan !== 'string' || typeof p.signature !== 'string') return say('signature.audit.approvalIncomplete');
  if (p.signer !== e.actor) return say('signature.audit.approvalOtherSigner', { actor: e.actor, signer: p.signer });
  const who = registry.at(p.signer, e.seq - 1);
  if (!who) return say('signature.audit.approvalNotIdentity', { signer: p.signer });
  if (who.fingerprint !== p.fingerprint) return say('signature.audit.approvalOtherKey', { fingerprint: String(p.fingerprint), held: who.fingerprint, name: who.name });
  if (!who.proven || who.custodial) return UNPROVEN;
  const verified = sshsigVerify(p.signature, Buffer.from(p.plan), PLAN_SIGNATURE_NAMESPACE, who.publicKey);
  return verified.ok ? null : say('signature.audit.approvalBadSignature', { name: who.name, reason: verified.reason });
}

function checkOne(e: VaultEvent, stored: StoredAct, registry: ReturnType<typeof identityRegistry>, hashes: Map<number, string>, seen: Set<string>): string | null {
  if (typeof stored.text !== 'string' || typeof stored.signature !== 'string') return say('signature.audit.noText', { type: e.type });
  let doc;
  try {
    doc = parseAct(stored.text);
  } catch (error) {
    return say('signature.audit.unreadable', { type: e.type, parse: (error as Error).message });
  }
  const digest = actDigest(stored.text);
  if (stored.digest !== digest) return say('signature.audit.digest', { type: e.type });
  if (seen.has(digest)) return say('signature.audit.twice', { type: e.type });
  seen.add(digest);
  if (EVENT_OF[doc.act] !== e.type) return say('signature.audit.kind', { act: doc.act, type: e.type });
  if (registry.vaultId !== null && doc.vault !== registry.vaultId) return say('signature.audit.otherVault', { type: e.type, vault: doc.vault });
  if (doc.by.name !== e.actor) return say('signature.audit.otherActor', { type: e.type, actor: e.actor, name: doc.by.name });
  const payload = e.payload as { runId?: unknown; stepId?: unknown };
  if (payload.runId !== doc.run) return say('signature.audit.otherRun', { type: e.type, eventRun: String(payload.runId), run: doc.run });
  if (doc.step !== null && e.type !== 'run.decision' && payload.stepId !== doc.step) return say('signature.audit.otherStep', { type: e.type, eventStep: String(payload.stepId), step: doc.step });
  if (doc.follows.seq >= e.seq || (doc.follows.seq === 0 ? GENESIS_HASH : hashes.get(doc.follows.seq)) !== doc.follows.hash) return say('signature.audit.follows', { type: e.type, seq: doc.follows.seq });
  const who = registry.at(doc.by.name, e.seq - 1);
  if (!who) return say('signature.audit.notIdentity', { type: e.type, name: doc.by.name });
  if (who.fingerprint !== doc.by.fingerprint) return say('signature.audit.otherKey', { type: e.type, fingerprint: doc.by.fingerprint, held: who.fingerprint, name: who.name });
  if (!who.proven || who.custodial) return say('signature.audit.unproven', { type: e.type, name: who.name });
  const verified = sshsigVerify(stored.signature, Buffer.from(stored.text), ACT_NAMESPACE, who.publicKey);
  if (!verified.ok) return say('signature.audit.badSignature', { type: e.type, name: who.name, reason: verified.reason });
  return null;
}

/** The audit's own sentences (the act's unreadable bytes last: its frame holds any text). */
const PROBLEMS: readonly MessageKey[] = [
  'signature.audit.unsigned', 'signature.audit.approvalIncomplete', 'signature.audit.approvalOtherSigner', 'signature.audit.approvalNotIdentity',
  'signature.audit.approvalOtherKey', 'signature.audit.approvalUnproven', 'signature.audit.approvalBadSignature', 'signature.audit.noText',
  'signature.audit.digest', 'signature.audit.twice', 'signature.audit.kind', 'signature.audit.otherVault', 'signature.audit.otherActor',
  'signature.audit.otherRun', 'signature.audit.otherStep', 'signature.audit.follows', 'signature.audit.notIdentity', 'signature.audit.otherKey',
  'signature.audit.unproven', 'signature.audit.badSignature',
];
/** Why an act's bytes cannot be read (acts/document.ts's parseAct, in English here). */
const PARSE: readonly MessageKey[] = ['refusal.actParse.tooBig', 'refusal.actParse.notJson', 'refusal.actParse.shape', 'refusal.actParse.notCanonical'];

/**
 * An audit problem's message (English: the --json report keeps it) in `lang` for a person to
 * read: one of the audit's sentences said again; anything else as it is.
 */
export function actProblemIn(lang: Lang, message: string): string {
  if (lang === 'en') return message;
  const again = matchAgain(lang, message, PROBLEMS);
  if (again !== null) return again;
  const unreadable = matchVars(message, 'signature.audit.unreadable');
  const parse = unreadable && matchAgain(lang, unreadable.parse!, PARSE);
  return unreadable && parse ? translate(lang, 'signature.audit.unreadable', { type: unreadable.type!, parse }) : message;
}
