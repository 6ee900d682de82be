// The Alembic findings that depend on more than the scripts alone: heads against the target,
// the database's alembic_version against the scripts, the pending path (and the width of
// version_num it needs), and a runbook's expected path against the computed one. Each is data
// with a plain message, in `lang` (English by default, as --json and recorded text keep them);
// the graph's own findings (cycles, dangling references, duplicates) come from graph.ts.
import { translate, type Lang } from '../../shared/i18n';
import type { RevisionGraph } from './graph';
import { resolveIdentifier, type UpgradePlan } from './plan';
import type { AlembicFinding, VersionTableState } from './types';

/** The width Alembic gives version_num when it creates alembic_version (stamp or first upgrade). */
export const ALEMBIC_DEFAULT_VERSION_WIDTH = 32;

const list = (ids: string[]) => ids.join(', ');

export function headsFindings(g: RevisionGraph, target: string, lang: Lang = 'en'): AlembicFinding[] {
  if (g.heads.length <= 1) return [];
  const refuses = target === 'head';
  return [{
    code: 'multiple-heads',
    severity: refuses ? 'error' : 'warning',
    message: translate(lang, refuses ? 'alembic.heads.refused' : 'alembic.heads.several', { n: g.heads.length, heads: list(g.heads) }),
    details: { heads: [...g.heads] },
  }];
}

/** What the alembic_version rows say, before any path is computed. */
export function databaseFindings(g: RevisionGraph, db: VersionTableState, lang: Lang = 'en'): AlembicFinding[] {
  const out: AlembicFinding[] = [];
  const where = `${db.database}${db.schema ? ` (${db.schema}.${db.table})` : ''}`;
  const longIds = [...g.nodes.keys()].filter((id) => id.length > ALEMBIC_DEFAULT_VERSION_WIDTH);
  const widthNote = longIds.length > 0
    ? ` ${translate(lang, 'alembic.db.widthNote', { width: ALEMBIC_DEFAULT_VERSION_WIDTH, n: longIds.length, longest: Math.max(...longIds.map((i) => i.length)), ids: `${longIds.slice(0, 5).map((i) => `${i} (${i.length})`).join(', ')}${longIds.length > 5 ? ', ...' : ''}` })}`
    : '';
  if (!db.exists) {
    if (db.otherTables > 0) {
      out.push({
        code: 'no-version-table', severity: 'error',
        message: `${translate(lang, 'alembic.db.noTable', { database: db.database, n: db.otherTables, table: db.table })}${widthNote}`,
        details: { table: db.table, otherTables: db.otherTables, stampNeeded: true, longRevisionIds: longIds },
      });
    } else {
      out.push({
        code: 'no-version-table', severity: 'info',
        message: `${translate(lang, 'alembic.db.empty', { database: db.database, table: db.table })}${widthNote}`,
        details: { table: db.table, otherTables: 0, stampNeeded: false, longRevisionIds: longIds },
      });
    }
    return out;
  }
  if (db.revisions.length === 0) {
    out.push({
      code: 'version-table-empty', severity: db.otherTables > 0 ? 'error' : 'warning',
      message: db.otherTables > 0
        ? translate(lang, 'alembic.db.noRowsTables', { where, table: db.table, n: db.otherTables })
        : translate(lang, 'alembic.db.noRows', { where, table: db.table }),
      details: { table: db.table, otherTables: db.otherTables },
    });
  }
  if (db.revisions.length > 1) {
    out.push({
      code: 'db-multiple-revisions', severity: 'info',
      message: translate(lang, 'alembic.db.multipleRows', { where, table: db.table, n: db.revisions.length, revisions: list(db.revisions) }),
      details: { revisions: [...db.revisions] },
    });
  }
  const unknown = db.revisions.filter((r) => {
    try {
      resolveIdentifier(g, r);
      return false;
    } catch {
      return true;
    }
  });
  for (const r of unknown) {
    out.push({
      code: 'db-revision-unknown', severity: 'error',
      message: translate(lang, 'alembic.db.unknownRevision', { where, revision: r }),
      details: { revision: r, databaseRevisions: [...db.revisions] },
    });
  }
  return out;
}

function widthText(width: number): string {
  return `VARCHAR(${width})`;
}

/**
 * Where the width of version_num comes from: the database's own alembic_version (`table`), an
 * assumption because no database was read (`assumed`), or the table Alembic will create (`created`).
 */
export type VersionWidthSource = 'table' | 'assumed' | 'created';

/**
 * Every revision on the path writes its id into version_num after its upgrade() runs. With a
 * width (null: unbounded), find the first id that does not fit, counting any migration on the
 * path that visibly widens the column before that point.
 */
