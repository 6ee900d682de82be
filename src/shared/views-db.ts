// What the Alembic and PostgreSQL preflight channels answer with (plain data).

export type FindingSeverityView = 'error' | 'warning' | 'info';

export interface AlembicFindingView {
  code: string;
  severity: FindingSeverityView;
  message: string;
}

export interface RevisionNodeView {
  revision: string;
  downRevisions: string[];
  branchLabels: string[];
  doc: string | null;
  isHead: boolean;
  isBase: boolean;
  /** alembic_version holds it. */
  isCurrent: boolean;
  /** On the upgrade path from the current revision to the target; its 1-based position. */
  pathIndex: number | null;
}

export interface AlembicReportView {
  scripts: string;
  projectDir: string;
  revisionCount: number;
  heads: string[];
  bases: string[];
  /** Revisions in Alembic's history order (newest first), for the graph. */
  nodes: RevisionNodeView[];
  database: { exists: boolean; revisions: string[]; width: number | null; table: string } | null;
  plan: { from: string[]; target: string; revisions: string[] } | null;
  findings: AlembicFindingView[];
  ok: boolean;
}

export interface PreflightCheckView {
  id: string;
  title: string;
  status: 'PASS' | 'WARN' | 'FAIL' | 'INFO';
  summary: string;
}

export interface PreflightReportView {
  target: string;
  startedAt: string;
  durationMs: number;
  status: 'PASS' | 'WARN' | 'FAIL' | 'INFO';
  checks: PreflightCheckView[];
}

export interface FingerprintDiffView {
  left: string;
  right: string;
  identical: boolean;
  drift: boolean;
  sha256Left: string;
  sha256Right: string;
  differences: { kind: 'missing' | 'extra' | 'changed'; objectType: string; name: string; detail: string }[];
  namingEquivalent: { table: string; nameLeft: string; nameRight: string; definition: string }[];
}
