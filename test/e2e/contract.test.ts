// The contract as the renderer meets it, over the harness's HTTP transport (no browser): input is
// parsed with the channel's zod schema, errors come back as data, and the client rethrows them
// as Errors with their name and code.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { channelNames, type Bridge, type ChannelName } from '../../src/shared/contract';
import { createClient } from '../../src/shared/client';
import { ContractError, type Result } from '../../src/shared/result';
import { startHarness, type Harness } from '../harness/server';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';

describe('the contract over the loopback harness', () => {
  let tmp: string;
  let harness: Harness;

  const post = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(new URL(`rpc/${channel}`, harness.url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  /** fetch() may not set Host, so a DNS-rebinding caller is played with node:http. */
  const statusWithHost = (host: string) =>
    new Promise<number>((done, reject) => {
      const url = new URL('rpc/vault.status', harness.url);
      const req = request(url, { method: 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });

  /** The same Bridge shape the preload exposes, over Node's fetch. */
  function httpBridge(): Bridge {
    const entries = channelNames.map((name: ChannelName) => [name, async (input: unknown) => (await post(name, input === undefined ? {} : { input })).json() as Promise<Result<unknown>>]);
    return Object.fromEntries(entries) as Bridge;
  }

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'cutover-contract-'));
    // Only the RPC side is exercised here; a stub page is enough.
    writeFileSync(join(tmp, 'index.html'), '<!doctype html><script type="module" src="./app.js"></script>');
    harness = await startHarness({ rendererDir: tmp, defaultVaultPath: join(tmp, 'default', 'cutover.vault'), keychain: null, autoLockMs: null });
  });

  afterAll(async () => {
    await harness?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses input that does not match the channel schema, as data', async () => {
    const relative = (await (await post('vault.unlock', { input: { path: 'cutover.vault', passphrase: 'x' } })).json()) as Result<unknown>;
    expect(relative).toEqual({ ok: false, error: { name: 'InvalidInputError', code: 'BAD_INPUT', message: expect.stringContaining('absolute path') } });
    const extra = (await (await post('vault.unlock', { input: { path: join(tmp, 'a.vault'), passphrase: 'x', admin: true } })).json()) as Result<unknown>;
    expect(extra).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const short = (await (await post('vault.create', { input: { path: join(tmp, 'b.vault'), passphrase: 'short' } })).json()) as Result<unknown>;
    expect(short).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining('at least 8') } });
  });

  it('names unknown channels and refuses callers that are not the page', async () => {
    expect(await (await post('fs.readFile', {})).json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await statusWithHost('evil.example')).toBe(403);
    expect(await statusWithHost(new URL(harness.url).host)).toBe(200);
    const form = await fetch(new URL('rpc/vault.status', harness.url), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(403);
  });

  it('rethrows errors on the client side as Errors with name and code', async () => {
    const client = createClient(httpBridge());
    const missing = join(tmp, 'nowhere.vault');
    const error = await client.vault.unlock({ path: missing, passphrase: 'whatever' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toMatchObject({ name: 'VaultNotFoundError', code: 'VAULT_NOT_FOUND', message: expect.stringContaining(missing) });
    await expect(client.events.list({})).rejects.toMatchObject({ name: 'VaultLockedError', code: 'VAULT_LOCKED' });
    await expect(client.vault.remember()).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
  });

  it('pages the timeline newest first', async () => {
    const client = createClient(httpBridge());
    const path = join(tmp, 'paged.vault');
    const status = await client.vault.create({ path, passphrase: 'correct horse battery staple' });
    expect(status).toMatchObject({ unlocked: true, path, head: { seq: 1 }, keychainAvailable: false });
    // No channel appends events yet, so they are written through core while the app has it locked.
    await client.vault.lock();
    const direct = Vault.open(path, { passphrase: 'correct horse battery staple' });
    for (let i = 0; i < 11; i += 1) direct.append({ actor: 'dba', type: 'note', payload: { i } });
    direct.close();
    await client.vault.unlock({ path, passphrase: 'correct horse battery staple' });

    const first = await client.events.list({ limit: 5 });
    expect(first.events.map((e) => e.seq)).toEqual([12, 11, 10, 9, 8]);
    expect(first).toMatchObject({ head: { seq: 12 }, hasOlder: true });
    const second = await client.events.list({ beforeSeq: 8, limit: 5 });
    expect(second.events.map((e) => e.seq)).toEqual([7, 6, 5, 4, 3]);
    const last = await client.events.list({ beforeSeq: 3, limit: 5 });
    expect(last.events.map((e) => e.seq)).toEqual([2, 1]);
    expect(last.hasOlder).toBe(false);
    expect(last.events[1]).toMatchObject({ type: 'vault.created', actor: 'system', prevHash: '0'.repeat(64) });
    await client.vault.lock();
  });
});
