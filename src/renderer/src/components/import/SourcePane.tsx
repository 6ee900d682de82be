import { useEffect, useRef } from 'react';
import type { ImportCoverageLineView } from '../../../../shared/contract';
import { format, t } from '../../i18n';
import { LineContent } from './LineContent';

export interface SourcePaneProps {
  source: string;
  lines: string[];
  coverage: Map<number, ImportCoverageLineView>;
  /** Source lines to highlight (those of the selected draft element, or the one clicked). */
  selected: ReadonlySet<number>;
  /** The line to bring into view when the selection changes from the draft side. */
  scrollTo: number | null;
  onPick: (line: ImportCoverageLineView) => void;
}

/**
 * The Markdown with its line numbers. A line that became part of the draft is a button that shows
 * that part; a line that became nothing is marked, with the reason in its title and as text.
 */
export function SourcePane({ source, lines, coverage, selected, scrollTo, onPick }: SourcePaneProps) {
  const pane = useRef<HTMLOListElement>(null);

  useEffect(() => {
    if (scrollTo === null) return;
    pane.current?.querySelector(`[data-source-line="${scrollTo}"]`)?.scrollIntoView({ block: 'center' });
  }, [scrollTo]);

  return (
    <ol className="import-lines" ref={pane} aria-label={format(t.runbookImport.sourceList, { source })} tabIndex={-1}>
      {lines.map((text, index) => {
        const n = index + 1;
        const line = coverage.get(n);
        const state = !line ? 'plain' : line.mapped ? 'mapped' : 'unmapped';
        const isSelected = selected.has(n);
        const why = format(t.runbookImport.unmapped, { why: line?.why ?? '' });
        return (
          <li
            key={n}
            data-source-line={n}
            data-state={state}
            data-selected={isSelected ? 'true' : undefined}
            className={`import-line ${state}${isSelected ? ' selected' : ''}`}
            title={state === 'unmapped' ? why : line?.mapped ? format(t.runbookImport.mapped, { what: line.mapped }) : undefined}
          >
            <LineContent
              n={n}
              text={text}
              after={
                state === 'unmapped' && (
                  <span className="import-why">
                    <span aria-hidden="true"> ⚠ </span>
                    <span className="visually-hidden">{why}</span>
                  </span>
                )
              }
              link={line && line.element !== null ? { pressed: isSelected, onClick: () => onPick(line) } : undefined}
            />
          </li>
        );
      })}
    </ol>
  );
}
