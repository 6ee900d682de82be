// What the decision, pack and incident channels answer with (plain data).

export interface DecisionFieldView {
  /** status, target, finalRevision, headsState, errors, driftDetected, rootCause, riskTier, authorization. */
  field: string;
  /** The template's label for it ("Final Revision"). */
  label: string;
  value: string;
  /** run: read from step results; runbook; operator: recorded by a person; none: not known yet. */
  from: 'run' | 'runbook' | 'operator' | 'none';
  detail: string;
  /** Evidence files the value was read from. */
  evidence: string[];
}

export interface ScribeEntryView {
  t: string;
  at: string;
  stepId: string | null;
  title: string;
  result: string;
  actor: string | null;
  evidence: string | null;
}

export interface BroadcastView {
  kind: string;
  t: string;
  at: string;
  text: string;
}

export interface DecisionView {
  runId: string;
  template: 'governance' | 'go-no-go';
  status: 'PASS' | 'BLOCKER';
  goNoGo: 'GO' | 'NO-GO';
  authorization: 'Approved' | 'Rejected' | null;
  statement: string;
  fields: DecisionFieldView[];
  /** The decision as the pack's text states it. */
  text: string;
  t0: { at: string; label: string };
  timeline: ScribeEntryView[];
  broadcasts: BroadcastView[];
  /** The runbook's evidence pack (`evidence_pack`), in its order, each file with what this run holds of it. */
  requiredEvidence: RequiredEvidenceView[];
  /** The abort gates the runbook declares, step by step in plan order, with what the run made of each. */
  abortGates: AbortGateView[];
}

/** One file of the runbook's evidence pack against this run's artifacts. */
export interface RequiredEvidenceView {
  /** The file name as the runbook lists it. */
  name: string;
  /** present: a complete artifact; incomplete: a transcript cut short; missing: none; not-applicable: only an untaken rollback step writes it. */
  status: 'present' | 'incomplete' | 'missing' | 'not-applicable';
  /** The artifact's SHA-256 (hex), or null when there is none. */
  sha256: string | null;
  /** The artifact's size in bytes, or null when there is none. */
  size: number | null;
  /** The step whose `evidence:` names this file, or null when no step does. */
  stepId: string | null;
  /** That step's status in this run. */
  stepStatus: 'pending' | 'running' | 'PASS' | 'FAIL' | 'BLOCKED' | 'INTERRUPTED' | 'skipped' | 'N/A' | null;
  /** Why it is not present, in words ("p2-current not run"); null when present. */
  reason: string | null;
}

/** An abort gate a step declares (`abort_on`), with its outcome in this run. */
export interface AbortGateView {
  phaseId: string;
  phaseTitle: string;
  stepId: string;
  /** The gate in the engine's words: "abort on /DuplicateTable/". */
  gate: string;
  label: string | null;
  pattern: string | null;
  onMatch: 'block' | 'cancel' | null;
  /** matched: the output matched; clear: watched over the whole output, never matched; not-run / not-judged: no verdict. */
  outcome: 'matched' | 'clear' | 'not-run' | 'not-judged';
  detail: string | null;
}

export interface PackFileView {
  path: string;
  sha256: string;
  size: number;
}

export interface PackExportView {
  name: string;
  folder: string;
  zip: string;
  zipSha256: string;
  zipBytes: number;
  manifestSha256: string;
  files: PackFileView[];
  pdf: string | null;
}

export interface PackVerifyView {
  /** Everything holds: files, sums, signatures and the approval policy (verdict VERIFIED). */
  ok: boolean;
  /** VERIFIED, AWAITING SIGNATURES (intact, policy not met yet) or FAILED (broken, bad signature, rejected). */
  verdict: 'VERIFIED' | 'AWAITING SIGNATURES' | 'FAILED';
  /** The verdict in one sentence, saying what it proves (against the pack's own roster: not who signed). */
  summary: string;
  /** The bytes are what was exported (no file, sum or manifest problem). */
  intact: boolean;
  pack: string;
  kind: 'folder' | 'zip' | null;
  manifestSha256: string | null;
  files: { total: number; ok: number };
  signatures: { identity: string; status: string; decision: 'approve' | 'reject' | null; counts: boolean; message: string }[];
  policy: { ok: boolean; quorum: number; approvedBy: string[]; message: string } | null;
  problems: { area: string; subject: string | null; message: string }[];
}

export interface PackSignView {
  identity: string;
  fingerprint: string;
  decision: 'approve' | 'reject';
  warnings: string[];
}

/** A signature made elsewhere (`cutover pack sign`), brought back into the vault as a `pack.signed` event. */
export interface PackSignatureImportView {
  identity: string;
  fingerprint: string;
  decision: 'approve' | 'reject';
  reason: string | null;
  /** The manifest the signature covers (one this vault exported for the run). */
  manifestSha256: string;
  /** The same signature was already in the vault: nothing was appended. */
  alreadyImported: boolean;
  /** The `pack.signed` event holding it (the existing one when already imported). */
  seq: number;
}

export interface IncidentView {
  runId: string;
  markdown: string;
}
