import { useId, useState } from 'react';
import type { WarRoomRunView, WarRoomView } from '../../../../shared/contract';
import { api } from '../../api';
import { formatClock, shortHash } from '../../format';
import { format, t } from '../../i18n';
import { ActionForm, useAction } from '../ActionForm';
import { Card } from '../Card';
import { Field } from '../Field';

type Member = NonNullable<WarRoomView['member']>;

/** The plan offered and who approved it; the operator's vault records what was sent when it receives it. */
function Approvals({ run, member, onView }: { run: WarRoomRunView; member: Member | null; onView: (view: WarRoomView) => void }) {
  const { busy, error, act } = useAction();
  const [done, setDone] = useState(false);
  const plan = run.plan;
  const mine = member !== null && run.approvals.some((a) => a.workstation === member.workstation || (a.state === 'recorded' && a.signer === member.owner && a.planDigest === plan?.digest));

  async function approve() {
    const client = api;
    if (!client) return;
    await act(async () => {
      onView(await client.warRoom.approve({ runId: run.summary.runId }));
      setDone(true);
    });
  }

  return (
    <section aria-labelledby="war-room-approvals-h" data-testid="war-room-approvals">
      <h3 id="war-room-approvals-h">{t.warRoom.approvalsHeading}</h3>
      <p>{plan ? format(t.warRoom.planOffered, { digest: shortHash(plan.digest), workstation: plan.workstation, time: formatClock(plan.offeredAt), steps: plan.steps, quorum: plan.quorum }) : t.warRoom.noPlan}</p>
      {run.approvals.length === 0 ? (
        <p className="muted">{t.warRoom.noApprovals}</p>
      ) : (
        <ul>
          {run.approvals.map((a) => (
            <li key={`${a.workstation}-${a.fingerprint}-${a.planDigest}`} data-signer={a.signer} data-state={a.state}>
              <strong>{a.signer}</strong> <span className="mono hint">{a.fingerprint}</span> · {a.state === 'recorded' ? t.warRoom.approvalRecorded : t.warRoom.approvalSent} · <time dateTime={a.at}>{formatClock(a.at)}</time>
            </li>
          ))}
        </ul>
      )}
      {member && plan && !mine && (
        <ActionForm onSubmit={approve} busy={busy} error={error} done={done ? t.warRoom.approved : null} submit={format(t.warRoom.approve, { owner: member.owner })} submitting={t.warRoom.approving} />
      )}
    </section>
  );
}

/** Decisions recorded and sent, and (for a member of the ledger) the GO / NO-GO signed here and sent. */
function Decisions({ run, member, onView }: { run: WarRoomRunView; member: Member | null; onView: (view: WarRoomView) => void }) {
  const ids = useId();
  const { busy, error, act } = useAction();
  const [authorization, setAuthorization] = useState<'Approved' | 'Rejected'>('Approved');
  const [note, setNote] = useState('');
  const [done, setDone] = useState(false);

  async function decide() {
    const client = api;
    if (!client) return;
    await act(async () => {
      onView(await client.warRoom.decide({ runId: run.summary.runId, decision: { kind: 'decision.record', authorization, ...(note.trim() ? { note } : {}) } }));
      setDone(true);
    });
  }

  return (
    <section aria-labelledby="war-room-decisions-h" data-testid="war-room-decisions">
      <h3 id="war-room-decisions-h">{t.warRoom.decisionsHeading}</h3>
      {run.decisions.length === 0 ? (
        <p className="muted">{t.warRoom.noDecisions}</p>
      ) : (
        <ul>
          {run.decisions.map((d) => (
            <li key={`${d.workstation}-${d.at}-${d.text}`} data-kind={d.kind} data-state={d.state} data-verdict={d.verdict ?? ''}>
              <time dateTime={d.at}>{formatClock(d.at)}</time> · {d.text} · {d.state === 'recorded' ? t.warRoom.decisionRecorded : t.warRoom.decisionSent}
            </li>
          ))}
        </ul>
      )}
      {member && run.summary.status === 'BLOCKED' && <BlockedDecision run={run} member={member} onView={onView} />}
      {member && (
        <ActionForm onSubmit={decide} busy={busy} error={error} done={done ? t.warRoom.decided : null} submit={t.warRoom.decide} submitting={t.warRoom.deciding}>
          <fieldset>
            <legend>{format(t.warRoom.decideLegend, { owner: member.owner })}</legend>
            <label>
              <input type="radio" name={`${ids}-auth`} checked={authorization === 'Approved'} onChange={() => setAuthorization('Approved')} /> {t.warRoom.go}
            </label>
            <label>
              <input type="radio" name={`${ids}-auth`} checked={authorization === 'Rejected'} onChange={() => setAuthorization('Rejected')} /> {t.warRoom.noGo}
            </label>
          </fieldset>
          <Field id={`${ids}-note`} label={t.warRoom.noteLabel}>
            <input id={`${ids}-note`} type="text" value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} />
          </Field>
        </ActionForm>
      )}
    </section>
  );
}

