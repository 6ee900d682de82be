// The window's hook for the team ledger: after a contract call that appended to the open vault,
// and the vault joined a ledger, its outbox is drained in the background (core/ledger/outbox.ts),
// one drain at a time, with the owner's key from the session (never asked for here). A ledger
// that is away is logged once per spell and retried at the next contract call; nothing the
// window does waits for it or fails because of it.
import { drainOutbox, hasLedgerMarker, membershipOf, type DrainOutcome } from '../core/ledger';
import type { Signer } from '../core/signing';
import type { Vault } from '../core/vault';

export class LedgerOutbox {
  private draining: Promise<void> | null = null;
  private again: Vault | null = null;
  private readonly drainedAt = new WeakMap<Vault, number>();
  private behind = false;

  constructor(
    private readonly signerOf: (vault: Vault, fingerprint: string) => Signer | undefined,
    private readonly log: (message: string) => void,
  ) {}

  /** Called after each contract call: drains if the open vault's head moved since the last drain. */
  kick(vault: Vault | null): void {
    if (!vault || vault.readOnly) return;
    if (this.drainedAt.get(vault) === vault.head().seq) return;
    if (!hasLedgerMarker(vault.path)) {
      this.drainedAt.set(vault, vault.head().seq);
      return;
    }
    if (this.draining) {
      this.again = vault;
      return;
    }
    this.draining = this.drain(vault).finally(() => {
      this.draining = null;
      const next = this.again;
      this.again = null;
      if (next) this.kick(next);
    });
  }

  /** Settles when no drain is running (tests, quitting). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(vault: Vault): Promise<void> {
    const head = vault.head().seq;
    let outcome: DrainOutcome;
    try {
      const membership = membershipOf(vault);
      const signer = membership ? this.signerOf(vault, membership.fingerprint) : undefined;
      if (membership && !signer) {
        outcome = { state: 'behind', workstation: membership.workstation, vaultHead: head, reason: "the owner's key is not unlocked in this session", unreachable: false };
      } else {
        outcome = await drainOutbox(vault, signer ? { signer } : {});
      }
    } catch (error) {
      // The vault closed under the drain (locked, switched): the next session drains.
      this.log(`ledger: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (outcome.state === 'published' || outcome.state === 'not-joined') {
      if (this.behind && outcome.state === 'published') this.log(`ledger: caught up; the ledger holds ${outcome.workstation}'s chain up to #${outcome.head}`);
      this.behind = false;
      this.drainedAt.set(vault, head);
      return;
    }
    if (!this.behind) this.log(`ledger: behind (${outcome.reason}); the events stay in the vault and go out after the next change`);
    this.behind = true;
  }
}
