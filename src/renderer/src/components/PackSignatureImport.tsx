import { useId, useState, type FormEvent } from 'react';
import type { PackSignatureImportView, PackVerifyView } from '../../../shared/contract';
import { api, errorCode, errorMessage } from '../api';
import { format, t } from '../i18n';
import { useWorkspace } from '../workspace-context';
import { ErrorNotice } from './ErrorNotice';
import { PackVerifyResult } from './PackVerifyResult';

/**
 * A signature made elsewhere (`cutover pack sign` on an approver's own machine): the returned
 * pack's path and whose signature it is; main checks it against the vault's key for them and
 * records it. Then the returned pack is verified again, so the screen shows what it now holds.
 */
export function PackSignatureImport({ runId, onImported }: { runId: string; onImported: () => void }) {
  const { identities } = useWorkspace();
  const ids = useId();
  const [path, setPath] = useState('');
  const [identity, setIdentity] = useState('');
  const [busy, setBusy] = useState(false);
  const [imported, setImported] = useState<PackSignatureImportView | null>(null);
  const [verified, setVerified] = useState<PackVerifyView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  /** Imports that have answered (success or refusal): lets a test wait for this attempt's answer. */
  const [answered, setAnswered] = useState(0);
  const approvers = identities.filter((i) => i.roles.includes('approver'));
  const chosen = approvers.some((a) => a.name === identity) ? identity : (approvers[0]?.name ?? '');

  async function browse() {
    if (!api) return;
    try {
      const picked = await api.files.choose({ purpose: 'pack' });
      if (picked.path) setPath(picked.path);
    } catch (err) {
      setError(err);
    }
  }

  async function importIt(event: FormEvent) {
    event.preventDefault();
    if (!api || !chosen || busy) return;
    const client = api;
    setBusy(true);
    setError(null);
    setVerifyError(null);
    setImported(null);
    setVerified(null);
    try {
      const result = await client.pack.importSignature({ runId, path, identity: chosen });
      // The pack as it came back, verified again (like after signing in the app); shown with the result.
      let report: PackVerifyView | null = null;
      try {
        report = await client.pack.verify({ path });
      } catch (err) {
        setVerifyError(err);
      }
      setImported(result);
      setVerified(report);
      if (!result.alreadyImported) onImported();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setAnswered((n) => n + 1);
    }
  }

  const code = error ? errorCode(error) : null;
  const hints: Record<string, string> = t.decision.importHint;
  const decisionWord = (d: 'approve' | 'reject') => (d === 'approve' ? t.decision.approve : t.decision.reject);

  return (
    <section className="card" aria-labelledby={`${ids}-h`} data-testid="pack-signature-import" data-imports-answered={answered}>
      <h2 id={`${ids}-h`}>{t.decision.importHeading}</h2>
      <p className="hint">{t.decision.importIntro}</p>
      <form onSubmit={(e) => void importIt(e)} aria-busy={busy}>
        <div className="field">
          <label htmlFor={`${ids}-path`}>{t.decision.importPathLabel}</label>
          <div className="input-row">
            <input
              id={`${ids}-path`}
              type="text"
              className="mono"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              required
              aria-invalid={code === 'PACK_INPUT' || code === 'BAD_INPUT' ? true : undefined}
              aria-describedby={error ? `${ids}-error` : undefined}
            />
            <button type="button" onClick={() => void browse()} disabled={busy}>
              {t.decision.importBrowse}
            </button>
          </div>
        </div>
        {approvers.length > 0 ? (
          <div className="field">
            <label htmlFor={`${ids}-identity`}>{t.decision.importIdentity}</label>
            <select id={`${ids}-identity`} value={chosen} onChange={(e) => setIdentity(e.target.value)}>
              {approvers.map((a) => (
                <option key={a.name} value={a.name}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <p className="hint">{t.decision.importNoApprovers}</p>
        )}
        <button type="submit" disabled={busy || !chosen}>
          {busy ? t.decision.importing : t.decision.importSubmit}
        </button>
      </form>
      {imported && (
        <p className="notice notice-ok" role="status" data-signature-imported={imported.alreadyImported ? 'already' : 'new'}>
          <span>{format(imported.alreadyImported ? t.decision.alreadyImported : t.decision.imported, { identity: imported.identity, decision: decisionWord(imported.decision), seq: imported.seq })}</span>
          {imported.reason && <span className="wrap">{format(t.decision.importedReason, { reason: imported.reason })}</span>}
          <span className="mono hint wrap">{imported.fingerprint}</span>
        </p>
      )}
      {verified && <PackVerifyResult verified={verified} label={t.decision.importVerifyHeading} />}
      {error !== null && (
        <div className="notice notice-error" role="alert" id={`${ids}-error`} data-error-code={code}>
          <strong className="notice-title">{t.decision.importFailed}</strong>
          <span className="notice-detail">{errorMessage(error)}</span>
          {code && hints[code] && <span className="hint">{hints[code]}</span>}
        </div>
      )}
      <ErrorNotice error={verifyError} />
    </section>
  );
}
