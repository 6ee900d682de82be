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
