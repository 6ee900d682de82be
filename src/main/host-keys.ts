// First contact with an SSH host: the engine (or a connection test) is holding a connection
// open on a host key nobody has pinned. The fingerprint goes to the window, and the connection
// waits for a person's answer; no answer within the time limit is a refusal.
import { randomUUID } from 'node:crypto';
import type { HostKeyPush } from '../shared/push';
import type { PushHub } from './push';

export const DEFAULT_HOST_KEY_TIMEOUT_MS = 5 * 60_000;

interface Pending {
  resolve: (accepted: boolean) => void;
  timer: NodeJS.Timeout;
}

export class HostKeyBroker {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly hub: PushHub,
    private readonly timeoutMs = DEFAULT_HOST_KEY_TIMEOUT_MS,
  ) {}

  get waiting(): number {
    return this.pending.size;
  }

  /** Shows the fingerprint and resolves with the person's answer (false on timeout). */
  request(ask: Omit<HostKeyPush, 'type' | 'requestId' | 'expiresAt'>): Promise<boolean> {
    const requestId = randomUUID();
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => this.settle(requestId, false), this.timeoutMs);
      timer.unref?.();
      this.pending.set(requestId, { resolve, timer });
      this.hub.publish({ type: 'hostKey', requestId, ...ask, expiresAt: new Date(Date.now() + this.timeoutMs).toISOString() });
    });
  }

  /** The person's answer; false when the request is no longer waiting (answered, expired). */
  answer(requestId: string, accept: boolean): boolean {
    return this.settle(requestId, accept);
  }

  /** Refuses everything still waiting (the vault locked, the app quits). */
  refuseAll(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, false);
  }

  private settle(requestId: string, accepted: boolean): boolean {
    const entry = this.pending.get(requestId);
    if (!entry) return false;
    this.pending.delete(requestId);
    clearTimeout(entry.timer);
    entry.resolve(accepted);
    this.hub.publish({ type: 'hostKeyClosed', requestId, accepted });
    return true;
  }
}
