// `npm run bench:engine`: what a run console refresh costs as the vault grows. The app builds a
// fresh RunEngine per request and calls status() (several times per step); status() folds the
// run from the chain. Baseline, in the same run: folding the whole chain every time (what
// status() did before the incremental fold). Both are checked to give the same state.
//
// Environment: BENCH_ENGINE_EVENTS (default 20000 notes besides the run), BENCH_ENGINE_CALLS
// (default 50), BENCH_ENGINE_TMPDIR.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RunEngine } from '../../src/core/engine';
import { foldRun } from '../../src/core/engine/state';
import { loadRunbook } from '../../src/core/runbook/load';
import { createExecutor } from '../../src/core/targets';
import { Vault } from '../../src/core/vault';
import { addOwner } from '../../test/helpers/people';
import { Keyring } from '../../src/core/signing';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const notes = Number(process.env.BENCH_ENGINE_EVENTS ?? 20_000);
const calls = Number(process.env.BENCH_ENGINE_CALLS ?? 50);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const steps = Array.from({ length: 200 }, (_, i) => `      - { id: s${i}, kind: manual, title: Step ${i}, instructions: "Do ${i}." }`).join('\n');
const RUNBOOK = `
format: cutover-runbook/v1
id: bench-engine
title: Engine bench
version: "1"
targets:
  ws: { kind: local }
phases:
  - id: P0
    title: Many steps
    steps:
${steps}
`;

const dir = mkdtempSync(join(process.env.BENCH_ENGINE_TMPDIR ?? tmpdir(), 'cutover-bench-engine-'));
try {
  const vault = Vault.create(join(dir, 'bench.vault'), 'correct horse battery staple');
  // The operator owns the vault; each act is signed with their key from the session keyring.
  const keyring = new Keyring([(await addOwner(vault, 'op', ['operator'])).signer]);
  const engine = () => new RunEngine(vault, { actor: 'op', keyring, executors: createExecutor });
  const { runId } = await engine().startRun({ text: RUNBOOK, source: 'bench.yaml', environment: 'rehearsal' });
  // A long shift's chain: notes and other runs' noise, with this run's steps done in between
  // (a step done after every 200th note). Acts are signed (async), so they go between batches.
  const addNotes = vault.database.$client.transaction((from: number, to: number) => {
    for (let i = from; i < to; i += 1) vault.append({ actor: 'op', type: 'note.added', payload: { text: `note ${i}: ${'x'.repeat(120)}` } });
  });
  for (let i = 0; i < notes; i += 200) {
    addNotes(i, i + 1);
    if (i / 200 < 150) await engine().done(runId, `s${i / 200}`, 'done');
    addNotes(i + 1, Math.min(i + 200, notes));
  }
  console.log(`vault: ${vault.head().seq} events; run ${runId.slice(0, 8)} with ${engine().status(runId).steps.size} steps`);

  const load = (artifactId: string) => loadRunbook(Buffer.concat([...vault.readArtifact(artifactId)]).toString('utf8'), 'bench').runbook;
  const full: number[] = [];
  const incremental: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    // Each refresh appends one event (a step done, a note), as a live run does.
    vault.append({ actor: 'op', type: 'note.added', payload: { text: `refresh ${i}` } });
    let t = performance.now();
    const a = foldRun(runId, vault.events(), load)!;
    full.push(performance.now() - t);
    t = performance.now();
    const b = engine().status(runId);
    incremental.push(performance.now() - t);
    if (JSON.stringify({ ...a, runbook: null, steps: [...a.steps] }) !== JSON.stringify({ ...b, runbook: null, steps: [...b.steps] })) throw new Error('the incremental fold differs from the full fold');
  }
  vault.close();
  const f = median(full);
  const n = median(incremental);
  console.log(`baseline, full fold of the chain per status():  median ${f.toFixed(2)} ms`);
  console.log(`RunEngine.status() (new engine per call, incremental): median ${n.toFixed(2)} ms`);
  console.log(`ratio incremental / full fold: ${(n / f).toFixed(3)}× (lower is better; states identical in all ${calls} calls)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
