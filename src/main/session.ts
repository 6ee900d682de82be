// The one open vault of this window, with its idle auto-lock. Main never holds more than
// one: opening another closes the first, so two handles never write the same file.
import type { Vault } from '../core/vault';
import { english, worded } from './worded';

export class NoVaultOpenError extends Error {
  readonly code = 'VAULT_LOCKED';
  constructor(reason: 'idle' | null) {
    const key = reason === 'idle' ? 'main.vault.lockedIdle' : 'main.vault.noneOpen';
    super(english(key));
    this.name = 'VaultLockedError';
    worded(this, key);
  }
}

export class VaultSession {
  private vault: Vault | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private endedBy: 'idle' | null = null;

  /** Called whenever the open vault closes (lock, idle, switching vaults): session keys go with it. */
  private onClose: () => void = () => {};

  /** While this says so (a step is running, a host key awaits an answer) the idle lock waits. */
  private busy: () => boolean = () => false;

  constructor(
    private readonly autoLockMs: number | null,
    private readonly log: (message: string) => void,
  ) {}

  setBusyCheck(busy: () => boolean): void {
    this.busy = busy;
  }

  setCloseListener(listener: () => void): void {
    this.onClose = listener;
  }

  get current(): Vault | null {
    return this.vault;
  }

  /** Why the last session ended without the user asking, if it did. */
  get lockedReason(): 'idle' | null {
    return this.endedBy;
  }

  require(): Vault {
    if (!this.vault) throw new NoVaultOpenError(this.endedBy);
    return this.vault;
  }

  /** Makes `vault` the open one (closing any other that is still open). */
  adopt(vault: Vault): void {
    this.close();
    this.vault = vault;
    this.endedBy = null;
    this.touch();
  }

  /** Restarts the idle countdown; a no-op while locked. */
  touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (!this.vault || this.autoLockMs === null) return;
    this.idleTimer = setTimeout(() => {
      // A 60-minute `alembic upgrade` is not idleness: its transcript is still being written.
      if (this.busy()) this.touch();
      else this.close('idle');
    }, this.autoLockMs);
    // An idle timer must never keep a CLI-less host (the test harness) alive on its own.
    this.idleTimer.unref?.();
  }

  close(reason: 'idle' | null = null): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const vault = this.vault;
    this.vault = null;
    this.endedBy = reason;
    if (!vault) return;
    this.onClose();
    try {
      vault.close();
    } catch (error) {
      this.log(`closing ${vault.path} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (reason === 'idle') this.log(`locked ${vault.path} after ${Math.round((this.autoLockMs ?? 0) / 60_000)} idle minute(s)`);
  }
}
