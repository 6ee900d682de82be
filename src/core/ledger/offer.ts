// `cutover ledger offer`: the operator offers a run's plan to the team. The exact bytes approvers
// sign (the engine's exportPlan) go into the operator's own chain as `ledger.plan_offered`, and
// out with the next publish; offering the same plan again appends nothing.
import { createHash } from 'node:crypto';
import { RunEngine } from '../engine';
import { createExecutor } from '../targets/registry';
import type { Vault } from '../vault';
import { LedgerError } from './errors';
import { membershipOf } from './membership';
import { PLAN_OFFERED } from './messages';

export interface OfferResult {
  runId: string;
  planDigest: string;
  entries: number;
  /** False when this exact plan was offered already: nothing was appended. */
  offered: boolean;
  seq: number;
}

export function offerPlan(vault: Vault, runId: string, actor: string): OfferResult {
  if (!membershipOf(vault)) throw new LedgerError(`This vault has not joined a ledger, so nobody would see the plan; join first: \`cutover ledger join --vault ${vault.path} --db URL --name WORKSTATION\`.`);
  const engine = new RunEngine(vault, { actor, executors: createExecutor });
  const { plan, bytes, digest } = engine.exportPlan(runId);
  if (createHash('sha256').update(bytes).digest('hex') !== digest) throw new LedgerError('The plan does not hash to its digest; run `cutover vault verify`.');
  const earlier = vault.events().find((e) => e.type === PLAN_OFFERED && (e.payload as { runId?: unknown; planDigest?: unknown }).runId === runId && (e.payload as { planDigest?: unknown }).planDigest === digest);
  if (earlier) return { runId, planDigest: digest, entries: plan.steps.length, offered: false, seq: earlier.seq };
  const event = vault.append({ actor, type: PLAN_OFFERED, payload: { runId, planDigest: digest, plan: bytes.toString('utf8') } });
  return { runId, planDigest: digest, entries: plan.steps.length, offered: true, seq: event.seq };
}
