// `node --import tsx bench/pack/run.ts`: the decision pack's speed next to stock tools over the
// same files, in one run (issue 5, "How fast"):
//
//   1. `cutover pack export` of a run with BENCH_PACK_BYTES (default 1 GiB) of transcripts
//      (folder + deterministic zip, every transcript streamed out of the encrypted vault and
//      re-hashed)   vs   `sha256sum` over the exported folder's files + `zip -0 -r` of it.
//      Target ratio <= 1.5.
//   2. `cutover pack verify FOLDER` (two approvers' signatures, policy)   vs   `sha256sum -c
//      SHA256SUMS` in the folder. Target ratio <= 1.2. The zip is verified too (shown apart).
//
// Every command is a child process timed from here (wall) and by GNU time (CPU, peak RSS).
// Each pair runs BENCH_PACK_ROUNDS times (default 3), alternating, and the best wall time of
// each counts: this machine is shared, so the minimum is the least noisy estimate. The ratio
// uses wall time; CPU time is printed beside it. Exit 0 unless something crashed.
//
// Environment: BENCH_PACK_BYTES (e.g. 256MiB), BENCH_PACK_ROUNDS, BENCH_PACK_TMPDIR.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunEngine } from '../../src/core/engine';
import type { Signer } from '../../src/core/signing';
import { signPack } from '../../src/core/pack';
import { createExecutor } from '../../src/core/targets';
import { Vault } from '../../src/core/vault';
import { addPeople } from '../../test/helpers/people';
import { parseBytes } from '../vault/bytes';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const CLI = join(ROOT, 'bin/cutover.mjs');
const GNU_TIME = '/usr/bin/time';
const MiB = 1024 * 1024;
const PASSPHRASE = 'correct horse battery staple';
const STEPS = 4;

const bytes = parseBytes(process.env.BENCH_PACK_BYTES?.trim() || '1GiB');
const rounds = Math.max(1, Number(process.env.BENCH_PACK_ROUNDS?.trim() || '3'));
const tmpBase = process.env.BENCH_PACK_TMPDIR?.trim() || tmpdir();
process.env.CUTOVER_SCRYPT_LOG2N = '14';
const childEnv = { ...process.env, CUTOVER_SCRYPT_LOG2N: '14', CUTOVER_PASSPHRASE: PASSPHRASE, CUTOVER_ACTOR: 'ana' };

interface Ran {
  wallMs: number;
  cpuMs: number | null;
  maxRssKiB: number | null;
  code: number | null;
  stdout: string;
}

const TIME_MARK = '@@bench-time ';

