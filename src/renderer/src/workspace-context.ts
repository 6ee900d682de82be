// What every screen of the open vault shares: who is acting, the identities, the open run and
// runbook, where errors go, and how to move between screens.
import { createContext, useContext, useEffect } from 'react';
import type { IdentityRecord, RunbookOpenResult, SessionKeysView, VaultStatus } from '../../shared/contract';

export type Screen = 'run' | 'runbooks' | 'approvals' | 'decision' | 'warRoom' | 'targets' | 'people' | 'evidence' | 'database';

export const SCREENS: Screen[] = ['run', 'runbooks', 'approvals', 'decision', 'warRoom', 'targets', 'people', 'evidence', 'database'];

export interface WorkspaceApi {
  /** Who is signing: a person whose key is usable at this workstation, or null. */
  actor: string | null;
  setActor: (name: string | null) => void;
  identities: IdentityRecord[];
  /** The keys usable here this session (main's keyring): only their people can sign here. */
  keys: SessionKeysView;
  /** Reloads identities and usable keys. */
  reloadIdentities: () => void;
  /** A locked vault ends the session; anything else is shown at the top of the screen. */
  report: (error: unknown) => void;
  go: (screen: Screen) => void;
  runId: string | null;
  openRun: (runId: string | null) => void;
  /** The runbook opened on the Runbooks screen (kept while moving between screens). */
  runbook: Extract<RunbookOpenResult, { ok: true }> | null;
  setRunbook: (opened: Extract<RunbookOpenResult, { ok: true }> | null) => void;
  /** The open vault's status (path, chain head, keychain). */
  status: VaultStatus;
  /** Bumped when the vault's chain grew in a way another screen should see. */
  reloadKey: number;
  /** Something appended to the chain: refresh the status (or take the one given) and every screen's data. */
  changed: (next?: VaultStatus) => void;
}

export const WorkspaceContext = createContext<WorkspaceApi | null>(null);

export function useWorkspace(): WorkspaceApi {
  const value = useContext(WorkspaceContext);
  if (!value) throw new Error('useWorkspace outside the workspace');
  return value;
}

/** Runs `load` after the first render and again whenever it or the workspace's reloadKey changes. */
export function useReloadingLoad(load: () => Promise<void>, reloadKey: number): void {
  useEffect(() => {
    // Deferred a tick so the screen paints before its data request starts.
    const timer = setTimeout(() => void load(), 0);
    return () => clearTimeout(timer);
  }, [load, reloadKey]);
}
