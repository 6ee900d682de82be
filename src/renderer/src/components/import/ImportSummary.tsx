import type { MarkdownImportView } from '../../../../shared/contract';
import { format, t } from '../../i18n';

/** What the import found: lines mapped and not, the share of list items and code lines, and the TODOs to fill. */
export function ImportSummary({ view, onLine }: { view: MarkdownImportView; onLine: (line: number) => void }) {
  const mapped = view.coverage.filter((l) => l.mapped !== null).length;
  const unmapped = view.coverage.length - mapped;
  return (
    <div className="import-summary" data-testid="import-summary">
      <p data-testid="import-counts" data-mapped={mapped} data-unmapped={unmapped} data-todos={view.todos.length}>
        <strong>{format(t.runbookImport.counts, { mapped, unmapped, todos: view.todos.length })}</strong>
      </p>
      <p className="hint">
        {format(t.runbookImport.percent, {
          percent: view.percent,
          items: view.listItems.mapped,
          itemsTotal: view.listItems.total,
          code: view.codeLines.mapped,
          codeTotal: view.codeLines.total,
        })}
      </p>
      {view.todos.length > 0 && (
        <details className="import-todos">
          <summary>{format(t.runbookImport.todosHeading, { count: view.todos.length })}</summary>
          <ul>
            {view.todos.map((todo, i) => (
              <li key={i}>
                <button type="button" className="link" onClick={() => onLine(todo.line)}>
                  {format(t.runbookImport.todoAt, { line: todo.line })}
                </button>{' '}
                <span className="mono">{todo.where}</span>: {todo.what}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
