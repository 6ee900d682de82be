// Checks every act in a chain as an auditor would: each event that records a person's act
// carries that act's exact bytes and SSHSIG signature, signed by the key the chain held for that
// person at that point (not the identities table), by someone who had proved it, after the head
// it names. Trusts nothing but the chain.
import { identityRegistry } from '../identity/registry';
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
      if (signing) problems.push({ seq: e.seq, message: `${e.type} by ${e.actor} carries no signed act, in a vault that signs every act` });
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
const UNPROVEN = 'approval.added: the signer had not proved their key when they approved (it does not count)';

/** A plan approval: the plan's signature by the key the chain held for its signer then, who had proved it. */
function checkApproval(e: VaultEvent, registry: ReturnType<typeof identityRegistry>): string | null {
  const p = (e.payload ?? {}) as { signer?: unknown; fingerprint?: unknown; plan?: unknown; signature?: unknown };
  if (typeof p.signer !== 'string' || typeof p.plan !== 'string' || typeof p.signature !== 'string') return 'approval.added: no signer, plan or signature';
  if (p.signer !== e.actor) return `approval.added by ${e.actor}, but the approval is ${p.signer}'s`;
  const who = registry.at(p.signer, e.seq - 1);
  if (!who) return `approval.added: ${p.signer} was not an identity in the chain when they approved`;
  if (who.fingerprint !== p.fingerprint) return `approval.added: signed with ${String(p.fingerprint)}, but the chain held ${who.fingerprint} for ${who.name}`;
  if (!who.proven || who.custodial) return UNPROVEN;
  const verified = sshsigVerify(p.signature, Buffer.from(p.plan), PLAN_SIGNATURE_NAMESPACE, who.publicKey);
  return verified.ok ? null : `approval.added: ${who.name}'s plan signature does not verify (${verified.reason})`;
}

function checkOne(e: VaultEvent, stored: StoredAct, registry: ReturnType<typeof identityRegistry>, hashes: Map<number, string>, seen: Set<string>): string | null {
  if (typeof stored.text !== 'string' || typeof stored.signature !== 'string') return `${e.type}: its act has no text or signature`;
  let doc;
  try {
    doc = parseAct(stored.text);
  } catch (error) {
    return `${e.type}: ${(error as Error).message}`;
  }
  const digest = actDigest(stored.text);
  if (stored.digest !== digest) return `${e.type}: the act's recorded digest is not the digest of its bytes`;
  if (seen.has(digest)) return `${e.type}: the same act was used twice`;
  seen.add(digest);
  if (EVENT_OF[doc.act] !== e.type) return `a ${doc.act} act recorded as ${e.type}`;
  if (registry.vaultId !== null && doc.vault !== registry.vaultId) return `${e.type}: the act was made for vault ${doc.vault}`;
  if (doc.by.name !== e.actor) return `${e.type} by ${e.actor}, but the act is ${doc.by.name}'s`;
  const payload = e.payload as { runId?: unknown; stepId?: unknown };
  if (payload.runId !== doc.run) return `${e.type}: the event is for run ${String(payload.runId)}, the act for ${doc.run}`;
  if (doc.step !== null && e.type !== 'run.decision' && payload.stepId !== doc.step) return `${e.type}: the event is for step ${String(payload.stepId)}, the act for ${doc.step}`;
  if (doc.follows.seq >= e.seq || (doc.follows.seq === 0 ? GENESIS_HASH : hashes.get(doc.follows.seq)) !== doc.follows.hash) return `${e.type}: the act follows event #${doc.follows.seq}, which is not the chain's event before it`;
  const who = registry.at(doc.by.name, e.seq - 1);
  if (!who) return `${e.type}: ${doc.by.name} was not an identity in the chain when they acted`;
  if (who.fingerprint !== doc.by.fingerprint) return `${e.type}: signed with ${doc.by.fingerprint}, but the chain held ${who.fingerprint} for ${who.name}`;
  if (!who.proven || who.custodial) return `${e.type}: ${who.name} had not proved their key when they acted`;
  const verified = sshsigVerify(stored.signature, Buffer.from(stored.text), ACT_NAMESPACE, who.publicKey);
  if (!verified.ok) return `${e.type}: ${who.name}'s signature does not verify (${verified.reason})`;
  return null;
}
