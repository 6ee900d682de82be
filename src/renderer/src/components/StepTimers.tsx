import type { RunbookStepView, StepStateView } from '../../../shared/contract';
import { format, t } from '../i18n';
import { durationMs, formatDuration, useNow } from '../use-now';

/**
 * On a running step: how long it has run, the countdown to its time limit when it has one,
 * and for a monitor the time left in its window. Ticks every second.
 */
export function StepTimers({ step, spec }: { step: StepStateView; spec: RunbookStepView }) {
  const now = useNow();
  if (step.status !== 'running' || !step.startedAt) return null;
  const started = new Date(step.startedAt).getTime();
  const elapsed = now - started;
  const limit = durationMs(spec.timeout);
  const monitorWindow = durationMs(spec.window);
  return (
    <p className="step-timers" role="timer" data-testid="step-timers">
      <span className="timer" data-testid="step-elapsed">
        {format(t.window.elapsed, { time: formatDuration(elapsed) })}
      </span>
      {limit !== null && (
        <span className={`timer${elapsed > limit ? ' timer-over' : ''}`} data-testid="step-countdown">
          {elapsed > limit ? format(t.window.overdue, { time: formatDuration(elapsed - limit) }) : format(t.window.timeLeft, { time: formatDuration(limit - elapsed) })}
        </span>
      )}
      {monitorWindow !== null && (
        <span className="timer" data-testid="monitor-window">
          {elapsed < monitorWindow ? format(t.window.windowLeft, { time: formatDuration(monitorWindow - elapsed) }) : t.window.windowDone}
        </span>
      )}
    </p>
  );
}
