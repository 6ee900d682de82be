import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { IdentityRecord, RunbookOpenResult, SessionKeysView, VaultStatus } from '../../../shared/contract';
import { api, errorCode } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { HostKeyDialog } from '../components/HostKeyDialog';
import { formatMinutes, shortHash } from '../format';
import { format, t } from '../i18n';
import { collectOutput } from '../transcripts';
import { SCREENS, WorkspaceContext, type Screen, type WorkspaceApi } from '../workspace-context';
import { Approvals } from './Approvals';
import { Database } from './Database';
import { Decision } from './Decision';
import { Evidence } from './Evidence';
import { People } from './People';
import { RunConsole } from './RunConsole';
import { Runbooks } from './Runbooks';
import { Targets } from './Targets';

export interface WorkspaceProps {
  status: VaultStatus;
  onStatus: (status: VaultStatus) => void;
  /** Called when a call finds the vault locked (idle auto-lock): the app goes back to the gate. */
  onSessionLost: () => Promise<void>;
}

const SCREEN_VIEWS: Record<Screen, () => React.JSX.Element> = {
  run: RunConsole,
  runbooks: Runbooks,
  approvals: Approvals,
  decision: Decision,
  targets: Targets,
  people: People,
  evidence: Evidence,
  database: Database,
};

/** The open vault: a screen at a time, who is acting, and the host-key confirmations main asks for. */
export function Workspace({ status, onStatus, onSessionLost }: WorkspaceProps) {
  const ids = useId();
  const [screen, setScreen] = useState<Screen>('run');
  const [reloadKey, setReloadKey] = useState(0);
  const [locking, setLocking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [identities, setIdentities] = useState<IdentityRecord[]>([]);
  const [keys, setKeys] = useState<SessionKeysView>({ keys: [], ownerLocked: null });
  const [actor, setActor] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [runbook, setRunbook] = useState<Extract<RunbookOpenResult, { ok: true }> | null>(null);
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    collectOutput();
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, []);

  /** Every screen reports errors here: a locked vault ends the session, anything else is shown. */
  const report = useCallback(
    (err: unknown) => {
      if (errorCode(err) === 'VAULT_LOCKED') {
        void onSessionLost();
        return;
      }
      setError(err);
    },
    [onSessionLost],
  );

  const reloadIdentities = useCallback(() => {
    if (!api) return;
    Promise.all([api.identities.list(), api.keys.list()]).then(([list, usable]) => {
      setIdentities(list);
      setKeys(usable);
      // Only someone whose key is usable here signs: the first usable operator, until the person picks.
      setActor((current) => (current && usable.keys.some((k) => k.name === current) ? current : (usable.keys.find((k) => k.roles.includes('operator'))?.name ?? usable.keys[0]?.name ?? null)));
    }, report);
  }, [report]);

  useEffect(() => {
    const timer = setTimeout(reloadIdentities, 0);
    return () => clearTimeout(timer);
  }, [reloadIdentities]);

  // The most recent run is the one the console opens with.
  useEffect(() => {
    if (!api) return;
    let current = true;
    api.run.list().then((runs) => {
      if (current && runs[0]) setRunId((id) => id ?? runs[0]!.runId);
    }, report);
    return () => {
      current = false;
    };
  }, [report]);

  const go = useCallback((next: Screen) => {
    setError(null);
    setScreen(next);
    // Move focus to the new screen's heading, so keyboard and screen-reader users land on it.
    requestAnimationFrame(() => mainRef.current?.querySelector<HTMLElement>('h1')?.focus());
  }, []);

  const changed = useCallback(
    (next?: VaultStatus) => {
      setReloadKey((k) => k + 1);
      if (next) onStatus(next);
      else if (api) api.vault.status().then(onStatus, report);
    },
    [onStatus, report],
  );

  const workspace = useMemo<WorkspaceApi>(
    () => ({ actor, setActor, identities, keys, reloadIdentities, report, go, runId, openRun: setRunId, runbook, setRunbook, status, reloadKey, changed }),
    [actor, identities, keys, reloadIdentities, report, go, runId, runbook, status, reloadKey, changed],
  );

  async function lock() {
    if (!api) return;
    setLocking(true);
    try {
      onStatus(await api.vault.lock());
    } catch (err) {
      report(err);
      setLocking(false);
    }
  }

  const View = SCREEN_VIEWS[screen];
  return (
    <WorkspaceContext.Provider value={workspace}>
      <div className="workspace">
        <header className="topbar">
          <div className="brand brand-inline">
            <span className="brand-name">{t.app.title}</span>
            <span className="subtitle">{t.app.subtitle}</span>
          </div>
          <dl className="vault-meta">
            <div>
              <dt>{t.header.vault}</dt>
              <dd className="mono path" title={status.path ?? ''} data-testid="vault-path">
                {status.path}
              </dd>
            </div>
            {status.head && (
              <div>
                <dt>{t.header.head}</dt>
                <dd className="mono" title={status.head.hash}>
                  #{status.head.seq} · {shortHash(status.head.hash)}
                </dd>
              </div>
            )}
          </dl>
          <div className="acting-as">
            <label htmlFor={`${ids}-actor`}>{t.actor.label}</label>
            <select id={`${ids}-actor`} value={actor ?? ''} onChange={(e) => setActor(e.target.value || null)} aria-describedby={`${ids}-actor-hint`}>
              <option value="">{t.actor.none}</option>
              {keys.keys.map((k) => (
                <option key={k.name} value={k.name} data-fingerprint={k.fingerprint}>
                  {k.name} ({k.roles.map((r) => t.identities.role[r]).join(', ')}) · {k.fingerprint}
                </option>
              ))}
            </select>
            <span id={`${ids}-actor-hint`} className="visually-hidden">
              {t.actor.hint}
            </span>
          </div>
          <div className="topbar-actions">
            {status.autoLockMinutes !== null && <span className="hint">{format(t.header.autoLock, { minutes: formatMinutes(status.autoLockMinutes) })}</span>}
            <button type="button" onClick={() => void lock()} disabled={locking}>
              {locking ? t.header.locking : t.header.lock}
            </button>
          </div>
        </header>

        <div className="frame">
          <nav className="screens" aria-label={t.nav.label}>
            <ul>
              {SCREENS.map((s) => (
                <li key={s}>
                  <button type="button" className="nav-item" aria-current={s === screen ? 'page' : undefined} onClick={() => go(s)}>
                    {t.nav[s]}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <main className="screen" ref={mainRef} data-screen={screen}>
            <ErrorNotice error={error} />
            <View key={screen} />
          </main>
        </div>
        <HostKeyDialog />
      </div>
    </WorkspaceContext.Provider>
  );
}
