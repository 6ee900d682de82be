// Differential tests (issue 4, "Checked against Alembic itself"): for hundreds of randomly
// generated revision graphs (branches, merges, several bases, depends_on by id and by branch
// label, header styles of every kind) the native reader's load order, heads, bases, history
// and upgrade orders must equal what real Alembic 1.8 answers — through its ScriptDirectory
// API for every graph (one Python process for all of them), and through the `alembic` CLI
// (`heads`, `history`, `upgrade --sql`) for a handful.
//
// The seed is printed; replay a failure with SEED=<seed> (and GRAPHS=<n> to change the count).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRevisionGraph, historyOrder, planUpgrade, readScriptDirectory, AlembicPlanError, type RevisionGraph } from '../../src/core/alembic';
import { useSuiteTempDir } from '../helpers/tmp';
import { generateGraph, prng, writeProject, type GenRevision } from './helpers/projects';
import { alembic, askAlembic, parseHeads, parseHistory, parseRunning, type OracleAnswer, type OracleCase } from './helpers/real-alembic';

const SEED = process.env.SEED ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31);
const GRAPHS = process.env.GRAPHS ? Number(process.env.GRAPHS) : 240;
const CLI_GRAPHS = 6;

console.log(`alembic differential: SEED=${SEED} GRAPHS=${GRAPHS} (replay with SEED=${SEED} npx vitest run test/alembic/differential.test.ts)`);

interface Project {
  index: number;
  root: string;
  revs: GenRevision[];
  cases: OracleCase[];
}

/** Two revisions on different lines (neither below the other), like a database on two branches. */
function unrelatedPair(revs: GenRevision[], rand: () => number): string[] | null {
  const byId = new Map(revs.map((r) => [r.id, r]));
  const labelOwner = new Map(revs.flatMap((r) => r.labels.map((l) => [l, r.id] as const)));
  const below = (id: string): Set<string> => {
    const seen = new Set<string>();
    const todo = [id];
    while (todo.length > 0) {
      const x = todo.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      const r = byId.get(x)!;
      todo.push(...r.down, ...r.deps.map((d) => labelOwner.get(d) ?? d));
    }
    return seen;
  };
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const a = revs[Math.floor(rand() * revs.length)]!.id;
    const b = revs[Math.floor(rand() * revs.length)]!.id;
    if (a !== b && !below(a).has(b) && !below(b).has(a)) return [a, b];
  }
  return null;
}

