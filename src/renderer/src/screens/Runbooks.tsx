import { useEffect, useId, useState, type FormEvent } from 'react';
import type { RunbookIssueView, RunbookOpenResult, RunbookView, SavedTargetView } from '../../../shared/contract';
import { canStandIn } from '../../../shared/target-kinds';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { StepKindTag } from '../components/StepBadges';
import { shortHash } from '../format';
import { format, t, roleLabel } from '../i18n';
import { useWorkspace } from '../workspace-context';
import { RunbookImport } from './RunbookImport';

/** Open a runbook, read it (or its problems, at their lines), and start a run of it. */
export function Runbooks() {
  const { runbook, setRunbook, report } = useWorkspace();
  const ids = useId();
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState<Extract<RunbookOpenResult, { ok: false }> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [importing, setImporting] = useState(false);

  if (importing) {
    const back = () => {
      setImporting(false);
      // Back on this screen: keyboard and screen-reader users land on its heading.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
    };
    return <RunbookImport onClose={back} />;
  }

  async function open(load: () => Promise<RunbookOpenResult>) {
    setBusy(true);
    setError(null);
    try {
      const result = await load();
      if (result.ok) {
        setRunbook(result);
        setInvalid(null);
      } else {
        setInvalid(result);
        setRunbook(null);
      }
    } catch (err) {
      if ((err as { code?: string }).code === 'VAULT_LOCKED') report(err);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function fromFile(file: File) {
    if (!api) return;
    const client = api;
    await open(async () => client.runbook.open({ text: await file.text(), source: file.name }));
  }

  async function browse() {
    if (!api) return;
    try {
      const chosen = await api.files.choose({ purpose: 'runbook' });
      if (chosen.path && chosen.token) {
        setPath(chosen.path);
        const client = api;
        const token = chosen.token;
        await open(() => client.runbook.open({ token }));
      }
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="single-column">
      <h1 tabIndex={-1}>{t.runbooks.heading}</h1>
      <p className="muted">{t.runbooks.intro}</p>
      <section className="card open-runbook" aria-busy={busy}>
        <div className="field">
          <label htmlFor={`${ids}-file`}>{t.runbooks.fileLabel}</label>
          <input
            id={`${ids}-file`}
            type="file"
            accept=".yaml,.yml,application/yaml,text/yaml"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void fromFile(file);
              e.target.value = '';
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-path`}>{t.runbooks.pathLabel}</label>
          <div className="input-row">
            <input id={`${ids}-path`} type="text" className="mono" value={path} placeholder={t.runbooks.chooseHint} readOnly aria-readonly="true" />
            <button type="button" onClick={() => void browse()} disabled={busy}>
              {busy ? t.runbooks.opening : t.runbooks.browse}
            </button>
          </div>
        </div>
        <ErrorNotice error={error} />
        <div className="field">
          <button type="button" onClick={() => setImporting(true)} aria-describedby={`${ids}-import-hint`}>
            {t.runbookImport.open}
          </button>
          <p id={`${ids}-import-hint`} className="hint">
            {t.runbookImport.openHint}
          </p>
        </div>
      </section>
      {invalid && <RunbookProblems result={invalid} />}
      {runbook && (
        <>
          <RunbookOutline runbook={runbook.runbook} />
          <StartRun opened={runbook} />
        </>
      )}
    </div>
  );
}

function RunbookProblems({ result }: { result: Extract<RunbookOpenResult, { ok: false }> }) {
  const lines = new Map(result.lines.map((l) => [l.line, l.text]));
  const errors = result.issues.filter((i) => i.severity === 'error');
  return (
    <section className="card notice-error-card" aria-labelledby="runbook-problems" role="alert">
      <h2 id="runbook-problems">{format(t.runbooks.invalid, { source: result.source, count: errors.length })}</h2>
      <ol className="issues">
        {result.issues.map((issue, index) => (
          <li key={index} data-line={issue.line} data-column={issue.column} className={issue.severity}>
            <p>
              <strong className="mono">{format(t.runbooks.at, { line: issue.line, column: issue.column })}</strong>
              {issue.path && <span className="mono muted"> · {issue.path}</span>}
            </p>
            <p>{issue.message}</p>
            {lines.has(issue.line) && <Excerpt lines={lines} issue={issue} />}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The lines around a problem, with a caret under the column. */
function Excerpt({ lines, issue }: { lines: Map<number, string>; issue: RunbookIssueView }) {
  const from = Math.max(1, issue.line - 2);
  let to = issue.line;
  while (to < issue.line + 1 && lines.has(to + 1)) to += 1;
  const width = String(to).length;
  const shown: string[] = [];
  for (let n = from; n <= to; n++) {
    if (!lines.has(n)) continue;
    shown.push(`${String(n).padStart(width)} | ${lines.get(n) ?? ''}`);
    if (n === issue.line) shown.push(`${' '.repeat(width)} | ${' '.repeat(Math.max(0, issue.column - 1))}^`);
  }
  return (
    <pre className="excerpt" tabIndex={0} aria-label={format(t.runbooks.sourceExcerpt, { line: issue.line })}>
      {shown.join('\n')}
    </pre>
  );
}

function RunbookOutline({ runbook }: { runbook: RunbookView }) {
  return (
    <section className="card" aria-labelledby="runbook-title">
      <h2 id="runbook-title">{runbook.title}</h2>
      <p className="hint mono">{format(t.runbooks.loaded, { version: runbook.version, hash: shortHash(runbook.hash) })}</p>
      {runbook.status && <p className="muted">{runbook.status}</p>}
      <p>{format(t.runbooks.approvalsNeeded, { quorum: runbook.quorum, role: roleLabel(runbook.approverRole) })}</p>
      {runbook.warnings.length > 0 && (
        <>
          <h3>{t.runbooks.warnings}</h3>
          <ul>
            {runbook.warnings.map((w, i) => (
              <li key={i}>
                <span className="mono">{format(t.runbooks.at, { line: w.line, column: w.column })}</span> {w.message}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>{t.runbooks.phases}</h3>
      <ol className="outline">
        {runbook.phases.map((phase) => (
          <li key={phase.id} data-phase={phase.id}>
            <strong>
              {phase.id === 'preconditions' ? t.run.preconditions : `${phase.id} · ${phase.title}`}
              {phase.at && <span className="muted"> ({phase.at})</span>}
            </strong>
            {phase.purpose && <p className="hint">{phase.purpose}</p>}
            <ol>
              {phase.steps.map((step) => (
                <li key={step.id}>
                  <span className="mono">{step.id}</span> — {step.title} <StepKindTag kind={step.kind} />
                </li>
              ))}
            </ol>
          </li>
        ))}
      </ol>
      <h3>{t.runbooks.targets}</h3>
      <ul>
        {runbook.targets.map((target) => (
          <li key={target.name}>
            <strong className="mono">{target.name}</strong> ({t.targets.kindName[target.kind]}) <span className="mono">{target.address}</span>
            {target.description && <span className="hint"> — {target.description}</span>}
          </li>
        ))}
      </ul>
      {runbook.secrets.length > 0 && (
        <>
          <h3>{t.runbooks.secrets}</h3>
          <ul>
            {runbook.secrets.map((s) => (
              <li key={s.name}>
                <span className="mono">{s.name}</span>
                {s.description && <span className="hint"> — {s.description}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {runbook.rollback && (
        <>
          <h3>{t.runbooks.rollback}</h3>
          {runbook.rollback.triggers.length > 0 && (
            <ul>
              {runbook.rollback.triggers.map((trigger) => (
                <li key={trigger}>{trigger}</li>
              ))}
            </ul>
          )}
          {runbook.rollback.instructions && <p>{runbook.rollback.instructions}</p>}
        </>
      )}
    </section>
  );
}

function StartRun({ opened }: { opened: Extract<RunbookOpenResult, { ok: true }> }) {
  const { actor, openRun, go, report } = useWorkspace();
  const ids = useId();
  const [environment, setEnvironment] = useState<'rehearsal' | 'production'>('rehearsal');
  const [overrides, setOverrides] = useState<Record<string, string>>({});
  const [t0, setT0] = useState('');
  const [rehearsal, setRehearsal] = useState<{ path: string; token: string } | null>(null);

  async function chooseRehearsal() {
    if (!api) return;
    try {
      const picked = await api.files.choose({ purpose: 'pack' });
      if (picked.path && picked.token) setRehearsal({ path: picked.path, token: picked.token });
    } catch (err) {
      setError(err);
    }
  }
  const [saved, setSaved] = useState<SavedTargetView[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!api) return;
    let current = true;
    api.targets.list().then((list) => current && setSaved(list), report);
    return () => {
      current = false;
    };
  }, [report]);

  async function start(event: FormEvent) {
    event.preventDefault();
    if (!api || !actor) return;
    setBusy(true);
    setError(null);
    try {
      const targets = Object.fromEntries(Object.entries(overrides).filter(([, uri]) => uri.trim() !== ''));
      const run = await api.run.start({ text: opened.text, source: opened.source, environment, targets, ...(t0.trim() ? { t0: t0.trim() } : {}), ...(environment === 'production' && rehearsal ? { rehearsal: rehearsal.token } : {}), actor });
      openRun(run.runId);
      go('run');
    } catch (err) {
      if ((err as { code?: string }).code === 'VAULT_LOCKED') report(err);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t.runbooks.startHeading}</h2>
      <form onSubmit={(e) => void start(e)} aria-busy={busy}>
        <fieldset className="segmented">
          <legend>{t.runbooks.environmentLegend}</legend>
          {(['rehearsal', 'production'] as const).map((env) => (
            <label key={env}>
              <input type="radio" name={`${ids}-env`} value={env} checked={environment === env} onChange={() => setEnvironment(env)} />
              <span>{t.environment[env]}</span>
            </label>
          ))}
        </fieldset>
        {opened.runbook.targets.map((target) => {
          const compatible = saved.filter((s) => canStandIn(target.kind, s.kind));
          const value = overrides[target.name] ?? '';
          return (
            <div className="field override" key={target.name}>
              <label htmlFor={`${ids}-${target.name}`}>{format(t.runbooks.overrideLabel, { name: target.name })}</label>
              <div className="input-row">
                <select
                  aria-label={format(t.runbooks.useSaved, { name: target.name })}
                  value={compatible.find((s) => s.overrideUri === value)?.name ?? ''}
                  onChange={(e) => {
                    const chosen = compatible.find((s) => s.name === e.target.value);
                    setOverrides((o) => ({ ...o, [target.name]: chosen ? chosen.overrideUri : '' }));
                  }}
                >
                  <option value="">{t.runbooks.asInRunbook}</option>
                  {compatible.map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.name}
                    </option>
                  ))}
                </select>
                <input
                  id={`${ids}-${target.name}`}
                  type="text"
                  className="mono"
                  value={value}
                  onChange={(e) => setOverrides((o) => ({ ...o, [target.name]: e.target.value }))}
                  aria-describedby={`${ids}-${target.name}-hint`}
                  autoComplete="off"
                  spellCheck={false}
                />
              </div>
              <p id={`${ids}-${target.name}-hint`} className="hint">
                {format(t.runbooks.overrideHint, { address: target.address })}
              </p>
            </div>
          );
        })}
        {environment === 'production' && (
          <div className="field" data-testid="start-rehearsal">
            <span className="label">{t.runbooks.rehearsalLabel}</span>
            <div className="input-row">
              <button type="button" onClick={() => void chooseRehearsal()}>
                {t.runbooks.rehearsalChoose}
              </button>
              {rehearsal && <span className="mono">{rehearsal.path}</span>}
            </div>
            <p className="hint">{t.runbooks.rehearsalHint}</p>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${ids}-t0`}>{t.runbooks.t0Label}</label>
          <input id={`${ids}-t0`} type="text" className="mono" value={t0} onChange={(e) => setT0(e.target.value)} placeholder="22:00" aria-describedby={`${ids}-t0-hint`} autoComplete="off" spellCheck={false} data-testid="start-t0" />
          <p id={`${ids}-t0-hint`} className="hint">
            {t.runbooks.t0Hint}
          </p>
        </div>
        <ErrorNotice error={error} />
        {!actor && <p className="notice notice-info">{t.runbooks.needsActor}</p>}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !actor}>
            {busy ? t.runbooks.starting : format(t.runbooks.start, { actor: actor ?? '' })}
          </button>
        </div>
      </form>
    </section>
  );
}
