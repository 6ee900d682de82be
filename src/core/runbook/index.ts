export * from './schema';
export { loadRunbook, loadRunbookFile, MAX_RUNBOOK_BYTES, MAX_NESTING_DEPTH, MAX_COLLECTION_ITEMS, MAX_ALIAS_COUNT, type LoadedRunbook } from './load';
export { RunbookError, formatIssue, formatPath, type RunbookIssue, type RunbookIssueSeverity, type RunbookIssueStage, type DocPath } from './errors';
export { validateRunbook, allSteps, offsetMinutes, type LocatedStep, type SemanticIssue } from './validate';
export { runbookJsonSchema, RUNBOOK_SCHEMA_ID } from './json-schema';
