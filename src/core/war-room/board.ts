// The War room's model of shared runs: checked events from the team ledger (a follower's reads,
// src/core/ledger/follow.ts) kept per workstation and folded into what the team watches — each
// run's steps and gates, its approvals and decisions (recorded by the operator's vault, or sent
// through the ledger and not recorded yet) and its timeline in `ledger watch`'s own words
// (timelineText). Only the operator's chain moves a run's state: another workstation's events are
// messages to it. The runbook itself is not in the ledger, so a step is known by the plan offered
// (executing steps) and by its own events; a transcript by its artifact id, hash and size (its
// bytes are the ledger's chunks, read and checked in main's war-room-transcripts).
import { actDigest } from '../acts';
import { parsePlanBytes } from '../engine/plan';
import { ACT_SENT, APPROVAL_SENT, PLAN_OFFERED, runOf, timelineText, type PublishedEvent } from '../ledger';
import { translator, type Translator } from '../../shared/i18n';
import { failureMessageText } from '../reports/failure-words';
import type { GateResult } from '../engine/gates';
import { blockReasonText, gateDetailText, gateText } from '../reports/gate-words';
import type { GateResultView, RunStatusView, StepKind, StepStatusView } from '../../shared/views';
import type { WarRoomApprovalView, WarRoomDecisionView, WarRoomPlanView, WarRoomRunSummary, WarRoomRunView, WarRoomStepView, WarRoomTimelineEntry } from '../../shared/views-war-room';

type P = Record<string, unknown>;

/** The newest timeline lines a view carries. */
export const TIMELINE_LINES = 400;
/** The newest shared runs a view lists. */
export const MAX_RUNS = 200;
/** Run events kept in memory; past this the oldest go (a follower's window, not an archive). */
export const MAX_KEPT_EVENTS = 50_000;

interface OfferedPlan {
  quorum: number;
  steps: { stepId: string; phaseId: string; title: string; kind: StepKind }[];
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const payloadOf = (e: PublishedEvent): P => (e.payload && typeof e.payload === 'object' ? (e.payload as P) : {});

/** A copy without the bulky, already-checked parts (a plan's bytes, signatures): what the board reads. */
function slim(e: PublishedEvent): PublishedEvent {
  const { plan: _plan, signature: _signature, ...rest } = payloadOf(e);
  const act = rest.act && typeof rest.act === 'object' ? { digest: (rest.act as P).digest } : undefined;
  return { ...e, payload: { ...rest, ...(act ? { act } : {}), ...(e.type === ACT_SENT && typeof rest.text === 'string' ? { actDigest: actDigest(rest.text) } : {}) } };
}

function offeredPlan(e: PublishedEvent): OfferedPlan | null {
  const text = str(payloadOf(e).plan);
  if (!text) return null;
  const plan = parsePlanBytes(Buffer.from(text, 'utf8'));
  if (typeof plan === 'string') return null;
  return { quorum: plan.quorum, steps: plan.steps.map((s) => ({ stepId: s.stepId, phaseId: s.phaseId, title: s.title, kind: s.kind })) };
}

/** Every checked run event this window has read, de-duplicated by (workstation, seq). */
export class WarRoomLog {
  private readonly seen = new Set<string>();
  private events: PublishedEvent[] = [];
  private readonly offers = new Map<string, OfferedPlan>();

  /** Takes what a read returned; answers how many run events were new. */
  add(events: readonly PublishedEvent[]): number {
    let added = 0;
    for (const e of events) {
      const key = `${e.workstation}#${e.seq}`;
      if (this.seen.has(key) || runOf(e) === null) continue;
      this.seen.add(key);
      if (e.type === PLAN_OFFERED) {
        const plan = offeredPlan(e);
        if (plan) this.offers.set(key, plan);
      }
      this.events.push(slim(e));
      added += 1;
    }
    if (added) this.events.sort((a, b) => a.at.localeCompare(b.at) || a.workstation.localeCompare(b.workstation) || a.seq - b.seq);
    if (this.events.length > MAX_KEPT_EVENTS) this.events = this.events.slice(this.events.length - MAX_KEPT_EVENTS);
    return added;
  }

