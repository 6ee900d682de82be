// The Alembic findings that depend on more than the scripts alone: heads against the target,
// the database's alembic_version against the scripts, the pending path (and the width of
// version_num it needs), and a runbook's expected path against the computed one. Each is data
// with a plain message; the graph's own findings (cycles, dangling references, duplicates)
// come from graph.ts.
import type { RevisionGraph } from './graph';
import { resolveIdentifier, type UpgradePlan } from './plan';
import type { AlembicFinding, VersionTableState } from './types';

/** The width Alembic gives version_num when it creates alembic_version (stamp or first upgrade). */
export const ALEMBIC_DEFAULT_VERSION_WIDTH = 32;

const list = (ids: string[]) => ids.join(', ');

export function headsFindings(g: RevisionGraph, target: string): AlembicFinding[] {
  if (g.heads.length <= 1) return [];
  const refuses = target === 'head';
  return [{
    code: 'multiple-heads',
    severity: refuses ? 'error' : 'warning',
    message: `The scripts have ${g.heads.length} heads (${list(g.heads)}). ${refuses ? '`alembic upgrade head` refuses to run ("Multiple head revisions are present"). ' : ''}A runbook that expects a single head fails its precondition: create a merge revision (\`alembic merge heads\`) and re-approve, or name the target revision explicitly.`,
    details: { heads: [...g.heads] },
  }];
}

/** What the alembic_version rows say, before any path is computed. */
export function databaseFindings(g: RevisionGraph, db: VersionTableState): AlembicFinding[] {
  const out: AlembicFinding[] = [];
  const where = `${db.database}${db.schema ? ` (${db.schema}.${db.table})` : ''}`;
  const longIds = [...g.nodes.keys()].filter((id) => id.length > ALEMBIC_DEFAULT_VERSION_WIDTH);
  const widthNote = longIds.length > 0
    ? ` Note: Alembic creates version_num as VARCHAR(${ALEMBIC_DEFAULT_VERSION_WIDTH}), and ${longIds.length} revision id(s) here are longer (up to ${Math.max(...longIds.map((i) => i.length))} characters: ${longIds.slice(0, 5).map((i) => `${i} (${i.length})`).join(', ')}${longIds.length > 5 ? ', ...' : ''}); create alembic_version with a wider version_num before stamping one of them, or the stamp itself fails with StringDataRightTruncation.`
    : '';
  if (!db.exists) {
    if (db.otherTables > 0) {
      out.push({
        code: 'no-version-table', severity: 'error',
        message: `Database ${db.database} has ${db.otherTables} table(s) but no ${db.table} table: it has no Alembic lineage. \`alembic upgrade\` would start from the base and re-run every migration against the existing schema (DuplicateTable). A stamp at the approved anchor revision is needed first (\`alembic stamp <revision>\`, with approval).${widthNote}`,
        details: { table: db.table, otherTables: db.otherTables, stampNeeded: true, longRevisionIds: longIds },
      });
    } else {
      out.push({
        code: 'no-version-table', severity: 'info',
        message: `Database ${db.database} is empty (no ${db.table}, no other tables): an upgrade builds it from the base revision.${widthNote}`,
        details: { table: db.table, otherTables: 0, stampNeeded: false, longRevisionIds: longIds },
      });
    }
    return out;
  }
  if (db.revisions.length === 0) {
    out.push({
      code: 'version-table-empty', severity: db.otherTables > 0 ? 'error' : 'warning',
      message: `${where}: ${db.table} exists but has no rows, so Alembic treats the database as being at the base${db.otherTables > 0 ? ` although it holds ${db.otherTables} other table(s): an upgrade would re-run every migration (DuplicateTable). Stamp the approved anchor revision first` : '; an upgrade runs every migration'}.`,
      details: { table: db.table, otherTables: db.otherTables },
    });
  }
  if (db.revisions.length > 1) {
    out.push({
      code: 'db-multiple-revisions', severity: 'info',
      message: `${where}: ${db.table} has ${db.revisions.length} rows (${list(db.revisions)}): the database sits on ${db.revisions.length} branches, and Alembic upgrades each of them.`,
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
      message: `${where} is stamped at revision ${r}, which no revision file defines. Alembic stops with "Can't locate revision identified by '${r}'". The database was migrated by other code (another branch or release), or the revision file was renamed or deleted: check out the code the database was migrated with, or, with approval, stamp the revision that matches its schema.`,
      details: { revision: r, databaseRevisions: [...db.revisions] },
    });
  }
  return out;
}

function widthText(width: number): string {
  return `VARCHAR(${width})`;
}

/**
 * Every revision on the path writes its id into version_num after its upgrade() runs. With a
 * width (null: unbounded), find the first id that does not fit, counting any migration on the
 * path that visibly widens the column before that point.
 */
