// Pushes from main to whoever shows the UI: Electron's window (over PUSH_CHANNEL) or the test
// harness's event stream. One hub, many listeners; a listener that throws is dropped, never
// allowed to break the step that produced the message.
import type { PushListener, PushMessage } from '../shared/push';

export class PushHub {
  private readonly listeners = new Set<PushListener>();

  constructor(private readonly log: (message: string) => void = () => {}) {}

  subscribe(listener: PushListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(message: PushMessage): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(message);
      } catch (error) {
        this.listeners.delete(listener);
        this.log(`a push listener failed and was removed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

/**
 * Coalesces one step's output into at most one push per interval (about 30 a second), carrying
 * every byte, with its offset in the transcript: the renderer can check what it shows against
 * the vault's bytes and its SHA-256.
 */
/** One push carries at most this much: a large message is one long task for the page that parses it. */
const MAX_PUSH_BYTES = 128 * 1024;

export class OutputStream {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private sent = 0;
  private timer: NodeJS.Timeout | null = null;
  private last = 0;

  constructor(
    private readonly hub: PushHub,
    private readonly runId: string,
    private readonly stepId: string,
    private readonly intervalMs = 33,
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    // The executor may reuse its buffer after the callback returns.
    this.pending.push(Buffer.from(chunk));
    this.pendingBytes += chunk.length;
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.last = Date.now();
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    // A starved event loop can let megabytes gather: they leave as several pushes, never one huge one.
    for (let at = 0; at < data.length; at += MAX_PUSH_BYTES) {
      const piece = data.subarray(at, at + MAX_PUSH_BYTES);
      this.hub.publish({ type: 'output', runId: this.runId, stepId: this.stepId, offset: this.sent, data: piece.toString('base64') });
      this.sent += piece.length;
    }
  }
}
