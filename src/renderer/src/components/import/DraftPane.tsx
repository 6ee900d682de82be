import { useEffect, useMemo, useRef } from 'react';
import type { ImportElementView } from '../../../../shared/contract';
import { format, t } from '../../i18n';
import { LineContent } from './LineContent';

export interface DraftPaneProps {
  yaml: string;
  elements: ImportElementView[];
  /** The selected element (an index into `elements`), or null. */
  selected: number | null;
  /** Bring the selected element into view (the selection came from the source side). */
  scroll: boolean;
  onPick: (element: number) => void;
}

/**
 * The draft YAML with its line numbers. The first line of each element that came from the
 * Markdown is a button that shows its source line; the selected element is highlighted from its
 * `# from` comment to the next element.
 */
export function DraftPane({ yaml, elements, selected, scroll, onPick }: DraftPaneProps) {
  const pane = useRef<HTMLOListElement>(null);
  const lines = useMemo(() => yaml.replace(/\n$/, '').split('\n'), [yaml]);
  const startOf = useMemo(() => new Map(elements.map((e, i) => [e.yamlLine, i])), [elements]);
  const range = useMemo(() => {
    if (selected === null) return null;
    const element = elements[selected]!;
    const next = elements.find((e) => e.yamlLine > element.yamlLine);
    return { from: element.yamlLine - 1, to: next ? next.yamlLine - 2 : element.yamlLine };
  }, [elements, selected]);

  useEffect(() => {
    if (!scroll || selected === null) return;
    pane.current?.querySelector(`[data-yaml-line="${elements[selected]!.yamlLine}"]`)?.scrollIntoView({ block: 'center' });
  }, [scroll, selected, elements]);

  return (
    <ol className="import-lines" ref={pane} aria-label={t.runbookImport.draftList} tabIndex={-1}>
      {lines.map((text, index) => {
        const n = index + 1;
        const element = startOf.get(n);
        const inRange = range !== null && n >= range.from && n <= range.to;
        const todo = /\bTODO\b/.test(text) && !text.trimStart().startsWith('#');
        return (
          <li key={n} data-yaml-line={n} data-element={element} data-selected={inRange ? 'true' : undefined} className={`import-line${inRange ? ' selected' : ''}${todo ? ' todo' : ''}`}>
            <LineContent
              n={n}
              text={text}
              link={element !== undefined ? { pressed: selected === element, title: format(t.runbookImport.fromSource, { lines: elements[element]!.sourceLines.join(', ') }), onClick: () => onPick(element) } : undefined}
            />
          </li>
        );
      })}
    </ol>
  );
}
