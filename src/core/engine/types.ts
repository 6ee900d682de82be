// A run's state, folded from its events in the vault's chain: the chain is the only truth.
import type { Runbook, Target } from '../runbook/schema';
import type { GateResult } from './gates';
import type { Lang } from '../../shared/i18n/languages';

export type Environment = 'rehearsal' | 'production';
/** N/A: the step's `when:` (or `environments:`) was false when the run reached it; it counts as done, and is neither a skip nor a deviation. */
export type StepStatus = 'pending' | 'running' | 'PASS' | 'FAIL' | 'INTERRUPTED' | 'skipped' | 'N/A';
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
  /** Values this step captured after it passed (`value.captured`), by name. */
  captured?: Record<string, CapturedValue>;
  /** Why the step was N/A: each condition evaluated, with its values (`step.not_applicable`). */
  notApplicable?: ConditionCheck[];
  /** For shell checks: "declared" read-only; SQL checks: "enforced" by BEGIN READ ONLY. */
  readOnly?: 'enforced' | 'declared';
  /** Runner process, so a crashed runner can be told from a live one. */
  runner?: { pid: number; host: string };
  /** A read saw this step running but its runner gone; the next writer records it INTERRUPTED. */
  runnerGone?: boolean;
  /** How many times the step was started. */
  attempts?: number;
  /** When the run that first PASSed started: a repeating step's schedule counts from it. */
  firstPassAt?: string;
  /** A repeating step's later runs (repeat:), each its own evidence; they never change `status`. */
  occurrences?: Occurrence[];
  /** Earlier attempts that failed or were interrupted before a retry decision; kept as evidence. */
  previousAttempts?: StepAttempt[];
}

export interface Occurrence {
  /** 2 for the first repeat (the step's own first run is 1). */
  n: number;
  status: StepStatus;
  startedAt: string;
  finishedAt?: string;
  gates?: GateResult[];
  failure?: StepState['failure'];
  transcript?: TranscriptRef;
  /** The process running it, so a crashed runner can be told from a live one. */
  runner?: { pid: number; host: string };
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
  /** The run's parameter values (signed in run.start); {} when the runbook declares none. */
  params: Record<string, string | number | boolean>;
  /** When every step outside the rollback path was PASS or skipped (`run.completed`). */
  completedAt?: string;
  /**
   * The language refusals are worded in where the runbook names none (the window's language,
   * EngineOptions.language); never recorded: the chain's state is the same in every language.
   */
  wordedIn?: Lang;
}

/** A value a step captured, and where it came from. */
export interface CapturedValue {
  value: string | number | boolean | null;
  source: { kind: 'json' | 'column' | 'pattern'; expr: string };
}

/** One condition as evaluated when the run reached a step: a phase's or the step's `when:` or `environments:`. */
export interface ConditionCheck {
  /** Whose condition: the step's phase, or the step. */
  on: 'phase' | 'step';
  id: string;
  /** `environments: [...]` as written, when that was the condition. */
  environments?: string[];
  /** The expression as written, when that was the condition. */
  expr?: string;
  /** Each reference's value (and `environment`). */
  values: Record<string, string | number | boolean | null>;
  result: boolean;
}

/** The rehearsal a production run is bound to: its decision pack's manifest sha256 and run id. */
export interface RehearsalRef {
  manifestSha256: string;
  runId: string;
}
