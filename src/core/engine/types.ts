// A run's state, folded from its events in the vault's chain: the chain is the only truth.
import type { Runbook, Target } from '../runbook/schema';
import type { GateResult } from './gates';

export type Environment = 'rehearsal' | 'production';
export type StepStatus = 'pending' | 'running' | 'PASS' | 'FAIL' | 'INTERRUPTED' | 'skipped';
export type RunStatus = 'ACTIVE' | 'BLOCKED' | 'ROLLBACK' | 'STOPPED' | 'COMPLETED';

export interface TranscriptRef {
  artifactId: string;
  name: string;
  sha256: string | null;
  size: number;
}

export interface StepState {
  stepId: string;
  phaseId: string;
  kind: string;
  status: StepStatus;
  actor?: string;
  startedAt?: string;
  finishedAt?: string;
  target?: string;
  command?: string;
  exitCode?: number | null;
  signal?: string | null;
  failure?: { kind: string; message: string; sqlState?: string } | null;
  gates?: GateResult[];
  transcript?: TranscriptRef;
  values?: Record<string, string>;
  /** Why an operator skipped the step. */
  skipReason?: string;
  /** For shell checks: "declared" read-only; SQL checks: "enforced" by BEGIN READ ONLY. */
  readOnly?: 'enforced' | 'declared';
  /** Runner process, so a crashed runner can be told from a live one. */
  runner?: { pid: number; host: string };
  /** A read saw this step running but its runner gone; the next writer records it INTERRUPTED. */
  runnerGone?: boolean;
  /** How many times the step was started. */
  attempts?: number;
  /** Earlier attempts that failed or were interrupted before a retry decision; kept as evidence. */
  previousAttempts?: StepAttempt[];
}

export interface StepAttempt {
  status: StepStatus;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number | null;
  failure?: StepState['failure'];
  transcript?: TranscriptRef;
  actor?: string;
}

export type RunDecision = 'rollback' | 'stop' | 'retry';

export interface ApprovalRecord {
  seq: number;
  signer: string;
  fingerprint: string;
  planDigest: string;
  /** The exact plan document that was signed (canonical JSON text). */
  plan: string;
  signature: string;
  decision: 'approve';
}

export interface RunState {
  runId: string;
  startedAt: string;
  /** The planned T-0 the operator named when starting the run (signed in run.start), or null. */
  t0: string | null;
  /** A production run's rehearsal: the sha256 of the rehearsal pack's manifest and its run (signed in run.start), or null. */
  rehearsal: RehearsalRef | null;
  operator: string;
  environment: Environment;
  runbookHash: string;
  runbookArtifactId: string;
  runbook: Runbook;
  targets: Record<string, Target>;
  status: RunStatus;
  blockedBy: { stepId: string; reason: string } | null;
  decisions: { decision: RunDecision; reason: string; actor: string; at: string; stepId?: string }[];
  steps: Map<string, StepState>;
  approvals: ApprovalRecord[];
  /** Pinned SSH host keys by target name. */
  hostKeys: Record<string, string>;
  /** When every step outside the rollback path was PASS or skipped (`run.completed`). */
  completedAt?: string;
}

/** The rehearsal a production run is bound to: its decision pack's manifest sha256 and run id. */
export interface RehearsalRef {
  manifestSha256: string;
  runId: string;
}