function run(command: string, args: string[], cwd = ROOT, okCodes = [0]): Promise<Ran> {
  const timed = existsSync(GNU_TIME);
  const [file, argv] = timed ? [GNU_TIME, ['-f', `${TIME_MARK}%U %S %M`, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(file, argv, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - start;
      const mark = stderr.split('\n').find((l) => l.startsWith(TIME_MARK));
      if (!okCodes.includes(code ?? -1)) {
        reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr.split('\n').filter((l) => !l.startsWith(TIME_MARK)).join('\n')}\n${stdout.slice(0, 2000)}`));
        return;
      }
      const [user, sys, rss] = mark ? mark.slice(TIME_MARK.length).split(' ').map(Number) : [];
      resolve({ wallMs, cpuMs: user !== undefined && sys !== undefined ? (user + sys) * 1000 : null, maxRssKiB: rss ?? null, code, stdout });
    });
  });
}

const cutover = (args: string[], okCodes = [0]) => run(process.execPath, [CLI, ...args], ROOT, okCodes);

/** A log-like transcript source: numbered lines of migration output, `size` bytes. */
async function writeTranscriptSource(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  let written = 0;
  let n = 0;
  while (written < size) {
    const lines: string[] = [];
    for (let i = 0; i < 4096; i++, n++) lines.push(`2025-03-04T05:06:${String(n % 60).padStart(2, '0')}.${String(n % 1000).padStart(3, '0')}Z INFO  [alembic.runtime.migration] Running upgrade step ${n} -> ${(n * 2654435761 >>> 0).toString(16)}, table chunk ${n % 977}`);
    let block = `${lines.join('\n')}\n`;
    if (written + block.length > size) block = block.slice(0, size - written);
    written += block.length;
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

function runbook(source: string): string {
  const steps = Array.from({ length: STEPS }, (_, i) => `
      - id: transcript-${i + 1}
        kind: check
        title: Transcript ${i + 1}
        target: ws
        run: "cat '${source}'; echo 'part ${i + 1} done'"
        read_only: true
        timeout: 30m
        expect: [ { exit_code: 0 } ]
        evidence: prod_transcript_${i + 1}.log`).join('');
  return `
format: cutover-runbook/v1
id: bench-pack
title: Pack benchmark
version: "1"
policy: { approvals: { quorum: 2 } }
targets:
  ws: { kind: local }
phases:
  - id: P0
    title: Big transcripts
    steps:${steps}
`;
}

const secs = (ms: number | null) => (ms === null || !Number.isFinite(ms) ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
const mib = (kib: number | null) => (kib === null ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`);
const human = (n: number) => (n >= 1024 * MiB ? `${(n / 1024 / MiB).toFixed(2)} GiB` : `${(n / MiB).toFixed(1)} MiB`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

interface Best {
  wallMs: number;
  cpuMs: number | null;
  maxRssKiB: number | null;
}

function best(runs: Ran[]): Best {
  const fastest = runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  return { wallMs: fastest.wallMs, cpuMs: fastest.cpuMs, maxRssKiB: Math.max(...runs.map((r) => r.maxRssKiB ?? 0)) || null };
}

function sum(parts: Ran[]): Ran {
  return { wallMs: parts.reduce((s, r) => s + r.wallMs, 0), cpuMs: parts.every((r) => r.cpuMs !== null) ? parts.reduce((s, r) => s + r.cpuMs!, 0) : null, maxRssKiB: Math.max(...parts.map((r) => r.maxRssKiB ?? 0)) || null, code: 0, stdout: '' };
}

function filesOf(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    return e.isDirectory() ? filesOf(root, rel) : [rel];
  }).sort();
}

async function main(): Promise<void> {
  for (const tool of ['sha256sum', 'zip']) if (spawnSync(tool, ['--version']).error) throw new Error(`${tool} is not on PATH; it is the baseline.`);
  const dir = mkdtempSync(join(tmpBase, 'cutover-bench-pack-'));
  const onSignal = () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  try {
    const perStep = Math.floor(bytes / STEPS);
    console.log(`\nPack benchmark: ${STEPS} transcripts of ${human(perStep)} (${human(perStep * STEPS)}) in a vault; ${rounds} round(s), best wall time counts; temp dir ${dir}`);
    console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${spawnSync('nproc').stdout?.toString().trim()} CPUs`);

    // ---- setup (not measured): a vault with a finished run whose transcripts total BYTES.
    const t0 = performance.now();
    const source = join(dir, 'transcript-source.log');
    await writeTranscriptSource(source, perStep - `part 1 done\n`.length);
    const vaultPath = join(dir, 'bench.vault');
    const vault = Vault.create(vaultPath, PASSPHRASE);
    let runId: string;
    let keys: Record<string, Signer>;
    try {
      // ana owns the vault; gov1 and gov2 hold keys of their own (proven), which sign the pack below.
      const { people, keyring } = await addPeople(vault, [['ana', ['operator']], ['gov1', ['approver']], ['gov2', ['approver']]]);
      keys = { gov1: people.get('gov1')!.signer, gov2: people.get('gov2')!.signer };
      const engine = new RunEngine(vault, { actor: 'ana', keyring, executors: createExecutor });
      runId = (await engine.startRun({ text: runbook(source), source: 'bench-pack.yaml', environment: 'rehearsal' })).runId;
      for (let i = 1; i <= STEPS; i++) {
        const outcome = await engine.executeStep(runId, `transcript-${i}`);
        if (outcome.status !== 'PASS') throw new Error(`setup step transcript-${i} ${outcome.status}`);
      }
    } finally {
      vault.close();
    }
    rmSync(source);
    const total = Vault.open(vaultPath, { passphrase: PASSPHRASE });
    const transcriptBytes = total.artifacts().filter((a) => a.name.startsWith('prod_transcript_')).reduce((n, a) => n + a.size, 0);
    total.close();
    console.log(`setup: ${human(transcriptBytes)} of transcripts in the vault in ${secs(performance.now() - t0)}\n`);

    // ---- 1. export vs sha256sum + zip -0 -r over the same files
    const exports: Ran[] = [];
    const baselines: Ran[] = [];
    let folder = '';
    let zipPath = '';
    for (let r = 0; r < rounds; r++) {
      const out = join(dir, `export-${r}`);
      exports.push(await cutover(['pack', 'export', '--vault', vaultPath, runId, '--out', out, '--json']));
      const built = JSON.parse(exports.at(-1)!.stdout) as { folder: string; zip: string; zipSha256: string };
      if (r === 0) {
        folder = built.folder;
        zipPath = built.zip;
      } else {
        rmSync(out, { recursive: true, force: true });
      }
      const files = filesOf(folder);
      const sums = await run('sha256sum', ['--', ...files], folder);
      const baseZip = join(dir, `baseline-${r}.zip`);
      const zip = await run('zip', ['-0', '-r', '-q', baseZip, '.'], folder);
      rmSync(baseZip, { force: true });
      baselines.push(sum([sums, zip]));
    }

    // Two approvers sign (in process, like `cutover pack sign`), so verify checks signatures and the policy.
    for (const name of ['gov1', 'gov2']) await signPack(folder, { identity: name, signer: keys[name]!, decision: 'approve' });
    for (const name of ['gov1', 'gov2']) await signPack(zipPath, { identity: name, signer: keys[name]!, decision: 'approve' });

    // ---- 2. verify vs sha256sum -c
    const verifies: Ran[] = [];
    const zipVerifies: Ran[] = [];
    const checks: Ran[] = [];
    for (let r = 0; r < rounds; r++) {
      verifies.push(await cutover(['pack', 'verify', folder]));
      checks.push(await run('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], folder));
      zipVerifies.push(await cutover(['pack', 'verify', zipPath]));
    }

    const e = best(exports);
    const b = best(baselines);
    const v = best(verifies);
    const c = best(checks);
    const z = best(zipVerifies);
    const exportRatio = e.wallMs / b.wallMs;
    const verifyRatio = v.wallMs / c.wallMs;
    console.log(table([
      ['measure', 'baseline', 'cutover', 'baseline', 'ratio', 'target', '', 'cutover CPU', 'base CPU', 'peak RSS'],
      ['pack export (folder + zip)', 'sha256sum + zip -0 -r', secs(e.wallMs), secs(b.wallMs), exportRatio.toFixed(2), '<= 1.5', exportRatio <= 1.5 ? 'PASS' : 'MISS', secs(e.cpuMs), secs(b.cpuMs), mib(e.maxRssKiB)],
      ['pack verify (folder)', 'sha256sum -c SHA256SUMS', secs(v.wallMs), secs(c.wallMs), verifyRatio.toFixed(2), '<= 1.2', verifyRatio <= 1.2 ? 'PASS' : 'MISS', secs(v.cpuMs), secs(c.cpuMs), mib(v.maxRssKiB)],
      ['pack verify (zip, in place)', 'sha256sum -c SHA256SUMS', secs(z.wallMs), secs(c.wallMs), (z.wallMs / c.wallMs).toFixed(2), '(info)', '', secs(z.cpuMs), secs(c.cpuMs), mib(z.maxRssKiB)],
    ]));
    console.log(`\nwall times per round (s): export ${exports.map((x) => (x.wallMs / 1000).toFixed(2)).join(' ')} | baseline ${baselines.map((x) => (x.wallMs / 1000).toFixed(2)).join(' ')} | verify ${verifies.map((x) => (x.wallMs / 1000).toFixed(2)).join(' ')} | sha256sum -c ${checks.map((x) => (x.wallMs / 1000).toFixed(2)).join(' ')} | verify zip ${zipVerifies.map((x) => (x.wallMs / 1000).toFixed(2)).join(' ')}`);
    console.log(`peak RSS: export ${mib(e.maxRssKiB)}, verify ${mib(v.maxRssKiB)} (folder) / ${mib(z.maxRssKiB)} (zip), sha256sum -c ${mib(c.maxRssKiB)}; the transcripts are ${human(transcriptBytes)}, streamed, never held whole`);
    console.log(`load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    process.removeListener('SIGINT', onSignal);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
