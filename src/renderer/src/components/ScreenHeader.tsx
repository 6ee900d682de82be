import type { ReactNode } from 'react';

/** A screen's heading (focusable, so navigation can move focus to it) and its muted intro line, if any. */
export function ScreenHeader({ heading, intro }: { heading: ReactNode; intro?: ReactNode }) {
  return (
    <>
      <h1 tabIndex={-1}>{heading}</h1>
      {intro !== undefined && <p className="muted">{intro}</p>}
    </>
  );
}
