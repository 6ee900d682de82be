// `cutover alembic inspect` and `cutover alembic sql` as a user runs them: a real child
// process (bin/cutover.mjs), human text and --json,
// exit 0 / 1 (an error finding) / 2 (bad input), never an internal error or a stack trace.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InspectReport, OfflineSqlResult } from '../../src/core/alembic';
import { describeRun, expectNoCrash, expectRefusal, REPO_ROOT, type CliResult } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { createTestDatabase } from './helpers/pg';

const BIN = fileURLToPath(new URL('../../bin/cutover.mjs', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../examples/alembic-governance-host/backend', import.meta.url));
const ANCHOR = '0019_nav_snapshots_and_investor_statements';
const P3 = '0020_ai_engine_wave_ai1,0021_ai_engine_wave_ai2,0022_ai_engine_wave_ai3_pipeline_intelligence,0023_ai_engine_wave_ai4_portfolio_intelligence,0009b_expand_alembic_version,70a79686336c';

function cutover(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

function json<T>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`no JSON on stdout:\n${describeRun(r)}`);
  }
}

describe('cutover alembic inspect', () => {
  it('prints the graph, the path in Alembic order and the findings; exit 1 when the runbook path is wrong', async () => {
    const r = await cutover(['alembic', 'inspect', '--scripts', FIXTURE, '--from', ANCHOR, '--expect-path', P3]);
    expectNoCrash(r);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/heads:\s+70a79686336c/);
    expect(r.stdout).toMatch(/merge point\s+70a79686336c <- 0023_ai_engine_wave_ai4_portfolio_intelligence, 0009b_expand_alembic_version/);
    expect(r.stdout).toMatch(/1\. 0009b_expand_alembic_version\n\s+2\. 0020_ai_engine_wave_ai1/);
    expect(r.stdout).toMatch(/ERROR\s+expected-path-mismatch/);
    expect(r.stdout).toMatch(/Result: FAILED/);
  });

  it('--json: the whole report; exit 0 when nothing is an error', async () => {
    const r = await cutover(['alembic', 'inspect', '--scripts', join(FIXTURE, 'alembic.ini'), '--from', ANCHOR, '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    const report = json<InspectReport>(r);
    expect(report).toMatchObject({ ok: true, heads: ['70a79686336c'], revisionCount: 7, plan: { from: [ANCHOR], target: 'head' } });
    expect(report.plan!.revisions[0]).toBe('0009b_expand_alembic_version');
    expect(report.findings.map((f) => f.code)).toContain('pending-revisions');
  });

  it('--db: reads alembic_version (no table next to existing tables: stamp needed, exit 1)', async () => {
    const db = await createTestDatabase();
    await db.query(readFileSync(join(FIXTURE, 'migrations', 'versions', `${ANCHOR}.sql`), 'utf8'));
    const r = await cutover(['alembic', 'inspect', '--scripts', FIXTURE, '--db', db.url, '--json']);
    expect(r.code, describeRun(r)).toBe(1);
    const report = json<InspectReport>(r);
    expect(report.database).toMatchObject({ exists: false, otherTables: 3 });
    expect(report.findings[0]).toMatchObject({ code: 'no-version-table', severity: 'error' });

    await db.query(`CREATE TABLE alembic_version (version_num VARCHAR(64) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('${ANCHOR}')`);
    const human = await cutover(['alembic', 'inspect', '--scripts', FIXTURE, '--db', db.url]);
    expect(human.code, describeRun(human)).toBe(0);
    expect(human.stdout).toMatch(/version_num character varying\(64\), 1 row\(s\): 0019_nav_snapshots_and_investor_statements/);
    expect(human.stdout).toMatch(/Upgrade 0019_nav_snapshots_and_investor_statements -> head: 6 revision\(s\)/);
  });

  it('a database that cannot be reached is an error finding with a clear message (exit 1), not a crash', async () => {
    const r = await cutover(['alembic', 'inspect', '--scripts', FIXTURE, '--db', 'postgresql://nobody:secret@127.0.0.1:1/x']);
    expectNoCrash(r);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR\s+db-error: Could not read alembic_version from postgresql:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/x: Cannot connect/);
    expect(r.stdout).not.toMatch(/secret/);
  });

  it('bad input is exit 2 with one clear line', async () => {
    const empty = useTempDir('cutover-alembic-cli-');
    const cases: Array<[string[], RegExp]> = [
      [['--scripts', join(empty, 'missing')], /does not exist/],
      [['--scripts', empty], /no alembic\.ini/],
      [['--scripts', FIXTURE, '--db', 'mysql://x'], /postgresql:\/\/ URL/],
      [['--scripts', FIXTURE, '--db', 'postgresql://x/y', '--from', ANCHOR], /not both/],
      [['--scripts', FIXTURE, '--expect-path', ' , '], /comma-separated/],
      [['--scripts', FIXTURE, '--file-order', 'random'], /--file-order/],
    ];
    const results = await Promise.all(cases.map(([args]) => cutover(['alembic', 'inspect', ...args])));
    results.forEach((r, i) => expectRefusal(r, 2, cases[i]![1]));
    const missingOption = await cutover(['alembic', 'inspect']);
    expect(missingOption.code).toBe(2);
    expect(missingOption.stderr).toMatch(/--scripts/);
  });
});

describe('cutover alembic sql', () => {
  it('prints the real offline script; exit 1 with the reason when it cannot be rendered', async () => {
    const out = join(useTempDir('cutover-alembic-sql-'), 'p3.sql');
    const r = await cutover(['alembic', 'sql', '--scripts', FIXTURE, '--from', ANCHOR, '--to', 'head', '--out', out]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/-- Running upgrade 0019_nav_snapshots_and_investor_statements -> 0009b_expand_alembic_version/);
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
    const bad = await cutover(['alembic', 'sql', '--scripts', FIXTURE, '--from', 'nope0000', '--json']);
    expect(bad.code).toBe(1);
    expect(json<OfflineSqlResult>(bad)).toMatchObject({ ok: false, reason: expect.stringMatching(/Can't locate revision/) });
    expectRefusal(await cutover(['alembic', 'sql', '--scripts', join(FIXTURE, 'migrations')]), 2, /no alembic\.ini/);
    const noDb = await cutover(['alembic', 'sql', '--scripts', FIXTURE, '--db', 'postgresql://postgres@127.0.0.1:1/x']);
    expectNoCrash(noDb);
    expect(noDb.code).toBe(1);
    expect(noDb.stderr).toMatch(/^cutover: could not read alembic_version from .*Cannot connect/);
  });
});
