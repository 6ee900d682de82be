// `cutover ledger decide`: a decider (the incident commander's GO / NO-GO, an approver's
// authorization, a rollback / stop / retry) acts on their own workstation through the ledger.
// The act is drafted against the operator's chain as the ledger holds it (its vault id from the
// operator's signed join, `follows` its newest checked event, the person named as the operator's
// chain names this key), signed with the person's own key, and put into their own chain as
// `ledger.act_sent`; the operator's `ledger receive` checks and records it through the engine.
import { ACT_FORMAT, actBytes, parseAct, signAct, type ActDocument } from '../acts';
import { identityRegistry, type OwnerKeyOptions } from '../identity';
import { decisionActWhat, type DecisionInput } from '../reports/decision';
import type { Signer } from '../signing';
import type { Vault } from '../vault';
import { joinedOrRefuse, ownerKey, teamOf } from './approve';
import { LedgerError } from './errors';
import { ACT_SENT } from './messages';
import type { TeamView, TeamWorkstation } from './team';

export type LedgerDecision =
  | { kind: 'decision.record'; input: DecisionInput }
  | { kind: 'run.decide'; decision: 'rollback' | 'stop' | 'retry'; reason: string; stepId?: string };

export interface DecideResult {
  runId: string;
  to: { workstation: string; vault: string };
  act: ActDocument;
}

/** The workstation that started `runId` (its chain holds run.started), other than `self`. */
export function operatorOf(team: TeamView, runId: string, self: string): [string, TeamWorkstation] {
  for (const [name, ws] of team.workstations) {
    if (name === self) continue;
    if (ws.events.some((e) => e.type === 'run.started' && (e.payload as { runId?: unknown } | null)?.runId === runId)) return [name, ws];
  }
  throw new LedgerError(`No other workstation of the ledger at ${team.label} has published run ${runId} (its run.started event); check the run id, and that the operator's vault joined this ledger.`);
}

function whatOf(decision: LedgerDecision): { what: Record<string, unknown>; step: string | null } {
  if (decision.kind === 'decision.record') return { what: decisionActWhat(decision.input), step: null };
  if (!decision.reason.trim()) throw new LedgerError('A decision needs a reason (it goes into the evidence).');
  if (decision.decision === 'retry' && !decision.stepId) throw new LedgerError('A retry decided through the ledger names the step to run again: give --step.');
  if (decision.decision !== 'retry' && decision.stepId) throw new LedgerError('--step goes with --decision retry.');
  return { what: { decision: decision.decision, reason: decision.reason.trim() }, step: decision.stepId ?? null };
}

export async function decideThroughLedger(vault: Vault, input: { runId: string; decision: LedgerDecision; as?: string; db?: string; signer?: Signer } & OwnerKeyOptions): Promise<DecideResult> {
  const membership = joinedOrRefuse(vault);
  const { what, step } = whatOf(input.decision);
  const team = await teamOf(membership, input.db);
  const [workstation, operator] = operatorOf(team, input.runId, membership.workstation);
  const signer = await ownerKey(vault, membership, input);
  const known = identityRegistry(operator.events).byFingerprint(signer.fingerprint).filter((i) => i.proven && !i.custodial);
  const name = input.as ?? known[0]?.name;
  if (!name) throw new LedgerError(`${workstation}'s chain holds no proven identity with your key ${signer.fingerprint}: the operator registers you by public key and you prove it (\`cutover identity statement\`, \`ssh-keygen -Y sign\`, \`cutover identity prove\`) before your acts count there.`);
  const doc: ActDocument = { format: ACT_FORMAT, vault: operator.vault, run: input.runId, act: input.decision.kind, step, by: { name, fingerprint: signer.fingerprint }, what, follows: operator.head };
  parseAct(actBytes(doc));
  const signed = await signAct(doc, signer);
  const to = { workstation, vault: operator.vault };
  vault.append({ actor: membership.owner, type: ACT_SENT, payload: { runId: input.runId, to, act: doc.act, text: signed.text, signature: signed.signature, fingerprint: signer.fingerprint } });
  return { runId: input.runId, to, act: doc };
}
