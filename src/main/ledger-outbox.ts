// The window's hook for the team ledger: after a contract call that appended to the open vault,
// and the vault joined a ledger, its outbox is drained in the background (core/ledger/outbox.ts),
// one drain at a time, with the owner's key from the session (never asked for here). A ledger
// that is away is logged once per spell and retried at the next contract call; nothing the
// window does waits for it or fails because of it.
import { drainOutbox, hasLedgerMarker, membershipOf, type DrainOutcome } from '../core/ledger';
import { drainTranscripts, TRANSCRIPTS_NEED_INIT, writingTranscript } from '../core/ledger/transcripts-publish';
import type { Signer } from '../core/signing';
import type { Vault } from '../core/vault';

const TRANSCRIPT_FOLLOW_MS = 1_000;

export class LedgerOutbox {
  private draining: Promise<void> | null = null;
  private again: Vault | null = null;
  private readonly drainedAt = new WeakMap<Vault, number>();
  private behind = false;
  private saidNeedsInit = false;
  /** While a step writes its transcript, its bytes follow every TRANSCRIPT_FOLLOW_MS. */
  private following: NodeJS.Timeout | null = null;

  constructor(
    private readonly signerOf: (vault: Vault, fingerprint: string) => Signer | undefined,
    private readonly log: (message: string) => void,
  ) {}

  /** Called after each contract call: drains if the open vault's head moved since the last drain. */
  kick(vault: Vault | null): void {
    if (!vault || vault.readOnly) return;
    let head: number;
    try {
      head = vault.head().seq;
    } catch {
      // The vault closed (locked, switched) while a drain ran and this kick waited: the next session drains.
      return;
    }
    if (this.drainedAt.get(vault) === head) return;
    if (!hasLedgerMarker(vault.path)) {
      this.drainedAt.set(vault, head);
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
      if (outcome.state === 'published') await this.shareTranscripts(vault);
      return;
    }
    if (!this.behind) this.log(`ledger: behind (${outcome.reason}); the events stay in the vault and go out after the next change`);
    this.behind = true;
  }

  /**
   * Transcripts follow the events that name them (issue 15). While a step is writing one, this
   * goes on every TRANSCRIPT_FOLLOW_MS (no contract call comes while a step runs), until the
   * vault closes or nothing is being written.
   */
  private async shareTranscripts(vault: Vault): Promise<void> {
    let signer: Signer | undefined;
    try {
      const membership = membershipOf(vault);
      signer = membership ? this.signerOf(vault, membership.fingerprint) : undefined;
    } catch {
      return; // The vault closed (locked, switched): the next session follows.
    }
    if (!signer) return;
    let shared: Awaited<ReturnType<typeof drainTranscripts>>;
    try {
      shared = await drainTranscripts(vault, { signer, timeoutMs: TRANSCRIPT_FOLLOW_MS * 5 });
    } catch (error) {
      // The vault closed under it (locked, switched), or the ledger failed in a way it does not report as a state.
      this.log(`ledger: transcripts: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (shared.state === 'needs-init' && !this.saidNeedsInit) this.log(`ledger: ${TRANSCRIPTS_NEED_INIT}`);
    if (shared.state === 'needs-init') this.saidNeedsInit = true;
    let writing = false;
    try {
      writing = shared.state !== 'needs-init' && writingTranscript(vault);
    } catch {
      // The vault closed: nothing more to follow.
    }
    if (writing) this.followTranscripts(vault);
  }

  private followTranscripts(vault: Vault): void {
    if (this.following) return;
    this.following = setTimeout(() => {
      this.following = null;
      if (this.draining) {
        this.followTranscripts(vault);
        return;
      }
      this.draining = this.shareTranscripts(vault).finally(() => {
        this.draining = null;
      });
    }, TRANSCRIPT_FOLLOW_MS);
    this.following.unref();
  }
}
