// A vault's membership in a team ledger, as its own chain holds it: the `ledger.joined` event
// (ledger id, workstation name, the ledger's URL without a password, the owner and their key).
import type { ReadOnlyVault } from '../vault';

export const JOINED_EVENT = 'ledger.joined';

export interface Membership {
  ledger: string;
  workstation: string;
  db: string;
  owner: string;
  fingerprint: string;
  seq: number;
}

export function membershipOf(vault: ReadOnlyVault): Membership | null {
  let found: Membership | null = null;
  for (const e of vault.events()) {
    if (e.type !== JOINED_EVENT) continue;
    const p = e.payload as Partial<Membership> | null;
    if (p && typeof p.ledger === 'string' && typeof p.workstation === 'string' && typeof p.db === 'string' && typeof p.owner === 'string' && typeof p.fingerprint === 'string') {
      found = { ledger: p.ledger, workstation: p.workstation, db: p.db, owner: p.owner, fingerprint: p.fingerprint, seq: e.seq };
    }
  }
  return found;
}
