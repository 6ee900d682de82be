import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { SavedTargetView, SecretView, TargetSpec, TargetTestResult } from '../../../shared/contract';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatTime } from '../format';
import { format, t } from '../i18n';
import { useWorkspace } from '../workspace-context';

type Kind = TargetSpec['kind'];
const TLS = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

/** Where steps run, tested before the window opens, and the secrets they need (entered once). */
export function Targets() {
  const { report, reloadKey, changed, actor, runbook } = useWorkspace();
  const [targets, setTargets] = useState<SavedTargetView[] | null>(null);
  const [secrets, setSecrets] = useState<SecretView[] | null>(null);

  const load = useCallback(() => {
    if (!api) return;
    api.targets.list().then(setTargets, report);
    api.secrets.list().then(setSecrets, report);
  }, [report]);

  useEffect(() => {
    const timer = setTimeout(load, 0);
    return () => clearTimeout(timer);
  }, [load, reloadKey]);

  const needed = runbook?.runbook.secrets.map((s) => s.name) ?? [];
  return (
    <div className="content">
      <div className="primary-column">
        <h1 tabIndex={-1}>{t.targets.heading}</h1>
        <p className="muted">{t.targets.intro}</p>
        <TargetList targets={targets} actor={actor} onChanged={() => changed()} onError={report} />
        <AddTarget secrets={secrets ?? []} actor={actor} onSaved={() => changed()} />
      </div>
      <aside className="side-column">
        <Secrets secrets={secrets} needed={needed} actor={actor} onSaved={() => changed()} onError={report} />
      </aside>
    </div>
  );
}

