// The upgrade path, computed the way Alembic 1.8 computes it (RevisionMap.iterate_revisions
// with _collect_upgrade_revisions and _topological_sort, then reversed by
// ScriptDirectory._upgrade_revs), so the order here is the order `alembic upgrade` applies
// the migrations in — including which branch goes first after a branch point, which follows
// each merge revision's down_revision tuple and not the file names.
import { translate, type Lang } from '../../shared/i18n';
import { AlembicPlanError } from './errors';
import type { RevisionGraph } from './graph';

export interface UpgradePlan {
  /** The database's revisions as given (after resolving partial ids). */
  from: string[];
  /** The target as given ("head", "heads", an id). */
  target: string;
  /** What the target resolved to. */
  targetRevisions: string[];
  /** The migrations to run, in the order Alembic runs them. */
  revisions: string[];
  /** alembic_version's rows after the upgrade (sorted), as Alembic's bookkeeping leaves them. */
  rowsAfter: string[];
  /** When Alembic's bookkeeping of alembic_version breaks partway (see simulateVersionRows). */
  bookkeepingFailure: BookkeepingFailure | null;
}

export interface BookkeepingFailure {
  /** 1-based step on the path. */
  step: number;
  revision: string;
  /** The row Alembic expects to update or delete but the table does not hold (null: nothing left to update). */
  missing: string | null;
}

const RELATIVE = /^(?:(.+?)@)?(\w+)?((?:\+|-)\d+)$/;

/**
 * Alembic's get_revisions for one identifier: "head" (the single versioned head), "heads"
 * (every real head), "base" (nothing), a revision id, a branch label, or a unique prefix.
 */
export function resolveIdentifier(g: RevisionGraph, id: string, lang: Lang = 'en'): string[] {
  if (id === 'heads') return [...g.realHeads];
  if (id === 'head') {
    if (g.heads.length > 1) throw new AlembicPlanError('multiple-heads', translate(lang, 'alembic.plan.headAmbiguous', { n: g.heads.length, heads: g.heads.join(', ') }), { heads: [...g.heads] });
    return [...g.heads];
  }
  if (id === 'base' || id === '') return [];
  if (id.includes('@') || RELATIVE.test(id)) {
    throw new AlembicPlanError('unsupported-target', translate(lang, 'alembic.plan.unsupported', { identifier: id }), { identifier: id });
  }
  if (g.nodes.has(id)) return [id];
  const label = g.labels.get(id);
  if (label !== undefined) return [label];
  // Partial ids: every key (ids and labels) longer than 3 characters that starts with it.
  const keys = [...g.nodes.keys(), ...g.labels.keys()].filter((k) => k.length > 3 && k.startsWith(id));
  if (keys.length === 1) return [g.nodes.has(keys[0]!) ? keys[0]! : g.labels.get(keys[0]!)!];
  if (keys.length > 1) throw new AlembicPlanError('ambiguous-revision', translate(lang, 'alembic.plan.ambiguous', { identifier: id, matches: `${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', ...' : ''}` }), { identifier: id, matches: keys });
  throw new AlembicPlanError('unknown-revision', translate(lang, id.length < 4 ? 'alembic.plan.unknownShort' : 'alembic.plan.unknown', { identifier: id }), { identifier: id });
}

function requireLoadable(g: RevisionGraph, lang: Lang): void {
  if (!g.loadable) {
    throw new AlembicPlanError('invalid-graph', translate(lang, 'alembic.plan.notLoadable', { codes: g.findings.filter((f) => f.severity === 'error').map((f) => f.code).filter((c, i, a) => a.indexOf(c) === i).join(', ') }));
  }
}

function ancestorsChecked(g: RevisionGraph, ids: string[], role: 'current' | 'target', lang: Lang): Set<string> {
  const { visited, overlap } = g.walk(ids, (n) => n.normalizedDown, true);
  if (overlap) {
    throw new AlembicPlanError('overlapping-revisions', translate(lang, role === 'current' ? 'alembic.plan.overlapCurrent' : 'alembic.plan.overlapTarget', { revision: overlap.target, others: overlap.others.join(', ') }), { revision: overlap.target, others: overlap.others, role });
  }
  return new Set(visited);
}

/**
 * Alembic's _topological_sort: starting from the targets (in revision-map order), walk down
 * one line at a time; a revision is emitted only when no other line still has it as an
 * ancestor. Returns newest first, as Alembic does (upgrades reverse it).
 */
