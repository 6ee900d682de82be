import { useId, useState, type FormEvent } from 'react';
import type { ApprovalView, Client, PlanView, RunView } from '../../../shared/contract';
import { api } from '../api';
import { ActionForm, useAction } from '../components/ActionForm';
import { Card } from '../components/Card';
import { Field } from '../components/Field';
import { ScreenHeader } from '../components/ScreenHeader';
import { StatusNotice } from '../components/StatusNotice';
import { shortHash } from '../format';
import { format, t, roleLabel } from '../i18n';
import { useRunWith } from '../use-run-with';
import { useWorkspace } from '../workspace-context';

/** What approvers sign, exactly, and the two ways to sign it: here, or elsewhere and imported. */
const fetchPlan = (client: Client, runId: string) => client.plan.export({ runId });

export function Approvals() {
  const { runId, changed } = useWorkspace();
  const [run, plan] = useRunWith(fetchPlan);

  if (!runId) {
    return (
      <div className="single-column">
        <ScreenHeader heading={t.approvals.heading} intro={t.approvals.noRun} />
      </div>
    );
  }
  // changed() reloads every screen's data, this one's plan and run included.
  const signed = () => changed();
  return (
    <div className="content">
      <div className="primary-column">
        <ScreenHeader heading={t.approvals.heading} intro={t.approvals.intro} />
        {plan && <PlanReview plan={plan} />}
      </div>
      <aside className="side-column">
        {plan && run && <SignHere plan={plan} run={run} onSigned={signed} />}
        {plan && <ImportSignature plan={plan} onImported={signed} />}
        {run && run.approvals.length > 0 && (
          <Card heading={t.approvals.recorded} headingId="recorded-approvals">
            <ul className="approvals-list">
              {run.approvals.map((a) => (
                <li key={a.seq} data-signer={a.signer} data-current={a.planDigest === plan?.digest}>
                  {format(t.approvals.approvalLine, { seq: a.seq, signer: a.signer, fingerprint: a.fingerprint, digest: shortHash(a.planDigest) })}
                </li>
              ))}
            </ul>
          </Card>
        )}
      </aside>
    </div>
  );
}

function PlanReview({ plan }: { plan: PlanView }) {
  const ids = useId();
  return (
    <>
      <Card
        heading={
          <>
            {plan.runbook.id} v{plan.runbook.version} · {t.environment[plan.environment]}
          </>
        }
      >
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
              <li key={s.stepId} data-plan-step={s.stepId} data-plan-kind={s.kind} className="plan-entry">
                <h3>
                  <span className="mono">{s.stepId}</span> <span className="tag">{t.stepKind[s.kind]}</span> <span className="muted">· {s.phaseId} · {s.title}</span>
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
                  {s.references && (
                    <div data-testid="plan-references">
                      <dt>{t.approvals.references}</dt>
                      <dd>
                        <ul className="env-list">
                          {Object.entries(s.references).map(([k, r]) => (
                            <li key={k} className="mono wrap">
                              {'param' in r ? `\${${k}} = ${JSON.stringify(r.param)}` : `\${${k}} ${t.approvals.comesFrom} ${r.value.from}`}
                            </li>
                          ))}
                        </ul>
                      </dd>
                    </div>
                  )}
                  {s.conditions && (
                    <div>
                      <dt>{t.approvals.conditions}</dt>
                      <dd>
                        <ul className="env-list">
                          {s.conditions.map((c) => (
                            <li key={c} className="mono wrap">
                              {c}
                            </li>
                          ))}
                        </ul>
                      </dd>
                    </div>
                  )}
                </dl>
              </li>
            ))}
          </ol>
        )}
      </Card>
      <Card heading={t.approvals.changes} data-testid="plan-changes">
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
      </Card>
      <Card heading={t.approvals.planText}>
        <label className="visually-hidden" htmlFor={`${ids}-plan`}>
          {t.approvals.planText}
        </label>
        <textarea id={`${ids}-plan`} className="mono plan-text" readOnly value={plan.text} rows={6} />
      </Card>
    </>
  );
}

