import { useEffect, useMemo, useRef, useState } from 'react';
import type { ImportCoverageLineView, MarkdownImportView } from '../../../shared/contract';
import { api, errorCode } from '../api';
import { DraftPane } from '../components/import/DraftPane';
import { ImportSummary } from '../components/import/ImportSummary';
import { SaveDraft } from '../components/import/SaveDraft';
import { SourcePane } from '../components/import/SourcePane';
import { ErrorNotice } from '../components/ErrorNotice';
import { format, t } from '../i18n';
import { useWorkspace } from '../workspace-context';

interface Selection {
  element: number | null;
  /** The source line clicked, when the selection came from the source side. */
  line: number | null;
  /** Which side was clicked: the other one scrolls. */
  from: 'source' | 'draft';
}

/**
 * A Markdown runbook beside the draft `cutover runbook import` makes of it: each draft element
 * linked to its source line and back, lines that became nothing marked with why; "Save YAML…".
 */
export function RunbookImport({ onClose }: { onClose: () => void }) {
  const { report } = useWorkspace();
  const heading = useRef<HTMLHeadingElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [chosen, setChosen] = useState<{ path: string; token: string } | null>(null);
  const [view, setView] = useState<MarkdownImportView | null>(null);
  const [selection, setSelection] = useState<Selection | null>(null);

  useEffect(() => heading.current?.focus(), []);

  const coverage = useMemo(() => new Map((view?.coverage ?? []).map((l) => [l.line, l])), [view]);
  const highlighted = useMemo(() => {
    const lines = new Set<number>();
    if (!view || !selection) return lines;
    if (selection.element !== null) for (const n of view.elements[selection.element]!.sourceLines) lines.add(n);
    if (selection.line !== null) lines.add(selection.line);
    return lines;
  }, [view, selection]);

  async function choose() {
    if (!api) return;
    setError(null);
    try {
      const picked = await api.files.choose({ purpose: 'markdown' });
      if (!picked.path || !picked.token) return;
      setBusy(true);
      setView(null);
      setSelection(null);
      setChosen({ path: picked.path, token: picked.token });
      setView(await api.runbook.importMarkdown({ token: picked.token }));
    } catch (err) {
      if (errorCode(err) === 'VAULT_LOCKED') report(err);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  const pickSource = (line: ImportCoverageLineView) => setSelection({ element: line.element, line: line.line, from: 'source' });
  const pickElement = (element: number) => setSelection({ element, line: null, from: 'draft' });
  const showLine = (n: number) => {
    const line = coverage.get(n);
    setSelection({ element: line?.element ?? null, line: n, from: 'draft' });
  };

  const selectedElement = selection?.element ?? null;
  const firstSourceLine = selection ? (selection.line ?? (selectedElement !== null ? view?.elements[selectedElement]?.sourceLines[0] : undefined) ?? null) : null;

  return (
    <div className="runbook-import">
      <h1 tabIndex={-1} ref={heading}>
        {t.runbookImport.heading}
      </h1>
      <p className="muted">{t.runbookImport.intro}</p>
      <section className="card" aria-busy={busy} aria-label={t.runbookImport.chosenLabel}>
        <div className="input-row import-choose">
          <button type="button" onClick={() => void choose()} disabled={busy}>
            {busy ? t.runbookImport.importing : t.runbookImport.choose}
          </button>
          <span className="mono" data-testid="import-path">
            {chosen?.path ?? t.runbookImport.chooseHint}
          </span>
          <button type="button" className="link" onClick={onClose}>
            {t.runbookImport.back}
          </button>
        </div>
        <ErrorNotice error={error} />
      </section>
      {view && chosen && (
        <section className="card" aria-labelledby="import-result-h" data-testid="import-result">
          <h2 id="import-result-h">{format(t.runbookImport.resultHeading, { source: view.source })}</h2>
          <ImportSummary view={view} onLine={showLine} />
          <SaveDraft view={view} markdownToken={chosen.token} />
          <p className="visually-hidden" aria-live="polite" data-testid="import-link-status">
            {selection && selectedElement !== null && firstSourceLine !== null
              ? format(t.runbookImport.linked, { source: firstSourceLine, yaml: view.elements[selectedElement]!.yamlLine, where: view.elements[selectedElement]!.where })
              : ''}
          </p>
          <div className="import-panes">
            <div className="import-pane" data-testid="import-source">
              <h3>{format(t.runbookImport.sourceHeading, { source: view.source })}</h3>
              <SourcePane source={view.source} lines={view.lines} coverage={coverage} selected={highlighted} scrollTo={selection?.from === 'draft' ? firstSourceLine : null} onPick={pickSource} />
            </div>
            <div className="import-pane" data-testid="import-draft">
              <h3>{t.runbookImport.draftHeading}</h3>
              <DraftPane yaml={view.yaml} elements={view.elements} selected={selectedElement} scroll={selection?.from === 'source'} onPick={pickElement} />
            </div>
          </div>
        </section>
      )}
    </div>
  );
}
