// `node --import tsx bench/fingerprint/run.ts`: the schema fingerprint against
// `pg_dump --schema-only` on the same database of 5,000 tables (issue 4, "How fast"), measured
// side by side in one run, interleaved so the machine's load hits both alike. Target: the
// fingerprint takes at most half of pg_dump's time. Also checks that every fingerprint of the
// same schema is identical. The database (and its tablespace) are made here and dropped at the
// end, whatever happens. Exits 0 unless something crashed or the fingerprints differ.
//
// Four timings of ours: `cutover pg fingerprint --out FILE` as a process (what a user runs;
// it includes node's and the CLI's start-up), that start-up alone (`cutover --version`), the
// same command in a process that loads only the pg command's modules (pg-only.ts), and the
// same work in this process (connect, read, build, hash, write the file).
//
// Environment: PGURL (default postgresql://postgres@127.0.0.1:5432/postgres), BENCH_FP_TABLES
// (default 5000), BENCH_FP_RUNS (timed runs of each, default 5), BENCH_FP_TABLESPACE ("auto":
// on a local server, build in a tablespace on /dev/shm, because every CREATE INDEX fsyncs and
// 20,000 of them take minutes on a slow disk; "off": the default tablespace).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PgSession, serializeFingerprint, takeFingerprint } from '../../src/core/checks';
import { benchSchema } from './schema';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
// `cutover` with the pg commands registered (plain `cutover` once main.ts registers them).
const CLI_ENTRY = join(ROOT, 'bin', 'cutover.mjs');
// The same command with only its own modules loaded (see pg-only.ts).
const LEAN_ENTRY = join(HERE, 'pg-only.ts');

const PGURL = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const TABLES = Number.parseInt(process.env.BENCH_FP_TABLES ?? '5000', 10);
const RUNS = Math.max(1, Number.parseInt(process.env.BENCH_FP_RUNS ?? '5', 10));
const TABLESPACE = process.env.BENCH_FP_TABLESPACE ?? 'auto';
const TARGET = 0.5;

