// `cutover ledger receive`: the operator's workstation takes what the team sent it through the
// ledger — approvals of its plans, signed acts — and records each through the engine's own
// importApproval / importAct / recordDecision, exactly as if the files had been carried over by
// hand: the signature, the person's proven identity and role, the run's state are all checked
// there. Before that, the ledger adds one check of its own: what a workstation sends is signed
// by that workstation's own key (an approver acts from their own machine, never for someone
// else). A refusal appends nothing and is named; something already recorded is not recorded twice.
import { ACT_NAMESPACE, actDigest, chainContext, parseAct } from '../acts';
import { PLAN_NAMESPACE, RunEngine } from '../engine';
import { planDigest } from '../engine/plan';
import { recordDecision } from '../reports/decision';
import { sshsigVerify, type Signer } from '../signing';
import { createExecutor } from '../targets/registry';
import { VaultError, type Vault } from '../vault';
import { joinedOrRefuse, teamOf } from './approve';
import { ACT_SENT, actSentSchema, APPROVAL_SENT, approvalSentSchema, PLAN_OFFERED } from './messages';
import type { PublishedEvent } from './record';
import { readReceived, writeReceived } from './received';
import { tellRefusals, type Refusal, type TellOutcome } from './refusals';
import type { LedgerProblem } from './verify';

export interface ReceivedItem {
  from: string;
  seq: number;
  runId: string;
  /** "approval", or the act's kind (decision.record, run.decide, …). */
  kind: string;
  by: string;
  status: 'recorded' | 'already' | 'refused';
  message: string;
}

export interface ReceiveResult {
  workstation: string;
  items: ReceivedItem[];
  /** Chains of the ledger that do not hold (nothing after their break is taken). */
  problems: LedgerProblem[];
  /** Ledger rows read: only those after the heads this vault had received up to. */
  rowsRead: number;
  /** The refusals sent back to their senders (with a signer given), or why they were not. */
  told?: TellOutcome;
}

/** Not a refusal: what was sent is in the chain already (an earlier receive took it). */
class AlreadyRecorded extends VaultError {}

/** Applies `fn`; a refusal by the engine becomes a named item, anything else is a bug and is thrown. */
async function attempt(item: Omit<ReceivedItem, 'status' | 'message'>, fn: () => string | Promise<string>): Promise<ReceivedItem> {
  try {
    return { ...item, status: 'recorded', message: await fn() };
  } catch (error) {
    if (error instanceof AlreadyRecorded) return { ...item, status: 'already', message: error.message };
    if (!(error instanceof VaultError)) throw error;
    return { ...item, status: 'refused', message: error.message };
  }
}

function keyRefusal(signature: string, message: Buffer, namespace: string, memberKey: string, memberFingerprint: string, from: string): string | null {
  const result = sshsigVerify(signature, message, namespace, memberKey);
  return result.ok ? null : `it is not signed by ${from}'s own key ${memberFingerprint} (${result.message}): a workstation sends only its owner's approvals and acts`;
}

/** An approval through the ledger covers a plan this workstation offered for the run, nothing else. */
function offerRefusal(vault: Vault, runId: string, digest: string): string | null {
  const offered = vault.events().filter((e) => e.type === PLAN_OFFERED && (e.payload as { runId?: unknown } | null)?.runId === runId).map((e) => (e.payload as { planDigest: string }).planDigest);
  if (offered.includes(digest)) return null;
  const latest = offered.at(-1);
  return `it approves plan ${digest.slice(0, 12)}…, which this workstation never offered for run ${runId} (${latest ? `it offered ${latest.slice(0, 12)}…` : 'it offered none'}): an approval sent through the ledger covers only a plan offered with \`cutover ledger offer\``;
}

/**
 * Reads only what the other workstations published after the heads this vault received up to
 * (received.ts), records it and moves those heads on — up to a chain's first refused act, which is
 * read (and named) again at the next receive, since the run's state may allow it then. `fromStart`
 * reads every chain again (nothing is recorded twice). A head that does not hold is a problem
 * named, and that chain's head is kept where it was.
 */
