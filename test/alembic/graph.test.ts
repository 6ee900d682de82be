// The revision graph and upgrade path on the reference fixture (the governance runbook's
// project) checked against the real `alembic` CLI, and each script-level finding produced by a
// project that has the fault — with real Alembic showing the same fault where it can.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildRevisionGraph, historyOrder, inspectAlembic, planUpgrade, readScriptDirectory, type AlembicFinding } from '../../src/core/alembic';
import { useTempDir } from '../helpers/tmp';
import { MINIMAL_INI, OFFLINE_ENV_PY } from './helpers/projects';
import { alembic, parseHeads, parseHistory, parseRunning } from './helpers/real-alembic';

const FIXTURE = fileURLToPath(new URL('../../examples/alembic-governance-host/backend', import.meta.url));
const ANCHOR = '0019_nav_snapshots_and_investor_statements';
/** Phase P3's "Expected path (as validated in clone)" from alembic-governance-cutover.md. */
const RUNBOOK_P3 = ['0020_ai_engine_wave_ai1', '0021_ai_engine_wave_ai2', '0022_ai_engine_wave_ai3_pipeline_intelligence', '0023_ai_engine_wave_ai4_portfolio_intelligence', '0009b_expand_alembic_version', '70a79686336c'];

type Rev = { id: string; down?: string | string[] | null; deps?: string[]; labels?: string[] };

function pyIds(v: string | string[] | null | undefined): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return JSON.stringify(v);
  return `(${v.map((x) => JSON.stringify(x)).join(', ')},)`;
}

/** A project on disk from a list of revisions (file names = ids, plus any extra files). */
function project(revs: Rev[], extra: Record<string, string> = {}): string {
  const root = useTempDir('cutover-alembic-graph-');
  const versions = join(root, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(join(root, 'alembic.ini'), MINIMAL_INI);
  writeFileSync(join(root, 'migrations', 'env.py'), OFFLINE_ENV_PY);
  for (const r of revs) {
    writeFileSync(join(versions, `${r.id}.py`), `revision = ${JSON.stringify(r.id)}\ndown_revision = ${pyIds(r.down)}\nbranch_labels = ${pyIds(r.labels)}\ndepends_on = ${pyIds(r.deps)}\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    pass\n`);
  }
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(versions, name), text);
  return root;
}

function only(findings: AlembicFinding[], code: string): AlembicFinding {
  const found = findings.filter((f) => f.code === code);
  expect(found, JSON.stringify(findings, null, 2)).toHaveLength(1);
  return found[0]!;
}

