// What one ledger row is and how a reader checks it. A row carries one event of a workstation's
// own chain as canonical bytes (RFC 8785 of {prevHash, seq, at, actor, type, payload}, so its
// SHA-256 is the vault's event hash), and the workstation owner's SSHSIG over a small statement
// naming the ledger, the workstation, the seq and that hash. Readers trust no column: they
// recompute the hash from the bytes, check the link and the signature by the member's key.
import { createHash } from 'node:crypto';
import { sshsigVerify } from '../signing';
import { GENESIS_HASH, canonicalJson, type ChainFields } from '../vault/chain';
import type { VaultEvent } from '../vault/types';
import { LEDGER_EVENT_NAMESPACE, LEDGER_JOIN_NAMESPACE, MAX_EVENT_BYTES } from './limits';

export interface LedgerRow {
  workstation: string;
  seq: number;
  ledgerId: string;
  publicKey: string;
  prevHash: string;
  hash: string;
  event: Buffer;
  signature: string;
  publishedAt: string;
}

export interface LedgerMember {
  name: string;
  ledgerId: string;
  publicKey: string;
  fingerprint: string;
  statement: string;
  signature: string;
}

/** A published event, read and checked: the vault event it carries and where it sits. */
export type PublishedEvent = VaultEvent & { workstation: string; publishedAt: string };

/** The bytes a workstation owner signs for one published event. */
export function eventStatement(ledgerId: string, workstation: string, seq: number, hash: string): Buffer {
  // Signed by the publisher and checked by every follower for each event: the RFC 8785 bytes
  // written directly (keys in code-unit order: format, hash, ledger, seq, workstation; strings as
  // JSON.stringify writes them), the same as canonicalJson of the object (record.test checks it).
  if (!Number.isSafeInteger(seq)) return Buffer.from(canonicalJson({ format: LEDGER_EVENT_NAMESPACE, ledger: ledgerId, workstation, seq, hash }), 'utf8');
  return Buffer.from(`{"format":${JSON.stringify(LEDGER_EVENT_NAMESPACE)},"hash":${JSON.stringify(hash)},"ledger":${JSON.stringify(ledgerId)},"seq":${seq},"workstation":${JSON.stringify(workstation)}}`, 'utf8');
}

export interface JoinStatement {
  format: string;
  ledger: string;
  workstation: string;
  vault: string;
  owner: string;
  publicKey: string;
  fingerprint: string;
}

/** The bytes a vault's owner signs to join a ledger as a workstation. */
export function joinStatement(fields: Omit<JoinStatement, 'format'>): string {
  return canonicalJson({ format: LEDGER_JOIN_NAMESPACE, ...fields });
}

