// How a run ends: `run.completed` once every step outside the rollback path is PASS or
// skipped; skipping is an operator's deliberate act with a reason, refused where it would step
// around a block, a running step or the rollback decision.
import { describe, expect, it } from 'vitest';
import { useEngineFixture } from './setup';

const RUNBOOK = `
format: cutover-runbook/v1
id: complete-test
title: Completion test
version: "1"
policy: { approvals: { quorum: 1 } }
targets:
  ws: { kind: local }
preconditions:
  - { id: freeze, kind: attest, title: Write freeze, statement: "Write freeze confirmed" }
phases:
  - id: P0
    title: Checks
    steps:
      - { id: ok, kind: check, title: Passes, target: ws, run: "echo fine", read_only: true, expect: [ { exit_code: 0 } ] }
      - { id: broken, kind: check, title: Fails, target: ws, run: "echo DuplicateTable; exit 1", read_only: true, abort_on: [ { pattern: DuplicateTable } ] }
      - { id: optional, kind: manual, title: Optional notice, instructions: "Tell the channel." }
rollback:
  triggers: [ "anything" ]
  steps:
    - { id: restore, kind: manual, title: Restore, instructions: "Restore from PITR." }
    - { id: notify, kind: manual, title: Notify, instructions: "Notify the board." }
`;

describe('run completion and skipped steps', () => {
  it('completes the run when the last step outside rollback is PASS or skipped, with the skips in the event', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const { runId } = await op.startRun({ text: RUNBOOK, source: 'complete.yaml', environment: 'rehearsal' });
    await op.attest(runId, 'freeze');
    expect((await op.executeStep(runId, 'ok')).status).toBe('PASS');
    expect(op.status(runId).status).toBe('ACTIVE');

    await expect(op.skip(runId, 'broken', '   ')).rejects.toThrow(/needs a reason/);
    await expect(fx.engine('ap1').skip(runId, 'broken', 'not needed')).rejects.toThrow(/ap1 is approver; only operator may skip a step/);
    await expect(op.skip(runId, 'ok', 'changed my mind')).rejects.toThrow(/already PASS/);
    await expect(op.skip(runId, 'restore', 'not needed')).rejects.toThrow(/only on the rollback path/);
    const skipped = await op.skip(runId, 'broken', 'check replaced by the DBA’s manual review (ticket OPS-12)');
    expect(skipped).toMatchObject({ status: 'skipped', actor: 'op', skipReason: 'check replaced by the DBA’s manual review (ticket OPS-12)' });
    expect(op.status(runId).status).toBe('ACTIVE');
    expect(op.next(runId)?.step.id).toBe('optional');

    await op.done(runId, 'optional', 'sent');
    const state = op.status(runId);
    expect(state.status).toBe('COMPLETED');
    expect(state.completedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const completed = fx.vault.events().filter((e) => e.type === 'run.completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]!.payload).toEqual({ runId, steps: 4, passed: 3, skipped: ['broken'] });
    expect(op.next(runId)).toBeNull();

    // Closed: nothing more runs or changes in it.
    await expect(op.skip(runId, 'restore', 'late')).rejects.toThrow(/COMPLETED/);
    await expect(op.decide(runId, 'stop', 'late')).rejects.toThrow(/already COMPLETED/);
    expect(fx.vault.verify().ok).toBe(true);
  });

  it('never skips around a BLOCKED run; on the rollback path only rollback steps, and the run stays on it', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const { runId } = await op.startRun({ text: RUNBOOK, source: 'complete.yaml', environment: 'rehearsal' });
    await op.attest(runId, 'freeze');
    const events = () => fx.vault.events().length;
    expect(await op.executeStep(runId, 'broken')).toMatchObject({ status: 'FAIL', blocked: true });
    const before = events();
    await expect(op.skip(runId, 'broken', 'just move on')).rejects.toThrow(/BLOCKED at broken; a person records a decision/);
    await expect(op.skip(runId, 'optional', 'just move on')).rejects.toThrow(/BLOCKED/);
    expect(events()).toBe(before);

    await op.decide(runId, 'rollback', 'DuplicateTable');
    await expect(op.skip(runId, 'optional', 'not now')).rejects.toThrow(/only rollback steps can be skipped/);
    await op.done(runId, 'restore');
    expect((await op.skip(runId, 'notify', 'the channel was already informed by phone')).status).toBe('skipped');
    // A rolled-back run is not "completed": its status keeps saying what happened.
    expect(op.status(runId).status).toBe('ROLLBACK');
    expect(fx.vault.events().some((e) => e.type === 'run.completed')).toBe(false);
  });

  it('refuses to skip a step while it runs', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const { runId } = await op.startRun({ text: RUNBOOK.replace('run: "echo fine"', 'run: "sleep 5; echo fine"'), source: 'complete.yaml', environment: 'rehearsal' });
    const controller = new AbortController();
    const running = op.executeStep(runId, 'ok', controller.signal);
    await expect.poll(() => op.status(runId).steps.get('ok')!.status).toBe('running');
    await expect(op.skip(runId, 'ok', 'too slow')).rejects.toThrow(/is running; cancel it first/);
    controller.abort();
    expect((await running).status).toBe('FAIL');
  });
});
