// The formal decision of a run (runbooks/alembic-governance-cutover.md, "Formal Decision
// Template"), plus the GO / NO-GO statement in the style of the go-live runbook. Filled from the
// run where the run knows it (step results, gates, the runbook), by people where it does not
// (root cause, risk tier, authorization, a drift override): those come from `decision.recorded`
// events in the vault's chain, so they are evidence like everything else.
import { z } from 'zod';
import { runStateIn } from '../engine/state';
import type { RunState } from '../engine/types';
import { appendAct, chainContext, draftAct, inWriteTransaction, signHere } from '../acts/context';
import type { ActDocument, SignedAct } from '../acts/document';
import { roleRefusal } from '../acts/rules';
import { verifyAct } from '../acts/verify';
import { registryOf } from '../identity/registry';
import type { Keyring } from '../signing';
import { VaultInputError, type ReadOnlyVault, type Vault, type VaultEvent } from '../vault';
import { abortLineOf, abortPatternOf, headRevisionOf, isExitCodeGate, valueFactOf } from './gate-facts';
import { blocksStep, warningsOf, type GateResult } from '../engine/gates';
import { buildPackModel, languageOf, type ModelOptions, type PackModel, type PackStep } from './pack-model';
import { redactDsnPassword } from '../db/redact-dsn';
import { failureMessageText, failureText } from './failure-words';
import { gateDetailText, gateText } from './gate-words';
import { runStatusText, statusText } from './words';
import { translator, type Lang, type Translator } from '../../shared/i18n';

export const DECISION_EVENT = 'decision.recorded';

export type DecisionField = 'status' | 'target' | 'finalRevision' | 'headsState' | 'errors' | 'warnings' | 'driftDetected' | 'rootCause' | 'riskTier' | 'authorization' | 'goNoGo';

/** A step and the evidence file a value was read from. */
export interface DecisionRef {
  stepId: string;
  evidence: string | null;
  sha256: string | null;
}

export interface FieldSource {
  /** run: read from step results; runbook: from the runbook text; operator: recorded by a person; none: nobody knows yet. */
  from: 'run' | 'runbook' | 'operator' | 'none';
  /** How the value was found, in words. */
  detail: string;
  refs: DecisionRef[];
  /** For operator values: who recorded it, when, and the event. */
  actor?: string;
  at?: string;
  seq?: number;
}

export interface Decision {
  runId: string;
  template: 'governance' | 'go-no-go';
  environment: PackModel['run']['environment'];
  status: 'PASS' | 'BLOCKER';
  /** The target(s) the run actually used: "name (address)", a DSN without its password. */
  target: string | null;
  /** The production target the runbook names (its decision.target), shown beside `target`; null when it names none. */
  productionTarget: string | null;
  finalRevision: string | null;
  headsState: string | null;
  errors: string[];
  /** Gates the runbook marks `level: warn` that failed: recorded and shown, never blocking. */
  warnings: string[];
  driftDetected: string | null;
  rootCause: string | null;
  riskTier: string | null;
  authorization: 'Approved' | 'Rejected' | null;
  /** A note recorded with the authorization (e.g. why it was rejected). */
  authorizationNote: string | null;
  goNoGo: 'GO' | 'NO-GO';
  statement: string;
  /** Where each field's value came from: the run, the runbook or a person. */
  sources: Record<DecisionField, FieldSource>;
  /** The language its words are in, when the runbook declares one (absent: English). */
  language?: Lang;
}

const NO_CONTROL = /^[^\p{Cc}]*$/u;
const text = (field: string, max: number) =>
  z.string({ error: `${field} must be text` })
    .trim()
    .min(1, `${field} is empty`)
    .max(max, `${field} is longer than ${max} characters`)
    .regex(NO_CONTROL, `${field} must be one line of text (no control characters)`);

/** What a person adds to the decision. At least one field. */
export const decisionInputSchema = z.object({
  rootCause: text('the root-cause classification', 500).optional(),
  riskTier: text('the risk tier', 100).optional(),
  drift: text('the drift statement', 500).optional(),
  authorization: z.enum(['Approved', 'Rejected'], { error: 'the authorization is "Approved" or "Rejected"' }).optional(),
  note: text('the note', 1000).optional(),
}).strict().refine((v) => v.rootCause !== undefined || v.riskTier !== undefined || v.drift !== undefined || v.authorization !== undefined, {
  message: 'nothing to record: give a root cause, a risk tier, a drift statement or an authorization',
});

export type DecisionInput = z.input<typeof decisionInputSchema>;

/** One operator value with who recorded it. */
export interface Recorded<T extends string = string> {
  value: T;
  actor: string | null;
  at: string | null;
  seq: number | null;
}

/** The operator's part of the decision, as folded from the chain (latest value per field wins). */
export interface OperatorDecision {
  rootCause?: Recorded;
  riskTier?: Recorded;
  drift?: Recorded;
  authorization?: Recorded<'Approved' | 'Rejected'> & { note: string | null };
}