  get size(): number {
    return this.events.length;
  }

  /** Shared runs, newest first. */
  runs(): WarRoomRunSummary[] {
    const byRun = new Map<string, PublishedEvent[]>();
    for (const e of this.events) {
      const id = runOf(e)!;
      let list = byRun.get(id);
      if (!list) byRun.set(id, (list = []));
      list.push(e);
    }
    const out: WarRoomRunSummary[] = [];
    for (const [runId, events] of byRun) {
      const board = fold(runId, events, this.offers);
      if (board) out.push(board.summary);
    }
    return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, MAX_RUNS);
  }

  /** One run's board, its timeline and decisions worded in `tr`'s language (the window's). */
  board(runId: string, tr: Translator = translator('en')): WarRoomRunView | null {
    return fold(runId, this.events.filter((e) => runOf(e) === runId), this.offers, tr);
  }
}

/** Steps no event has named yet come after those that happened, in the plan's order. */
const PLANNED_ORDER = 1_000_000;

interface StepAcc extends WarRoomStepView {
  order: number;
}

function newStep(stepId: string, order: number): StepAcc {
  return { stepId, title: null, phaseId: null, kind: null, status: 'pending', actor: null, startedAt: null, finishedAt: null, target: null, exitCode: null, attempts: 0, gates: [], failure: null, skipReason: null, values: null, transcript: null, order };
}

const KINDS = new Set<string>(['attest', 'record', 'check', 'command', 'manual', 'monitor', 'http']);
const kindOf = (v: unknown): StepKind | null => (typeof v === 'string' && KINDS.has(v) ? (v as StepKind) : null);

/** A step's gate results as the engine recorded them (English words, and what was checked as data). */
function recordedGates(v: unknown): GateResult[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((g: P) => (g && typeof g === 'object' && typeof g.gate === 'string'
    ? [{ gate: g.gate, kind: g.kind === 'abort' ? ('abort' as const) : ('expect' as const), passed: g.passed === true, detail: str(g.detail) ?? '', ...(g.level === 'warn' ? { level: 'warn' as const } : {}), ...(g.check && typeof g.check === 'object' ? { check: g.check as GateResult['check'] } : {}) } as GateResult]
    : []));
}

/** The gate results the window shows, worded in `tr`'s language from what was checked (as recorded where it cannot be). */
function gatesOf(v: unknown, tr: Translator): GateResultView[] {
  return recordedGates(v).map((g) => {
    let gate = g.gate;
    let detail = g.detail;
    try {
      gate = gateText(tr.lang, g);
      detail = gateDetailText(tr.lang, g);
    } catch {
      // Another workstation's `check` of a shape this version does not know: its words as recorded.
    }
    return { gate, kind: g.kind, passed: g.passed, detail, ...(g.level === 'warn' ? { level: 'warn' as const } : {}) };
  });
}

function transcriptOf(v: unknown): WarRoomStepView['transcript'] {
  if (!v || typeof v !== 'object') return null;
  const t = v as P;
  return { artifactId: str(t.artifactId), sha256: str(t.sha256), size: num(t.size) ?? 0 };
}

/** A step's failure as the target recorded it, in `tr`'s language where it is one of the target's own sentences. */
function failureOf(v: unknown, tr: Translator): string | null {
  if (!v || typeof v !== 'object') return null;
  const message = str((v as P).message);
  return message === null ? null : failureMessageText(tr.lang, message);
}

