// A production run follows its rehearsal: the engine's hooks. At start the rehearsal's record is
// kept in the vault; as each step finishes it is compared with the rehearsal's same step
// (`step.compared`, the normalised diff stored as evidence); a step that must match and differs
// blocks the run when the runbook's policy says so, until a quorum of approvers signs a
// `deviation.accept` act naming the step and the diff's sha256, or the run rolls back.
import { createHash } from 'node:crypto';
import type { VerifiedAct } from '../acts/verify';
import { ActRefusedError } from '../acts/document';
import { RunRefusedError } from '../engine/execute';
import { RunInputError } from '../engine/resolve';
import type { Environment, RehearsalRef, RunState } from '../engine/types';
import { foldRun } from '../engine/state';
import { registryOf } from '../identity/registry';
import type { Runbook, Step } from '../runbook/schema';
import type { ReadOnlyVault, Vault } from '../vault';
import { compareStep, stepFacts, type Difference, type Verdict } from './compare';
import { normalizeTranscript } from './normalize';
import { parseRehearsalRecord, type RehearsalRecord } from './record';
import { translate, translator, type Lang } from '../../shared/i18n';
import { blockReasonText } from '../reports/gate-words';

export const REHEARSAL_STORED = 'rehearsal.stored';
export const STEP_COMPARED = 'step.compared';
export const DEVIATION_ACCEPTED = 'deviation.accepted';
export const DEVIATION_ACT = 'deviation.accept';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** `rehearsal.required`: a production run of this runbook starts only bound to a rehearsal. */
export function rehearsalRequiredRefusal(runbook: Runbook, environment: Environment, rehearsal: RehearsalRef | null | undefined, lang?: Lang): string | null {
  if (environment !== 'production' || rehearsal || !runbook.rehearsal?.required) return null;
  return translate(runbook.language ?? lang ?? 'en', 'rehearsal.refuse.required');
}

/** Checked before the start act is signed: a record that is not the bound rehearsal's is refused. */
export function checkRecordForStart(ref: RehearsalRef | null, record: Buffer | undefined): void {
  if (!record) return;
  if (!ref) throw new RunInputError('A rehearsal record goes with a rehearsal binding.');
  const parsed = parseRehearsalRecord(record, ref.manifestSha256);
  if (parsed.runId !== ref.runId) throw new RunInputError(`The rehearsal record is of run ${parsed.runId}, not ${ref.runId}.`);
}

/** Keeps the rehearsal's record (once per manifest) and says which run it belongs to. Inside the start's transaction. */
export function storeRehearsalRecord(vault: Vault, runId: string, ref: RehearsalRef, record: Buffer, actor: string): void {
  const digest = sha256(record);
  let stored = vault.artifacts().find((a) => a.state === 'complete' && a.sha256 === digest && a.name.startsWith('rehearsal-'));
  if (!stored) {
    const writer = vault.createArtifact({ name: `rehearsal-${ref.runId}.json`, mediaType: 'application/json', actor });
    writer.write(record);
    stored = writer.finish();
  }
  vault.append({ actor, type: REHEARSAL_STORED, payload: { runId, manifestSha256: ref.manifestSha256, rehearsalRunId: ref.runId, artifactId: stored.id, sha256: digest } });
}

const records = new WeakMap<object, Map<string, RehearsalRecord>>();

/** The rehearsal record a run keeps, read back and checked (once per vault), or null when none was stored. */
export function rehearsalOf(vault: ReadOnlyVault, state: Pick<RunState, 'runId' | 'rehearsal'>): RehearsalRecord | null {
  if (!state.rehearsal) return null;
  const stored = vault.events().find((e) => e.type === REHEARSAL_STORED && (e.payload as { runId?: unknown }).runId === state.runId);
  if (!stored) return null;
  const artifactId = (stored.payload as { artifactId: string }).artifactId;
  let cache = records.get(vault);
  if (!cache) records.set(vault, (cache = new Map()));
  const key = `${artifactId}:${state.rehearsal.manifestSha256}`;
  let record = cache.get(key);
  if (!record) {
    record = parseRehearsalRecord(Buffer.concat([...vault.readArtifact(artifactId)]), state.rehearsal.manifestSha256);
    cache.set(key, record);
  }
  return record;
}

/** Whether a difference in this step is a deviation: `must_match_rehearsal`, by default true for commands only. */
export function mustMatch(step: Step): boolean {
  const declared = (step as { must_match_rehearsal?: boolean }).must_match_rehearsal;
  return declared ?? step.kind === 'command';
}

