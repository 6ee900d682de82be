// The read-only database views: Alembic's revision graph against a database's alembic_version,
// the PostgreSQL preflight, and structural parity between two databases. Nothing here writes.
import { withDefaultUser } from '../core/targets/pg-user';
import { buildRevisionGraph, historyOrder, inspectAlembic, readScriptDirectory } from '../core/alembic';
import { diffFingerprints, fingerprintDatabase, preflight } from '../core/checks';
import type { Vault } from '../core/vault';
import type { Lang } from '../shared/i18n';
import type { AlembicReportView, FingerprintDiffView, PreflightReportView } from '../shared/views-db';
import type { TargetStore } from './targets';

function clientConfig(pg: { dsn: string; password: string | undefined }): { connectionString: string; password?: string } {
  return { connectionString: withDefaultUser(pg.dsn), ...(pg.password !== undefined ? { password: pg.password } : {}) };
}

/** The window's Alembic view; the findings' messages in `lang` (the window's language). */
export async function alembicReport(vault: Vault, targets: TargetStore, input: { scripts: string; target?: string; revisionTarget?: string }, lang: Lang = 'en'): Promise<AlembicReportView> {
  const pg = input.target ? targets.postgres(vault, input.target) : null;
  const report = await inspectAlembic({ scripts: input.scripts, ...(pg ? { db: clientConfig(pg) } : {}), ...(input.revisionTarget ? { target: input.revisionTarget } : {}), lang });
  const read = readScriptDirectory(input.scripts);
  const graph = buildRevisionGraph(read.scripts);
  const current = new Set(report.database?.revisions ?? []);
  const path = report.plan?.revisions ?? [];
  let order: string[];
  try {
    order = historyOrder(graph);
  } catch {
    order = [...graph.nodes.keys()];
  }
  const heads = new Set(report.heads);
  const bases = new Set(report.bases);
  return {
    scripts: input.scripts,
    projectDir: report.project.projectDir,
    revisionCount: report.revisionCount,
    heads: report.heads,
    bases: report.bases,
    nodes: order.map((id) => {
      const node = graph.nodes.get(id);
      const index = path.indexOf(id);
      return {
        revision: id,
        downRevisions: node?.script.downRevisions ?? [],
        branchLabels: node?.script.branchLabels ?? [],
        doc: node?.script.doc ?? null,
        isHead: heads.has(id),
        isBase: bases.has(id),
        isCurrent: current.has(id),
        pathIndex: index >= 0 ? index + 1 : null,
      };
    }),
    database: report.database ? { exists: report.database.exists, revisions: report.database.revisions, width: report.database.width, table: report.database.table } : null,
    plan: report.plan ? { from: report.plan.from, target: report.plan.target, revisions: report.plan.revisions } : null,
    findings: report.findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message })),
    ok: report.ok,
  };
}

/** The window's preflight view; the checks' titles and summaries in `lang` (the window's language). */
export async function preflightReport(vault: Vault, targets: TargetStore, name: string, lang: Lang = 'en'): Promise<PreflightReportView> {
  const pg = targets.postgres(vault, name);
  const report = await preflight(pg.dsn, { lang }, { lang, ...(pg.password !== undefined ? { password: pg.password } : {}) });
  return {
    target: report.target,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    status: report.status,
    checks: report.checks.map((c) => ({ id: c.id, title: c.title, status: c.status, summary: c.summary })),
  };
}

/** The window's parity view; the differences' details in `lang` (the window's language). */
export async function parityDiff(vault: Vault, targets: TargetStore, left: string, right: string, lang: Lang = 'en'): Promise<FingerprintDiffView> {
  const a = targets.postgres(vault, left);
  const b = targets.postgres(vault, right);
  const [fa, fb] = await Promise.all([
    fingerprintDatabase(a.dsn, {}, { lang, ...(a.password !== undefined ? { password: a.password } : {}) }),
    fingerprintDatabase(b.dsn, {}, { lang, ...(b.password !== undefined ? { password: b.password } : {}) }),
  ]);
  const diff = diffFingerprints(fa.fingerprint, fb.fingerprint, { lang });
  return {
    left,
    right,
    identical: diff.identical,
    drift: diff.drift,
    sha256Left: diff.sha256A,
    sha256Right: diff.sha256B,
    differences: diff.differences.map((d) => ({ kind: d.kind, objectType: d.objectType, name: d.name, detail: d.detail })),
    namingEquivalent: diff.namingEquivalent.map((n) => ({ table: n.table, nameLeft: n.nameA, nameRight: n.nameB, definition: n.definition })),
  };
}
