// Builds the renderer's typed client over a Bridge (the preload's `window.cutover`, or the
// test harness's fetch bridge). Only types come from the contract, so the renderer bundle
// does not carry zod: input is validated where it is trusted, in main.
import type { Bridge, ChannelName, Client } from './contract';
import { unwrap } from './result';

export function createClient(bridge: Bridge): Client {
  const client: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const name of Object.keys(bridge) as (ChannelName | 'subscribe')[]) {
    // Pushes are not calls: the renderer subscribes to them through the bridge itself.
    if (name === 'subscribe') continue;
    const dot = name.indexOf('.');
    const namespace = name.slice(0, dot);
    const method = name.slice(dot + 1);
    const call = bridge[name] as (input: unknown) => Promise<Parameters<typeof unwrap>[0]>;
    (client[namespace] ??= {})[method] = async (input?: unknown) => unwrap(await call(input));
  }
  return client as unknown as Client;
}
