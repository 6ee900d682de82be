// `npm run bench:ledger` (issue 15, "How fast"): one writer appending 1,000 events/s to its vault,
// a publisher process beside it publishing them as the vault grows (as `ledger publish --follow`
// does), and 3 followers on loopback reading the ledger as `ledger watch` does, each its own process:
//   - publish lag: an event's append (its `at`) to the ledger's insert (published_at), p50/p95
//   - follow lag: an event's append to a follower holding it, checked, p50/p95 (all followers)
//   - writer throughput: the same appends as fast as they go, a publisher beside them vs no ledger
//     (two interleaved runs of each, the better of each kept)
// Targets: follow lag p95 under 250 ms; the writer keeps at least 80 % of its throughput.
// A throwaway database on PGURL (default postgresql://postgres@127.0.0.1:5432/postgres) holds the
// ledger and is dropped at the end. `-- --json` prints the figures as JSON.
// Environment: BENCH_LEDGER_RATE (1000), BENCH_LEDGER_SECONDS (10), BENCH_LEDGER_FOLLOWERS (3),
// BENCH_LEDGER_THROUGHPUT_EVENTS (5000), BENCH_LEDGER_CPU_PROF (a folder: each worker writes its
// CPU profile there, by role).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { addIdentityFrom, proveOwnerInPlace } from '../../src/core/identity';
import { initLedger, joinLedger, publishVault } from '../../src/core/ledger';
import { Vault } from '../../src/core/vault';

process.env.CUTOVER_SCRYPT_LOG2N = '14';
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const WORKER = join(HERE, 'worker.ts');
const PASSPHRASE = 'benchmark passphrase';
const json = process.argv.slice(2).includes('--json');
const say = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};
const RATE = num('BENCH_LEDGER_RATE', 1000);
const SECONDS = num('BENCH_LEDGER_SECONDS', 10);
const FOLLOWERS = num('BENCH_LEDGER_FOLLOWERS', 3);
const THROUGHPUT_EVENTS = num('BENCH_LEDGER_THROUGHPUT_EVENTS', 5000);
const PGURL = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** A folder for each worker's CPU profile (node --cpu-prof), by role: where a stage's time goes. */
const PROFILE_DIR = process.env.BENCH_LEDGER_CPU_PROF;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
}

interface Worker { lines: Promise<string[]>; ready: Promise<void> }

function startWorker(args: string[]): Worker {
  const profile = PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', join(PROFILE_DIR, args[0]!)] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', WORKER, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CUTOVER_SCRYPT_LOG2N: '14' } });
  let out = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString('utf8');
    if (out.includes('{"ready":true}')) markReady();
  });
  const lines = new Promise<string[]>((resolve, reject) => {
    child.on('close', (code) => (code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`worker ${args[0]} exited ${code}`))));
  });
  return { lines, ready };
}

async function lastJson<T>(w: Worker): Promise<T> {
  return JSON.parse((await w.lines).at(-1)!) as T;
}

async function ownedVault(path: string): Promise<Vault> {
  const vault = Vault.create(path, PASSPHRASE);
  await addIdentityFrom(vault, { name: 'op', roles: ['operator'], source: { kind: 'generate' }, actor: 'bench' });
  await proveOwnerInPlace(vault, { name: 'op', actor: 'bench' });
  return vault;
}

interface WriterResult { appended: number; appendSeconds: number }

const writer = (vault: string, rate: number, count: number) =>
  lastJson<WriterResult>(startWorker(['writer', '--vault', vault, '--passphrase', PASSPHRASE, '--rate', String(rate), '--count', String(count)]));

/** A writer with a publisher process beside it (started first, ready before the first append). */
interface Batch { events: number; ms: number }

async function writerPublishing(vault: string, rate: number, count: number, headBefore: number): Promise<WriterResult & { publishCalls: number; batches: Batch[]; drainedSeconds: number }> {
  const publisher = startWorker(['publisher', '--vault', vault, '--passphrase', PASSPHRASE, '--until', String(headBefore + count)]);
  await publisher.ready;
  const start = performance.now();
  const written = await writer(vault, rate, count);
  const { calls, batches } = await lastJson<{ calls: number; batches: Batch[] }>(publisher);
  return { ...written, publishCalls: calls, batches, drainedSeconds: (performance.now() - start) / 1000 };
}

