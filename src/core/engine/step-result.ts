// What a step did, into the chain once it has run: its status and gates, its captured values,
// the block a failure puts on the run, the comparison with its rehearsal; and what happens when
// its transcript cannot be written.
import { inWriteTransaction } from '../acts/context';
import type { Step } from '../runbook/schema';
import { VaultDiskFullError, type ArtifactWriter } from '../vault';
import { vaultErrorFrom } from '../vault/database';
import { compareWithRehearsal } from '../rehearsal/follow';
import { judgeComparisons } from './conditions';
import { transcriptOf, type EngineContext, type StepOutcome } from './context';
import type { ExecutionResult } from './execute';
import { blocksStep } from './gates';
import { fold } from './run-reading';
import { settle } from './settle';
import type { RunState } from './types';
import { captureInputOf, takeCaptures } from './values';

/** An occurrence's result: recorded in the chain with its gates; the step's status and the run's do not change. */
export function finishOccurrence(ctx: EngineContext, state: RunState, step: Step, writer: ArtifactWriter, result: ExecutionResult, occurrence: number): StepOutcome {
  const transcript = transcriptOf(writer.finish());
  const status = !result.failure && !result.gates.some(blocksStep) ? 'PASS' : 'FAIL';
  ctx.vault.append({ actor: 'system', type: 'step.finished', payload: { runId: state.runId, stepId: step.id, occurrence, status, exitCode: result.exitCode, signal: result.signal, failure: result.failure, gates: result.gates, transcript, durationMs: result.durationMs, ...(result.summary ? { summary: result.summary } : {}) } });
  return { stepId: step.id, status, exitCode: result.exitCode, failure: result.failure, gates: result.gates, transcript, blocked: false };
}

/**
 * The transcript could not be written (a full disk): the command was stopped at once. What was
 * stored is sealed as incomplete if the disk allows; the step stays open in the chain, and the
 * next writer records it as interrupted (it may have run: it runs again only after a signed
 * retry). The error says so.
 */
export function transcriptFailed(ctx: EngineContext, stepId: string, writer: ArtifactWriter, error: unknown): never {
  try {
    writer.abandon();
  } catch {
    // Still no room: the next open of the vault seals it from what is stored.
  }
  const cause = vaultErrorFrom(ctx.vault.path, error);
  if (cause instanceof VaultDiskFullError) {
    throw new VaultDiskFullError(ctx.vault.path, { cause: error, during: `step ${stepId} ran: its command was stopped at once, and its transcript is kept up to the last byte that fit. Once there is space, \`cutover run recover\` records the step as interrupted; it runs again only after a signed retry decision` });
  }
  throw cause;
}

/** A step's result: PASS or FAIL with its gates and captures; a FAIL blocks the run (outside rollback); a PASS may complete it. */
export function finishStep(ctx: EngineContext, state: RunState, step: Step, writer: ArtifactWriter, result: ExecutionResult): StepOutcome {
  const { vault } = ctx;
  const info = writer.finish();
  const transcript = transcriptOf(info);
  // Captures and `that:` comparisons are judged once the step has otherwise passed; a capture that finds nothing fails it.
  const judged = !result.failure && !result.gates.some(blocksStep);
  const captured = judged ? takeCaptures((step as { capture?: Parameters<typeof takeCaptures>[0] }).capture, captureInputOf(result)) : { values: {}, gates: [] };
  if (judged) result.gates.push(...captured.gates, ...judgeComparisons(fold(ctx, state.runId), step, captured.values));
  // A failed `level: warn` gate is recorded with the step and never fails it.
  const failedGates = result.gates.filter(blocksStep);
  const status = !result.failure && failedGates.length === 0 ? 'PASS' : 'FAIL';
  // Each captured value is its own event, in the same transaction as the step's result.
  inWriteTransaction(vault, () => {
    vault.append({ actor: 'system', type: 'step.finished', payload: { runId: state.runId, stepId: step.id, status, exitCode: result.exitCode, signal: result.signal, failure: result.failure, gates: result.gates, transcript, durationMs: result.durationMs, ...(result.summary ? { summary: result.summary } : {}) } });
    if (status === 'PASS') for (const [name, v] of Object.entries(captured.values)) vault.append({ actor: 'system', type: 'value.captured', payload: { runId: state.runId, stepId: step.id, name, value: v.value, source: v.source } });
  });
  let blocked = false;
  if (status === 'FAIL' && fold(ctx, state.runId).status !== 'ROLLBACK') {
    const aborts = failedGates.filter((g) => g.kind === 'abort');
    const reason = aborts.length ? `abort gate ${aborts.map((g) => g.gate).join(', ')} matched` : result.failure ? `${result.failure.kind}: ${result.failure.message}` : `expectation failed: ${failedGates.map((g) => g.gate).join(', ')}`;
    vault.append({ actor: 'system', type: 'run.blocked', payload: { runId: state.runId, stepId: step.id, reason, gates: failedGates } });
    blocked = true;
  }
  // A production run bound to its rehearsal: this step against the rehearsal's (a blocking deviation blocks like an abort gate).
  if (compareWithRehearsal(vault, fold(ctx, state.runId), step, status === 'PASS')) blocked = true;
  if (status === 'PASS' && !blocked) settle(ctx, state.runId);
  return { stepId: step.id, status, exitCode: result.exitCode, failure: result.failure, gates: result.gates, transcript, blocked };
}
