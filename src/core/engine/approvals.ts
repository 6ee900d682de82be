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
import { translator } from '../../shared/i18n';

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
  const tr = translator(state.runbook.language ?? state.wordedIn);
  const registry = registryOf(vault);
  const identity = registry.get(approval.signer);
  const standing = standingRefusal(identity, approval.signer, tr.lang);
  if (!identity || standing) return refuse(standing ?? tr.t('approval.check.notIdentity', { name: approval.signer }));
  if (identity.fingerprint !== approval.fingerprint) return refuse(tr.t('approval.check.otherKey', { key: approval.fingerprint, name: approval.signer }));
  const role = state.runbook.policy.approvals.role;
  if (!identity.roles.includes(role)) return refuse(tr.t('approval.check.role', { name: approval.signer, role }));
  const operator = registry.get(state.operator);
  if (approval.signer === state.operator || (operator && operator.fingerprint === approval.fingerprint)) return refuse(tr.t('approval.check.operator'));
  const verified = sshsigVerify(approval.signature, Buffer.from(approval.plan), PLAN_NAMESPACE, identity.publicKey);
  if (!verified.ok) return refuse(tr.t('approval.check.signature', { reason: verified.reason }));
  const plan = parsePlanBytes(Buffer.from(approval.plan));
  if (typeof plan === 'string') return refuse(plan);
  if (plan.runId !== state.runId) return refuse(tr.t('approval.check.otherRun'));
  if (plan.runbook?.hash !== state.runbookHash) return refuse(tr.t('approval.check.otherVersion'));
  if (plan.environment !== state.environment) return refuse(tr.t('approval.check.otherEnvironment', { planned: plan.environment, environment: state.environment }));
  if (!isDeepStrictEqual(plan.rehearsal ?? null, state.rehearsal)) return refuse(state.rehearsal ? tr.t('approval.check.notRehearsal', { sha256: state.rehearsal.manifestSha256 }) : tr.t('approval.check.otherRehearsal'));
  const signed = plan.steps?.find((s) => s.stepId === step.id);
  if (!signed) return refuse(tr.t('approval.check.noStep', { step: step.id }));
  const current = planEntry(state, step, phaseId, plan.format === 'cutover-plan/v2' ? 'cutover-plan/v2' : PLAN_FORMAT);
  if (!isDeepStrictEqual(signed, current)) {
    const changed = (['kind', 'command', 'target', 'env', 'secretEnv', 'cwd', 'title', 'phaseId'] as const).filter((k) => !isDeepStrictEqual(signed[k], current[k]));
    return refuse(tr.t('approval.check.changed', { step: step.id, changed: changed.join(', ') || tr.t('approval.check.itsEntry') }));
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
  const tr = translator(state.runbook.language ?? state.wordedIn);
  const reason = authorized
    ? tr.t('approval.approvedBy', { valid, quorum })
    : tr.t('approval.needs', { quorum, valid, refused: refused.length ? tr.t('approval.notCounted', { list: refused.join('; ') }) : '' });
  return { authorized, quorum, valid, checks, reason };
}

/** Whether a step needs the plan's quorum before it runs: commands and mutating HTTP requests always; in production, everything that executes. */
export function needsApproval(state: Pick<RunState, 'environment'>, step: ExecutingStep): boolean {
  return isMutating(step) || state.environment === 'production';
}
