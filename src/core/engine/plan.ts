// The plan an approver signs: exactly what each command step will run, where, with which
// environment, for this run of this runbook version. Any change gives a different entry, and
// an approval only covers the entries it signed.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../vault';
import type { Step, Target } from '../runbook/schema';
import { allSteps as runbookSteps, type LocatedStep } from '../runbook/validate';
import { resolveTargetRefs, targetAddress } from './target-address';
import { httpRequestText } from './http-step';
import { monitorWindow, probeLines, thresholdsText } from './monitor';
import { planExtras, type PlanExtras } from './plan-references';
import type { Environment, RehearsalRef, RunState } from './types';
import { translator, type Translator } from '../../shared/i18n';

export { targetAddress };

export const PLAN_NAMESPACE = 'cutover-plan-v1';

/** The steps that execute anything on a target: each is in the plan approvers sign. */
export type ExecutingStep = Extract<Step, { kind: 'check' | 'command' | 'monitor' | 'http' }>;

export function executes(step: Step): step is ExecutingStep {
  return step.kind === 'check' || step.kind === 'command' || step.kind === 'monitor' || step.kind === 'http';
}

export interface PlanTarget {
  name: string;
  /** A runbook target's kind, or "http" for a monitor's probe. */
  kind: Target['kind'] | 'http';
  /** DSN (postgres), user@host:port (ssh) or "local". */
  address: string;
  /** The pinned SSH host key fingerprint, or null. */
  hostKey: string | null;
}

export interface PlanEntry {
  stepId: string;
  phaseId: string;
  title: string;
  /** command (mutating), check (read-only: SQL in BEGIN READ ONLY, or a declared read-only shell command) or monitor (an HTTP probe). */
  kind: ExecutingStep['kind'];
  /** The SQL, the shell command, or the probe ("GET URL every 10s for 5m"). */
  command: string;
  target: PlanTarget;
  env: Record<string, string>;
  /** Environment variables filled from vault secrets: the secret's name, never its value. */
  secretEnv: Record<string, string>;
  cwd: string | null;
  /** The parameters (resolved) and captured values (their source) the step uses: plan-references.ts. */
  references?: PlanExtras['references'];
  /** When the step applies (its phase's and its own `environments:` / `when:`), as written. */
  conditions?: string[];
}

/**
 * v3: every ${target:NAME} in a step's environment is resolved to the address the command
 * reaches (a postgres target's libpq URL, never a password), so the signed bytes say which
 * database each command hits. v2 (older vaults) signed the environment as the runbook wrote it.
 */
export const PLAN_FORMAT = 'cutover-plan/v3';
export type PlanFormat = 'cutover-plan/v2' | typeof PLAN_FORMAT;

export interface PlanDocument {
  format: PlanFormat;
  runId: string;
  runbook: { id: string; version: string; hash: string };
  environment: Environment;
  operator: string;
  quorum: number;
  /** A production run bound to its rehearsal: approving this plan approves "what that rehearsal did". */
  rehearsal?: RehearsalRef;
  /** The run's parameter values (signed in run.start); absent when the runbook declares none. */
  params?: RunState['params'];
  steps: PlanEntry[];
}

/** Every step of the run's runbook in the order a run walks them, with its phase id (runbook/'s walk). */
export function allSteps(state: Pick<RunState, 'runbook'>): LocatedStep[] {
  return runbookSteps(state.runbook);
}

/** What a monitor step does, as the plan shows it (a single probe's text is as it always was); computed limits as written, or with `resolved` as computed. */
export function probeCommand(step: Extract<Step, { kind: 'monitor' }>, targets: Record<string, Target> = {}, resolved?: Parameters<typeof thresholdsText>[1]): string {
  const window = monitorWindow(step);
  if (step.probe) return `${step.probe.method} ${step.probe.url} every ${window.every} for ${window.for}${thresholdsText(step, resolved)}`;
  return `${probeLines(step, targets).join(' + ')} (in parallel) every ${window.every} for ${window.for}${thresholdsText(step, resolved)}`;
}

/** A step's plan entry as `format` writes it (an approval is checked against the entry in the format it signed). */
export function planEntry(state: RunState, step: ExecutingStep, phaseId: string, format: PlanFormat = PLAN_FORMAT): PlanEntry {
  // A step with parameters, captured values or conditions shows them; any other entry is as it always was.
  const entry = basePlanEntry(state, step, phaseId, format);
  return format === PLAN_FORMAT ? { ...entry, ...planExtras(state, step, phaseId) } : entry;
}

function basePlanEntry(state: RunState, step: ExecutingStep, phaseId: string, format: PlanFormat): PlanEntry {
  if (step.kind === 'monitor') {
    return { stepId: step.id, phaseId, title: step.title, kind: 'monitor', command: probeCommand(step, state.targets), target: { name: 'http', kind: 'http', address: probeLines(step, state.targets).map((l) => l.replace(/^\S+ /, '')).join(', '), hostKey: null }, env: {}, secretEnv: {}, cwd: null };
  }
  if (step.kind === 'http') {
    const target = state.targets[step.target];
    return { stepId: step.id, phaseId, title: step.title, kind: 'http', command: httpRequestText(step, target), target: { name: step.target, kind: 'http', address: target ? targetAddress(target) : '?', hostKey: null }, env: {}, secretEnv: {}, cwd: null };
  }
  const target = state.targets[step.target]!;
  return {
    stepId: step.id,
    phaseId,
    title: step.title,
    kind: step.kind,
    command: step.kind === 'check' ? (step.sql ?? step.run!) : step.run,
    target: { name: step.target, kind: target.kind, address: targetAddress(target), hostKey: target.kind === 'ssh' ? (state.hostKeys[step.target] ?? target.host_key ?? null) : null },
    env: format === PLAN_FORMAT ? resolveTargetRefs({ ...state.runbook.env, ...step.env }, state.targets) : { ...state.runbook.env, ...step.env },
    secretEnv: step.secret_env,
    cwd: step.cwd ?? (target.kind === 'ssh' || target.kind === 'local' ? (target.cwd ?? null) : null),
  };
}

export function buildPlan(state: RunState): PlanDocument {
  return {
    format: PLAN_FORMAT,
    runId: state.runId,
    runbook: { id: state.runbook.id, version: state.runbook.version, hash: state.runbookHash },
    environment: state.environment,
    operator: state.operator,
    quorum: state.runbook.policy.approvals.quorum,
    ...(state.rehearsal ? { rehearsal: state.rehearsal } : {}),
    ...(Object.keys(state.params ?? {}).length ? { params: state.params } : {}),
    steps: allSteps(state).flatMap(({ step, phaseId }) => (executes(step) ? [planEntry(state, step, phaseId)] : [])),
  };
}

/** Parses signed plan bytes, refusing any whose bytes are not their own canonical form (a duplicate key hides a second meaning). */
export function parsePlanBytes(bytes: Buffer, tr: Translator = translator('en')): PlanDocument | string {
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return tr.t('refusal.plan.notJson');
  }
  if (canonicalJson(parsed) !== text) return tr.t('refusal.plan.notCanonical');
  const format = (parsed as { format?: unknown } | null)?.format;
  if (format !== PLAN_FORMAT && format !== 'cutover-plan/v2') return tr.t('refusal.plan.format', { format: String(JSON.stringify(format)), expected: PLAN_FORMAT });
  return parsed as PlanDocument;
}

/** The bytes that are signed: RFC 8785 canonical JSON of the plan. */
export function planBytes(plan: PlanDocument): Buffer {
  return Buffer.from(canonicalJson(plan));
}

export function planDigest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
