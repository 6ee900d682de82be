// A published run event as one timeline line, the way a scribe writes it: step started and
// finished with its status, attestations, records, approvals, decisions, blocks, completion.
// Worded from the catalogue (src/shared/i18n/war-room-*.ts): English for `ledger watch`, the
// window's language in the War room.
import { translator, type Translator } from '../../shared/i18n';
import type { GateResult } from '../engine/gates';
import { blockReasonText } from '../reports/gate-words';
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

/** A step's status word ("PASS", "INTERRUMPIDO"): the engine's code in English, the catalogue's word in another language. */
const STEP_STATUSES = ['PASS', 'FAIL', 'INTERRUPTED', 'skipped', 'pending', 'running', 'N/A'] as const;
function statusWord(tr: Translator, status: string): string {
  if (tr.lang === 'en' || !(STEP_STATUSES as readonly string[]).includes(status)) return status;
  return tr.t(`stepStatus.${status as (typeof STEP_STATUSES)[number]}`);
}

/** Why a run is blocked: the engine records it in English; worded again from its gates in another language. */
function blockReason(tr: Translator, p: P): string {
  const gates = Array.isArray(p.gates) ? (p.gates as GateResult[]).filter((g) => g && typeof g === 'object' && typeof g.gate === 'string') : [];
  return blockReasonText(tr.lang, str(p.reason), gates);
}

/**
 * The timeline text of a run event, or null for an event that is not part of a run's story.
 * In `tr`'s language (the War room's window); English by default, as `ledger watch` prints it.
 */
export function timelineText(e: PublishedEvent, tr: Translator = translator('en')): string | null {
  const p = (e.payload ?? {}) as P;
  const step = str(p.stepId);
  const actor = e.actor;
  switch (e.type) {
    case 'run.started': {
      const environment = str(p.environment);
      const envWord = tr.lang !== 'en' && (environment === 'production' || environment === 'rehearsal') ? tr.t(`env.${environment}`) : environment;
      return tr.t('warRoom.line.runStarted', { actor, environment: envWord, runbook: str((p.runbook as P | undefined)?.id), version: str((p.runbook as P | undefined)?.version) });
    }
    case 'step.started': return tr.t('warRoom.line.stepStarted', { step, actor, target: p.target ? tr.t('warRoom.line.onTarget', { target: str(p.target) }) : '', attempt: typeof p.attempt === 'number' && p.attempt > 1 ? tr.t('warRoom.line.attempt', { n: p.attempt }) : '' });
    case 'step.finished': return tr.t('warRoom.line.stepFinished', { step, status: statusWord(tr, str(p.status)), exit: p.exitCode !== undefined && p.exitCode !== null ? tr.t('warRoom.line.exit', { code: str(p.exitCode) }) : '', duration: typeof p.durationMs === 'number' ? tr.t('warRoom.line.duration', { ms: Math.round(p.durationMs) }) : '' });
    case 'step.interrupted': return tr.t('warRoom.line.stepInterrupted', { step, status: statusWord(tr, 'INTERRUPTED'), reason: str(p.reason) });
    case 'step.attested': return tr.t('warRoom.line.stepAttested', { step, actor, statement: str(p.statement) });
    case 'step.recorded': return tr.t('warRoom.line.stepRecorded', { step, actor, values: Object.entries((p.values ?? {}) as P).map(([k, v]) => `${k}=${str(v)}`).join(', ') });
    case 'step.done': return tr.t('warRoom.line.stepDone', { step, actor, note: p.note ? tr.t('warRoom.line.note', { note: str(p.note) }) : '' });
    case 'step.skipped': return tr.t('warRoom.line.stepSkipped', { step, actor, reason: str(p.reason) });
    case 'approval.added': return tr.t('warRoom.line.approvalAdded', { signer: str(p.signer), fingerprint: str(p.fingerprint) });
    case 'run.blocked': return tr.t('warRoom.line.runBlocked', { status: tr.lang === 'en' ? 'BLOCKED' : tr.t('runStatus.BLOCKED'), step, reason: blockReason(tr, p) });
    case 'run.decision': {
      const decision = str(p.decision);
      const word = tr.lang !== 'en' && (decision === 'rollback' || decision === 'stop' || decision === 'retry') ? tr.t(`decisionKind.${decision}`) : decision;
      return tr.t('warRoom.line.runDecision', { actor, decision: word, step: step ? tr.t('warRoom.line.decisionStep', { step }) : '', reason: str(p.reason) });
    }
    case 'decision.recorded': return tr.t('warRoom.line.decisionRecorded', { actor, fields: Object.entries(p).filter(([k]) => k !== 'runId' && k !== 'act').map(([k, v]) => `${k}=${str(v)}`).join(', ') });
    case 'run.completed': return tr.t('warRoom.line.runCompleted', { status: tr.lang === 'en' ? 'COMPLETED' : tr.t('runStatus.COMPLETED'), passed: str(p.passed), steps: str(p.steps) });
    case 'ledger.plan_offered': return tr.t('warRoom.line.planOffered', { actor, digest: str(p.planDigest).slice(0, 12) });
    case 'ledger.approval_sent': return tr.t('warRoom.line.approvalSent', { digest: str(p.planDigest).slice(0, 12), actor, fingerprint: str(p.fingerprint), to: str((p.to as P | undefined)?.workstation) });
    case 'ledger.act_sent': return tr.t('warRoom.line.actSent', { act: str(p.act), actor, what: actWhat(p.text), to: str((p.to as P | undefined)?.workstation) });
    case 'target.host_key_pinned': return tr.t('warRoom.line.hostKeyPinned', { target: str(p.target), fingerprint: str(p.fingerprint) });
    default: return null;
  }
}

export function timelineLine(e: PublishedEvent): string | null {
  const text = timelineText(e);
  if (text === null) return null;
  return `${e.at.slice(11, 19)}  ${e.workstation} #${e.seq}  ${text}`;
}
