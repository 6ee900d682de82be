// Hashing off the main thread. An export reads each transcript out of the encrypted vault on
// the main thread (SQLCipher decryption is the largest cost); the SHA-256 and CRC-32 of what is
// read, and the SHA-256 of the zip as its finished regions pile up on disk, are computed here
// meanwhile, on another core. The worker is plain JavaScript evaluated from a string, so it
// runs the same under Node, tsx, vitest and Electron's bundled main process.
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { crc32 } = require('node:zlib');
const { openSync, readSync, closeSync } = require('node:fs');
const streams = new Map();
const scratch = Buffer.allocUnsafe(1024 * 1024);
parentPort.on('message', (m) => {
  const s = streams.get(m.id);
  try {
    if (m.type === 'begin') {
      streams.set(m.id, { sha: createHash('sha256'), crc: 0, size: 0, failed: null });
    } else if (s && s.failed) {
      if (m.type === 'end') { streams.delete(m.id); parentPort.postMessage({ id: m.id, error: s.failed }); }
    } else if (m.type === 'data') {
      const b = Buffer.from(m.buf);
      s.sha.update(b);
      s.crc = crc32(b, s.crc);
      s.size += b.length;
      parentPort.postMessage({ ack: true });
    } else if (m.type === 'file') {
      const fd = openSync(m.path, 'r');
      try {
        for (let at = m.start; at < m.end; ) {
          const n = readSync(fd, scratch, 0, Math.min(scratch.length, m.end - at), at);
          if (n === 0) throw new Error('unexpected end of ' + m.path);
          s.sha.update(scratch.subarray(0, n));
          s.size += n;
          at += n;
        }
      } finally {
        closeSync(fd);
      }
      parentPort.postMessage({ ack: true });
    } else if (m.type === 'end') {
      streams.delete(m.id);
      parentPort.postMessage({ id: m.id, sha256: s.sha.digest('hex'), crc: s.crc >>> 0, size: s.size });
    }
  } catch (error) {
    if (m.type === 'data' || m.type === 'file') parentPort.postMessage({ ack: true });
    if (s) s.failed = String((error && error.message) || error);
    if (m.type === 'end') { streams.delete(m.id); parentPort.postMessage({ id: m.id, error: String((error && error.message) || error) }); }
  }
});
`;

export interface HashResult {
  sha256: string;
  crc32: number;
  size: number;
}

/** Chunks handed over and not yet hashed, at most: the memory an export holds stays bounded. */
const MAX_QUEUED = 16;

/** One background thread computing any number of SHA-256 (+ CRC-32) streams, in message order. */
export class BackgroundHasher {
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true });
  private readonly waiting = new Map<number, { resolve: (r: HashResult) => void; reject: (e: Error) => void }>();
  private next = 1;
  private failure: Error | null = null;
  private queued = 0;
  private roomWaiters: (() => void)[] = [];

  constructor() {
    this.worker.on('message', (m: { id: number; ack?: true; sha256?: string; crc?: number; size?: number; error?: string }) => {
      if (m.ack) {
        this.queued -= 1;
        if (this.queued <= MAX_QUEUED) for (const wake of this.roomWaiters.splice(0)) wake();
        return;
      }
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.error !== undefined) w.reject(new Error(`hashing failed: ${m.error}`));
      else w.resolve({ sha256: m.sha256!, crc32: m.crc!, size: m.size! });
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the hashing thread stopped (exit ${code})`)));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
    for (const wake of this.roomWaiters.splice(0)) wake();
  }

  /** Resolves when the thread has room for more chunks (call before push). */
  room(): Promise<void> {
    if (this.queued <= MAX_QUEUED || this.failure) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  begin(): number {
    const id = this.next++;
    this.worker.postMessage({ type: 'begin', id });
    return id;
  }

  /** Hands `chunk` over to the hashing thread: do not use it afterwards (its memory moves there). */
  push(id: number, chunk: Buffer): void {
    const owns = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
    this.queued += 1;
    if (owns) {
      try {
        this.worker.postMessage({ type: 'data', id, buf: chunk.buffer }, [chunk.buffer as ArrayBuffer]);
        return;
      } catch {
        // memory the engine will not let go of (an external buffer): copied below
      }
    }
    const copy = Uint8Array.prototype.slice.call(chunk).buffer;
    this.worker.postMessage({ type: 'data', id, buf: copy }, [copy]);
  }

  /** Hashes bytes [start, end) of a file (already written and final) into stream `id`. */
  pushFile(id: number, path: string, start: number, end: number): void {
    if (end <= start) return;
    this.queued += 1;
    this.worker.postMessage({ type: 'file', id, path, start, end });
  }

  end(id: number): Promise<HashResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'end', id });
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}