export async function receiveFromLedger(vault: Vault, input: { db?: string; fromStart?: boolean; signer?: Signer } = {}): Promise<ReceiveResult> {
  const membership = joinedOrRefuse(vault);
  const kept = input.fromStart ? {} : readReceived(vault.path, membership.ledger);
  const team = await teamOf(membership, input.db, { from: kept, skip: [membership.workstation] });
  const engine = new RunEngine(vault, { actor: 'system', executors: createExecutor });
  const items: ReceivedItem[] = [];
  const heads = { ...kept };
  const refused: Refusal[] = [];
  for (const [from, ws] of team.workstations) {
    let head = ws.head;
    for (const e of ws.events) {
      const item = await receiveOne(vault, engine, from, ws.member.publicKey, ws.member.fingerprint, e);
      if (!item) continue;
      items.push(item);
      if (item.status === 'refused') refused.push({ about: { workstation: from, seq: e.seq, hash: e.hash }, message: item.message });
      // A refused act may be allowed later (a GO sent before the last step passed): the chain is
      // read again from it next time, and only what is before it is not.
      if (item.status === 'refused' && head === ws.head) head = { seq: e.seq - 1, hash: e.prevHash };
    }
    if (head.seq >= (kept[from]?.seq ?? 0)) heads[from] = head;
  }
  if (team.workstations.size && JSON.stringify(heads) !== JSON.stringify(kept)) writeReceived(vault.path, membership.ledger, heads);
  // Each refusal goes back to its sender, signed by this workstation (not part of its chain).
  const told = input.signer ? await tellRefusals(membership, input.signer, refused, input.db) : undefined;
  return { workstation: membership.workstation, items, problems: team.problems, rowsRead: team.rowsRead, ...(told ? { told } : {}) };
}

async function receiveOne(vault: Vault, engine: RunEngine, from: string, memberKey: string, memberFingerprint: string, e: PublishedEvent): Promise<ReceivedItem | null> {
  const to = (e.payload as { to?: { vault?: unknown } } | null)?.to;
  if ((e.type !== APPROVAL_SENT && e.type !== ACT_SENT) || to?.vault !== vault.id) return null;
  if (e.type === APPROVAL_SENT) {
    const parsed = approvalSentSchema.safeParse(e.payload);
    const base = { from, seq: e.seq, runId: parsed.success ? parsed.data.runId : '?', kind: 'approval', by: e.actor };
    if (!parsed.success) return { ...base, status: 'refused', message: `it is not an approval (${parsed.error.issues[0]?.message ?? 'bad shape'})` };
    const p = parsed.data;
    const bytes = Buffer.from(p.plan, 'utf8');
    const bad = keyRefusal(p.signature, bytes, PLAN_NAMESPACE, memberKey, memberFingerprint, from);
    if (bad) return { ...base, status: 'refused', message: bad };
    const digest = planDigest(bytes);
    const notOffered = offerRefusal(vault, p.runId, digest);
    if (notOffered) return { ...base, status: 'refused', message: notOffered };
    return attempt(base, () => {
      if (engine.status(p.runId).approvals.some((a) => a.planDigest === digest && a.fingerprint === memberFingerprint)) throw new AlreadyRecorded('this approval is recorded already');
      const approval = engine.importApproval(p.runId, bytes, p.signature);
      return `approval of plan ${digest.slice(0, 12)}… by ${approval.signer} recorded`;
    });
  }
  const parsed = actSentSchema.safeParse(e.payload);
  const base = { from, seq: e.seq, runId: parsed.success ? parsed.data.runId : '?', kind: parsed.success ? parsed.data.act : 'act', by: e.actor };
  if (!parsed.success) return { ...base, status: 'refused', message: `it is not a signed act (${parsed.error.issues[0]?.message ?? 'bad shape'})` };
  const p = parsed.data;
  const bad = keyRefusal(p.signature, Buffer.from(p.text, 'utf8'), ACT_NAMESPACE, memberKey, memberFingerprint, from);
  if (bad) return { ...base, status: 'refused', message: bad };
  return attempt(base, async () => {
    if (chainContext(vault).used(actDigest(p.text))) throw new AlreadyRecorded('this act is recorded already');
    const doc = parseAct(p.text);
    if (doc.run !== p.runId) throw new VaultError(`the act is for run ${doc.run}, but was sent for ${p.runId}`);
    const signed = { text: p.text, signature: p.signature };
    if (doc.act === 'decision.record') {
      const event = recordDecision(vault, doc.run, signed);
      return `decision by ${doc.by.name} recorded (event #${event.seq})`;
    }
    await engine.importAct(signed);
    return `${doc.act}${doc.step ? ` ${doc.step}` : ''} by ${doc.by.name} recorded`;
  });
}