describe('the reference fixture (alembic-governance) against the real alembic CLI', () => {
  it('heads, bases, branch and merge points, history, and the upgrade order from the base and from the anchor', async () => {
    const g = buildRevisionGraph(readScriptDirectory(FIXTURE).scripts);
    const [heads, history, fromBase, fromAnchor] = await Promise.all([
      alembic(FIXTURE, ['heads']),
      alembic(FIXTURE, ['history']),
      alembic(FIXTURE, ['upgrade', 'base:head', '--sql']),
      alembic(FIXTURE, ['upgrade', `${ANCHOR}:head`, '--sql']),
    ]);
    for (const r of [heads, history, fromBase, fromAnchor]) expect(r.code, r.stderr).toBe(0);
    expect(g.heads).toEqual(['70a79686336c']);
    expect(parseHeads(heads.stdout)).toEqual(g.heads);
    expect(g.bases).toEqual([ANCHOR]);
    expect(g.branchPoints).toEqual([{ revision: ANCHOR, next: expect.arrayContaining(['0020_ai_engine_wave_ai1', '0009b_expand_alembic_version']) }]);
    expect(g.mergePoints).toEqual([{ revision: '70a79686336c', down: ['0023_ai_engine_wave_ai4_portfolio_intelligence', '0009b_expand_alembic_version'] }]);
    expect(parseHistory(history.stdout)).toEqual(historyOrder(g));
    expect(parseRunning(fromBase.stdout)).toEqual(planUpgrade(g, [], 'head').revisions);
    const path = planUpgrade(g, [ANCHOR], 'head').revisions;
    expect(parseRunning(fromAnchor.stdout)).toEqual(path);
    // Alembic applies the width branch first: the merge revision names it second, so its line is walked last.
    expect(path).toEqual(['0009b_expand_alembic_version', ...RUNBOOK_P3.slice(0, 4), '70a79686336c']);
  });

  it("the runbook's P3 expected path differs from Alembic's order: an expected-path-mismatch error", async () => {
    const report = await inspectAlembic({ scripts: FIXTURE, from: [ANCHOR], expectPath: RUNBOOK_P3 });
    const f = only(report.findings, 'expected-path-mismatch');
    expect(f.severity).toBe('error');
    expect(f.details).toMatchObject({ firstDifference: 0, sameRevisions: true, computed: report.plan!.revisions });
    expect(f.message).toMatch(/different order.*position 1: expected 0020_ai_engine_wave_ai1, Alembic runs 0009b_expand_alembic_version/);
    expect(report.ok).toBe(false);
    const matching = await inspectAlembic({ scripts: FIXTURE, from: [ANCHOR], expectPath: report.plan!.revisions.map((id) => id.slice(0, 12)) });
    expect(matching.findings.filter((x) => x.code === 'expected-path-mismatch')).toEqual([]);
    const missing = await inspectAlembic({ scripts: FIXTURE, from: [ANCHOR], expectPath: RUNBOOK_P3.slice(0, 4) });
    expect(only(missing.findings, 'expected-path-mismatch').message).toMatch(/Not in the runbook: 0009b_expand_alembic_version, 70a79686336c/);
  });
});

