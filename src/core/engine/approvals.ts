// The approval policy: a command step runs only with a quorum of distinct approvers whose
// SSHSIG signatures cover this exact step (same command, target, fingerprint, environment,
// runbook version and run). The operator never approves their own run.
import { isDeepStrictEqual } from 'node:util';
import { sshsigVerify } from '../signing';
import { getIdentity, type Vault } from '../vault';
import { PLAN_NAMESPACE, planEntry, type PlanDocument } from './plan';
import type { ApprovalRecord, RunState } from './types';
import type { Step } from '../runbook/schema';

export interface ApprovalCheck {
  signer: string;
  fingerprint: string;
  valid: boolean;
  reason: string;
}

export interface Authorization {
  authorized: boolean;
  quorum: number;
  valid: number;
  checks: ApprovalCheck[];
  /** What is missing, in words for the operator. */
  reason: string;
}

export function checkApproval(vault: Vault, state: RunState, approval: ApprovalRecord, step: Extract<Step, { kind: 'command' }>, phaseId: string): ApprovalCheck {
  const base = { signer: approval.signer, fingerprint: approval.fingerprint };
  const refuse = (reason: string): ApprovalCheck => ({ ...base, valid: false, reason });
  const identity = getIdentity(vault, approval.signer);
  if (!identity) return refuse(`${approval.signer} is not an identity in this vault`);
  if (identity.fingerprint !== approval.fingerprint) return refuse(`the signing key ${approval.fingerprint} is not ${approval.signer}'s registered key`);
  const role = state.runbook.policy.approvals.role;
  if (!identity.roles.includes(role)) return refuse(`${approval.signer} does not have the ${role} role`);
  const operator = getIdentity(vault, state.operator);
  if (approval.signer === state.operator || (operator && operator.fingerprint === approval.fingerprint)) return refuse('the operator of a run cannot approve it');
  const verified = sshsigVerify(approval.signature, Buffer.from(approval.plan), PLAN_NAMESPACE, identity.publicKey);
  if (!verified.ok) return refuse(`the signature does not verify (${verified.reason})`);
  let plan: PlanDocument;
  try {
    plan = JSON.parse(approval.plan) as PlanDocument;
  } catch {
    return refuse('the signed plan is not JSON');
  }
  if (plan.runId !== state.runId) return refuse('it approves another run');
  if (plan.runbook?.hash !== state.runbookHash) return refuse('it approves another version of the runbook');
  if (plan.environment !== state.environment) return refuse(`it approves the ${plan.environment} environment, not ${state.environment}`);
  const signed = plan.steps?.find((s) => s.stepId === step.id);
  if (!signed) return refuse(`the signed plan has no step ${step.id}`);
  const current = planEntry(state, step, phaseId);
  if (!isDeepStrictEqual(signed, current)) {
    const changed = (['command', 'target', 'env', 'secretEnv', 'cwd', 'title', 'phaseId'] as const).filter((k) => !isDeepStrictEqual(signed[k], current[k]));
    return refuse(`step ${step.id} changed since it was approved (${changed.join(', ')})`);
  }
  return { ...base, valid: true, reason: 'valid' };
}

export function authorize(vault: Vault, state: RunState, step: Extract<Step, { kind: 'command' }>, phaseId: string): Authorization {
  const quorum = state.runbook.policy.approvals.quorum;
  const checks = state.approvals.map((a) => checkApproval(vault, state, a, step, phaseId));
  const signers = new Set(checks.filter((c) => c.valid).map((c) => c.fingerprint));
  const valid = signers.size;
  const authorized = valid >= quorum;
  const refused = checks.filter((c) => !c.valid).map((c) => `${c.signer}: ${c.reason}`);
  const reason = authorized
    ? `approved by ${valid} of ${quorum} required`
    : `needs ${quorum} approver signature(s) over this step, has ${valid}${refused.length ? `; not counted: ${refused.join('; ')}` : ''}. Export the plan (\`cutover plan export\`) and have approvers sign it.`;
  return { authorized, quorum, valid, checks, reason };
}
