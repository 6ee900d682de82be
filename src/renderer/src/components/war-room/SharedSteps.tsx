import type { WarRoomStepView } from '../../../../shared/contract';
import { formatBytes, formatClock, shortHash } from '../../format';
import { format, t } from '../../i18n';
import { Card } from '../Card';
import { StepKindTag, StepStatusBadge } from '../StepBadges';

function GateList({ step }: { step: WarRoomStepView }) {
  if (step.gates.length === 0) return <span className="muted">{t.common.none}</span>;
  return (
    <ul className="gates">
      {step.gates.map((g, i) => {
        const verdict = g.passed ? t.warRoom.gatePassed : g.level === 'warn' ? t.warRoom.gateWarned : t.warRoom.gateFailed;
        return (
          <li key={i} data-passed={g.passed}>
            <span aria-hidden="true">{g.passed ? '✓ ' : '✗ '}</span>
            {g.gate}: {verdict}
            {g.detail && <span className="hint"> — {g.detail}</span>}
          </li>
        );
      })}
    </ul>
  );
}

/** Each step as the operator's chain has it now: state, who, when, exit code, gates; its output's hash and size (its text: SharedOutput). */
export function SharedSteps({ steps }: { steps: WarRoomStepView[] }) {
  return (
    <Card heading={t.warRoom.stepsHeading} data-testid="war-room-steps">
      <div className="table-wrap">
        <table>
          <caption className="hint">{t.warRoom.stepsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.warRoom.step}</th>
              <th scope="col">{t.warRoom.kind}</th>
              <th scope="col">{t.warRoom.state}</th>
              <th scope="col">{t.warRoom.who}</th>
              <th scope="col">{t.warRoom.when}</th>
              <th scope="col">{t.warRoom.gates}</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => (
              <tr key={s.stepId} data-step={s.stepId} data-status={s.status}>
                <td>
                  <span className="mono">{s.stepId}</span>
                  {s.title && <div className="hint">{s.title}</div>}
                  {s.transcript && <div className="hint">{format(t.warRoom.transcript, { size: formatBytes(s.transcript.size), hash: s.transcript.sha256 ? shortHash(s.transcript.sha256) : t.common.none })}</div>}
                </td>
                <td>{s.kind ? <StepKindTag kind={s.kind} /> : t.common.none}</td>
                <td>
                  <StepStatusBadge status={s.status} />
                  {s.exitCode !== null && <div className="hint">{format(t.warRoom.exit, { code: s.exitCode })}</div>}
                  {s.attempts > 1 && <div className="hint">{format(t.warRoom.attempts, { n: s.attempts })}</div>}
                  {s.failure && <div className="hint">{s.failure}</div>}
                  {s.skipReason && <div className="hint">{s.skipReason}</div>}
                </td>
                <td>{s.actor ?? t.common.none}</td>
                <td>{s.finishedAt ?? s.startedAt ? <time dateTime={(s.finishedAt ?? s.startedAt)!}>{formatClock((s.finishedAt ?? s.startedAt)!)}</time> : t.common.none}</td>
                <td>
                  <GateList step={s} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