function verifies(signature: string, message: Buffer, namespace: string, key: string): string | null {
  try {
    const result = sshsigVerify(signature, message, namespace, key);
    return result.ok ? null : result.message;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Why a member row does not hold (its statement or signature), or null. */
export function memberProblem(member: LedgerMember, ledgerId: string): string | null {
  let statement: Partial<JoinStatement>;
  try {
    statement = JSON.parse(member.statement) as Partial<JoinStatement>;
  } catch {
    return 'its join statement is not JSON';
  }
  if (member.ledgerId !== ledgerId || statement.ledger !== ledgerId) return `it joined another ledger (${statement.ledger ?? member.ledgerId})`;
  if (statement.format !== LEDGER_JOIN_NAMESPACE || statement.workstation !== member.name || statement.publicKey !== member.publicKey || statement.fingerprint !== member.fingerprint) {
    return 'its row does not match the join statement its owner signed';
  }
  const bad = verifies(member.signature, Buffer.from(member.statement, 'utf8'), LEDGER_JOIN_NAMESPACE, member.publicKey);
  return bad ? `its join statement is not signed by its key: ${bad}` : null;
}

/**
 * Walks one workstation's chain as rows arrive, from genesis or from a head already checked.
 * `accept` returns the event, or the reason the row breaks the chain (and the walk stops there).
 */
export class ChainWalker {
  private next: number;
  private prevHash: string;

  constructor(private readonly member: LedgerMember, private readonly ledgerId: string, from: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }) {
    this.next = from.seq + 1;
    this.prevHash = from.hash;
  }

  get head(): { seq: number; hash: string } {
    return { seq: this.next - 1, hash: this.prevHash };
  }

  accept(row: LedgerRow): PublishedEvent | string {
    if (row.seq > this.next) return `event #${this.next} is missing: the chain jumps from #${this.next - 1} to #${row.seq} (a row was deleted)`;
    if (row.seq < this.next) return `event #${row.seq} is out of sequence (expected #${this.next})`;
    if (row.ledgerId !== this.ledgerId) return `it names another ledger (${row.ledgerId})`;
    if (row.publicKey !== this.member.publicKey) return `it carries a key that is not ${this.member.name}'s (${this.member.fingerprint})`;
    if (row.event.length > MAX_EVENT_BYTES) return `it is oversized: ${row.event.length} bytes, more than the ${MAX_EVENT_BYTES} a ledger event may carry`;
    const recomputed = createHash('sha256').update(row.event).digest('hex');
    if (recomputed !== row.hash) return `its bytes do not hash to its hash (stored ${row.hash.slice(0, 12)}…, recomputed ${recomputed.slice(0, 12)}…): the row was changed after it was published`;
    const parsed = parseEvent(row.event);
    if (typeof parsed === 'string') return parsed;
    if (parsed.seq !== row.seq) return `its content is event #${parsed.seq}, not #${row.seq}: the rows were reordered`;
    if (parsed.prevHash !== row.prevHash) return 'its prev_hash column differs from the prevHash its bytes carry: the row was changed';
    if (row.prevHash !== this.prevHash) return `it does not link to event #${row.seq - 1} (prev_hash ${row.prevHash.slice(0, 12)}…, expected ${this.prevHash.slice(0, 12)}…)`;
    const bad = verifies(row.signature, eventStatement(this.ledgerId, this.member.name, row.seq, row.hash), LEDGER_EVENT_NAMESPACE, this.member.publicKey);
    if (bad) return `its signature is not by ${this.member.name}'s key ${this.member.fingerprint}: ${bad}`;
    this.next += 1;
    this.prevHash = row.hash;
    return { workstation: row.workstation, seq: row.seq, at: parsed.at, actor: parsed.actor, type: parsed.type, payload: parsed.payload, prevHash: row.prevHash, hash: row.hash, publishedAt: row.publishedAt };
  }
}

/** An event's bytes parsed: exactly the fields its hash covers. */
type ParsedEvent = ChainFields;

function parseEvent(bytes: Buffer): ParsedEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'its bytes are not JSON';
  }
  const v = value as Partial<ParsedEvent> | null;
  if (typeof v !== 'object' || v === null || typeof v.prevHash !== 'string' || typeof v.seq !== 'number' || typeof v.at !== 'string' || typeof v.actor !== 'string' || typeof v.type !== 'string' || !('payload' in v)) {
    return 'its bytes are not a chain event ({prevHash, seq, at, actor, type, payload})';
  }
  if (canonicalJson(value) !== bytes.toString('utf8')) return 'its bytes are not canonical JSON (RFC 8785)';
  return v as ParsedEvent;
}

/** A row as pg returns it (columns in snake_case) → LedgerRow. */
export function rowFrom(r: Record<string, unknown>): LedgerRow {
  return {
    workstation: String(r.workstation), seq: Number(r.seq), ledgerId: String(r.ledger_id), publicKey: String(r.public_key),
    prevHash: String(r.prev_hash), hash: String(r.hash), event: r.event as Buffer, signature: String(r.signature),
    publishedAt: r.published_at instanceof Date ? r.published_at.toISOString() : String(r.published_at),
  };
}

export function memberFrom(r: Record<string, unknown>): LedgerMember {
  return { name: String(r.name), ledgerId: String(r.ledger_id), publicKey: String(r.public_key), fingerprint: String(r.fingerprint), statement: String(r.statement), signature: String(r.signature) };
}

export const ROW_COLUMNS = 'workstation, seq, ledger_id, public_key, prev_hash, hash, event, signature, published_at';
