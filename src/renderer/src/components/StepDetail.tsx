import { lazy, Suspense, useId, useState, type FormEvent } from 'react';
import type { RefusalView, RunbookStepView, RunView, StepStateView } from '../../../shared/contract';
import { api } from '../api';
import { format, t, roleLabel } from '../i18n';
import { useWorkspace } from '../workspace-context';
import { ActElsewhere } from './ActElsewhere';
import { ErrorNotice } from './ErrorNotice';
import { StepKindTag, StepStatusBadge } from './StepBadges';
import { StepTimers } from './StepTimers';

// xterm.js is most of the bundle: it loads when a step first shows output, not with the app.
const StepTerminal = lazy(() => import('./StepTerminal').then((m) => ({ default: m.StepTerminal })));

export function refusalText(refusal: RefusalView): string {
  switch (refusal.code) {
    case 'runClosed':
      return format(t.run.refusal.runClosed, { status: t.runStatus[refusal.status] });
    case 'blocked':
      return format(t.run.refusal.blocked, { step: refusal.stepId });
    case 'notApproved':
      return format(t.run.refusal.notApproved, { quorum: refusal.quorum, valid: refusal.valid });
    case 'hostKeyUnpinned':
      return format(t.run.refusal.hostKeyUnpinned, { target: refusal.target });
    case 'order':
    case 'rule':
      return format(t.run.refusal[refusal.code], { detail: refusal.detail });
    case 'wrongRole':
      return format(t.run.refusal.wrongRole, { needs: roleLabel(refusal.needs), actor: refusal.actor, roles: refusal.roles.map(roleLabel).join(', ') });
    default:
      return t.run.refusal[refusal.code];
  }
}