type RunDecision = 'rollback' | 'stop' | 'retry';

/** For a BLOCKED run: rollback, stop, or retry a step, with the reason; core's ledger decide checks it before anything is signed. */
function BlockedDecision({ run, member, onView }: { run: WarRoomRunView; member: Member; onView: (view: WarRoomView) => void }) {
  const ids = useId();
  const { busy, error, act } = useAction();
  const [decision, setDecision] = useState<RunDecision>('rollback');
  const [reason, setReason] = useState('');
  const [stepId, setStepId] = useState(run.blockedBy?.stepId ?? run.steps[0]?.stepId ?? '');
  const [done, setDone] = useState(false);
  const choices: [RunDecision, string][] = [['rollback', t.warRoom.rollback], ['stop', t.warRoom.stopRun], ['retry', t.warRoom.retry]];

  async function decide() {
    const client = api;
    if (!client) return;
    await act(async () => {
      setDone(false);
      onView(await client.warRoom.decide({ runId: run.summary.runId, decision: { kind: 'run.decide', decision, reason, ...(decision === 'retry' && stepId ? { stepId } : {}) } }));
      setDone(true);
    });
  }

  return (
    <div data-testid="war-room-run-decision">
      <ActionForm onSubmit={decide} busy={busy} error={error} done={done ? t.warRoom.decided : null} submit={t.warRoom.runDecide} submitting={t.warRoom.deciding}>
        <fieldset>
          <legend>{format(t.warRoom.runDecisionLegend, { owner: member.owner })}</legend>
          {choices.map(([value, label]) => (
            <label key={value}>
              <input type="radio" name={`${ids}-run-decision`} value={value} checked={decision === value} onChange={() => setDecision(value)} /> {label}
            </label>
          ))}
        </fieldset>
        {decision === 'retry' && (
          <Field id={`${ids}-step`} label={t.warRoom.retryStepLabel}>
            <select id={`${ids}-step`} value={stepId} onChange={(e) => setStepId(e.target.value)}>
              {run.steps.map((s) => (
                <option key={s.stepId} value={s.stepId}>
                  {s.stepId}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field id={`${ids}-reason`} label={t.warRoom.reasonLabel}>
          <input id={`${ids}-reason`} type="text" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={4000} aria-required="true" />
        </Field>
      </ActionForm>
    </div>
  );
}

/** The team's part: approvals of the plan and the decision, acted on from this machine when this vault joined the ledger. */
export function TeamActs({ run, member, onView }: { run: WarRoomRunView; member: WarRoomView['member']; onView: (view: WarRoomView) => void }) {
  // The operator's own workstation acts in its own vault, not through the ledger.
  const acting = member && member.workstation !== run.summary.workstation ? member : null;
  return (
    <Card heading={`${t.warRoom.approvalsHeading} · ${t.warRoom.decisionsHeading}`} data-testid="war-room-team">
      <Approvals run={run} member={acting} onView={onView} />
      <Decisions run={run} member={acting} onView={onView} />
      {!acting && <p className="hint">{t.warRoom.notMember}</p>}
    </Card>
  );
}
