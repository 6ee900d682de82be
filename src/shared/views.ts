// What the run-related channels answer with: plain, serialisable shapes of the boundary.
// Main maps core's types onto these (src/main/views.ts); shared never imports core, so the
// renderer depends on nothing but this file and the contract.

/** operator, approver, observer, or a role a runbook declares (incident_commander, payments_owner, …). */
export type Role = string;
export type StepKind = 'attest' | 'record' | 'check' | 'command' | 'manual' | 'monitor' | 'http';
export type Environment = 'rehearsal' | 'production';
export type TargetKind = 'postgres' | 'mysql' | 'ssh' | 'local' | 'http';

/** A step's state as the console shows it: the engine's, plus BLOCKED for the step that blocked the run. */
export type StepStatusView = 'pending' | 'running' | 'PASS' | 'FAIL' | 'BLOCKED' | 'INTERRUPTED' | 'skipped' | 'N/A';
export type RunStatusView = 'ACTIVE' | 'BLOCKED' | 'ROLLBACK' | 'STOPPED' | 'COMPLETED';

// ---- runbooks ----------------------------------------------------------------------------

export interface RunbookIssueView {
  severity: 'error' | 'warning';
  stage: 'io' | 'yaml' | 'schema' | 'semantic';
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** e.g. "phases[2].steps[0].run"; "" for the document. */
  path: string;
  message: string;
}

export interface GateSpecView {
  kind: 'expect' | 'abort';
  /** In words: "exit code = 0", "output contains …", "abort on /DuplicateTable/". */
  text: string;
  /** Abort gates: their label and what a match does. */
  label?: string;
  onMatch?: 'block' | 'cancel';
}

export interface RecordFieldView {
  name: string;
  label: string;
  pattern: string | null;
  required: boolean;
}

export interface RunbookStepView {
  id: string;
  phaseId: string;
  kind: StepKind;
  title: string;
  instructions: string | null;
  /** T-offset, e.g. "T-30". */
  at: string | null;
  evidence: string | null;
  /** check/command: the target's name; monitor: the probe URL. */
  target: string | null;
  /** check/command: the SQL or shell command exactly as it will run; monitor: the probe. */
  command: string | null;
  language: 'sql' | 'shell' | 'http' | null;
  /** checks: how read-only is assured. */
  readOnly: 'enforced' | 'declared' | null;
  /** attest: the statement and who must attest it. */
  statement: string | null;
  by: Role | null;
  fields: RecordFieldView[];
  gates: GateSpecView[];
  timeout: string | null;
  /** monitor: how long the probe runs (its `for`), e.g. "10m". */
  window: string | null;
  env: Record<string, string>;
  /** Variables filled from vault secrets: variable → secret name (never a value). */
  secretEnv: Record<string, string>;
}

export interface RunbookPhaseView {
  id: string;
  title: string;
  at: string | null;
  purpose: string | null;
  steps: RunbookStepView[];
}

export interface RunbookTargetView {
  name: string;
  kind: TargetKind;
  /** DSN (no password), user@host:port, or "local". */
  address: string;
  description: string | null;
  secret: string | null;
  /** ssh: pinned host key fingerprint; postgres: TLS mode. */
  hostKey: string | null;
  tls: string | null;
}

export interface RunbookView {
  id: string;
  title: string;
  version: string;
  description: string | null;
  status: string | null;
  /** SHA-256 of the runbook's bytes. */
  hash: string;
  source: string;
  quorum: number;
  approverRole: Role;
  targets: RunbookTargetView[];
  secrets: { name: string; description: string | null }[];
  /** Preconditions first (phase id "preconditions"), then the phases; rollback apart. */
  phases: RunbookPhaseView[];
  rollback: { triggers: string[]; instructions: string | null; steps: RunbookStepView[] } | null;
  evidencePack: string[];
  warnings: RunbookIssueView[];
}

export type RunbookOpenResult =
  | { ok: true; runbook: RunbookView; text: string; source: string }
  | {
      ok: false;
      issues: RunbookIssueView[];
      /** The lines around each problem (not the whole file: a path may name any file). */
      lines: { line: number; text: string }[];
      source: string;
    };

// ---- runs --------------------------------------------------------------------------------

export interface GateResultView {
  /** In the run's language (else the window's) where the engine's words can be said again in it. */
  gate: string;
  kind: 'expect' | 'abort';
  passed: boolean;
  detail: string;
  /** An abort gate's name in the runbook (its `label:`, else its pattern), where the run console shows one. */
  label?: string;
  /** 'warn': a failure is a warning (recorded and shown, never blocking). */
  level?: 'warn';
}

export interface TranscriptView {
  artifactId: string;
  name: string;
  /** null while the step runs. */
  sha256: string | null;
  size: number;
}

export interface AuthorizationView {
  authorized: boolean;
  quorum: number;
  valid: number;
  reason: string;
  checks: { signer: string; fingerprint: string; valid: boolean; reason: string }[];
}

