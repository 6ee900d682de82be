// The War room's fold of checked ledger events (core/war-room/board.ts), as pure data: what the
// operator's chain says moves the run; another chain's events are messages to it; an act sent and
// then recorded by the operator is shown once, as recorded; a retry reopens its step.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PublishedEvent } from '../../src/core/ledger';
import { WarRoomLog } from '../../src/core/war-room/board';

const RUN = '6f1c9a52-8a2e-4c55-9c1e-0d6d9b2f4a11';
let clock = Date.parse('2026-12-06T22:00:00Z');

function event(workstation: string, seq: number, type: string, payload: Record<string, unknown>, actor = 'op'): PublishedEvent {
  clock += 1000;
  const at = new Date(clock).toISOString();
  return { workstation, seq, at, actor, type, payload: { runId: RUN, ...payload }, prevHash: '0'.repeat(64), hash: `${workstation}-${seq}`.padEnd(64, '0'), publishedAt: at };
}

describe('the War room board', () => {
  it('folds the operator chain into step states, keeps other chains as messages, and shows a sent act once recorded', () => {
    const log = new WarRoomLog();
    const started = event('ops-1', 1, 'run.started', { environment: 'production', operator: 'op', runbook: { id: 'rb', version: '2', title: 'Runbook' } });
    const look = [event('ops-1', 2, 'step.started', { stepId: 'look', kind: 'check', phaseId: 'P0', target: 'db' }), event('ops-1', 3, 'step.finished', { stepId: 'look', status: 'FAIL', exitCode: 1, gates: [{ gate: 'exit code = 0', kind: 'expect', passed: false, detail: 'exit code 1' }] })];
    const blocked = event('ops-1', 4, 'run.blocked', { stepId: 'look', reason: 'exit code 1' });
    // Another workstation claims the step passed: a message at most, never the run's state.
    const forged = event('ic-1', 1, 'step.done', { stepId: 'look' }, 'ic');
    const sent = event('ic-1', 2, 'ledger.act_sent', { to: { workstation: 'ops-1', vault: 'v' }, act: 'run.decide', text: '{"act":"run.decide"}', signature: 's', fingerprint: 'f' }, 'ic');
    expect(log.add([started, ...look, blocked, forged, sent, started])).toBe(6);

    let board = log.board(RUN)!;
    expect(board.summary).toMatchObject({ workstation: 'ops-1', status: 'BLOCKED', environment: 'production', runbookTitle: 'Runbook' });
    expect(board.steps).toEqual([expect.objectContaining({ stepId: 'look', kind: 'check', phaseId: 'P0', status: 'BLOCKED', exitCode: 1, attempts: 1, gates: [expect.objectContaining({ passed: false })] })]);
    expect(board.decisions).toEqual([expect.objectContaining({ state: 'sent', actor: 'ic' })]);

    // The operator's vault records the act (its digest in the event) and retries the step.
    const digest = createHash('sha256').update('{"act":"run.decide"}').digest('hex');
    log.add([event('ops-1', 5, 'run.decision', { decision: 'retry', stepId: 'look', reason: 'flaky', act: { digest, text: 't', signature: 's' } }, 'ic')]);
    board = log.board(RUN)!;
    expect(board.summary.status).toBe('ACTIVE');
    expect(board.blockedBy).toBeNull();
    expect(board.steps[0]).toMatchObject({ stepId: 'look', status: 'pending', exitCode: null, gates: [] });
    expect(board.decisions).toEqual([expect.objectContaining({ kind: 'run.decision', state: 'recorded', verdict: 'retry' })]);
    expect(board.claimedBy).toEqual(['ops-1']);
    expect(log.runs()).toEqual([expect.objectContaining({ runId: RUN, status: 'ACTIVE' })]);
  });
});