export function widthFindings(g: RevisionGraph, plan: UpgradePlan, width: number | null, assumed: string | null): AlembicFinding[] {
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
  const base = `${assumed ?? 'alembic_version.version_num'} is ${widthText(width)}, but the upgrade path writes revision ids up to ${needed} characters (${longest.revision}); ${tooLong.length} of the ${plan.revisions.length} pending ids are longer than ${width}.`;
  const fix = `e.g. ALTER TABLE alembic_version ALTER COLUMN version_num TYPE VARCHAR(${Math.max(needed, 64)}) (the path needs at least ${needed})`;
  const details = { width, needed, tooLong, widenedBy, firstTruncation: f, assumedWidth: assumed !== null };
  if (f) {
    return [{
      code: 'revision-id-too-long', severity: 'error',
      message: `${base} PostgreSQL will raise StringDataRightTruncation ("value too long for type character varying(${f.width})") when Alembic records ${f.revision}, step ${f.step} of ${plan.revisions.length}, after its upgrade() has already run: the upgrade fails halfway (in one transaction everything rolls back; with transaction_per_migration the earlier steps stay applied). Widen the column first, ${fix}.`,
      details,
    }];
  }
  const w = widenedBy[0]!;
  return [{
    code: 'revision-id-too-long', severity: 'warning',
    message: `${base} Revision ${w.revision} (step ${w.step}) appears to widen version_num to ${w.width === 'unbounded' ? 'TEXT' : widthText(w.width)} before the first long id is recorded, so the upgrade should get through. That is read from its source, not run: confirm it, or widen the column before the upgrade as an approved step, ${fix}.`,
    details,
  }];
}

export function pendingFindings(g: RevisionGraph, plan: UpgradePlan): AlembicFinding[] {
  const out: AlembicFinding[] = [];
  const from = plan.from.length === 0 ? 'the base' : list(plan.from);
  if (plan.revisions.length === 0) {
    out.push({ code: 'up-to-date', severity: 'info', message: `Nothing to apply: the database (${from}) is already at ${plan.target} (${list(plan.targetRevisions) || 'base'}).`, details: { from: plan.from, target: plan.target } });
  } else {
    const numbered = plan.revisions.map((id, i) => `${i + 1}. ${id}`).join('; ');
    out.push({
      code: 'pending-revisions', severity: 'info',
      message: `${plan.revisions.length} revision(s) to apply from ${from} to ${plan.target}, in the order Alembic runs them: ${numbered}.${!plan.bookkeepingFailure && plan.rowsAfter.length > 1 ? ` Afterwards alembic_version holds ${plan.rowsAfter.length} rows (${list(plan.rowsAfter)}): \`alembic current\` will show several revisions, not one.` : ''}`,
      details: { from: plan.from, target: plan.target, targetRevisions: plan.targetRevisions, revisions: [...plan.revisions], rowsAfter: [...plan.rowsAfter] },
    });
  }
  const broken = plan.bookkeepingFailure;
  if (broken) {
    out.push({
      code: 'upgrade-bookkeeping-failure', severity: 'error',
      message: `Alembic's own bookkeeping of alembic_version breaks at step ${broken.step} of ${plan.revisions.length} (${broken.revision}): after running its upgrade(), Alembic ${broken.missing ? `tries to update or delete the row ${broken.missing}, which the table will not hold at that point` : 'finds no row left to update for this merge'}, and stops with a ${broken.missing ? 'KeyError' : 'IndexError'} halfway through the upgrade. This comes from depends_on linking branches; upgrade in smaller steps (one branch at a time to an explicit revision), or replace the depends_on with a merge revision.`,
      details: { ...broken, revisions: [...plan.revisions] },
    });
  }
  const pending = new Set(plan.revisions);
  for (const id of g.hashOrdered.filter((r) => pending.has(r))) {
    const deps = g.node(id).normalizedDeps;
    out.push({
      code: 'hash-dependent-order', severity: 'warning',
      message: `Revision ${id} depends on ${deps.length} revisions its ancestors do not already imply (${list(deps)}). Alembic keeps these in a Python set, so the order of the branches below them can change from one run to the next (string hashing is randomised per process). The order shown is one Alembic may choose; make one dependency imply the other, or run alembic with a fixed PYTHONHASHSEED.`,
      details: { revision: id, dependencies: [...deps] },
    });
  }
  return out;
}

/** The runbook's expected path (e.g. P3's list) against the computed one. */
export function expectedPathFindings(expected: string[], computed: string[]): AlembicFinding[] {
  const same = expected.length === computed.length && expected.every((id, i) => id === computed[i]);
  if (same) return [];
  let first = 0;
  while (first < expected.length && first < computed.length && expected[first] === computed[first]) first += 1;
  const missing = computed.filter((id) => !expected.includes(id));
  const extra = expected.filter((id) => !computed.includes(id));
  const sameSet = missing.length === 0 && extra.length === 0;
  const at = `position ${first + 1}: expected ${expected[first] ?? '(end of path)'}, Alembic runs ${computed[first] ?? '(nothing more)'}`;
  return [{
    code: 'expected-path-mismatch', severity: 'error',
    message: sameSet
      ? `The runbook's expected path has the right revisions in a different order than Alembic applies them (first difference at ${at}). Alembic would run: ${list(computed)}. Any deviation from the approved transcript needs re-approval: correct the runbook's list (or the scripts) and re-approve.`
      : `The runbook's expected path differs from what Alembic would apply (first difference at ${at}).${missing.length ? ` Not in the runbook: ${list(missing)}.` : ''}${extra.length ? ` In the runbook but not on the path: ${list(extra)}.` : ''} Alembic would run: ${list(computed)}. Correct the runbook or the scripts and re-approve.`,
    details: { expected: [...expected], computed: [...computed], firstDifference: first, missingFromExpected: missing, notOnPath: extra, sameRevisions: sameSet },
  }];
}
