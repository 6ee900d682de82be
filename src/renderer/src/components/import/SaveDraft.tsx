import { useState } from 'react';
import type { ImportedDraftSaved, MarkdownImportView } from '../../../../shared/contract';
import { api, errorCode } from '../../api';
import { format, t } from '../../i18n';
import { ErrorNotice } from '../ErrorNotice';
import { StatusNotice } from '../StatusNotice';

/** The file name the save dialog suggests: the Markdown's, as .yaml. */
function draftName(source: string): string {
  return `${source.replace(/\.(md|markdown)$/i, '')}.yaml`;
}

/**
 * "Save YAML…": main's save dialog picks the file; main writes the draft (imported again, and only
 * if it is still the one shown). An existing file is replaced only after the person confirms here.
 */
export function SaveDraft({ view, markdownToken }: { view: MarkdownImportView; markdownToken: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<ImportedDraftSaved | null>(null);
  const [existing, setExisting] = useState<{ path: string; token: string } | null>(null);

  async function write(chosen: { path: string; token: string }, overwrite: boolean) {
    if (!api) return;
    setBusy(true);
    setError(null);
    try {
      setSaved(await api.runbook.saveImportedDraft({ source: markdownToken, token: chosen.token, yamlSha256: view.yamlSha256, overwrite }));
      setExisting(null);
    } catch (err) {
      if (errorCode(err) === 'DRAFT_EXISTS') setExisting(chosen);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function save() {
    if (!api) return;
    setSaved(null);
    setExisting(null);
    setError(null);
    try {
      const chosen = await api.files.choose({ purpose: 'draft', name: draftName(view.source) });
      if (chosen.path && chosen.token) await write({ path: chosen.path, token: chosen.token }, false);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="import-save" aria-busy={busy}>
      <button type="button" className="primary" onClick={() => void save()} disabled={busy}>
        {busy ? t.runbookImport.saving : t.runbookImport.save}
      </button>
      {existing && (
        <div className="notice notice-warn" role="alert" data-testid="draft-exists">
          <p>{format(t.runbookImport.exists, { path: existing.path })}</p>
          <div className="actions">
            <button type="button" onClick={() => void write(existing, true)} disabled={busy}>
              {t.runbookImport.replace}
            </button>
            <button type="button" onClick={() => setExisting(null)} disabled={busy}>
              {t.runbookImport.cancel}
            </button>
          </div>
        </div>
      )}
      <ErrorNotice error={error} />
      <StatusNotice>{saved && format(t.runbookImport.saved, { path: saved.path, bytes: saved.bytes })}</StatusNotice>
    </div>
  );
}