/** Signs here, only as an approver whose key is usable at this workstation (main signs with that key). */
function SignHere({ plan, run, onSigned }: { plan: PlanView; run: RunView; onSigned: () => void }) {
  const { identities, keys, actor } = useWorkspace();
  const ids = useId();
  const registered = identities.some((i) => i.roles.includes(run.runbook.approverRole) && i.name !== run.operator);
  const approvers = keys.keys.filter((k) => k.roles.includes(run.runbook.approverRole) && k.name !== run.operator);
  const [signer, setSigner] = useState<string>('');
  const { busy, error, act } = useAction();
  const [done, setDone] = useState<ApprovalView | null>(null);
  const chosen = approvers.some((a) => a.name === signer) ? signer : approvers.some((a) => a.name === actor) ? (actor ?? '') : (approvers[0]?.name ?? '');

  async function sign() {
    const client = api;
    if (!client || !chosen) return;
    await act(async () => {
      setDone(null);
      setDone(await client.approval.sign({ runId: plan.runId, signer: chosen }));
      onSigned();
    });
  }

  return (
    <Card heading={t.approvals.signHeading}>
      {!registered ? (
        <p className="muted">{format(t.approvals.noApprovers, { role: roleLabel(run.runbook.approverRole) })}</p>
      ) : approvers.length === 0 ? (
        <p className="muted" data-testid="no-usable-approver">
          {t.approvals.noUsableApprover}
        </p>
      ) : (
        <ActionForm
          onSubmit={sign}
          busy={busy}
          error={error}
          done={done && format(t.approvals.signed, { signer: done.signer, fingerprint: done.fingerprint })}
          submit={format(t.approvals.sign, { signer: chosen })}
          submitting={t.approvals.signing}
          disabled={!chosen || plan.steps.length === 0}
        >
          <Field id={`${ids}-signer`} label={t.approvals.signerLabel}>
            <select id={`${ids}-signer`} value={chosen} onChange={(e) => setSigner(e.target.value)}>
              {approvers.map((a) => (
                <option key={a.name} value={a.name}>
                  {a.name} · {t.keys.from[a.from]} · {a.fingerprint}
                </option>
              ))}
            </select>
          </Field>
        </ActionForm>
      )}
    </Card>
  );
}

function ImportSignature({ plan, onImported }: { plan: PlanView; onImported: () => void }) {
  const ids = useId();
  /** The file main's save dialog returned: shown by path, saved by the token main issued for it. */
  const [chosen, setChosen] = useState<{ path: string; token: string } | null>(null);
  const [signature, setSignature] = useState('');
  const { busy, error, setError, act } = useAction();
  const [saved, setSaved] = useState<{ path: string; bytes: number } | null>(null);
  const [imported, setImported] = useState<ApprovalView | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!api || !chosen) return;
    setError(null);
    try {
      setSaved(await api.plan.save({ runId: plan.runId, token: chosen.token }));
    } catch (err) {
      setError(err);
    }
  }

  async function browse() {
    if (!api) return;
    try {
      const answer = await api.files.choose({ purpose: 'plan' });
      if (answer.path && answer.token) setChosen({ path: answer.path, token: answer.token });
    } catch (err) {
      setError(err);
    }
  }

  async function importIt() {
    const client = api;
    if (!client) return;
    await act(async () => {
      setImported(null);
      setImported(await client.approval.import({ runId: plan.runId, signature }));
      setSignature('');
      onImported();
    });
  }

  return (
    <Card heading={t.approvals.importHeading}>
      <p className="hint">{t.approvals.importIntro}</p>
      <pre className="code small">{`ssh-keygen -Y sign -n ${plan.namespace} -f ~/.ssh/id_ed25519 plan.json`}</pre>
      <form onSubmit={(e) => void save(e)}>
        <Field id={`${ids}-path`} label={t.approvals.savePathLabel}>
          <div className="input-row">
            <input id={`${ids}-path`} type="text" className="mono" value={chosen?.path ?? ''} placeholder={t.approvals.chooseFirst} readOnly aria-readonly="true" />
            <button type="button" onClick={() => void browse()}>
              {t.runbooks.browse}
            </button>
          </div>
        </Field>
        <button type="submit" disabled={!chosen}>
          {t.approvals.save}
        </button>
        <StatusNotice>{saved && format(t.approvals.saved, { bytes: saved.bytes, path: saved.path })}</StatusNotice>
      </form>
      <ActionForm
        onSubmit={importIt}
        busy={busy}
        error={error}
        done={imported && format(t.approvals.imported, { signer: imported.signer, fingerprint: imported.fingerprint })}
        submit={t.approvals.import}
        submitting={t.approvals.importing}
      >
        <Field id={`${ids}-sig`} label={t.approvals.signatureLabel}>
          <textarea id={`${ids}-sig`} className="mono" value={signature} onChange={(e) => setSignature(e.target.value)} rows={6} required spellCheck={false} />
        </Field>
      </ActionForm>
    </Card>
  );
}
