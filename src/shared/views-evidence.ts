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
  /** Everything holds: files, sums, signatures and the approval policy. */
  ok: boolean;
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
