// Live step output as it arrives from main, kept per step while the page is open: a running
// SHA-256 and byte count over exactly the bytes received (so the screen can prove it shows the
// vault's transcript), and a bounded tail for a terminal that attaches late.
import type { OutputPush } from '../../shared/push';
import { runningHash, type RunningHash } from './hasher';
import { fromBase64 } from './sha256';
import { listen } from './push';

/** A terminal that attaches to a running step starts with at most this much of its output. */
const TAIL_BYTES = 1024 * 1024;

export type ChunkListener = (chunk: Uint8Array) => void;

export class LiveTranscript {
  /** Bytes received from offset 0 without a gap (only meaningful while `contiguous`). */
  received = 0;
  /** False when the page joined the step mid-way or a push was dropped: the hash then covers nothing useful. */
  contiguous = true;
  readonly hash: RunningHash = runningHash();
  private tail: Uint8Array[] = [];
  private tailBytes = 0;
  private readonly listeners = new Set<ChunkListener>();

  constructor(readonly key: string) {}

  /** Output from main at `offset`; overlaps are trimmed, a gap ends contiguity. */
  accept(offset: number, bytes: Uint8Array): void {
    if (offset > this.received) this.contiguous = false;
    let chunk = bytes;
    if (offset < this.received) {
      const overlap = this.received - offset;
      if (overlap >= bytes.length) return;
      chunk = bytes.subarray(overlap);
    }
    this.received = Math.max(this.received, offset) + chunk.length;
    this.append(chunk);
  }

  /** Bytes read from the vault to close the end (what the engine wrote after the last push). */
  appendFromVault(bytes: Uint8Array): void {
    this.received += bytes.length;
    this.append(bytes);
  }

  private append(chunk: Uint8Array): void {
    if (this.contiguous) this.hash.update(chunk);
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= TAIL_BYTES && this.tail.length > 1) this.tailBytes -= this.tail.shift()!.length;
    for (const listener of this.listeners) listener(chunk);
  }

  /** The most recent output (at most about 1 MiB), for a terminal attaching now. */
  recent(): Uint8Array[] {
    return [...this.tail];
  }

  onChunk(listener: ChunkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const live = new Map<string, LiveTranscript>();
const created = new Set<(key: string) => void>();
let stop: (() => void) | null = null;

export function transcriptKey(runId: string, stepId: string): string {
  return `${runId}/${stepId}`;
}

function onOutput(message: OutputPush): void {
  const key = transcriptKey(message.runId, message.stepId);
  let transcript = live.get(key);
  // Offset 0 again: the step is running anew (a check retried after a FAIL).
  if (transcript && message.offset === 0 && transcript.received > 0) {
    transcript.hash.drop();
    transcript = undefined;
  }
  if (!transcript) {
    transcript = new LiveTranscript(key);
    // Joined mid-way (the page was reloaded while the step ran): nothing to prove from here.
    if (message.offset > 0) transcript.contiguous = false;
    live.set(key, transcript);
    for (const listener of created) listener(key);
  }
  transcript.accept(message.offset, fromBase64(message.data));
}

/** Starts collecting output pushes (once per page). */
export function collectOutput(): void {
  if (stop) return;
  stop = listen((message) => {
    if (message.type === 'output') onOutput(message);
  });
}

/** A step started again (after a FAIL): its earlier live output no longer describes it. */
export function forget(key: string): void {
  live.get(key)?.hash.drop();
  live.delete(key);
}

export function liveTranscript(key: string): LiveTranscript | undefined {
  return live.get(key);
}

/** Told when a step's first output arrives (a terminal waiting for it can attach). */
export function onTranscriptCreated(listener: (key: string) => void): () => void {
  created.add(listener);
  return () => created.delete(listener);
}
