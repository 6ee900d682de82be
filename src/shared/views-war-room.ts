// What the War room answers with: a shared run as the team ledger holds it, read and checked by
// this window's follower (src/main/war-room.ts) and folded by core (src/core/war-room). Plain,
// serialisable shapes; bounded (the newest timeline lines only), so a long run stays cheap.
import type { Environment, GateResultView, RunStatusView, StepKind, StepStatusView } from './views';

/** A tamper finding from the follower: an edited, deleted or reordered event, or a ledger that went backwards. */
export interface WarRoomProblemView {
  workstation: string;
  seq: number | null;
  /** The follower's own words ("ops-1 event #6: event #6 is missing…"). */
  text: string;
}

export interface WarRoomRunSummary {
  runId: string;
  /** The workstation whose chain started the run (the operator's). */
  workstation: string;
  runbookId: string;
  runbookTitle: string;
  runbookVersion: string;
  environment: Environment;
  operator: string;
  startedAt: string;
  status: RunStatusView;
  /** The newest event of the run, any workstation. */
  lastAt: string;
}

export interface WarRoomStepView {
  stepId: string;
  /** From the plan offered (executing steps) or null until the step's own events say nothing more. */
  title: string | null;
  phaseId: string | null;
  kind: StepKind | null;
  status: StepStatusView;
  actor: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  target: string | null;
  exitCode: number | null;
  attempts: number;
  gates: GateResultView[];
  /** The failure in the engine's words, or null. */
  failure: string | null;
  skipReason: string | null;
  values: Record<string, string> | null;
  /** The step's transcript: its artifact id (from step.started; its chunks follow through the ledger), and its hash and size once finished. */
  transcript: { artifactId: string | null; sha256: string | null; size: number } | null;
}

export interface WarRoomApprovalView {
  signer: string;
  fingerprint: string;
  planDigest: string;
  /** recorded: the operator's vault recorded it (approval.added); sent: signed and sent through the ledger, not recorded yet. */
  state: 'recorded' | 'sent';
  workstation: string;
  at: string;
}

export interface WarRoomDecisionView {
  /** run.decision (rollback / stop / retry), decision.recorded (the formal GO / NO-GO), or an act sent and not yet recorded. */
  kind: 'run.decision' | 'decision.recorded' | 'sent';
  state: 'recorded' | 'sent';
  actor: string;
  workstation: string;
  at: string;
  /** The timeline's words for it. */
  text: string;
  /** Approved / Rejected for a formal decision, rollback / stop / retry for a run decision, else null. */
  verdict: string | null;
}

export interface WarRoomTimelineEntry {
  workstation: string;
  seq: number;
  at: string;
  actor: string;
  type: string;
  text: string;
}

export interface WarRoomPlanView {
  digest: string;
  workstation: string;
  offeredAt: string;
  quorum: number;
  steps: number;
}

export interface WarRoomRunView {
  summary: WarRoomRunSummary;
  blockedBy: { stepId: string; reason: string } | null;
  /**
   * Every workstation whose chain starts this run. More than one is a warning: a run id is made by
   * the operator's vault, so another chain starting it copies it (only the first, by time, is shown).
   */
  claimedBy: string[];
  plan: WarRoomPlanView | null;
  steps: WarRoomStepView[];
  approvals: WarRoomApprovalView[];
  decisions: WarRoomDecisionView[];
  /** The newest lines, oldest first. */
  timeline: WarRoomTimelineEntry[];
  /** How many timeline lines the run has in all (more than `timeline` holds for a long run). */
  timelineTotal: number;
}

export type WarRoomState = 'idle' | 'connecting' | 'following' | 'reconnecting';

export interface WarRoomView {
  state: WarRoomState;
  /** The ledger URL followed (no password), or null. */
  url: string | null;
  /** host:port/database. */
  label: string | null;
  /** The URL remembered for this vault (the last one followed, or the one it joined). */
  rememberedUrl: string | null;
  /** Why the follower is reconnecting, or null. */
  message: string | null;
  /** When the follower last read something new (or first read the ledger), ISO. */
  readAt: string | null;
  workstations: { name: string; head: number }[];
  runs: WarRoomRunSummary[];
  /** The run asked for (or the newest), or null. */
  run: WarRoomRunView | null;
  problems: WarRoomProblemView[];
  /** This vault's own membership, when it joined the ledger followed: only then can it act through it. */
  member: { workstation: string; owner: string } | null;
}

/**
 * One step's transcript as this window's follower read it from the ledger, chunk by chunk, each
 * checked (signature, sha256, place) and, once the chain records its completion, the whole.
 *  - live: chunks read and checked so far, the step not finished (or its end not read yet);
 *  - complete: every byte read and the whole hashes to the sha256 and size the chain records;
 *  - notShared: the chain records the end, but no byte of it is in the ledger (a runbook with
 *    share_transcripts: false, or a publisher that has not published its chunks yet);
 *  - problem: a chunk (or the whole) does not hold; nothing after it is shown;
 *  - unavailable: the ledger cannot hold transcripts (made before them) or the workstation's
 *    membership does not hold.
 */
export type WarRoomTranscriptState = 'live' | 'complete' | 'notShared' | 'problem' | 'unavailable';

export interface WarRoomTranscriptView {
  workstation: string;
  artifactId: string;
  state: WarRoomTranscriptState;
  /** The newest checked bytes (at most 256 KiB), decoded as UTF-8 with replacement. */
  text: string;
  /** Where `text` starts: more than 0 when older output was left out. */
  start: number;
  /** Bytes read and checked so far. */
  bytes: number;
  /** The size the chain records at completion, or null while running. */
  size: number | null;
  /** For problem: the chunk named (null: the whole, or the chain); the reader's own words. */
  problem: { n: number | null; text: string } | null;
  /** For unavailable: why. */
  message: string | null;
}
