// Schedules (hypercare): a check or read-only HTTP step with `repeat: { every: 30m, for: 72h }`
// runs once as any step (the run goes on, and completes, on that first PASS), then again every
// `every` until `for` has passed since that first run. Each later run is an occurrence: its own
// transcript and events in the run's chain, never changing the step's own status, never
// blocking the run. `cutover run watch` runs the occurrences that are due.
import { durationMs, type Step } from '../runbook/schema';
import type { RunState, StepState } from './types';
import { translator } from '../../shared/i18n';

export interface Repeat {
  every: string;
  for: string;
}

export interface ScheduleStatus {
  stepId: string;
  every: string;
  for: string;
  /** When the first PASS run started (the schedule's origin), or null before it. */
  firstAt: string | null;
  /** Runs so far, the first included. */
  runs: number;
  windowEndsAt: string | null;
  /** The next occurrence: its number (2 = the first repeat), when it is due, whether it is due now or overdue (over one interval late). */
  next: { n: number; dueAt: string; due: boolean; overdue: boolean } | null;
  /** The window has ended (or every occurrence has run). */
  closed: boolean;
  /** An occurrence is running now. */
  running: boolean;
}

export function repeatOf(step: Step): Repeat | null {
  return (step.kind === 'check' || step.kind === 'http') && step.repeat ? step.repeat : null;
}

/** Where a repeating step's schedule stands at `now`. */
export function scheduleStatus(step: Step, current: StepState, now: number): ScheduleStatus | null {
  const repeat = repeatOf(step);
  if (!repeat) return null;
  const every = durationMs(repeat.every);
  const window = durationMs(repeat.for);
  const firstAt = current.firstPassAt ?? null;
  const occurrences = current.occurrences ?? [];
  const base = { stepId: step.id, every: repeat.every, for: repeat.for, firstAt, runs: firstAt ? 1 + occurrences.length : 0, running: occurrences.some((o) => o.status === 'running') };
  if (!firstAt) return { ...base, windowEndsAt: null, next: null, closed: false };
  const origin = Date.parse(firstAt);
  const end = origin + window;
  const n = base.runs + 1;
  const dueAt = origin + (n - 1) * every;
  if (dueAt > end || now > end) return { ...base, windowEndsAt: new Date(end).toISOString(), next: null, closed: true };
  return { ...base, windowEndsAt: new Date(end).toISOString(), next: { n, dueAt: new Date(dueAt).toISOString(), due: now >= dueAt, overdue: now - dueAt > every }, closed: false };
}

/** Why an occurrence of this step may not run at `now`, or null (in the run's language). */
export function occurrenceRefusal(state: RunState, status: ScheduleStatus): string | null {
  const tr = translator(state.runbook.language ?? state.wordedIn);
  const step = status.stepId;
  if (state.status === 'STOPPED') return tr.t('engine.schedule.stopped');
  if (status.running) return tr.t('engine.schedule.running', { step });
  if (status.closed || !status.next) return tr.t('engine.schedule.over', { step, every: status.every, for: status.for, firstAt: status.firstAt === null ? String(null) : tr.stamp(status.firstAt) });
  if (!status.next.due) return tr.t('engine.schedule.notYet', { n: status.next.n, step, dueAt: tr.stamp(status.next.dueAt) });
  return null;
}

/** Every repeating step of a run with its schedule at `now`. */
export function schedulesOf(state: RunState, steps: { step: Step }[], now: number): ScheduleStatus[] {
  return steps.flatMap(({ step }) => {
    const current = state.steps.get(step.id);
    const status = current ? scheduleStatus(step, current, now) : null;
    return status ? [status] : [];
  });
}
