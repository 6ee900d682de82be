// The decision pack: export from a run, sign offline, verify anywhere, import signatures back.
export { buildPack, PACK_EXPORTED_EVENT, type BuildPackOptions, type BuiltPack, type PackFileInfo } from './build';
export { signPack, importSignature, zipPackFolder, PACK_SIGNED_EVENT, type SignPackOptions, type SignedPack, type ImportedSignature } from './sign';
export { verifyPack, verifySource, integrityProblems, VERDICT_EXIT_CODES, type PackVerifyReport, type PackProblem, type FileCheck, type SignatureCheck, type SignatureStatus, type PolicyResult, type PackVerdict, type PackTrust, type VerifyPackOptions } from './verify';
export { openPack, extractPackZip, type PackSource, type PackFile } from './source';
export { extractZip, ZipReader, DEFAULT_ZIP_LIMITS, type ZipEntry, type ZipLimits } from './zip-read';
export { ZipWriter, dosDateTime } from './zip-write';
export { parseManifest, parseVerdict, manifestBytes, verdictBytes, type PackManifest, type ManifestSubject, type DecisionPackPredicate, type PackPolicy, type PackIdentity, type Verdict } from './manifest';
export * from './layout';
export * from './errors';
export { bindRehearsal, RehearsalRefusedError, type RehearsalBinding } from './rehearsal';