describe('script-level findings (each produced by a project that has the fault)', () => {
  it('multiple heads: an error for "head" (real alembic refuses), a warning for "heads"', async () => {
    const root = project([{ id: 'base1' }, { id: 'left1', down: 'base1' }, { id: 'right1', down: 'base1' }]);
    const head = await inspectAlembic({ scripts: root });
    expect(only(head.findings, 'multiple-heads')).toMatchObject({ severity: 'error', details: { heads: expect.arrayContaining(['left1', 'right1']) } });
    expect(head.plan).toBeNull();
    const heads = await inspectAlembic({ scripts: root, target: 'heads' });
    expect(only(heads.findings, 'multiple-heads').severity).toBe('warning');
    expect(heads.plan!.revisions).toHaveLength(3);
    const real = await alembic(root, ['upgrade', 'head', '--sql']);
    expect(real.code).not.toBe(0);
    expect(real.stdout + real.stderr).toMatch(/Multiple head revisions/);
  });

  it('a cycle (and a self-loop), which real alembic refuses to load', async () => {
    const root = project([{ id: 'base1' }, { id: 'aaa1', down: ['base1', 'ccc1'] }, { id: 'bbb1', down: 'aaa1' }, { id: 'ccc1', down: 'bbb1' }, { id: 'self1', down: 'self1' }]);
    const report = await inspectAlembic({ scripts: root });
    const cycles = report.findings.filter((f) => f.code === 'cycle');
    expect(cycles.map((f) => f.details.cycles)).toEqual(expect.arrayContaining([[['self1']], [expect.arrayContaining(['aaa1', 'bbb1', 'ccc1'])]]));
    expect(report.plan).toBeNull();
    const real = await alembic(root, ['heads']);
    expect(real.code).not.toBe(0);
    expect(real.stderr).toMatch(/loop is detected|Cycle is detected/i);
  });

  it('a dependency cycle through depends_on', async () => {
    const root = project([{ id: 'base1' }, { id: 'aaa1', down: 'base1', deps: ['bbb1'] }, { id: 'bbb1', down: 'aaa1' }]);
    const report = await inspectAlembic({ scripts: root });
    expect(only(report.findings, 'cycle').details).toMatchObject({ kind: 'depends_on' });
    expect((await alembic(root, ['heads'])).stderr).toMatch(/Dependency cycle is detected/);
  });

  it('a down_revision pointing nowhere, and a depends_on pointing nowhere', async () => {
    const root = project([{ id: 'base1' }, { id: 'aaa1', down: 'gone1' }, { id: 'bbb1', down: 'base1', deps: ['nothere'] }]);
    const report = await inspectAlembic({ scripts: root });
    expect(only(report.findings, 'dangling-down-revision')).toMatchObject({ severity: 'error', details: { revision: 'aaa1', missing: 'gone1' } });
    expect(only(report.findings, 'dangling-depends-on').details).toMatchObject({ revision: 'bbb1', missing: 'nothere' });
    expect(report.plan).toBeNull();
    expect((await alembic(root, ['heads'])).code).not.toBe(0);
  });

  it('a revision id defined by two files (real alembic only warns, and keeps the last one)', async () => {
    const root = project([{ id: 'base1' }, { id: 'twin1', down: 'base1' }], { 'copy_of_twin.py': 'revision = "twin1"\ndown_revision = None\n' });
    const report = await inspectAlembic({ scripts: root, target: 'heads' });
    const f = only(report.findings, 'duplicate-revision');
    expect(f.details.paths).toHaveLength(2);
    expect((await alembic(root, ['heads'])).stderr).toMatch(/present more than once/);
  });

  it('an unknown target, an ambiguous prefix, and branch@ syntax are target-unresolved', async () => {
    const root = project([{ id: 'abcd1111' }, { id: 'abcd2222', down: 'abcd1111' }]);
    for (const [target, reason] of [['nope1234', 'unknown-revision'], ['abcd', 'ambiguous-revision'], ['x@head', 'unsupported-target']] as const) {
      const report = await inspectAlembic({ scripts: root, target });
      expect(only(report.findings, 'target-unresolved').details).toMatchObject({ target, reason });
    }
    expect((await inspectAlembic({ scripts: root, target: 'abcd1' })).plan!.revisions).toEqual(['abcd1111']);
  });

  it('several extra dependencies: Alembic orders their branches by Python set order (hash-dependent-order)', async () => {
    const root = project([{ id: 'base1' }, { id: 'left1', down: 'base1' }, { id: 'right1', down: 'base1' }, { id: 'top1', down: 'base1', deps: ['left1', 'right1'] }]);
    const report = await inspectAlembic({ scripts: root, target: 'heads' });
    expect(only(report.findings, 'hash-dependent-order')).toMatchObject({ severity: 'warning', details: { revision: 'top1', dependencies: ['left1', 'right1'] } });
    // Real Alembic indeed changes its order with the hash seed.
    const orders = new Set<string>();
    for (const seed of ['1', '2', '3', '4', '5', '6']) {
      const r = await alembic(root, ['upgrade', 'base:top1', '--sql'], { PYTHONHASHSEED: seed });
      orders.add(parseRunning(r.stdout).join(' '));
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  it("a merge that also depends_on one of its own ancestors breaks Alembic's alembic_version bookkeeping halfway", async () => {
    // Found by the differential tests: at the merge, Alembic 1.8 tries to delete the row of b1
    // (a dependency already below d1), which the table does not hold: KeyError after m1's upgrade().
    const root = project([
      { id: 'base1' }, { id: 'a1', down: 'base1' }, { id: 'b1', down: 'a1' }, { id: 'c1', down: 'a1' }, { id: 'd1', down: 'b1' },
      { id: 'm1', down: ['c1', 'd1'], deps: ['b1'] },
    ]);
    const report = await inspectAlembic({ scripts: root });
    const f = only(report.findings, 'upgrade-bookkeeping-failure');
    expect(f).toMatchObject({ severity: 'error', details: { step: 6, revision: 'm1', missing: 'b1' } });
    expect(report.plan!.revisions.at(-1)).toBe('m1');
    const real = await alembic(root, ['upgrade', 'base:head', '--sql']);
    expect(real.code).not.toBe(0);
    expect(real.stderr).toMatch(/KeyError: 'b1'/);
    expect(parseRunning(real.stdout)).toEqual(report.plan!.revisions);
  });
});