function dsnFor(database: string): { dsn: string; password: string | undefined } {
  const url = new URL(PGURL);
  url.pathname = `/${database}`;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.password = '';
  return { dsn: url.toString(), password };
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>, database?: string): Promise<T> {
  const url = new URL(PGURL);
  if (database) url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString(), application_name: 'cutover-bench-admin' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = performance.now() - start;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${stderr.trim()}`));
      else resolve({ ms, stdout });
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const secs = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

/** A tablespace on tmpfs, when the server is this machine's and we can hand it a directory. */
async function tmpfsTablespace(): Promise<{ name: string; dir: string } | null> {
  if (TABLESPACE === 'off' || !existsSync('/dev/shm')) return null;
  const host = new URL(PGURL).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', ''].includes(host)) return null;
  const dataDir = await admin((c) => c.query<{ d: string }>('SELECT current_setting(\'data_directory\') AS d')).then((r) => r.rows[0]!.d, () => null);
  if (!dataDir || !existsSync(dataDir)) return null;
  const owner = statSync(dataDir);
  const dir = mkdtempSync('/dev/shm/cutover-bench-ts-');
  try {
    chownSync(dir, owner.uid, owner.gid);
    const name = `cw_bench_ts_${randomBytes(4).toString('hex')}`;
    await admin((c) => c.query(`CREATE TABLESPACE ${name} LOCATION '${dir}'`));
    return { name, dir };
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

async function main(): Promise<void> {
  const database = `cw_bench_fp_${randomBytes(4).toString('hex')}`;
  const { dsn, password } = dsnFor(database);
  const env: NodeJS.ProcessEnv = { ...process.env, ...(password !== undefined ? { PGPASSWORD: password } : {}) };
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-fp-'));
  const pgDumpVersion = spawnSync('pg_dump', ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\nSchema fingerprint benchmark: ${TABLES} tables, ${RUNS} timed runs of each; database ${database} on ${new URL(PGURL).host}`);
  console.log(`node ${process.version}; ${pgDumpVersion}; load average ${load()}\n`);
  let created = false;
  let tablespace: { name: string; dir: string } | null = null;
  try {
    tablespace = await tmpfsTablespace();
    await admin((c) => c.query(`CREATE DATABASE ${database}${tablespace ? ` TABLESPACE ${tablespace.name}` : ''}`));
    created = true;

    // ---- build the schema: a few big generated scripts, each one transaction
    const schema = benchSchema(TABLES);
    const buildStart = performance.now();
    await admin(async (c) => {
      await c.query('SET synchronous_commit = off');
      for (const batch of schema.batches) await c.query(batch);
      await c.query('ANALYZE');
    }, database);
    const [counts] = await admin((c) => c.query<{ tables: number; indexes: number; fks: number; enums: number; views: number; sequences: number }>(`
      SELECT (SELECT count(*) FROM pg_tables WHERE schemaname IN ('app', 'ledger', 'reporting', 'public'))::int AS tables,
             (SELECT count(*) FROM pg_indexes WHERE schemaname IN ('app', 'ledger', 'reporting', 'public'))::int AS indexes,
             (SELECT count(*) FROM pg_constraint WHERE contype = 'f')::int AS fks,
             (SELECT count(*) FROM pg_type WHERE typtype = 'e')::int AS enums,
             (SELECT count(*) FROM pg_views WHERE schemaname IN ('app', 'ledger', 'reporting', 'public'))::int AS views,
             (SELECT count(*) FROM pg_sequences)::int AS sequences`).then((r) => r.rows), database);
    console.log(`built in ${secs(performance.now() - buildStart)} (${schema.batches.length} scripts${tablespace ? ', tablespace on /dev/shm' : ''}): `
      + `${counts!.tables} tables, ${counts!.indexes} indexes, ${counts!.fks} foreign keys, ${counts!.enums} enums, ${counts!.sequences} sequences, ${counts!.views} views`);

    const dumpFile = join(dir, 'schema.sql');
    const cliFile = join(dir, 'cli.fingerprint.json');
    const libFile = join(dir, 'lib.fingerprint.json');
    const pgDump = () => run('pg_dump', ['--schema-only', '-f', dumpFile, '-d', dsn], env);
    const cli = () => run(process.execPath, [CLI_ENTRY, 'pg', 'fingerprint', '--db', dsn, '--out', cliFile], env);
    const startup = () => run(process.execPath, [CLI_ENTRY, '--version'], env);
    const lean = () => run(process.execPath, ['--import', 'tsx', LEAN_ENTRY, 'pg', 'fingerprint', '--db', dsn, '--out', cliFile], env);
    const inProcess = async () => {
      const start = performance.now();
      const session = await PgSession.connect(dsn, { ...(password !== undefined ? { password } : {}), applicationName: 'cutover-bench' });
      try {
        const { fingerprint } = await takeFingerprint(session, { statementTimeoutMs: 120_000 });
        writeFileSync(libFile, serializeFingerprint(fingerprint));
        return { ms: performance.now() - start, sha256: fingerprint.sha256 };
      } finally {
        await session.close();
      }
    };

    // ---- warm-up (untimed): the server's caches and tsx's compile cache, for every side
    await pgDump();
    await cli();
    await lean();
    await inProcess();

    const times = { dump: [] as number[], cli: [] as number[], startup: [] as number[], lean: [] as number[], lib: [] as number[] };
    const shas = new Set<string>();
    for (let i = 0; i < RUNS; i += 1) {
      times.dump.push((await pgDump()).ms);
      const out = await cli();
      times.cli.push(out.ms);
      shas.add(/sha256 ([0-9a-f]{64})/.exec(out.stdout)?.[1] ?? `unreadable: ${out.stdout}`);
      times.startup.push((await startup()).ms);
      const leanRun = await lean();
      times.lean.push(leanRun.ms);
      shas.add(/sha256 ([0-9a-f]{64})/.exec(leanRun.stdout)?.[1] ?? `unreadable: ${leanRun.stdout}`);
      const lib = await inProcess();
      times.lib.push(lib.ms);
      shas.add(lib.sha256);
    }

    const dumpMs = median(times.dump);
    const row = (name: string, xs: number[], ratio: boolean) => [name, secs(median(xs)), xs.map((m) => (m / 1000).toFixed(3)).join(' '), ratio ? (median(xs) / dumpMs).toFixed(2) : ''];
    const rows: string[][] = [
      ['', 'median', 'runs (s)', 'x pg_dump'],
      row('pg_dump --schema-only -f FILE', times.dump, true),
      row('cutover pg fingerprint --out FILE (process)', times.cli, true),
      row('  of which node + CLI start-up (cutover --version)', times.startup, true),
      row('the command loading only its own modules (process)', times.lean, true),
      row('fingerprint in-process (connect to file written)', times.lib, true),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    console.log('');
    for (const [n, r] of rows.entries()) {
      console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
      if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    }
    const cliRatio = median(times.cli) / dumpMs;
    const leanRatio = median(times.lean) / dumpMs;
    const libRatio = median(times.lib) / dumpMs;
    console.log(`\noutput: pg_dump ${(statSync(dumpFile).size / 2 ** 20).toFixed(1)} MiB, fingerprint ${(statSync(libFile).size / 2 ** 20).toFixed(1)} MiB; load average now ${load()}`);
    const verdict = (r: number) => `${r.toFixed(2)} -> ${r <= TARGET ? 'PASS' : 'MISS'}`;
    console.log(`target (fingerprint <= ${TARGET} x pg_dump): cutover pg fingerprint process ${verdict(cliRatio)}; command with only its modules ${verdict(leanRatio)}; in-process ${verdict(libRatio)}`);
    console.log(`fingerprints of the same schema identical: ${shas.size === 1 ? `yes (${RUNS * 3} fingerprints, sha256 ${[...shas][0]})` : `NO: ${[...shas].join(', ')}`}`);
    if (shas.size !== 1) process.exitCode = 1;
  } finally {
    if (created) {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).then(
        () => console.log(`\ndropped ${database}`),
        (error: unknown) => console.error(`could not drop ${database}: ${(error as Error).message}`),
      );
    }
    if (tablespace) {
      await admin((c) => c.query(`DROP TABLESPACE IF EXISTS ${tablespace!.name}`)).catch((error: unknown) => console.error(`could not drop tablespace ${tablespace!.name}: ${(error as Error).message}`));
      rmSync(tablespace.dir, { recursive: true, force: true });
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