export class DecisionInputError extends VaultInputError {}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.code === 'unrecognized_keys' ? `unknown field(s) ${i.keys.join(', ')}: use rootCause, riskTier, drift, authorization, note` : i.message)).join('; ');
}

/** Validates a person's decision input; throws DecisionInputError naming every problem. */
export function parseDecisionInput(input: unknown): z.output<typeof decisionInputSchema> {
  const parsed = decisionInputSchema.safeParse(input);
  if (!parsed.success) throw new DecisionInputError(`The decision input is not valid: ${describeIssues(parsed.error)}.`);
  return parsed.data;
}

/** Turns plain input (e.g. from a form) into an OperatorDecision without attribution. */
export function operatorDecisionOf(input: DecisionInput, actor: string | null = null, at: string | null = null): OperatorDecision {
  const v = parseDecisionInput(input);
  const rec = <T extends string>(value: T): Recorded<T> => ({ value, actor, at, seq: null });
  return {
    ...(v.rootCause !== undefined ? { rootCause: rec(v.rootCause) } : {}),
    ...(v.riskTier !== undefined ? { riskTier: rec(v.riskTier) } : {}),
    ...(v.drift !== undefined ? { drift: rec(v.drift) } : {}),
    ...(v.authorization !== undefined ? { authorization: { ...rec(v.authorization), note: v.note ?? null } } : {}),
  };
}

// ---- reading a run ------------------------------------------------------------------------

/** The run's state folded from the chain (read-only: nothing is appended). */
export function loadRunState(vault: Vault, runId: string): RunState {
  const state = runStateIn(vault, runId);
  if (!state) throw new VaultInputError(`No run ${runId} in this vault; see \`cutover run list\`.`);
  return state;
}

/** The operator's recorded decision for a run: each field's latest `decision.recorded` value. */
export function operatorDecisionFor(vault: ReadOnlyVault, runId: string, events: VaultEvent[] = vault.events()): OperatorDecision {
  const out: OperatorDecision = {};
  for (const e of events) {
    if (e.type !== DECISION_EVENT) continue;
    const p = e.payload as { runId?: string; rootCause?: string; riskTier?: string; drift?: string; authorization?: 'Approved' | 'Rejected'; note?: string };
    if (p.runId !== runId) continue;
    const rec = <T extends string>(value: T): Recorded<T> => ({ value, actor: e.actor, at: e.at, seq: e.seq });
    if (typeof p.rootCause === 'string') out.rootCause = rec(p.rootCause);
    if (typeof p.riskTier === 'string') out.riskTier = rec(p.riskTier);
    if (typeof p.drift === 'string') out.drift = rec(p.drift);
    if (p.authorization === 'Approved' || p.authorization === 'Rejected') out.authorization = { ...rec(p.authorization), note: typeof p.note === 'string' ? p.note : null };
  }
  return out;
}

/** The run's model and its decision, with the operator's recorded input read from the chain. */
export function decisionFor(vault: Vault, runId: string): Decision {
  return decisionContext(vault, runId).decision;
}

/** Like decisionFor, with the state and model it was derived from (for reports), worded as `options` says when the runbook names no language. */
export function decisionContext(vault: Vault, runId: string, options: ModelOptions = {}): { state: RunState; model: PackModel; operator: OperatorDecision; decision: Decision } {
  const state = loadRunState(vault, runId);
  const model = buildPackModel(vault, state, options);
  const operator = operatorDecisionFor(vault, runId);
  return { state, model, operator, decision: deriveDecision(model, operator) };
}

/** The payload a decision act carries: the fields a person records, as given. */
export function decisionActWhat(input: DecisionInput): Record<string, string> {
  const v = parseDecisionInput(input);
  if (v.note !== undefined && v.authorization === undefined) throw new DecisionInputError('A note goes with an authorization (Approved or Rejected); give --authorization too.');
  const what: Record<string, string> = {};
  for (const key of ['rootCause', 'riskTier', 'drift', 'authorization', 'note'] as const) {
    const value = v[key];
    if (value !== undefined) what[key] = value;
  }
  if (Object.keys(what).length === 0) throw new DecisionInputError('Nothing to record: give at least one of root cause, risk tier, drift or authorization.');
  return what;
}

/** The act a person signs to record their part of the decision (here, or elsewhere with ssh-keygen). */
export function decisionAct(vault: Vault, runId: string, by: string, input: DecisionInput): ActDocument {
  loadRunState(vault, runId);
  return draftAct(vault, { kind: 'decision.record', runId, stepId: null, what: decisionActWhat(input) }, by);
}

/**
 * Records a person's part of the decision as a `decision.recorded` event carrying their signed
 * act. Only the runbook's deciding roles (policy.decide) record it; only an approver who is not
 * the run's operator records the production cutover authorization, and a run whose status is
 * BLOCKER cannot be Approved. Checked in the transaction that appends.
 */
