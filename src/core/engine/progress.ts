// Output for the screen, coalesced: however fast a command writes, listeners get at most
// one update per interval (default ~30 a second), carrying everything since the last one.
export interface ProgressUpdate {
  runId: string;
  stepId: string;
  /** Output since the previous update (already redacted). */
  text: string;
  /** Bytes of output so far. */
  bytes: number;
}

export class ProgressThrottle {
  private pending: Buffer[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private last = 0;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly runId: string,
    private readonly stepId: string,
    private readonly listener: (u: ProgressUpdate) => void,
    private readonly intervalMs = 33,
    /** The screen needs the tail, not gigabytes: keep at most this much per update. */
    private readonly maxTextBytes = 256 * 1024,
  ) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.pending.push(chunk);
    let held = this.pending.reduce((n, b) => n + b.length, 0);
    while (held > this.maxTextBytes && this.pending.length > 1) held -= this.pending.shift()!.length;
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.last = Date.now();
    if (this.pending.length === 0) return;
    const text = this.decoder.decode(Buffer.concat(this.pending), { stream: true });
    this.pending = [];
    this.listener({ runId: this.runId, stepId: this.stepId, text, bytes: this.bytes });
  }
}
