import { useId, useState, type FormEvent } from 'react';
import type { IdentityRecord } from '../../../shared/contract';
import { api } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { Identities } from '../components/Identities';
import { SessionKeys } from '../components/SessionKeys';
import { format, t, roleLabel } from '../i18n';
import { useWorkspace } from '../workspace-context';

type Role = IdentityRecord['roles'][number];
type Source = 'generate' | 'file' | 'agent' | 'public';
const ROLES: Role[] = ['operator', 'approver', 'observer'];
/** A private side is offered only while the vault has no owner: the first one becomes the owner. */
const OWNER_SOURCES: Source[] = ['generate', 'file', 'agent', 'public'];

const SOURCE_LABEL: Record<Source, () => string> = {
  generate: () => t.people.sourceGenerate,
  file: () => t.people.sourceFile,
  agent: () => t.people.sourceAgent,
  public: () => t.people.sourcePublic,
};

/** Who takes part in the cutover: the vault's owner works here; everyone else holds their own key. */
export function People() {
  const { reloadKey, report, reloadIdentities, identities, actor, changed } = useWorkspace();
  const ids = useId();
  const hasOwner = identities.some((i) => i.owner);
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>(['operator']);
  const [otherRoles, setOtherRoles] = useState('');
  const [chosenSource, setSource] = useState<Source>('generate');
  const [path, setPath] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [agentKey, setAgentKey] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [added, setAdded] = useState<IdentityRecord | null>(null);
  const source: Source = hasOwner ? 'public' : chosenSource;

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
            : source === 'public'
              ? { kind: 'public' as const, publicKey }
              : { kind: 'generate' as const };
      const extra = otherRoles.split(',').map((r) => r.trim()).filter(Boolean);
      const identity = await api.identities.add({ name, roles: [...new Set([...roles, ...extra])], source: keySource, ...(actor ? { actor } : {}) });
      setAdded(identity);
      setName('');
      setOtherRoles('');
      setPassphrase('');
      setPublicKey('');
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

  const onChanged = () => {
    reloadIdentities();
    changed();
  };

  return (
    <div className="content">
      <div className="primary-column">
        <h1 tabIndex={-1}>{t.people.heading}</h1>
        <section className="card" aria-labelledby={`${ids}-add`}>
          <h2 id={`${ids}-add`}>{t.people.addHeading}</h2>
          <p className="hint">{hasOwner ? t.people.ownerExists : t.people.ownerFirst}</p>
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
                  <span>{roleLabel(role)}</span>
                </label>
              ))}
            </fieldset>
            <div className="field">
              <label htmlFor={`${ids}-other-roles`}>{t.people.otherRolesLabel}</label>
              <input id={`${ids}-other-roles`} type="text" value={otherRoles} onChange={(e) => setOtherRoles(e.target.value)} aria-describedby={`${ids}-other-roles-hint`} autoComplete="off" spellCheck={false} />
              <p id={`${ids}-other-roles-hint`} className="hint">
                {t.people.otherRolesHint}
              </p>
            </div>
            {!hasOwner && (
              <fieldset className="segmented">
                <legend>{t.people.sourceLegend}</legend>
                {OWNER_SOURCES.map((s) => (
                  <label key={s}>
                    <input type="radio" name={`${ids}-source`} value={s} checked={source === s} onChange={() => setSource(s)} />
                    <span>{SOURCE_LABEL[s]()}</span>
                  </label>
                ))}
              </fieldset>
            )}
            {source === 'public' && (
              <div className="field">
                <label htmlFor={`${ids}-pub`}>{t.people.publicKeyLabel}</label>
                <textarea id={`${ids}-pub`} className="mono" value={publicKey} onChange={(e) => setPublicKey(e.target.value)} rows={3} aria-describedby={`${ids}-pub-hint`} spellCheck={false} required />
                <p id={`${ids}-pub-hint`} className="hint">
                  {t.people.publicKeyHint}
                </p>
              </div>
            )}
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
        <SessionKeys onChanged={onChanged} />
      </div>
      <aside className="side-column">
        <Identities reloadKey={reloadKey} onError={report} onChanged={onChanged} />
      </aside>
    </div>
  );
}
