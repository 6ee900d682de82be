// `cutover run watch`: runs the occurrences of repeating steps (repeat:) as they fall due and
// says what is due and overdue, until every schedule is over (or once, with `once`). Each
// occurrence is an ordinary execution through the engine: signed, approved where the run needs
// it, recorded in the chain; none blocks the run.
import type { RunEngine, StepOutcome } from './engine';
import type { ScheduleStatus } from './schedule';

export interface WatchOptions {
  /** One pass: run what is due now, then return. */
  once?: boolean;
  signal?: AbortSignal;
  /** Each line of what happens, for people. */
  onLine?: (line: string) => void;
  /** The clock (default Date.now), as the engine's. */
  now?: () => number;
}

export interface WatchResult {
  outcomes: StepOutcome[];
  schedules: ScheduleStatus[];
}

export function describeSchedule(s: ScheduleStatus): string {
  if (!s.firstAt) return `${s.stepId}: every ${s.every} for ${s.for}, starts when the step first passes`;
  if (s.closed || !s.next) return `${s.stepId}: schedule over (${s.runs} runs, window ended ${s.windowEndsAt})`;
  const when = s.next.overdue ? 'OVERDUE since' : s.next.due ? 'due since' : 'next at';
  return `${s.stepId}: ${s.runs} run(s); occurrence ${s.next.n} ${when} ${s.next.dueAt}; window ends ${s.windowEndsAt}${s.running ? ' (one is running)' : ''}`;
}

export async function watchSchedules(engine: RunEngine, runId: string, options: WatchOptions = {}): Promise<WatchResult> {
  const say = options.onLine ?? (() => {});
  const now = options.now ?? Date.now;
  const outcomes: StepOutcome[] = [];
  for (;;) {
    for (const s of engine.schedules(runId)) {
      say(describeSchedule(s));
      if (!s.next?.due || s.running || options.signal?.aborted) continue;
      const outcome = await engine.executeStep(runId, s.stepId, options.signal);
      outcomes.push(outcome);
      say(`${s.stepId} occurrence ${s.next.n}: ${outcome.status}${outcome.failure ? ` (${outcome.failure.kind}: ${outcome.failure.message})` : ''}; transcript ${outcome.transcript.name}`);
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