/** One run's board from its events (any workstation), oldest first; null until its run.started arrives. */
function fold(runId: string, events: PublishedEvent[], offers: Map<string, OfferedPlan>, tr: Translator = translator('en')): WarRoomRunView | null {
  const start = events.find((e) => e.type === 'run.started');
  if (!start) return null;
  const ops = start.workstation;
  const p0 = payloadOf(start);
  const runbook = (p0.runbook ?? {}) as P;
  let status: RunStatusView = 'ACTIVE';
  let blockedBy: WarRoomRunView['blockedBy'] = null;
  let plan: WarRoomPlanView | null = null;
  let offered: OfferedPlan | null = null;
  const steps = new Map<string, StepAcc>();
  const step = (id: unknown): StepAcc | null => {
    if (typeof id !== 'string') return null;
    let s = steps.get(id);
    if (!s) steps.set(id, (s = newStep(id, steps.size)));
    return s;
  };
  const approvals: WarRoomApprovalView[] = [];
  const sentApprovals: WarRoomApprovalView[] = [];
  const decisions: WarRoomDecisionView[] = [];
  const sentActs: (WarRoomDecisionView & { digest: string | null })[] = [];
  const recordedActs = new Set<string>();
  const timeline: WarRoomTimelineEntry[] = [];

  for (const e of events) {
    const text = timelineText(e, tr);
    if (text !== null) timeline.push({ workstation: e.workstation, seq: e.seq, at: e.at, actor: e.actor, type: e.type, text });
    const p = payloadOf(e);
    if (e.workstation !== ops) {
      const to = (p.to ?? {}) as P;
      if (to.workstation !== ops) continue;
      if (e.type === APPROVAL_SENT) sentApprovals.push({ signer: e.actor, fingerprint: str(p.fingerprint) ?? '', planDigest: str(p.planDigest) ?? '', state: 'sent', workstation: e.workstation, at: e.at });
      if (e.type === ACT_SENT) sentActs.push({ kind: 'sent', state: 'sent', actor: e.actor, workstation: e.workstation, at: e.at, text: text ?? '', verdict: null, digest: str(p.actDigest) });
      continue;
    }
    const digest = str(((p.act ?? {}) as P).digest);
    if (digest) recordedActs.add(digest);
    const s = e.type.startsWith('step.') ? step(p.stepId) : null;
    switch (e.type) {
      case PLAN_OFFERED: {
        offered = offers.get(`${e.workstation}#${e.seq}`) ?? offered;
        plan = { digest: str(p.planDigest) ?? '', workstation: e.workstation, offeredAt: e.at, quorum: offered?.quorum ?? 0, steps: offered?.steps.length ?? 0 };
        break;
      }
      case 'step.started':
        if (s && typeof p.occurrence !== 'number') Object.assign(s, { kind: s.kind ?? kindOf(p.kind), phaseId: s.phaseId ?? str(p.phaseId), status: 'running', actor: e.actor, startedAt: e.at, finishedAt: null, target: str(p.target), attempts: s.attempts + 1, gates: [], failure: null, exitCode: null, transcript: transcriptOf(p.transcript) });
        break;
      case 'step.finished':
        if (s && typeof p.occurrence !== 'number') Object.assign(s, { status: p.status as StepStatusView, finishedAt: e.at, exitCode: num(p.exitCode), gates: gatesOf(p.gates, tr), failure: failureOf(p.failure, tr), transcript: transcriptOf(p.transcript) ?? s.transcript });
        break;
      case 'step.interrupted':
        if (s && typeof p.occurrence !== 'number') Object.assign(s, { status: 'INTERRUPTED', finishedAt: e.at, failure: str(p.reason) });
        break;
      case 'step.attested':
      case 'step.done':
        if (s) Object.assign(s, { status: 'PASS', actor: e.actor, finishedAt: e.at, kind: s.kind ?? (e.type === 'step.attested' ? 'attest' : 'manual') });
        break;
      case 'step.recorded':
        if (s) Object.assign(s, { status: 'PASS', actor: e.actor, finishedAt: e.at, kind: s.kind ?? 'record', values: (p.values ?? null) as Record<string, string> | null });
        break;
      case 'step.skipped':
        if (s) Object.assign(s, { status: 'skipped', actor: e.actor, finishedAt: e.at, skipReason: str(p.reason) });
        break;
      case 'step.not_applicable':
        if (s) Object.assign(s, { status: 'N/A', finishedAt: e.at });
        break;
      case 'run.blocked':
        status = 'BLOCKED';
        // The engine records why in English; worded again in the window's language.
        blockedBy = { stepId: str(p.stepId) ?? '', reason: blockReasonText(tr.lang, str(p.reason) ?? '', recordedGates(p.gates)) };
        break;
      case 'deviation.accepted':
        if (p.cleared === true && status === 'BLOCKED' && blockedBy?.stepId === p.stepId) {
          status = 'ACTIVE';
          blockedBy = null;
        }
        break;
      case 'run.decision': {
        const decision = str(p.decision);
        decisions.push({ kind: 'run.decision', state: 'recorded', actor: e.actor, workstation: e.workstation, at: e.at, text: text ?? '', verdict: decision });
        if (decision === 'retry') {
          const retried = step(p.stepId);
          if (retried) Object.assign(retried, { status: 'pending', exitCode: null, failure: null, gates: [], finishedAt: null });
          if (status === 'BLOCKED') {
            status = 'ACTIVE';
            blockedBy = null;
          }
        } else if (decision === 'rollback') status = 'ROLLBACK';
        else if (decision === 'stop') status = 'STOPPED';
        break;
      }
      case 'decision.recorded':
        decisions.push({ kind: 'decision.recorded', state: 'recorded', actor: e.actor, workstation: e.workstation, at: e.at, text: text ?? '', verdict: str(p.authorization) });
        break;
      case 'approval.added':
        approvals.push({ signer: str(p.signer) ?? e.actor, fingerprint: str(p.fingerprint) ?? '', planDigest: str(p.planDigest) ?? '', state: 'recorded', workstation: e.workstation, at: e.at });
        break;
      case 'run.completed':
        status = 'COMPLETED';
        break;
    }
  }

  // Steps of the plan offered: titled, in the plan's order; steps the plan does not name (attest, record, manual) as their events came.
  for (const [i, entry] of (offered?.steps ?? []).entries()) {
    const s = steps.get(entry.stepId) ?? newStep(entry.stepId, PLANNED_ORDER + i);
    steps.set(entry.stepId, Object.assign(s, { title: entry.title, phaseId: entry.phaseId, kind: entry.kind }));
  }
  if (blockedBy) {
    const blocked = steps.get(blockedBy.stepId);
    if (blocked && blocked.status !== 'PASS' && status === 'BLOCKED') blocked.status = 'BLOCKED';
  }
  const recorded = new Set(approvals.map((a) => `${a.fingerprint} ${a.planDigest}`));
  const summary: WarRoomRunSummary = {
    runId, workstation: ops, runbookId: str(runbook.id) ?? '', runbookTitle: str(runbook.title) ?? str(runbook.id) ?? '', runbookVersion: str(runbook.version) ?? '',
    environment: p0.environment === 'production' ? 'production' : 'rehearsal', operator: str(p0.operator) ?? start.actor, startedAt: start.at, status, lastAt: events.at(-1)!.at,
  };
  return {
    summary,
    blockedBy,
    claimedBy: [...new Set(events.filter((e) => e.type === 'run.started').map((e) => e.workstation))],
    plan,
    steps: [...steps.values()].sort((a, b) => a.order - b.order).map(({ order: _order, ...s }) => s),
    approvals: [...approvals, ...sentApprovals.filter((a) => !recorded.has(`${a.fingerprint} ${a.planDigest}`))],
    decisions: [...decisions, ...sentActs.filter((a) => !a.digest || !recordedActs.has(a.digest)).map(({ digest: _digest, ...a }) => a)].sort((a, b) => a.at.localeCompare(b.at)),
    timeline: timeline.slice(-TIMELINE_LINES),
    timelineTotal: timeline.length,
  };
}
