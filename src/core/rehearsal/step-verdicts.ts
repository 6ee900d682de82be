// What the run console shows beside each step of a production run bound to its rehearsal: the
// step's latest comparison (src/core/rehearsal/report.ts), whether the run is blocked on it now,
// and the act that unblocks it — each approver signs a `deviation.accept` naming the step and the
// diff's sha256 (the same line `cutover run step`/`run play` prints). Read from the chain only.
import type { RunState } from '../engine/types';
import type { ReadOnlyVault } from '../vault';
import { blockingDeviation } from './follow';
import { acceptDeviationCommand, runComparison, type StepComparisonRow } from './report';

export interface StepVerdict extends Omit<StepComparisonRow, 'verdict' | 'title' | 'kind' | 'phaseId'> {
  verdict: Exclude<StepComparisonRow['verdict'], 'not_compared'>;
  /** The run is BLOCKED on this very deviation now. */
  blocking: boolean;
  /** How many approvers must accept a blocking deviation (the plan's quorum). */
  quorum: number;
  /** The CLI line each approver runs to draft the accept act, while the run is blocked on it. */
  acceptCommand: string | null;
}

/** Each compared step's verdict by step id; empty for a run not bound to a rehearsal. */
export function stepVerdicts(vault: ReadOnlyVault, state: RunState): Map<string, StepVerdict> {
  const verdicts = new Map<string, StepVerdict>();
  if (!state.rehearsal) return verdicts;
  const blocked = blockingDeviation(vault, state);
  const quorum = state.runbook.policy.approvals.quorum;
  for (const row of runComparison(vault, state).steps) {
    if (row.verdict === 'not_compared') continue;
    const { title: _title, kind: _kind, phaseId: _phase, verdict, ...rest } = row;
    const blocking = blocked !== null && blocked.stepId === row.stepId && blocked.diffSha256 === row.diff?.sha256;
    verdicts.set(row.stepId, { ...rest, verdict, blocking, quorum, acceptCommand: blocking ? acceptDeviationCommand(state.runId, row.stepId, blocked.diffSha256) : null });
  }
  return verdicts;
}
