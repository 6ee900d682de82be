import { useState } from 'react';
import type { VerifyResult } from '../../../shared/contract';
import { api } from '../api';
import { formatBytes, formatCount, shortHash } from '../format';
import { format, t } from '../i18n';

/** Walks the whole chain and every artifact in main, and says what it found. */
export function VerifyPanel({ onError }: { onError: (error: unknown) => void }) {
  const [result, setResult] = useState<VerifyResult | null>(null);
  const [running, setRunning] = useState(false);

  async function verify() {
    if (!api) return;
    setRunning(true);
    setResult(null);
    try {
      setResult(await api.vault.verify());
    } catch (err) {
      onError(err);
    } finally {
      setRunning(false);
    }
  }

  return (
    <div className="verify">
      <button type="button" className="primary" onClick={() => void verify()} disabled={running} aria-controls="verify-result">
        {running ? t.verify.running : t.verify.button}
      </button>
      <div id="verify-result" className="verify-result" role="status" aria-live="polite">
        {result && <VerifyOutcome result={result} />}
      </div>
    </div>
  );
}

function VerifyOutcome({ result }: { result: VerifyResult }) {
  const counts = format(t.verify.okDetail, {
    events: formatCount(result.events),
    artifacts: formatCount(result.artifacts),
    bytes: formatBytes(result.bytes),
    ms: formatCount(result.durationMs),
    head: shortHash(result.headHash),
  });
  const incomplete =
    result.incompleteArtifacts.length > 0 ? (
      <p className="notice-line warning">{format(t.verify.incomplete, { names: result.incompleteArtifacts.map((a) => a.name).join(', ') })}</p>
    ) : null;

  if (result.ok) {
    return (
      <div className="notice notice-ok" data-verify="ok">
        <strong className="notice-title">{t.verify.okTitle}</strong>
        <span className="notice-detail">{counts}</span>
        {incomplete}
      </div>
    );
  }
  return (
    <div className="notice notice-error" data-verify="failed">
      <strong className="notice-title">{t.verify.failTitle}</strong>
      <ul className="problems">
        {result.corruption && <li>{format(t.verify.corruption, { message: result.corruption.message })}</li>}
        {result.firstBadEvent && <li>{format(t.verify.firstBadEvent, { ref: result.firstBadEvent.ref, message: result.firstBadEvent.message })}</li>}
        {result.badArtifacts.map((problem) => (
          <li key={problem.ref}>{format(t.verify.badArtifact, { ref: problem.ref, message: problem.message })}</li>
        ))}
      </ul>
      {incomplete}
    </div>
  );
}
