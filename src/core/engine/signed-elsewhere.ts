// Acts signed on another machine: drafted here for someone who signs them with their own key
// (`ssh-keygen -Y sign -n cutover-act-v1`), then imported with the same checks as an act
// signed here. An approver's deviation acceptance goes the same way.
import { draftAct } from '../acts/context';
import { ActRefusedError, actBytes, parseAct, type ActDocument, type SignedAct } from '../acts/document';
import { retryTarget, roleRefusal, type Decision } from '../acts/rules';
import { registryOf } from '../identity/registry';
import { translator } from '../../shared/i18n';
import { applyDeviationAcceptance } from '../rehearsal/follow';
import { commit, signed } from './commit';
import type { EngineContext } from './context';
import { applyDecision } from './decisions';
import { languageOfAct, trOf } from './run-language';
import { findStep, fold, status } from './run-reading';
import { settle } from './settle';
import { checkRecordValues, stepAct } from './step-acts';
import type { RunState } from './types';

/** What a person may export to sign elsewhere. */
export type ActInput =
  | { kind: 'step.attest'; stepId: string }
  | { kind: 'step.record'; stepId: string; values: Record<string, string> }
  | { kind: 'step.done'; stepId: string; note?: string }
  | { kind: 'step.skip'; stepId: string; reason: string }
  | { kind: 'run.decide'; decision: Decision; reason: string; stepId?: string }
  | { kind: 'deviation.accept'; stepId: string; diffSha256: string };

/** Drafts an act for someone who signs it on their own machine (`ssh-keygen -Y sign -n cutover-act-v1`). */
export function exportAct(ctx: EngineContext, runId: string, by: string, input: ActInput): { doc: ActDocument; bytes: Buffer } {
  const state = status(ctx, runId);
  const stepId = 'stepId' in input && input.stepId ? input.stepId : input.kind === 'run.decide' && input.decision === 'retry' ? retryTarget(state) : null;
  const step = stepId ? findStep(state, stepId) : undefined;
  const what: Record<string, unknown> =
    input.kind === 'step.attest' ? { statement: step?.step.kind === 'attest' ? step.step.statement : '' }
    : input.kind === 'step.record' ? { values: input.values }
    : input.kind === 'step.done' ? { note: input.note ?? null }
    : input.kind === 'step.skip' ? { reason: input.reason.trim() }
    : input.kind === 'deviation.accept' ? { diffSha256: input.diffSha256 }
    : { decision: input.decision, reason: input.reason.trim() };
  if (input.kind === 'step.record' && step?.step.kind === 'record') checkRecordValues(step.step, input.values, trOf(state));
  const doc = draftAct(ctx.vault, { kind: input.kind, runId, stepId, what }, by, trOf(state).lang);
  const who = registryOf(ctx.vault).get(by)!;
  const role = roleRefusal(input.kind, state, step?.step, who);
  if (role) throw new ActRefusedError(role);
  return { doc, bytes: actBytes(doc) };
}

/** Applies an act signed elsewhere: the same checks as an act signed here. */
export async function importAct(ctx: EngineContext, signedAct: SignedAct): Promise<RunState> {
  const tr = translator(languageOfAct(ctx, signedAct.text));
  const doc = parseAct(signedAct.text, tr.lang);
  if (doc.act === 'run.start' || doc.act === 'step.execute') throw new ActRefusedError(tr.t('engine.import.signedHere', { act: doc.act }));
  if (doc.act === 'decision.record') throw new ActRefusedError(tr.t('engine.import.decisionRecord'));
  if (doc.act === 'deviation.accept') {
    commit(ctx, signedAct, (act, now) => applyDeviationAcceptance(ctx.vault, act, now));
    return settle(ctx, doc.run);
  }
  if (doc.act === 'run.decide') {
    return commit(ctx, signedAct, (act, now) => {
      applyDecision(ctx, act, now);
      return fold(ctx, doc.run);
    });
  }
  stepAct(ctx, signedAct);
  return status(ctx, doc.run);
}

/** An approver whose key is usable here accepts the deviation the run is blocked on (step and diff sha256). */
export async function acceptDeviation(ctx: EngineContext, runId: string, stepId: string, diffSha256: string, by: string): Promise<RunState> {
  return importAct(ctx, await signed(ctx, { kind: 'deviation.accept', runId, stepId, what: { diffSha256 } }, by));
}
