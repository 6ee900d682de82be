// Production follows its rehearsal (issue 14) on the real PostgreSQL and the real Alembic: the
// reference example is rehearsed on one database and exported; production runs on a second
// database bound to that pack, and every step is compared with the rehearsal's as it finishes.
// One rehearsal serves every production run of the file (each on a database of its own).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_RUNBOOK, EXTRA_REVISION, ProductionDemo } from '../../src/core/demo/production';
import { buildPack, type BuiltPack } from '../../src/core/pack';
import { blockingDeviation } from '../../src/core/rehearsal/follow';
import { bindRehearsalPack } from '../../src/core/rehearsal/record';
import { runComparison } from '../../src/core/rehearsal/report';
import { writeIncidentReport } from '../../src/core/reports/incident';
import { loadRunbook } from '../../src/core/runbook';
import { describeRun, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';

process.env.CUTOVER_SCRYPT_LOG2N = '14';
const PASSPHRASE = 'correct horse battery staple';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The reference example with its migration commit marked same_as_rehearsal (the runbook says: "the one used in the clone rehearsal PASS"). */
const RUNBOOK = readFileSync(EXAMPLE_RUNBOOK, 'utf8').replace("        pattern: '^[0-9a-f]{7,40}$'\n", (line) => `${line}        same_as_rehearsal: true\n`);

let d: ProductionDemo;
let rehearsal: { runId: string; pack: BuiltPack };

beforeAll(async () => {
  expect(RUNBOOK).toContain('same_as_rehearsal: true');
  d = await ProductionDemo.create({ out: join(useTempDir('cutover-rehearsal-', afterAll), 'demo'), passphrase: PASSPHRASE, runbookText: RUNBOOK });
  rehearsal = await d.rehearse();
}, 300_000);

afterAll(async () => {
  await d?.close();
});

const pdfText = (file: string) => spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;

describe('production follows its rehearsal', () => {
  it('production on a second database in the same state matches its rehearsal step by step, completes, and its pack and PDF say so', { timeout: 300_000 }, async () => {
    const run = await d.start('production', await d.database('same'), d.host('same'), rehearsal.pack.folder);
    d.approvePlan(run.runId);
    const result = await d.play(run.runId);
    expect(result.stopped).toBeNull();
    expect(d.engine.status(run.runId).status).toBe('COMPLETED');
    const comparison = runComparison(d.vault, d.engine.status(run.runId));
    const differing = comparison.steps.filter((s) => s.verdict !== 'matches');
    expect(differing, differing.map((s) => (s.diff ? Buffer.concat([...d.vault.readArtifact(s.diff.artifactId)]).toString('utf8') : s.stepId)).join('\n')).toEqual([]);
    expect(comparison.steps.map((s) => s.stepId)).toEqual(expect.arrayContaining(['p0-heads', 'p1-width-correction', 'p2-stamp-anchor', 'p3-upgrade-head', 'p4-ai4-objects']));

    const vault = d.vault.path;
    const cli = await runCli(['run', 'compare', '--vault', vault, run.runId], { env: { CUTOVER_PASSPHRASE: PASSPHRASE } });
    expect(cli.code, describeRun(cli)).toBe(0);
    expect(cli.stdout).toMatch(/✔ p3-upgrade-head: matches rehearsal/);
    expect(cli.stdout).toContain(`against rehearsal run ${rehearsal.runId} (pack manifest sha256 ${rehearsal.pack.manifestSha256})`);

    const pack = await d.decideAndExport(run.runId, 'same-pack');
    const manifest = readFileSync(join(pack.folder, 'rehearsal/manifest.json'));
    expect(sha256(manifest)).toBe(rehearsal.pack.manifestSha256);
    const stored = JSON.parse(readFileSync(join(pack.folder, 'rehearsal/comparison.json'), 'utf8')) as { steps: { stepId: string; verdict: string }[] };
    expect(stored.steps.find((s) => s.stepId === 'p3-upgrade-head')?.verdict).toBe('matches');
    const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: pack.folder, encoding: 'utf8' });
    expect(sums.status, sums.stdout + sums.stderr).toBe(0);
    expect(sums.stdout).toContain('rehearsal/manifest.json: OK');
    // Intact; exit 3 only because nobody has signed the exported pack yet.
    const verify = await runCli(['pack', 'verify', pack.folder]);
    expect(verify.code, describeRun(verify)).toBe(3);
    expect(verify.stdout).toMatch(/AWAITING SIGNATURES: intact/);
    const text = pdfText(join(pack.folder, 'decision.pdf'));
    expect(text).toContain('Production against rehearsal');
    expect(text).toMatch(/p3-upgrade-head\s+matches rehearsal/);
  });

  it('one extra pending revision: P3 differs and BLOCKS with the diff; refusals leave the chain as it was; two approvers accept that diff with ssh-keygen and the run completes; pack and PDF show it', { timeout: 300_000 }, async () => {
    const run = await d.start('production', await d.database('deviation'), d.host('deviation', { extraRevision: true }), rehearsal.pack.folder);
    d.approvePlan(run.runId);
    const result = await d.play(run.runId);
    expect(result.stopped?.stepId).toBe('p3-upgrade-head');
    let state = d.engine.status(run.runId);
    expect(state.status).toBe('BLOCKED');
    expect(state.blockedBy?.reason).toMatch(/deviation from rehearsal: Alembic revision path, transcript differ/);
    const blocking = blockingDeviation(d.vault, state)!;
    expect(blocking.stepId).toBe('p3-upgrade-head');
    const comparison = runComparison(d.vault, state);
    const p3 = comparison.steps.find((s) => s.stepId === 'p3-upgrade-head')!;
    expect(p3.verdict).toBe('differs');
    expect(p3.deviation).toBe('block');
    const path = p3.differences.find((x) => x.what === 'Alembic revision path')!;
    expect(path.production).toContain(`upgrade 0023_ai_engine_wave_ai4_portfolio_intelligence -> ${EXTRA_REVISION}`);
    expect(path.rehearsal).not.toContain(EXTRA_REVISION);
    const diff = Buffer.concat([...d.vault.readArtifact(p3.diff!.artifactId)]);
    expect(sha256(diff)).toBe(blocking.diffSha256);
    expect(diff.toString()).toMatch(new RegExp(`^\\+ .*Running upgrade 0023_ai_engine_wave_ai4_portfolio_intelligence -> ${EXTRA_REVISION}`, 'm'));
    // The history check differs too (one more revision listed), but a check need not match by default: shown, not blocking.
    expect(comparison.steps.find((s) => s.stepId === 'p0-history')).toMatchObject({ verdict: 'differs', deviation: 'none' });
    expect(comparison.firstDeviation).toBe('p0-history');

    // Refusals: the operator's acceptance, an acceptance of another diff, a retry of a step that passed, a skip.
    const refusals: [() => Promise<unknown>, RegExp][] = [
      [() => d.engine.acceptDeviation(run.runId, 'p3-upgrade-head', blocking.diffSha256, 'operator'), /only approver may accept a deviation/],
      [() => d.acceptDeviationAs(run.runId, 'approver-1', 'p3-upgrade-head', '0'.repeat(64)), /not the one the run is blocked on/],
      [() => d.acceptDeviationAs(run.runId, 'approver-1', 'p4-current', blocking.diffSha256), /blocked by a deviation at p3-upgrade-head, not p4-current/],
      [() => d.engine.decide(run.runId, 'retry', 'again'), /only a failed or interrupted step is retried/],
      [() => d.engine.skip(run.runId, 'p4-current', 'skip it'), /BLOCKED/],
    ];
    for (const [act, message] of refusals) {
      const before = d.vault.head();
      await expect(act()).rejects.toThrow(message);
      expect(d.vault.head()).toEqual(before);
    }
    // The incident report says where production left the rehearsed path, with the diff as its evidence.
    const incident = await writeIncidentReport(d.vault, run.runId, join(d.out, 'incident'));
    const md = readFileSync(incident.markdown, 'utf8');
    expect(md).toMatch(/Production left the rehearsed path at p3-upgrade-head \(rehearsal run .*\): Alembic revision path, transcript differ; a blocking deviation/);
    expect(md).toContain(p3.diff!.sha256);
    // Through the CLI: compare exits 1 while a deviation stands unaccepted.
    const blockedCompare = await runCli(['run', 'compare', '--vault', d.vault.path, run.runId], { env: { CUTOVER_PASSPHRASE: PASSPHRASE } });
    expect(blockedCompare.code, describeRun(blockedCompare)).toBe(1);
    expect(blockedCompare.stdout).toMatch(/✘ p3-upgrade-head: DIFFERS from rehearsal \(deviation: blocks\)/);

    state = await d.acceptDeviation(run.runId, ['approver-1']);
    expect(state.status).toBe('BLOCKED');
    const twice = d.vault.head();
    await expect(d.acceptDeviation(run.runId, ['approver-1'])).rejects.toThrow(/approver-1 already accepted this deviation/);
    expect(d.vault.head()).toEqual(twice);
    // approver-2 accepts through the CLI: the act exported, signed with plain ssh-keygen on their machine, imported.
    const actFile = join(d.machines.get('approver-2')!.dir, 'accept.json');
    const exported = await runCli(['act', 'export', '--vault', d.vault.path, run.runId, 'p3-upgrade-head', '--as', 'approver-2', '--accept-deviation', blocking.diffSha256, '--out', actFile], { env: { CUTOVER_PASSPHRASE: PASSPHRASE } });
    expect(exported.code, describeRun(exported)).toBe(0);
    const signed = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', 'cutover-act-v1', '-f', d.machines.get('approver-2')!.keyFile, actFile], { encoding: 'utf8' });
    expect(signed.status, signed.stderr).toBe(0);
    const imported = await runCli(['act', 'import', '--vault', d.vault.path, '--act', actFile, '--signature', `${actFile}.sig`], { env: { CUTOVER_PASSPHRASE: PASSPHRASE } });
    expect(imported.code, describeRun(imported)).toBe(0);
    expect(imported.stdout).toMatch(/Imported deviation.accept p3-upgrade-head signed by approver-2 .*; the run is ACTIVE/);
    expect(d.engine.status(run.runId).status).toBe('ACTIVE');
    const rest = await d.play(run.runId);
    expect(rest.stopped).toBeNull();
    expect(d.engine.status(run.runId).status).toBe('COMPLETED');

    const pack = await d.decideAndExport(run.runId, 'deviation-pack');
    const stored = JSON.parse(readFileSync(join(pack.folder, 'rehearsal/comparison.json'), 'utf8')) as { steps: { stepId: string; verdict: string; accepted: { signer: string }[]; diff: { name: string; sha256: string } }[] };
    const storedP3 = stored.steps.find((s) => s.stepId === 'p3-upgrade-head')!;
    expect(storedP3.verdict).toBe('differs');
    expect(storedP3.accepted.map((a) => a.signer)).toEqual(['approver-1', 'approver-2']);
    expect(sha256(readFileSync(join(pack.folder, 'evidence', storedP3.diff.name)))).toBe(storedP3.diff.sha256);
    const acts = spawnSync('sh', ['-c', 'ls acts | grep deviation.accept'], { cwd: pack.folder, encoding: 'utf8' }).stdout.trim().split('\n');
    expect(acts).toHaveLength(4);
    for (const act of acts.filter((a) => a.endsWith('.json'))) {
      const signer = /deviation\.accept-(.+)\.json$/.exec(act)![1]!;
      const v = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', 'allowed_signers', '-I', signer, '-n', 'cutover-act-v1', '-s', `acts/${act}.sig`], { cwd: pack.folder, input: readFileSync(join(pack.folder, 'acts', act)), encoding: 'utf8' });
      expect(v.status, v.stderr).toBe(0);
    }
    // Intact; exit 3 only because nobody has signed the exported pack yet.
    const verify = await runCli(['pack', 'verify', pack.folder]);
    expect(verify.code, describeRun(verify)).toBe(3);
    expect(verify.stdout).toMatch(/AWAITING SIGNATURES: intact/);
    const text = pdfText(join(pack.folder, 'decision.pdf'));
    expect(text).toContain('Production against rehearsal');
    expect(text).toMatch(/p3-upgrade-head\s+DIFFERS from rehearsal/);
    expect(text).toMatch(/accepted by approver-1/);
    expect(text).toMatch(/accepted by approver-2/);
    expect(text).toMatch(/Production first left\s+the\s+rehearsed\s+path\s+at\s+p0-history/);
  });

  it('a different migration commit recorded in production is refused with both values; the chain does not move', { timeout: 120_000 }, async () => {
    const run = await d.start('production', await d.database('commit'), d.host('commit'), rehearsal.pack.folder);
    const before = d.vault.head();
    await expect(d.engine.record(run.runId, 'pre-migration-commit', { commit: 'deadbee', tag: 'demo' })).rejects.toThrow(/Migration commit SHA \(git rev-parse HEAD\) \(commit\) is "deadbee" here, "70a7968" in rehearsal run/);
    expect(d.vault.head()).toEqual(before);
    const ok = await d.engine.record(run.runId, 'pre-migration-commit', { commit: '70a7968', tag: 'another tag' });
    expect(ok.status).toBe('PASS');
  });

  it('refuses to bind a pack of another runbook version, a tampered pack, a BLOCKED rehearsal and a production pack; nothing starts', { timeout: 300_000 }, async () => {
    const runbookHash = loadRunbook(RUNBOOK).hash;
    // A BLOCKED rehearsal of the same runbook (DuplicateTable at P3), exported.
    const blockedHost = d.host('blocked');
    writeFileSync(join(blockedHost, 'PLANT_DUPLICATE_TABLE'), 'planted\n');
    const blocked = await d.start('rehearsal', await d.database('blocked'), blockedHost);
    await d.play(blocked.runId, { until: 'p1-width-correction' });
    d.approvePlan(blocked.runId);
    expect((await d.play(blocked.runId)).state.status).toBe('BLOCKED');
    const blockedPack = await buildPack(d.vault, blocked.runId, { outDir: join(d.out, 'blocked-pack') });
    // A production pack (a production run bound to the good rehearsal, exported before it ran).
    const production = await d.start('production', await d.database('prodpack'), d.host('prodpack'), rehearsal.pack.folder);
    const productionPack = await buildPack(d.vault, production.runId, { outDir: join(d.out, 'production-pack-refused') });
    const tampered = join(d.out, 'tampered');
    cpSync(rehearsal.pack.folder, tampered, { recursive: true });
    writeFileSync(join(tampered, 'evidence', 'prod_upgrade_0019_to_head.log'), 'Running upgrade 0019 -> 70a79686336c\n');
    const refusals: [string, string, RegExp][] = [
      [rehearsal.pack.folder, loadRunbook(RUNBOOK.replace('version: "1.0"', 'version: "1.1"')).hash, /rehearsed other runbook bytes/],
      [tampered, runbookHash, /does not verify \(.*prod_upgrade_0019_to_head\.log/],
      [blockedPack.folder, runbookHash, /the rehearsal did not complete \(its run is BLOCKED\)/],
      [productionPack.folder, runbookHash, /it is a production pack, not a rehearsal's/],
    ];
    for (const [pack, hash, message] of refusals) {
      const before = d.vault.head();
      await expect(bindRehearsalPack(pack, { runbookHash: hash })).rejects.toThrow(message);
      expect(d.vault.head()).toEqual(before);
    }
    // Through the CLI: exit 2, the reason, the chain as it was.
    const file = join(d.out, 'runbook.yaml');
    writeFileSync(file, RUNBOOK);
    const before = d.vault.head();
    const cli = await runCli(['run', 'start', '--vault', d.vault.path, '--actor', 'operator', '--runbook', file, '--env', 'production', '--rehearsal', blockedPack.folder], { env: { CUTOVER_PASSPHRASE: PASSPHRASE } });
    expect(cli.code, describeRun(cli)).toBe(2);
    expect(cli.stderr).toMatch(/did not complete \(its run is BLOCKED\)/);
    expect(d.vault.head()).toEqual(before);
  });

  it('rehearsal.required: a production run without --rehearsal is refused; the chain does not move', async () => {
    const text = `${RUNBOOK}\nrehearsal:\n  required: true\n  deviation: block\n`;
    const before = d.vault.head();
    await expect(d.engine.startRun({ text, source: 'required.yaml', environment: 'production' })).rejects.toThrow(/requires production to follow a rehearsal \(rehearsal.required: true\): start it with --rehearsal PACK/);
    expect(d.vault.head()).toEqual(before);
    // A rehearsal of it starts as before.
    expect((await d.engine.startRun({ text, source: 'required.yaml', environment: 'rehearsal' })).status).toBe('ACTIVE');
  });
});