export function recordDecision(vault: Vault, runId: string, signed: SignedAct): VaultEvent {
  return inWriteTransaction(vault, () => {
    const act = verifyAct(signed, chainContext(vault));
    if (act.doc.act !== 'decision.record') throw new DecisionInputError(`This is a ${act.doc.act} act, not a decision.`);
    if (act.doc.run !== runId) throw new DecisionInputError(`This decision is for run ${act.doc.run}, not ${runId}.`);
    const v = parseDecisionInput(act.doc.what);
    const state = loadRunState(vault, runId);
    const identity = act.identity;
    const role = roleRefusal('decision.record', state, undefined, identity);
    if (role) throw new DecisionInputError(role);
    if (v.authorization !== undefined) {
      const approver = state.runbook.policy.approvals.role;
      if (!identity.roles.includes(approver)) throw new DecisionInputError(`${identity.name} does not have the ${approver} role, so cannot record the production cutover authorization.`);
      const operator = registryOf(vault).get(state.operator);
      if (identity.name === state.operator || operator?.fingerprint === identity.fingerprint) throw new DecisionInputError(`${identity.name} is the operator of this run and cannot authorize it.`);
      if (v.authorization === 'Approved') {
        const current = deriveDecision(buildPackModel(vault, state), operatorDecisionFor(vault, runId));
        if (current.status === 'BLOCKER') throw new DecisionInputError(`The run's status is BLOCKER (${current.errors[0] ?? 'not finished'}); a production cutover cannot be Approved. Record Rejected, or resolve the blocker in a new run.`);
      }
    }
    return appendAct(vault, act, DECISION_EVENT, { runId, ...decisionActWhat(v) });
  });
}

/** Drafts, signs with the person's key usable here, and records their part of the decision. */
export async function recordDecisionHere(vault: Vault, runId: string, actor: string, input: DecisionInput, keyring: Keyring | undefined): Promise<VaultEvent> {
  return recordDecision(vault, runId, await signHere(vault, decisionAct(vault, runId, actor, input), keyring));
}

// ---- deriving the decision ----------------------------------------------------------------

const isMain = (s: PackStep) => s.phaseId !== 'rollback';
const done = (s: PackStep) => s.status === 'PASS' || s.status === 'FAIL' || s.status === 'INTERRUPTED';
const refOf = (s: PackStep): DecisionRef => ({ stepId: s.stepId, evidence: s.evidence?.name ?? null, sha256: s.evidence?.sha256 ?? null });
const when = (s: PackStep) => s.finishedAt ?? s.startedAt ?? '';

/** Finished steps, most recent last (by time, runbook order for ties). */
function chronological(steps: PackStep[]): PackStep[] {
  return steps.map((s, i) => ({ s, i })).sort((a, b) => when(a.s).localeCompare(when(b.s)) || a.i - b.i).map(({ s }) => s);
}

/** Removes a password from a URL-shaped address (the databases' one redaction). */
export const scrubAddress = redactDsnPassword;

/** Why a step failed, in one line (in `lang`). */
export function failureSummary(s: PackStep, lang: Lang = 'en'): string {
  const tr = translator(lang);
  const parts: string[] = [];
  if (s.status === 'INTERRUPTED') parts.push(s.failure ? tr.t('finding.interruptedBecause', { message: failureMessageText(lang, s.failure.message) }) : tr.t('finding.interrupted'));
  else if (s.failure) parts.push(`${failureText(lang, s.failure)}${s.failure.sqlState ? ` (SQLSTATE ${s.failure.sqlState})` : ''}`);
  if (s.exitCode !== null && s.exitCode !== 0) parts.push(tr.t('finding.exitCode', { code: s.exitCode }));
  const aborts = s.gates.filter((g) => g.kind === 'abort' && blocksStep(g));
  for (const g of aborts) parts.push(abortFinding(tr, g));
  const failed = s.gates.filter((g) => g.kind === 'expect' && blocksStep(g) && !(isExitCodeGate(g) && s.exitCode !== null && s.exitCode !== 0));
  if (failed.length) parts.push(tr.count('finding.expectationsFailed', failed.length, { list: failed.map((g) => gateFinding(tr, g)).join('; ') }));
  // A part ending in its own period (a stopped command's failure) loses it before the next: "….; exit code" reads badly.
  return parts.map((p, i) => (i < parts.length - 1 ? p.replace(/\.$/, '') : p)).join('; ') || tr.t('finding.failed');
}

/** "abort gate /X/ matched (<line>)" */
const abortFinding = (tr: Translator, g: GateResult) => tr.t('finding.abortMatched', { pattern: abortPatternOf(g), line: abortLineOf(g) });
/** "<gate> (<detail>)" */
const gateFinding = (tr: Translator, g: GateResult) => `${gateText(tr.lang, g)} (${gateDetailText(tr.lang, g)})`;

const CURRENT = /\balembic\s+current\b|\bcurrent revision\b/i;
const HEADS = /\balembic\s+heads\b/i;
const DRIFT = /parity|drift/i;
const matches = (s: PackStep, re: RegExp) => re.test(s.command ?? '') || re.test(s.title) || re.test(s.stepId);

