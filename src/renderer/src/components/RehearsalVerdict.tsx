import { useState } from 'react';
import type { StepRehearsalView } from '../../../shared/contract';
import { api, errorMessage } from '../api';
import { format, t } from '../i18n';
import { fromBase64 } from '../sha256';

/** The diff is read from the vault up to this much; the whole file is in the pack. */
const DIFF_READ_BYTES = 256 * 1024;

/** "matches rehearsal" beside a step in the timeline. */
export function RehearsalMark({ verdict }: { verdict: StepRehearsalView | null }) {
  if (!verdict) return null;
  return (
    <span className={`rehearsal-mark rehearsal-${verdict.verdict}`} data-rehearsal={verdict.verdict}>
      {' · '}
      {t.run.vsRehearsal.short[verdict.verdict]}
    </span>
  );
}

/**
 * A finished production step against the same step of its rehearsal: the verdict, what differed,
 * the normalised diff (evidence), who accepted a deviation, and while the run is blocked on it,
 * the act the approvers sign to accept it (the engine applies it; nothing is signed here).
 */
export function RehearsalVerdict({ stepId, verdict }: { stepId: string; verdict: StepRehearsalView }) {
  const words = t.run.vsRehearsal;
  const headline =
    verdict.verdict === 'matches' ? words.matches : verdict.verdict === 'differs' ? format(words.differs, { what: verdict.differences.map((d) => d.what).join(', ') }) : words.notInRehearsal;
  return (
    <section className={`rehearsal-verdict notice ${verdict.verdict === 'matches' ? 'notice-ok' : 'notice-info'}`} aria-label={words.heading} data-testid="rehearsal-verdict" data-step={stepId} data-verdict={verdict.verdict}>
      <strong className="notice-title" data-testid="rehearsal-headline">
        {headline}
      </strong>
      {verdict.durationRatio !== null && <span className="hint"> {format(words.duration, { ratio: verdict.durationRatio })}</span>}
      {verdict.verdict === 'differs' && (
        <>
          <p data-testid="rehearsal-deviation" data-deviation={verdict.deviation}>
            {words.deviation[verdict.deviation]}
          </p>
          <ul className="rehearsal-differences">
            {verdict.differences.map((d) => (
              <li key={d.what} className="wrap-anywhere">
                {format(words.difference, { what: d.what, rehearsal: d.rehearsal, production: d.production })}
              </li>
            ))}
          </ul>
        </>
      )}
      {verdict.diff && <DiffEvidence diff={verdict.diff} />}
      {verdict.deviation === 'block' && (
        <p data-testid="rehearsal-accepted">{verdict.accepted.length > 0 ? format(words.acceptedBy, { names: verdict.accepted.map((a) => a.signer).join(', ') }) : words.notAccepted}</p>
      )}
      {verdict.blocking && verdict.acceptCommand && (
        <div data-testid="rehearsal-unblock">
          <p>{format(words.blocked, { quorum: verdict.quorum })}</p>
          <code className="mono wrap block" data-testid="accept-deviation-command">
            {verdict.acceptCommand}
          </code>
          <p className="hint">{words.blockedHow}</p>
        </div>
      )}
    </section>
  );
}

function DiffEvidence({ diff }: { diff: NonNullable<StepRehearsalView['diff']> }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const words = t.run.vsRehearsal;
  async function read() {
    if (!api || text !== null) return;
    try {
      const range = await api.artifacts.readRange({ id: diff.artifactId, offset: 0, length: Math.max(1, Math.min(diff.size, DIFF_READ_BYTES)) });
      setText(new TextDecoder().decode(fromBase64(range.data)));
    } catch (err) {
      setError(errorMessage(err));
    }
  }
  return (
    <details className="rehearsal-diff" onToggle={(e) => (e.currentTarget.open ? void read() : undefined)}>
      <summary>{words.showDiff}</summary>
      <p className="hint mono wrap-anywhere">{format(words.diff, { name: diff.name, sha256: diff.sha256 })}</p>
      {error ? (
        <p className="notice notice-error">{error}</p>
      ) : (
        <pre className="mono wrap" data-testid="rehearsal-diff-text">
          {text ?? words.loading}
        </pre>
      )}
    </details>
  );
}
