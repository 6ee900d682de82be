import { useCallback, useEffect, useState } from 'react';
import type { WarRoomStepView, WarRoomTranscriptView } from '../../../../shared/contract';
import { api } from '../../api';
import { formatBytes } from '../../format';
import { format, t } from '../../i18n';
import { usePush } from '../../push';
import { Card } from '../Card';

/** What main says of one transcript: live, verified complete, not shared, or a red problem naming its chunk. */
function OutputState({ view }: { view: WarRoomTranscriptView }) {
  switch (view.state) {
    case 'complete':
      return <p className="notice">{format(t.warRoom.outputComplete, { bytes: formatBytes(view.bytes), workstation: view.workstation })}</p>;
    case 'live':
      return <p className="hint">{format(t.warRoom.outputLive, { bytes: formatBytes(view.bytes) })}</p>;
    case 'notShared':
      return <p className="hint">{format(t.warRoom.outputNotShared, { workstation: view.workstation })}</p>;
    case 'problem':
      return (
        <p className="notice notice-error" role="alert" data-testid="war-room-output-problem">
          {format(t.warRoom.outputProblem, { problem: view.problem?.text ?? '' })}
        </p>
      );
    case 'unavailable':
      return <p className="notice notice-error">{format(t.warRoom.outputUnavailable, { message: view.message ?? '' })}</p>;
  }
}

/** One step's output as main's reader of the ledger has checked it so far; asked again when main says it changed. */
function StepOutput({ workstation, step, artifactId }: { workstation: string; step: WarRoomStepView; artifactId: string }) {
  const [view, setView] = useState<WarRoomTranscriptView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (!api) return;
    try {
      setView(await api.warRoom.transcript({ workstation, artifactId }));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [workstation, artifactId]);

  useEffect(() => {
    const timer = setTimeout(() => void load(), 0);
    return () => clearTimeout(timer);
  }, [load, step.status]);

  usePush((message) => {
    if (message.type === 'warRoomTranscript' && message.workstation === workstation && message.artifactId === artifactId) void load();
  });

  const headingId = `war-room-output-${artifactId}`;
  return (
    <section aria-labelledby={headingId} data-testid="war-room-output" data-step={step.stepId} data-state={view?.state ?? 'loading'}>
      <h3 id={headingId}>{format(t.warRoom.outputOf, { step: step.stepId })}</h3>
      {error && <p className="notice notice-error">{format(t.warRoom.outputUnavailable, { message: error })}</p>}
      {view && <OutputState view={view} />}
      {view && view.start > 0 && <p className="hint">{format(t.warRoom.outputCut, { bytes: formatBytes(view.start) })}</p>}
      {view && (view.text ? <pre className="code output" tabIndex={0} aria-label={format(t.warRoom.outputOf, { step: step.stepId })}>{view.text}</pre> : view.state === 'live' && <p className="muted">{t.warRoom.outputEmpty}</p>)}
    </section>
  );
}

/** The output of every step of the run that has a transcript, in the steps' order. */
export function SharedOutput({ workstation, steps }: { workstation: string; steps: WarRoomStepView[] }) {
  const withOutput = steps.filter((s) => s.transcript?.artifactId);
  return (
    <Card heading={t.warRoom.outputHeading} data-testid="war-room-outputs">
      {withOutput.length === 0 && <p className="muted">{t.warRoom.outputNone}</p>}
      {withOutput.map((s) => (
        <StepOutput key={s.transcript!.artifactId!} workstation={workstation} step={s} artifactId={s.transcript!.artifactId!} />
      ))}
      <p className="hint">{t.warRoom.transcriptsNote}</p>
    </Card>
  );
}
