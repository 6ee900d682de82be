// The plan approvers sign and their approvals: the run's plan as canonical bytes, signed here
// or on an air-gapped machine, and recorded once its signer is found to be a proven approver
// who is not the run's operator.
import { inWriteTransaction } from '../acts/context';
import { registryOf } from '../identity/registry';
import { sshsigSign, sshsigVerify, type Signer } from '../signing';
import { translator } from '../../shared/i18n';
import type { EngineContext } from './context';
import { RunRefusedError } from './execute';
import { buildPlan, parsePlanBytes, planBytes, planDigest, PLAN_FORMAT, PLAN_NAMESPACE, type PlanDocument } from './plan';
import { fold, status } from './run-reading';
import type { ApprovalRecord } from './types';

/** The plan approvers sign: the canonical JSON bytes and their SHA-256. */
export function exportPlan(ctx: EngineContext, runId: string): { plan: PlanDocument; bytes: Buffer; digest: string } {
  const plan = buildPlan(status(ctx, runId));
  const bytes = planBytes(plan);
  return { plan, bytes, digest: planDigest(bytes) };
}

/** Signs this run's current plan with an approver's key and records the approval. */
export async function approve(ctx: EngineContext, runId: string, signer: Signer): Promise<ApprovalRecord> {
  const { bytes } = exportPlan(ctx, runId);
  const signature = await sshsigSign(signer, bytes, PLAN_NAMESPACE);
  return importApproval(ctx, runId, bytes, signature);
}

/**
 * Records an approval made anywhere (here, or on an air-gapped machine with
 * `ssh-keygen -Y sign -n cutover-plan-v1 -f KEY plan.json`). The signer is found by the key
 * inside the signature: a proven identity of this vault's chain with the approver role.
 */
export function importApproval(ctx: EngineContext, runId: string, planText: Buffer, signature: string): ApprovalRecord {
  const { vault } = ctx;
  return inWriteTransaction(vault, () => {
    const state = fold(ctx, runId);
    const tr = translator(state.runbook.language ?? state.wordedIn);
    const verified = sshsigVerify(signature, planText, PLAN_NAMESPACE);
    if (!verified.ok) throw new RunRefusedError(tr.t('refusal.approval.badSignature', { reason: verified.reason, message: verified.message, ns: PLAN_NAMESPACE }));
    const plan = parsePlanBytes(planText, tr);
    if (typeof plan === 'string') throw new RunRefusedError(tr.t('refusal.plan.refused', { reason: plan }));
    if (plan.format !== PLAN_FORMAT) throw new RunRefusedError(tr.t('refusal.approval.oldFormat', { format: plan.format }));
    const registry = registryOf(vault);
    const candidates = registry.byFingerprint(verified.fingerprint).filter((i) => i.proven && !i.custodial);
    const identity = candidates[0];
    if (!identity) {
      const known = registry.byFingerprint(verified.fingerprint)[0];
      throw new RunRefusedError(known ? tr.t('refusal.approval.notProven', { name: known.name }) : tr.t('refusal.approval.unknownKey', { key: verified.fingerprint }));
    }
    const operator = registry.get(state.operator);
    if (identity.name === state.operator || operator?.fingerprint === identity.fingerprint) throw new RunRefusedError(tr.t('refusal.approval.operator', { name: identity.name }));
    const role = state.runbook.policy.approvals.role;
    if (!identity.roles.includes(role)) throw new RunRefusedError(tr.t('refusal.approval.role', { name: identity.name, role }));
    if (plan.runId !== runId) throw new RunRefusedError(tr.t('refusal.approval.otherRun', { planRun: plan.runId, run: runId }));
    const digest = planDigest(planText);
    if (state.approvals.some((a) => a.fingerprint === identity.fingerprint && a.planDigest === digest)) throw new RunRefusedError(tr.t('refusal.approval.already', { name: identity.name }));
    vault.append({ actor: identity.name, type: 'approval.added', payload: { runId, signer: identity.name, fingerprint: identity.fingerprint, planDigest: digest, plan: planText.toString('utf8'), signature } });
    return fold(ctx, runId).approvals.at(-1)!;
  });
}
