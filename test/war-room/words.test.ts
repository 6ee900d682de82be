// The War room's words from core: a shared run's timeline lines (as `ledger watch` prints them
// in English, byte for byte as before the catalogue) and the follower's tamper findings, in the
// window's language. Pure functions over published events and findings: no ledger needed.
import { describe, expect, it } from 'vitest';
import { describeProblem, timelineText, type PublishedEvent } from '../../src/core/ledger';
import { WarRoomLog } from '../../src/core/war-room/board';
import { describeProblemIn, findingText } from '../../src/core/war-room/finding-words';
import { translate, translator } from '../../src/shared/i18n';

const runId = '3f0c8a52-7d1e-4a57-9a8e-1c2b3d4e5f60';
let seq = 0;
const event = (type: string, payload: Record<string, unknown>, actor = 'op'): PublishedEvent => ({ workstation: 'ops-1', seq: ++seq, at: `2026-12-06T22:00:${String(seq).padStart(2, '0')}.000Z`, actor, type, payload: { runId, ...payload }, prevHash: '0'.repeat(64), hash: String(seq).padStart(64, '0') }) as unknown as PublishedEvent;

const events = [
  event('run.started', { environment: 'rehearsal', operator: 'op', runbook: { id: 'alembic-cutover', version: '3', title: 'Alembic cutover' } }),
  event('step.started', { stepId: 'heads', target: 'db', attempt: 2 }),
  event('step.finished', { stepId: 'heads', status: 'PASS', exitCode: 0, durationMs: 41.6, gates: [{ gate: 'exit code = 0', kind: 'expect', passed: true, detail: 'exit code 0', check: { type: 'exit_code', expected: 0, actual: 0 } }] }),
  event('step.attested', { stepId: 'freeze', statement: 'Writes are frozen' }),
  event('step.recorded', { stepId: 'snap', values: { snapshot: 'snap-42' } }),
  event('step.done', { stepId: 'notify', note: 'posted' }),
  event('step.skipped', { stepId: 'report', reason: 'not needed' }),
  event('step.interrupted', { stepId: 'upgrade', reason: 'the process stopped' }),
  event('run.blocked', { stepId: 'upgrade', reason: 'abort gate abort on /DuplicateTable/ matched', gates: [{ gate: 'abort on /DuplicateTable/', kind: 'abort', passed: false, detail: 'matched: DuplicateTable' }] }),
  event('run.decision', { decision: 'rollback', stepId: 'upgrade', reason: 'the table exists' }),
  event('run.completed', { passed: 3, steps: 3 }),
];

describe('the War room’s words', () => {
  it('writes the timeline in English word for word as `ledger watch` always has', () => {
    expect(events.map((e) => timelineText(e))).toEqual([
      'run started by op (rehearsal), runbook alembic-cutover v3',
      'step heads started by op on db (attempt 2)',
      'step heads finished: PASS (exit 0) in 42 ms',
      'step freeze attested by op: "Writes are frozen"',
      'step snap recorded by op: snapshot=snap-42',
      'step notify done by op: posted',
      'step report skipped by op: not needed',
      'step upgrade INTERRUPTED: the process stopped',
      'run BLOCKED at step upgrade: abort gate abort on /DuplicateTable/ matched',
      'decision by op: rollback (step upgrade): the table exists',
      'run COMPLETED: 3 of 3 steps passed',
    ]);
  });

  it('writes the timeline in Spanish for a Spanish window, values as recorded', () => {
    const es = translator('es');
    const lines = events.map((e) => timelineText(e, es));
    expect(lines[0]).toBe('ejecución iniciada por op (ensayo), runbook alembic-cutover v3');
    expect(lines[2]).toBe('paso heads terminado: PASS (salida 0) en 42 ms');
    expect(lines[7]).toBe('paso upgrade INTERRUMPIDO: the process stopped');
    expect(lines[8]).toMatch(/^ejecución BLOQUEADA en el paso upgrade: /);
    expect(lines[8]).not.toContain('matched');
    expect(lines[9]).toBe('decisión de op: revertir (paso upgrade): the table exists');
    expect(lines[10]).toBe('ejecución COMPLETADA: 3 de 3 pasos en PASS');
    // The board the window gets: its timeline and its decisions in the language asked for.
    const log = new WarRoomLog();
    log.add(events);
    const board = log.board(runId, es)!;
    expect(board.timeline.map((l) => l.text)).toEqual(lines);
    expect(board.decisions[0]!.text).toBe(lines[9]);
    expect(board.blockedBy?.reason).toBe(lines[8]!.replace('ejecución BLOQUEADA en el paso upgrade: ', ''));
    expect(log.board(runId)!.blockedBy?.reason).toBe('abort gate abort on /DuplicateTable/ matched');
    // A step's gate results: worded from what was checked in Spanish, as recorded in English.
    const gate = (b: typeof board) => b.steps.find((s) => s.stepId === 'heads')!.gates[0]!;
    expect(gate(board)).toMatchObject({ gate: translate('es', 'gate.exit', { code: 0 }), detail: translate('es', 'gate.exitActual', { code: 0 }), passed: true });
    expect(gate(log.board(runId)!)).toMatchObject({ gate: 'exit code = 0', detail: 'exit code 0' });
    expect(log.board(runId)!.timeline.map((l) => l.text)).toEqual(events.map((e) => timelineText(e)));
  });

  it('names tamper findings in Spanish, and in English exactly as the ledger code words them', () => {
    const rewritten = { workstation: 'ops-1', seq: 6, message: 'event #6 was rewritten after this follower read it (hash then 0123456789ab…, now 000000000000…)' };
    expect(describeProblemIn('en', rewritten)).toBe(describeProblem(rewritten));
    expect(describeProblemIn('en', rewritten)).toBe('ops-1 event #6: event #6 was rewritten after this follower read it (hash then 0123456789ab…, now 000000000000…)');
    expect(describeProblemIn('es', rewritten)).toBe('ops-1 evento #6: el evento #6 se reescribió después de que este seguidor lo leyera (hash entonces 0123456789ab…, ahora 000000000000…)');
    const membership = { workstation: 'ic-1', seq: null, message: "the workstation's membership does not hold: it joined another ledger (9b1d)" };
    expect(describeProblemIn('es', membership)).toBe('ic-1: la membresía de la estación de trabajo no se sostiene: se unió a otro libro mayor (9b1d)');
    expect(findingText('es', "the ledger went backwards: it holds ops-1's events up to #4, but this follower saw #9: it was restored from an older backup, or its newest rows were deleted"))
      .toBe('el libro mayor retrocedió: contiene los eventos de ops-1 hasta #4, pero este seguidor vio #9: se restauró de una copia más antigua, o se borraron sus filas más recientes');
    // Words the catalogue does not know stay as the ledger code wrote them.
    expect(findingText('es', 'something new went wrong')).toBe('something new went wrong');
  });
});
