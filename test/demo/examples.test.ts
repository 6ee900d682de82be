// `cutover demo --example NAME`: each shipped example rehearsed end to end on this machine —
// the real PostgreSQL and MariaDB, the host APIs as real child processes, real alembic — and
// its signed pack checked with the stock tools an auditor has. Afterwards nothing is left
// behind: the throwaway databases and the MariaDB user are gone and the host API is stopped.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';

interface DemoJson {
  status: string;
  pack: { folder: string; zip: string };
  verify: { ok: boolean };
}

async function pgDatabases(prefix: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' });
  await c.connect();
  try {
    return (await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${prefix}%`])).rows.map((r) => r.datname);
  } finally {
    await c.end();
  }
}

async function mysqlLeftovers(): Promise<string[]> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  try {
    const [dbs] = await c.query("SELECT schema_name AS n FROM information_schema.schemata WHERE schema_name LIKE 'cutover\\_demo\\_src\\_%'");
    const [users] = await c.query("SELECT user AS n FROM mysql.user WHERE user LIKE 'cutover\\_demo\\_%'");
    return [...(dbs as { n: string }[]), ...(users as { n: string }[])].map((r) => r.n);
  } finally {
    await c.end();
  }
}

/** Runs the demo of one example and checks its pack as an auditor would; returns the pack folder. */
async function rehearseExample(name: string): Promise<string> {
  const out = join(useTempDir(`cutover-example-${name}-`), 'demo');
  const r = await runCli(['demo', '--example', name, '--out', out, '--json'], { timeoutMs: 280_000 });
  expect(r.code, describeRun(r)).toBe(0);
  const result = JSON.parse(r.stdout) as DemoJson;
  expect(result.verify.ok).toBe(true);
  expect(result.status).toBe('COMPLETED');
  const folder = result.pack.folder;
  const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: folder, encoding: 'utf8' });
  expect(sums.status, sums.stdout + sums.stderr).toBe(0);
  const manifest = readFileSync(join(folder, 'manifest.json'));
  for (const signer of ['approver-1', 'approver-2']) {
    const v = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', 'allowed_signers', '-I', signer, '-n', 'cutover-decision-v1', '-s', `signatures/${signer}.sig`], { cwd: folder, input: manifest, encoding: 'utf8' });
    expect(v.status, v.stderr).toBe(0);
  }
  const verify = await runCli(['pack', 'verify', result.pack.zip]);
  expect(verify.code, describeRun(verify)).toBe(0);
  return folder;
}

// Each rehearsal takes 30–60 s on an idle machine (its monitors alone watch 10–20 s); the
// generous limit is for a loaded one, so the test never fails on timing.
const REHEARSAL_MS = 300_000;

describe('cutover demo --example', () => {
  // Leftovers are what this demo adds: a database left by an earlier, killed test run is not this one's.
  it('incremental-sync: MariaDB source, PostgreSQL target, sync API; the rerun skips unchanged chunks and the KPIs reconcile', async () => {
    const [pgBefore, mysqlBefore] = [await pgDatabases('cutover_demo_sync_'), await mysqlLeftovers()];
    const folder = await rehearseExample('incremental-sync');
    const evidence = readdirSync(join(folder, 'evidence'));
    expect(evidence).toEqual(expect.arrayContaining(['sync_t0_alembic_upgrade_head.log', 'sync_validation_chunks.json', 'sync_validation_kpi_reconciliation.json', 'sync_exit_no_duplicates.log']));
    const upgrade = readFileSync(join(folder, 'evidence', 'sync_t0_alembic_upgrade_head.log'), 'utf8');
    expect(upgrade).toMatch(/0011_sync_baseline -> 0012_sync_incremental_controls/);
    expect(upgrade).toMatch(/0012_sync_incremental_controls -> 0013_sync_staging_rows/);
    const chunks = readFileSync(join(folder, 'evidence', 'sync_validation_chunks.json'), 'utf8');
    expect(chunks).toMatch(/"skipped_unchanged_chunks": [1-9]/);
    expect(chunks).toMatch(/"copied_chunks": 0/);
    expect(await pgDatabases('cutover_demo_sync_')).toEqual(pgBefore);
    expect(await mysqlLeftovers()).toEqual(mysqlBefore);
  }, REHEARSAL_MS);

  it('go-live: payments API over a real ledger; smoke script, canary money loop and ledger settlement', async () => {
    const pgBefore = await pgDatabases('cutover_demo_pay_');
    const folder = await rehearseExample('go-live');
    const evidence = readdirSync(join(folder, 'evidence'));
    expect(evidence).toEqual(expect.arrayContaining(['golive_verify_prod_env.log', 'golive_smoke.log', 'golive_canary_ledger.log', 'golive_restore_drill.log', 'golive_migration_dry_run.log']));
    expect(readFileSync(join(folder, 'evidence', 'golive_smoke.log'), 'utf8')).toMatch(/Migrations OK[\s\S]*Payouts Router reachable[\s\S]*SMOKE: PASS/);
    expect(readFileSync(join(folder, 'evidence', 'golive_restore_drill.log'), 'utf8')).toMatch(/RESTORE DRILL: PASS/);
    // The dry-run ran (its condition true: the demo made a copy of "production") on the copy.
    expect(readFileSync(join(folder, 'evidence', 'golive_migration_dry_run.log'), 'utf8')).toMatch(/0006_payments_ledger -> 0007_withdrawals_payouts/);
    expect(await pgDatabases('cutover_demo_pay_')).toEqual(pgBefore);
  }, REHEARSAL_MS);

  it('alembic-governance is `cutover demo` itself', async () => {
    const folder = await rehearseExample('alembic-governance');
    expect(readdirSync(join(folder, 'evidence'))).toContain('prod_upgrade_0019_to_head.log');
  }, REHEARSAL_MS);

  // postgres-primary is rehearsed in test/demo/postgres-primary.test.ts (its own file, for time).
  it('an unknown example exits 2 with one clear line and leaves --out empty', async () => {
    const out = join(useTempDir('cutover-example-bad-'), 'demo');
    const unknown = await runCli(['demo', '--example', 'nope', '--out', out]);
    expect(unknown.code, describeRun(unknown)).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown example "nope": give one of alembic-governance, postgres-primary, incremental-sync, go-live/);
    expect(existsSync(out)).toBe(false);
  });
});
