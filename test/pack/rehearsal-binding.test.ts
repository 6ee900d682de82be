// A production run bound to its rehearsal (issue 14, first part): the rehearsal's pack must
// verify, rehearse the very same runbook bytes and have COMPLETED with a GO; the binding (the
// pack's manifest sha256) is signed in the run's start act and is in the plan the approvers
// sign. Each refusal starts nothing: the chain head does not move.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAct } from '../../src/core/acts';
import { authorize, buildPlan } from '../../src/core/engine';
import { allSteps } from '../../src/core/engine/plan';
import { bindRehearsal } from '../../src/core/pack';
import { buildPack } from '../../src/core/pack';
import { cutover, RUNBOOK, usePackFixture } from './fixture';

describe('binding a production run to its rehearsal', () => {
  it('a verified, completed GO rehearsal of the same runbook binds the run; the start act and the plan carry it', async () => {
    const f = await usePackFixture();
    const pack = await f.exportTo(join(f.dir, 'rehearsal'));
    const binding = await bindRehearsal(pack.zip, { runbookHash: f.engine('ana').status(f.runId).runbookHash });
    expect(binding).toEqual({ manifestSha256: pack.manifestSha256, runId: f.runId });

    const run = await f.engine('ana').startRun({ text: RUNBOOK, source: 'pack-test.yaml', environment: 'production', rehearsal: binding });
    expect(run.rehearsal).toEqual(binding);
    const started = f.vault.events().filter((e) => e.type === 'run.started').at(-1)!;
    expect(parseAct((started.payload as { act: { text: string } }).act.text).what.rehearsal).toEqual(binding);
    expect(buildPlan(run).rehearsal).toEqual(binding);
    for (const name of ['gov1', 'gov2'] as const) await f.engine(name).approve(run.runId, name, f.signers[name]);
    const upgrade = allSteps(run).find((l) => l.step.id === 'p1-upgrade')!;
    expect(authorize(f.vault, f.engine('ana').status(run.runId), upgrade.step as never, upgrade.phaseId)).toMatchObject({ authorized: true, valid: 2 });

    // Through the CLI, the same pack binds, and `run status` says so.
    const runbook = join(f.dir, 'rb.yaml');
    writeFileSync(runbook, RUNBOOK);
    const cli = await cutover(['run', 'start', '--vault', join(f.dir, 'ev.vault'), '--runbook', runbook, '--env', 'production', '--rehearsal', pack.zip]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`Bound to rehearsal run ${f.runId} (pack manifest sha256 ${pack.manifestSha256})`);
  });

  it('refuses another runbook, a tampered pack, a production pack, an unfinished rehearsal, and a rehearsal run bound to anything; nothing starts', async () => {
    const f = await usePackFixture();
    const vault = join(f.dir, 'ev.vault');
    const pack = await f.exportTo(join(f.dir, 'rehearsal'));
    const runbook = join(f.dir, 'rb.yaml');
    writeFileSync(runbook, RUNBOOK);
    const other = join(f.dir, 'other.yaml');
    writeFileSync(other, RUNBOOK.replace('version: "1.2"', 'version: "1.3"'));
    const tampered = join(f.dir, 'tampered');
    cpSync(pack.folder, tampered, { recursive: true });
    writeFileSync(join(tampered, 'evidence', 'prod_upgrade_0019_to_head.log'), 'Running upgrade 0019 -> 70a79686336c\nsomething else\n');

    // A production run of this runbook (quorum met), exported: not a rehearsal.
    const production = await f.engine('ana').startRun({ text: RUNBOOK, source: 'pack-test.yaml', environment: 'production', rehearsal: { manifestSha256: pack.manifestSha256, runId: f.runId } });
    // An unfinished rehearsal, exported.
    const unfinished = await f.engine('ana').startRun({ text: RUNBOOK, source: 'pack-test.yaml', environment: 'rehearsal' });
    const productionPack = await buildPack(f.vault, production.runId, { outDir: join(f.dir, 'production') });
    // The production pack names the rehearsal it was bound to.
    expect((JSON.parse(readFileSync(join(productionPack.folder, 'manifest.json'), 'utf8')) as { predicate: { run: { rehearsal: unknown } } }).predicate.run.rehearsal).toEqual({ manifestSha256: pack.manifestSha256, runId: f.runId });
    const unfinishedPack = await buildPack(f.vault, unfinished.runId, { outDir: join(f.dir, 'unfinished') });

    const refusals: [string[], RegExp][] = [
      [['--runbook', other, '--env', 'production', '--rehearsal', pack.zip], /rehearsed other runbook bytes .*Rehearse this exact runbook first/],
      [['--runbook', runbook, '--env', 'production', '--rehearsal', tampered], /does not verify \(.*prod_upgrade_0019_to_head\.log/],
      [['--runbook', runbook, '--env', 'production', '--rehearsal', productionPack.zip], /it is a production pack, not a rehearsal's/],
      [['--runbook', runbook, '--env', 'production', '--rehearsal', unfinishedPack.zip], /the rehearsal did not complete \(its run is ACTIVE\)/],
      [['--runbook', runbook, '--env', 'rehearsal', '--rehearsal', pack.zip], /goes with --env production/],
      [['--runbook', runbook, '--env', 'production', '--rehearsal', join(f.dir, 'no-such-pack')], /no-such-pack/],
    ];
    for (const [args, message] of refusals) {
      const before = f.vault.head();
      const r = await cutover(['run', 'start', '--vault', vault, ...args]);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(f.vault.head()).toEqual(before);
    }
  });
});
