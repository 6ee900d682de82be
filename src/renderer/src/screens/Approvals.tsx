import { useCallback, useId, useState, type FormEvent } from 'react';
import type { ApprovalView, PlanView, RunView } from '../../../shared/contract';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { shortHash } from '../format';
import { format, t } from '../i18n';
import { useWorkspace, useReloadingLoad } from '../workspace-context';

/** What approvers sign, exactly, and the two ways to sign it: here, or elsewhere and imported. */
export function Approvals() {
  const { runId, report, reloadKey, changed } = useWorkspace();
  const [plan, setPlan] = useState<PlanView | null>(null);
  const [run, setRun] = useState<RunView | null>(null);

  const load = useCallback(async () => {
    if (!api || !runId) return;
    try {
      const [p, r] = await Promise.all([api.plan.export({ runId }), api.run.status({ runId })]);
      setPlan(p);
      setRun(r);
    } catch (err) {
      report(err);
    }
  }, [runId, report]);

  useReloadingLoad(load, reloadKey);

  if (!runId) {
    return (
      <div className="single-column">
        <h1 tabIndex={-1}>{t.approvals.heading}</h1>
        <p className="muted">{t.approvals.noRun}</p>
      </div>
    );
  }
  const signed = () => {
    changed();
    void load();
  };
  return (
    <div className="content">
      <div className="primary-column">
        <h1 tabIndex={-1}>{t.approvals.heading}</h1>
        <p className="muted">{t.approvals.intro}</p>
        {plan && <PlanReview plan={plan} />}
      </div>
      <aside className="side-column">
        {plan && run && <SignHere plan={plan} run={run} onSigned={signed} />}
        {plan && <ImportSignature plan={plan} onImported={signed} />}
        {run && run.approvals.length > 0 && (
          <section className="card" aria-labelledby="recorded-approvals">
            <h2 id="recorded-approvals">{t.approvals.recorded}</h2>
            <ul className="approvals-list">
              {run.approvals.map((a) => (
                <li key={a.seq} data-signer={a.signer} data-current={a.planDigest === plan?.digest}>
                  {format(t.approvals.approvalLine, { seq: a.seq, signer: a.signer, fingerprint: a.fingerprint, digest: shortHash(a.planDigest) })}
                </li>
              ))}
            </ul>
          </section>
        )}
      </aside>
    </div>
  );
}

