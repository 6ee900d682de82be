// The outbox of a joined vault: the events after the ledger's head for its workstation. Drained
// once after each command that appends (the CLI's hook, the window's), within a time bound; a
// ledger that is away, slow or refusing leaves the outbox for the next drain and never fails the
// command that appended. The ledger's head stays the only cursor, so a drain is idempotent and
// in order (publish.ts). A caller that drains again and again keeps a LedgerPublisher: one
// connection for all its drains, opened again when lost.
import type { OwnerKeyOptions } from '../identity';
import type { Signer } from '../signing';
import type { Vault } from '../vault';
import { LedgerConnectionError } from './errors';
import { membershipOf } from './membership';
import { LedgerDivergedError, publishVault, publisherKey, type LedgerPublisher } from './publish';

export const DEFAULT_DRAIN_TIMEOUT_MS = 5_000;

export type DrainOutcome =
  | { state: 'not-joined' }
  | { state: 'published'; workstation: string; published: number; head: number }
  /** The ledger did not take the outbox now (away, slow, refusing, no key usable): it waits for the next drain. */
  | { state: 'behind'; workstation: string; vaultHead: number; reason: string; unreachable: boolean }
  /** The vault no longer holds what it published: never retried silently. */
  | { state: 'diverged'; workstation: string; reason: string };

export interface DrainOptions extends OwnerKeyOptions {
  timeoutMs?: number;
  /** The owner's key, when the caller holds it already (the window's session). */
  signer?: Signer;
  /**
   * A publisher the caller keeps between drains (the window's, the inbox's wait loop): its one
   * connection is used again, and opened again after a loss. Without it a drain connects for itself.
   */
  publisher?: LedgerPublisher;
}

export async function drainOutbox(vault: Vault, options: DrainOptions = {}): Promise<DrainOutcome> {
  const membership = membershipOf(vault);
  if (!membership) return { state: 'not-joined' };
  const { workstation } = membership;
  const vaultHead = vault.head().seq;
  try {
    const result = options.publisher ? await options.publisher.publish()
      : await publishVault(vault, { signer: options.signer ?? await publisherKey(vault, options), timeoutMs: options.timeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS });
    return { state: 'published', workstation, published: result.published, head: result.head };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof LedgerDivergedError) return { state: 'diverged', workstation, reason };
    return { state: 'behind', workstation, vaultHead, reason, unreachable: error instanceof LedgerConnectionError };
  }
}

/** The one line a command prints when its events did not reach the ledger. */
export function behindLine(outcome: Extract<DrainOutcome, { state: 'behind' | 'diverged' }>, vaultPath: string): string {
  if (outcome.state === 'diverged') return `cutover: NOT PUBLISHED: ${outcome.reason}`;
  const why = outcome.reason.replace(/ Nothing half-done.*$/, '').replace(/\.$/, '');
  return `cutover: the team ledger is behind this vault (${outcome.workstation} holds events up to #${outcome.vaultHead}): ${why}. They are kept and go out with the next command, or \`cutover ledger publish --vault ${vaultPath}\`.`;
}
