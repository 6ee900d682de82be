// A hint beside a joined vault, `<vault>.ledger.json`: which ledger it joined and as whom (no
// secret: the URL carries no password). It lets a command that appended tell, without unlocking
// the vault a second time, that there is something to publish. Only a hint: what is published is
// decided by the vault's own `ledger.joined` event and the ledger's head, never by this file.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import type { Membership } from './membership';

const MARKER_FORMAT = 'cutover-ledger-marker-v1';
const MAX_MARKER_BYTES = 64 << 10;

export function ledgerMarkerPath(vaultPath: string): string {
  return `${vaultPath}.ledger.json`;
}

/** Writes (or refreshes) the marker; a marker that cannot be written costs only the automatic publish. */
export function writeLedgerMarker(vaultPath: string, membership: Pick<Membership, 'ledger' | 'workstation' | 'db'>): void {
  const path = ledgerMarkerPath(vaultPath);
  const text = `${JSON.stringify({ format: MARKER_FORMAT, ledger: membership.ledger, workstation: membership.workstation, db: membership.db })}\n`;
  try {
    if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
    writeFileSync(`${path}.${process.pid}.tmp`, text, { mode: 0o600 });
    renameSync(`${path}.${process.pid}.tmp`, path);
  } catch {
    // A read-only folder: the vault still publishes with `cutover ledger publish`.
  }
}

/** True when the vault at `vaultPath` says (by its marker) that it joined a ledger. */
export function hasLedgerMarker(vaultPath: string): boolean {
  const path = ledgerMarkerPath(vaultPath);
  try {
    if (!existsSync(path) || !statSync(path).isFile() || statSync(path).size > MAX_MARKER_BYTES) return false;
    return (JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown }).format === MARKER_FORMAT;
  } catch {
    return false;
  }
}