function PlanReview({ plan }: { plan: PlanView }) {
  const ids = useId();
  return (
    <>
      <section className="card" aria-labelledby={`${ids}-h`}>
        <h2 id={`${ids}-h`}>
          {plan.runbook.id} v{plan.runbook.version} · {t.environment[plan.environment]}
        </h2>
        <dl className="detail">
          <dt>{t.approvals.digest}</dt>
          <dd className="mono" data-testid="plan-digest">
            {plan.digest}
          </dd>
          <dt>{t.approvals.namespace}</dt>
          <dd className="mono">{plan.namespace}</dd>
        </dl>
        <p>{format(t.approvals.quorum, { quorum: plan.quorum, role: t.identities.role.approver })}</p>
        <p data-testid="signed-by">{plan.signedBy.length > 0 ? format(t.approvals.signedBy, { signers: plan.signedBy.join(', ') }) : t.approvals.notSigned}</p>
        {plan.steps.length === 0 ? (
          <p className="muted">{t.approvals.noCommands}</p>
        ) : (
          <ol className="plan" aria-label={t.approvals.caption}>
            {plan.steps.map((s) => (
              <li key={s.stepId} data-plan-step={s.stepId} className="plan-entry">
                <h3>
                  <span className="mono">{s.stepId}</span> <span className="muted">· {s.phaseId} · {s.title}</span>
                </h3>
                <pre className="code">{s.command}</pre>
                <dl className="target-facts">
                  <div>
                    <dt>{t.approvals.target}</dt>
                    <dd>
                      <span className="mono">{s.target.name}</span> ({t.targets.kindName[s.target.kind]}) <span className="mono wrap">{s.target.address}</span>
                    </dd>
                  </div>
                  {s.target.kind === 'ssh' && (
                    <div>
                      <dt>{t.approvals.hostKey}</dt>
                      <dd className="mono wrap">{s.target.hostKey ?? t.common.none}</dd>
                    </div>
                  )}
                  {s.cwd && (
                    <div>
                      <dt>{t.targets.cwdLabel}</dt>
                      <dd className="mono wrap">{s.cwd}</dd>
                    </div>
                  )}
                  <div>
                    <dt>{t.approvals.env}</dt>
                    <dd>
                      <ul className="env-list">
                        {Object.entries(s.env).map(([k, v]) => (
                          <li key={k} className="mono wrap">
                            {k}={v}
                          </li>
                        ))}
                        {Object.entries(s.secretEnv).map(([k, v]) => (
                          <li key={k} className="mono">
                            {format(t.run.secretEnv, { variable: k, secret: v })}
                          </li>
                        ))}
                      </ul>
                    </dd>
                  </div>
                </dl>
              </li>
            ))}
          </ol>
        )}
      </section>
      <section className="card" aria-labelledby={`${ids}-changes`} data-testid="plan-changes">
        <h2 id={`${ids}-changes`}>{t.approvals.changes}</h2>
        {!plan.previous ? (
          <p className="muted">{t.approvals.noPrevious}</p>
        ) : (
          <>
            <p className="hint">{format(t.approvals.previousSigned, { digest: shortHash(plan.previous.digest), signers: plan.previous.signers.join(', ') })}</p>
            {plan.previous.changes.length === 0 ? (
              <p>{t.approvals.unchanged}</p>
            ) : (
              <ul>
                {plan.previous.changes.map((c) => (
                  <li key={c.stepId} data-change={c.change}>
                    {format(t.approvals.change[c.change], { step: c.stepId, fields: c.fields.join(', ') })}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </section>
      <section className="card" aria-labelledby={`${ids}-text`}>
        <h2 id={`${ids}-text`}>{t.approvals.planText}</h2>
        <label className="visually-hidden" htmlFor={`${ids}-plan`}>
          {t.approvals.planText}
        </label>
        <textarea id={`${ids}-plan`} className="mono plan-text" readOnly value={plan.text} rows={6} />
      </section>
    </>
  );
}

function SignHere({ plan, run, onSigned }: { plan: PlanView; run: RunView; onSigned: () => void }) {
  const { identities, actor } = useWorkspace();
  const ids = useId();
  const approvers = identities.filter((i) => i.roles.includes(run.runbook.approverRole) && i.name !== run.operator);
  const [signer, setSigner] = useState<string>('');
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<ApprovalView | null>(null);
  const chosen = signer || (approvers.some((a) => a.name === actor) ? (actor ?? '') : (approvers[0]?.name ?? ''));
  const identity = approvers.find((a) => a.name === chosen);

  async function sign(event: FormEvent) {
    event.preventDefault();
    if (!api || !chosen) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await api.approval.sign({ runId: plan.runId, signer: chosen, ...(passphrase ? { keyPassphrase: passphrase } : {}) }));
      setPassphrase('');
      onSigned();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t.approvals.signHeading}</h2>
      {approvers.length === 0 ? (
        <p className="muted">{format(t.approvals.noApprovers, { role: t.identities.role[run.runbook.approverRole] })}</p>
      ) : (
        <form onSubmit={(e) => void sign(e)} aria-busy={busy}>
          <div className="field">
            <label htmlFor={`${ids}-signer`}>{t.approvals.signerLabel}</label>
            <select id={`${ids}-signer`} value={chosen} onChange={(e) => setSigner(e.target.value)}>
              {approvers.map((a) => (
                <option key={a.name} value={a.name}>
                  {a.name} · {t.identities.sourceKind[a.keySource]} · {a.fingerprint}
                </option>
              ))}
            </select>
          </div>
          {identity?.keySource === 'file' && (
            <div className="field">
              <label htmlFor={`${ids}-pass`}>{t.approvals.keyPassphraseLabel}</label>
              <input id={`${ids}-pass`} type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="off" />
            </div>
          )}
          <ErrorNotice error={error} />
          {done && (
            <p className="notice notice-ok" role="status">
              {format(t.approvals.signed, { signer: done.signer, fingerprint: done.fingerprint })}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy || !chosen || plan.steps.length === 0}>
            {busy ? t.approvals.signing : format(t.approvals.sign, { signer: chosen })}
          </button>
        </form>
      )}
    </section>
  );
}

function ImportSignature({ plan, onImported }: { plan: PlanView; onImported: () => void }) {
  const ids = useId();
  const [path, setPath] = useState('');
  const [signature, setSignature] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<{ path: string; bytes: number } | null>(null);
  const [imported, setImported] = useState<ApprovalView | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!api) return;
    setError(null);
    try {
      setSaved(await api.plan.save({ runId: plan.runId, path }));
    } catch (err) {
      setError(err);
    }
  }

  async function browse() {
    if (!api) return;
    try {
      const chosen = await api.files.choose({ purpose: 'plan' });
      if (chosen.path) setPath(chosen.path);
    } catch (err) {
      setError(err);
    }
  }

  async function importIt(event: FormEvent) {
    event.preventDefault();
    if (!api) return;
    setBusy(true);
    setError(null);
    setImported(null);
    try {
      setImported(await api.approval.import({ runId: plan.runId, signature }));
      setSignature('');
      onImported();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t.approvals.importHeading}</h2>
      <p className="hint">{t.approvals.importIntro}</p>
      <pre className="code small">{`ssh-keygen -Y sign -n ${plan.namespace} -f ~/.ssh/id_ed25519 plan.json`}</pre>
      <form onSubmit={(e) => void save(e)}>
        <div className="field">
          <label htmlFor={`${ids}-path`}>{t.approvals.savePathLabel}</label>
          <div className="input-row">
            <input id={`${ids}-path`} type="text" className="mono" value={path} onChange={(e) => setPath(e.target.value)} autoComplete="off" spellCheck={false} required />
            <button type="button" onClick={() => void browse()}>
              {t.runbooks.browse}
            </button>
          </div>
        </div>
        <button type="submit">{t.approvals.save}</button>
        {saved && (
          <p className="notice notice-ok" role="status">
            {format(t.approvals.saved, { bytes: saved.bytes, path: saved.path })}
          </p>
        )}
      </form>
      <form onSubmit={(e) => void importIt(e)} aria-busy={busy}>
        <div className="field">
          <label htmlFor={`${ids}-sig`}>{t.approvals.signatureLabel}</label>
          <textarea id={`${ids}-sig`} className="mono" value={signature} onChange={(e) => setSignature(e.target.value)} rows={6} required spellCheck={false} />
        </div>
        <ErrorNotice error={error} />
        {imported && (
          <p className="notice notice-ok" role="status">
            {format(t.approvals.imported, { signer: imported.signer, fingerprint: imported.fingerprint })}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t.approvals.importing : t.approvals.import}
        </button>
      </form>
    </section>
  );
}
