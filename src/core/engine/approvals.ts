// The approval policy: a step that executes anything runs only with a quorum of distinct approvers
// whose SSHSIG signatures cover this exact step (same command, target, fingerprint, environment,
// runbook version and run). People are who the chain says they are, with the key it holds for
// them; an unproven or custodial identity never counts, nor does the operator, nor one key twice.
import { isDeepStrictEqual } from 'node:util';
import { standingRefusal } from '../acts/verify';
import { registryOf } from '../identity/registry';
import { sshsigVerify } from '../signing';
import type { Vault } from '../vault';
import { isMutating } from './http-step';
import { PLAN_FORMAT, PLAN_NAMESPACE, parsePlanBytes, planEntry, type ExecutingStep } from './plan';
import type { ApprovalRecord, RunState } from './types';

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

export function checkApproval(vault: Vault, state: RunState, approval: ApprovalRecord, step: ExecutingStep, phaseId: string): ApprovalCheck {
  const base = { signer: approval.signer, fingerprint: approval.fingerprint };
  const refuse = (reason: string): ApprovalCheck => ({ ...base, valid: false, reason });
  const registry = registryOf(vault);
  const identity = registry.get(approval.signer);
  const standing = standingRefusal(identity, approval.signer);
  if (!identity || standing) return refuse(standing ?? `${approval.signer} is not an identity in this vault`);
  if (identity.fingerprint !== approval.fingerprint) return refuse(`the signing key ${approval.fingerprint} is not ${approval.signer}'s key in the chain`);
  const role = state.runbook.policy.approvals.role;
  if (!identity.roles.includes(role)) return refuse(`${approval.signer} does not have the ${role} role`);
  const operator = registry.get(state.operator);
  if (approval.signer === state.operator || (operator && operator.fingerprint === approval.fingerprint)) return refuse('the operator of a run cannot approve it');
  const verified = sshsigVerify(approval.signature, Buffer.from(approval.plan), PLAN_NAMESPACE, identity.publicKey);
  if (!verified.ok) return refuse(`the signature does not verify (${verified.reason})`);
  const plan = parsePlanBytes(Buffer.from(approval.plan));
  if (typeof plan === 'string') return refuse(plan);
  if (plan.runId !== state.runId) return refuse('it approves another run');
  if (plan.runbook?.hash !== state.runbookHash) return refuse('it approves another version of the runbook');
  if (plan.environment !== state.environment) return refuse(`it approves the ${plan.environment} environment, not ${state.environment}`);
  if (!isDeepStrictEqual(plan.rehearsal ?? null, state.rehearsal)) return refuse(state.rehearsal ? `it does not name this run's rehearsal (pack manifest ${state.rehearsal.manifestSha256})` : 'it names a rehearsal this run is not bound to');
  const signed = plan.steps?.find((s) => s.stepId === step.id);
  if (!signed) return refuse(`the signed plan has no step ${step.id}`);
  const current = planEntry(state, step, phaseId, plan.format === 'cutover-plan/v2' ? 'cutover-plan/v2' : PLAN_FORMAT);
  if (!isDeepStrictEqual(signed, current)) {
    const changed = (['kind', 'command', 'target', 'env', 'secretEnv', 'cwd', 'title', 'phaseId'] as const).filter((k) => !isDeepStrictEqual(signed[k], current[k]));
    return refuse(`step ${step.id} changed since it was approved (${changed.join(', ') || 'its plan entry'})`);
  }
  return { ...base, valid: true, reason: 'valid' };
}

export function authorize(vault: Vault, state: RunState, step: ExecutingStep, phaseId: string): Authorization {
  const quorum = state.runbook.policy.approvals.quorum;
  const checks = state.approvals.map((a) => checkApproval(vault, state, a, step, phaseId));
  // Distinct keys, not names: one key registered under two names counts once.
  const signers = new Set(checks.filter((c) => c.valid).map((c) => c.fingerprint));
  const valid = signers.size;
  const authorized = valid >= quorum;
  const refused = checks.filter((c) => !c.valid).map((c) => `${c.signer}: ${c.reason}`);
  const reason = authorized
    ? `approved by ${valid} of ${quorum} required`
    : `needs ${quorum} approver signature(s) over this step, has ${valid}${refused.length ? `; not counted: ${refused.join('; ')}` : ''}. Export the plan (\`cutover plan export\`) and have approvers sign it.`;
  return { authorized, quorum, valid, checks, reason };
}

/** Whether a step needs the plan's quorum before it runs: commands and mutating HTTP requests always; in production, everything that executes. */
export function needsApproval(state: Pick<RunState, 'environment'>, step: ExecutingStep): boolean {
  return isMutating(step) || state.environment === 'production';
}
