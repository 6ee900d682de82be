// The open run's view and one more thing a screen shows beside it (the plan, the decision),
// loaded together and again whenever the workspace changes.
import { useCallback, useState } from 'react';
import type { Client, RunView } from '../../shared/contract';
import { api } from './api';
import { useReloadingLoad, useWorkspace } from './workspace-context';

/** `fetch` must be stable (a module-level function): it is a dependency of the load. */
export function useRunWith<T>(fetch: (client: Client, runId: string) => Promise<T>): [run: RunView | null, value: T | null, setValue: (next: T) => void] {
  const { runId, report, reloadKey } = useWorkspace();
  const [run, setRun] = useState<RunView | null>(null);
  const [value, setValue] = useState<T | null>(null);
  const load = useCallback(async () => {
    if (!api || !runId) return;
    try {
      const [v, r] = await Promise.all([fetch(api, runId), api.run.status({ runId })]);
      setValue(v);
      setRun(r);
    } catch (err) {
      report(err);
    }
  }, [fetch, runId, report]);
  useReloadingLoad(load, reloadKey);
  return [run, value, setValue];
}
