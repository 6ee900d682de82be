import { useId, useState, type FormEvent } from 'react';
import type { PackExportView, PackVerifyView } from '../../../shared/contract';
import { api } from '../api';
import { formatBytes, shortHash } from '../format';
import { format, t } from '../i18n';
import { useWorkspace } from '../workspace-context';
import { ErrorNotice } from './ErrorNotice';
import { PackVerifyResult } from './PackVerifyResult';

/** The decision pack: export it, verify it, have approvers sign it, open its PDF. */
export function PackPanel({ runId, onChanged }: { runId: string; onChanged: () => void }) {
  const { actor, keys } = useWorkspace();
  const ids = useId();
  const [outDir, setOutDir] = useState('');
  const [built, setBuilt] = useState<PackExportView | null>(null);
  const [verifyPath, setVerifyPath] = useState('');
  const [verified, setVerified] = useState<PackVerifyView | null>(null);
  const [signer, setSigner] = useState('');
  const [verdict, setVerdict] = useState<'approve' | 'reject'>('approve');
  const [reason, setReason] = useState('');
  const [signed, setSigned] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pdfNote, setPdfNote] = useState<string | null>(null);
  // Only an approver whose key is usable here signs the pack here; others sign it with `cutover pack sign` and it is imported.
  const approvers = keys.keys.filter((k) => k.roles.includes('approver'));
  const chosen = approvers.some((a) => a.name === signer) ? signer : (approvers[0]?.name ?? '');

  async function step<T>(name: string, call: () => Promise<T>): Promise<T | null> {
    setBusy(name);
    setError(null);
    try {
      return await call();
    } catch (err) {
      setError(err);
      return null;
    } finally {
      setBusy(null);
    }
  }

  async function exportIt(event: FormEvent) {
    event.preventDefault();
    if (!api || !actor) return;
    const client = api;
    const result = await step('export', () => client.pack.export({ runId, outDir, actor }));
    if (result) {
      setBuilt(result);
      setVerifyPath(result.zip);
      setVerified(null);
      onChanged();
    }
  }

  async function verifyIt(event?: FormEvent) {
    event?.preventDefault();
    if (!api) return;
    const client = api;
    const result = await step('verify', () => client.pack.verify({ path: verifyPath }));
    if (result) setVerified(result);
  }

  async function signIt(event: FormEvent) {
    event.preventDefault();
    if (!api || !chosen) return;
    const client = api;
    const result = await step('sign', () => client.pack.sign({ path: verifyPath, identity: chosen, decision: verdict, ...(reason.trim() ? { reason } : {}) }));
    if (result) {
      setSigned(format(t.decision.signed, { identity: result.identity, decision: result.decision, fingerprint: result.fingerprint }));
      await verifyIt();
    }
  }

  async function openPdf(path: string) {
    if (!api) return;
    const client = api;
    const result = await step('pdf', () => client.files.openPdf({ path }));
    setPdfNote(result?.opened ? null : format(t.decision.pdfUnavailable, { path }));
  }

  return (
    <section className="card" aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t.decision.packHeading}</h2>
      <p className="hint">{t.decision.packIntro}</p>
      <form onSubmit={(e) => void exportIt(e)}>
        <div className="field">
          <label htmlFor={`${ids}-out`}>{t.decision.outDirLabel}</label>
          <input id={`${ids}-out`} type="text" className="mono" value={outDir} onChange={(e) => setOutDir(e.target.value)} autoComplete="off" spellCheck={false} required />
        </div>
        <button type="submit" className="primary" disabled={busy !== null || !actor}>
          {busy === 'export' ? t.decision.exporting : t.decision.export}
        </button>
      </form>
      {built && (
        <div className="notice notice-ok" role="status" data-testid="pack-exported">
          <span>{format(t.decision.exported, { files: built.files.length, folder: built.folder, zip: built.zip, bytes: formatBytes(built.zipBytes) })}</span>
          <span className="mono hint wrap">{format(t.decision.zipSha, { hash: shortHash(built.zipSha256), manifest: shortHash(built.manifestSha256) })}</span>
          {built.pdf && (
            <button type="button" className="small" onClick={() => void openPdf(built.pdf!)}>
              {t.decision.openPdf}
            </button>
          )}
        </div>
      )}
      {pdfNote && <p className="hint wrap">{pdfNote}</p>}
      <form onSubmit={(e) => void verifyIt(e)}>
        <div className="field">
          <label htmlFor={`${ids}-verify`}>{t.decision.verifyPathLabel}</label>
          <input id={`${ids}-verify`} type="text" className="mono" value={verifyPath} onChange={(e) => setVerifyPath(e.target.value)} autoComplete="off" spellCheck={false} required />
        </div>
        <button type="submit" disabled={busy !== null}>
          {busy === 'verify' ? t.decision.verifying : t.decision.verify}
        </button>
      </form>
      {verified && <PackVerifyResult verified={verified} />}
      {verified?.intact && approvers.length > 0 && (
        <form onSubmit={(e) => void signIt(e)} aria-labelledby={`${ids}-sign`}>
          <h3 id={`${ids}-sign`}>{t.decision.signHeading}</h3>
          <div className="field">
            <label htmlFor={`${ids}-signer`}>{t.decision.signAs}</label>
            <select id={`${ids}-signer`} value={chosen} onChange={(e) => setSigner(e.target.value)}>
              {approvers.map((a) => (
                <option key={a.name} value={a.name}>
                  {a.name} · {a.fingerprint}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="segmented">
            <legend>{t.decision.signDecision}</legend>
            {(['approve', 'reject'] as const).map((v) => (
              <label key={v}>
                <input type="radio" name={`${ids}-verdict`} checked={verdict === v} onChange={() => setVerdict(v)} />
                <span>{v === 'approve' ? t.decision.approve : t.decision.reject}</span>
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor={`${ids}-reason`}>{t.decision.reason}</label>
            <input id={`${ids}-reason`} type="text" value={reason} onChange={(e) => setReason(e.target.value)} autoComplete="off" />
          </div>
          <button type="submit" disabled={busy !== null || !chosen}>
            {busy === 'sign' ? t.decision.signing : format(t.decision.sign, { identity: chosen })}
          </button>
          {signed && (
            <p className="notice notice-ok" role="status">
              {signed}
            </p>
          )}
        </form>
      )}
      <ErrorNotice error={error} />
    </section>
  );
}
