// The revision graph, built the way Alembic 1.8's RevisionMap builds it (alembic/script/
// revision.py): revisions kept in load order, branch labels, depends_on resolved through ids
// and labels, "versioned" heads (down_revision only, what `alembic heads` lists) next to
// "real" heads (depends_on counted too, what the target "heads" means), bases, branch and
// merge points. Where Alembic would refuse to load the scripts (a cycle, a reference to a
// revision that does not exist, an illegal id, a reused branch label), a finding says so and
// the graph is marked not loadable; nothing throws.
import { translate, type Lang } from '../../shared/i18n';
import type { AlembicFinding, RevisionScript } from './types';

export interface RevisionNode {
  revision: string;
  script: RevisionScript;
  /** down_revision as written (Alembic's _versioned_down_revisions). */
  down: string[];
  /** depends_on resolved to revision ids (branch labels mapped to their revision). */
  resolvedDeps: string[];
  /** resolvedDeps minus those an ancestor already depends on (_normalized_resolved_dependencies). */
  normalizedDeps: string[];
  /** down + normalizedDeps, deduplicated (_normalized_down_revisions). */
  normalizedDown: string[];
  /** down + resolvedDeps, deduplicated (_all_down_revisions). */
  allDown: string[];
  /** Revisions whose down_revision names this one. */
  next: string[];
  /** Revisions whose down_revision or depends_on names this one. */
  allNext: string[];
  /** Position in Alembic's revision map (load order). */
  order: number;
  /** normalizedDown as nodes (those that exist), for fast walks. */
  downNodes: RevisionNode[];
}

export interface GraphOptions {
  /**
   * Alembic keeps a revision's extra dependencies in a Python set, so with two or more of them
   * their order (and so the upgrade order) follows Python's per-process string hashing. By
   * default they keep the order written in depends_on; this replays the order one Python run
   * used (revision id -> normalized dependency ids), e.g. to compare with that run.
   */
  dependencyOrder?: Record<string, string[]>;
  /** The language of the findings' messages (default English, as --json and recorded text keep them). */
  lang?: Lang;
}

const ILLEGAL_ID_CHARS = ['@', '-', '+'];

function dedupe(ids: string[]): string[] {
  return [...new Set(ids)];
}

export class RevisionGraph {
  /** Revisions in Alembic's map order (load order; a duplicated id keeps its first place). */
  readonly nodes = new Map<string, RevisionNode>();
  /** Branch label -> revision id. */
  readonly labels = new Map<string, string>();
  /** `alembic heads`: revisions no down_revision names, in load order. */
  readonly heads: string[] = [];
  /** What the target "heads" resolves to: revisions nothing names, depends_on included. */
  readonly realHeads: string[] = [];
  /** Revisions with no down_revision, in load order. */
  readonly bases: string[] = [];
  /** Bases that also have no depends_on. */
  readonly realBases: string[] = [];
  readonly findings: AlembicFinding[] = [];
  /** False when Alembic itself would refuse to load these scripts (see findings). */
  loadable = true;

  get size(): number {
    return this.nodes.size;
  }

