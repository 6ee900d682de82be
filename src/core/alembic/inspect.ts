// `alembic inspect` as one function: read the scripts, build the graph, read alembic_version
// (when a database is given), compute the upgrade path to the target, and collect every
// finding. Problems of the project or the database are findings; only a project that cannot
// be found at all (AlembicConfigError) throws.
import type pg from 'pg';
import { translate, type Lang } from '../../shared/i18n';
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
  /** The language of the findings' messages: English by default (what --json and recorded text keep). */
  lang?: Lang;
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

function planFailure(error: AlembicPlanError, target: string, lang: Lang): AlembicFinding | null {
  if (error.reason === 'invalid-graph') return null; // the graph's own findings already say why
  if (error.reason === 'multiple-heads') return null; // headsFindings reports it
  if (error.reason === 'overlapping-revisions' && error.details.role === 'current') {
    return { code: 'db-revisions-overlap', severity: 'error', message: error.message, details: error.details };
  }
  return { code: 'target-unresolved', severity: 'error', message: translate(lang, 'alembic.inspect.targetUnresolved', { target, message: error.message }), details: { target, reason: error.reason, ...error.details } };
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
  const lang = options.lang ?? 'en';
  const read = readScriptDirectory(options.scripts, options);
  const g = buildRevisionGraph(read.scripts, options);
  const findings: AlembicFinding[] = [...read.findings, ...g.findings, ...headsFindings(g, target, lang)];
  let database: VersionTableState | null = null;
  let current: string[] | null = options.from ?? [];
  if (options.db !== undefined) {
    try {
      database = await readVersionTable(options.db, options);
      findings.push(...databaseFindings(g, database, lang));
      current = database.revisions;
    } catch (error) {
      if (!(error instanceof AlembicDbError)) throw error;
      const shown = typeof options.db === 'string' ? redactDsn(options.db) : `${options.db.host ?? 'localhost'}/${options.db.database ?? ''}`;
      findings.push({ code: 'db-error', severity: 'error', message: translate(lang, 'alembic.inspect.dbError', { db: shown, message: error.message }), details: { kind: error.kind, sqlState: error.sqlState ?? null } });
      current = null;
    }
  }
  let plan: UpgradePlan | null = null;
  const knownCurrent = current !== null && !findings.some((f) => f.code === 'db-revision-unknown');
  if (knownCurrent && current !== null && g.loadable) {
    try {
      plan = planUpgrade(g, current, target, lang);
    } catch (error) {
      if (!(error instanceof AlembicPlanError)) throw error;
      const f = planFailure(error, target, lang);
      if (f) findings.push(f);
    }
  }
  if (plan) {
    findings.push(...pendingFindings(g, plan, lang));
    if (database === null) {
      // Without a database: Alembic's default width, or wider if the revisions it is said to be at are longer.
      const assumed = Math.max(ALEMBIC_DEFAULT_VERSION_WIDTH, ...plan.from.map((id) => id.length));
      const found = widthFindings(g, plan, assumed, 'assumed', lang);
      findings.push(...found.map((f) => ({ ...f, severity: f.severity === 'error' ? ('warning' as const) : f.severity })));
    } else if (!database.exists) {
      findings.push(...widthFindings(g, plan, ALEMBIC_DEFAULT_VERSION_WIDTH, 'created', lang));
    } else {
      findings.push(...widthFindings(g, plan, database.width, 'table', lang));
    }
  }
  if (options.expectPath) {
    if (plan) {
      findings.push(...expectedPathFindings(expandExpected(g, options.expectPath), plan.revisions, lang));
    } else {
      findings.push({ code: 'expected-path-mismatch', severity: 'error', message: translate(lang, 'alembic.inspect.noPath', { expected: options.expectPath.join(', ') }), details: { expected: [...options.expectPath], computed: null } });
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
