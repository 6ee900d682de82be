// `cutover ledger attest`: a person confirms an attest step of the operator's run from their own
// workstation (the reference runbook's "Approved maintenance window" is an approver's). They hold
// the runbook they reviewed: its bytes must hash to the runbook the run follows (the operator's
// signed run.started, read from the checked chain), and the statement signed is the one it says,
// shown to them. The act is drafted against the operator's chain as the ledger holds it, signed
// with their own key and sent as `ledger.act_sent`; the operator's workstation records it through
// the engine (automatically while its run waits, or with `ledger receive`).
import { ACT_FORMAT, actBytes, parseAct, signAct, type ActDocument } from '../acts';
import { identityRegistry, type OwnerKeyOptions } from '../identity';
import { allSteps, loadRunbook } from '../runbook';
import type { Vault } from '../vault';
import { joinedOrRefuse, teamOf } from './approve';
import { operatorOf } from './decide';
import { LedgerError } from './errors';
import { ACT_SENT } from './messages';
import { publisherKey } from './publish';

export interface AttestResult {
  runId: string;
  stepId: string;
  statement: string;
  to: { workstation: string; vault: string };
  by: { name: string; fingerprint: string };
  /** False when this workstation already sent this attestation: nothing appended. */
  sent: boolean;
}

export async function attestThroughLedger(vault: Vault, input: { runId: string; stepId: string; runbookText: string; as?: string; db?: string } & OwnerKeyOptions): Promise<AttestResult> {
  const membership = joinedOrRefuse(vault);
  const loaded = loadRunbook(input.runbookText);
  const found = allSteps(loaded.runbook).find((s) => s.step.id === input.stepId)?.step;
  if (!found) throw new LedgerError(`The runbook has no step "${input.stepId}".`);
  if (found.kind !== 'attest') throw new LedgerError(`Step ${input.stepId} is a ${found.kind} step, not an attestation.`);
  const team = await teamOf(membership, input.db);
  const [workstation, operator] = operatorOf(team, input.runId, membership.workstation);
  const started = operator.events.find((e) => e.type === 'run.started' && (e.payload as { runId?: unknown }).runId === input.runId);
  const runHash = (started?.payload as { runbook?: { hash?: unknown } } | undefined)?.runbook?.hash;
  if (runHash !== loaded.hash) throw new LedgerError(`The runbook you gave (sha256 ${loaded.hash.slice(0, 12)}…) is not the one run ${input.runId} follows (sha256 ${String(runHash).slice(0, 12)}…); attest from the exact runbook the run was started with. Nothing was signed.`);
  const signer = await publisherKey(vault, input);
  const known = identityRegistry(operator.events).byFingerprint(signer.fingerprint).filter((i) => i.proven && !i.custodial);
  const who = input.as ? known.find((i) => i.name === input.as) : known[0];
  if (!who) throw new LedgerError(`${workstation}'s chain holds no proven identity${input.as ? ` named ${input.as}` : ''} with your key ${signer.fingerprint}: the operator registers you by public key and you prove it before your acts count there.`);
  if (!who.roles.includes(found.by)) throw new LedgerError(`${who.name} is ${who.roles.join(', ')}; only ${found.by} attests ${input.stepId}. Nothing was signed.`);
  const to = { workstation, vault: operator.vault };
  const result = { runId: input.runId, stepId: input.stepId, statement: found.statement, to, by: { name: who.name, fingerprint: signer.fingerprint } };
  const already = vault.events().some((e) => {
    const p = e.payload as { runId?: unknown; act?: unknown; text?: unknown };
    return e.type === ACT_SENT && p.runId === input.runId && p.act === 'step.attest' && typeof p.text === 'string' && parseAct(p.text).step === input.stepId;
  });
  if (already) return { ...result, sent: false };
  const doc: ActDocument = { format: ACT_FORMAT, vault: operator.vault, run: input.runId, act: 'step.attest', step: input.stepId, by: result.by, what: { statement: found.statement }, follows: operator.head };
  parseAct(actBytes(doc));
  const signed = await signAct(doc, signer);
  vault.append({ actor: membership.owner, type: ACT_SENT, payload: { runId: input.runId, to, act: doc.act, text: signed.text, signature: signed.signature, fingerprint: signer.fingerprint } });
  return { ...result, sent: true };
}
