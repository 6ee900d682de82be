import { useEffect, useId, useState, type FormEvent } from 'react';
import type { IncidentView } from '../../../shared/contract';
import { api } from '../api';
import { format, t } from '../i18n';
import { ErrorNotice } from './ErrorNotice';

/** The post-incident report of a run that did not pass, generated from the same evidence. */
export function IncidentPanel({ runId }: { runId: string }) {
  const ids = useId();
  const [report, setReport] = useState<IncidentView | null>(null);
  const [dir, setDir] = useState('');
  const [saved, setSaved] = useState<{ markdown: string; pdf: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pdfNote, setPdfNote] = useState<string | null>(null);

  useEffect(() => {
    if (!api) return;
    let current = true;
    api.incident.get({ runId }).then((r) => current && setReport(r), (err: unknown) => current && setError(err));
    return () => {
      current = false;
    };
  }, [runId]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!api) return;
    setError(null);
    try {
      setSaved(await api.incident.save({ runId, dir }));
    } catch (err) {
      setError(err);
    }
  }

  async function openPdf(path: string) {
    if (!api) return;
    try {
      const result = await api.files.openPdf({ path });
      setPdfNote(result.opened ? null : format(t.decision.pdfUnavailable, { path }));
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="card" aria-labelledby={`${ids}-h`} data-testid="incident-report">
      <h2 id={`${ids}-h`}>{t.decision.incidentHeading}</h2>
      <p className="hint">{t.decision.incidentIntro}</p>
      {report && (
        // Scrolls: focusable, so a keyboard can scroll it too.
        <pre className="code incident" tabIndex={0} aria-label={t.decision.incidentHeading}>
          {report.markdown}
        </pre>
      )}
      <form onSubmit={(e) => void save(e)}>
        <div className="field">
          <label htmlFor={`${ids}-dir`}>{t.decision.incidentDirLabel}</label>
          <input id={`${ids}-dir`} type="text" className="mono" value={dir} onChange={(e) => setDir(e.target.value)} autoComplete="off" spellCheck={false} required />
        </div>
        <button type="submit">{t.decision.saveIncident}</button>
      </form>
      {saved && (
        <div className="notice notice-ok" role="status">
          <span className="wrap">{format(t.decision.savedIncident, { markdown: saved.markdown, pdf: saved.pdf })}</span>
          <button type="button" className="small" onClick={() => void openPdf(saved.pdf)}>
            {t.decision.openIncidentPdf}
          </button>
        </div>
      )}
      {pdfNote && <p className="hint wrap">{pdfNote}</p>}
      <ErrorNotice error={error} />
    </section>
  );
}
