// Ledger checkpoints: what the ledger answered when asked how far it holds this vault's chain —
// its id, the workstation, the head row's seq, hash, publish time and the row's signature — put
// into the vault's own chain as `ledger.checkpoint` (`cutover ledger checkpoint`), so a pack
// exported afterwards carries, as ledger/checkpoints.json, the checkpoints that witnessed its
// chain head. Each names an event of the pack's chain/events.jsonl by seq and hash; an auditor
// with access to the ledger asks it for that row (`cutover ledger verify`, or plain SQL) and an
// auditor without it checks the row's SSHSIG over the statement with `ssh-keygen -Y verify`.
import { loadRunState } from '../reports/decision';
import { buildPackModel } from '../reports/pack-model';
import type { Vault } from '../vault';
import { CHECKPOINT_EVENT, type LedgerCheckpoint } from './checkpoints-file';
import { closeLedger, connectLedger, ledgerErrorFrom } from './connect';
import { LedgerError } from './errors';
import { membershipOf } from './membership';
import { LedgerDivergedError } from './publish';
import { readHead, readLedgerId, readRowAt } from './reads';

/**
 * Asks the ledger for the row it holds at the event to witness — the vault's head, or with
 * `runId` the event a pack of that run is anchored at — checks it against the vault, and records
 * it. A run's pack carries the first checkpoint of its anchor, so record it before exporting the
 * pack for signatures.
 */
export async function recordCheckpoint(vault: Vault, input: { db?: string; actor: string; runId?: string }): Promise<{ checkpoint: LedgerCheckpoint; seq: number }> {
  const membership = membershipOf(vault);
  if (!membership) throw new LedgerError(`This vault has not joined a ledger; join first: \`cutover ledger join --vault ${vault.path} --db URL --name WORKSTATION\`.`);
  const anchor = input.runId === undefined ? null : buildPackModel(vault, loadRunState(vault, input.runId)).chainHead;
  const connection = await connectLedger(input.db ?? membership.db, 'cutover-ledger-checkpoint');
  const { client, label } = connection;
  let checkpoint: LedgerCheckpoint;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if ((await readLedgerId(client, label)) !== membership.ledger) throw new LedgerError(`${label} is not the ledger this vault joined (${membership.ledger}); give its URL with --db.`);
    const head = await readHead(client, membership.workstation);
    const at = anchor ? anchor.seq : head.seq;
    const row = at > 0 && at <= head.seq ? await readRowAt(client, membership.workstation, at) : undefined;
    await client.query('COMMIT');
    if (!row) throw new LedgerError(`The ledger at ${label} holds ${membership.workstation}'s chain up to #${head.seq}, not event #${at}${anchor ? `, where a pack of run ${input.runId} is anchored` : ''}; publish first (\`cutover ledger publish --vault ${vault.path}\`).`);
    const mine = vault.events({ afterSeq: row.seq - 1, limit: 1 })[0];
    if (!mine || mine.seq !== row.seq || mine.hash !== row.hash) throw new LedgerDivergedError(`The ledger holds ${membership.workstation}'s event #${row.seq} with hash ${row.hash.slice(0, 12)}…, which this vault does not hold: its chain was rewritten or truncated after publishing; no checkpoint was recorded.`);
    checkpoint = { ledger: membership.ledger, workstation: membership.workstation, seq: row.seq, hash: row.hash, publishedAt: row.publishedAt, signature: row.signature, publicKey: row.publicKey };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw ledgerErrorFrom(error, label, 'reading the ledger\'s head for a checkpoint');
  } finally {
    await closeLedger(connection);
  }
  const event = vault.append({ actor: input.actor, type: CHECKPOINT_EVENT, payload: { ...checkpoint, ...(input.runId !== undefined ? { runId: input.runId } : {}) } });
  return { checkpoint, seq: event.seq };
}
