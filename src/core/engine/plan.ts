// The plan an approver signs: exactly what each command step will run, where, with which
// environment, for this run of this runbook version. Any change gives a different entry, and
// an approval only covers the entries it signed.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../vault';
import type { Step, Target } from '../runbook/schema';
import { allSteps as runbookSteps, type LocatedStep } from '../runbook/validate';
import type { Environment, RunState } from './types';

export const PLAN_NAMESPACE = 'cutover-plan-v1';

export interface PlanTarget {
  name: string;
  kind: Target['kind'];
  /** DSN (postgres), user@host:port (ssh) or "local". */
  address: string;
  /** The pinned SSH host key fingerprint, or null. */
  hostKey: string | null;
}

export interface PlanEntry {
  stepId: string;
  phaseId: string;
  title: string;
  command: string;
  target: PlanTarget;
  env: Record<string, string>;
  /** Environment variables filled from vault secrets: the secret's name, never its value. */
  secretEnv: Record<string, string>;
  cwd: string | null;
}

export interface PlanDocument {
  format: 'cutover-plan/v1';
  runId: string;
  runbook: { id: string; version: string; hash: string };
  environment: Environment;
  operator: string;
  quorum: number;
  steps: PlanEntry[];
}

export function targetAddress(target: Target): string {
  if (target.kind === 'postgres') return target.dsn;
  if (target.kind === 'ssh') return `${target.user ? `${target.user}@` : ''}${target.host}:${target.port ?? 22}`;
  return 'local';
}

/** Every step of the run's runbook in the order a run walks them, with its phase id (runbook/'s walk). */
export function allSteps(state: Pick<RunState, 'runbook'>): LocatedStep[] {
  return runbookSteps(state.runbook);
}

export function planEntry(state: RunState, step: Extract<Step, { kind: 'command' }>, phaseId: string): PlanEntry {
  const target = state.targets[step.target]!;
  return {
    stepId: step.id,
    phaseId,
    title: step.title,
    command: step.run,
    target: { name: step.target, kind: target.kind, address: targetAddress(target), hostKey: target.kind === 'ssh' ? (state.hostKeys[step.target] ?? target.host_key ?? null) : null },
    env: { ...state.runbook.env, ...step.env },
    secretEnv: step.secret_env,
    cwd: step.cwd ?? (target.kind === 'postgres' ? null : (target.cwd ?? null)),
  };
}

export function buildPlan(state: RunState): PlanDocument {
  return {
    format: 'cutover-plan/v1',
    runId: state.runId,
    runbook: { id: state.runbook.id, version: state.runbook.version, hash: state.runbookHash },
    environment: state.environment,
    operator: state.operator,
    quorum: state.runbook.policy.approvals.quorum,
    steps: allSteps(state).flatMap(({ step, phaseId }) => (step.kind === 'command' ? [planEntry(state, step, phaseId)] : [])),
  };
}

/** The bytes that are signed: RFC 8785 canonical JSON of the plan. */
export function planBytes(plan: PlanDocument): Buffer {
  return Buffer.from(canonicalJson(plan));
}

export function planDigest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
