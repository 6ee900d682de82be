import { useId } from 'react';
import type { AbortGateView, DecisionView, RequiredEvidenceView } from '../../../shared/contract';
import { formatBytes, shortHash } from '../format';
import { format, t } from '../i18n';

type EvidenceStatus = RequiredEvidenceView['status'];

/** A symbol beside the words, so a state never depends on the symbol or its colour alone. */
const EVIDENCE_SYMBOL: Record<EvidenceStatus, string> = {
  present: '✓',
  incomplete: '!',
  missing: '✗',
  'not-applicable': '–',
};

const ABORT_SYMBOL: Record<AbortGateView['outcome'], string> = {
  matched: '✗',
  clear: '✓',
  'not-run': '○',
  'not-judged': '?',
};

/**
 * "14 of 15 present; 1 MISSING". Files only an untaken rollback path writes are not counted
 * (as in the decision and its PDF), and are named last.
 */
export function requiredEvidenceSummary(rows: RequiredEvidenceView[]): string {
  const count = (status: EvidenceStatus) => rows.filter((r) => r.status === status).length;
  const head = format(t.decision.requiredSummary, { present: count('present'), total: rows.length - count('not-applicable') });
  const rest = (['missing', 'incomplete', 'not-applicable'] as const)
    .filter((status) => count(status) > 0)
    .map((status) => format(t.decision.requiredProblem[status], { count: count(status) }));
  return [head, ...rest].join('; ');
}

/**
 * The runbook's evidence pack on the Decision screen: one row per required file with whether
 * this run holds it, its hash and size, the step that writes it, and why it is not there;
 * then the abort gates the runbook declares, with what each made of the output.
 */
export function RequiredEvidence({ decision }: { decision: DecisionView }) {
  const ids = useId();
  const rows = decision.requiredEvidence;
  const worst = rows.some((r) => r.status === 'missing') ? 'missing' : rows.some((r) => r.status === 'incomplete') ? 'incomplete' : 'present';
  return (
    <section className="card required-evidence" aria-labelledby={`${ids}-h`} data-testid="required-evidence">
      <h2 id={`${ids}-h`}>{t.decision.requiredHeading}</h2>
      <p className="hint">{t.decision.requiredIntro}</p>
      {rows.length === 0 ? (
        <p className="muted">{t.decision.requiredNone}</p>
      ) : (
        <>
          <p className={`required-summary evidence-${worst}`} data-testid="required-evidence-summary" data-worst={worst}>
            <span aria-hidden="true">{EVIDENCE_SYMBOL[worst]} </span>
            {requiredEvidenceSummary(rows)}
          </p>
          {/* Focusable: in a narrow window the table scrolls sideways, and the keyboard must reach it. */}
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby={`${ids}-caption`}>
            <table className="required-evidence-table">
              <caption id={`${ids}-caption`}>{t.decision.requiredCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.decision.requiredFile}</th>
                  <th scope="col">{t.decision.requiredStatus}</th>
                  <th scope="col">{t.decision.requiredHash}</th>
                  <th scope="col" className="num">
                    {t.decision.requiredSize}
                  </th>
                  <th scope="col">{t.decision.requiredStep}</th>
                  <th scope="col">{t.decision.requiredReason}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.name} data-evidence={r.name} data-status={r.status} className={`evidence-row-${r.status}`}>
                    <th scope="row" className="mono wrap evidence-name">
                      {r.name}
                    </th>
                    <td>
                      <span className={`badge evidence-${r.status}`}>
                        <span aria-hidden="true">{EVIDENCE_SYMBOL[r.status]} </span>
                        {t.decision.requiredState[r.status]}
                      </span>
                    </td>
                    <td>
                      {r.sha256 ? (
                        <code className="evidence-hash" data-sha256={r.sha256} title={format(t.decision.requiredFullHash, { hash: r.sha256 })}>
                          {shortHash(r.sha256)}
                        </code>
                      ) : (
                        <span className="muted">{t.common.none}</span>
                      )}
                    </td>
                    <td className="num" data-size={r.size ?? undefined}>
                      {r.size === null ? <span className="muted">{t.common.none}</span> : formatBytes(r.size)}
                    </td>
                    <td>
                      {r.stepId ? (
                        <>
                          <span className="mono">{r.stepId}</span>
                          {r.stepStatus && <span className="hint"> ({t.stepStatus[r.stepStatus]})</span>}
                        </>
                      ) : (
                        <span className="muted">{t.decision.requiredNoStep}</span>
                      )}
                    </td>
                    <td className="wrap">{r.reason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {decision.abortGates.length > 0 && <AbortGates gates={decision.abortGates} headingId={`${ids}-abort`} />}
    </section>
  );
}

function AbortGates({ gates, headingId }: { gates: AbortGateView[]; headingId: string }) {
  return (
    <div className="abort-gates" role="group" aria-labelledby={headingId}>
      <h3 id={headingId}>{t.decision.abortHeading}</h3>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby={`${headingId}-caption`}>
        <table className="abort-gates-table">
          <caption id={`${headingId}-caption`}>{t.decision.abortCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.decision.abortPhase}</th>
              <th scope="col">{t.decision.abortStep}</th>
              <th scope="col">{t.decision.abortGate}</th>
              <th scope="col">{t.decision.abortOnMatch}</th>
              <th scope="col">{t.decision.abortOutcomeCol}</th>
              <th scope="col">{t.decision.abortDetail}</th>
            </tr>
          </thead>
          <tbody>
            {gates.map((g, i) => (
              <tr key={`${g.stepId}-${i}`} data-abort-gate={g.stepId} data-outcome={g.outcome}>
                <td>
                  <span className="mono">{g.phaseId}</span> <span className="hint">{g.phaseTitle}</span>
                </td>
                <td className="mono">{g.stepId}</td>
                <td className="wrap">
                  {g.label && <div>{g.label}</div>}
                  <code>{g.pattern !== null ? `/${g.pattern}/` : g.gate}</code>
                </td>
                <td>{g.onMatch ? t.decision.abortOnMatchKind[g.onMatch] : t.common.none}</td>
                <td>
                  <span className={`badge abort-${g.outcome}`}>
                    <span aria-hidden="true">{ABORT_SYMBOL[g.outcome]} </span>
                    {t.decision.abortOutcome[g.outcome]}
                  </span>
                </td>
                <td className="wrap">{g.detail ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
