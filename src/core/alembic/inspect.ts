// `alembic inspect` as one function: read the scripts, build the graph, read alembic_version
// (when a database is given), compute the upgrade path to the target, and collect every
// finding. Problems of the project or the database are findings; only a project that cannot
// be found at all (AlembicConfigError) throws.
import type pg from 'pg';
import { AlembicDbError, AlembicPlanError } from './errors';
import { ALEMBIC_DEFAULT_VERSION_WIDTH, databaseFindings, expectedPathFindings, headsFindings, pendingFindings, widthFindings } from './findings';
import { buildRevisionGraph, type GraphOptions, type RevisionGraph } from './graph';
import { planUpgrade, resolveIdentifier, type UpgradePlan } from './plan';
import { readScriptDirectory, type ReadScriptsOptions } from './scripts';
import type { AlembicFinding, AlembicProjectConfig, FindingSeverity, VersionTableState } from './types';
import { readVersionTable, redactDsn, type ReadVersionTableOptions } from './version-table';

export interface InspectOptions extends ReadScriptsOptions, ReadVersionTableOptions, GraphOptions {
  /** alembic.ini, the folder holding it, or a script directory. */
  scripts: string;
  /** The database (postgresql:// URL or pg config). Without it, `from` says where it stands. */
  db?: string | pg.ClientConfig;
  /** Without a database: the revisions it is at (e.g. the runbook's anchor); default the base. */
  from?: string[];
  /** "head" (default), "heads", a revision id or branch label. */
  target?: string;
  /** The path the runbook expects (e.g. P3's list), compared with the computed one. */
  expectPath?: string[];
}

export interface InspectReport {
  project: AlembicProjectConfig;
  revisionCount: number;
  heads: string[];
  bases: string[];
  branchPoints: Array<{ revision: string; next: string[] }>;
  mergePoints: Array<{ revision: string; down: string[] }>;
  /** What alembic_version holds; null without a database or when it could not be read. */
  database: VersionTableState | null;
  /** The upgrade from the database's revisions to the target; null when none can be computed. */
  plan: UpgradePlan | null;
  /** Errors first, then warnings, then information. */
  findings: AlembicFinding[];
  /** No error-severity finding. */
  ok: boolean;
}

const RANK: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };

function planFailure(error: AlembicPlanError, target: string): AlembicFinding | null {
  if (error.reason === 'invalid-graph') return null; // the graph's own findings already say why
  if (error.reason === 'multiple-heads') return null; // headsFindings reports it
  if (error.reason === 'overlapping-revisions' && error.details.role === 'current') {
    return { code: 'db-revisions-overlap', severity: 'error', message: error.message, details: error.details };
  }
  return { code: 'target-unresolved', severity: 'error', message: `Cannot plan the upgrade to "${target}": ${error.message}`, details: { target, reason: error.reason, ...error.details } };
}

function expandExpected(g: RevisionGraph, expected: string[]): string[] {
  return expected.map((id) => {
    try {
      const r = resolveIdentifier(g, id);
      return r.length === 1 ? r[0]! : id;
    } catch {
      return id;
    }
  });
}

export async function inspectAlembic(options: InspectOptions): Promise<InspectReport> {
  const target = options.target ?? 'head';
  const read = readScriptDirectory(options.scripts, options);
  const g = buildRevisionGraph(read.scripts, options);
  const findings: AlembicFinding[] = [...read.findings, ...g.findings, ...headsFindings(g, target)];
  let database: VersionTableState | null = null;
  let current: string[] | null = options.from ?? [];
  if (options.db !== undefined) {
    try {
      database = await readVersionTable(options.db, options);
      findings.push(...databaseFindings(g, database));
      current = database.revisions;
    } catch (error) {
      if (!(error instanceof AlembicDbError)) throw error;
      const shown = typeof options.db === 'string' ? redactDsn(options.db) : `${options.db.host ?? 'localhost'}/${options.db.database ?? ''}`;
      findings.push({ code: 'db-error', severity: 'error', message: `Could not read alembic_version from ${shown}: ${error.message}`, details: { kind: error.kind, sqlState: error.sqlState ?? null } });
      current = null;
    }
  }
  let plan: UpgradePlan | null = null;
  const knownCurrent = current !== null && !findings.some((f) => f.code === 'db-revision-unknown');
  if (knownCurrent && current !== null && g.loadable) {
    try {
      plan = planUpgrade(g, current, target);
    } catch (error) {
      if (!(error instanceof AlembicPlanError)) throw error;
      const f = planFailure(error, target);
      if (f) findings.push(f);
    }
  }
  if (plan) {
    findings.push(...pendingFindings(g, plan));
    if (database === null) {
      // Without a database: Alembic's default width, or wider if the revisions it is said to be at are longer.
      const assumed = Math.max(ALEMBIC_DEFAULT_VERSION_WIDTH, ...plan.from.map((id) => id.length));
      const found = widthFindings(g, plan, assumed, `No database was read, so this assumes version_num`);
      findings.push(...found.map((f) => ({ ...f, severity: f.severity === 'error' ? ('warning' as const) : f.severity })));
    } else if (!database.exists) {
      findings.push(...widthFindings(g, plan, ALEMBIC_DEFAULT_VERSION_WIDTH, 'The alembic_version table Alembic will create has version_num'));
    } else {
      findings.push(...widthFindings(g, plan, database.width, null));
    }
  }
  if (options.expectPath) {
    if (plan) {
      findings.push(...expectedPathFindings(expandExpected(g, options.expectPath), plan.revisions));
    } else {
      findings.push({ code: 'expected-path-mismatch', severity: 'error', message: `The runbook's expected path (${options.expectPath.join(', ')}) cannot be confirmed: no upgrade path could be computed (see the other findings).`, details: { expected: [...options.expectPath], computed: null } });
    }
  }
  findings.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  return {
    project: read.config,
    revisionCount: g.size,
    heads: [...g.heads],
    bases: [...g.bases],
    branchPoints: g.branchPoints,
    mergePoints: g.mergePoints,
    database,
    plan,
    findings,
    ok: !findings.some((f) => f.severity === 'error'),
  };
}
