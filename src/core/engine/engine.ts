// The run engine: every act in a run (start, execute, attest, record, done, skip, decide) is
// signed by the person who does it and checked — signature, identity, role, the runbook's order
// and the run's state — in the same IMMEDIATE transaction that appends it. What it refuses
// leaves the chain as it was. This class is the engine's one door; each of its jobs lives in a
// file of its own (start-run, execute-step, step-acts, decisions, signed-elsewhere,
// plan-approval, not-applicable, recover), over the shared commit and run-reading.
import type { ActDocument, SignedAct } from '../acts/document';
import type { Decision } from '../acts/rules';
import type { Step } from '../runbook/schema';
import type { Signer } from '../signing';
import type { Vault } from '../vault';
import type { Authorization } from './approvals';
import type { EngineContext, EngineOptions, StepOutcome } from './context';
import { decide } from './decisions';
import { authorization, executeStep, schedules } from './execute-step';
import { advance } from './not-applicable';
import { approve, exportPlan, importApproval } from './plan-approval';
import type { PlanDocument } from './plan';
import { recover } from './recover';
import { next, status } from './run-reading';
import type { ScheduleStatus } from './schedule';
import { acceptDeviation, exportAct, importAct, type ActInput } from './signed-elsewhere';
import { startRun, type StartRunInput } from './start-run';
import { runIds } from './state';
import { attest, done, record, skip } from './step-acts';
import type { ApprovalRecord, RunState, StepState } from './types';

export { RunRefusedError, type ExecutorFactory } from './execute';
export { skipRefusal } from '../acts/rules';
export type { EngineOptions, StepOutcome } from './context';
export type { ActInput } from './signed-elsewhere';

export class RunEngine {
  private readonly engine: EngineContext;

  constructor(vault: Vault, options: EngineOptions) {
    this.engine = { vault, options };
  }

  // ---- reading ----------------------------------------------------------------------------

  runs(): string[] {
    return runIds(this.engine.vault.events());
  }

  /** The run's state as the chain says. Reading changes nothing: a step whose runner died shows `runnerGone`. */
  status(runId: string): RunState {
    return status(this.engine, runId);
  }

  /**
   * Records steps whose runner died as INTERRUPTED (a writer's first duty; `cutover run recover`).
   * A mutating step may have run, so the run is BLOCKED until a signed retry, rollback or stop.
   */
  recover(runId: string): RunState {
    return recover(this.engine, runId);
  }

  /** Moves the run past the steps it has reached whose condition is false (each recorded N/A), then the next step. */
  advance(runId: string): { step: Step; phaseId: string } | null {
    return advance(this.engine, runId);
  }

  /** The next step that is neither done nor skipped, in runbook order. */
  next(runId: string): { step: Step; phaseId: string } | null {
    return next(this.engine, runId);
  }

  /** The approvals a step needs before it runs, or null when it needs none here. */
  authorization(runId: string, stepId: string): Authorization | null {
    return authorization(this.engine, runId, stepId);
  }

  /** Every repeating step's schedule now: runs so far, the next occurrence, due or overdue (reading changes nothing). */
  schedules(runId: string): ScheduleStatus[] {
    return schedules(this.engine, runId);
  }

  // ---- acts ---------------------------------------------------------------------------------

  /** Stores the runbook by content hash (once) and records `run.started`, signed by the operator. */
  startRun(input: StartRunInput): Promise<RunState> {
    return startRun(this.engine, input);
  }

  executeStep(runId: string, stepId: string, signal?: AbortSignal): Promise<StepOutcome> {
    return executeStep(this.engine, runId, stepId, signal);
  }

  /** A person confirms an attest step's statement; the attestation is kept as its evidence file. */
  attest(runId: string, stepId: string): Promise<StepState> {
    return attest(this.engine, runId, stepId);
  }

  /** Records values (snapshot ID, release SHA, PITR window) for a record step. */
  record(runId: string, stepId: string, values: Record<string, string>): Promise<StepState> {
    return record(this.engine, runId, stepId, values);
  }

  /** Marks a manual step done, with an optional note. */
  done(runId: string, stepId: string, note?: string): Promise<StepState> {
    return done(this.engine, runId, stepId, note);
  }

  /** An operator skips a step on purpose, with the reason (never around a block; see step-acts). */
  skip(runId: string, stepId: string, reason: string): Promise<StepState> {
    return skip(this.engine, runId, stepId, reason);
  }

  /** A person's decision: take the rollback path, stop, or retry the step that failed or was interrupted. */
  decide(runId: string, decision: Decision, reason: string, stepId?: string): Promise<RunState> {
    return decide(this.engine, runId, decision, reason, stepId);
  }

  /** An approver whose key is usable here accepts the deviation the run is blocked on (step and diff sha256). */
  acceptDeviation(runId: string, stepId: string, diffSha256: string, by: string): Promise<RunState> {
    return acceptDeviation(this.engine, runId, stepId, diffSha256, by);
  }

  /** Drafts an act for someone who signs it on their own machine (`ssh-keygen -Y sign -n cutover-act-v1`). */
  exportAct(runId: string, by: string, input: ActInput): { doc: ActDocument; bytes: Buffer } {
    return exportAct(this.engine, runId, by, input);
  }

  /** Applies an act signed elsewhere: the same checks as an act signed here. */
  importAct(signed: SignedAct): Promise<RunState> {
    return importAct(this.engine, signed);
  }

  // ---- the plan and its approvals -------------------------------------------------------------

  /** The plan approvers sign: the canonical JSON bytes and their SHA-256. */
  exportPlan(runId: string): { plan: PlanDocument; bytes: Buffer; digest: string } {
    return exportPlan(this.engine, runId);
  }

  /** Signs this run's current plan with an approver's key and records the approval. */
  approve(runId: string, _signerName: string, signer: Signer): Promise<ApprovalRecord> {
    return approve(this.engine, runId, signer);
  }

  /** Records an approval made anywhere (here, or on an air-gapped machine); its signer is found by the key inside the signature. */
  importApproval(runId: string, planText: Buffer, signature: string): ApprovalRecord {
    return importApproval(this.engine, runId, planText, signature);
  }
}
