// `node --import tsx bench/alembic/run.ts`: parse and plan an Alembic project of 2,000
// revisions natively vs real Alembic's ScriptDirectory doing the same (issue 4, "How fast").
// Both read every revision file, build the revision map and compute the upgrade from the base
// to "heads" in Alembic's order; the orders are checked to be equal. Reported: the median of
// BENCH_ALEMBIC_ITERATIONS in-process runs each (after one warm-up), and one cold process each
// (interpreter start-up included). What matters is the ratio against the named baseline.
//
// Environment: BENCH_ALEMBIC_REVISIONS (default 2000), BENCH_ALEMBIC_ITERATIONS (default 7),
// BENCH_ALEMBIC_SEED (default 20240601), BENCH_ALEMBIC_TMPDIR.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildRevisionGraph, planUpgrade, readScriptDirectory } from '../../src/core/alembic';
import { generateGraph, prng, writeProject } from '../../test/alembic/helpers/projects';

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const revisions = Number(process.env.BENCH_ALEMBIC_REVISIONS ?? 2000);
const iterations = Number(process.env.BENCH_ALEMBIC_ITERATIONS ?? 7);
const seed = Number(process.env.BENCH_ALEMBIC_SEED ?? 20240601);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

const root = mkdtempSync(join(process.env.BENCH_ALEMBIC_TMPDIR ?? tmpdir(), 'cutover-bench-alembic-'));
try {
  // A realistic history: mostly linear, with feature branches merged back, a few depends_on.
  const rand = prng(seed);
  const revs = generateGraph(rand, { minRevisions: revisions, maxRevisions: revisions, newBase: 0.002, merge: 0.08, dependsOn: 0.02, label: 0.005, extendTip: 0.9 });
  const scripts = writeProject(root, revs, rand);
  console.log(`Alembic project: ${revs.length} revisions in ${scripts} (seed ${seed})`);

  // Native, in process.
  const native: Array<{ parse: number; plan: number }> = [];
  let nativeOrder: string[] = [];
  for (let i = 0; i <= iterations; i += 1) {
    const t0 = performance.now();
    const read = readScriptDirectory(root);
    const g = buildRevisionGraph(read.scripts);
    const t1 = performance.now();
    nativeOrder = planUpgrade(g, [], 'heads').revisions;
    const t2 = performance.now();
    if (i > 0) native.push({ parse: t1 - t0, plan: t2 - t1 });
  }

  // Real Alembic, in process (same shape: one warm-up, then the measured runs).
  const py = spawnSync(PYTHON, [join(HERE, 'alembic_baseline.py'), scripts, String(iterations + 1)], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  if (py.status !== 0) throw new Error(`the Alembic baseline failed: ${py.stderr}`);
  const base = JSON.parse(py.stdout) as { import: number; runs: Array<{ parse: number; plan: number }>; order: string[]; dependencyOrder: Record<string, string[]> };
  const alembicRuns = base.runs.slice(1).map((r) => ({ parse: r.parse * 1000, plan: r.plan * 1000 }));

  // One cold process each: start-up, parse, plan.
  const once = `import(${JSON.stringify(join(HERE, '..', '..', 'src', 'core', 'alembic', 'index.ts'))}).then((m) => { m.planUpgrade(m.buildRevisionGraph(m.readScriptDirectory(${JSON.stringify(root)}).scripts), [], 'heads'); })`;
  spawnSync(process.execPath, ['--import', 'tsx', '-e', once]); // warms tsx's transform cache, as an installed CLI would be
  const t0 = performance.now();
  const coldNative = spawnSync(process.execPath, ['--import', 'tsx', '-e', once], { encoding: 'utf8' });
  const coldNativeMs = performance.now() - t0;
  const t1 = performance.now();
  const coldPy = spawnSync(PYTHON, [join(HERE, 'alembic_baseline.py'), scripts, '1'], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  const coldPyMs = performance.now() - t1;
  for (const r of [coldNative, coldPy]) if (r.status !== 0) throw new Error(r.stderr);

  // Compared with Alembic's run replaying its hash-ordered dependencies (not timed).
  const replayed = planUpgrade(buildRevisionGraph(readScriptDirectory(root).scripts, { dependencyOrder: base.dependencyOrder }), [], 'heads').revisions;
  const same = JSON.stringify(replayed) === JSON.stringify(base.order);
  const hashOrdered = Object.keys(base.dependencyOrder).length;
  const n = { parse: median(native.map((r) => r.parse)), plan: median(native.map((r) => r.plan)), total: median(native.map((r) => r.parse + r.plan)) };
  const a = { parse: median(alembicRuns.map((r) => r.parse)), plan: median(alembicRuns.map((r) => r.plan)), total: median(alembicRuns.map((r) => r.parse + r.plan)) };
  console.log(`upgrade base -> heads: ${nativeOrder.length} steps; native order equals Alembic's: ${same ? 'yes' : 'NO'}${hashOrdered ? ` (${hashOrdered} revision(s) with hash-ordered dependencies, replayed)` : ''}`);
  console.log('');
  console.log(`                              native        Alembic ScriptDirectory   ratio (native / Alembic)`);
  console.log(`  parse (read + map), median  ${ms(n.parse).padEnd(13)} ${ms(a.parse).padEnd(25)} ${(n.parse / a.parse).toFixed(3)}`);
  console.log(`  plan (upgrade heads)        ${ms(n.plan).padEnd(13)} ${ms(a.plan).padEnd(25)} ${(n.plan / a.plan).toFixed(3)}`);
  console.log(`  parse + plan, median        ${ms(n.total).padEnd(13)} ${ms(a.total).padEnd(25)} ${(n.total / a.total).toFixed(3)}`);
  console.log(`  one cold process            ${ms(coldNativeMs).padEnd(13)} ${ms(coldPyMs).padEnd(25)} ${(coldNativeMs / coldPyMs).toFixed(3)}   (node+tsx vs python3, start-up included)`);
  console.log('');
  console.log(`(${iterations} in-process runs each after one warm-up; Alembic's own import took ${ms(base.import * 1000)} and is not in its parse time.)`);
  if (!same) process.exitCode = 1;
} finally {
  rmSync(root, { recursive: true, force: true });
}
