import type { ReactNode } from 'react';
import { format, t } from '../../i18n';

/**
 * One numbered line of the source or the draft: a button when it links to the other side, plain
 * otherwise. The number is read out as "Line N" (the visible one is hidden from screen readers).
 */
export function LineContent({ n, text, after, link }: { n: number; text: string; after?: ReactNode; link?: { pressed: boolean; title?: string; onClick: () => void } }) {
  const body = (
    <>
      <span className="import-ln" aria-hidden="true">
        {n}
      </span>
      <span className="visually-hidden">{format(t.runbookImport.lineLabel, { line: n })}: </span>
      <span className="import-text">{text || ' '}</span>
      {after}
    </>
  );
  if (!link) return <div className="import-static">{body}</div>;
  return (
    <button type="button" className="import-link" aria-pressed={link.pressed} title={link.title} onClick={link.onClick}>
      {body}
    </button>
  );
}
