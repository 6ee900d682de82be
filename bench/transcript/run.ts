// `npm run bench:transcript`: a remote command writing BYTES (default 1 GiB) over SSH to a
// loopback sshd, captured by the engine into the vault (redacted, gated, hashed, chunked),
// next to the baseline: the OpenSSH client running the same command piped to `sha256sum`.
// Prints the ratio of times (target ≤ 1.2, issue 17), the engine's peak RSS (target < 250 MB) and the
// rate of progress updates sent to the screen (target ≤ ~30 a second).
//
// BENCH_TRANSCRIPT_BYTES overrides the size (e.g. 64MiB); BENCH_TRANSCRIPT_ROUNDS the number of rounds
// (default 3), each the baseline then the engine, the median round's ratio reported.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSshd } from '../../test/helpers/sshd';
import { parseBytes } from '../vault/bytes';

const HERE = dirname(fileURLToPath(import.meta.url));
const bytes = parseBytes(process.env.BENCH_TRANSCRIPT_BYTES?.trim() || '1GiB');
const rounds = Number(process.env.BENCH_TRANSCRIPT_ROUNDS?.trim() || '3');
if (!Number.isSafeInteger(rounds) || rounds < 1 || rounds > 20) throw new Error(`BENCH_TRANSCRIPT_ROUNDS must be a whole number from 1 to 20; got ${process.env.BENCH_TRANSCRIPT_ROUNDS}`);
const command = `head -c ${bytes} /dev/urandom | base64 -w 100`;

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
const loadStart = load();

interface Round { baselineMs: number; engineMs: number; size: number; progressUpdates: number; status: string; rssMiB: number }

/** The baseline once: the OpenSSH client running the command, piped to sha256sum. */
function baselineRound(sshArgs: string[]): number {
  const t0 = process.hrtime.bigint();
  const baseline = spawnSync('sh', ['-c', `ssh ${sshArgs.map((a) => `'${a}'`).join(' ')} | sha256sum`], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (baseline.status !== 0) throw new Error(`baseline failed: ${baseline.stderr}`);
  return ms(t0);
}

/** The engine once, in its own process (worker.ts) so its peak RSS is its own. */
async function engineRound(config: string): Promise<Omit<Round, 'baselineMs'>> {
  const worker = spawn('/usr/bin/time', ['-f', '%M', process.execPath, ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), '--import', 'tsx', join(HERE, 'worker.ts'), config], { env: { ...process.env, CUTOVER_SCRYPT_LOG2N: '14' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  worker.stdout.on('data', (d: Buffer) => (out += d));
  worker.stderr.on('data', (d: Buffer) => (err += d));
  const code = await new Promise<number | null>((r) => worker.on('close', r));
  if (code !== 0) throw new Error(`engine worker failed (${code}): ${err}`);
  const result = JSON.parse(out) as { engineMs: number; size: number; progressUpdates: number; status: string };
  return { ...result, rssMiB: Number(err.trim().split('\n').at(-1)) / 1024 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-transcript-'));
  const sshd = await startSshd();
  try {
    const sshArgs = ['-p', String(sshd.port), '-i', sshd.clientKey.path, '-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`, '-o', 'BatchMode=yes', `${sshd.user}@127.0.0.1`, command];
    // Warm up once (sshd, caches); then ROUNDS rounds, each the baseline then the engine, so both
    // sides see the same machine weather; the ratio reported is the median round's.
    spawnSync('ssh', [...sshArgs.slice(0, -1), 'true']);
    const results: Round[] = [];
    for (let i = 0; i < rounds; i += 1) {
      // Each round's vault in its own folder, removed after the round (1 GiB of segments each).
      const roundDir = join(dir, `round-${i + 1}`);
      mkdirSync(roundDir);
      const config = join(roundDir, 'bench.json');
      writeFileSync(config, JSON.stringify({ dir: roundDir, port: sshd.port, user: sshd.user, key: sshd.clientKey.path, hostKey: sshd.hostKeyFingerprint, command }));
      results.push({ baselineMs: baselineRound(sshArgs), ...(await engineRound(config)) });
      rmSync(roundDir, { recursive: true, force: true });
    }
    const median = [...results].sort((a, b) => a.engineMs / a.baselineMs - b.engineMs / b.baselineMs)[Math.floor(rounds / 2)]!;
    const ratio = median.engineMs / median.baselineMs;
    const rssMiB = Math.max(...results.map((r) => r.rssMiB));
    const rate = Math.max(...results.map((r) => r.progressUpdates / (r.engineMs / 1000)));
    const row = (name: string, value: string, target: string, ok: boolean) => console.log(`${name.padEnd(44)} ${value.padStart(14)}   target ${target.padEnd(10)} ${ok ? 'PASS' : 'MISS'}`);
    console.log(`bench/transcript: ${command}  (${(median.size / 2 ** 20).toFixed(0)} MiB of output over SSH to a loopback sshd), ${rounds} round(s)`);
    console.log(`load average ${loadStart} at the start, ${load()} at the end, on ${cpus().length} CPUs (other work on the machine moves both sides)\n`);
    console.log('round  baseline: ssh … | sha256sum   engine: run step → vault   ratio');
    for (const [i, r] of results.entries()) console.log(`${String(i + 1).padStart(5)}  ${`${(r.baselineMs / 1000).toFixed(2)} s`.padStart(27)}  ${`${(r.engineMs / 1000).toFixed(2)} s (step ${r.status})`.padStart(25)}  ${(r.engineMs / r.baselineMs).toFixed(2)}`);
    console.log('');
    row('time, engine / baseline (median round)', ratio.toFixed(2), '≤ 1.2', ratio <= 1.2);
    row('peak RSS of the engine process (largest)', `${rssMiB.toFixed(0)} MiB`, '< 250 MB', rssMiB * 1.048576 < 250);
    row('progress updates to the screen per second', rate.toFixed(1), '≤ ~30', rate <= 31);
  } finally {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
