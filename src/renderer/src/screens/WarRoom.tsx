import { useCallback, useEffect, useState } from 'react';
import type { WarRoomView } from '../../../shared/contract';
import { api } from '../api';
import { ScreenHeader } from '../components/ScreenHeader';
import { LedgerConnect } from '../components/war-room/LedgerConnect';
import { RunPicker } from '../components/war-room/RunPicker';
import { SharedRun } from '../components/war-room/SharedRun';
import { TamperBanner } from '../components/war-room/TamperBanner';
import { t } from '../i18n';
import { usePush } from '../push';
import { useWorkspace } from '../workspace-context';

/**
 * The War room: a run shared through the team ledger, followed live by main's follower. Main
 * checks and folds every event (core's follower and board); this screen only shows the view and
 * asks for it again when main pushes that something arrived.
 */
export function WarRoom() {
  const { report } = useWorkspace();
  const [view, setView] = useState<WarRoomView | null>(null);
  const [runId, setRunId] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (!api) return;
    try {
      setView(await api.warRoom.view(runId ? { runId } : {}));
    } catch (error) {
      report(error);
    }
  }, [runId, report]);

  useEffect(() => {
    const timer = setTimeout(() => void load(), 0);
    return () => clearTimeout(timer);
  }, [load]);

  usePush((message) => {
    if (message.type === 'warRoom') void load();
  });

  return (
    <div className="single-column war-room">
      <ScreenHeader heading={t.warRoom.heading} intro={t.warRoom.intro} />
      {view && <TamperBanner problems={view.problems} />}
      {view && <LedgerConnect view={view} onView={setView} runId={runId} />}
      {view && view.state !== 'idle' && <RunPicker runs={view.runs} value={view.run?.summary.runId ?? null} onChange={setRunId} />}
      {view?.run && <SharedRun run={view.run} member={view.member} onView={setView} />}
    </div>
  );
}
