// Schedules (hypercare): a check with `repeat: { every: 30m, for: 2h }` runs once as any step and
// the run completes on it (a GO does not wait); later occurrences run through `run watch` when
// due, each its own transcript and events, a failing one recorded without blocking the run or
// changing the step's status. The clock is the engine's option, so nothing waits on real time.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchSchedules } from '../../src/core/engine/watch';
import { buildPack, verifyPack } from '../../src/core/pack';
import { loadRunbook, RunbookError } from '../../src/core/runbook';
import { useEngineFixture } from './setup';

const MIN = 60_000;

function runbook(flag: string): string {
  return `
format: cutover-runbook/v1
id: hypercare
title: Hypercare
version: "1"
targets: { ws: { kind: local } }
phases:
  - id: hypercare
    title: Hypercare
    steps:
      - id: kpi
        kind: check
        title: KPI totals still equal
        evidence: kpi.log
        target: ws
        run: cat ${flag}
        read_only: true
        expect: [{ output_contains: equal }]
        repeat: { every: 30m, for: 2h }
`;
}

describe('schedules', () => {
  it('the first run completes the run; occurrences run when due, as evidence, and a failing one blocks nothing', async () => {
    const fx = await useEngineFixture();
    const flag = join(fx.dir, 'kpi.txt');
    writeFileSync(flag, 'totals equal\n');
    let clock = Date.now();
    const op = fx.engine('op', { now: () => clock });
    const run = await op.startRun({ text: runbook(flag), source: 'h.yaml', environment: 'rehearsal' });
    const first = await op.executeStep(run.runId, 'kpi');
    expect(first.status).toBe('PASS');
    expect(op.status(run.runId).status).toBe('COMPLETED');
    const origin = Date.parse(op.status(run.runId).steps.get('kpi')!.firstPassAt!);

    // Not due yet: refused, and the chain does not move.
    const [before] = op.schedules(run.runId);
    expect(before).toMatchObject({ stepId: 'kpi', runs: 1, closed: false, next: { n: 2, due: false, overdue: false } });
    const head = fx.vault.head();
    await expect(op.executeStep(run.runId, 'kpi')).rejects.toThrow(/Occurrence 2 of kpi is due at .*, not yet/);
    expect(fx.vault.head()).toEqual(head);

    clock = origin + 31 * MIN;
    const lines: string[] = [];
    const second = await watchSchedules(op, run.runId, { once: true, now: () => clock, onLine: (l) => lines.push(l) });
    expect(second.outcomes.map((o) => o.status)).toEqual(['PASS']);
    expect(second.outcomes[0]!.transcript.name).toBe('kpi.occurrence-2.log');
    expect(lines.join('\n')).toMatch(/kpi: 1 run\(s\); occurrence 2 due since/);

    // An hour and a half later: occurrence 3 is overdue; it fails, and is recorded as failing, nothing more.
    writeFileSync(flag, 'totals differ by 12\n');
    clock = origin + 95 * MIN;
    expect(op.schedules(run.runId)[0]!.next).toMatchObject({ n: 3, due: true, overdue: true });
    const third = await watchSchedules(op, run.runId, { once: true, now: () => clock });
    expect(third.outcomes.map((o) => [o.status, o.blocked])).toEqual([['FAIL', false]]);
    const state = op.status(run.runId);
    expect(state.status).toBe('COMPLETED');
    expect(state.steps.get('kpi')!.status).toBe('PASS');
    expect(state.steps.get('kpi')!.occurrences!.map((o) => [o.n, o.status])).toEqual([[2, 'PASS'], [3, 'FAIL']]);
    const finished = fx.vault.events().filter((e) => e.type === 'step.finished').map((e) => (e.payload as { occurrence?: number; status: string }));
    expect(finished.map((p) => [p.occurrence ?? 1, p.status])).toEqual([[1, 'PASS'], [2, 'PASS'], [3, 'FAIL']]);
    expect(fx.vault.events().some((e) => e.type === 'run.blocked')).toBe(false);

    // After the window (2 h): the schedule is over; another run is refused.
    clock = origin + 3 * 60 * MIN;
    expect(op.schedules(run.runId)[0]).toMatchObject({ closed: true, next: null, runs: 3 });
    await expect(op.executeStep(run.runId, 'kpi')).rejects.toThrow(/The schedule of kpi is over/);
    const done = await watchSchedules(op, run.runId, { now: () => clock });
    expect(done.outcomes).toEqual([]);

    // The pack carries every occurrence and still verifies (it awaits signatures, nothing is broken).
    const built = await buildPack(fx.vault, run.runId, { outDir: join(fx.dir, 'out') });
    const report = await verifyPack(built.zip);
    expect(report.verdict, report.summary).toBe('AWAITING SIGNATURES');
    const names = JSON.stringify(JSON.parse(readFileSync(join(built.folder, 'manifest.json'), 'utf8')));
    expect(names).toContain('kpi.occurrence-2.log');
    expect(names).toContain('kpi.occurrence-3.log');
  }, 120_000);

  it('a mutating HTTP request cannot repeat; a schedule that never repeats warns', () => {
    const http = `
format: cutover-runbook/v1
id: r
title: r
version: "1"
targets: { api: { kind: http, base_url: "http://127.0.0.1:1" } }
phases:
  - id: p
    title: p
    steps:
      - { id: post, kind: http, title: t, target: api, request: { method: POST, path: /x }, repeat: { every: 30m, for: 72h } }
      - { id: get, kind: http, title: t, target: api, request: { path: /x }, repeat: { every: 2h, for: 1h } }
`;
    try {
      loadRunbook(http, 'r.yaml');
      expect.unreachable('a repeating POST must be refused');
    } catch (error) {
      if (!(error instanceof RunbookError)) throw error;
      expect(error.issues.filter((i) => i.severity === 'error').map((i) => `${i.path}: ${i.message}`)).toEqual([
        'phases[0].steps[0].repeat: only read-only steps repeat: a POST request changes something each time it runs; repeat a GET or HEAD, or a check',
      ]);
      expect(error.issues.filter((i) => i.severity === 'warning').map((i) => i.path)).toContain('phases[0].steps[1].repeat.every');
    }
  });
});
