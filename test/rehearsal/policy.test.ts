// What a deviation does, by policy, on a small runbook of real local commands: `deviation: warn`
// records and shows it without blocking; `must_match_rehearsal: false` makes a differing
// command a difference, not a deviation; the default blocks until a quorum accepts the diff, and
// a rollback decision is still open to the people who decide.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProductionDemo } from '../../src/core/demo/production';
import { bindRehearsalPack } from '../../src/core/rehearsal/record';
import { runComparison } from '../../src/core/rehearsal/report';
import { loadRunbook } from '../../src/core/runbook';
import { describeRun, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

const runbook = (policy: string, mustMatch = '') => `format: cutover-runbook/v1
id: release-notes
title: Publish the release notes
version: "1"
policy:
  approvals: { quorum: 2, role: approver }
targets:
  sh: { kind: local }
phases:
  - id: P1
    title: Publish
    steps:
      - id: publish
        kind: command
        title: publish the notes
        target: sh
        run: cat notes.txt
        evidence: publish.log${mustMatch}
rollback:
  steps:
    - id: rb-stop
      kind: manual
      title: Stop
      instructions: Stop.
${policy}`;

let d: ProductionDemo;

beforeAll(async () => {
  d = await ProductionDemo.create({ out: join(useTempDir('cutover-rehearsal-policy-', afterAll), 'demo'), passphrase: 'correct horse battery staple', runbookText: runbook('') });
}, 120_000);

afterAll(async () => {
  await d?.close();
});

/** A folder with notes.txt as the local target's working folder. */
function folder(name: string, notes: string): string {
  const dir = join(d.out, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'notes.txt'), notes);
  return dir;
}

/** Rehearses `text` on notes "v1", exports it, then runs production on `notes`; returns the production run's state. */
async function rehearseThenProduce(label: string, text: string, notes: string, options: { cli?: boolean } = {}) {
  const engine = d.engine;
  const rehearsal = await engine.startRun({ text, source: `${label}.yaml`, environment: 'rehearsal', targets: { sh: `local:${folder(`${label}-rehearsal`, 'release v1\n')}` } });
  d.approvePlan(rehearsal.runId);
  expect((await d.play(rehearsal.runId)).stopped).toBeNull();
  const pack = await d.decideAndExport(rehearsal.runId, `${label}-rehearsal-pack`);
  const bound = await bindRehearsalPack(pack.folder, { runbookHash: loadRunbook(text).hash });
  const production = await engine.startRun({ text, source: `${label}.yaml`, environment: 'production', targets: { sh: `local:${folder(`${label}-production`, notes)}` }, rehearsal: bound.binding, rehearsalRecord: bound.record });
  d.approvePlan(production.runId);
  if (options.cli) return d.engine.status(production.runId);
  await d.play(production.runId);
  return d.engine.status(production.runId);
}

describe('what a deviation from the rehearsal does', () => {
  it('deviation: warn — the differing command is shown and recorded, the run goes on and completes', { timeout: 120_000 }, async () => {
    const state = await rehearseThenProduce('warn', runbook('rehearsal: { deviation: warn }\n'), 'release v2\n');
    expect(state.status).toBe('COMPLETED');
    expect(runComparison(d.vault, state).steps[0]).toMatchObject({ stepId: 'publish', verdict: 'differs', deviation: 'warn', mustMatch: true });
  });

  it('must_match_rehearsal: false — a difference, not a deviation', { timeout: 120_000 }, async () => {
    const state = await rehearseThenProduce('free', runbook('', '\n        must_match_rehearsal: false'), 'release v2\n');
    expect(state.status).toBe('COMPLETED');
    expect(runComparison(d.vault, state).steps[0]).toMatchObject({ verdict: 'differs', deviation: 'none', mustMatch: false });
  });

  it('the default blocks; the same output matches; a rollback decision stays open while blocked', { timeout: 120_000 }, async () => {
    const same = await rehearseThenProduce('same', runbook('rehearsal: { required: true }\n'), 'release v1\n');
    expect(same.status).toBe('COMPLETED');
    expect(runComparison(d.vault, same).steps[0]).toMatchObject({ verdict: 'matches', diff: null });
    const blocked = await rehearseThenProduce('block', runbook('rehearsal: { required: true }\n'), 'release v2\n');
    expect(blocked.status).toBe('BLOCKED');
    expect(blocked.blockedBy).toMatchObject({ stepId: 'publish', reason: expect.stringMatching(/^deviation from rehearsal: transcript differ/) });
    const after = await d.engine.decide(blocked.runId, 'rollback', 'production did not publish what was rehearsed');
    expect(after.status).toBe('ROLLBACK');
  });

  it('the CLI says beside the step what the rehearsal comparison found, and how to go on; exit 1 while blocked', { timeout: 120_000 }, async () => {
    const run = await rehearseThenProduce('cli', runbook(''), 'release v2\n', { cli: true });
    const r = await runCli(['run', 'play', '--vault', d.vault.path, '--actor', 'operator', run.runId], { env: { CUTOVER_PASSPHRASE: 'correct horse battery staple' } });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/publish: PASS \(exit 0\)/);
    expect(r.stdout).toMatch(/rehearsal: DIFFERS from rehearsal \(deviation: blocks\): transcript, duration .*× the rehearsal's — diff publish\.rehearsal-diff\.txt, sha256 [0-9a-f]{64}/);
    expect(r.stdout).toMatch(/--accept-deviation [0-9a-f]{64} --out act\.json/);
    expect(r.stderr).toMatch(/Stopped at publish: the run is BLOCKED/);
  });
});
