// A running SHA-256 per live transcript, computed in a worker (./hash-worker.ts) where the page
// allows one, else on the main thread. Either way the digest covers exactly the bytes given.
import type { HashReply, HashRequest } from './hash-worker';
import { Sha256 } from './sha256';

export interface RunningHash {
  update(chunk: Uint8Array): void;
  digest(): Promise<{ hex: string; length: number }>;
  drop(): void;
}

let worker: Worker | null | undefined;
let nextId = 1;
const waiting = new Map<number, (reply: HashReply) => void>();

function sharedWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<HashReply>) => {
      const resolve = waiting.get(event.data.id);
      waiting.delete(event.data.id);
      resolve?.(event.data);
    };
    worker.onerror = () => {
      // The worker could not load: what it hashed is lost, so nothing waiting can be proven.
      worker?.terminate();
      worker = null;
      for (const [id, resolve] of waiting) resolve({ id, hex: '', length: -1 });
      waiting.clear();
    };
  } catch {
    worker = null;
  }
  return worker;
}

let keys = 0;

export function runningHash(): RunningHash {
  const w = sharedWorker();
  if (!w) {
    const local = new Sha256();
    return { update: (chunk) => void local.update(chunk), digest: async () => ({ hex: local.hex(), length: local.length }), drop: () => undefined };
  }
  const key = `h${keys++}`;
  const send = (message: HashRequest, transfer: Transferable[] = []) => w.postMessage(message, transfer);
  return {
    update(chunk) {
      if (!worker) return;
      // The page keeps its bytes for the terminal; the worker gets its own copy.
      const copy = chunk.slice();
      send({ type: 'update', key, chunk: copy }, [copy.buffer]);
    },
    digest() {
      const id = nextId++;
      return new Promise((resolve) => {
        if (!worker) return resolve({ hex: '', length: -1 });
        waiting.set(id, (reply) => resolve({ hex: reply.hex, length: reply.length }));
        send({ type: 'digest', key, id });
      });
    },
    drop: () => send({ type: 'drop', key }),
  };
}
