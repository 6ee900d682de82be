// `cutover ledger record|done|skip`: a person other than the operator acts on a step of the
// operator's run from their own workstation — the scribe records a snapshot id, the DB owner marks
// a manual step done, a second operator skips a step with the reason. As with `ledger attest`,
// they hold the runbook they reviewed (its sha256 must be the one the operator's signed
// run.started names). Before anything is signed, the run's state is folded from the operator's
// chain as the ledger holds it (checked) and the engine's own rules are applied here (the step's
// kind, the role the runbook names, the fields and their patterns, the step's and the run's
// state, a skip the runbook forbids): a refusal is said to the sender, and nothing is signed or
// sent. What passes is signed with the person's own key and sent as `ledger.act_sent`; the
// operator's workstation checks it all again through the engine when it receives it.
import { ACT_FORMAT, actBytes, parseAct, roleRefusal, signAct, skipRefusal, type ActDocument, type ActKind } from '../acts';
import { foldRun } from '../engine/state';
import type { RunState } from '../engine';
import { identityRegistry, type OwnerKeyOptions } from '../identity';
import { allSteps, loadRunbook, type Step } from '../runbook';
import { compilePattern } from '../runbook/patterns';
import type { Signer } from '../signing';
import type { Vault } from '../vault';
import { joinedOrRefuse, ownerKey, teamOf } from './approve';
import { operatorOf } from './decide';
import { LedgerError } from './errors';
import { ACT_SENT } from './messages';

export type LedgerStepAct =
  | { kind: 'step.record'; values: Record<string, string> }
  | { kind: 'step.done'; note?: string }
  | { kind: 'step.skip'; reason: string };

export interface StepActResult {
  runId: string;
  stepId: string;
  act: LedgerStepAct['kind'];
  what: Record<string, unknown>;
  to: { workstation: string; vault: string };
  by: { name: string; fingerprint: string };
  /** False when this workstation already sent this exact act: nothing appended. */
  sent: boolean;
}

const WORDS: Record<LedgerStepAct['kind'], string> = { 'step.record': 'recorded', 'step.done': 'done', 'step.skip': 'skipped' };

/** What the engine's rules refuse for a record step's values (known fields, required ones, patterns), or null. */
function valuesRefusal(step: Extract<Step, { kind: 'record' }>, values: Record<string, string>): string | null {
  const known = new Set(step.fields.map((f) => f.name));
  for (const name of Object.keys(values)) if (!known.has(name)) return `Step ${step.id} has no field "${name}" (it has ${[...known].join(', ')}).`;
  for (const field of step.fields) {
    const value = values[field.name];
    if ((value === undefined || value === '') && field.required) return `Step ${step.id} needs ${field.label} (${field.name}): give --value ${field.name}=VALUE.`;
    if (value !== undefined && field.pattern && !compilePattern(field.pattern, field.flags).test(value)) return `${field.label} "${value}" does not match /${field.pattern}/.`;
  }
  return null;
}

function whatOf(act: LedgerStepAct): Record<string, unknown> {
  switch (act.kind) {
    case 'step.record': return { values: act.values };
    case 'step.done': return { note: act.note?.trim() ? act.note.trim() : null };
    case 'step.skip': {
      if (!act.reason.trim()) throw new LedgerError('A skip needs a reason (it goes into the evidence): give --reason.');
      return { reason: act.reason.trim() };
    }
  }
}

/** Why the run's state (as the operator's checked chain holds it) refuses this act now, or null. */
function stateRefusal(state: RunState, step: Step, phaseId: string, act: LedgerStepAct): string | null {
  const current = state.steps.get(step.id);
  if (act.kind === 'step.skip') return skipRefusal(state, step.id, phaseId);
  if (state.status === 'STOPPED' || state.status === 'COMPLETED') return `The run is ${state.status}; nothing more changes in it.`;
  if (current?.status === 'N/A') return `Step ${step.id} does not apply in this run (it was recorded N/A).`;
  if (current?.status === 'PASS') return `Step ${step.id} is already ${WORDS[act.kind]}.`;
  if (current?.status === 'skipped') return `Step ${step.id} was skipped.`;
  if (act.kind === 'step.record') return step.kind === 'record' ? valuesRefusal(step, act.values) : null;
  return null;
}