function deriveStatus(tr: Translator, model: PackModel): { status: 'PASS' | 'BLOCKER'; errors: string[]; refs: DecisionRef[]; detail: string } {
  const main = model.steps.filter(isMain);
  const errors: string[] = [];
  const refs: DecisionRef[] = [];
  for (const s of main) {
    if (s.status === 'FAIL' || s.status === 'INTERRUPTED') {
      errors.push(tr.t('decision.error.failed', { step: s.stepId, title: s.title, status: statusText(tr, s.status), summary: failureSummary(s, tr.lang) }));
      refs.push(refOf(s));
    }
  }
  for (const s of main.filter((x) => x.status === 'skipped')) {
    errors.push(s.actor ? tr.t('decision.error.skippedBy', { step: s.stepId, title: s.title, actor: s.actor }) : tr.t('decision.error.skipped', { step: s.stepId, title: s.title }));
    refs.push(refOf(s));
  }
  const running = main.filter((s) => s.status === 'running');
  if (running.length) errors.push(tr.t('decision.error.running', { steps: running.map((s) => s.stepId).join(', ') }));
  const pending = main.filter((s) => s.status === 'pending');
  const blocked = model.run.status === 'BLOCKED' || model.run.status === 'ROLLBACK' || model.run.status === 'STOPPED';
  if (pending.length) errors.push(tr.count(blocked || errors.length ? 'decision.error.notRun' : 'decision.error.unfinished', pending.length, { steps: pending.map((s) => s.stepId).join(', ') }));
  // No refs for these: a missing file has none, and an incomplete one belongs to an INTERRUPTED step already referenced.
  errors.push(...requiredEvidenceFindings(tr, model));
  const status = blocked || errors.length ? 'BLOCKER' : 'PASS';
  const retries = retryNotes(main, tr.lang);
  const runStatus = runStatusText(tr, model.run.status);
  const detail = (status === 'PASS'
    ? tr.t('decision.detail.pass', { n: main.length, status: runStatus })
    : `${tr.t('decision.detail.status', { status: runStatus })}${model.run.blockedBy ? tr.t('decision.detail.blockedAt', { step: model.run.blockedBy.stepId, reason: model.run.blockedBy.reason }) : ''}`) + (retries.length ? `; ${retries.join('; ')}` : '');
  return { status, errors, refs, detail };
}

/** The warn-level gates that failed in steps outside the rollback path, one line each: never blocking, always shown. */
export function deriveWarnings(model: PackModel): { warnings: string[]; refs: DecisionRef[] } {
  const tr = translator(languageOf(model));
  const warnings: string[] = [];
  const refs: DecisionRef[] = [];
  for (const s of model.steps.filter(isMain)) {
    const failed = warningsOf(s.gates);
    if (!failed.length) continue;
    refs.push(refOf(s));
    for (const g of failed) warnings.push(`${s.stepId} (${s.title}): ${g.kind === 'abort' ? abortFinding(tr, g) : gateFinding(tr, g)}`);
  }
  return { warnings, refs };
}

/** Each earlier attempt of a retried step, what happened and who decided to retry: the first attempt stays in the evidence. */
export function retryNotes(steps: PackStep[], lang: Lang = 'en'): string[] {
  const tr = translator(lang);
  return steps.flatMap((s) => (s.previousAttempts ?? []).map((a) => `${tr.t('decision.retry.attempt', { step: s.stepId, n: a.attempt, status: statusText(tr, a.status) })}${a.failure ? ` (${failureText(tr.lang, a.failure)})` : a.exitCode !== null ? tr.t('decision.retry.exit', { code: a.exitCode }) : ''}${a.evidence?.sha256 ? tr.t('decision.retry.transcript', { name: a.evidence.name, sha256: a.evidence.sha256 }) : ''}${a.retry ? tr.t('decision.retry.retriedBy', { actor: a.retry.actor, at: tr.stamp(a.retry.at), reason: a.retry.reason }) : tr.t('decision.retry.retried')}`));
}

/** The runbook's evidence pack ("Required for Final Decision"): findings for files missing or incomplete. */
function requiredEvidenceFindings(tr: Translator, model: PackModel): string[] {
  const required = (model.requiredEvidence ?? []).filter((e) => e.status !== 'not-applicable');
  const missing = required.filter((e) => e.status === 'missing');
  const incomplete = required.filter((e) => e.status === 'incomplete');
  const errors: string[] = [];
  if (missing.length) errors.push(tr.t('decision.error.requiredMissing', { n: missing.length, files: tr.count('files', required.length), list: missing.map((e) => `${e.name}: ${e.reason}`).join('; ') }));
  if (incomplete.length) errors.push(tr.t('decision.error.requiredIncomplete', { list: incomplete.map((e) => `${e.name} (${e.reason})`).join('; ') }));
  return errors;
}

