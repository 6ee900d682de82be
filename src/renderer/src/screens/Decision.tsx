import { useId, useRef, useState, type FormEvent } from 'react';
import type { Client, DecisionView, RunView } from '../../../shared/contract';
import { api } from '../api';
import { ActElsewhere } from '../components/ActElsewhere';
import { ErrorNotice } from '../components/ErrorNotice';
import { Fact } from '../components/Fact';
import { IncidentPanel } from '../components/IncidentPanel';
import { PackPanel } from '../components/PackPanel';
import { PageSections, type PageSection } from '../components/PageSections';
import { PackSignatureImport } from '../components/PackSignatureImport';
import { RequiredEvidence } from '../components/RequiredEvidence';
import { RunStatusBadge } from '../components/StepBadges';
import { formatClock, formatTime } from '../format';
import { format, t } from '../i18n';
import { useRunWith } from '../use-run-with';
import { useWorkspace } from '../workspace-context';

/** After the window: the formal decision, the scribe's timeline, broadcasts, the pack, the incident report. */
const fetchDecision = (client: Client, runId: string) => client.decision.get({ runId });

export function Decision() {
  const { runId, changed } = useWorkspace();
  const [run, decision, setDecision] = useRunWith(fetchDecision);

  if (!runId) {
    return (
      <div className="single-column">
        <h1 tabIndex={-1}>{t.decision.heading}</h1>
        <p className="muted">{t.decision.noRun}</p>
      </div>
    );
  }
  const failed = run ? run.status !== 'ACTIVE' && run.status !== 'COMPLETED' : false;
  const sections: PageSection[] = [
    { id: 'section-decision', label: t.decision.recordHeading },
    { id: 'section-pack', label: t.decision.packHeading },
    { id: 'section-required', label: t.decision.requiredHeading },
    { id: 'section-timeline', label: t.decision.timelineHeading },
    { id: 'section-broadcasts', label: t.decision.broadcastsHeading },
    ...(failed ? [{ id: 'section-incident', label: t.decision.incidentHeading }] : []),
  ];
  return (
    <>
      <h1 tabIndex={-1}>{t.decision.heading}</h1>
      {decision && run && <PageSections sections={sections} />}
      <div className="content">
        <div className="primary-column">
          {decision && run && (
            <>
              <div id="section-decision" className="page-section">
                <DecisionSummary decision={decision} run={run} />
              </div>
              <div id="section-required" className="page-section">
                <RequiredEvidence decision={decision} />
              </div>
              <div id="section-timeline" className="page-section">
                <Timeline decision={decision} />
              </div>
              <div id="section-broadcasts" className="page-section">
                <Broadcasts decision={decision} />
              </div>
              {failed && (
                <div id="section-incident" className="page-section">
                  <IncidentPanel runId={run.runId} />
                </div>
              )}
            </>
          )}
        </div>
        <aside className="side-column">
          {decision && (
            <RecordDecision
              runId={decision.runId}
              onRecorded={(next) => {
                setDecision(next);
                changed();
              }}
            />
          )}
          <div id="section-pack" className="page-section">
            {run && <PackPanel runId={run.runId} onChanged={() => changed()} />}
            {run && <PackSignatureImport runId={run.runId} onImported={() => changed()} />}
          </div>
        </aside>
      </div>
    </>
  );
}

