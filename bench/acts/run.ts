// `npm run bench:acts`: what a signed act costs. Every act in a run is drafted, signed with the
// person's key (Ed25519 here), checked against the chain (canonical bytes, the chain's key,
// proven identity, role, order, run state) and appended in one IMMEDIATE transaction.
// Baseline, in the same run and on the same vault: appending the same event with no act (what a
// name alone cost before). A second line separates signing from checking.
//
// Environment: BENCH_ACTS (default 400 acts), BENCH_ACTS_TMPDIR.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { draftAct, signAct } from '../../src/core/acts';
import { RunEngine } from '../../src/core/engine';
import { sessionKeyring } from '../../src/core/identity';
import { createExecutor } from '../../src/core/targets';
import { Vault } from '../../src/core/vault';
import { addOwner } from '../../test/helpers/people';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const count = Number(process.env.BENCH_ACTS ?? 400);

const steps = Array.from({ length: count }, (_, i) => `      - { id: s${i}, kind: manual, title: Step ${i}, instructions: "Do ${i}." }`).join('\n');
const RUNBOOK = `
format: cutover-runbook/v1
id: bench-acts
title: Acts bench
version: "1"
targets:
  ws: { kind: local }
phases:
  - id: P0
    title: Many steps
    steps:
${steps}
`;

const dir = mkdtempSync(join(process.env.BENCH_ACTS_TMPDIR ?? tmpdir(), 'cutover-bench-acts-'));
try {
  const vault = Vault.create(join(dir, 'bench.vault'), 'correct horse battery staple');
  const owner = await addOwner(vault, 'op');
  const keyring = await sessionKeyring(vault, { sock: '' });
  const engine = new RunEngine(vault, { actor: 'op', keyring, executors: createExecutor });
  const { runId } = await engine.startRun({ text: RUNBOOK, source: 'bench.yaml', environment: 'rehearsal' });
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  // Baseline: the same step.done event appended by name, no act.
  let t = performance.now();
  for (let i = 0; i < count; i += 1) vault.append({ actor: 'op', type: 'note.added', payload: { runId: 'baseline', stepId: `s${i}`, note: 'done' } });
  const plain = (performance.now() - t) / count;

  // Signing alone (draft + SSHSIG over the canonical bytes).
  t = performance.now();
  for (let i = 0; i < count; i += 1) await signAct(draftAct(vault, { kind: 'step.done', runId, stepId: `s${i}`, what: { note: 'done' } }, 'op'), owner.signer);
  const signing = (performance.now() - t) / count;

  // The whole signed act, as the CLI and the window do it.
  t = performance.now();
  for (let i = 0; i < count; i += 1) await engine.done(runId, `s${i}`, 'done');
  const signed = (performance.now() - t) / count;
  if (engine.status(runId).status !== 'COMPLETED') throw new Error('the run did not complete');
  vault.close();

  console.log(`baseline, an event appended by name (no act):   ${plain.toFixed(3)} ms per event`);
  console.log(`draft + sign an act (Ed25519 SSHSIG):            ${signing.toFixed(3)} ms per act`);
  console.log(`signed act: sign, verify, check, append (IMMEDIATE): ${signed.toFixed(3)} ms per act`);
  console.log(`ratio signed act / plain append: ${(signed / plain).toFixed(2)}×  (signing alone ${(signing / plain).toFixed(2)}×; ${count} acts)`);
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
