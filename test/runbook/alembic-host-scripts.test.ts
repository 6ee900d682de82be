// The scripts the alembic example runs in P1 and P4 (examples/alembic-governance-host/tmp), as
// the runbook's source names them, run with the real python3 and psycopg2 against a real
// PostgreSQL database: what each prints, its exit code, and what it changes (or does not).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitPassword, useTestDatabase, type TestDatabase } from '../helpers/pg';

const TMP = join(import.meta.dirname, '../../examples/alembic-governance-host/tmp');
const AI4_OBJECTS = ['active_investments', 'performance_drift_flags', 'covenant_status_register', 'cash_impact_flags', 'investment_risk_registry', 'board_monitoring_briefs'];

interface Ran { code: number | null; out: string }

/** As the runbook's step runs it: PG_DSN without a password, PGPASSWORD beside it. */
function runScript(db: TestDatabase, script: string, env: Record<string, string> = {}): Promise<Ran> {
  const { dsn, password } = splitPassword(db.dsn);
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [join(TMP, script)], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PG_DSN: `${dsn}?sslmode=disable`, ...(password ? { PGPASSWORD: password } : {}), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function width(db: TestDatabase): Promise<string | null> {
  const r = await db.query(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = to_regclass('alembic_version') AND attname = 'version_num'`);
  return (r.rows[0] as { t?: string } | undefined)?.t ?? null;
}

describe('clone_alembic_width_precheck.py and clone_alembic_width_correction.py', () => {
  it('with no alembic_version: the precheck says so and changes nothing; the correction creates it at VARCHAR(64); run again, it does nothing', async () => {
    const db = await useTestDatabase();
    const pre = await runScript(db, 'clone_alembic_width_precheck.py');
    expect(pre.code, pre.out).toBe(0);
    expect(pre.out).toMatch(/^alembic_version exists: no$/m);
    expect(pre.out).toMatch(/^version_num_length: none$/m);
    expect(await width(db)).toBeNull();

    const fix = await runScript(db, 'clone_alembic_width_correction.py');
    expect(fix.code, fix.out).toBe(0);
    expect(fix.out).toMatch(/^created alembic_version \(version_num VARCHAR\(64\) NOT NULL, primary key alembic_version_pkc\)$/m);
    expect(fix.out).toMatch(/^alembic_version exists: yes$/m);
    expect(fix.out).toMatch(/^version_num_length: 64$/m);
    expect(await width(db)).toBe('character varying(64)');

    const again = await runScript(db, 'clone_alembic_width_correction.py');
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/already VARCHAR\(64\): nothing to do/);
    expect(again.out).not.toMatch(/created|altered/);
  });

  it("widens Alembic's VARCHAR(32), keeping the row; the precheck reads the width before and after", async () => {
    const db = await useTestDatabase();
    await db.query(`CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)); INSERT INTO alembic_version VALUES ('0019_nav_snapshots')`);
    const before = await runScript(db, 'clone_alembic_width_precheck.py');
    expect(before.out).toMatch(/^version_num_length: 32$/m);
    expect(before.out).toMatch(/^alembic_version rows: 1$/m);
    const fix = await runScript(db, 'clone_alembic_width_correction.py', { PGOPTIONS: '-c lock_timeout=10s -c statement_timeout=60s' });
    expect(fix.code, fix.out).toBe(0);
    expect(fix.out).toMatch(/^altered alembic_version\.version_num from VARCHAR\(32\) to VARCHAR\(64\)$/m);
    expect(await width(db)).toBe('character varying(64)');
    expect((await db.query('SELECT version_num FROM alembic_version')).rows).toEqual([{ version_num: '0019_nav_snapshots' }]);
    const after = await runScript(db, 'clone_alembic_width_precheck.py');
    expect(after.out).toMatch(/^version_num_length: 64$/m);
  });

  it('never narrows a wider column: exit 1, the width said, nothing changed (the "width not 64" gate)', async () => {
    const db = await useTestDatabase();
    await db.query('CREATE TABLE alembic_version (version_num VARCHAR(128) NOT NULL PRIMARY KEY)');
    const fix = await runScript(db, 'clone_alembic_width_correction.py');
    expect(fix.code, fix.out).toBe(1);
    expect(fix.out).toMatch(/not narrowed or retyped to VARCHAR\(64\); nothing changed/);
    expect(fix.out).toMatch(/^version_num_length: 128$/m);
    expect(await width(db)).toBe('character varying(128)');
  });

  it('a lock it cannot get in time: exit 1, nothing committed, said in one line', async () => {
    const db = await useTestDatabase();
    await db.query('CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)');
    // Another session holds the table (closed by the helper when the test ends).
    const holder = await db.connect();
    await holder.query('BEGIN; LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE');
    const fix = await runScript(db, 'clone_alembic_width_correction.py', { PGOPTIONS: '-c lock_timeout=200ms' });
    expect(fix.code, fix.out).toBe(1);
    expect(fix.out).toMatch(/^correction failed, nothing committed: .*lock timeout/m);
    expect(fix.out).not.toMatch(/Traceback/);
    await holder.query('ROLLBACK');
    expect(await width(db)).toBe('character varying(32)');
  });
});

describe('clone_ai4_object_parity_rerun.py', () => {
  it('names each missing AI-4 object and exits 1; with all six present, exit 0', async () => {
    const db = await useTestDatabase();
    await db.query('CREATE TABLE active_investments (id bigint PRIMARY KEY); CREATE VIEW cash_impact_flags AS SELECT 1 AS x');
    const partial = await runScript(db, 'clone_ai4_object_parity_rerun.py');
    expect(partial.code, partial.out).toBe(1);
    expect(partial.out).toMatch(/^active_investments: exists \(table\)$/m);
    expect(partial.out).toMatch(/^cash_impact_flags: exists \(view\)$/m);
    expect(partial.out).toMatch(/^board_monitoring_briefs: missing$/m);
    expect(partial.out).toMatch(/^AI-4 objects present: 2 of 6$/m);
    expect(partial.out).toMatch(/^MISSING AI-4 OBJECTS: performance_drift_flags, covenant_status_register, investment_risk_registry, board_monitoring_briefs$/m);

    for (const name of AI4_OBJECTS.filter((n) => n !== 'active_investments' && n !== 'cash_impact_flags')) await db.query(`CREATE TABLE ${name} (id bigint)`);
    const all = await runScript(db, 'clone_ai4_object_parity_rerun.py');
    expect(all.code, all.out).toBe(0);
    for (const name of AI4_OBJECTS) expect(all.out).toContain(`${name}: exists`);
    expect(all.out).toMatch(/^AI-4 objects present: 6 of 6$/m);
  });

  it('a database it cannot reach: exit 1 with one line, no traceback', async () => {
    const db = await useTestDatabase();
    const ran = await runScript(db, 'clone_ai4_object_parity_rerun.py', { PG_DSN: 'postgresql://postgres@127.0.0.1:5432/cutover_no_such_database?sslmode=disable' });
    expect(ran.code).toBe(1);
    expect(ran.out).toMatch(/^parity rerun failed: .*cutover_no_such_database/m);
    expect(ran.out).not.toMatch(/Traceback/);
  });
});
