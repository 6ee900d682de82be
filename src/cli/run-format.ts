// A run as a DBA reads it in a terminal: phases with offsets, each step's state.
import type { RunState } from '../core/engine';
import { formatOffset } from '../shared/t-offset';

const MARK: Record<string, string> = { pending: '·', running: '▶', PASS: '✔', FAIL: '✘', INTERRUPTED: '!', skipped: '-', 'N/A': '–' };

export function formatRun(state: RunState): string {
  const rb = state.runbook;
  const lines = [`${rb.title} (${rb.id} v${rb.version}, sha256 ${state.runbookHash.slice(0, 12)}…) — ${state.environment}, operator ${state.operator}`, `Status: ${state.status}${state.blockedBy ? ` at ${state.blockedBy.stepId}: ${state.blockedBy.reason}` : ''}${state.completedAt ? ` at ${state.completedAt}` : ''}`];
  if (state.rehearsal) lines.push(`Bound to rehearsal run ${state.rehearsal.runId} (pack manifest sha256 ${state.rehearsal.manifestSha256})`);
  if (state.t0) lines.push(`T-0 (planned): ${state.t0} — ${formatOffset(Date.now() - Date.parse(state.t0))} now`);
  const section = (title: string, steps: { id: string; kind: string; title: string }[]) => {
    lines.push(`\n${title}`);
    for (const step of steps) {
      const s = state.steps.get(step.id)!;
      lines.push(`  ${MARK[s.status] ?? '?'} ${s.status.padEnd(11)} ${step.id.padEnd(28)} ${step.kind.padEnd(8)} ${step.title}${s.skipReason ? ` (skipped by ${s.actor ?? '?'}: ${s.skipReason})` : ''}${s.status === 'N/A' && s.notApplicable ? ` (not applicable: ${s.notApplicable.filter((c) => !c.result).map((c) => c.expr ?? `only in ${c.environments?.join(', ')}`).join('; ')})` : ''}`);
    }
  };
  if (rb.preconditions.length) section('Preconditions', rb.preconditions);
  for (const phase of rb.phases) section(`${phase.id}${phase.at ? ` (${phase.at})` : ''} — ${phase.title}`, phase.steps);
  if (rb.rollback?.steps.length) section('Rollback', rb.rollback.steps);
  if (state.approvals.length) lines.push(`\nApprovals: ${state.approvals.map((a) => `${a.signer} (${a.fingerprint})`).join(', ')}`);
  return lines.join('\n');
}

