import { useEffect, useId, useRef, useState } from 'react';
import type { RunView, ScheduleView } from '../../../shared/contract';
import { api } from '../api';
import { formatTime } from '../format';
import { format, t } from '../i18n';
import { useNow } from '../use-now';
import { ErrorNotice } from './ErrorNotice';

type State = 'waiting' | 'due' | 'overdue' | 'running' | 'over' | 'unstarted';

/** Where a schedule stands now: the view's due flags are as of its reading, the clock moves on. */
function stateOf(s: ScheduleView, now: number): State {
  if (!s.firstAt) return 'unstarted';
  if (s.closed || !s.next) return 'over';
  if (s.running) return 'running';
  if (s.next.overdue) return 'overdue';
  return s.next.due || Date.parse(s.next.dueAt) <= now ? 'due' : 'waiting';
}

/**
 * The run's repeating steps (repeat:): each occurrence as it falls due, run by the person acting here
 * (signed like any execution), by hand or — while this console is open and "run as they fall due" is
 * on — by itself. An occurrence never changes the step's status or blocks the run.
 */
export function Schedules({ run, actor, onRun }: { run: RunView; actor: string | null; onRun: (view: RunView) => void }) {
  const ids = useId();
  const now = useNow(1000);
  const [auto, setAuto] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const inFlight = useRef(new Set<string>());

  async function runOccurrence(stepId: string) {
    if (!api || !actor || inFlight.current.has(stepId)) return;
    inFlight.current.add(stepId);
    setBusy(stepId);
    setError(null);
    try {
      onRun(await api.step.execute({ runId: run.runId, stepId, actor }));
    } catch (err) {
      setError(err);
      setAuto(false); // a refusal stops the automatic runs: a person reads why first
    } finally {
      inFlight.current.delete(stepId);
      setBusy(null);
    }
  }

  const due = run.schedules.filter((s) => ['due', 'overdue'].includes(stateOf(s, now))).map((s) => s.stepId);
  const dueKey = due.join(',');
  useEffect(() => {
    if (!auto || !actor || !dueKey) return;
    // Started from a timer, not the effect's body: each run answers later and sets state then.
    const timer = setTimeout(() => {
      for (const stepId of dueKey.split(',')) void runOccurrence(stepId);
    }, 0);
    return () => clearTimeout(timer);
    // runOccurrence reads refs and this render's props; re-running it on their every change would start nothing new.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [auto, actor, dueKey]);

  if (run.schedules.length === 0) return null;
  return (
    <section className="card schedules" aria-labelledby={`${ids}-h`} data-testid="schedules">
      <h2 id={`${ids}-h`}>{t.schedules.heading}</h2>
      <p className="muted">{t.schedules.intro}</p>
      <label className="inline">
        <input type="checkbox" checked={auto} disabled={!actor} onChange={(e) => setAuto(e.target.checked)} /> {actor ? format(t.schedules.auto, { actor }) : t.schedules.actFirst}
      </label>
      <ul className="plain">
        {run.schedules.map((s) => {
          const state = stateOf(s, now);
          return (
            <li key={s.stepId} data-schedule={s.stepId} data-state={state}>
              <span className="mono">{s.stepId}</span> — {format(t.schedules.every, { every: s.every, for: s.for, runs: s.runs })}{' '}
              <span className={state === 'overdue' ? 'err-text' : undefined}>
                {state === 'over' && format(t.schedules.over, { at: s.windowEndsAt ? formatTime(s.windowEndsAt) : '' })}
                {state === 'unstarted' && t.schedules.unstarted}
                {s.next && state !== 'over' && state !== 'unstarted' && format(t.schedules.state[state], { n: s.next.n, at: formatTime(s.next.dueAt) })}
              </span>
              {s.next && (state === 'due' || state === 'overdue' || state === 'waiting') && (
                <button type="button" className="small" disabled={!actor || state === 'waiting' || busy === s.stepId} onClick={() => void runOccurrence(s.stepId)}>
                  {format(t.schedules.runNow, { n: s.next.n, actor: actor ?? '' })}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <ErrorNotice error={error} />
    </section>
  );
}