/** One step: what it is, what the runbook says, what to do now, and what it did. */
export function StepDetail({ run, step, spec, onRun, onPin }: { run: RunView; step: StepStateView; spec: RunbookStepView; onRun: (run: RunView) => void; onPin: () => void }) {
  const ids = useId();
  const target = run.targets.find((x) => x.name === spec.target);
  const executes = spec.kind === 'check' || spec.kind === 'command' || spec.kind === 'monitor';
  return (
    <article className="step-detail card" aria-labelledby={`${ids}-h`} data-step-detail={step.stepId}>
      <header className="step-head">
        <h2 id={`${ids}-h`}>{spec.title}</h2>
        <div className="step-tags">
          <StepStatusBadge status={step.status} />
          <StepKindTag kind={spec.kind} />
          <span className="mono hint">{spec.id}</span>
        </div>
      </header>
      {spec.instructions && (
        <div className="instructions">
          <h3>{t.run.instructions}</h3>
          <p>{spec.instructions}</p>
        </div>
      )}
      {spec.statement && (
        <div className="statement">
          <h3>{t.run.statement}</h3>
          <blockquote>{spec.statement}</blockquote>
        </div>
      )}
      {spec.command && (
        <div className="command">
          <h3>
            {spec.language === 'sql' ? t.run.sql : t.run.command}
            {spec.readOnly && <span className="tag">{spec.readOnly === 'enforced' ? t.run.readOnlyEnforced : t.run.readOnlyDeclared}</span>}
          </h3>
          {target && (
            <p className="hint">
              {t.run.target}: <strong className="mono">{target.name}</strong> <span className="mono">{target.address}</span>
              {target.hostKey && <span className="mono"> · {target.hostKey}</span>}
            </p>
          )}
          <pre className="code">{spec.command}</pre>
          {(Object.keys(spec.env).length > 0 || Object.keys(spec.secretEnv).length > 0) && (
            <ul className="env-list">
              {Object.entries(spec.env).map(([k, v]) => (
                <li key={k} className="mono">
                  {k}={v}
                </li>
              ))}
              {Object.entries(spec.secretEnv).map(([k, v]) => (
                <li key={k} className="mono">
                  {format(t.run.secretEnv, { variable: k, secret: v })}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {spec.gates.length > 0 && (
        <div className="gates">
          <h3>{t.run.gates}</h3>
          <ul>
            {spec.gates.map((g, i) => (
              <li key={i}>
                <span className={`tag gate-${g.kind}`}>{g.kind === 'expect' ? t.run.expect : t.run.abort}</span> <span className="mono">{g.label && g.kind === 'abort' ? `${g.label} — ${g.text}` : g.text}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="hint">
        {spec.evidence && (
          <>
            {t.run.evidence}: <span className="mono">{spec.evidence}</span>
          </>
        )}
        {spec.timeout && (
          <>
            {spec.evidence ? ' · ' : ''}
            {t.run.timeout}: {spec.timeout}
          </>
        )}
      </p>
      <StepTimers step={step} spec={spec} />
      <StepActions run={run} step={step} spec={spec} onRun={onRun} onPin={onPin} />
      {executes && (step.status === 'running' || step.transcript) && (
        <Suspense fallback={<p className="hint">{t.app.loading}</p>}>
          <StepTerminal key={`${step.stepId}:${step.startedAt ?? ''}`} runId={run.runId} step={step} stepTitle={spec.title} />
        </Suspense>
      )}
      {(step.status !== 'pending' || step.failure) && <StepResult step={step} />}
    </article>
  );
}

function StepActions({ run, step, spec, onRun, onPin }: { run: RunView; step: StepStateView; spec: RunbookStepView; onRun: (run: RunView) => void; onPin: () => void }) {
  const { actor, go, identities } = useWorkspace();
  const ids = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  const refusal = step.refusal;
  const reasonId = `${ids}-reason`;

  async function act(call: () => Promise<RunView>) {
    setBusy(true);
    setError(null);
    try {
      onRun(await call());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (!api) return null;
  const client = api;
  const who = actor ?? '';
  const base = { runId: run.runId, stepId: step.stepId, actor: who };
  const disabled = busy || refusal !== null;
  const reason = refusal && refusal.code !== 'passed' && refusal.code !== 'skipped' && (
    <p id={reasonId} className="refusal" data-refusal={refusal.code}>
      {refusalText(refusal)}
      {refusal.code === 'notApproved' && (
        <>
          {' '}
          <button type="button" className="link" onClick={() => go('approvals')}>
            {t.run.goApprovals}
          </button>
        </>
      )}
    </p>
  );

  let form: React.JSX.Element | null = null;
  if (spec.kind === 'attest') {
    form = step.status === 'PASS' ? null : (
      <div className="actions">
        <button type="button" className="primary" disabled={disabled} aria-describedby={refusal ? reasonId : undefined} onClick={() => void act(() => client.step.attest(base))}>
          {busy ? t.run.attesting : format(t.run.attest, { actor: who })}
        </button>
      </div>
    );
  } else if (spec.kind === 'record') {
    const submit = (event: FormEvent) => {
      event.preventDefault();
      void act(() => client.step.record({ ...base, values }));
    };
    form =
      step.status === 'PASS' ? null : (
        <form onSubmit={submit} className="record-form">
          {spec.fields.map((f) => (
            <div className="field" key={f.name}>
              <label htmlFor={`${ids}-${f.name}`}>
                {f.label}
                {!f.required && <span className="muted"> {t.common.optional}</span>}
              </label>
              <input
                id={`${ids}-${f.name}`}
                type="text"
                className="mono"
                value={values[f.name] ?? ''}
                onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
                required={f.required}
                aria-describedby={f.pattern ? `${ids}-${f.name}-hint` : undefined}
                autoComplete="off"
                spellCheck={false}
              />
              {f.pattern && (
                <p id={`${ids}-${f.name}-hint`} className="hint mono">
                  {format(t.run.pattern, { pattern: f.pattern })}
                </p>
              )}
            </div>
          ))}
          <div className="actions">
            <button type="submit" className="primary" disabled={disabled} aria-describedby={refusal ? reasonId : undefined}>
              {busy ? t.run.recording : t.run.record}
            </button>
          </div>
        </form>
      );
  } else if (spec.kind === 'manual') {
    form =
      step.status === 'PASS' ? null : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => client.step.done({ ...base, ...(note.trim() ? { note } : {}) }));
          }}
        >
          <div className="field">
            <label htmlFor={`${ids}-note`}>
              {t.run.note} <span className="muted">{t.common.optional}</span>
            </label>
            <textarea id={`${ids}-note`} value={note} onChange={(e) => setNote(e.target.value)} rows={2} />
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={disabled} aria-describedby={refusal ? reasonId : undefined}>
              {t.run.done}
            </button>
          </div>
        </form>
      );
  } else {
    const running = step.status === 'running' || run.running.includes(step.stepId);
    form = (
      <div className="actions">
        <button
          type="button"
          className={spec.kind === 'command' ? 'primary danger' : 'primary'}
          disabled={disabled || running}
          aria-describedby={refusal ? reasonId : undefined}
          onClick={() => {
            onPin();
            void act(() => client.step.execute(base));
          }}
        >
          {busy && !running ? t.run.starting : spec.kind === 'command' ? t.run.runCommand : t.run.runStep}
        </button>
        <button
          type="button"
          disabled={!running}
          onClick={() => {
            void client.step.cancel({ runId: run.runId, stepId: step.stepId }).catch(setError);
          }}
        >
          {t.run.cancel}
        </button>
      </div>
    );
  }

  if (step.status === 'skipped') form = null;
  // An attestation by someone not at this workstation: they sign the act on their own machine.
  const elsewhere = spec.kind === 'attest' && spec.by && step.status !== 'PASS' && step.status !== 'skipped' && run.status !== 'STOPPED' && run.status !== 'COMPLETED';
  const attesters = spec.by ? identities.filter((i) => i.proven && !i.custodial && i.roles.includes(spec.by!)) : [];
  return (
    <div className="step-actions">
      {form}
      {reason}
      <ErrorNotice error={error} />
      {elsewhere && (
        <details className="elsewhere" open={refusal?.code === 'wrongRole' || refusal?.code === 'noActor'}>
          <summary>{t.elsewhere.heading}</summary>
          <ActElsewhere
            people={attesters}
            role={roleLabel(spec.by!)}
            testId={`act-elsewhere-${step.stepId}`}
            exportAct={(by, path) => client.act.export({ runId: run.runId, by, act: { kind: 'step.attest', stepId: step.stepId }, path })}
            importAct={async (actPath, signaturePath) => onRun(await client.act.import({ runId: run.runId, actPath, signaturePath, ...(actor ? { actor } : {}) }))}
          />
        </details>
      )}
      {step.skippable && <SkipForm busy={busy} onSkip={(why) => act(() => client.step.skip({ ...base, reason: why }))} actor={who} />}
    </div>
  );
}

/** Skipping is deliberate: behind a disclosure, with a reason that goes into the evidence. */
function SkipForm({ busy, actor, onSkip }: { busy: boolean; actor: string; onSkip: (reason: string) => Promise<void> }) {
  const id = useId();
  const [why, setWhy] = useState('');
  return (
    <details className="skip">
      <summary>{t.run.skip}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void onSkip(why.trim());
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-why`}>{t.run.skipReasonLabel}</label>
          <textarea id={`${id}-why`} value={why} onChange={(e) => setWhy(e.target.value)} rows={2} required />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy || !why.trim() || !actor}>
            {format(t.run.skipConfirm, { actor })}
          </button>
        </div>
      </form>
    </details>
  );
}

function StepResult({ step }: { step: StepStateView }) {
  return (
    <div className="step-result">
      <h3>{t.run.result}</h3>
      <p>
        <StepStatusBadge status={step.status} />
        {step.actor && <span className="hint"> {format(t.run.by, { actor: step.actor })}</span>}
        {step.exitCode !== null && <span className="mono"> · {format(t.run.exitCode, { code: step.exitCode })}</span>}
        {step.signal && <span className="mono"> · {format(t.run.signal, { signal: step.signal })}</span>}
      </p>
      {step.skipReason && <p data-testid="skip-reason">{format(t.run.skipReason, { reason: step.skipReason })}</p>}
      {step.failure && <p className="err-text mono">{format(t.run.failure, { kind: step.failure.kind, message: step.failure.message })}</p>}
      {step.values && (
        <dl className="detail">
          {Object.entries(step.values).map(([k, v]) => (
            <div key={k} className="contents">
              <dt>{k}</dt>
              <dd className="mono">{v}</dd>
            </div>
          ))}
        </dl>
      )}
      {step.gates.length > 0 && (
        <div className="table-wrap">
          <table className="gate-results">
            <caption>{t.run.gateCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.run.gate}</th>
                <th scope="col">{t.run.outcome}</th>
                <th scope="col">{t.run.detail}</th>
              </tr>
            </thead>
            <tbody>
              {step.gates.map((g, i) => (
                <tr key={i} data-gate={g.kind} data-passed={g.passed}>
                  <td className="mono">{g.gate}</td>
                  <td className={g.passed ? 'ok-text' : g.level === 'warn' ? 'warn-text' : 'err-text'}>
                    <span aria-hidden="true">{g.passed ? '✓ ' : g.level === 'warn' ? '! ' : '✗ '}</span>
                    {g.passed ? t.run.gatePassed : g.level === 'warn' ? t.run.gateWarned : t.run.gateFailed}
                  </td>
                  <td className="mono wrap">{g.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