function TargetList({ targets, actor, onChanged, onError }: { targets: SavedTargetView[] | null; actor: string | null; onChanged: () => void; onError: (e: unknown) => void }) {
  const [testing, setTesting] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, TargetTestResult>>({});

  async function test(name: string) {
    if (!api) return;
    setTesting(name);
    try {
      const result = await api.targets.test({ name, ...(actor ? { actor } : {}) });
      setResults((r) => ({ ...r, [name]: result }));
      if (result.ok && result.hostKeySource === 'confirmed') onChanged();
    } catch (err) {
      onError(err);
    } finally {
      setTesting(null);
    }
  }

  async function remove(name: string) {
    if (!api) return;
    try {
      await api.targets.remove({ name, ...(actor ? { actor } : {}) });
      onChanged();
    } catch (err) {
      onError(err);
    }
  }

  return (
    <section className="card" aria-labelledby="saved-targets">
      <h2 id="saved-targets">{t.targets.caption}</h2>
      {targets !== null && targets.length === 0 && <p className="muted">{t.targets.empty}</p>}
      <ul className="target-list">
        {targets?.map((target) => {
          const result = results[target.name];
          return (
            <li key={target.name} data-target={target.name} className="target-item">
              <div className="target-head">
                <strong className="mono">{target.name}</strong>
                <span className="tag">{t.targets.kindName[target.kind]}</span>
                {target.description && <span className="hint">{target.description}</span>}
                <div className="row-actions">
                  <button type="button" className="small" disabled={testing !== null} onClick={() => void test(target.name)} aria-label={format(t.targets.testNamed, { name: target.name })}>
                    {testing === target.name ? t.targets.testing : t.targets.test}
                  </button>
                  <button type="button" className="small" disabled={testing !== null} onClick={() => void remove(target.name)} aria-label={format(t.targets.removeNamed, { name: target.name })}>
                    {t.targets.remove}
                  </button>
                </div>
              </div>
              <dl className="target-facts">
                <div>
                  <dt>{t.targets.address}</dt>
                  <dd className="mono wrap">{target.address}</dd>
                </div>
                {target.secret && (
                  <div>
                    <dt>{t.targets.secret}</dt>
                    <dd className="mono">{format(target.secretSet ? t.targets.secretSet : t.targets.secretMissing, { name: target.secret })}</dd>
                  </div>
                )}
                {target.kind === 'ssh' && (
                  <div>
                    <dt>{t.targets.hostKey}</dt>
                    <dd className="mono wrap">{target.hostKey ?? t.targets.notPinned}</dd>
                  </div>
                )}
              </dl>
              <div role="status" className="test-result" data-test-result={result ? (result.ok ? 'ok' : 'failed') : undefined}>
                {result?.ok && (
                  <span className="ok-text">
                    <span aria-hidden="true">✓ </span>
                    {format(t.targets.testOk, { name: result.name, ms: result.durationMs })}
                    {result.httpStatus !== undefined && <> {format(t.targets.testHttpStatus, { status: result.httpStatus })}</>}
                    {result.hostKey && (
                      <>
                        {' '}
                        {format(t.targets.testHostKey, {
                          fingerprint: result.hostKey,
                          source: result.hostKeySource && result.hostKeySource in t.targets.hostKeySource ? t.targets.hostKeySource[result.hostKeySource as keyof typeof t.targets.hostKeySource] : (result.hostKeySource ?? ''),
                        })}
                      </>
                    )}
                  </span>
                )}
                {result && !result.ok && (
                  <span className="err-text">
                    <span aria-hidden="true">✗ </span>
                    {format(t.targets.testFail, { name: result.name, failure: result.failure })} {result.message}
                  </span>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function AddTarget({ secrets, actor, onSaved }: { secrets: SecretView[]; actor: string | null; onSaved: () => void }) {
  const ids = useId();
  const [kind, setKind] = useState<Kind>('ssh');
  const [name, setName] = useState('');
  const [dsn, setDsn] = useState('');
  const [tls, setTls] = useState<(typeof TLS)[number]>('prefer');
  const [secret, setSecret] = useState('');
  const [host, setHost] = useState('');
  const [port, setPort] = useState('');
  const [user, setUser] = useState('');
  const [auth, setAuth] = useState<'agent' | 'key' | 'password'>('agent');
  const [keyFile, setKeyFile] = useState('');
  const [cwd, setCwd] = useState('');
  const [hostKey, setHostKey] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [authHeader, setAuthHeader] = useState('');
  const [tlsVerify, setTlsVerify] = useState(true);
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);

  function spec(): TargetSpec {
    if (kind === 'postgres' || kind === 'mysql') return { kind, dsn, tls, ...(secret ? { secret } : {}), ...(description ? { description } : {}) };
    if (kind === 'http') return { kind, baseUrl, ...(secret ? { secret } : {}), ...(secret && authHeader ? { authHeader } : {}), tlsVerify, ...(description ? { description } : {}) };
    if (kind === 'ssh')
      return {
        kind,
        host,
        ...(port ? { port: Number(port) } : {}),
        ...(user ? { user } : {}),
        auth,
        ...(auth === 'key' && keyFile ? { keyFile } : {}),
        ...(secret ? { secret } : {}),
        ...(cwd ? { cwd } : {}),
        ...(hostKey ? { hostKey } : {}),
        ...(description ? { description } : {}),
      };
    return { kind, ...(cwd ? { cwd } : {}), ...(description ? { description } : {}) };
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!api) return;
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const target = await api.targets.save({ name, spec: spec(), ...(actor ? { actor } : {}) });
      setSaved(target.name);
      setName('');
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const field = (id: string, label: string, value: string, set: (v: string) => void, options: { hint?: string; required?: boolean; mono?: boolean; inputMode?: 'numeric' } = {}) => (
    <div className="field">
      <label htmlFor={`${ids}-${id}`}>
        {label}
        {!options.required && <span className="muted"> {t.common.optional}</span>}
      </label>
      <input
        id={`${ids}-${id}`}
        type="text"
        className={options.mono ? 'mono' : undefined}
        value={value}
        onChange={(e) => set(e.target.value)}
        aria-describedby={options.hint ? `${ids}-${id}-hint` : undefined}
        required={options.required}
        inputMode={options.inputMode}
        autoComplete="off"
        spellCheck={false}
      />
      {options.hint && (
        <p id={`${ids}-${id}-hint`} className="hint">
          {options.hint}
        </p>
      )}
    </div>
  );

  return (
    <section className="card" aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t.targets.addHeading}</h2>
      <form onSubmit={(e) => void save(e)} aria-busy={busy}>
        <fieldset className="segmented">
          <legend>{t.targets.kindLegend}</legend>
          {(['ssh', 'postgres', 'mysql', 'http', 'local'] as const).map((k) => (
            <label key={k}>
              <input type="radio" name={`${ids}-kind`} value={k} checked={kind === k} onChange={() => setKind(k)} />
              <span>{t.targets.kindName[k]}</span>
            </label>
          ))}
        </fieldset>
        {field('name', t.targets.name, name, setName, { required: true, mono: true })}
        {(kind === 'postgres' || kind === 'mysql') && (
          <>
            {field('dsn', t.targets.dsnLabel, dsn, setDsn, { required: true, mono: true, hint: kind === 'mysql' ? t.targets.mysqlDsnHint : t.targets.dsnHint })}
            <div className="field">
              <label htmlFor={`${ids}-tls`}>{t.targets.tlsLabel}</label>
              <select id={`${ids}-tls`} value={tls} onChange={(e) => setTls(e.target.value as (typeof TLS)[number])}>
                {TLS.map((mode) => (
                  <option key={mode} value={mode}>
                    {mode}
                  </option>
                ))}
              </select>
            </div>
          </>
        )}
        {kind === 'ssh' && (
          <>
            {field('host', t.targets.hostLabel, host, setHost, { required: true, mono: true })}
            <div className="field-row">
              {field('port', t.targets.portLabel, port, setPort, { mono: true, inputMode: 'numeric' })}
              {field('user', t.targets.userLabel, user, setUser, { mono: true })}
            </div>
            <fieldset className="segmented">
              <legend>{t.targets.authLegend}</legend>
              {(['agent', 'key', 'password'] as const).map((a) => (
                <label key={a}>
                  <input type="radio" name={`${ids}-auth`} value={a} checked={auth === a} onChange={() => setAuth(a)} />
                  <span>{a === 'agent' ? t.targets.authAgent : a === 'key' ? t.targets.authKey : t.targets.authPassword}</span>
                </label>
              ))}
            </fieldset>
            {auth === 'key' && field('keyfile', t.targets.keyFileLabel, keyFile, setKeyFile, { required: true, mono: true })}
            {field('cwd', t.targets.cwdLabel, cwd, setCwd, { mono: true })}
            {field('hostkey', t.targets.hostKeyLabel, hostKey, setHostKey, { mono: true, hint: t.targets.hostKeyHint })}
          </>
        )}
        {kind === 'local' && field('cwd', t.targets.cwdLabel, cwd, setCwd, { mono: true })}
        {kind === 'http' && (
          <>
            {field('baseurl', t.targets.baseUrlLabel, baseUrl, setBaseUrl, { required: true, mono: true, hint: t.targets.baseUrlHint })}
            <div className="field">
              <label>
                <input type="checkbox" checked={tlsVerify} onChange={(e) => setTlsVerify(e.target.checked)} aria-describedby={`${ids}-tlsverify-hint`} /> {t.targets.tlsVerifyLabel}
              </label>
              <p id={`${ids}-tlsverify-hint`} className="hint">
                {t.targets.tlsVerifyHint}
              </p>
            </div>
          </>
        )}
        {kind !== 'local' && (
          <div className="field">
            <label htmlFor={`${ids}-secret`}>
              {kind === 'http' ? t.targets.tokenSecretLabel : t.targets.secretLabel}
              <span className="muted"> {t.common.optional}</span>
            </label>
            <input id={`${ids}-secret`} type="text" className="mono" list={`${ids}-secrets`} value={secret} onChange={(e) => setSecret(e.target.value)} aria-describedby={`${ids}-secret-hint`} autoComplete="off" spellCheck={false} />
            <datalist id={`${ids}-secrets`}>
              {secrets.map((s) => (
                <option key={s.name} value={s.name} />
              ))}
            </datalist>
            <p id={`${ids}-secret-hint`} className="hint">
              {kind === 'http' ? t.targets.tokenSecretHint : t.targets.secretHint}
            </p>
          </div>
        )}
        {kind === 'http' && secret && field('authheader', t.targets.authHeaderLabel, authHeader, setAuthHeader, { mono: true, hint: t.targets.authHeaderHint })}
        {field('description', t.targets.descriptionLabel, description, setDescription)}
        <ErrorNotice error={error} />
        {saved && (
          <p className="notice notice-ok" role="status">
            {format(t.targets.saved, { name: saved })}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t.targets.saving : t.targets.save}
          </button>
        </div>
      </form>
    </section>
  );
}

function Secrets({ secrets, needed, actor, onSaved, onError }: { secrets: SecretView[] | null; needed: string[]; actor: string | null; onSaved: () => void; onError: (e: unknown) => void }) {
  const ids = useId();
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [stored, setStored] = useState<string | null>(null);

  async function store(event: FormEvent) {
    event.preventDefault();
    if (!api) return;
    setBusy(true);
    setError(null);
    setStored(null);
    try {
      const saved = await api.secrets.set({ name, value, ...(actor ? { actor } : {}) });
      // The value leaves the form at once: it is never kept or shown by the window.
      setValue('');
      setStored(saved.name);
      onSaved();
    } catch (err) {
      if ((err as { code?: string }).code === 'VAULT_LOCKED') onError(err);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  const missing = needed.filter((n) => !secrets?.some((s) => s.name === n));
  return (
    <section className="card" aria-labelledby={`${ids}-h`}>
      <h2 id={`${ids}-h`}>{t.secrets.heading}</h2>
      <p className="hint">{t.secrets.intro}</p>
      {missing.length > 0 && <p className="notice notice-info">{format(t.secrets.neededBy, { names: missing.join(', ') })}</p>}
      <table className="compact">
        <caption className="visually-hidden">{t.secrets.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.secrets.name}</th>
            <th scope="col">{t.secrets.setAt}</th>
          </tr>
        </thead>
        <tbody>
          {secrets !== null && secrets.length === 0 && (
            <tr>
              <td colSpan={2} className="muted">
                {t.secrets.empty}
              </td>
            </tr>
          )}
          {secrets?.map((s) => (
            <tr key={s.name} data-secret={s.name}>
              <td className="mono">{s.name}</td>
              <td>
                {s.setAt ? <time dateTime={s.setAt}>{formatTime(s.setAt)}</time> : t.common.none}
                {s.setBy && <div className="hint">{s.setBy}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={(e) => void store(e)} aria-busy={busy}>
        <div className="field">
          <label htmlFor={`${ids}-name`}>{t.secrets.nameLabel}</label>
          <input id={`${ids}-name`} type="text" className="mono" list={`${ids}-needed`} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" spellCheck={false} required />
          <datalist id={`${ids}-needed`}>
            {needed.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-value`}>{t.secrets.valueLabel}</label>
          <input id={`${ids}-value`} type="password" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="new-password" required />
        </div>
        <ErrorNotice error={error} />
        {stored && (
          <p className="notice notice-ok" role="status">
            {format(t.secrets.stored, { name: stored })}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t.secrets.storing : t.secrets.set}
        </button>
      </form>
    </section>
  );
}
