import { useEffect, useId, useState } from 'react';
import type { AlembicReportView, FingerprintDiffView, PreflightReportView, SavedTargetView } from '../../../shared/contract';
import { api } from '../api';
import { ActionForm, useAction } from '../components/ActionForm';
import { Card } from '../components/Card';
import { Field } from '../components/Field';
import { ScreenHeader } from '../components/ScreenHeader';
import { shortHash } from '../format';
import { format, t } from '../i18n';
import { useWorkspace } from '../workspace-context';

/** Read-only looks at the database before the window: Alembic's graph and path, preflight, parity. */
export function Database() {
  const { report, reloadKey } = useWorkspace();
  const [targets, setTargets] = useState<SavedTargetView[]>([]);
  useEffect(() => {
    if (!api) return;
    let current = true;
    api.targets.list().then((list) => current && setTargets(list.filter((x) => x.kind === 'postgres')), report);
    return () => {
      current = false;
    };
  }, [report, reloadKey]);
  return (
    <div className="single-column">
      <ScreenHeader heading={t.database.heading} />
      <AlembicPanel targets={targets} />
      <PreflightPanel targets={targets} />
      <ParityPanel targets={targets} />
    </div>
  );
}

function TargetSelect({ id, label, value, onChange, targets, allowNone }: { id: string; label: string; value: string; onChange: (v: string) => void; targets: SavedTargetView[]; allowNone?: boolean }) {
  return (
    <Field id={id} label={label}>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {allowNone && <option value="">{t.database.noDatabase}</option>}
        {targets.map((x) => (
          <option key={x.name} value={x.name}>
            {x.name} · {x.address}
          </option>
        ))}
      </select>
    </Field>
  );
}

