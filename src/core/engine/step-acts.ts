// A person's acts on a step that runs nothing here: attest a statement, record values, mark a
// manual step done, skip a step. Each is signed by its person and checked again in the
// transaction that appends it (an act signed elsewhere included).
import { appendAct } from '../acts/context';
import { ActRefusedError, type SignedAct } from '../acts/document';
import { reasonRefusal, skipRefusal, statusOf } from '../acts/rules';
import { compilePattern } from '../runbook/patterns';
import type { Step } from '../runbook/schema';
import type { Translator } from '../../shared/i18n';
import { rehearsalValueRefusal } from '../rehearsal/follow';
import { commit, signed } from './commit';
import { describeChecks } from './conditions';
import { transcriptOf, type EngineContext } from './context';
import { RunRefusedError } from './execute';
import { conditionVerdict, notApplicableInstead } from './not-applicable';
import { trOf } from './run-language';
import { findStep, status } from './run-reading';
import { settle } from './settle';
import type { StepState } from './types';

/** A person confirms an attest step's statement; the attestation is kept as its evidence file. */
export async function attest(ctx: EngineContext, runId: string, stepId: string): Promise<StepState> {
  const step = stepOfKind(ctx, runId, stepId, 'attest');
  const na = notApplicableInstead(ctx, runId, stepId);
  if (na) return na;
  return stepAct(ctx, await signed(ctx, { kind: 'step.attest', runId, stepId, what: { statement: step.statement } }));
}

/** Records values (snapshot ID, release SHA, PITR window) for a record step. */
export async function record(ctx: EngineContext, runId: string, stepId: string, values: Record<string, string>): Promise<StepState> {
  const step = stepOfKind(ctx, runId, stepId, 'record');
  const na = notApplicableInstead(ctx, runId, stepId);
  if (na) return na;
  checkRecordValues(step, values, trOf(status(ctx, runId)));
  return stepAct(ctx, await signed(ctx, { kind: 'step.record', runId, stepId, what: { values } }));
}

/** Marks a manual step done, with an optional note. */
export async function done(ctx: EngineContext, runId: string, stepId: string, note?: string): Promise<StepState> {
  stepOfKind(ctx, runId, stepId, 'manual');
  const na = notApplicableInstead(ctx, runId, stepId);
  if (na) return na;
  return stepAct(ctx, await signed(ctx, { kind: 'step.done', runId, stepId, what: { note: note ?? null } }));
}

/**
 * An operator skips a step on purpose, with the reason, which goes into the evidence and the
 * decision's findings. Never while the run is BLOCKED (that would step around the block), never
 * a step that ran or is running, and on the rollback path only rollback steps.
 */
export async function skip(ctx: EngineContext, runId: string, stepId: string, reason: string): Promise<StepState> {
  const state = status(ctx, runId);
  const { phaseId } = findStep(state, stepId);
  if (!reason.trim()) throw new RunRefusedError(reasonRefusal(state, 'skip'));
  const refusal = skipRefusal(state, stepId, phaseId);
  if (refusal) throw new RunRefusedError(refusal);
  return stepAct(ctx, await signed(ctx, { kind: 'step.skip', runId, stepId, what: { reason: reason.trim() } }));
}

function stepOfKind<K extends 'attest' | 'record' | 'manual'>(ctx: EngineContext, runId: string, stepId: string, kind: K): Extract<Step, { kind: K }> {
  const state = status(ctx, runId);
  const { step } = findStep(state, stepId);
  if (step.kind !== kind) throw new RunRefusedError(notKindRefusal(trOf(state), step, kind));
  return step as Extract<Step, { kind: K }>;
}

