// ledger/checkpoints.json, the pack's file of ledger checkpoints (checkpoint.ts records them):
// a pure function of the chain up to the pack's anchor, so the same vault state gives the same
// bytes and the manifest people signed stays the manifest exported. No connection code here: the
// pack's builder and verifier load this without pg.
import type { VaultEvent } from '../vault/types';
import { LEDGER_EVENT_NAMESPACE } from './limits';
import { eventStatement } from './record';

export const CHECKPOINT_EVENT = 'ledger.checkpoint';
export const CHECKPOINTS_FILE = 'ledger/checkpoints.json';
const CHECKPOINTS_FORMAT = 'cutover-ledger-checkpoints-v1';

export interface LedgerCheckpoint {
  ledger: string;
  workstation: string;
  seq: number;
  hash: string;
  publishedAt: string;
  /** The workstation's SSHSIG (namespace cutover-ledger-event-v1) over its statement. */
  signature: string;
  /** The workstation's key as the ledger lists it (its owner's: the same key as the owner's line in allowed_signers). */
  publicKey: string;
}

/**
 * ledger/checkpoints.json for a pack anchored at `anchor`: the checkpoints the chain recorded up
 * to the anchor (each witnessing a prefix of it), and the first checkpoint recorded anywhere of
 * the anchor itself. Both sets are fixed once there, so later events never change the file. Null
 * when there is none (a vault that never joined a ledger: its packs are as before).
 */
export function checkpointsFile(events: VaultEvent[], anchor: { seq: number; hash: string }): Buffer | null {
  const hashes = new Map<number, string>();
  const out: Array<LedgerCheckpoint & { allowedSigner: string; recordedIn: number; statement: string; witnesses: 'anchor' | 'prefix' }> = [];
  let anchorWitnessed = false;
  for (const e of events) {
    if (e.seq <= anchor.seq) hashes.set(e.seq, e.hash);
    if (e.type !== CHECKPOINT_EVENT) continue;
    const p = e.payload as Partial<LedgerCheckpoint> | null;
    if (!p || typeof p.ledger !== 'string' || typeof p.workstation !== 'string' || typeof p.seq !== 'number' || typeof p.hash !== 'string' || typeof p.publishedAt !== 'string' || typeof p.signature !== 'string' || typeof p.publicKey !== 'string') continue;
    const ofAnchor = p.seq === anchor.seq && p.hash === anchor.hash;
    if (e.seq > anchor.seq && (!ofAnchor || anchorWitnessed)) continue;
    if (hashes.get(p.seq) !== p.hash) continue;
    if (ofAnchor) anchorWitnessed = true;
    const statement = eventStatement(p.ledger, p.workstation, p.seq, p.hash).toString('utf8');
    out.push({ ledger: p.ledger, workstation: p.workstation, seq: p.seq, hash: p.hash, publishedAt: p.publishedAt, signature: p.signature, publicKey: p.publicKey, allowedSigner: `${p.workstation} namespaces="${LEDGER_EVENT_NAMESPACE}" ${p.publicKey}`, recordedIn: e.seq, statement, witnesses: ofAnchor ? 'anchor' : 'prefix' });
  }
  if (out.length === 0) return null;
  const doc = {
    format: CHECKPOINTS_FORMAT,
    about: `Each checkpoint is what the team ledger answered when asked for this workstation's event #seq: it held it, with that hash, published at publishedAt ("anchor": the event this pack is anchored at; "prefix": an earlier one). Check it against chain/events.jsonl (the sha256 of line #seq is hash), and the signature with: ssh-keygen -Y verify -f FILE -I WORKSTATION -n ${LEDGER_EVENT_NAMESPACE} -s SIG < STATEMENT, where FILE holds the checkpoint's allowedSigner line (its key is the workstation owner's, as in allowed_signers) and STATEMENT the statement's exact bytes, no newline. Anyone with the ledger can ask it for the same row.`,
    checkpoints: out,
  };
  return Buffer.from(`${JSON.stringify(doc, null, 2)}\n`);
}
