// The renderer's only door: one function per contract channel, each invoking its own
// allow-listed IPC channel. ipcRenderer itself never crosses the bridge. Results come back as
// envelopes (plain data) because contextBridge would strip an Error's name and code; the
// renderer's client (src/shared/client.ts) rethrows them.
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL_PREFIX, channelNames, isChannelName, type Bridge } from '../shared/contract';

function invoker(name: string): (input?: unknown) => Promise<unknown> {
  if (!isChannelName(name)) throw new Error(`refusing to expose unknown channel ${name}`);
  const channel = CHANNEL_PREFIX + name;
  return (input?: unknown) => ipcRenderer.invoke(channel, input);
}

const bridge = Object.freeze(Object.fromEntries(channelNames.map((name) => [name, invoker(name)]))) as unknown as Bridge;

contextBridge.exposeInMainWorld('cutover', bridge);