/** p50/p95/max of a list, for the stage figures. */
function spread(xs: number[]): { p50: number; p95: number; max: number; n: number } {
  return { p50: quantile(xs, 0.5), p95: quantile(xs, 0.95), max: xs.length ? Math.max(...xs) : NaN, n: xs.length };
}

function stagesOf(batches: Batch[], seen: Array<{ fromPublish: number[]; readStats: Batch[] }>) {
  const reads = seen.flatMap((s) => s.readStats).filter((r) => r.events > 0);
  const per = (xs: Batch[]) => (xs.reduce((a, b) => a + b.ms, 0) * 1000) / Math.max(1, xs.reduce((a, b) => a + b.events, 0));
  return {
    insertToFollowerMs: spread(seen.flatMap((s) => s.fromPublish)),
    publishBatch: { count: batches.length, events: spread(batches.map((b) => b.events)), ms: spread(batches.map((b) => b.ms)), usPerEvent: per(batches) },
    followerRead: { count: reads.length, events: spread(reads.map((r) => r.events)), ms: spread(reads.map((r) => r.ms)), usPerEvent: per(reads) },
  };
}

async function main(): Promise<void> {
  const dbName = `cw_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PGURL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(PGURL);
  url.pathname = `/${dbName}`;
  const db = url.toString();
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-ledger-'));
  try {
    const count = Math.round(RATE * SECONDS);
    say(`ledger bench: ${RATE} events/s for ${SECONDS} s (${count} events), ${FOLLOWERS} followers, ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    await initLedger(db);
    const withLedger = join(dir, 'writer.vault');
    const v = await ownedVault(withLedger);
    await joinLedger(v, { db, workstation: 'writer', actor: 'op' });
    const headBefore = (await publishVault(v, {})).head;
    v.close();
    const baselineVault = join(dir, 'baseline.vault');
    (await ownedVault(baselineVault)).close();

    // 1. Paced writer with followers: the lags.
    const followers = Array.from({ length: FOLLOWERS }, () => startWorker(['follower', '--db', db, '--count', String(count)]));
    await Promise.all(followers.map((f) => f.ready));
    const paced = await writerPublishing(withLedger, RATE, count, headBefore);
    const seen = await Promise.all(followers.map((f) => lastJson<{ lags: number[]; fromPublish: number[]; reads: number; readStats: Batch[] }>(f)));
    const check = new pg.Client({ connectionString: db });
    await check.connect();
    const rows = (await check.query<{ lag: number }>(`SELECT extract(epoch FROM published_at - (convert_from(event, 'UTF8')::json->>'at')::timestamptz) * 1000 AS lag FROM cutover_ledger.events WHERE workstation = 'writer' AND convert_from(event, 'UTF8')::json->>'type' = 'bench.note'`)).rows;
    await check.end();
    const publishLag = rows.map((r) => Number(r.lag));
    const followLag = seen.flatMap((s) => s.lags);
    const pacedBaseline = await writer(baselineVault, RATE, count);

    // 2. Throughput: as fast as the writer goes, publishing beside it vs no ledger.
    // Interleaved, twice each, the better run of each kept: a machine shared with other work
    // swings more between two runs than a publisher costs.
    const withRates: number[] = [];
    const baseRates: number[] = [];
    let head = headBefore + count;
    for (let round = 0; round < 2; round += 1) {
      const fastLedger = await writerPublishing(withLedger, 0, THROUGHPUT_EVENTS, head);
      head += THROUGHPUT_EVENTS;
      withRates.push(fastLedger.appended / fastLedger.appendSeconds);
      const fastBaseline = await writer(baselineVault, 0, THROUGHPUT_EVENTS);
      baseRates.push(fastBaseline.appended / fastBaseline.appendSeconds);
    }
    const withRate = Math.max(...withRates);
    const baseRate = Math.max(...baseRates);

    const result = {
      settings: { rate: RATE, seconds: SECONDS, followers: FOLLOWERS, events: count, throughputEvents: THROUGHPUT_EVENTS },
      paced: { achievedRate: paced.appended / paced.appendSeconds, baselineAchievedRate: pacedBaseline.appended / pacedBaseline.appendSeconds, publishCalls: paced.publishCalls, drainedSeconds: paced.drainedSeconds },
      publishLagMs: { p50: quantile(publishLag, 0.5), p95: quantile(publishLag, 0.95), max: Math.max(...publishLag), n: publishLag.length },
      followLagMs: { p50: quantile(followLag, 0.5), p95: quantile(followLag, 0.95), max: Math.max(...followLag), n: followLag.length, target95: 250, pass: quantile(followLag, 0.95) < 250 },
      followerReads: seen.map((s) => s.reads),
      // Each stage of the follow lag: append -> ledger insert (publish lag above), insert -> a
      // follower holding it checked, and what one publish batch and one follower read cost.
      stages: stagesOf(paced.batches, seen),
      throughput: { withLedger: withRate, noLedger: baseRate, kept: withRate / baseRate, target: 0.8, pass: withRate / baseRate >= 0.8, runs: { withLedger: withRates, noLedger: baseRates } },
      load: loadavg(),
    };
    if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    say(`paced writer: ${result.paced.achievedRate.toFixed(0)} events/s achieved with the ledger (no ledger: ${result.paced.baselineAchievedRate.toFixed(0)}), ${paced.publishCalls} publishes, all published after ${paced.drainedSeconds.toFixed(2)} s`);
    say(`publish lag   p50 ${result.publishLagMs.p50.toFixed(0)} ms  p95 ${result.publishLagMs.p95.toFixed(0)} ms  max ${result.publishLagMs.max.toFixed(0)} ms  (${publishLag.length} events)`);
    say(`follow lag    p50 ${result.followLagMs.p50.toFixed(0)} ms  p95 ${result.followLagMs.p95.toFixed(0)} ms  max ${result.followLagMs.max.toFixed(0)} ms  (${followLag.length} events over ${FOLLOWERS} followers; reads ${result.followerReads.join(', ')})  target p95 < 250 ms: ${result.followLagMs.pass ? 'PASS' : 'MISS'}`);
    const st = result.stages;
    say(`  stage: insert -> follower holds it checked  p50 ${st.insertToFollowerMs.p50.toFixed(0)} ms  p95 ${st.insertToFollowerMs.p95.toFixed(0)} ms  max ${st.insertToFollowerMs.max.toFixed(0)} ms`);
    say(`  stage: publish batches ${st.publishBatch.count}: events p50 ${st.publishBatch.events.p50} max ${st.publishBatch.events.max}, ms p50 ${st.publishBatch.ms.p50.toFixed(1)} p95 ${st.publishBatch.ms.p95.toFixed(1)}; ${st.publishBatch.usPerEvent.toFixed(0)} µs per event (sign, insert, commit)`);
    say(`  stage: follower reads ${st.followerRead.count}: events p50 ${st.followerRead.events.p50} max ${st.followerRead.events.max}, ms p50 ${st.followerRead.ms.p50.toFixed(1)} p95 ${st.followerRead.ms.p95.toFixed(1)}; ${st.followerRead.usPerEvent.toFixed(0)} µs per event (read, check, heads saved)`);
    say(`throughput    ${withRate.toFixed(0)} events/s publishing beside  vs  ${baseRate.toFixed(0)} events/s no ledger: kept ${(result.throughput.kept * 100).toFixed(0)} % (target >= 80 %): ${result.throughput.pass ? 'PASS' : 'MISS'}  (best of 2 interleaved runs each: ${withRates.map((r) => r.toFixed(0)).join(', ')} vs ${baseRates.map((r) => r.toFixed(0)).join(', ')})`);
    say(`load average  ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

await main();
