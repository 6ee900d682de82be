// Alembic, understood natively for read-only checks: the script directory, the revision graph,
// the upgrade path in Alembic's own order, alembic_version in PostgreSQL, and the findings a
// governance-gated cutover needs before its first mutating command. Mutations stay with the
// real `alembic` CLI; renderOfflineSql runs it in --sql mode for a preview.
export { AlembicConfigError, AlembicDbError, AlembicError, AlembicPlanError, type AlembicDbErrorKind } from './errors';
export { ALEMBIC_DEFAULT_VERSION_WIDTH, databaseFindings, expectedPathFindings, headsFindings, pendingFindings, widthFindings } from './findings';
export { buildRevisionGraph, RevisionGraph, type GraphOptions, type RevisionNode } from './graph';
export { inspectAlembic, type InspectOptions, type InspectReport } from './inspect';
export { DEFAULT_ALEMBIC_COMMAND, renderOfflineSql, type OfflineSqlOptions, type OfflineSqlResult } from './offline-sql';
export { historyOrder, planUpgrade, resolveIdentifier, topologicalSort, type UpgradePlan } from './plan';
export { detectVersionNumWidening, locateProject, readScriptDirectory, type FileOrder, type ReadScriptsOptions, type ScriptDirectoryContents } from './scripts';
export type { AlembicFinding, AlembicFindingCode, AlembicProjectConfig, FindingSeverity, RevisionScript, VersionTableState } from './types';
export { normalizeDsn, readVersionTable, redactDsn, type ReadVersionTableOptions } from './version-table';
