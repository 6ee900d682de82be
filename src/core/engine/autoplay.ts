// Plays a run without a person at the keyboard (rehearsals in CI, `cutover demo`): attests,
// records and marks manual steps from prepared answers, runs checks, commands and monitors,
// and stops at the first thing that needs a human — a missing answer, a missing approval, a
// FAIL or a BLOCKED run.
import type { RunEngine, StepOutcome } from './engine';
import type { RunState } from './types';
import { translator, type Lang, type Translator } from '../../shared/i18n';

export type Answer = true | string | Record<string, string>;

export interface AutoplayOptions {
  /** stepId → true (attest, manual done), a note (manual), or field values (record). */
  answers: Record<string, Answer>;
  /** The engine acting as someone else whose key is usable here, for steps that need another role (attest by an approver). */
  engineFor?: (role: string) => RunEngine;
  /** Someone not at this workstation attests: they sign the exported act on their own machine and it is imported. */
  attestElsewhere?: (stepId: string, role: string) => Promise<void>;
  /** Stop before this step. */
  until?: string;
  /** stepId → why it is skipped (recorded as the operator's skip). */
  skip?: Record<string, string>;
  onStep?: (line: string, outcome?: StepOutcome) => void;
  /** The language of the lines said and of why it stopped where the runbook names none (the CLI's --lang); the runbook's language: wins. */
  lang?: Lang;
  /**
   * The team acts through its ledger: called when the run waits on someone who is not at this
   * workstation (the plan's approvals, another role's attest/record/manual step, a decision on a
   * BLOCKED run). Resolves true once what arrived lets the run go on, false to stop as before.
   */
  waitForTeam?: (need: TeamNeed) => Promise<boolean>;
}

/** What a run waits on from someone not at this workstation. */
export interface TeamNeed {
  runId: string;
  stepId: string;
  /** approval: the plan's signatures; act: another role's step act; decision: retry, rollback or stop. */
  kind: 'approval' | 'act' | 'decision';
  /** The role whose act is awaited (act), or the reason the run waits. */
  detail: string;
}

export interface AutoplayResult {
  state: RunState;
  outcomes: StepOutcome[];
  /** Why it stopped before the end, or null when every step is done. */
  stopped: { stepId: string; reason: string } | null;
}

export async function autoplay(engine: RunEngine, runId: string, options: AutoplayOptions): Promise<AutoplayResult> {
  const outcomes: StepOutcome[] = [];
  const say = options.onStep ?? (() => {});
  const stop = (stepId: string, reason: string): AutoplayResult => ({ state: engine.status(runId), outcomes, stopped: { stepId, reason } });
  const start = engine.status(runId);
  const tr: Translator = translator(start.runbook.language ?? options.lang ?? start.wordedIn);
  const kindWord = (kind: string) => (kind === 'attest' || kind === 'record' || kind === 'manual' || kind === 'check' || kind === 'command' || kind === 'monitor' || kind === 'http' ? tr.t(`stepKind.${kind}`) : kind);
  for (;;) {
    // Steps whose condition is false are recorded N/A as the run reaches them, and said.
    const notApplicable = (): string[] => [...engine.status(runId).steps.values()].filter((s) => s.status === 'N/A').map((s) => s.stepId);
    const before = new Set(notApplicable());
    const next = engine.advance(runId);
    for (const stepId of notApplicable()) if (!before.has(stepId)) say(tr.t('play.notApplicable', { step: stepId }));
    if (!next) return { state: engine.status(runId), outcomes, stopped: null };
    const { step } = next;
    if (step.id === options.until) return stop(step.id, tr.t('play.until', { step: step.id }));
    const skipReason = options.skip?.[step.id];
    if (skipReason !== undefined) {
      await engine.skip(runId, step.id, skipReason);
      say(tr.t('play.skipped', { step: step.id, reason: skipReason }));
      continue;
    }
    const answer = options.answers[step.id];
    if (step.kind === 'attest' || step.kind === 'manual' || step.kind === 'record') {
      const by = step.by ?? 'operator';
      if (by !== 'operator' && options.waitForTeam && !options.attestElsewhere && !options.engineFor) {
        if (await options.waitForTeam({ runId, stepId: step.id, kind: 'act', detail: by })) continue;
        return stop(step.id, tr.t('play.notSignedInTime', { role: by, kind: kindWord(step.kind), step: step.id }));
      }
      if (answer === undefined) return stop(step.id, tr.t('play.noAnswer', { kind: kindWord(step.kind), step: step.id }));
      if (step.kind === 'attest' && step.by !== 'operator' && options.attestElsewhere) await options.attestElsewhere(step.id, step.by);
      else if (step.kind === 'attest') await (step.by !== 'operator' && options.engineFor ? options.engineFor(step.by) : engine).attest(runId, step.id);
      else if (step.kind === 'manual') await (step.by && step.by !== 'operator' && options.engineFor ? options.engineFor(step.by) : engine).done(runId, step.id, typeof answer === 'string' ? answer : undefined);
      else await (step.by && step.by !== 'operator' && options.engineFor ? options.engineFor(step.by) : engine).record(runId, step.id, answer as Record<string, string>);
      say(tr.t('play.pass', { step: step.id, kind: kindWord(step.kind) }));
      continue;
    }
    const auth = engine.authorization(runId, step.id);
    if (auth && !auth.authorized) {
      if (options.waitForTeam && await options.waitForTeam({ runId, stepId: step.id, kind: 'approval', detail: auth.reason })) continue;
      return stop(step.id, auth.reason);
    }
    const outcome = await engine.executeStep(runId, step.id);
    outcomes.push(outcome);
    say(`${step.id}: ${outcome.status}${outcome.failure ? ` (${outcome.failure.kind}: ${outcome.failure.message})` : ''}`, outcome);
    if (outcome.blocked && options.waitForTeam && await options.waitForTeam({ runId, stepId: step.id, kind: 'decision', detail: tr.t('play.blocked') })) {
      if (engine.status(runId).status === 'STOPPED') return stop(step.id, tr.t('play.stoppedByDecision'));
      continue;
    }
    if (outcome.status !== 'PASS' || outcome.blocked) return stop(step.id, outcome.blocked ? tr.t('play.blocked') : tr.t('play.failed', { step: step.id }));
  }
}
