// The event chain's hashing. An event's hash is the SHA-256 of the RFC 8785 canonical JSON
// of { prevHash, seq, at, actor, type, payload }: it covers the previous event's hash, so
// changing, removing or reordering any event breaks every hash after it.
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainFields {
  prevHash: string;
  seq: number;
  at: string;
  actor: string;
  type: string;
  payload: unknown;
}

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('an event payload must be JSON: got a value with no JSON form');
  return text;
}

export function eventHash(fields: ChainFields): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}

/**
 * `eventHash` for a payload already in canonical JSON, as `Vault.append` has it: the same bytes,
 * assembled without parsing the payload and serializing it again. RFC 8785 orders the keys by
 * their UTF-16 code units (actor, at, payload, prevHash, seq, type) and writes strings and safe
 * integers as JSON.stringify does; verify recomputes every hash with `eventHash`.
 */
export function eventHashOfCanonical(fields: Omit<ChainFields, 'payload'>, payloadJson: string): string {
  if (!Number.isSafeInteger(fields.seq)) throw new TypeError(`an event's seq must be a safe integer, got ${fields.seq}`);
  const text = `{"actor":${JSON.stringify(fields.actor)},"at":${JSON.stringify(fields.at)},"payload":${payloadJson},"prevHash":${JSON.stringify(fields.prevHash)},"seq":${fields.seq},"type":${JSON.stringify(fields.type)}}`;
  return createHash('sha256').update(text).digest('hex');
}
