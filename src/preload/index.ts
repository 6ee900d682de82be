// The renderer's only door: one function per contract channel, each invoking its own
// allow-listed IPC channel. ipcRenderer itself never crosses the bridge. Results come back as
// envelopes (plain data) because contextBridge would strip an Error's name and code; the
// renderer's client (src/shared/client.ts) rethrows them.
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL_PREFIX, channelNames, isChannelName, type Bridge } from '../shared/contract';
import { isPushMessage, PUSH_CHANNEL, type PushListener } from '../shared/push';

function invoker(name: string): (input?: unknown) => Promise<unknown> {
  if (!isChannelName(name)) throw new Error(`refusing to expose unknown channel ${name}`);
  const channel = CHANNEL_PREFIX + name;
  return (input?: unknown) => ipcRenderer.invoke(channel, input);
}

/** Pushes from main: the listener gets the message only, never Electron's event (it holds the sender). */
function subscribe(listener: PushListener): () => void {
  if (typeof listener !== 'function') throw new TypeError('subscribe needs a function');
  const handler = (_event: unknown, message: unknown) => {
    if (isPushMessage(message)) listener(message);
  };
  ipcRenderer.on(PUSH_CHANNEL, handler);
  return () => {
    ipcRenderer.removeListener(PUSH_CHANNEL, handler);
  };
}

const bridge = Object.freeze({ ...Object.fromEntries(channelNames.map((name) => [name, invoker(name)])), subscribe }) as unknown as Bridge;

contextBridge.exposeInMainWorld('cutover', bridge);