export function widthFindings(g: RevisionGraph, plan: UpgradePlan, width: number | null, source: VersionWidthSource = 'table', lang: Lang = 'en'): AlembicFinding[] {
  if (width === null || plan.revisions.length === 0) return [];
  const tooLong = plan.revisions.filter((id) => id.length > width).map((id) => ({ revision: id, length: id.length }));
  if (tooLong.length === 0) return [];
  const needed = Math.max(...plan.revisions.map((id) => id.length));
  const widenedBy: Array<{ revision: string; step: number; width: number | 'unbounded' }> = [];
  let current: number | 'unbounded' = width;
  let failure: { revision: string; step: number; width: number } | null = null;
  plan.revisions.forEach((id, i) => {
    if (failure) return;
    const widens = g.nodes.get(id)?.script.widensVersionNumTo ?? null;
    if (widens !== null) {
      widenedBy.push({ revision: id, step: i + 1, width: widens });
      current = widens;
    }
    if (current !== 'unbounded' && id.length > current) failure = { revision: id, step: i + 1, width: current };
  });
  const f = failure as { revision: string; step: number; width: number } | null;
  const longest = tooLong.reduce((a, b) => (b.length > a.length ? b : a));
  const base = translate(lang, `alembic.width.${source}`, { type: widthText(width), needed, longest: longest.revision, n: tooLong.length, total: plan.revisions.length, width });
  const fix = translate(lang, 'alembic.width.fix', { width: Math.max(needed, 64), needed });
  const details = { width, needed, tooLong, widenedBy, firstTruncation: f, assumedWidth: source !== 'table' };
  if (f) {
    return [{
      code: 'revision-id-too-long', severity: 'error',
      message: `${base} ${translate(lang, 'alembic.width.fails', { width: f.width, revision: f.revision, step: f.step, total: plan.revisions.length, fix })}`,
      details,
    }];
  }
  const w = widenedBy[0]!;
  return [{
    code: 'revision-id-too-long', severity: 'warning',
    message: `${base} ${translate(lang, 'alembic.width.widened', { revision: w.revision, step: w.step, type: w.width === 'unbounded' ? 'TEXT' : widthText(w.width), fix })}`,
    details,
  }];
}

export function pendingFindings(g: RevisionGraph, plan: UpgradePlan, lang: Lang = 'en'): AlembicFinding[] {
  const out: AlembicFinding[] = [];
  const from = plan.from.length === 0 ? translate(lang, 'alembic.pending.theBase') : list(plan.from);
  if (plan.revisions.length === 0) {
    out.push({ code: 'up-to-date', severity: 'info', message: translate(lang, 'alembic.pending.upToDate', { from, target: plan.target, revisions: list(plan.targetRevisions) || 'base' }), details: { from: plan.from, target: plan.target } });
  } else {
    const numbered = plan.revisions.map((id, i) => `${i + 1}. ${id}`).join('; ');
    out.push({
      code: 'pending-revisions', severity: 'info',
      message: `${translate(lang, 'alembic.pending.revisions', { n: plan.revisions.length, from, target: plan.target, numbered })}${!plan.bookkeepingFailure && plan.rowsAfter.length > 1 ? ` ${translate(lang, 'alembic.pending.rowsAfter', { n: plan.rowsAfter.length, rows: list(plan.rowsAfter) })}` : ''}`,
      details: { from: plan.from, target: plan.target, targetRevisions: plan.targetRevisions, revisions: [...plan.revisions], rowsAfter: [...plan.rowsAfter] },
    });
  }
  const broken = plan.bookkeepingFailure;
  if (broken) {
    out.push({
      code: 'upgrade-bookkeeping-failure', severity: 'error',
      message: broken.missing
        ? translate(lang, 'alembic.pending.bookkeepingMissing', { step: broken.step, total: plan.revisions.length, revision: broken.revision, missing: broken.missing })
        : translate(lang, 'alembic.pending.bookkeepingNoRow', { step: broken.step, total: plan.revisions.length, revision: broken.revision }),
      details: { ...broken, revisions: [...plan.revisions] },
    });
  }
  const pending = new Set(plan.revisions);
  for (const id of g.hashOrdered.filter((r) => pending.has(r))) {
    const deps = g.node(id).normalizedDeps;
    out.push({
      code: 'hash-dependent-order', severity: 'warning',
      message: translate(lang, 'alembic.pending.hashOrder', { revision: id, n: deps.length, dependencies: list(deps) }),
      details: { revision: id, dependencies: [...deps] },
    });
  }
  return out;
}

/** The runbook's expected path (e.g. P3's list) against the computed one. */
export function expectedPathFindings(expected: string[], computed: string[], lang: Lang = 'en'): AlembicFinding[] {
  const same = expected.length === computed.length && expected.every((id, i) => id === computed[i]);
  if (same) return [];
  let first = 0;
  while (first < expected.length && first < computed.length && expected[first] === computed[first]) first += 1;
  const missing = computed.filter((id) => !expected.includes(id));
  const extra = expected.filter((id) => !computed.includes(id));
  const sameSet = missing.length === 0 && extra.length === 0;
  const at = translate(lang, 'alembic.expected.at', { position: first + 1, expected: expected[first] ?? translate(lang, 'alembic.expected.endOfPath'), computed: computed[first] ?? translate(lang, 'alembic.expected.nothingMore') });
  return [{
    code: 'expected-path-mismatch', severity: 'error',
    message: sameSet
      ? translate(lang, 'alembic.expected.order', { at, computed: list(computed) })
      : [
        translate(lang, 'alembic.expected.differs', { at }),
        ...(missing.length ? [translate(lang, 'alembic.expected.missing', { revisions: list(missing) })] : []),
        ...(extra.length ? [translate(lang, 'alembic.expected.extra', { revisions: list(extra) })] : []),
        translate(lang, 'alembic.expected.differsEnd', { computed: list(computed) }),
      ].join(' '),
    details: { expected: [...expected], computed: [...computed], firstDifference: first, missingFromExpected: missing, notOnPath: extra, sameRevisions: sameSet },
  }];
}
