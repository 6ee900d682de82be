// `npm run bench:cli`: how long `cutover` takes to start, beside bare Node started the same way,
// measured side by side in one run, interleaved so the machine's load hits every command alike.
// Machines are noisy (and this one may be running other work), so what matters is each ratio
// against its baseline, not the absolute times. Exits 0 unless a command failed.
//
// Baselines: `node -e 0` (bare Node start) and `node --import tsx -e 0` (Node with the tsx loader
// that runs the TypeScript CLI without a build step: the floor of any `cutover` invocation).
// Measured, each from the bundle (scripts/build-cli.mjs) and from the sources: `cutover --help`,
// `cutover vault --help`, `cutover vault verify` of a small vault made
// here in a temporary folder (scrypt at 2^14 so the KDF does not hide the start-up), and
// `cutover runbook validate` of the bundled example.
//
// Environment: BENCH_CLI_RUNS (timed runs of each, default 15), BENCH_CLI_ENTRY (the script run
// as `cutover`, default bin/cutover.mjs: point it at another checkout's to compare).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const CLI = process.env.BENCH_CLI_ENTRY || join(ROOT, 'bin', 'cutover.mjs');
const RUNBOOK = join(ROOT, 'examples', 'alembic-governance-cutover.yaml');
const RUNS = Math.max(1, Number.parseInt(process.env.BENCH_CLI_RUNS ?? '15', 10));
const WARMUP = 2;

interface Case {
  name: string;
  args: string[];
  /** The exit code the command must end with (anything else is a crash of the benchmark). */
  exit: number;
  /** Added to the environment (CUTOVER_CLI_FROM_SOURCE for the sources' rows). */
  env?: NodeJS.ProcessEnv;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - start, code, stdout, stderr }));
  });
}

async function runChecked(c: Case, env: NodeJS.ProcessEnv): Promise<number> {
  const r = await run(c.args, { ...env, ...c.env });
  if (r.code !== c.exit) throw new Error(`${c.name}: exit ${r.code}, expected ${c.exit}\n${r.stdout}${r.stderr}`);
  return r.ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (x: number): string => `${x.toFixed(0)} ms`;
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-cli-'));
  const vault = join(dir, 'bench.vault');
  const env: NodeJS.ProcessEnv = { ...process.env, CUTOVER_SCRYPT_LOG2N: '14', CUTOVER_PASSPHRASE: 'bench passphrase', CUTOVER_ACTOR: 'bench' };
  try {
    console.log(`\nCLI start-up benchmark: ${RUNS} timed runs of each (after ${WARMUP} untimed), interleaved`);
    console.log(`node ${process.version}; ${cpus().length} CPUs; load average ${load()}; cutover is ${CLI}\n`);

    const setup = [
      { name: 'vault init', args: [CLI, 'vault', 'init', '--vault', vault], exit: 0 },
      { name: 'note add', args: [CLI, 'note', 'add', '--vault', vault, '--text', 'a note for the benchmark'], exit: 0 },
    ];
    for (const c of setup) await runChecked(c, env);

    const baselines: Case[] = [
      { name: 'node -e 0', args: ['-e', '0'], exit: 0 },
      { name: 'node --import tsx -e 0', args: ['--import', 'tsx', '-e', '0'], exit: 0 },
    ];
    // Each command twice: from the bundle scripts/build-cli.mjs makes (what bin/cutover.mjs runs
    // after `npm run build` while no source changed) and from the sources through tsx.
    const built = await run([join(ROOT, 'scripts', 'build-cli.mjs')], env);
    const bundled = built.code === 0 && /bundled into/.test(built.stdout);
    console.log(bundled ? `the CLI bundled: ${built.stdout.trim()}` : `the CLI was not bundled (${(built.stderr || built.stdout).trim()}): its rows below ran the sources too`);
    const sources = { CUTOVER_CLI_FROM_SOURCE: '1' };
    const commands: Case[] = [
      { name: 'cutover --help', args: [CLI, '--help'], exit: 0 },
      { name: 'cutover vault --help', args: [CLI, 'vault', '--help'], exit: 0 },
      { name: 'cutover vault verify --vault V', args: [CLI, 'vault', 'verify', '--vault', vault], exit: 0 },
      { name: 'cutover runbook validate EXAMPLE', args: [CLI, 'runbook', 'validate', RUNBOOK], exit: 0 },
    ].flatMap((c) => [{ ...c, name: `${c.name} (bundle)` }, { ...c, name: `${c.name} (sources)`, env: sources }]);
    const cases = [...baselines, ...commands];
    const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    for (let i = 0; i < WARMUP; i += 1) for (const c of cases) await runChecked(c, env);
    for (let i = 0; i < RUNS; i += 1) for (const c of cases) times.get(c.name)!.push(await runChecked(c, env));

    const node = median(times.get(baselines[0]!.name)!);
    const tsx = median(times.get(baselines[1]!.name)!);
    const rows: string[][] = [['', 'median', 'min', 'max', 'x node -e 0', 'x node+tsx']];
    for (const c of cases) {
      const xs = times.get(c.name)!;
      const m = median(xs);
      rows.push([c.name, ms(m), ms(Math.min(...xs)), ms(Math.max(...xs)), (m / node).toFixed(2), (m / tsx).toFixed(2)]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const [n, r] of rows.entries()) {
      console.log(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
      if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    }
    const help = median(times.get('cutover --help (sources)')!);
    const helpBundled = median(times.get('cutover --help (bundle)')!);
    console.log(`\ncutover --help from the sources costs ${ms(help - tsx)} over Node with tsx, ${ms(help - node)} over bare Node; from the bundle ${ms(helpBundled - node)} over bare Node; load average now ${load()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
