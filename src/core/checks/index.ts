// PostgreSQL preflight checks, schema fingerprints and their diff (issue 4, items 4 and 5).
export { PgCheckError, type PgCheckErrorKind } from './errors';
export { parseDsn, findPassword, PASSWORD_REFUSED, type ParsedDsn, type SslMode } from './dsn';
export { PgSession, type SessionOptions, type ReadOnlyOptions, type Query } from './session';
export type { CheckId, CheckResult, CheckStatus, PreflightOptions, PreflightReport, RequiredObjects } from './types';
export { preflight, runPreflight, worstStatus, CHECKS } from './preflight';
export { blockingChains, describeSession, type SessionInfo, type BlockingChain } from './activity';
export { judgeArchiving, judgeReplication, type ArchiverState } from './wal';
export { parseRequired } from './objects';
export {
  takeFingerprint, fingerprintDatabase, buildFingerprint, fingerprintHash, serializeFingerprint, parseFingerprint, countObjects, compareText,
  type FingerprintOptions, type FingerprintMeta, type FingerprintCounts, type TakenFingerprint,
} from './fingerprint';
export { readCatalog, readCatalogParallel, renderIndexDefinition, normalizeIndexDef, type CatalogRows } from './catalog';
export { FINGERPRINT_FORMAT, fingerprintSchema, type SchemaFingerprint, type FingerprintBody, type TableFingerprint } from './fingerprint-schema';
export { diffFingerprints, type DiffOptions, type FingerprintDiff, type Difference, type NamingEquivalence, type DiffObjectType } from './diff';
export { storeFingerprint, loadFingerprint, assertLabel, listFingerprints, FINGERPRINT_EVENT, type StoredFingerprint, type StoredFingerprintRef } from './store';