  node(id: string): RevisionNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no revision ${id} in the graph`);
    return n;
  }

  /** Revisions named by more than one down_revision. */
  get branchPoints(): Array<{ revision: string; next: string[] }> {
    return [...this.nodes.values()].filter((n) => n.next.length > 1).map((n) => ({ revision: n.revision, next: [...n.next] }));
  }

  /** Revisions whose down_revision names several revisions. */
  get mergePoints(): Array<{ revision: string; down: string[] }> {
    return [...this.nodes.values()].filter((n) => n.down.length > 1).map((n) => ({ revision: n.revision, down: [...n.down] }));
  }

  /** Revisions whose extra dependencies Alembic orders by Python's hash (two or more). */
  get hashOrdered(): string[] {
    return [...this.nodes.values()].filter((n) => n.normalizedDeps.length > 1).map((n) => n.revision);
  }

  /**
   * Alembic's _iterate_related_revisions: a depth-first walk (a stack, pushed in the order
   * `step` gives) from each target in turn, sharing one `seen` set. With `check`, a target
   * that reaches another target raises Alembic's "overlaps" error; here it is returned.
   */
  walk(targets: string[], step: (n: RevisionNode) => string[], check = false): { visited: string[]; overlap: { target: string; others: string[] } | null } {
    const seen = new Set<string>();
    const visited: string[] = [];
    const todo: string[] = [];
    const targetSet = check ? new Set(targets) : null;
    for (const target of targets) {
      todo.push(target);
      const perTarget = check ? new Set<string>() : null;
      while (todo.length > 0) {
        const id = todo.pop()!;
        perTarget?.add(id);
        if (seen.has(id)) continue;
        seen.add(id);
        const node = this.nodes.get(id);
        if (node) {
          for (const nextId of step(node)) if (this.nodes.has(nextId)) todo.push(nextId);
        }
        visited.push(id);
      }
      if (perTarget && targetSet) {
        const others = [...perTarget].filter((id) => targetSet.has(id) && id !== target);
        if (others.length > 0) return { visited, overlap: { target, others } };
      }
    }
    return { visited, overlap: null };
  }

  /** The revisions and everything below them (down_revision and depends_on). */
  ancestorsOf(...ids: string[]): Set<string> {
    const out = new Set<string>();
    const stack: RevisionNode[] = [];
    for (const id of ids) {
      const n = this.nodes.get(id);
      if (n) stack.push(n);
    }
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (out.has(n.revision)) continue;
      out.add(n.revision);
      for (const d of n.downNodes) if (!out.has(d.revision)) stack.push(d);
    }
    return out;
  }
}

export function buildRevisionGraph(scripts: RevisionScript[], options: GraphOptions = {}): RevisionGraph {
  const g = new RevisionGraph();
  const lang = options.lang ?? 'en';
  const add = (f: AlembicFinding) => g.findings.push(f);
  const refuse = (f: AlembicFinding) => {
    g.loadable = false;
    add(f);
  };
  const duplicates = new Map<string, string[]>();
  let order = 0;
  for (const script of scripts) {
    const id = script.revision;
    const illegal = ILLEGAL_ID_CHARS.filter((c) => id.includes(c));
    if (illegal.length > 0) {
      refuse({ code: 'illegal-revision-id', severity: 'error', message: translate(lang, 'alembic.graph.illegalId', { revision: id, path: script.path, characters: illegal.map((c) => `"${c}"`).join(', ') }), details: { revision: id, path: script.path, characters: illegal } });
    }
    let loadScript = script;
    if (script.downRevisions.includes(id) || script.dependsOn.includes(id)) {
      refuse({ code: 'cycle', severity: 'error', message: translate(lang, 'alembic.graph.selfLoop', { revision: id, path: script.path, field: script.downRevisions.includes(id) ? 'down_revision' : 'depends_on' }), details: { revision: id, cycles: [[id]], path: script.path } });
      // Kept without the self-reference, so the rest of the graph can still be described.
      loadScript = { ...script, downRevisions: script.downRevisions.filter((d) => d !== id), dependsOn: script.dependsOn.filter((d) => d !== id) };
    }
    const existing = g.nodes.get(id);
    if (existing) duplicates.set(id, [...(duplicates.get(id) ?? [existing.script.path]), script.path]);
    g.nodes.set(id, {
      revision: id, script: loadScript, down: [...loadScript.downRevisions], resolvedDeps: [], normalizedDeps: [], normalizedDown: [], allDown: [],
      next: [], allNext: [], order: existing ? existing.order : order++, downNodes: [],
    });
  }
  for (const [id, paths] of duplicates) {
    add({ code: 'duplicate-revision', severity: 'error', message: translate(lang, 'alembic.graph.duplicate', { revision: id, n: paths.length, paths: paths.join(', '), kept: paths[paths.length - 1]! }), details: { revision: id, paths, kept: paths[paths.length - 1] } });
  }

  // Branch labels share the namespace of revision ids.
  for (const n of g.nodes.values()) {
    for (const label of n.script.branchLabels) {
      const owner = g.labels.get(label) ?? (g.nodes.has(label) ? label : undefined);
      if (owner !== undefined) {
        refuse({ code: 'duplicate-branch-label', severity: 'error', message: translate(lang, 'alembic.graph.duplicateLabel', { label, revision: n.revision, owner }), details: { label, revision: n.revision, usedBy: owner } });
        continue;
      }
      g.labels.set(label, n.revision);
    }
  }
  const lookup = (ref: string): string | undefined => (g.nodes.has(ref) ? ref : g.labels.get(ref));

  for (const n of g.nodes.values()) {
    const resolved: string[] = [];
    for (const dep of n.script.dependsOn) {
      const target = lookup(dep);
      if (target === undefined) {
        refuse({ code: 'dangling-depends-on', severity: 'error', message: translate(lang, 'alembic.graph.danglingDependsOn', { revision: n.revision, path: n.script.path, dependency: dep }), details: { revision: n.revision, missing: dep, path: n.script.path } });
        continue;
      }
      resolved.push(target);
    }
    n.resolvedDeps = resolved;
    n.allDown = dedupe([...n.down, ...resolved]);
  }
  for (const n of g.nodes.values()) {
    for (const down of n.down) {
      if (g.nodes.has(down)) continue;
      const label = g.labels.get(down);
      refuse({
        code: 'dangling-down-revision', severity: 'error',
        message: label
          ? translate(lang, 'alembic.graph.downIsLabel', { revision: n.revision, path: n.script.path, down, label })
          : translate(lang, 'alembic.graph.danglingDown', { revision: n.revision, path: n.script.path, down }),
        details: { revision: n.revision, missing: down, path: n.script.path, ...(label ? { branchLabelOf: label } : {}) },
      });
    }
    for (const down of n.allDown) {
      const parent = g.nodes.get(down);
      if (!parent) continue;
      if (!parent.allNext.includes(n.revision)) parent.allNext.push(n.revision);
      if (n.down.includes(down) && !parent.next.includes(n.revision)) parent.next.push(n.revision);
    }
  }
  normalizeDependencies(g, options);
  for (const n of g.nodes.values()) {
    if (n.next.length === 0) g.heads.push(n.revision);
    if (n.allNext.length === 0) g.realHeads.push(n.revision);
    if (n.down.length === 0) g.bases.push(n.revision);
    if (n.down.length === 0 && n.script.dependsOn.length === 0) g.realBases.push(n.revision);
  }
  detectCycles(g, refuse, lang);
  return g;
}

/** Alembic's _normalize_depends_on: drop dependencies an ancestor already has. */
function normalizeDependencies(g: RevisionGraph, options: GraphOptions): void {
  for (const n of g.nodes.values()) {
    if (n.resolvedDeps.length === 0) {
      n.normalizedDeps = [];
    } else {
      const normalized = new Set(n.resolvedDeps);
      for (const id of g.walk([n.revision], (x) => x.down).visited) {
        if (id === n.revision) continue;
        for (const dep of g.nodes.get(id)?.resolvedDeps ?? []) normalized.delete(dep);
      }
      const replay = options.dependencyOrder?.[n.revision];
      n.normalizedDeps = replay && replay.length === normalized.size && replay.every((d) => normalized.has(d)) ? [...replay] : [...normalized];
    }
  }
  for (const n of g.nodes.values()) {
    n.normalizedDown = dedupe([...n.down, ...n.normalizedDeps]);
    n.downNodes = n.normalizedDown.map((id) => g.nodes.get(id)).filter((x): x is RevisionNode => x !== undefined);
  }
}

/** Strongly connected components over `edges` (Tarjan, iterative); only real cycles are returned. */
function cyclesOf(g: RevisionGraph, edges: (n: RevisionNode) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const start of g.nodes.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ id: string; i: number }> = [{ id: start, i: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = edges(g.node(frame.id)).filter((t) => g.nodes.has(t));
      if (frame.i < targets.length) {
        const t = targets[frame.i++]!;
        if (!index.has(t)) {
          index.set(t, counter);
          low.set(t, counter++);
          stack.push(t);
          onStack.add(t);
          work.push({ id: t, i: 0 });
        } else if (onStack.has(t)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(t)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let x: string;
        do {
          x = stack.pop()!;
          onStack.delete(x);
          component.push(x);
        } while (x !== frame.id);
        if (component.length > 1) out.push(component.reverse());
      }
    }
  }
  return out;
}

function detectCycles(g: RevisionGraph, refuse: (f: AlembicFinding) => void, lang: Lang): void {
  const versioned = cyclesOf(g, (n) => n.down);
  for (const cycle of versioned) {
    refuse({ code: 'cycle', severity: 'error', message: translate(lang, 'alembic.graph.cycle', { cycle: cycle.join(' -> ') }), details: { cycles: [cycle], kind: 'down_revision' } });
  }
  if (versioned.length > 0) return;
  for (const cycle of cyclesOf(g, (n) => n.allDown)) {
    refuse({ code: 'cycle', severity: 'error', message: translate(lang, 'alembic.graph.dependencyCycle', { cycle: cycle.join(' -> ') }), details: { cycles: [cycle], kind: 'depends_on' } });
  }
}
