import { useCallback, useEffect, useState } from 'react';
import type { VaultStatus } from '../../shared/contract';
import { api } from './api';
import { ErrorNotice } from './components/ErrorNotice';
import { t } from './i18n';
import { VaultGate } from './screens/VaultGate';
import { Workspace } from './screens/Workspace';

/** Main locks an idle vault on its own; polling status (which does not count as activity) notices. */
const STATUS_POLL_MS = 30_000;

export function App() {
  const [status, setStatus] = useState<VaultStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The gate offers the vault that was last open, so locking and unlocking is two keystrokes.
  const [lastPath, setLastPath] = useState<string | null>(null);

  const apply = useCallback((next: VaultStatus) => {
    if (next.path) setLastPath(next.path);
    setStatus(next);
  }, []);

  const refresh = useCallback(async () => {
    if (!api) return;
    try {
      apply(await api.vault.status());
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [apply]);

  useEffect(() => {
    const first = setTimeout(() => void refresh(), 0);
    const timer = setInterval(() => void refresh(), STATUS_POLL_MS);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [refresh]);

  if (!api) {
    return (
      <main className="shell shell-narrow">
        <h1>{t.app.title}</h1>
        <p className="notice notice-error" role="alert">{t.app.noBridge}</p>
      </main>
    );
  }
  if (!status) {
    return (
      <main className="shell shell-narrow" aria-busy={error ? undefined : true}>
        <h1>{t.app.title}</h1>
        {error ? <ErrorNotice error={error} /> : <p>{t.app.loading}</p>}
      </main>
    );
  }
  return status.unlocked ? (
    <Workspace status={status} onStatus={apply} onSessionLost={refresh} />
  ) : (
    <VaultGate status={status} lastPath={lastPath} onOpened={apply} />
  );
}