export interface StepStateView {
  stepId: string;
  phaseId: string;
  kind: StepKind;
  status: StepStatusView;
  actor: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  target: string | null;
  exitCode: number | null;
  signal: string | null;
  failure: { kind: string; message: string; sqlState?: string } | null;
  gates: GateResultView[];
  transcript: TranscriptView | null;
  values: Record<string, string> | null;
  /** Why an operator skipped the step (status "skipped"). */
  skipReason: string | null;
  /** Whether the run's state lets an operator skip it now (the engine's own rule). */
  skippable: boolean;
  /** Command steps: the approval policy's verdict. */
  authorization: AuthorizationView | null;
  /** Why this step cannot be run/attested/recorded now, or null (advisory: the engine decides). */
  refusal: RefusalView | null;
  /** A production run bound to a rehearsal: what comparing this step with the rehearsal found, or null (not bound, not compared yet). */
  rehearsal: StepRehearsalView | null;
}

/** One step of production against the same step of its rehearsal (the core's `step.compared`). */
export interface StepRehearsalView {
  verdict: 'matches' | 'differs' | 'not_in_rehearsal';
  /** What differed, in the core's words: resolved command, exit code, gate outcomes, captured value X, Alembic revision path, SQL row counts, transcript. */
  differences: { what: string; rehearsal: string; production: string }[];
  /** Production's duration over the rehearsal's, or null. */
  durationRatio: number | null;
  mustMatch: boolean;
  /** What the difference does by the runbook's policy. */
  deviation: 'block' | 'warn' | 'none';
  /** The normalised diff, vault evidence (read like a transcript), or null when it matches. */
  diff: { artifactId: string; name: string; sha256: string; size: number } | null;
  /** The run is BLOCKED on this deviation now. */
  blocking: boolean;
  /** Approvers needed to accept a blocking deviation. */
  quorum: number;
  /** Who signed deviation.accept for this step and diff. */
  accepted: { signer: string; fingerprint: string; at: string }[];
  /** While blocking: the CLI line each approver runs to draft the accept act. */
  acceptCommand: string | null;
}

/**
 * Why a step's action is not available, as a code the renderer words in the user's language,
 * with the facts it needs. `detail` is the engine's own English explanation where there is one.
 */
export type RefusalView =
  | { code: 'running' }
  | { code: 'passed' }
  | { code: 'skipped' }
  | { code: 'runClosed'; status: RunStatusView }
  | { code: 'blocked'; stepId: string }
  | { code: 'rollbackOnly' }
  | { code: 'rollbackNotDecided' }
  | { code: 'notApproved'; quorum: number; valid: number; detail: string }
  | { code: 'hostKeyUnpinned'; target: string }
  | { code: 'wrongRole'; needs: Role; actor: string; roles: Role[] }
  | { code: 'order'; detail: string }
  | { code: 'rule'; detail: string }
  | { code: 'noActor' };

export interface RunTargetView {
  name: string;
  kind: TargetKind;
  address: string;
  /** ssh: the pinned fingerprint (runbook or confirmed at first use). */
  hostKey: string | null;
}

export interface ApprovalView {
  seq: number;
  signer: string;
  fingerprint: string;
  planDigest: string;
}

export interface RunView {
  runId: string;
  startedAt: string;
  /** The planned T-0 set when the run started, or null. */
  t0: string | null;
  /** A production run's rehearsal (its pack's manifest sha256 and run), or null. */
  rehearsal: { manifestSha256: string; runId: string } | null;
  /** What the run's clock counts from (the PDF, the timeline and the broadcasts use the same): the planned T-0, else the first mutating step's start, else the run's. */
  timeZero: { at: string; label: string; source: 'planned' | 'first-mutating-step' | 'run-start' };
  operator: string;
  environment: Environment;
  status: RunStatusView;
  /** When the run closed with every step outside the rollback path PASS or skipped. */
  completedAt: string | null;
  blockedBy: { stepId: string; reason: string; gates: GateResultView[] } | null;
  decisions: { decision: 'rollback' | 'stop' | 'retry'; reason: string; actor: string; at: string; stepId?: string }[];
  runbook: RunbookView;
  targets: RunTargetView[];
  /** Every step in runbook order (preconditions, phases, rollback). */
  steps: StepStateView[];
  approvals: ApprovalView[];
  /** The next step to do (engine.next), or null when none is left on this path. */
  next: string | null;
  /** Steps being executed by this app right now. */
  running: string[];
  /** Repeating steps (repeat:) that have passed once: where each schedule stands (due flags as of this view). */
  schedules: ScheduleView[];
}

/** A repeating step's schedule: each occurrence is a signed execution of its own that never blocks the run. */
export interface ScheduleView {
  stepId: string;
  every: string;
  for: string;
  firstAt: string | null;
  runs: number;
  windowEndsAt: string | null;
  next: { n: number; dueAt: string; due: boolean; overdue: boolean } | null;
  closed: boolean;
  running: boolean;
}

export interface RunSummary {
  runId: string;
  startedAt: string;
  operator: string;
  environment: Environment;
  status: RunStatusView;
  runbookId: string;
  runbookTitle: string;
  runbookVersion: string;
  done: number;
  total: number;
}

// ---- approvals ---------------------------------------------------------------------------