/** Applies a step act (attest, record, done, skip) after its checks; returns the step's new state. */
export function stepAct(ctx: EngineContext, signedAct: SignedAct): StepState {
  const { vault } = ctx;
  const doc = commit(ctx, signedAct, (act, state, step, phaseId) => {
    const runId = act.doc.run;
    const tr = trOf(state);
    if (!step || !phaseId) throw new ActRefusedError(tr.t('engine.act.namesStep', { act: act.doc.act }));
    const current = state.steps.get(step.id)!;
    // A step whose condition is false is N/A, not attested, recorded or done (an act signed elsewhere included).
    const verdict = act.doc.act === 'step.skip' ? null : conditionVerdict(state, step, phaseId);
    if (verdict && !verdict.applies) throw new RunRefusedError(tr.t('engine.step.notApplies', { step: step.id, why: describeChecks(verdict.checks, tr), instead: tr.t(act.doc.act === 'step.attest' ? 'engine.step.notApplies.attest' : act.doc.act === 'step.record' ? 'engine.step.notApplies.record' : 'engine.step.notApplies.done') }));
    const what = act.doc.what;
    const who = act.identity.name;
    if (state.status === 'STOPPED' || state.status === 'COMPLETED') throw new RunRefusedError(tr.t('refusal.runOver', { status: statusOf(tr, state.status) }));
    switch (act.doc.act) {
      case 'step.attest': {
        if (step.kind !== 'attest') throw new RunRefusedError(notKindRefusal(tr, step, 'attest'));
        if (current.status === 'PASS') throw new RunRefusedError(tr.t('engine.step.already.attest', { step: step.id }));
        if (what.statement !== step.statement) throw new RunRefusedError(tr.t('engine.attest.otherStatement', { signed: String(what.statement), statement: step.statement }));
        const writer = vault.createArtifact({ name: step.evidence ?? `${step.id}_attestation.log`, actor: who });
        writer.write(`Attestation\nRun: ${runId}\nStep: ${step.id} — ${step.title}\nStatement: ${step.statement}\nAttested by: ${who} (${act.identity.roles.join(', ')}), key ${act.identity.fingerprint}\nSigned act sha256: ${act.digest}\nAt: ${new Date().toISOString()}\n`);
        appendAct(vault, act, 'step.attested', { runId, stepId: step.id, statement: step.statement, role: step.by, fingerprint: act.identity.fingerprint, transcript: transcriptOf(writer.finish()) });
        break;
      }
      case 'step.record': {
        if (step.kind !== 'record') throw new RunRefusedError(notKindRefusal(tr, step, 'record'));
        if (current.status === 'PASS') throw new RunRefusedError(tr.t('engine.step.already.record', { step: step.id }));
        const values = what.values as Record<string, string>;
        checkRecordValues(step, values, tr);
        const unlike = rehearsalValueRefusal(vault, state, step, values);
        if (unlike) throw new RunRefusedError(unlike);
        const writer = vault.createArtifact({ name: step.evidence ?? `${step.id}_record.json`, mediaType: 'application/json', actor: who });
        writer.write(`${JSON.stringify({ runId, stepId: step.id, title: step.title, values, recordedBy: who, actSha256: act.digest, at: new Date().toISOString() }, null, 2)}\n`);
        appendAct(vault, act, 'step.recorded', { runId, stepId: step.id, values, transcript: transcriptOf(writer.finish()) });
        break;
      }
      case 'step.done':
        if (step.kind !== 'manual') throw new RunRefusedError(tr.t('engine.step.onlyManualDone', { step: step.id, kind: tr.t(`stepKind.${step.kind}`) }));
        if (current.status === 'PASS') throw new RunRefusedError(tr.t('engine.step.already.done', { step: step.id }));
        appendAct(vault, act, 'step.done', { runId, stepId: step.id, note: typeof what.note === 'string' ? what.note : null });
        break;
      case 'step.skip': {
        const reason = typeof what.reason === 'string' ? what.reason.trim() : '';
        if (!reason) throw new RunRefusedError(reasonRefusal(state, 'skip'));
        const refusal = skipRefusal(state, step.id, phaseId);
        if (refusal) throw new RunRefusedError(refusal);
        appendAct(vault, act, 'step.skipped', { runId, stepId: step.id, reason, previous: current.status });
        break;
      }
      default:
        throw new ActRefusedError(tr.t('engine.act.notStepAct', { act: act.doc.act }));
    }
    return act.doc;
  });
  return settle(ctx, doc.run).steps.get(doc.step!)!;
}

/** A record step's values: known fields, required ones present, patterns matched. */
export function checkRecordValues(step: Extract<Step, { kind: 'record' }>, values: Record<string, string>, tr: Translator): void {
  if (typeof values !== 'object' || values === null) throw new RunRefusedError(tr.t('engine.record.values', { step: step.id }));
  const known = new Set(step.fields.map((f) => f.name));
  for (const name of Object.keys(values)) if (!known.has(name)) throw new RunRefusedError(tr.t('engine.record.noField', { step: step.id, name, known: [...known].join(', ') }));
  for (const field of step.fields) {
    const value = values[field.name];
    if (value !== undefined && typeof value !== 'string') throw new RunRefusedError(tr.t('engine.record.text', { label: field.label }));
    if ((value === undefined || value === '') && field.required) throw new RunRefusedError(tr.t('engine.record.required', { step: step.id, label: field.label, name: field.name }));
    if (value !== undefined && field.pattern && !compilePattern(field.pattern, field.flags).test(value)) throw new RunRefusedError(tr.t('engine.record.pattern', { label: field.label, value, pattern: field.pattern }));
  }
}

/** "Step x is a check step, not an attestation." in the run's language. */
function notKindRefusal(tr: Translator, step: Step, expected: 'attest' | 'record' | 'manual'): string {
  return tr.t('engine.step.kind', { step: step.id, kind: tr.t(`stepKind.${step.kind}`), expected: tr.t(`engine.step.expected.${expected}`) });
}
