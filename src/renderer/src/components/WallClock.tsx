import { lang, t } from '../i18n';
import { useNow } from '../use-now';

const pad = (n: number) => String(n).padStart(2, '0');

/** The wall clock in the header: local time and UTC, both to the second. */
export function WallClock() {
  const now = new Date(useNow());
  const local = now.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  const utc = `${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}`;
  return (
    <div className="wall-clock" data-testid="wall-clock">
      <span className="clock-label">{t.window.clock}</span>
      <time className="mono clock-local" dateTime={now.toISOString()} data-testid="clock-local">
        {local}
      </time>
      <span className="mono clock-utc" data-testid="clock-utc">
        {utc} {t.window.utc}
      </span>
    </div>
  );
}
