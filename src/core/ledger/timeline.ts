// A published run event as one timeline line, the way a scribe writes it: step started and
// finished with its status, attestations, records, approvals, decisions, blocks, completion.
import type { PublishedEvent } from './record';

type P = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/** What a sent act decides, from its signed text (shown only; the receiver checks it). */
function actWhat(text: unknown): string {
  try {
    const what = (JSON.parse(str(text)) as { what?: P }).what ?? {};
    const fields = Object.entries(what).map(([k, v]) => `${k}=${str(v)}`).join(', ');
    return fields ? `: ${fields}` : '';
  } catch {
    return '';
  }
}

/** The run an event belongs to, or null for vault, identity and ledger events. */
export function runOf(e: PublishedEvent): string | null {
  const p = e.payload as P | null;
  return p && typeof p.runId === 'string' ? p.runId : null;
}

/** The timeline text of a run event, or null for an event that is not part of a run's story. */
export function timelineText(e: PublishedEvent): string | null {
  const p = (e.payload ?? {}) as P;
  const step = str(p.stepId);
  switch (e.type) {
    case 'run.started': return `run started by ${e.actor} (${str(p.environment)}), runbook ${str((p.runbook as P | undefined)?.id)} v${str((p.runbook as P | undefined)?.version)}`;
    case 'step.started': return `step ${step} started by ${e.actor}${p.target ? ` on ${str(p.target)}` : ''}${typeof p.attempt === 'number' && p.attempt > 1 ? ` (attempt ${p.attempt})` : ''}`;
    case 'step.finished': return `step ${step} finished: ${str(p.status)}${p.exitCode !== undefined && p.exitCode !== null ? ` (exit ${str(p.exitCode)})` : ''}${typeof p.durationMs === 'number' ? ` in ${Math.round(p.durationMs)} ms` : ''}`;
    case 'step.interrupted': return `step ${step} INTERRUPTED: ${str(p.reason)}`;
    case 'step.attested': return `step ${step} attested by ${e.actor}: "${str(p.statement)}"`;
    case 'step.recorded': return `step ${step} recorded by ${e.actor}: ${Object.entries((p.values ?? {}) as P).map(([k, v]) => `${k}=${str(v)}`).join(', ')}`;
    case 'step.done': return `step ${step} done by ${e.actor}${p.note ? `: ${str(p.note)}` : ''}`;
    case 'step.skipped': return `step ${step} skipped by ${e.actor}: ${str(p.reason)}`;
    case 'approval.added': return `plan approved by ${str(p.signer)} (${str(p.fingerprint)})`;
    case 'run.blocked': return `run BLOCKED at step ${step}: ${str(p.reason)}`;
    case 'run.decision': return `decision by ${e.actor}: ${str(p.decision)}${step ? ` (step ${step})` : ''}: ${str(p.reason)}`;
    case 'decision.recorded': return `decision recorded by ${e.actor}: ${Object.entries(p).filter(([k]) => k !== 'runId' && k !== 'act').map(([k, v]) => `${k}=${str(v)}`).join(', ')}`;
    case 'run.completed': return `run COMPLETED: ${str(p.passed)} of ${str(p.steps)} steps passed`;
    case 'ledger.plan_offered': return `plan offered for approval by ${e.actor} (sha256 ${str(p.planDigest).slice(0, 12)}…)`;
    case 'ledger.approval_sent': return `plan ${str(p.planDigest).slice(0, 12)}… approved by ${e.actor} (${str(p.fingerprint)}), sent to ${str((p.to as P | undefined)?.workstation)}`;
    case 'ledger.act_sent': return `${str(p.act)} signed by ${e.actor}${actWhat(p.text)}, sent to ${str((p.to as P | undefined)?.workstation)}`;
    case 'target.host_key_pinned': return `host key of ${str(p.target)} pinned: ${str(p.fingerprint)}`;
    default: return null;
  }
}

export function timelineLine(e: PublishedEvent): string | null {
  const text = timelineText(e);
  if (text === null) return null;
  return `${e.at.slice(11, 19)}  ${e.workstation} #${e.seq}  ${text}`;
}
