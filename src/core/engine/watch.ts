// `cutover run watch`: runs the occurrences of repeating steps (repeat:) as they fall due and
// says what is due and overdue, until every schedule is over (or once, with `once`). Each
// occurrence is an ordinary execution through the engine: signed, approved where the run needs
// it, recorded in the chain; none blocks the run.
import type { RunEngine, StepOutcome } from './engine';
import type { ScheduleStatus } from './schedule';
import { translator, type Lang, type Translator } from '../../shared/i18n';
import { failureText } from '../reports/failure-words';

export interface WatchOptions {
  /** One pass: run what is due now, then return. */
  once?: boolean;
  signal?: AbortSignal;
  /** Each line of what happens, for people. */
  onLine?: (line: string) => void;
  /** The clock (default Date.now), as the engine's. */
  now?: () => number;
  /** The language of the lines (the run's; default English). */
  lang?: Lang;
}

export interface WatchResult {
  outcomes: StepOutcome[];
  schedules: ScheduleStatus[];
}

export function describeSchedule(s: ScheduleStatus, tr: Translator = translator('en')): string {
  if (!s.firstAt) return tr.t('watch.startsLater', { step: s.stepId, every: s.every, for: s.for });
  if (s.closed || !s.next) return tr.t('watch.over', { step: s.stepId, runs: s.runs, endedAt: tr.stamp(s.windowEndsAt ?? '—') });
  const when = tr.t(s.next.overdue ? 'watch.when.overdue' : s.next.due ? 'watch.when.due' : 'watch.when.later');
  return tr.t('watch.next', { step: s.stepId, runs: s.runs, n: s.next.n, when, dueAt: tr.stamp(s.next.dueAt), endsAt: tr.stamp(s.windowEndsAt ?? '—'), running: s.running ? tr.t('watch.running') : '' });
}

const STEP_STATUSES = { PASS: 1, FAIL: 1, INTERRUPTED: 1 } as const;

/** What an occurrence came to, in `tr`'s language (English as the engine words it). */
export function describeOccurrence(stepId: string, n: number, outcome: StepOutcome, tr: Translator = translator('en')): string {
  const status = outcome.status in STEP_STATUSES ? tr.t(`stepStatus.${outcome.status as keyof typeof STEP_STATUSES}`) : outcome.status;
  const failure = !outcome.failure ? '' : tr.lang === 'en' ? ` (${outcome.failure.kind}: ${outcome.failure.message})` : ` (${failureText(tr.lang, outcome.failure)})`;
  return tr.t('watch.occurrence', { step: stepId, n, status, failure, transcript: outcome.transcript.name });
}

export async function watchSchedules(engine: RunEngine, runId: string, options: WatchOptions = {}): Promise<WatchResult> {
  const say = options.onLine ?? (() => {});
  const now = options.now ?? Date.now;
  const tr = translator(options.lang);
  const outcomes: StepOutcome[] = [];
  for (;;) {
    for (const s of engine.schedules(runId)) {
      say(describeSchedule(s, tr));
      if (!s.next?.due || s.running || options.signal?.aborted) continue;
      let outcome: StepOutcome;
      try {
        outcome = await engine.executeStep(runId, s.stepId, options.signal);
      } catch (error) {
        // The window can close between reading the schedule and the engine's own check (an
        // occurrence due at the window's very end): that ends the schedule, not the watch.
        const again = engine.schedules(runId).find((x) => x.stepId === s.stepId);
        if (again?.closed) {
          say(describeSchedule(again, tr));
          continue;
        }
        throw error;
      }
      outcomes.push(outcome);
      say(describeOccurrence(s.stepId, s.next.n, outcome, tr));
    }
    const schedules = engine.schedules(runId);
    const pending = schedules.filter((s) => s.next && !s.closed);
    if (options.once || options.signal?.aborted || pending.length === 0) return { outcomes, schedules };
    const nextDue = Math.min(...pending.map((s) => Date.parse(s.next!.dueAt)));
    const wait = Math.max(0, nextDue - now());
    if (wait > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        options.signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
      });
    }
  }
}