export function topologicalSort(g: RevisionGraph, revisions: Iterable<string>, heads: string[], lang: Lang = 'en'): string[] {
  const todo = new Set(revisions);
  const currentHeads = [...new Set(heads.filter((h) => todo.has(h)))].sort((a, b) => g.node(a).order - g.node(b).order);
  const ancestorsByIdx = currentHeads.map((h) => g.ancestorsOf(h));
  const output: string[] = [];
  let idx = 0;
  while (currentHeads.length > 0) {
    const candidate = currentHeads[idx]!;
    let blockedBy = -1;
    for (let k = 0; k < ancestorsByIdx.length; k += 1) {
      if (k !== idx && ancestorsByIdx[k]!.has(candidate)) {
        blockedBy = k;
        break;
      }
    }
    if (blockedBy >= 0) {
      // another line still needs this revision below it: walk that line first
      idx = blockedBy;
      continue;
    }
    if (todo.has(candidate)) {
      output.push(candidate);
      todo.delete(candidate);
    }
    const node = g.node(candidate);
    const headsToAdd = node.normalizedDown.filter((r) => todo.has(r) && !currentHeads.includes(r));
    if (headsToAdd.length === 0) {
      currentHeads.splice(idx, 1);
      ancestorsByIdx.splice(idx, 1);
      idx = Math.max(idx - 1, 0);
    } else if (node.normalizedDeps.length === 0 && node.down.length === 1) {
      currentHeads[idx] = headsToAdd[0]!;
      ancestorsByIdx[idx]!.delete(candidate);
    } else {
      currentHeads[idx] = headsToAdd[0]!;
      currentHeads.push(...headsToAdd.slice(1));
      ancestorsByIdx[idx] = g.ancestorsOf(headsToAdd[0]!);
      ancestorsByIdx.push(...headsToAdd.slice(1).map((h) => g.ancestorsOf(h)));
    }
  }
  if (todo.size > 0) throw new AlembicPlanError('invalid-graph', translate(lang, 'alembic.plan.notDag', { revisions: [...todo].join(', ') }));
  return output;
}

/**
 * The migrations `alembic upgrade <target>` runs on a database at `current` (empty: no
 * alembic_version, or an empty one), in order. Mirrors _upgrade_revs: implicit_base, so
 * branches that do not descend from the current revisions are included from their base.
 */
export function planUpgrade(g: RevisionGraph, current: string[], target: string, lang: Lang = 'en'): UpgradePlan {
  requireLoadable(g, lang);
  const targets = resolveIdentifier(g, target, lang);
  const required = ancestorsChecked(g, targets, 'target', lang);
  for (const t of targets) required.add(t);
  const from = current.flatMap((c) => resolveIdentifier(g, c, lang));
  const done = ancestorsChecked(g, from, 'current', lang);
  for (const c of from) done.add(c);
  const needs = [...required].filter((id) => !done.has(id));
  const revisions = topologicalSort(g, needs, targets, lang).reverse();
  const rows = simulateVersionRows(g, from, revisions);
  return { from, target, targetRevisions: targets, revisions, rowsAfter: rows.rows, bookkeepingFailure: rows.failure };
}

/**
 * Alembic's HeadMaintainer (runtime/migration.py) applied to the path: after each migration
 * Alembic INSERTs a row (a new branch or base), UPDATEs its down revision's row, or, at a merge,
 * DELETEs all but one of the merged rows and UPDATEs the last. With depends_on across branches
 * it can be asked to update or delete a row the table does not have; Alembic then fails with a
 * KeyError after that migration's upgrade() has run. This finds that step, and the rows left.
 */
export function simulateVersionRows(g: RevisionGraph, from: string[], revisions: string[]): { rows: string[]; failure: BookkeepingFailure | null } {
  const heads = new Set(from);
  for (let i = 0; i < revisions.length; i += 1) {
    const id = revisions[i]!;
    const down = g.node(id).normalizedDown;
    const present = down.filter((d) => heads.has(d));
    const failed = (missing: string | null) => ({ rows: [...heads].sort(), failure: { step: i + 1, revision: id, missing } });
    if (down.length === 0 || present.length === 0) {
      heads.add(id);
    } else if (down.length > 1 && present.length > 1) {
      const others = [...heads].filter((h) => !down.includes(h));
      const below = others.length > 0 ? g.ancestorsOf(...others) : new Set<string>();
      const merged = down.filter((d) => !below.has(d));
      if (merged.length === 0) return failed(null);
      const missing = merged.find((d) => !heads.has(d));
      if (missing !== undefined) return failed(missing);
      for (const d of merged) heads.delete(d);
      heads.add(id);
    } else {
      const from1 = down.length === 1 ? down[0]! : present[0]!;
      heads.delete(from1);
      heads.add(id);
    }
  }
  return { rows: [...heads].sort(), failure: null };
}

/** `alembic history` order: every revision, newest first (walk_revisions("base", "heads")). */
export function historyOrder(g: RevisionGraph): string[] {
  requireLoadable(g, 'en');
  const targets = [...g.realHeads];
  return topologicalSort(g, g.ancestorsOf(...targets), targets);
}
