// Executing a check, command, monitor or http step: whether it may run now (its state, order,
// schedule and approvals), its step.execute signed and step.started appended in one
// transaction, then the run itself streamed into its transcript.
import { hostname } from 'node:os';
import { appendAct } from '../acts/context';
import { executeRefusal } from '../acts/rules';
import type { Step } from '../runbook/schema';
import { translator } from '../../shared/i18n';
import { authorize, needsApproval, type Authorization } from './approvals';
import { commit, signed } from './commit';
import type { EngineContext, StepOutcome } from './context';
import { prepareExecution, RunRefusedError } from './execute';
import { isMutating } from './http-step';
import { conditionVerdict, notApplicableOutcome } from './not-applicable';
import { allSteps, executes } from './plan';
import { trOf } from './run-language';
import { findStep, status } from './run-reading';
import { occurrenceRefusal, schedulesOf, scheduleStatus, type ScheduleStatus } from './schedule';
import { finishOccurrence, finishStep, transcriptFailed } from './step-result';
import { TranscriptGuard } from './transcript-guard';
import type { RunState } from './types';

/** The approvals a step needs before it runs, or null when it needs none here. */
export function authorization(ctx: EngineContext, runId: string, stepId: string): Authorization | null {
  const state = status(ctx, runId);
  const { step, phaseId } = findStep(state, stepId);
  return executes(step) && needsApproval(state, step) ? authorize(ctx.vault, state, step, phaseId) : null;
}

/** Every repeating step's schedule now: runs so far, the next occurrence, due or overdue (reading changes nothing). */
export function schedules(ctx: EngineContext, runId: string): ScheduleStatus[] {
  const state = status(ctx, runId);
  return schedulesOf(state, allSteps(state), (ctx.options.now ?? Date.now)());
}

/** A repeating step that has PASSed once: where its schedule stands (its next run is an occurrence). */
function scheduleOf(ctx: EngineContext, state: RunState, step: Step): ScheduleStatus | null {
  const current = state.steps.get(step.id);
  return current?.firstPassAt ? scheduleStatus(step, current, (ctx.options.now ?? Date.now)()) : null;
}

/** Why a step may not execute now (state, order, schedule, approvals), or null. */
function executeBlocker(ctx: EngineContext, state: RunState, step: Step, phaseId: string): string | null {
  const tr = translator(state.runbook.language ?? state.wordedIn);
  if (!executes(step)) return tr.t('refusal.execute.notExecuting', { step: step.id, kind: tr.t(`stepKind.${step.kind}`), command: step.kind === 'attest' ? 'attest' : step.kind === 'record' ? 'record' : 'done' });
  const schedule = scheduleOf(ctx, state, step);
  const refusal = schedule ? occurrenceRefusal(state, schedule) : executeRefusal(state, step, phaseId);
  if (refusal) return refusal;
  if (needsApproval(state, step)) {
    const auth = authorize(ctx.vault, state, step, phaseId);
    if (!auth.authorized) return tr.t(isMutating(step) ? 'refusal.execute.notApproved' : 'refusal.execute.notApprovedProduction', { step: step.id, reason: auth.reason });
  }
  return null;
}

export async function executeStep(ctx: EngineContext, runId: string, stepId: string, signal?: AbortSignal): Promise<StepOutcome> {
  const { vault } = ctx;
  const state = status(ctx, runId);
  const { step, phaseId } = findStep(state, stepId);
  // A step whose condition is false is recorded N/A instead of running (no approval needed: nothing runs).
  const conditions = conditionVerdict(state, step, phaseId);
  if (conditions && !conditions.applies) return notApplicableOutcome(ctx, runId, step, phaseId);
  const blocker = executeBlocker(ctx, state, step, phaseId);
  if (blocker) throw new RunRefusedError(blocker);
  const execution = prepareExecution(vault, ctx.options, state, step as Extract<Step, { kind: 'check' | 'command' | 'monitor' | 'http' }>);
  // PostgreSQL's read-only transaction is not a sandbox: a check login that can run programs,
  // write files or signal backends is refused in production and named in a rehearsal's transcript.
  const loginWarning = execution.assessLogin ? await execution.assessLogin() : '';
  if (loginWarning && state.environment === 'production') throw new RunRefusedError(trOf(state).t('engine.production.login', { warning: loginWarning }));
  const attempt = (state.steps.get(stepId)!.attempts ?? 0) + 1;
  // A repeating step's later runs are occurrences: evidence of their own that never block the run.
  const occurrence = scheduleOf(ctx, state, step)?.next?.n;
  const executeAct = await signed(ctx, { kind: 'step.execute', runId, stepId, what: { command: execution.command, ...(execution.bind ? { bind: execution.bind } : {}), target: execution.target, attempt, ...(occurrence ? { occurrence } : {}) } });
  // The check that the step may run and its step.started are one transaction: two processes
  // racing to start it cannot both win.
  const refuseNow = (now: RunState) => {
    const again = executeBlocker(ctx, now, step, phaseId);
    if (again) throw new RunRefusedError(again);
  };
  const { writer, actor } = commit(ctx, executeAct, (act, now) => {
    refuseNow(now);
    if (act.doc.what.attempt !== (now.steps.get(stepId)!.attempts ?? 0) + 1) throw new RunRefusedError(trOf(now).t('engine.execute.attempt', { attempt: String(act.doc.what.attempt), step: stepId }));
    if (occurrence !== scheduleOf(ctx, now, step)?.next?.n) throw new RunRefusedError(trOf(now).t('engine.execute.occurrence', { n: String(occurrence), step: stepId }));
    const evidenceName = step.evidence ?? `${step.id}.log`;
    const w = vault.createArtifact({ name: occurrence ? evidenceName.replace(/(\.[A-Za-z0-9]+)?$/, (ext) => `.occurrence-${occurrence}${ext}`) : evidenceName, mediaType: step.kind === 'monitor' ? 'application/x-ndjson' : 'text/plain', actor: act.identity.name });
    appendAct(vault, act, 'step.started', { runId, stepId, kind: step.kind, phaseId, target: execution.target, command: execution.command, ...(execution.bind ? { bind: execution.bind } : {}), ...(conditions ? { conditions: conditions.checks } : {}), readOnly: execution.readOnly, environment: now.environment, attempt, ...(occurrence ? { occurrence } : {}), transcript: { artifactId: w.id, name: w.name, sha256: null, size: 0 }, runner: { pid: process.pid, host: hostname() } });
    return { writer: w, actor: act.identity.name };
  }, refuseNow);
  const guard = new TranscriptGuard(writer, signal);
  if (loginWarning) guard.sink.write(`[cutover] ${trOf(state).t('login.rehearsalWarning', { warning: loginWarning })}\n\n`);
  const result = await execution.run(guard.sink, guard.stop.signal, (fingerprint) => {
    vault.append({ actor, type: 'target.host_key_pinned', payload: { runId, target: execution.target, fingerprint } });
  });
  if (guard.failure) transcriptFailed(ctx, stepId, writer, guard.failure.error);
  if (occurrence) return finishOccurrence(ctx, state, step, writer, result, occurrence);
  return finishStep(ctx, state, step, writer, result);
}
