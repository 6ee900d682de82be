// Writing a fast transcript's segment files on two cores (issue 17): this thread hashes the
// caller's bytes (ArtifactWriter) and copies each 1 MiB chunk into a shared slot; the segment
// I/O thread (segment-io-worker.ts) encrypts it and writes its frame while this thread goes on
// with the next chunk. A flush waits for the other thread (Atomics.wait on shared memory, so
// the vault's synchronous API stays as it is): every chunk written and fdatasynced, their GCM
// tags handed back, before the transaction that records them commits. A flush that is due while
// the stream goes on (requestSync) does not wait: the writer records its chunks once the other
// thread says they are durable (syncDone), and keeps hashing meanwhile.
import { randomUUID } from 'node:crypto';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { CONTROL_ACK, CONTROL_FAILED, CONTROL_FIELDS, SEGMENT_IO_WORKER_SOURCE } from './segment-io-worker';
import { aad, artifactDirFor, header, segmentPathFor, type ChunkRecord, type SegmentContext } from './segment-format';
import { discardChunksFrom, type SegmentHandOver, type SegmentSink, type WrittenFiles } from './segment-writer';

/** Chunks in flight per writer: this thread fills one while the other encrypts and writes. */
const SLOTS = 4;

let shared: { worker: Worker; ready: Int32Array } | null = null;

/** The process's segment I/O thread, started on first use; it never keeps the process alive. */
function ioThread(): { worker: Worker; ready: Int32Array } {
  if (shared) return shared;
  const ready = new Int32Array(new SharedArrayBuffer(4));
  // execArgv: [] so that a loader the process was started with (tsx) is not loaded again there.
  const worker = new Worker(SEGMENT_IO_WORKER_SOURCE, { eval: true, execArgv: [], workerData: { slots: SLOTS, ready: ready.buffer }, stdout: false, stderr: false });
  worker.unref();
  const started = { worker, ready };
  worker.on('error', () => {
    if (shared === started) shared = null;
  });
  worker.on('exit', () => {
    if (shared === started) shared = null;
  });
  shared = started;
  return started;
}

/** Starts the segment I/O thread if it is not running, without waiting for it. */
export function startSegmentIo(): void {
  ioThread();
}

/** Whether the segment I/O thread is up, so a writer handed to it will not wait for it to start. */
export function segmentIoReady(): boolean {
  return shared !== null && Atomics.load(shared.ready, 0) === 1;
}

/** Starts the segment I/O thread and waits until it is up (at most `timeoutMs`): for a caller
 *  that wants every chunk after the first handed to it. Returns whether it is up. */
export function awaitSegmentIo(timeoutMs = 10_000): boolean {
  const { ready } = ioThread();
  const until = performance.now() + timeoutMs;
  while (Atomics.load(ready, 0) === 0 && performance.now() < until) Atomics.wait(ready, 0, 0, 50);
  return segmentIoReady();
}

/** How long a wait for the I/O thread sleeps before checking that the thread still runs. */
const LIVENESS_MS = 1000;

interface Reply {
  op: 'opened' | 'chunk' | 'error';
  segment?: number;
  idx?: number;
  size?: number;
  tag?: Uint8Array;
  end?: number;
  code?: string;
  errno?: number;
  syscall?: string;
  message?: string;
}

/** An I/O error from the other thread, with the code (ENOSPC…) that says what it was. */
function ioError(reply: Reply): Error {
  return Object.assign(new Error(reply.message ?? 'the segment I/O thread failed'), { code: reply.code, errno: reply.errno, syscall: reply.syscall });
}

/**
 * A SegmentSink whose chunks are encrypted and written by the segment I/O thread. Each
 * `append` copies the chunk into one of SLOTS shared buffers (waiting for one to be free) and
 * returns; `sync` waits until every chunk is written and fdatasynced. A failure in the other
 * thread (a full disk) is thrown by the next append or sync; chunks handed over after it are
 * never written.
 */
export class PipelinedSegmentWriter implements SegmentSink {
  private readonly id = randomUUID();
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly control: Int32Array;
  private readonly slots: (Buffer | null)[] = new Array<Buffer | null>(SLOTS).fill(null);
  /** Slots made since the last chunk message: their memory goes to the other thread with it. */
  private readonly newSlots = new Map<number, SharedArrayBuffer>();
  /** The slot chunkBuffer() gave out, until appendChunkBuffer() hands it on. */
  private reserved: number | null = null;
  private readonly written: WrittenFiles;
  private unsynced: ChunkRecord[] = [];
  private segment = -1;
  private sent = 0;
  private seq = 0;
  private failure: Error | null = null;
  /** Chunks handed to this writer (carried over included), and records handed out by sync(). */
  private handed = 0;
  private taken = 0;
  /** Each requestSync() ticket and how many chunks it covers. */
  private readonly tickets = new Map<number, number>();
  private ended = false;
  private readonly state: Int32Array;

  /** `from`: the writer of this artifact so far (SegmentFileWriter.handOver), carried on from. */
  constructor(private readonly ctx: SegmentContext, private readonly maxChunkBytes: number, from?: SegmentHandOver) {
    const io = ioThread();
    this.worker = io.worker;
    this.state = io.ready;
    this.control = new Int32Array(new SharedArrayBuffer(4 * (SLOTS + CONTROL_FIELDS)));
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker.postMessage({ op: 'begin', w: this.id, control: this.control.buffer, key: ctx.key, port: port2 }, [port2]);
    this.written = from?.written ?? { created: [], frameEnds: [] };
    this.unsynced = from?.unsynced ?? [];
    this.handed = this.unsynced.length;
    if (from && from.segment >= 0) {
      this.worker.postMessage({ op: 'adopt', w: this.id, path: segmentPathFor(ctx.root, ctx.artifactId, from.segment), position: from.position });
      this.segment = from.segment;
    }
  }