function deriveFinalRevision(tr: Translator, model: PackModel): { value: string | null; source: FieldSource } {
  // An "alembic current" value check: named so by its label, or run by a step that runs it.
  const candidates = chronological(model.steps.filter((s) => isMain(s) && done(s))).flatMap((s) =>
    s.gates.flatMap((g) => {
      const fact = valueFactOf(g);
      return fact && fact.actual !== null && (CURRENT.test(fact.label) || matches(s, CURRENT)) ? [{ s, g, fact }] : [];
    }));
  const notRun = model.steps.filter((s) => isMain(s) && (s.status === 'pending' || s.status === 'skipped') && matches(s, CURRENT));
  const later = notRun.length ? tr.t('decision.src.didNotRun', { steps: notRun.map((s) => s.stepId).join(', ') }) : '';
  const passed = candidates.filter(({ g }) => g.passed);
  const last = candidates.at(-1);
  if (!last) return { value: null, source: { from: 'none', detail: `${tr.t('decision.src.noCurrent')}${later}`, refs: [] } };
  const { actual, expected } = last.fact;
  const failureAfter = model.steps.some((s) => isMain(s) && (s.status === 'FAIL' || s.status === 'INTERRUPTED') && when(s) > when(last.s));
  const caveat = failureAfter ? tr.t('decision.src.caveat') : '';
  const gate = gateText(tr.lang, last.g);
  if (last.g.passed) return { value: actual, source: { from: 'run', detail: `${tr.t('decision.src.passIn', { gate, step: last.s.stepId })}${caveat}${later}`, refs: [refOf(last.s)] } };
  const fallback = passed.at(-1);
  return {
    value: tr.t('decision.value.revisionFail', { actual: actual ?? tr.t('decision.value.unknown'), expected }),
    source: { from: 'run', detail: `${tr.t('decision.src.failIn', { gate, step: last.s.stepId, detail: gateDetailText(tr.lang, last.g) })}${fallback ? tr.t('decision.src.lastPassing', { step: fallback.s.stepId }) : ''}${later}`, refs: [refOf(last.s)] },
  };
}

function deriveHeads(tr: Translator, model: PackModel): { value: string | null; source: FieldSource } {
  const checks = chronological(model.steps.filter((s) => isMain(s) && done(s) && matches(s, HEADS)));
  const notRun = model.steps.filter((s) => isMain(s) && (s.status === 'pending' || s.status === 'skipped') && matches(s, HEADS));
  const later = notRun.length ? tr.t('decision.src.didNotRun', { steps: notRun.map((s) => s.stepId).join(', ') }) : '';
  const last = checks.at(-1);
  if (!last) return { value: null, source: { from: 'none', detail: `${tr.t('decision.src.noHeads')}${later}`, refs: [] } };
  const head = last.gates.map(headRevisionOf).find((h) => h !== null) ?? null;
  let value: string;
  if (last.status === 'PASS') value = head ? tr.t('decision.value.singleHeadAt', { head }) : tr.t('decision.value.singleHead');
  else {
    const abort = last.gates.find((g) => g.kind === 'abort');
    value = abort ? tr.t('decision.value.manyHeads', { line: abortLineOf(abort) }) : `FAIL: ${failureSummary(last, tr.lang)}`;
  }
  return { value, source: { from: 'run', detail: `${last.stepId} ${statusText(tr, last.status)} (${last.phaseTitle})${later}`, refs: [refOf(last)] } };
}

function deriveDrift(tr: Translator, model: PackModel, op?: Recorded): { value: string | null; source: FieldSource } {
  if (op) return { value: op.value, source: { from: 'operator', detail: tr.t('decision.src.personOverrides'), refs: [], ...attribution(op) } };
  const checks = model.steps.filter((s) => isMain(s) && (DRIFT.test(s.stepId) || DRIFT.test(s.title) || DRIFT.test(s.evidence?.name ?? '')));
  const ran = checks.filter(done);
  const notRun = checks.filter((s) => s.status === 'pending' || s.status === 'skipped');
  const later = notRun.length ? tr.t('decision.src.notRunList', { steps: notRun.map((s) => s.stepId).join(', ') }) : '';
  if (!ran.length) return { value: null, source: { from: 'none', detail: `${tr.t('decision.src.noParity')}${later}`, refs: [] } };
  const failed = ran.filter((s) => s.status !== 'PASS');
  const lastCheck = chronological(ran).at(-1)!;
  const failureAfter = chronological(model.steps.filter((s) => isMain(s) && (s.status === 'FAIL' || s.status === 'INTERRUPTED') && when(s) > when(lastCheck))).at(0);
  const steps = ran.map((s) => s.stepId).join(', ');
  const value = failed.length
    ? tr.t('decision.value.driftYes', { list: failed.map((s) => `${s.stepId} ${statusText(tr, s.status)} (${failureSummary(s, tr.lang)})`).join('; ') })
    : failureAfter
      ? tr.t('decision.value.driftBeforeFailure', { steps, failed: failureAfter.stepId })
      : `${tr.t('decision.value.driftNo', { steps })}${later}`;
  return { value, source: { from: 'run', detail: `${tr.t('decision.src.parity', { list: ran.map((s) => `${s.stepId} ${statusText(tr, s.status)}`).join(', ') })}${later}`, refs: ran.map(refOf) } };
}

