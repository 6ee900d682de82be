import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { IdentityRecord, RunbookOpenResult, SessionKeysView, VaultStatus } from '../../../shared/contract';
import { api, errorCode } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { HostKeyDialog } from '../components/HostKeyDialog';
import { WorkspaceHeader } from '../components/WorkspaceHeader';
import { t } from '../i18n';
import { usePush } from '../push';
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
import { WarRoom } from './WarRoom';

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
  warRoom: WarRoom,
  targets: Targets,
  people: People,
  evidence: Evidence,
  database: Database,
};

/** The open vault: a screen at a time, who is acting, and the host-key confirmations main asks for. */
export function Workspace({ status, onStatus, onSessionLost }: WorkspaceProps) {
  const [screen, setScreen] = useState<Screen>('run');
  const [reloadKey, setReloadKey] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [identities, setIdentities] = useState<IdentityRecord[]>([]);
  const [keys, setKeys] = useState<SessionKeysView>({ keys: [], ownerLocked: null });
  const [actor, setActor] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [runbook, setRunbook] = useState<Extract<RunbookOpenResult, { ok: true }> | null>(null);
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    collectOutput();
    // Unlocked: the page starts at its top with the header in view.
    window.scrollTo({ top: 0 });
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
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

  // The chain head in the header is read again whenever main says a run changed: never stale.
  usePush((message) => {
    if (message.type === 'run' && api) api.vault.status().then(onStatus, report);
  });

  const go = useCallback((next: Screen) => {
    setError(null);
    setScreen(next);
    // A new screen starts at its top, under the header.
    mainRef.current?.scrollTo({ top: 0 });
    // Move focus to the new screen's heading, so keyboard and screen-reader users land on it.
    requestAnimationFrame(() => mainRef.current?.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true }));
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

  const View = SCREEN_VIEWS[screen];
  return (
    <WorkspaceContext.Provider value={workspace}>
      <div className="workspace">
        <WorkspaceHeader status={status} runId={runId} reloadKey={reloadKey} keys={keys} actor={actor} onActor={setActor} onStatus={onStatus} onError={report} />

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