  append(idx: number, pieces: Buffer[], size: number, final: boolean): void {
    const buffer = this.chunkBuffer(size);
    let at = 0;
    for (const piece of pieces) at += piece.copy(buffer, at);
    this.appendChunkBuffer(idx, size, final);
  }

  chunkBuffer(bytes: number): Buffer {
    if (this.reserved !== null) return this.slots[this.reserved]!;
    if (Atomics.load(this.control, SLOTS + CONTROL_FAILED) === 1) this.collect();
    if (this.failure) throw this.failure;
    if (bytes > this.maxChunkBytes) throw new Error(`a chunk of ${bytes} bytes is larger than a segment slot (${this.maxChunkBytes})`);
    const slot = this.sent % SLOTS;
    while (Atomics.load(this.control, slot) !== 0) this.wait(slot, 1);
    if (!this.slots[slot]) {
      const sab = new SharedArrayBuffer(this.maxChunkBytes);
      this.slots[slot] = Buffer.from(sab);
      this.newSlots.set(slot, sab);
    }
    this.reserved = slot;
    return this.slots[slot]!;
  }

  appendChunkBuffer(idx: number, size: number, final: boolean): void {
    if (this.reserved === null) this.chunkBuffer(size);
    const slot = this.reserved!;
    if (Atomics.load(this.control, SLOTS + CONTROL_FAILED) === 1) this.collect();
    if (this.failure) throw this.failure;
    const segment = Math.floor(idx / this.ctx.segmentChunks);
    if (segment !== this.segment) {
      this.worker.postMessage({ op: 'open', w: this.id, segment, path: segmentPathFor(this.ctx.root, this.ctx.artifactId, segment), dir: artifactDirFor(this.ctx.root, this.ctx.artifactId), header: header(this.ctx, segment) });
      this.segment = segment;
    }
    this.reserved = null;
    this.sent += 1;
    this.handed += 1;
    const sab = this.newSlots.get(slot);
    this.newSlots.delete(slot);
    Atomics.store(this.control, slot, 1);
    this.worker.postMessage({ op: 'chunk', w: this.id, slot, sab, idx, size, aad: aad(this.ctx, idx, size, final) });
  }

  sync(): ChunkRecord[] {
    this.request('sync');
    if (this.failure) throw this.failure;
    this.tickets.clear();
    return this.take(this.unsynced.length);
  }

  requestSync(): number {
    if (this.failure) throw this.failure;
    this.seq += 1;
    this.worker.postMessage({ op: 'sync', w: this.id, seq: this.seq });
    this.tickets.set(this.seq, this.handed);
    return this.seq;
  }

  syncDone(ticket: number): ChunkRecord[] | null {
    const upTo = this.tickets.get(ticket);
    if (upTo === undefined) return [];
    if (Atomics.load(this.control, SLOTS + CONTROL_ACK) < ticket) return null;
    this.collect();
    if (this.failure) throw this.failure;
    this.tickets.delete(ticket);
    return this.take(upTo - this.taken);
  }

  /** The first `n` records not handed out yet. */
  private take(n: number): ChunkRecord[] {
    const out = this.unsynced.splice(0, n);
    this.taken += out.length;
    return out;
  }

  drain(): ChunkRecord[] {
    try {
      if (!this.ended) this.request('close');
    } catch {
      // The thread stopped: what it reported before stopping is all there is.
    }
    this.tickets.clear();
    return this.take(this.unsynced.length);
  }

  discardFrom(idx: number): void {
    if (!this.ended) this.request('close');
    discardChunksFrom(this.ctx, this.written, idx);
  }

  close(): void {
    if (this.ended) return;
    this.request('close');
    this.ended = true;
    this.worker.postMessage({ op: 'end', w: this.id });
    this.port.close();
  }

  /** Sends `op` and waits until the other thread has done it and everything sent before it. */
  private request(op: 'sync' | 'close'): void {
    this.seq += 1;
    const seq = this.seq;
    const ack = SLOTS + CONTROL_ACK;
    this.worker.postMessage({ op, w: this.id, seq });
    for (let seen = Atomics.load(this.control, ack); seen < seq; seen = Atomics.load(this.control, ack)) this.wait(ack, seen);
    this.collect();
  }

  /** Waits while control[index] is `value`, or throws if the I/O thread has stopped. */
  private wait(index: number, value: number): void {
    if (Atomics.load(this.state, 0) === 2) {
      this.failure ??= new Error('the thread writing segment files stopped; what was made durable before is kept');
      this.ended = true;
      throw this.failure;
    }
    Atomics.wait(this.control, index, value, LIVENESS_MS);
  }

  /** Takes in what the other thread reported: segments opened, chunks written, a failure. */
  private collect(): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const reply = m.message as Reply;
      if (reply.op === 'opened') this.written.created.push(reply.segment!);
      else if (reply.op === 'chunk') {
        this.written.frameEnds[reply.idx!] = reply.end!;
        this.unsynced.push({ idx: reply.idx!, size: reply.size!, tag: Buffer.from(reply.tag!.buffer, reply.tag!.byteOffset, reply.tag!.byteLength) });
      } else if (reply.op === 'error' && !this.failure) this.failure = ioError(reply);
    }
  }
}