function attribution(r: Recorded): Pick<FieldSource, 'actor' | 'at' | 'seq'> {
  return { ...(r.actor ? { actor: r.actor } : {}), ...(r.at ? { at: r.at } : {}), ...(r.seq !== null ? { seq: r.seq } : {}) };
}

function operatorSource(tr: Translator, r: Recorded | undefined, missing: string): FieldSource {
  return r ? { from: 'operator', detail: tr.t('decision.src.person'), refs: [], ...attribution(r) } : { from: 'none', detail: missing, refs: [] };
}

function deriveRootCause(tr: Translator, model: PackModel, op?: Recorded): { value: string | null; source: FieldSource } {
  if (op) return { value: op.value, source: operatorSource(tr, op, '') };
  // A blocker classification recorded during the run (a record step on the rollback path).
  const record = chronological(model.steps.filter((s) => s.kind === 'record' && s.status === 'PASS' && s.values)).reverse()
    .map((s) => ({ s, key: Object.keys(s.values!).find((k) => /classif|root.?cause|cause/i.test(k)) }))
    .find((x) => x.key);
  if (record) {
    const { s, key } = record;
    const failedStep = Object.entries(s.values!).find(([k]) => /step/i.test(k))?.[1];
    const value = s.values![key!]!;
    return { value: failedStep ? tr.t('decision.value.rootCauseAt', { value, step: failedStep }) : value, source: { from: 'run', detail: `${tr.t('decision.src.recordedIn', { step: s.stepId, title: s.title })}${s.actor ? tr.t('decision.src.by', { actor: s.actor }) : ''}`, refs: [refOf(s)], ...(s.actor ? { actor: s.actor } : {}), ...(s.finishedAt ? { at: s.finishedAt } : {}) } };
  }
  return { value: null, source: { from: 'none', detail: tr.t('decision.src.noRootCause'), refs: [] } };
}

/**
 * The targets the run actually used (its targets after `--target` overrides): the postgres
 * targets its steps ran against, else its postgres targets (steps on a host reach a database
 * through `${target:NAME}` in their environment, as the Alembic example's scripts do), else
 * every target its steps ran against, else all of them. The runbook's decision.target (the
 * production target it was written for) is kept beside it as productionTarget, never in its place.
 */
function deriveTarget(tr: Translator, model: PackModel): { value: string | null; source: FieldSource } {
  const ran = new Set(model.steps.filter((s) => s.startedAt && s.target).map((s) => s.target!));
  const used = model.targets.filter((t) => ran.has(t.name));
  const usedPostgres = used.filter((t) => t.kind === 'postgres');
  const pick = [usedPostgres, model.targets.filter((t) => t.kind === 'postgres'), used, model.targets].find((l) => l.length) ?? [];
  if (!pick.length) return { value: null, source: { from: 'none', detail: tr.t('decision.src.noTarget'), refs: [] } };
  const value = pick.map((t) => `${t.name} (${scrubAddress(t.address)})`).join('; ');
  const how = pick === usedPostgres || pick === used ? tr.t('decision.src.targetsRan') : tr.t('decision.src.targets');
  return { value, source: { from: 'run', detail: how, refs: [] } };
}

