import type { PackVerifyView } from '../../../shared/contract';
import { format, t } from '../i18n';

/** A pack's verification as the Decision screen shows it: ok, intact (awaiting signatures) or broken (failed, rejected included). */
export function PackVerifyResult({ verified, label }: { verified: PackVerifyView; label?: string }) {
  const state = verified.verdict === 'VERIFIED' ? 'ok' : verified.verdict === 'AWAITING SIGNATURES' ? 'intact' : 'broken';
  return (
    <div className={`notice ${state === 'ok' ? 'notice-ok' : state === 'intact' ? 'notice-info' : 'notice-error'}`} role="status" aria-label={label} data-pack-verify={state}>
      <strong className="notice-title">{state === 'ok' ? t.decision.verifiedOk : state === 'intact' ? t.decision.verifiedIntact : t.decision.verifiedBroken}</strong>
      <span data-pack-verify-summary>{verified.summary}</span>
      <span>{format(t.decision.filesChecked, { ok: verified.files.ok, total: verified.files.total })}</span>
      {verified.policy && <span>{format(t.decision.policy, { message: verified.policy.message })}</span>}
      {verified.problems.length > 0 && (
        <ul className="problems">
          {verified.problems.slice(0, 10).map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
