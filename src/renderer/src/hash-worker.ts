// Hashes live transcripts off the main thread: at 10 MB/s, SHA-256 in JavaScript would take a
// large share of the frame budget the terminal needs. Messages arrive in order, so a digest
// request answers for exactly the bytes sent before it.
import { Sha256 } from './sha256';

export type HashRequest =
  | { type: 'update'; key: string; chunk: Uint8Array }
  | { type: 'digest'; key: string; id: number }
  | { type: 'drop'; key: string };

export interface HashReply {
  id: number;
  hex: string;
  length: number;
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<HashRequest>) => void) | null;
  postMessage(message: HashReply): void;
}

const scope = self as unknown as WorkerScope;
const states = new Map<string, Sha256>();

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'update') {
    let state = states.get(message.key);
    if (!state) {
      state = new Sha256();
      states.set(message.key, state);
    }
    state.update(message.chunk);
  } else if (message.type === 'digest') {
    const state = states.get(message.key) ?? new Sha256();
    scope.postMessage({ id: message.id, hex: state.hex(), length: state.length });
  } else {
    states.delete(message.key);
  }
};
