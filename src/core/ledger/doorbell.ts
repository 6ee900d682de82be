// NOTIFY as a doorbell: a ring wakes whoever waits now, or the next wait returns at once; a wait
// ends at its timeout anyway, so a lost notification costs one poll, never a missed event.
export class Doorbell {
  private rang = false;
  private wake: (() => void) | null = null;

  ring(): void {
    this.rang = true;
    this.wake?.();
  }

  /** Whether it rang since the last wait or take; clears it. */
  take(): boolean {
    const rang = this.rang;
    this.rang = false;
    return rang;
  }

  /** Resolves on the next ring (or one since the last wait), or after `timeoutMs`. */
  async wait(timeoutMs: number): Promise<void> {
    if (!this.rang) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = null;
    }
    this.rang = false;
  }
}