function kindRefusal(step: Step, act: LedgerStepAct): string | null {
  if (act.kind === 'step.record' && step.kind !== 'record') return `Step ${step.id} is a ${step.kind} step, not a record step.`;
  if (act.kind === 'step.done' && step.kind !== 'manual') return `Step ${step.id} is a ${step.kind} step; only manual steps are marked done by hand.`;
  return null;
}

function sameAct(vault: Vault, runId: string, stepId: string, kind: ActKind, what: Record<string, unknown>): boolean {
  const wanted = JSON.stringify(what);
  return vault.events().some((e) => {
    const p = e.payload as { runId?: unknown; act?: unknown; text?: unknown };
    if (e.type !== ACT_SENT || p.runId !== runId || p.act !== kind || typeof p.text !== 'string') return false;
    const doc = parseAct(p.text);
    return doc.step === stepId && JSON.stringify(doc.what) === wanted;
  });
}

export async function stepActThroughLedger(vault: Vault, input: { runId: string; stepId: string; act: LedgerStepAct; runbookText: string; as?: string; db?: string; signer?: Signer } & OwnerKeyOptions): Promise<StepActResult> {
  const membership = joinedOrRefuse(vault);
  const what = whatOf(input.act);
  const loaded = loadRunbook(input.runbookText);
  const located = allSteps(loaded.runbook).find((s) => s.step.id === input.stepId);
  if (!located) throw new LedgerError(`The runbook has no step "${input.stepId}".`);
  const { step, phaseId } = located;
  const wrongKind = kindRefusal(step, input.act);
  if (wrongKind) throw new LedgerError(`${wrongKind} Nothing was signed.`);
  const team = await teamOf(membership, input.db);
  const [workstation, operator] = operatorOf(team, input.runId, membership.workstation);
  const started = operator.events.find((e) => e.type === 'run.started' && (e.payload as { runId?: unknown }).runId === input.runId);
  const runHash = (started?.payload as { runbook?: { hash?: unknown } } | undefined)?.runbook?.hash;
  if (runHash !== loaded.hash) throw new LedgerError(`The runbook you gave (sha256 ${loaded.hash.slice(0, 12)}…) is not the one run ${input.runId} follows (sha256 ${String(runHash).slice(0, 12)}…); act from the exact runbook the run was started with. Nothing was signed.`);
  const state = foldRun(input.runId, operator.events, () => loaded.runbook);
  if (!state) throw new LedgerError(`${workstation}'s chain holds no run ${input.runId}.`);

  const signer = await ownerKey(vault, membership, input);
  const known = identityRegistry(operator.events).byFingerprint(signer.fingerprint).filter((i) => i.proven && !i.custodial);
  const who = input.as ? known.find((i) => i.name === input.as) : known[0];
  if (!who) throw new LedgerError(`${workstation}'s chain holds no proven identity${input.as ? ` named ${input.as}` : ''} with your key ${signer.fingerprint}: the operator registers you by public key and you prove it before your acts count there.`);
  const role = roleRefusal(input.act.kind, state, step, who);
  if (role) throw new LedgerError(`${role} Nothing was signed.`);
  const refusal = stateRefusal(state, step, phaseId, input.act);
  if (refusal) throw new LedgerError(`${refusal} (as ${workstation}'s chain in the ledger holds run ${input.runId} at event #${operator.head.seq}). Nothing was signed.`);

  const to = { workstation, vault: operator.vault };
  const result: StepActResult = { runId: input.runId, stepId: step.id, act: input.act.kind, what, to, by: { name: who.name, fingerprint: signer.fingerprint }, sent: false };
  if (sameAct(vault, input.runId, step.id, input.act.kind, what)) return result;
  const doc: ActDocument = { format: ACT_FORMAT, vault: operator.vault, run: input.runId, act: input.act.kind, step: step.id, by: result.by, what, follows: operator.head };
  parseAct(actBytes(doc));
  const signed = await signAct(doc, signer);
  vault.append({ actor: membership.owner, type: ACT_SENT, payload: { runId: input.runId, to, act: doc.act, text: signed.text, signature: signed.signature, fingerprint: signer.fingerprint } });
  return { ...result, sent: true };
}