function AlembicPanel({ targets }: { targets: SavedTargetView[] }) {
  const ids = useId();
  const [scripts, setScripts] = useState('');
  const [target, setTarget] = useState('');
  const [upgradeTo, setUpgradeTo] = useState('head');
  const { busy, error, act } = useAction();
  const [report, setReport] = useState<AlembicReportView | null>(null);

  async function inspect() {
    const client = api;
    if (!client) return;
    await act(async () => setReport(await client.alembic.inspect({ scripts, ...(target ? { target } : {}), ...(upgradeTo ? { revisionTarget: upgradeTo } : {}) })));
  }

  const current = report?.database ? (report.database.exists ? report.database.revisions.join(', ') || t.common.none : t.database.noTable) : t.database.notRead;
  return (
    <Card heading={t.database.alembicHeading}>
      <ActionForm onSubmit={inspect} busy={busy} error={error} submit={t.database.inspect} submitting={t.database.inspecting}>
        <Field id={`${ids}-scripts`} label={t.database.scriptsLabel}>
          <input id={`${ids}-scripts`} type="text" className="mono" value={scripts} onChange={(e) => setScripts(e.target.value)} autoComplete="off" spellCheck={false} required />
        </Field>
        <div className="field-row">
          <TargetSelect id={`${ids}-target`} label={t.database.targetLabel} value={target} onChange={setTarget} targets={targets} allowNone />
          <Field id={`${ids}-to`} label={t.database.revisionTargetLabel}>
            <input id={`${ids}-to`} type="text" className="mono" value={upgradeTo} onChange={(e) => setUpgradeTo(e.target.value)} autoComplete="off" spellCheck={false} />
          </Field>
        </div>
      </ActionForm>
      {report && (
        <div className="alembic-report" data-ok={report.ok}>
          <p>{format(t.database.summary, { count: report.revisionCount, heads: report.heads.join(', '), current })}</p>
          {report.plan && (
            <p className="mono wrap" data-testid="upgrade-path">
              {report.plan.revisions.length === 0 ? t.database.upToDate : format(t.database.path, { target: report.plan.target, revisions: report.plan.revisions.join(' → ') })}
            </p>
          )}
          <h3>{t.database.findings}</h3>
          {report.findings.length === 0 ? (
            <p className="muted">{t.database.noFindings}</p>
          ) : (
            <ul className="findings">
              {report.findings.map((f, i) => (
                <li key={i} data-severity={f.severity}>
                  <span className={`tag severity-${f.severity}`}>{t.database.severity[f.severity]}</span> <span className="mono">{f.code}</span> — {f.message}
                </li>
              ))}
            </ul>
          )}
          <div className="table-wrap">
            <table className="graph">
              <caption>{t.database.graphCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.database.revision}</th>
                  <th scope="col">{t.database.down}</th>
                  <th scope="col">{t.database.marks}</th>
                </tr>
              </thead>
              <tbody>
                {report.nodes.map((n) => (
                  <tr key={n.revision} data-revision={n.revision} className={n.isCurrent ? 'current-row' : n.pathIndex ? 'path-row' : undefined}>
                    <td>
                      <span className="mono">{n.revision}</span>
                      {n.doc && <div className="hint">{n.doc}</div>}
                    </td>
                    <td className="mono wrap">{n.downRevisions.join(', ') || t.common.none}</td>
                    <td>
                      <span className="tags">
                        {n.isCurrent && <span className="tag mark-current">{t.database.current}</span>}
                        {n.isHead && <span className="tag">{t.database.head}</span>}
                        {n.isBase && <span className="tag">{t.database.base}</span>}
                        {n.pathIndex && <span className="tag mark-path">{format(t.database.pathStep, { n: n.pathIndex })}</span>}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </Card>
  );
}

function PreflightPanel({ targets }: { targets: SavedTargetView[] }) {
  const ids = useId();
  const [target, setTarget] = useState('');
  const { busy, error, act } = useAction();
  const [report, setReport] = useState<PreflightReportView | null>(null);
  const chosen = target || targets[0]?.name || '';

  async function runPreflight() {
    const client = api;
    if (!client || !chosen) return;
    await act(async () => setReport(await client.preflight.run({ target: chosen })));
  }

  return (
    <Card heading={t.database.preflightHeading}>
      {targets.length === 0 ? (
        <p className="muted">{t.database.needPostgres}</p>
      ) : (
        <ActionForm onSubmit={runPreflight} busy={busy} error={error} submit={t.database.runPreflight} submitting={t.database.preflightRunning}>
          <TargetSelect id={`${ids}-target`} label={t.database.preflightTarget} value={chosen} onChange={setTarget} targets={targets} />
        </ActionForm>
      )}
      {report && (
        <>
          <p>{format(t.database.preflightSummary, { target: report.target, status: report.status, ms: report.durationMs })}</p>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{t.database.preflightHeading}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.database.check}</th>
                  <th scope="col">{t.database.checkStatus}</th>
                  <th scope="col">{t.database.checkSummary}</th>
                </tr>
              </thead>
              <tbody>
                {report.checks.map((c) => (
                  <tr key={c.id} data-check={c.id}>
                    <td>{c.title}</td>
                    <td>
                      <span className={`badge check-${c.status}`}>{c.status}</span>
                    </td>
                    <td>{c.summary}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Card>
  );
}

function ParityPanel({ targets }: { targets: SavedTargetView[] }) {
  const ids = useId();
  const [left, setLeft] = useState('');
  const [right, setRight] = useState('');
  const { busy, error, act } = useAction();
  const [diff, setDiff] = useState<FingerprintDiffView | null>(null);
  const a = left || targets[0]?.name || '';
  const b = right || targets[1]?.name || targets[0]?.name || '';

  async function compare() {
    const client = api;
    if (!client || !a || !b) return;
    await act(async () => setDiff(await client.preflight.diff({ left: a, right: b })));
  }

  return (
    <Card heading={t.database.parityHeading}>
      {targets.length === 0 ? (
        <p className="muted">{t.database.needPostgres}</p>
      ) : (
        <ActionForm onSubmit={compare} busy={busy} error={error} submit={t.database.compare} submitting={t.database.comparing}>
          <div className="field-row">
            <TargetSelect id={`${ids}-left`} label={t.database.left} value={a} onChange={setLeft} targets={targets} />
            <TargetSelect id={`${ids}-right`} label={t.database.right} value={b} onChange={setRight} targets={targets} />
          </div>
        </ActionForm>
      )}
      {diff && (
        <div data-drift={diff.drift}>
          <p>{diff.identical ? format(t.database.identical, { hash: shortHash(diff.sha256Left) }) : diff.drift ? format(t.database.drift, { count: diff.differences.length }) : t.database.noDrift}</p>
          {diff.differences.length > 0 && (
            <ul className="findings">
              {diff.differences.map((d, i) => (
                <li key={i}>
                  <span className="tag">{d.kind}</span> <span className="mono">{d.objectType} {d.name}</span> — {d.detail}
                </li>
              ))}
            </ul>
          )}
          {diff.namingEquivalent.length > 0 && (
            <ul>
              {diff.namingEquivalent.map((n, i) => (
                <li key={i} className="hint">
                  {format(t.database.namingEquivalent, { table: n.table, left: n.nameLeft, right: n.nameRight })}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Card>
  );
}