export interface PlanTargetView {
  name: string;
  /** A runbook target's kind, or "http" for a monitor's probe. */
  kind: TargetKind | 'http';
  address: string;
  hostKey: string | null;
}

export interface PlanEntryView {
  stepId: string;
  phaseId: string;
  title: string;
  /** command (mutating), check (read-only), monitor (HTTP probes) or http (a request; mutating unless GET or HEAD): every step that executes is signed. */
  kind: 'check' | 'command' | 'monitor' | 'http';
  command: string;
  target: PlanTargetView;
  env: Record<string, string>;
  secretEnv: Record<string, string>;
  cwd: string | null;
  /** The parameters (their values) and captured values (where each comes from) the step uses. */
  references?: Record<string, { param: string | number | boolean } | { value: { step: string; name: string; from: string } }>;
  /** When the step applies (its phase's and its own `environments:` / `when:`), as written. */
  conditions?: string[];
}

export interface PlanChangeView {
  stepId: string;
  change: 'added' | 'removed' | 'changed';
  /** For "changed": which fields differ (command, target, env, …). */
  fields: string[];
}

export interface PlanView {
  runId: string;
  runbook: { id: string; version: string; hash: string };
  environment: Environment;
  operator: string;
  quorum: number;
  steps: PlanEntryView[];
  /** The exact bytes that are signed (RFC 8785 canonical JSON), as text. */
  text: string;
  /** SHA-256 of those bytes. */
  digest: string;
  namespace: string;
  /** Signatures already recorded over exactly this plan. */
  signedBy: string[];
  /** Against the plan of the most recent approval that differs from this one, if any. */
  previous: { digest: string; signers: string[]; changes: PlanChangeView[] } | null;
}

// ---- targets and secrets -----------------------------------------------------------------

export interface SavedTargetView {
  name: string;
  kind: TargetKind;
  /** postgres: DSN; ssh: host; local: "local". */
  address: string;
  description: string | null;
  /** Name of the vault secret it uses (the value is never shown). */
  secret: string | null;
  secretSet: boolean;
  /** ssh: the pinned host key, when confirmed. */
  hostKey: string | null;
  /** What a run's target override for it is (`ssh://…`, a DSN, `local:DIR`). */
  overrideUri: string;
  savedAt: string;
  spec: TargetSpec;
}

/** A target as entered on the Targets screen (validated by main against the runbook target schema). */
export type TargetSpec =
  | { kind: 'postgres'; dsn: string; tls: 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full'; secret?: string; description?: string }
  | { kind: 'ssh'; host: string; port?: number; user?: string; auth: 'agent' | 'key' | 'password'; keyFile?: string; secret?: string; cwd?: string; hostKey?: string; description?: string }
  | { kind: 'local'; cwd?: string; description?: string }
  | { kind: 'mysql'; dsn: string; tls: 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full'; secret?: string; description?: string }
  | { kind: 'http'; baseUrl: string; secret?: string; authHeader?: string; tlsVerify: boolean; description?: string };

export type TargetTestResult =
  | { ok: true; name: string; kind: TargetKind; hostKey: string | null; hostKeySource: string | null; durationMs: number; /** http: the status its base URL answered a HEAD request with. */ httpStatus?: number }
  | { ok: false; name: string; kind: TargetKind; failure: string; message: string; durationMs: number };

export interface SecretView {
  name: string;
  /** When its value was last set (the value itself never leaves main). */
  setAt: string | null;
  setBy: string | null;
}

// ---- artifacts ---------------------------------------------------------------------------

export interface ArtifactView {
  id: string;
  name: string;
  mediaType: string;
  state: 'open' | 'complete' | 'incomplete';
  size: number;
  sha256: string | null;
  createdAt: string;
}

export interface ArtifactRange {
  id: string;
  offset: number;
  /** Base64 of the bytes from offset (at most the length asked for). */
  data: string;
  /** Bytes in the artifact now. */
  size: number;
  sha256: string | null;
  state: 'open' | 'complete' | 'incomplete';
}

// ---- keys of this session -----------------------------------------------------------------

/** A person whose key is usable at this workstation now (proven, not custodial, key in the session's keyring). */
export interface UsableKeyView {
  name: string;
  roles: Role[];
  fingerprint: string;
  /** owner: the vault owner's key; agent: held by an ssh-agent; file: a key file brought this session. */
  from: 'owner' | 'agent' | 'file';
}

export interface SessionKeysView {
  keys: UsableKeyView[];
  /** The owner's key file is encrypted and waits for its passphrase (asked once per session). */
  ownerLocked: { name: string; fingerprint: string } | null;
}

/** An act drafted for someone to sign on their own machine. */
export interface ActExportView {
  path: string;
  bytes: number;
  /** SHA-256 of the act's bytes. */
  digest: string;
  by: string;
  fingerprint: string;
  namespace: string;
  /** The exact command the person runs where their key is. */
  command: string;
}

/** A person's identity statement, to be signed with their own key. */
export interface IdentityStatementView {
  name: string;
  fingerprint: string;
  statement: string;
  namespace: string;
}
