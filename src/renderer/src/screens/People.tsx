import { useId, useState, type FormEvent } from 'react';
import type { IdentityRecord } from '../../../shared/contract';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { Identities } from '../components/Identities';
import { format, t } from '../i18n';
import { useWorkspace } from '../workspace-context';

type Role = IdentityRecord['roles'][number];
type Source = 'generate' | 'file' | 'agent';
const ROLES: Role[] = ['operator', 'approver', 'observer'];

/** Who takes part in the cutover, each with a key: operators run it, approvers sign it. */
export function People() {
  const { reloadKey, report, reloadIdentities, actor, changed } = useWorkspace();
  const ids = useId();
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>(['operator']);
  const [source, setSource] = useState<Source>('generate');
  const [path, setPath] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [agentKey, setAgentKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [added, setAdded] = useState<IdentityRecord | null>(null);

  async function add(event: FormEvent) {
    event.preventDefault();
    if (!api) return;
    setBusy(true);
    setError(null);
    setAdded(null);
    try {
      const keySource =
        source === 'file'
          ? { kind: 'file' as const, path, ...(passphrase ? { passphrase } : {}) }
          : source === 'agent'
            ? { kind: 'agent' as const, ...(agentKey.trim() ? { key: agentKey.trim() } : {}) }
            : { kind: 'generate' as const };
      const identity = await api.identities.add({ name, roles, source: keySource, ...(actor ? { actor } : {}) });
      setAdded(identity);
      setName('');
      setPassphrase('');
      reloadIdentities();
      changed();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function toggleRole(role: Role, on: boolean) {
    setRoles((current) => (on ? [...new Set([...current, role])] : current.filter((r) => r !== role)));
  }

  return (
    <div className="content">
      <div className="primary-column">
        <h1 tabIndex={-1}>{t.people.heading}</h1>
        <section className="card" aria-labelledby={`${ids}-add`}>
          <h2 id={`${ids}-add`}>{t.people.addHeading}</h2>
          <form onSubmit={(e) => void add(e)} aria-busy={busy}>
            <div className="field">
              <label htmlFor={`${ids}-name`}>{t.people.nameLabel}</label>
              <input id={`${ids}-name`} type="text" value={name} onChange={(e) => setName(e.target.value)} aria-describedby={`${ids}-name-hint`} autoComplete="off" spellCheck={false} required />
              <p id={`${ids}-name-hint`} className="hint">
                {t.people.nameHint}
              </p>
            </div>
            <fieldset className="segmented">
              <legend>{t.people.rolesLegend}</legend>
              {ROLES.map((role) => (
                <label key={role}>
                  <input type="checkbox" checked={roles.includes(role)} onChange={(e) => toggleRole(role, e.target.checked)} />
                  <span>{t.identities.role[role]}</span>
                </label>
              ))}
            </fieldset>
            <fieldset className="segmented">
              <legend>{t.people.sourceLegend}</legend>
              {(['generate', 'file', 'agent'] as const).map((s) => (
                <label key={s}>
                  <input type="radio" name={`${ids}-source`} value={s} checked={source === s} onChange={() => setSource(s)} />
                  <span>{s === 'generate' ? t.people.sourceGenerate : s === 'file' ? t.people.sourceFile : t.people.sourceAgent}</span>
                </label>
              ))}
            </fieldset>
            {source === 'file' && (
              <>
                <div className="field">
                  <label htmlFor={`${ids}-path`}>{t.people.pathLabel}</label>
                  <input id={`${ids}-path`} type="text" className="mono" value={path} onChange={(e) => setPath(e.target.value)} autoComplete="off" spellCheck={false} required />
                </div>
                <div className="field">
                  <label htmlFor={`${ids}-pass`}>{t.people.keyPassphraseLabel}</label>
                  <input id={`${ids}-pass`} type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="off" />
                </div>
              </>
            )}
            {source === 'agent' && (
              <div className="field">
                <label htmlFor={`${ids}-agent`}>{t.people.agentKeyLabel}</label>
                <input id={`${ids}-agent`} type="text" className="mono" value={agentKey} onChange={(e) => setAgentKey(e.target.value)} aria-describedby={`${ids}-agent-hint`} autoComplete="off" spellCheck={false} />
                <p id={`${ids}-agent-hint`} className="hint">
                  {t.people.agentKeyHint}
                </p>
              </div>
            )}
            <ErrorNotice error={error} />
            {added && (
              <p className="notice notice-ok" role="status">
                {format(t.people.added, { name: added.name, fingerprint: added.fingerprint })}
              </p>
            )}
            <div className="actions">
              <button type="submit" className="primary" disabled={busy || roles.length === 0}>
                {busy ? t.people.adding : t.people.add}
              </button>
            </div>
          </form>
        </section>
      </div>
      <aside className="side-column">
        <Identities reloadKey={reloadKey} onError={report} />
      </aside>
    </div>
  );
}
