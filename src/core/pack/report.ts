// What verifyPack reports: every file, every signature, the policy, and a flat list of
// problems, each naming what fails.

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

export type SignatureStatus = 'valid' | 'wrong-namespace' | 'unknown-key' | 'wrong-key' | 'bad-signature' | 'missing-signature' | 'no-verdict' | 'bad-verdict';

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
  message: string;
}

export interface PackVerifyReport {
  ok: boolean;
  pack: string;
  kind: 'folder' | 'zip' | null;
  runId: string | null;
  manifestSha256: string | null;
  /** Where the signers' keys came from. */
  trust: { source: 'pack' | 'file'; path: string; note: string };
  files: FileCheck[];
  signatures: SignatureCheck[];
  policy: PolicyResult | null;
  problems: PackProblem[];
}
