// What verifyPack reports: every file, every signature, the policy, and a flat list of
// problems, each naming what fails.

import type { ContentsReport } from './verify-contents';

/**
 * zip, manifest, file, sums, chain, plan, act: integrity (the pack is not what was exported);
 * signature, trust, policy: who signed and whether that is enough.
 */
export type ProblemArea = 'zip' | 'manifest' | 'file' | 'sums' | 'chain' | 'plan' | 'act' | 'signature' | 'trust' | 'policy';

export interface PackProblem {
  area: ProblemArea;
  /** The file or identity concerned, when there is one. */
  subject: string | null;
  message: string;
}

export type FileStatus = 'ok' | 'mismatch' | 'missing' | 'extra' | 'unreadable' | 'not-a-file' | 'unsafe-name';

export interface FileCheck {
  path: string;
  status: FileStatus;
  size: number | null;
  sha256: string | null;
  /** What manifest.json says (null: not listed). */
  manifestSha256: string | null;
  manifestSize: number | null;
  /** What SHA256SUMS says (null: not listed). */
  sumsSha256: string | null;
  message: string;
}

/** outside-validity: the roster lists the key, but its valid-after / valid-before exclude the verdict's signedAt. */
export type SignatureStatus = 'valid' | 'wrong-namespace' | 'unknown-key' | 'wrong-key' | 'outside-validity' | 'bad-signature' | 'missing-signature' | 'no-verdict' | 'bad-verdict';

export interface SignatureCheck {
  identity: string;
  status: SignatureStatus;
  message: string;
  /** The key inside the manifest signature, when it could be read. */
  fingerprint: string | null;
  decision: 'approve' | 'reject' | null;
  reason: string | null;
  signedAt: string | null;
  /** Counted toward the quorum (approve) or as a veto (reject). */
  counts: boolean;
  /** Why a valid signature does not count (the operator, no role), else null. */
  notCounted: string | null;
}

export interface PolicyResult {
  ok: boolean;
  quorum: number;
  role: string;
  operator: string;
  /** Identities whose approval counts (distinct keys). */
  approvedBy: string[];
  rejectedBy: { identity: string; reason: string }[];
  notCounted: { identity: string; reason: string }[];
  /** Signers whose signature is not good against the roster used (so it counts for nothing). */
  invalid: { identity: string; status: SignatureStatus }[];
  message: string;
}

/**
 * VERIFIED (exit 0): intact and the policy met. AWAITING SIGNATURES (exit 3): intact, no broken
 * or rejected signature, the policy not met yet (a pack as exported). FAILED (exit 1): anything
 * broken, a bad or untrusted signature, a rejection.
 */
export type PackVerdict = 'VERIFIED' | 'AWAITING SIGNATURES' | 'FAILED';

export interface PackTrust {
  /** pack: the pack's own allowed_signers (proves integrity, not who signed); file: the organisation's roster. */
  source: 'pack' | 'file';
  path: string;
  note: string;
  /** Lines of the organisation's roster that were not used, each saying why. */
  skipped: string[];
  /** Lines of the pack's own allowed_signers (principal and key) the organisation's roster does not list. */
  packSignersNotInRoster: { principal: string; fingerprint: string }[];
}

export interface PackVerifyReport {
  /** verdict === 'VERIFIED'. */
  ok: boolean;
  verdict: PackVerdict;
  /** The verdict in one sentence that says what it proves (and, without a roster, what it does not). */
  summary: string;
  pack: string;
  kind: 'folder' | 'zip' | null;
  runId: string | null;
  manifestSha256: string | null;
  /** Where the signers' keys came from. */
  trust: PackTrust;
  files: FileCheck[];
  signatures: SignatureCheck[];
  /** The chain, plan approvals and acts the pack carries (verify-contents.ts); null without a readable manifest. */
  contents: ContentsReport | null;
  policy: PolicyResult | null;
  problems: PackProblem[];
}