function statement(tr: Translator, model: PackModel, d: Omit<Decision, 'statement' | 'sources' | 'goNoGo'> & { goNoGo: Decision['goNoGo'] }, op: OperatorDecision): string {
  const main = model.steps.filter(isMain);
  const production = model.run.environment === 'production';
  const where = production ? 'production' : 'rehearsal';
  const ids = { runbook: model.runbook.id, version: model.runbook.version };
  const auth = op.authorization;
  const authText = auth ? `${tr.t('decision.st.auth', { value: authorizationText(tr, auth.value) })}${auth.actor ? tr.t('decision.st.authBy', { actor: auth.actor }) : ''}${auth.at ? tr.t('decision.st.authAt', { at: tr.stamp(auth.at) }) : ''}${auth.note ? ` (${auth.note})` : ''}.` : '';
  if (d.status === 'PASS') {
    const pre = main.filter((s) => s.phaseId === 'preconditions');
    const commands = main.filter((s) => s.kind === 'command');
    const checks = main.filter((s) => s.kind === 'check' || s.kind === 'monitor' || s.kind === 'http');
    const parts = [tr.t(`decision.st.open.${where}`, { ...ids, target: d.target ?? tr.t('decision.st.itsTargets') })];
    const attests = pre.filter((s) => s.kind === 'attest').length;
    const records = pre.filter((s) => s.kind === 'record').length;
    const preKinds = [attests ? tr.count('decision.st.attestations', attests) : null, records ? tr.count('decision.st.records', records) : null].filter(Boolean);
    if (pre.length) parts.push(tr.t('decision.st.preconditions', { kinds: preKinds.join(', ') }));
    if (checks.length) parts.push(tr.t('decision.st.checks', { n: checks.length }));
    if (commands.length) parts.push(tr.t('decision.st.mutating', { steps: commands.map((s) => s.stepId).join(', ') }));
    const facts = [d.finalRevision ? tr.t('decision.st.finalRevision', { revision: d.finalRevision }) : null, d.headsState, d.driftDetected?.startsWith('No') ? tr.t('decision.st.noDrift') : d.driftDetected ? tr.t('decision.st.drift', { drift: d.driftDetected }) : null].filter(Boolean);
    if (facts.length) parts.push(tr.t('decision.st.postChecks', { facts: facts.join('; ') }));
    const required = (model.requiredEvidence ?? []).filter((e) => e.status !== 'not-applicable');
    if (required.length) parts.push(tr.t('decision.st.required', { files: tr.count('files', required.length) }));
    parts.push(tr.t('decision.st.noAborts'));
    const retries = retryNotes(main, tr.lang);
    if (retries.length) parts.push(tr.t('decision.st.retried', { notes: retries.join('; ') }));
    if (d.goNoGo === 'NO-GO') parts.push(`${authText} NO-GO.`);
    else if (auth?.value === 'Approved') parts.push(`${authText} ${production ? tr.t('decision.st.goLive') : tr.t('decision.st.rehearsalGoApproved')}`);
    else parts.push(production ? tr.t('decision.st.goRecommended') : tr.t('decision.st.rehearsalGo'));
    return parts.join(' ').replace(/\s+/g, ' ').trim();
  }
  const parts: string[] = [];
  const blockedAt = model.run.blockedBy ? main.find((s) => s.stepId === model.run.blockedBy!.stepId) : main.find((s) => s.status === 'FAIL' || s.status === 'INTERRUPTED');
  if (blockedAt) {
    parts.push(tr.t(`decision.st.blocked.${where}`, { ...ids, step: blockedAt.stepId, title: blockedAt.title, summary: failureSummary(blockedAt, tr.lang) }));
    const after = main.filter((s) => s.status === 'pending');
    if (after.length) parts.push(tr.count('decision.st.laterNotRun', after.length));
    const missing = (model.requiredEvidence ?? []).filter((e) => e.status === 'missing' || e.status === 'incomplete');
    if (missing.length) parts.push(tr.t(missing.every((e) => e.status === 'missing') ? 'decision.st.requiredMissing' : 'decision.st.requiredMissingOrIncomplete', { names: missing.map((e) => e.name).join(', ') }));
  } else parts.push(tr.t(`decision.st.incomplete.${where}`, { ...ids, errors: d.errors.join('; ') }));
  const decision = model.run.decisions.filter((d) => d.decision !== 'retry').at(-1);
  if (decision?.decision === 'rollback') {
    const rb = model.steps.filter((s) => s.phaseId === 'rollback');
    const rbDone = rb.filter((s) => s.status === 'PASS');
    parts.push(tr.t('decision.st.rollback', { actor: decision.actor, at: tr.stamp(decision.at), reason: decision.reason, done: rbDone.length, total: rb.length }));
  } else if (decision?.decision === 'stop') parts.push(tr.t('decision.st.stopped', { actor: decision.actor, at: tr.stamp(decision.at), reason: decision.reason }));
  else if (model.run.status === 'BLOCKED') parts.push(tr.t('decision.st.noDecision'));
  if (d.rootCause) parts.push(tr.t('decision.st.rootCause', { cause: d.rootCause }));
  if (authText) parts.push(authText);
  parts.push(tr.t('decision.st.notAuthorized'));
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/** Approved / Rejected in words. */
const authorizationText = (tr: Translator, value: 'Approved' | 'Rejected') => tr.t(`decision.authorization.${value}`);

/** The decision for a run snapshot, with the operator's part if given. Pure: same input, same output. */
export function deriveDecision(model: PackModel, operator: OperatorDecision = {}): Decision {
  const language = languageOf(model);
  const tr = translator(language);
  const st = deriveStatus(tr, model);
  const warned = deriveWarnings(model);
  const target = deriveTarget(tr, model);
  const finalRevision = deriveFinalRevision(tr, model);
  const heads = deriveHeads(tr, model);
  const drift = deriveDrift(tr, model, operator.drift);
  const rootCause = deriveRootCause(tr, model, operator.rootCause);
  const auth = operator.authorization ?? null;
  const goNoGo: Decision['goNoGo'] = st.status === 'PASS' && auth?.value !== 'Rejected' ? 'GO' : 'NO-GO';
  const base = {
    runId: model.run.runId,
    template: model.runbook.decisionTemplate,
    environment: model.run.environment,
    status: st.status,
    target: target.value,
    productionTarget: model.runbook.decisionTarget,
    finalRevision: finalRevision.value,
    headsState: heads.value,
    errors: st.errors,
    warnings: warned.warnings,
    driftDetected: drift.value,
    rootCause: rootCause.value,
    riskTier: operator.riskTier?.value ?? null,
    authorization: auth?.value ?? null,
    authorizationNote: auth?.note ?? null,
    goNoGo,
  };
  const runRefs = model.steps.filter((s) => isMain(s) && done(s)).map(refOf);
  return {
    ...base,
    statement: statement(tr, model, base, operator),
    sources: {
      status: { from: 'run', detail: st.detail, refs: st.status === 'PASS' ? runRefs : st.refs },
      target: target.source,
      finalRevision: finalRevision.source,
      headsState: heads.source,
      errors: st.errors.length
        ? { from: 'run', detail: tr.t('decision.src.errors'), refs: st.refs }
        : { from: 'run', detail: (model.requiredEvidence ?? []).some((e) => e.status === 'present') ? tr.t('decision.src.noFailureAllPresent') : tr.t('decision.src.noFailure'), refs: [] },
      warnings: warned.warnings.length
        ? { from: 'run', detail: tr.t('decision.src.warnings'), refs: warned.refs }
        : { from: 'run', detail: tr.t('decision.src.noWarnings'), refs: [] },
      driftDetected: drift.source,
      rootCause: rootCause.source,
      riskTier: operatorSource(tr, operator.riskTier, tr.t('decision.src.noRiskTier')),
      authorization: operatorSource(tr, auth ?? undefined, tr.t('decision.src.noAuthorization')),
      goNoGo: { from: 'run', detail: auth ? tr.t('decision.src.goNoGoAuth', { status: st.status, authorization: authorizationText(tr, auth.value) }) : tr.t('decision.src.goNoGo', { status: st.status }), refs: [] },
    },
    ...(model.runbook.language ? { language } : {}),
  };
}

// ---- the filled template as text ------------------------------------------------------------

const TEMPLATE_FIELDS: Exclude<DecisionField, 'goNoGo'>[] = ['status', 'target', 'finalRevision', 'headsState', 'errors', 'warnings', 'driftDetected', 'rootCause', 'riskTier', 'authorization'];

/** The formal decision template's fields with their labels, in `lang`. */
export function templateLabels(lang: Lang = 'en'): [Exclude<DecisionField, 'goNoGo'>, string][] {
  const tr = translator(lang);
  return TEMPLATE_FIELDS.map((field) => [field, tr.t(`decision.label.${field}`)]);
}

/** The template's labels in English (what the decision's JSON and the window's field ids use). */
export const TEMPLATE_LABELS = templateLabels('en');

/** A field's value as the template shows it, in the decision's language. */
export function fieldText(d: Decision, field: Exclude<DecisionField, 'goNoGo'>): string {
  const tr = translator(d.language);
  const list = (items: string[]) => (items.length ? [...items.slice(0, 10), ...(items.length > 10 ? [tr.t('decision.field.more', { n: items.length - 10 })] : [])].join('\n') : tr.t('decision.field.none'));
  switch (field) {
    case 'warnings': return list(d.warnings ?? []);
    case 'errors': return list(d.errors);
    case 'authorization': return d.authorization ? `${authorizationText(tr, d.authorization)}${d.authorizationNote ? ` (${d.authorizationNote})` : ''}` : tr.t('decision.field.noAuthorization');
    case 'target': return `${d.target ?? tr.t('decision.field.noTarget')}${d.productionTarget ? `\n${d.environment === 'production' ? tr.t('decision.field.productionTarget') : tr.t('decision.field.productionTargetUnused')}: ${d.productionTarget}` : ''}`;
    case 'rootCause': return d.rootCause ?? (d.status === 'PASS' ? tr.t('decision.field.noBlocker') : tr.t('decision.field.notClassified'));
    case 'riskTier': return d.riskTier ?? tr.t('decision.field.notSet');
    default: return (d[field] as string | null) ?? tr.t('decision.field.unknown');
  }
}

/** Where a field came from, in a few words ("run: p4-current (prod_post_upgrade_current.log)"), in `lang`. */
export function sourceText(s: FieldSource, lang: Lang = 'en'): string {
  const tr = translator(lang);
  if (s.from === 'operator') return `${tr.t('decision.source.recordedBy', { actor: s.actor ?? tr.t('decision.source.aPerson') })}${s.at ? tr.t('decision.source.at', { at: tr.stamp(s.at) }) : ''}${s.seq ? tr.t('decision.source.event', { seq: s.seq }) : ''}`;
  if (s.from === 'none') return s.detail;
  const refs = s.refs.length <= 3 ? s.refs.map((r) => (r.evidence ? `${r.stepId} (${r.evidence})` : r.stepId)).join(', ') : '';
  return `${tr.t(`decision.source.${s.from}`)}: ${s.detail}${refs && !s.detail.includes(s.refs[0]!.stepId) ? ` [${refs}]` : ''}`;
}

/** The filled formal decision template, as plain text, in the decision's language. */
export function formatDecision(d: Decision, options: { sources?: boolean } = {}): string {
  const tr = translator(d.language);
  const lines = [tr.t('decision.text.title'), ''];
  for (const [field, label] of templateLabels(tr.lang)) {
    const value = fieldText(d, field);
    const [first, ...rest] = value.split('\n');
    lines.push(`- ${label}: ${first}`);
    for (const r of rest) lines.push(`    ${r}`);
    if (options.sources !== false) lines.push(`    (${sourceText(d.sources[field], tr.lang)})`);
  }
  lines.push('', tr.t('decision.text.goNoGo', { goNoGo: d.goNoGo }), '', d.statement);
  return lines.join('\n');
}