function makeProjects(dir: string): Project[] {
  const out: Project[] = [];
  for (let index = 0; index < GRAPHS; index += 1) {
    const rand = prng((SEED ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
    const revs = generateGraph(rand);
    const root = join(dir, `g${index}`);
    writeProject(root, revs, rand);
    const ids = revs.map((r) => r.id);
    const pick = () => ids[Math.floor(rand() * ids.length)]!;
    const cases: OracleCase[] = [
      { from: [], to: 'heads' },
      { from: [], to: 'head' },
      { from: [pick()], to: 'heads' },
      { from: [pick()], to: 'head' },
      { from: [pick()], to: pick() },
      { from: [pick(), pick()], to: 'heads' },
      { from: [], to: pick() },
    ];
    const pair = unrelatedPair(revs, rand);
    if (pair) cases.push({ from: pair, to: 'heads' }, { from: pair, to: pick() });
    out.push({ index, root, revs, cases });
  }
  return out;
}

type CaseResult = { order: string[]; rows: string[] } | { order: string[]; bookkeepingFailure: { step: number; revision: string } } | { error: string };

function native(g: RevisionGraph, c: OracleCase): CaseResult {
  try {
    const plan = planUpgrade(g, c.from, c.to);
    if (plan.bookkeepingFailure) return { order: plan.revisions, bookkeepingFailure: { step: plan.bookkeepingFailure.step, revision: plan.bookkeepingFailure.revision } };
    return { order: plan.revisions, rows: plan.rowsAfter };
  } catch (error) {
    if (error instanceof AlembicPlanError) return { error: error.reason };
    throw error;
  }
}

function describeGraph(p: Project): string {
  return p.revs.map((r) => `${r.id} <- [${r.down.join(', ')}]${r.deps.length ? ` depends_on [${r.deps.join(', ')}]` : ''}${r.labels.length ? ` labels [${r.labels.join(', ')}]` : ''}`).join('\n  ');
}

describe('native Alembic reader vs real Alembic on random revision graphs', () => {
  const dir = useSuiteTempDir('cutover-alembic-diff-');
  const projects = makeProjects(dir);

  it(`${GRAPHS} random graphs: load order, heads, bases, history and upgrade orders equal ScriptDirectory's (seed ${SEED})`, async () => {
    const answers = await askAlembic(projects.map((p) => ({ dir: join(p.root, 'migrations'), cases: p.cases })));
    const mismatches: string[] = [];
    let hashOrdered = 0;
    let merges = 0;
    let withDeps = 0;
    let multiBase = 0;
    let errors = 0;
    let bookkeeping = 0;
    projects.forEach((p, i) => {
      const a: OracleAnswer = answers[i]!;
      if (a.loadError) {
        mismatches.push(`graph ${p.index}: real Alembic could not load it (${a.loadError}: ${a.message})\n  ${describeGraph(p)}`);
        return;
      }
      const read = readScriptDirectory(p.root);
      if (Object.keys(a.dependencyOrder).length > 0) hashOrdered += 1;
      // Replays Python's set order for revisions with several extra dependencies (see GraphOptions).
      const g = buildRevisionGraph(read.scripts, { dependencyOrder: a.dependencyOrder });
      merges += g.mergePoints.length > 0 ? 1 : 0;
      withDeps += p.revs.some((r) => r.deps.length > 0) ? 1 : 0;
      multiBase += g.bases.length > 1 ? 1 : 0;
      const mine = {
        findings: read.findings.concat(g.findings).map((f) => f.code),
        loadOrder: [...g.nodes.keys()],
        heads: g.heads, bases: g.bases, realHeads: g.realHeads, realBases: g.realBases,
        history: historyOrder(g),
        branchPoints: g.branchPoints.map((b) => b.revision).sort(),
        mergePoints: g.mergePoints.map((m) => m.revision).sort(),
        cases: p.cases.map((c) => native(g, c)),
      };
      const theirs = {
        findings: [], loadOrder: a.loadOrder,
        heads: a.heads, bases: a.bases, realHeads: a.realHeads, realBases: a.realBases,
        history: a.history, branchPoints: a.branchPoints, mergePoints: a.mergePoints,
        cases: a.cases.map((c): CaseResult => ('error' in c ? { error: c.error } : 'bookkeepingFailure' in c ? { order: c.order, bookkeepingFailure: { step: c.bookkeepingFailure.step, revision: c.bookkeepingFailure.revision } } : c)),
      };
      errors += theirs.cases.filter((c) => 'error' in c).length;
      bookkeeping += theirs.cases.filter((c) => 'bookkeepingFailure' in c).length;
      for (const key of Object.keys(mine) as Array<keyof typeof mine>) {
        const m = JSON.stringify(mine[key]);
        const t = JSON.stringify(theirs[key]);
        if (m !== t) {
          const extra = key === 'cases' ? `\n  cases: ${JSON.stringify(p.cases)}` : '';
          mismatches.push(`graph ${p.index} (${p.root}), ${key}:\n  native: ${m}\n  alembic: ${t}${extra}\n  graph:\n  ${describeGraph(p)}`);
        }
      }
    });
    console.log(`alembic differential: ${GRAPHS} graphs, ${merges} with merges, ${withDeps} with depends_on, ${multiBase} with several bases, ${hashOrdered} with hash-ordered dependencies, ${errors} upgrade cases where Alembic raised and ${bookkeeping} where its alembic_version bookkeeping breaks (matched); seed ${SEED}`);
    expect(mismatches.slice(0, 3).join('\n\n'), `${mismatches.length} mismatching graph(s); replay with SEED=${SEED}`).toBe('');
    expect(merges).toBeGreaterThan(GRAPHS / 4);
    expect(withDeps).toBeGreaterThan(GRAPHS / 4);
  });

  it(`${CLI_GRAPHS} graphs through the alembic CLI: heads, history and upgrade --sql order (seed ${SEED})`, async () => {
    // Graphs whose order does not depend on Python's string hashing (see GraphOptions), so one
    // CLI run is comparable without replaying its set order.
    const picked = projects
      .map((p) => ({ p, g: buildRevisionGraph(readScriptDirectory(p.root).scripts) }))
      .filter(({ p, g }) => p.revs.length >= 6 && g.hashOrdered.length === 0)
      .slice(0, CLI_GRAPHS);
    expect(picked.length).toBe(CLI_GRAPHS);
    await Promise.all(picked.map(async ({ p, g }) => {
      const where = `graph ${p.index} (seed ${SEED})\n  ${describeGraph(p)}`;
      const history = historyOrder(g);
      const mid = history[Math.floor(history.length / 2)]!;
      const [heads, hist, full, partial] = await Promise.all([
        alembic(p.root, ['heads']),
        alembic(p.root, ['history']),
        alembic(p.root, ['upgrade', 'base:heads', '--sql']),
        alembic(p.root, ['upgrade', `${mid}:heads`, '--sql']),
      ]);
      for (const r of [heads, hist]) expect(r.code, `${r.stderr}\n${where}`).toBe(0);
      expect(parseHeads(heads.stdout), where).toEqual(g.heads);
      expect(parseHistory(hist.stdout), where).toEqual(history);
      for (const [ran, from] of [[full, []], [partial, [mid]]] as const) {
        const plan = planUpgrade(g, [...from], 'heads');
        const at = `upgrade ${from[0] ?? 'base'}:heads --sql\n${where}`;
        if (plan.bookkeepingFailure) {
          // Alembic stops after the migration whose bookkeeping breaks: its marker is the last one.
          expect(ran.code, at).not.toBe(0);
          expect(ran.stderr, at).toMatch(/KeyError|IndexError/);
          expect(parseRunning(ran.stdout), at).toEqual(plan.revisions.slice(0, plan.bookkeepingFailure.step));
        } else {
          expect(ran.code, `${ran.stderr}\n${at}`).toBe(0);
          expect(parseRunning(ran.stdout), at).toEqual(plan.revisions);
        }
      }
    }));
  });
});
