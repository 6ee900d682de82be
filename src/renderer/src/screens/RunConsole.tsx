import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { RunSummary, RunView, StepStateView } from '../../../shared/contract';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { Fact } from '../components/Fact';
import { RunClock } from '../components/RunClock';
import { GettingStarted } from '../components/GettingStarted';
import { RunStatusBadge, StepStatusBadge } from '../components/StepBadges';
import { StepDetail } from '../components/StepDetail';
import { RehearsalMark, RehearsalVerdict } from '../components/RehearsalVerdict';
import { Schedules } from '../components/Schedules';
import { formatOffset } from '../../../shared/t-offset';
import { formatTime } from '../format';
import { format, t } from '../i18n';
import { usePush } from '../push';
import { useWorkspace, useReloadingLoad } from '../workspace-context';

/** The main screen: the run's phases as a timeline, the current step, and what to do about it. */
export function RunConsole() {
  const { runId, actor, report, reloadKey, go, changed } = useWorkspace();
  const [run, setRun] = useState<RunView | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  /** Following: the selection moves with the run (the running step, else the next one). */
  const [follow, setFollow] = useState(true);

  /** Answers can arrive out of order (a push and a change of actor at once): only the latest request's counts. */
  const latest = useRef(0);
  const load = useCallback(async () => {
    if (!api || !runId) return;
    const request = ++latest.current;
    try {
      const view = await api.run.status({ runId, ...(actor ? { actor } : {}) });
      if (request === latest.current) setRun(view);
    } catch (err) {
      report(err);
    }
  }, [runId, actor, report]);

  useReloadingLoad(load, reloadKey);

  usePush((message) => {
    if (message.type === 'run' && message.runId === runId) {
      if (message.error) report(Object.assign(new Error(message.error.message), { name: message.error.name, code: message.error.code }));
      void load();
    }
  });

  // Nothing left to do: the last step that ended stays in view.
  const lastDone = run ? ([...run.steps].filter((s) => s.finishedAt).sort((a, b) => (a.finishedAt ?? '').localeCompare(b.finishedAt ?? '')).at(-1)?.stepId ?? null) : null;
  const current = run ? (run.running[0] ?? run.next ?? lastDone) : null;
  const shown = follow ? current : selected;
  const stepTitles = useMemo(() => new Map(run?.runbook.phases.flatMap((p) => p.steps).concat(run.runbook.rollback?.steps ?? []).map((s) => [s.id, s]) ?? []), [run]);

  // An act done here changed the run and the chain: the header and the other screens read them again.
  const acted = (view: RunView) => {
    setRun(view);
    changed();
  };

  if (!runId) return <NoRun />;
  if (!run) return <h1 tabIndex={-1}>{t.run.heading}</h1>;

  const select = (stepId: string) => {
    setSelected(stepId);
    setFollow(stepId === current);
  };
  const shownStep = run.steps.find((s) => s.stepId === shown) ?? null;
  const spec = shown ? stepTitles.get(shown) : undefined;
  const skipped = run.steps.filter((s) => s.phaseId !== 'rollback' && s.status === 'skipped').map((s) => s.stepId);

  return (
    <div className="console">
      <RunHeader run={run} />
      {(run.status === 'BLOCKED' || run.decisions.length > 0 || run.blockedBy) && <BlockedBanner run={run} onRun={acted} />}
      {run.status === 'COMPLETED' && (
        <div className="notice notice-ok" role="status" data-testid="all-passed">
          <span>
            {format(t.run.completed, { at: run.completedAt ? formatTime(run.completedAt) : '' })}
            {skipped.length > 0 && <> {format(t.run.skippedCount, { count: skipped.length, steps: skipped.join(', ') })}</>}
          </span>
          <span>
            <button type="button" className="small" onClick={() => go('decision')}>
              {t.nav.decision}
            </button>
          </span>
        </div>
      )}
      <div className="console-grid">
        <PhaseTimeline run={run} shown={shown} onSelect={select} />
        <div className="step-pane">
          {!follow && current && current !== shown && (
            <button type="button" className="follow" onClick={() => setFollow(true)} data-testid="go-next">
              {format(t.run.goNext, { step: stepTitles.get(current)?.title ?? current })} <span aria-hidden="true">→</span>
            </button>
          )}
          {shownStep && spec && (
            <StepDetail
              key={shownStep.stepId}
              run={run}
              step={shownStep}
              spec={spec}
              onRun={acted}
              onPin={() => {
                // A step just started stays in view when it ends: its output and gates are what the DBA reads next.
                setSelected(shownStep.stepId);
                setFollow(false);
              }}
            />
          )}
          {shownStep?.rehearsal && <RehearsalVerdict key={`${shownStep.stepId}-vs`} stepId={shownStep.stepId} verdict={shownStep.rehearsal} />}
          <Schedules run={run} actor={actor} onRun={acted} />
        </div>
      </div>
    </div>
  );
}

