// The open run as the header shows it (state, environment, what comes next), kept fresh: loaded
// again on every push about it and whenever the workspace's data changes.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DecisionView, RunView } from '../../shared/contract';
import { api } from './api';
import { usePush } from './push';

export function useOpenRun(runId: string | null, reloadKey: number): { run: RunView | null; decision: DecisionView | null } {
  const [run, setRun] = useState<RunView | null>(null);
  const [decision, setDecision] = useState<DecisionView | null>(null);
  const latest = useRef(0);

  const load = useCallback(async () => {
    const request = ++latest.current;
    if (!api || !runId) {
      setRun(null);
      setDecision(null);
      return;
    }
    try {
      const view = await api.run.status({ runId });
      // The decision matters to "what next" only once the run is closed or on its rollback path.
      const closed = view.status !== 'ACTIVE' && view.status !== 'BLOCKED';
      const decided = closed ? await api.decision.get({ runId }) : null;
      if (request !== latest.current) return;
      setRun(view);
      setDecision(decided);
    } catch {
      // The screen that shows the run reports errors; the header keeps what it had.
    }
  }, [runId]);

  useEffect(() => {
    const timer = setTimeout(() => void load(), 0);
    return () => clearTimeout(timer);
  }, [load, reloadKey]);

  usePush((message) => {
    if (message.type === 'run' && message.runId === runId) void load();
  });

  return { run: runId && run?.runId === runId ? run : null, decision };
}
