// The planned T-0: named when the run starts, signed in the run.start act, and the one point every
// clock of the run counts from (the scribe timeline, the broadcasts, the PDF, the window). A
// T-0 that is not a time, or is months away, is refused and no run starts.
import { describe, expect, it } from 'vitest';
import { parseAct } from '../../src/core/acts';
import { parsePlannedT0 } from '../../src/core/engine';
import { buildPackModel } from '../../src/core/reports/pack-model';
import { scribeTimeline } from '../../src/core/reports/broadcasts';
import { useEngineFixture } from './setup';

const RUNBOOK = `
format: cutover-runbook/v1
id: t-zero
title: T-0
version: "1"
targets: { ws: { kind: local } }
phases:
  - id: P1
    title: Change
    steps:
      - { id: change, kind: command, title: Change, target: ws, run: "echo changed" }
`;

describe('the planned T-0', () => {
  it('reads HH:MM as today, local time, and ISO 8601 with its zone; refuses anything else, and dates more than 30 days away', () => {
    const now = new Date(2026, 11, 6, 21, 15, 0);
    expect(parsePlannedT0('22:00', now)).toBe(new Date(2026, 11, 6, 22, 0, 0).toISOString());
    expect(parsePlannedT0('2026-12-06T23:00+01:00', now)).toBe('2026-12-06T22:00:00.000Z');
    expect(parsePlannedT0(' 2026-12-06T22:00:00Z ', now)).toBe('2026-12-06T22:00:00.000Z');
    expect(() => parsePlannedT0('tonight', now)).toThrow(/T-0 "tonight" is not a time: give HH:MM/);
    expect(() => parsePlannedT0('2026-12-06T22:00', now)).toThrow(/with its zone/);
    expect(() => parsePlannedT0('25:00', now)).toThrow(/is not a time/);
    expect(() => parsePlannedT0('2027-03-01T22:00:00Z', now)).toThrow(/more than 30 days from now/);
  });

  it('is signed in run.start, kept in the run, and the scribe timeline counts from it', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const t0 = new Date(Date.now() - 60_000).toISOString();
    const run = await op.startRun({ text: RUNBOOK, source: 't0.yaml', environment: 'rehearsal', t0 });
    expect(run.t0).toBe(t0);
    const started = fx.vault.events().find((e) => e.type === 'run.started')!;
    const act = parseAct((started.payload as { act: { text: string } }).act.text);
    expect(act.what.t0).toBe(t0);
    await fx.engine('ap1').approve(run.runId, 'ap1', fx.signer('ap1'));
    await op.executeStep(run.runId, 'change');
    const timeline = scribeTimeline(buildPackModel(fx.vault, op.status(run.runId)));
    expect(timeline.t0).toMatchObject({ at: t0, label: 'planned T-0, set when the run started' });
    // The step ran about a minute after the planned T-0: T+01:xx, not T-0 (which counting from the command would say).
    expect(timeline.entries.find((e) => e.stepId === 'change')!.t).toMatch(/^T\+0[01]:\d\d$/);
  });

  it('a T-0 that is not a time starts no run, and the chain does not move', async () => {
    const fx = await useEngineFixture();
    const before = fx.vault.head();
    await expect(fx.engine('op').startRun({ text: RUNBOOK, source: 't0.yaml', environment: 'rehearsal', t0: 'soon' })).rejects.toThrow(/T-0 "soon" is not a time/);
    expect(fx.vault.head()).toEqual(before);
  });
});