export interface ComparedEvent {
  runId: string;
  stepId: string;
  verdict: Verdict;
  differences: Difference[];
  durationRatio: number | null;
  mustMatch: boolean;
  /** What the deviation does: block, warn, or none (it matches, or need not). */
  deviation: 'block' | 'warn' | 'none';
  diffArtifact: { artifactId: string; name: string; sha256: string; size: number } | null;
}

/**
 * Compares a step that just finished with its rehearsal and records `step.compared`; when the
 * step must match, differs and the policy blocks, records `run.blocked` too (only if `mayBlock`:
 * a failed step has already blocked). Returns true when it blocked. No-op for unbound runs.
 */
export function compareWithRehearsal(vault: Vault, state: RunState, step: Step, mayBlock: boolean): boolean {
  if (!state.rehearsal) return false;
  const events = vault.events();
  const production = stepFacts(events, state.runId, step.id);
  if (!production) return false;
  const record = rehearsalOf(vault, state);
  const read = (artifactId: string | null) => (artifactId ? Buffer.concat([...vault.readArtifact(artifactId)]).toString('utf8') : '');
  let rehearsed: { facts: NonNullable<ReturnType<typeof stepFacts>>; transcript: string } | null = null;
  if (record) {
    const facts = stepFacts(record.events, record.runId, step.id);
    const rehearsalState = facts ? foldRun(record.runId, record.events as never, () => state.runbook) : null;
    if (facts && rehearsalState) {
      const bytes = facts.transcriptArtifactId ? record.evidence.get(facts.transcriptArtifactId)?.bytes.toString('utf8') ?? '' : '';
      rehearsed = { facts, transcript: normalizeTranscript(bytes, { targets: rehearsalState.targets, runbook: state.runbook }) };
    }
  }
  const comparison = compareStep(rehearsed, { facts: production, transcript: normalizeTranscript(read(production.transcriptArtifactId), { targets: state.targets, runbook: state.runbook }) });
  const must = mustMatch(step);
  const deviation = comparison.verdict === 'differs' && must ? (state.runbook.rehearsal?.deviation ?? 'block') : 'none';
  let diffArtifact: ComparedEvent['diffArtifact'] = null;
  if (comparison.verdict !== 'matches') {
    const evidence = (step as { evidence?: string }).evidence ?? `${step.id}.log`;
    const writer = vault.createArtifact({ name: `${evidence.replace(/\.[^.]+$/, '')}.rehearsal-diff.txt`, mediaType: 'text/plain', actor: 'system' });
    writer.write(comparison.diff);
    const info = writer.finish();
    diffArtifact = { artifactId: info.id, name: info.name, sha256: info.sha256!, size: info.size };
  }
  const payload: ComparedEvent = { runId: state.runId, stepId: step.id, verdict: comparison.verdict, differences: comparison.differences, durationRatio: comparison.durationRatio, mustMatch: must, deviation, diffArtifact };
  // The diff is the run's linked evidence (artifactId, label): the pack carries it under evidence/.
  vault.append({ actor: 'system', type: STEP_COMPARED, payload: { ...payload, ...(diffArtifact ? { artifactId: diffArtifact.artifactId, label: `${step.id} against its rehearsal (normalised diff)` } : {}) } });
  if (deviation !== 'block' || !mayBlock || state.status === 'ROLLBACK') return false;
  vault.append({ actor: 'system', type: 'run.blocked', payload: { runId: state.runId, stepId: step.id, reason: translate('en', 'block.deviation', { what: comparison.differences.map((d) => d.what).join(', '), sha256: diffArtifact!.sha256, quorum: state.runbook.policy.approvals.quorum }), gates: [], deviation: { diffSha256: diffArtifact!.sha256, artifactId: diffArtifact!.artifactId } } });
  return true;
}

/** The deviation the run is blocked on, if it is blocked on one. */
export function blockingDeviation(vault: ReadOnlyVault, state: RunState): { stepId: string; diffSha256: string } | null {
  if (state.status !== 'BLOCKED' || !state.blockedBy) return null;
  const block = vault.events().filter((e) => e.type === 'run.blocked' && (e.payload as { runId?: unknown }).runId === state.runId).at(-1);
  const deviation = (block?.payload as { deviation?: { diffSha256?: unknown } } | undefined)?.deviation;
  return deviation && typeof deviation.diffSha256 === 'string' ? { stepId: state.blockedBy.stepId, diffSha256: deviation.diffSha256 } : null;
}

/** Who accepted a deviation of this run: each approver once, per step and diff. */
export function acceptancesOf(vault: ReadOnlyVault, runId: string): { stepId: string; diffSha256: string; signer: string; fingerprint: string; at: string; seq: number }[] {
  return acceptancesIn(vault.events(), runId);
}

