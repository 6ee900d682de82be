// How far a vault has received from each other workstation's chain: a heads file beside the vault,
// in the folder its War room keeps the heads it has seen (`<vault>.ledger-heads/`). `ledger receive`
// (and the automatic inbox) reads only what is after these heads, and first checks that the row at
// each head is still the one read before; a rewrite below a head is for `ledger verify`, a
// follower and `vault verify --ledger` to find. Losing the file costs only a full read: what is
// already recorded is never recorded twice.
import { existsSync } from 'node:fs';
import { HEADS_FORMAT, readHeads, writeHeads, type SeenHeads } from './heads';

export function receivedPath(vaultPath: string, ledgerId: string): string {
  return `${vaultPath}.ledger-heads/received-${ledgerId}.json`;
}

/** The heads this vault has received up to in `ledgerId`, or {} (none yet, or a damaged file: read from the start). */
export function readReceived(vaultPath: string, ledgerId: string): Record<string, { seq: number; hash: string }> {
  const path = receivedPath(vaultPath, ledgerId);
  if (!existsSync(path)) return {};
  try {
    const heads = readHeads(path);
    return heads && heads.ledger === ledgerId ? heads.heads : {};
  } catch {
    return {};
  }
}

export function writeReceived(vaultPath: string, ledgerId: string, heads: Record<string, { seq: number; hash: string }>): void {
  const file: SeenHeads = { format: HEADS_FORMAT, ledger: ledgerId, heads };
  writeHeads(receivedPath(vaultPath, ledgerId), file);
}
