// `cutover ledger approve`: an approver, on their own workstation, signs the plan the operator
// offered through the ledger. The plan is read from the operator's checked chain (its bytes must
// hash to the digest offered and name this run), signed with the approver's own key (their
// vault's owner, the key their workstation publishes with) under the plan namespace, and the
// signature goes into the approver's own chain as `ledger.approval_sent`, addressed to the
// operator's vault; the operator's `ledger receive` checks and records it through the engine.
import { createHash } from 'node:crypto';
import { PLAN_NAMESPACE } from '../engine';
import { parsePlanBytes, type PlanDocument } from '../engine/plan';
import type { OwnerKeyOptions } from '../identity';
import { sshsigSign, type Signer } from '../signing';
import type { Vault } from '../vault';
import { LedgerError } from './errors';
import { membershipOf, type Membership } from './membership';
import { APPROVAL_SENT, PLAN_OFFERED, planOfferedSchema } from './messages';
import { publisherKey } from './publish';
import { readTeam, type TeamReadOptions, type TeamView } from './team';

export interface OfferFound {
  workstation: string;
  vault: string;
  seq: number;
  at: string;
  plan: PlanDocument;
  bytes: Buffer;
  digest: string;
}

export interface ApproveResult {
  runId: string;
  to: { workstation: string; vault: string };
  plan: PlanDocument;
  planDigest: string;
  fingerprint: string;
  /** False when this workstation already sent an approval of this exact plan: nothing appended. */
  sent: boolean;
  /** Only shown, not signed (--dry-run). */
  dryRun: boolean;
}

export function joinedOrRefuse(vault: Vault): Membership {
  const membership = membershipOf(vault);
  if (!membership) throw new LedgerError(`This vault has not joined a ledger; join first: \`cutover ledger join --vault ${vault.path} --db URL --name WORKSTATION\`.`);
  return membership;
}

export async function teamOf(membership: Membership, db: string | undefined, options: TeamReadOptions = {}): Promise<TeamView & { rowsRead: number }> {
  const team = await readTeam(db ?? membership.db, options);
  if (team.ledger !== membership.ledger) throw new LedgerError(`${team.label} is not the ledger this vault joined (${membership.ledger}); give its URL with --db.`);
  return team;
}

/** The newest plan offered for `runId` by another workstation, checked. */
export function offeredPlan(team: TeamView, runId: string, self: string): OfferFound {
  let found: OfferFound | null = null;
  let bad: string | null = null;
  for (const [name, ws] of team.workstations) {
    if (name === self) continue;
    for (const e of ws.events) {
      if (e.type !== PLAN_OFFERED) continue;
      const parsed = planOfferedSchema.safeParse(e.payload);
      if (!parsed.success || parsed.data.runId !== runId) continue;
      const bytes = Buffer.from(parsed.data.plan, 'utf8');
      const digest = createHash('sha256').update(bytes).digest('hex');
      const plan = parsePlanBytes(bytes);
      if (digest !== parsed.data.planDigest) bad = `${name} event #${e.seq}: the plan's bytes do not hash to the digest offered`;
      else if (typeof plan === 'string') bad = `${name} event #${e.seq}: ${plan}`;
      else if (plan.runId !== runId) bad = `${name} event #${e.seq}: the plan is of run ${plan.runId}, not ${runId}`;
      else if (!found || e.at >= found.at) found = { workstation: name, vault: ws.vault, seq: e.seq, at: e.at, plan, bytes, digest };
    }
  }
  if (found) return found;
  const problems = team.problems.length ? ` (the ledger has problems: ${team.problems.map((p) => `${p.workstation}${p.seq === null ? '' : ` #${p.seq}`}: ${p.message}`).join('; ')})` : '';
  throw new LedgerError(bad ? `The plan offered for run ${runId} does not hold: ${bad}; nothing was signed.` : `No workstation of the ledger at ${team.label} has offered the plan of run ${runId}${problems}. The operator offers it with \`cutover ledger offer --vault VAULT ${runId}\`.`);
}

/** The owner's key: `signer` when the caller holds it already (the window's session key), else found as the CLI finds it. */
export async function ownerKey(vault: Vault, membership: Membership, input: { signer?: Signer } & OwnerKeyOptions): Promise<Signer> {
  const signer = input.signer ?? (await publisherKey(vault, input));
  if (signer.fingerprint !== membership.fingerprint) throw new LedgerError(`The key given (${signer.fingerprint}) is not the one ${membership.owner} joined the ledger with (${membership.fingerprint}); nothing was signed.`);
  return signer;
}

export async function approveThroughLedger(vault: Vault, input: { runId: string; db?: string; dryRun?: boolean; signer?: Signer } & OwnerKeyOptions): Promise<ApproveResult> {
  const membership = joinedOrRefuse(vault);
  const team = await teamOf(membership, input.db);
  const offer = offeredPlan(team, input.runId, membership.workstation);
  const to = { workstation: offer.workstation, vault: offer.vault };
  const base = { runId: input.runId, to, plan: offer.plan, planDigest: offer.digest };
  if (input.dryRun) return { ...base, fingerprint: membership.fingerprint, sent: false, dryRun: true };
  const signer = await ownerKey(vault, membership, input);
  const already = vault.events().some((e) => e.type === APPROVAL_SENT && (e.payload as { runId?: unknown }).runId === input.runId && (e.payload as { planDigest?: unknown }).planDigest === offer.digest);
  if (already) return { ...base, fingerprint: signer.fingerprint, sent: false, dryRun: false };
  const signature = await sshsigSign(signer, offer.bytes, PLAN_NAMESPACE);
  vault.append({ actor: membership.owner, type: APPROVAL_SENT, payload: { runId: input.runId, to, planDigest: offer.digest, plan: offer.bytes.toString('utf8'), signature, fingerprint: signer.fingerprint } });
  return { ...base, fingerprint: signer.fingerprint, sent: true, dryRun: false };
}
