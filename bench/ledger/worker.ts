// One process of `npm run bench:ledger` (run.ts starts them): a writer appending to its vault at a
// paced rate, a publisher beside it publishing as the vault grows (as `ledger publish --follow`
// does), or a follower reading the ledger as `ledger watch` does. Each prints one JSON line last.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LedgerFollower, LedgerPublisher, VaultDoorbell, publisherKey } from '../../src/core/ledger';
import { Vault } from '../../src/core/vault';

const [role, ...args] = process.argv.slice(2);
const arg = (name: string): string => {
  const i = args.indexOf(`--${name}`);
  if (i < 0 || args[i + 1] === undefined) throw new Error(`worker: --${name} is required`);
  return args[i + 1]!;
};
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
// `cutover ledger publish --follow`'s defaults (--poll, --batch, its gather pause) and `ledger watch`'s --poll.
const FOLLOW_POLL_MS = 500;
const FOLLOW_BATCH = 100;
const FOLLOW_GATHER_MS = 20;
const WATCH_POLL_MS = 2000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Appends `count` events at `rate` per second (rate 0: as fast as it goes), each its own durable transaction. */
async function writer(): Promise<void> {
  const vault = Vault.open(arg('vault'), { passphrase: arg('passphrase') });
  const rate = Number(arg('rate'));
  const count = Number(arg('count'));
  let appended = 0;
  const start = performance.now();
  while (appended < count) {
    const due = rate > 0 ? Math.min(count, Math.floor(((performance.now() - start) / 1000) * rate)) : count;
    // At most 50 appends between yields, so a writer that falls behind still lets its timers run.
    for (let n = 0; appended < due && n < 50; n += 1) {
      vault.append({ actor: 'op', type: 'bench.note', payload: { i: appended } });
      appended += 1;
    }
    if (rate > 0 && appended >= due) await sleep(1);
    else await tick();
  }
  const appendSeconds = (performance.now() - start) / 1000;
  vault.close();
  process.stdout.write(`${JSON.stringify({ appended, appendSeconds })}\n`);
}

/**
 * Publishes the vault as it grows, as `cutover ledger publish --follow` does with its defaults:
 * one LedgerPublisher (one connection), woken by the vault's doorbell, looking at least every
 * FOLLOW_POLL_MS, batches of FOLLOW_BATCH; until the ledger holds `until`.
 */
async function publisher(): Promise<void> {
  // Publishing only reads the vault: a read-only handle beside the writer's (WAL), its type widened.
  const vault = Vault.openReadOnly(arg('vault'), { passphrase: arg('passphrase') }) as unknown as Vault;
  const until = Number(arg('until'));
  const signer = await publisherKey(vault);
  const doorbell = new VaultDoorbell(vault.path);
  const ledger = new LedgerPublisher(vault, { signer, batch: FOLLOW_BATCH });
  process.stdout.write('{"ready":true}\n');
  let head = 0;
  let calls = 0;
  // Each committed batch: its events and the time since the previous batch (or the call's start).
  const batches: Array<{ events: number; ms: number }> = [];
  while (head < until) {
    if (vault.head().seq > head) {
      let last = performance.now();
      let done = 0;
      head = (await ledger.publish((published) => {
        const now = performance.now();
        batches.push({ events: published - done, ms: now - last });
        done = published;
        last = now;
      })).head;
      calls += 1;
    } else {
      await doorbell.wait(FOLLOW_POLL_MS);
      // As `publish --follow` does: a moment for the appends right behind the one that rang.
      if (vault.head().seq > head) await sleep(FOLLOW_GATHER_MS);
    }
  }
  doorbell.close();
  await ledger.close();
  vault.close();
  process.stdout.write(`${JSON.stringify({ calls, batches, watching: doorbell.watching })}\n`);
}

/** Follows the ledger until it has seen `count` bench events of the writer; prints each one's lag from its append. */
async function follower(): Promise<void> {
  const count = Number(arg('count'));
  const heads = join(mkdtempSync(join(tmpdir(), 'cutover-bench-follower-')), 'heads.json');
  const follower = await LedgerFollower.open(arg('db'), heads);
  process.stdout.write('{"ready":true}\n');
  const lags: number[] = [];
  const fromPublish: number[] = [];
  let reads = 0;
  // Each read: how long it took (query, check, heads saved) and how many events it brought.
  const readStats: Array<{ events: number; ms: number }> = [];
  while (lags.length < count) {
    const started = performance.now();
    const read = await follower.read();
    readStats.push({ events: read.events.length, ms: performance.now() - started });
    reads += 1;
    const now = Date.now();
    if (read.problems.length) throw new Error(`follower: ${JSON.stringify(read.problems)}`);
    for (const e of read.events) {
      if (e.type !== 'bench.note') continue;
      lags.push(now - Date.parse(e.at));
      fromPublish.push(now - Date.parse(e.publishedAt));
    }
    if (lags.length < count) await follower.waitForDoorbell(WATCH_POLL_MS);
  }
  await follower.close();
  process.stdout.write(`${JSON.stringify({ lags, fromPublish, reads, readStats })}\n`);
}

if (role === 'writer') await writer();
else if (role === 'publisher') await publisher();
else if (role === 'follower') await follower();
else throw new Error(`worker: unknown role ${role}`);