/** The same, from events already read (a reader that walks the chain once). */
export function acceptancesIn(events: ReturnType<ReadOnlyVault['events']>, runId: string): ReturnType<typeof acceptancesOf> {
  return events.filter((e) => e.type === DEVIATION_ACCEPTED && (e.payload as { runId?: unknown }).runId === runId).map((e) => {
    const p = e.payload as { stepId: string; diffSha256: string; signer: string; fingerprint: string };
    return { stepId: p.stepId, diffSha256: p.diffSha256, signer: p.signer, fingerprint: p.fingerprint, at: e.at, seq: e.seq };
  });
}

/**
 * Applies an approver's signed `deviation.accept`: the run must be blocked on that very step and
 * diff, the signer an approver who is not the operator and has not accepted it yet. When the
 * quorum is reached the event clears the block. Inside the act's transaction.
 */
export function applyDeviationAcceptance(vault: Vault, act: VerifiedAct, state: RunState): void {
  const stepId = act.doc.step;
  const diffSha256 = act.doc.what.diffSha256;
  const tr = translator(state.runbook.language ?? state.wordedIn);
  if (!stepId || typeof diffSha256 !== 'string') throw new ActRefusedError(tr.t('rehearsal.refuse.acceptNames'));
  const blocking = blockingDeviation(vault, state);
  if (!blocking) {
    const blocked = state.blockedBy;
    const at = blocked ? tr.t('rehearsal.refuse.notBlockedAt', { step: blocked.stepId, reason: blockReasonText(tr.lang, blocked.reason, state.steps.get(blocked.stepId)?.gates ?? []) }) : '';
    throw new RunRefusedError(tr.t('rehearsal.refuse.notBlocked', { status: tr.t(`runStatus.${state.status}`), at }));
  }
  if (blocking.stepId !== stepId) throw new RunRefusedError(tr.t('rehearsal.refuse.otherStep', { blocking: blocking.stepId, step: stepId }));
  if (blocking.diffSha256 !== diffSha256) throw new RunRefusedError(tr.t('rehearsal.refuse.otherDiff', { diff: diffSha256, blocking: blocking.diffSha256 }));
  const operator = registryOf(vault).get(state.operator);
  if (act.identity.name === state.operator || operator?.fingerprint === act.identity.fingerprint) throw new RunRefusedError(tr.t('rehearsal.refuse.operator', { name: act.identity.name }));
  const earlier = acceptancesOf(vault, state.runId).filter((a) => a.stepId === stepId && a.diffSha256 === diffSha256);
  if (earlier.some((a) => a.fingerprint === act.identity.fingerprint)) throw new RunRefusedError(tr.t('rehearsal.refuse.already', { name: act.identity.name }));
  const accepted = earlier.length + 1;
  const quorum = state.runbook.policy.approvals.quorum;
  vault.append({ actor: act.identity.name, type: DEVIATION_ACCEPTED, payload: { runId: state.runId, stepId, diffSha256, signer: act.identity.name, fingerprint: act.identity.fingerprint, accepted, quorum, cleared: accepted >= quorum, act: { text: act.signed.text, signature: act.signed.signature, digest: act.digest } } });
}

/**
 * `same_as_rehearsal` fields: the value recorded in production must be the rehearsal's. Returns
 * why not (both values shown), or null.
 */
export function rehearsalValueRefusal(vault: ReadOnlyVault, state: RunState, step: Extract<Step, { kind: 'record' }>, values: Record<string, string>): string | null {
  const fields = step.fields.filter((f) => (f as { same_as_rehearsal?: boolean }).same_as_rehearsal);
  if (fields.length === 0 || !state.rehearsal) return null;
  const tr = translator(state.runbook.language ?? state.wordedIn);
  const record = rehearsalOf(vault, state);
  if (!record) return tr.t('rehearsal.refuse.noRecord', { step: step.id });
  const recorded = [...record.events].reverse().find((e) => e.type === 'step.recorded' && (e.payload as { runId?: unknown }).runId === record.runId && (e.payload as { stepId?: unknown }).stepId === step.id);
  const rehearsed = (recorded?.payload as { values?: Record<string, string> } | undefined)?.values ?? {};
  const wrong = fields.filter((f) => (values[f.name] ?? '') !== (rehearsed[f.name] ?? ''));
  if (wrong.length === 0) return null;
  const fieldsText = wrong.map((f) => tr.t('rehearsal.refuse.valueDiffers', { label: f.label, name: f.name, here: values[f.name] ?? '', rehearsed: rehearsed[f.name] ?? tr.t('rehearsal.refuse.notRecorded'), run: record.runId })).join('; ');
  return tr.t('rehearsal.refuse.valuesDiffer', { step: step.id, fields: fieldsText });
}
