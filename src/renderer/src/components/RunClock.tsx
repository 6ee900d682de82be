// The run's clock: what T-0 is (the planned T-0 set at start, else the first command's start)
// and where the run stands against it now, ticking. The PDF, the scribe timeline and the
// broadcasts count from the same T-0.
import type { RunView } from '../../../shared/contract';
import { formatOffset } from '../../../shared/t-offset';
import { formatTime } from '../format';
import { format, t } from '../i18n';
import { useNow } from '../use-now';

export function RunClock({ run }: { run: RunView }) {
  const now = useNow();
  const zero = run.timeZero;
  const closed = run.status === 'COMPLETED' || run.status === 'STOPPED';
  return (
    <div data-testid="run-clock">
      <time dateTime={zero.at}>{formatTime(zero.at)}</time> <span className="hint">({t.run.t0Source[zero.source]})</span>
      {!closed && <div className="mono" data-testid="run-clock-now">{format(t.run.t0Now, { offset: formatOffset(now - Date.parse(zero.at)) })}</div>}
    </div>
  );
}