function DecisionSummary({ decision, run }: { decision: DecisionView; run: RunView }) {
  return (
    <section className="card" aria-labelledby="decision-summary">
      <h2 id="decision-summary">
        {run.runbook.title}
      </h2>
      <dl className="run-facts">
        <Fact label={t.run.status}>
          <RunStatusBadge status={run.status} />
        </Fact>
        <Fact label={t.decision.status}>
          <span className={`badge ${decision.status === 'PASS' ? 'status-PASS' : 'status-FAIL'}`} data-testid="decision-status">
            {decision.status}
          </span>
        </Fact>
        <Fact label={t.decision.goNoGo}>
          <strong data-testid="go-no-go">{decision.goNoGo}</strong>
        </Fact>
      </dl>
      <p className="hint">{decision.statement}</p>
      <div className="table-wrap">
        <table className="decision-fields">
          <caption>{t.decision.fieldsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.decision.field}</th>
              <th scope="col">{t.decision.value}</th>
              <th scope="col">{t.decision.source}</th>
            </tr>
          </thead>
          <tbody>
            {decision.fields.map((f) => (
              <tr key={f.field} data-field={f.field}>
                <th scope="row">{f.label}</th>
                <td className="pre-line">{f.value}</td>
                <td>
                  <span className="tag">{t.decision.from[f.from]}</span>
                  <div className="hint wrap">{f.detail}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function RecordDecision({ runId, onRecorded }: { runId: string; onRecorded: (d: DecisionView) => void }) {
  const { actor, identities } = useWorkspace();
  const ids = useId();
  const [rootCause, setRootCause] = useState('');
  const [riskTier, setRiskTier] = useState('');
  const [drift, setDrift] = useState('');
  const [authorization, setAuthorization] = useState<'' | 'Approved' | 'Rejected'>('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  /** The person's part of the decision, as the form holds it now. */
  const fields = () => ({
    ...(rootCause.trim() ? { rootCause } : {}),
    ...(riskTier.trim() ? { riskTier } : {}),
    ...(drift.trim() ? { drift } : {}),
    ...(authorization ? { authorization } : {}),
    ...(authorization && note.trim() ? { note } : {}),
  });
  // The production authorization is an approver's; an approver away from this workstation signs it elsewhere.
  const deciders = identities.filter((i) => i.proven && !i.custodial && i.roles.includes('approver'));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!api || !actor) return;
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      onRecorded(await api.decision.record({ runId, actor, ...fields() }));
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const text = (id: string, label: string, value: string, set: (v: string) => void) => (
    <div className="field">
      <label htmlFor={`${ids}-${id}`}>{label}</label>
      <input id={`${ids}-${id}`} type="text" value={value} onChange={(e) => set(e.target.value)} autoComplete="off" />
    </div>
  );
  return (
    <section className="card" aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t.decision.recordHeading}</h2>
      <p className="hint">{t.decision.recordIntro}</p>
      <form onSubmit={(e) => void submit(e)} aria-busy={busy}>
        {text('root', t.decision.rootCause, rootCause, setRootCause)}
        {text('risk', t.decision.riskTier, riskTier, setRiskTier)}
        {text('drift', t.decision.drift, drift, setDrift)}
        <fieldset className="segmented">
          <legend>{t.decision.authorizationLegend}</legend>
          {(['', 'Approved', 'Rejected'] as const).map((value) => (
            <label key={value || 'none'}>
              <input type="radio" name={`${ids}-auth`} checked={authorization === value} onChange={() => setAuthorization(value)} />
              <span>{value === '' ? t.decision.authorizationNone : value === 'Approved' ? t.decision.approved : t.decision.rejected}</span>
            </label>
          ))}
        </fieldset>
        {authorization && text('note', t.decision.note, note, setNote)}
        <ErrorNotice error={error} />
        {done && (
          <p className="notice notice-ok" role="status">
            {t.decision.recorded}
          </p>
        )}
        {!actor && <p className="hint">{t.run.refusal.noActor}</p>}
        <button type="submit" className="primary" disabled={busy || !actor}>
          {busy ? t.decision.recording : format(t.decision.record, { actor: actor ?? '' })}
        </button>
      </form>
      {api && (
        <details className="elsewhere">
          <summary>{t.elsewhere.heading}</summary>
          <ActElsewhere
            people={deciders}
            role={t.identities.role.approver}
            testId="decision-elsewhere"
            exportAct={(by, path) => api!.decision.exportAct({ runId, by, path, ...fields() })}
            importAct={async (actPath, signaturePath) => {
              onRecorded(await api!.decision.importAct({ runId, actPath, signaturePath }));
              setDone(true);
            }}
          />
        </details>
      )}
    </section>
  );
}

function Timeline({ decision }: { decision: DecisionView }) {
  return (
    <section className="card" aria-labelledby="scribe-timeline">
      <h2 id="scribe-timeline">{t.decision.timelineHeading}</h2>
      <div className="table-wrap">
        <table className="scribe">
          <caption>{format(t.decision.timelineCaption, { label: decision.t0.label, at: formatTime(decision.t0.at) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t.decision.t}</th>
              <th scope="col">{t.decision.time}</th>
              <th scope="col">{t.decision.step}</th>
              <th scope="col">{t.decision.result}</th>
              <th scope="col">{t.decision.who}</th>
              <th scope="col">{t.decision.evidence}</th>
            </tr>
          </thead>
          <tbody>
            {decision.timeline.map((e, i) => (
              <tr key={i}>
                <td className="mono">{e.t}</td>
                <td>
                  <time dateTime={e.at} title={formatTime(e.at)}>
                    {formatClock(e.at)}
                  </time>
                </td>
                <td>
                  {e.stepId && <span className="mono">{e.stepId} </span>}
                  <span className="hint">{e.title}</span>
                </td>
                <td>
                  <strong>{e.result}</strong>
                </td>
                <td>{e.actor ?? t.common.none}</td>
                <td className="mono wrap">{e.evidence ?? t.common.none}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Broadcasts({ decision }: { decision: DecisionView }) {
  const [copied, setCopied] = useState<number | null>(null);
  const refs = useRef<(HTMLTextAreaElement | null)[]>([]);

  async function copy(index: number, text: string) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard permission (the desktop app grants none): select it for Ctrl+C instead.
      refs.current[index]?.select();
    }
    setCopied(index);
  }

  return (
    <section className="card" aria-labelledby="broadcasts">
      <h2 id="broadcasts">{t.decision.broadcastsHeading}</h2>
      <p className="hint">{t.decision.broadcastsIntro}</p>
      <ol className="broadcasts">
        {decision.broadcasts.map((b, i) => {
          const label = format(t.decision.broadcastLabel, { kind: b.kind, t: b.t });
          return (
            <li key={i} data-broadcast={b.kind}>
              <div className="broadcast-head">
                <span className="mono">{b.t}</span> <span className="tag">{b.kind}</span>
                <button type="button" className="small" onClick={() => void copy(i, b.text)} aria-label={`${t.decision.copy}: ${label}`}>
                  {t.decision.copy}
                </button>
                {copied === i && (
                  <span role="status" className="hint">
                    {t.decision.copied}
                  </span>
                )}
              </div>
              <textarea
                ref={(el) => {
                  refs.current[i] = el;
                }}
                className="mono broadcast-text"
                readOnly
                value={b.text}
                rows={Math.min(8, b.text.split('\n').length + 1)}
                aria-label={label}
              />
            </li>
          );
        })}
      </ol>
    </section>
  );
}