function NoRun() {
  const { openRun, report } = useWorkspace();
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  useEffect(() => {
    if (!api) return;
    let current = true;
    api.run.list().then((list) => current && setRuns(list), report);
    return () => {
      current = false;
    };
  }, [report]);
  return (
    <div className="single-column">
      <h1 tabIndex={-1}>{t.run.heading}</h1>
      <p className="muted">{t.run.noRun}</p>
      {runs !== null && runs.length === 0 && <GettingStarted />}
      <RunList runs={runs} onOpen={openRun} />
    </div>
  );
}

export function RunList({ runs, onOpen }: { runs: RunSummary[] | null; onOpen: (runId: string) => void }) {
  if (!runs || runs.length === 0) return null;
  return (
    <div className="table-wrap">
      <table>
        <caption>{t.run.runsCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.run.runbook}</th>
            <th scope="col">{t.run.environment}</th>
            <th scope="col">{t.run.status}</th>
            <th scope="col">{t.run.started}</th>
            <th scope="col">
              <span className="visually-hidden">{t.run.open}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.runId}>
              <td>
                {r.runbookTitle} <span className="hint">v{r.runbookVersion}</span>
                <div className="hint">{format(t.run.progress, { done: r.done, total: r.total })}</div>
              </td>
              <td>{t.environment[r.environment]}</td>
              <td>
                <RunStatusBadge status={r.status} />
              </td>
              <td>
                <time dateTime={r.startedAt}>{formatTime(r.startedAt)}</time>
              </td>
              <td>
                <button type="button" className="small" onClick={() => onOpen(r.runId)} aria-label={format(t.run.openNamed, { id: r.runId.slice(0, 8) })}>
                  {t.run.open}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RunHeader({ run }: { run: RunView }) {
  const approvals = run.steps.find((s) => s.authorization)?.authorization;
  const done = run.steps.filter((s) => s.phaseId !== 'rollback' && (s.status === 'PASS' || s.status === 'skipped')).length;
  const total = run.steps.filter((s) => s.phaseId !== 'rollback').length;
  return (
    <header className="run-header">
      <div>
        <h1 tabIndex={-1}>{run.runbook.title}</h1>
        <p className="hint mono">
          {run.runbook.id} v{run.runbook.version} · run {run.runId}
        </p>
      </div>
      <dl className="run-facts">
        <Fact label={t.run.status}>
          <RunStatusBadge status={run.status} />
        </Fact>
        <Fact label={t.run.environment} className={`env env-${run.environment}`}>
          {t.environment[run.environment]}
        </Fact>
        <Fact label={t.run.operator}>{run.operator}</Fact>
        <Fact label={t.run.approvals} testId="approval-count">
          {format(t.run.approvalsCount, { valid: approvals?.valid ?? run.approvals.length, quorum: run.runbook.quorum })}
        </Fact>
        <Fact label={t.run.started}>
          <time dateTime={run.startedAt}>{formatTime(run.startedAt)}</time>
          <div className="hint">{format(t.run.progress, { done, total })}</div>
        </Fact>
        <Fact label={t.run.t0}>
          <RunClock run={run} />
        </Fact>
        {run.rehearsal && (
          <Fact label={t.run.rehearsal} testId="run-rehearsal">
            <span className="mono">{run.rehearsal.runId}</span>
            <div className="hint mono">{format(t.run.rehearsalPack, { sha256: run.rehearsal.manifestSha256.slice(0, 16) })}</div>
          </Fact>
        )}
      </dl>
    </header>
  );
}

function PhaseTimeline({ run, shown, onSelect }: { run: RunView; shown: string | null; onSelect: (stepId: string) => void }) {
  const phases = [...run.runbook.phases, ...(run.runbook.rollback ? [{ id: 'rollback', title: t.runbooks.rollback, at: null, purpose: null, steps: run.runbook.rollback.steps }] : [])];
  const states = new Map(run.steps.map((s) => [s.stepId, s]));
  const navRef = useRef<HTMLElement>(null);
  // The step in view stays in view in the timeline's own scroll area as the run moves on.
  // Only the timeline's own box scrolls: scrollIntoView would scroll the page too, away from the header.
  useEffect(() => {
    const nav = navRef.current;
    const item = shown ? nav?.querySelector<HTMLElement>(`[data-step="${CSS.escape(shown)}"]`) : null;
    if (!nav || !item) return;
    const top = item.getBoundingClientRect().top - nav.getBoundingClientRect().top + nav.scrollTop;
    if (top < nav.scrollTop || top + item.offsetHeight > nav.scrollTop + nav.clientHeight) nav.scrollTop = Math.max(0, top - nav.clientHeight / 3);
  }, [shown]);
  return (
    <nav className="phase-timeline" aria-label={t.run.timeline} ref={navRef}>
      <ol>
        {phases.map((phase) => (
          <li key={phase.id} className="phase" data-phase={phase.id}>
            <div className="phase-title">
              <span className="phase-id mono">{phase.id === 'preconditions' ? t.run.preconditions : phase.id === 'rollback' ? t.runbooks.rollback : phase.id}</span>
              {phase.id !== 'preconditions' && phase.id !== 'rollback' && <span className="phase-name">{phase.title}</span>}
              {phase.at && <span className="hint">{format(t.run.planned, { at: phase.at })}</span>}
              <PhaseProgress steps={phase.steps.map((s) => states.get(s.id)?.status)} />
            </div>
            <ol className="steps">
              {phase.steps.map((step) => {
                const state = states.get(step.id) as StepStateView;
                const when = state.finishedAt ?? state.startedAt;
                return (
                  <li key={step.id}>
                    <button
                      type="button"
                      className={`step-item${shown === step.id ? ' selected' : ''}`}
                      aria-current={shown === step.id ? 'step' : undefined}
                      onClick={() => onSelect(step.id)}
                      data-step={step.id}
                      data-status={state.status}
                    >
                      <StepStatusBadge status={state.status} />
                      <span className="step-title">{step.title}</span>
                      <span className="step-meta">
                        <span className="mono">{step.id}</span>
                        {step.at && <span> · {format(t.run.planned, { at: step.at })}</span>}
                        {when && <span> · {format(t.run.elapsed, { time: formatOffset(Date.parse(when) - Date.parse(run.timeZero.at)) })}</span>}
                        {run.next === step.id && state.status !== 'running' && <strong> · {t.run.next}</strong>}
                        <RehearsalMark verdict={state.rehearsal} />
                      </span>
                    </button>
                  </li>
                );
              })}
            </ol>
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** "3 of 5 done" for one phase: PASS and skipped count as done. */
function PhaseProgress({ steps }: { steps: (string | undefined)[] }) {
  const done = steps.filter((s) => s === 'PASS' || s === 'skipped').length;
  return (
    <span className={`phase-progress${done === steps.length ? ' phase-done' : ''}`} data-testid="phase-progress" data-done={done} data-total={steps.length}>
      <progress max={steps.length} value={done} aria-hidden="true" />
      <span className="hint">{format(t.window.phaseProgress, { done, total: steps.length })}</span>
    </span>
  );
}

function BlockedBanner({ run, onRun }: { run: RunView; onRun: (run: RunView) => void }) {
  const { actor } = useWorkspace();
  const ids = useId();
  const [decision, setDecision] = useState<'rollback' | 'stop' | 'retry'>(run.runbook.rollback ? 'rollback' : 'stop');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const rollback = run.runbook.rollback;
  const blocked = run.status === 'BLOCKED';

  async function decide(event: FormEvent) {
    event.preventDefault();
    if (!api || !actor) return;
    setBusy(true);
    setError(null);
    try {
      onRun(await api.run.decide({ runId: run.runId, decision, reason, actor }));
      setReason('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className={blocked ? 'blocked-banner' : 'card'} role={blocked ? 'alert' : undefined} aria-labelledby={`${ids}-h`} data-testid="blocked-banner">
      {run.blockedBy && (
        <>
          <h2 id={`${ids}-h`}>
            <span aria-hidden="true">⊘ </span>
            {format(t.blocked.title, { step: run.blockedBy.stepId })}
          </h2>
          <p className="blocked-reason">{format(t.blocked.reason, { reason: run.blockedBy.reason })}</p>
          {run.blockedBy.gates.length > 0 && (
            <>
              <h3>{t.blocked.matched}</h3>
              <ul className="matched">
                {run.blockedBy.gates.map((g) => (
                  <li key={g.gate} data-gate-kind={g.kind}>
                    {/* The runbook's own name for an abort gate ("DuplicateTable") says more than its pattern. */}
                    {g.label && <strong>{g.label} </strong>}
                    <span className="mono">{g.gate}</span>: <span className="mono">{g.detail}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
      {blocked && (
        <>
          <h3>{t.blocked.next}</h3>
          {rollback ? (
            <>
              {rollback.triggers.length > 0 && (
                <>
                  <p className="field-label">{t.blocked.triggers}</p>
                  <ul>
                    {rollback.triggers.map((trigger) => (
                      <li key={trigger}>{trigger}</li>
                    ))}
                  </ul>
                </>
              )}
              {rollback.instructions && <p>{rollback.instructions}</p>}
              <ol className="rollback-steps">
                {rollback.steps.map((s) => (
                  <li key={s.id}>
                    {s.title}
                    {s.instructions && <span className="hint"> — {s.instructions}</span>}
                  </li>
                ))}
              </ol>
            </>
          ) : (
            <p>{t.blocked.noRollback}</p>
          )}
          <form onSubmit={(e) => void decide(e)} className="decision" aria-labelledby={`${ids}-d`}>
            <h3 id={`${ids}-d`}>{t.blocked.decisionHeading}</h3>
            <fieldset className="segmented">
              <legend>{t.blocked.decisionLegend}</legend>
              {rollback && (
                <label>
                  <input type="radio" name={`${ids}-decision`} value="rollback" checked={decision === 'rollback'} onChange={() => setDecision('rollback')} />
                  <span>{t.blocked.rollback}</span>
                </label>
              )}
              <label>
                <input type="radio" name={`${ids}-decision`} value="stop" checked={decision === 'stop'} onChange={() => setDecision('stop')} />
                <span>{t.blocked.stop}</span>
              </label>
              <label>
                <input type="radio" name={`${ids}-decision`} value="retry" checked={decision === 'retry'} onChange={() => setDecision('retry')} />
                <span>{t.blocked.retry}</span>
              </label>
            </fieldset>
            <div className="field">
              <label htmlFor={`${ids}-reason`}>{t.blocked.reasonLabel}</label>
              <textarea id={`${ids}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} rows={2} required />
            </div>
            <ErrorNotice error={error} />
            {!actor && <p className="hint">{t.run.refusal.noActor}</p>}
            <button type="submit" className="primary danger" disabled={busy || !actor}>
              {busy ? t.blocked.recording : format(t.blocked.record, { actor: actor ?? '' })}
            </button>
          </form>
        </>
      )}
      {run.decisions.length > 0 && (
        <>
          <h3 id={run.blockedBy ? undefined : `${ids}-h`}>{t.blocked.decisions}</h3>
          <ul>
            {run.decisions.map((d) => (
              <li key={d.at} data-decision={d.decision}>
                {format(t.blocked.decisionLine, { actor: d.actor, decision: t.blocked[d.decision], time: formatTime(d.at), reason: d.reason })}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
