// A run's clock: the signed offset from T-0, the same in the window, the CLI, the PDF, the scribe
// timeline and the broadcasts.

/** "T-02:15" / "T+1:02:03" for a signed offset in ms. */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  let rest = Math.round(Math.abs(ms) / 1000);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  if (h === 0 && m === 0 && s === 0) return 'T-0';
  return h ? `T${sign}${h}:${mm}:${ss}` : `T${sign}${mm}:${ss}`;
}
