import type { WarRoomRunView, WarRoomView } from '../../../../shared/contract';
import { formatTime } from '../../format';
import { format, t } from '../../i18n';
import { Card } from '../Card';
import { EnvironmentBanner } from '../EnvironmentBanner';
import { Fact } from '../Fact';
import { RunStatusBadge } from '../StepBadges';
import { SharedOutput } from './SharedOutput';
import { SharedSteps } from './SharedSteps';
import { SharedTimeline } from './SharedTimeline';
import { TeamActs } from './TeamActs';

/** One shared run: who runs it and where it stands, its steps, the team's approvals and decision, its timeline. */
export function SharedRun({ run, member, onView }: { run: WarRoomRunView; member: WarRoomView['member']; onView: (view: WarRoomView) => void }) {
  const s = run.summary;
  return (
    <>
      <EnvironmentBanner environment={s.environment} />
      <Card heading={format(t.warRoom.runHeading, { run: `${s.runbookTitle} v${s.runbookVersion}` })} data-testid="war-room-run" data-run={s.runId}>
        <dl className="run-facts">
          <Fact label={t.warRoom.status} testId="war-room-status">
            <RunStatusBadge status={s.status} />
          </Fact>
          <Fact label={t.warRoom.operator}>{s.operator}</Fact>
          <Fact label={t.warRoom.workstation} className="mono">
            {s.workstation}
          </Fact>
          <Fact label={t.warRoom.started}>
            <time dateTime={s.startedAt}>{formatTime(s.startedAt)}</time>
          </Fact>
        </dl>
        <p className="hint mono">{s.runId}</p>
        {run.claimedBy.length > 1 && (
          <p className="notice notice-error" role="alert" data-testid="war-room-claimed">
            {format(t.warRoom.claimed, { workstations: run.claimedBy.join(', '), shown: s.workstation })}
          </p>
        )}
        {run.blockedBy && (
          <p className="notice notice-error" role="note" data-testid="war-room-blocked">
            {format(t.warRoom.blocked, { step: run.blockedBy.stepId, reason: run.blockedBy.reason })}
          </p>
        )}
      </Card>
      <SharedSteps steps={run.steps} />
      <SharedOutput workstation={s.workstation} steps={run.steps} />
      <TeamActs run={run} member={member} onView={onView} />
      <SharedTimeline run={run} />
    </>
  );
}
