// The window's hook for the team ledger: after a contract call that appended to the open vault,
// and the vault joined a ledger, its outbox is drained in the background (core/ledger/outbox.ts),
// one drain at a time, with the owner's key from the session (never asked for here). A ledger
// that is away is logged once per spell and retried at the next contract call; nothing the
// window does waits for it or fails because of it. The drains of one vault and key share one
// connection (a LedgerPublisher, opened again after a loss), closed when the vault or key
// changes, when the vault is found closed, after PUBLISHER_IDLE_MS without a drain, or by close().
import { DEFAULT_DRAIN_TIMEOUT_MS, drainOutbox, hasLedgerMarker, LedgerPublisher, membershipOf, type DrainOutcome } from '../core/ledger';
import { drainTranscripts, TRANSCRIPTS_NEED_INIT, writingTranscript } from '../core/ledger/transcripts-publish';
import type { Signer } from '../core/signing';
import type { Vault } from '../core/vault';

const TRANSCRIPT_FOLLOW_MS = 1_000;
/** A kept connection with no drain for this long is closed (the next drain opens one again). */
const PUBLISHER_IDLE_MS = 30_000;

export class LedgerOutbox {
  private draining: Promise<void> | null = null;
  private again: Vault | null = null;
  private readonly drainedAt = new WeakMap<Vault, number>();
  private behind = false;
  private saidNeedsInit = false;
  /** While a step writes its transcript, its bytes follow every TRANSCRIPT_FOLLOW_MS. */
  private following: NodeJS.Timeout | null = null;
  /** The publisher the drains of one vault and key share, and the timer that closes it when idle. */
  private kept: { vault: Vault; fingerprint: string; publisher: LedgerPublisher } | null = null;
  private idleTimer: NodeJS.Timeout | null = null;

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
      if (this.kept?.vault === vault && !this.draining) void this.dropPublisher();
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

  /** The publisher kept for `vault` and this key (a new one, the old closed, when either changed). */
  private publisherFor(vault: Vault, signer: Signer): LedgerPublisher {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (!this.draining) void this.dropPublisher();
    }, PUBLISHER_IDLE_MS);
    this.idleTimer.unref();
    if (this.kept?.vault === vault && this.kept.fingerprint === signer.fingerprint) return this.kept.publisher;
    void this.dropPublisher();
    this.kept = { vault, fingerprint: signer.fingerprint, publisher: new LedgerPublisher(vault, { signer, timeoutMs: DEFAULT_DRAIN_TIMEOUT_MS }) };
    return this.kept.publisher;
  }

  private async dropPublisher(): Promise<void> {
    const kept = this.kept;
    this.kept = null;
    if (kept) await kept.publisher.close().catch((error: unknown) => this.log(`ledger: closing the publisher's connection: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Waits for the drain running, then closes the kept connection (quitting, the service disposed). */
  async close(): Promise<void> {
    await this.idle();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.following) clearTimeout(this.following);
    this.following = null;
    await this.dropPublisher();
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
        outcome = await drainOutbox(vault, signer ? { publisher: this.publisherFor(vault, signer) } : {});
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
