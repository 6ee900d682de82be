// alembic_version in a real PostgreSQL, and the findings that need the database: no table,
// an empty one, several rows, rows Alembic cannot use, the width of version_num against the
// path (with the real `alembic upgrade` showing the predicted StringDataRightTruncation), and
// a database that refuses or goes away (clear errors, never a crash). Each test makes and
// drops its own database.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlembicDbError, inspectAlembic, readVersionTable, type AlembicFinding, type InspectReport } from '../../src/core/alembic';
import { useTempDir } from '../helpers/tmp';
import { adminQuery, createTestDatabase, type TestDatabase } from './helpers/pg';
import { MINIMAL_INI, ONLINE_ENV_PY } from './helpers/projects';
import { alembic } from './helpers/real-alembic';

const FIXTURE = fileURLToPath(new URL('../../examples/alembic-governance-host/backend', import.meta.url));
const ANCHOR = '0019_nav_snapshots_and_investor_statements';
const ANCHOR_SQL = readFileSync(join(FIXTURE, 'migrations', 'versions', `${ANCHOR}.sql`), 'utf8');

function codes(r: InspectReport): string[] {
  return r.findings.map((f) => f.code);
}

function only(r: InspectReport, code: string): AlembicFinding {
  const found = r.findings.filter((f) => f.code === code);
  expect(found, JSON.stringify(r.findings, null, 2)).toHaveLength(1);
  return found[0]!;
}

/** The real alembic CLI against the test database (DATABASE_URL, as the fixture's env.py reads it). */
function realAlembic(project: string, db: TestDatabase, args: string[]) {
  return alembic(project, args, { DATABASE_URL: db.url });
}

/** A project whose ids fit in 32 characters except the last two (45 and 40 characters). */
function narrowProject(): string {
  const root = useTempDir('cutover-alembic-width-');
  mkdirSync(join(root, 'migrations', 'versions'), { recursive: true });
  writeFileSync(join(root, 'alembic.ini'), MINIMAL_INI);
  writeFileSync(join(root, 'migrations', 'env.py'), ONLINE_ENV_PY);
  const revs: Array<[string, string | null, string]> = [
    ['0001_base', null, 'CREATE TABLE t1 (id int)'],
    ['0002_short', '0001_base', 'CREATE TABLE t2 (id int)'],
    ['0003_wave_ai3_pipeline_intelligence_xxxxxxxxx', '0002_short', 'CREATE TABLE t3 (id int)'],
    ['0004_wave_ai4_portfolio_intelligence_x', '0003_wave_ai3_pipeline_intelligence_xxxxxxxxx', 'CREATE TABLE t4 (id int)'],
  ];
  for (const [id, down, sql] of revs) {
    writeFileSync(join(root, 'migrations', 'versions', `${id}.py`), `from alembic import op\n\nrevision = ${JSON.stringify(id)}\ndown_revision = ${down ? JSON.stringify(down) : 'None'}\n\n\ndef upgrade():\n    op.execute(${JSON.stringify(sql)})\n\n\ndef downgrade():\n    pass\n`);
  }
  return root;
}

describe('alembic_version states', () => {
  it('no alembic_version in a database with tables: no lineage, stamp needed (and the stamp itself would not fit in VARCHAR(32))', async () => {
    const db = await createTestDatabase();
    await db.query(ANCHOR_SQL);
    const report = await inspectAlembic({ scripts: FIXTURE, db: db.url });
    expect(report.database).toMatchObject({ exists: false, otherTables: 3, revisions: [] });
    const f = only(report, 'no-version-table');
    expect(f).toMatchObject({ severity: 'error', details: { stampNeeded: true } });
    expect(f.message).toMatch(/no Alembic lineage.*stamp/i);
    expect(f.message).toMatch(/VARCHAR\(32\), and 3 revision id\(s\) here are longer \(up to 46 characters: .*0019_nav_snapshots_and_investor_statements \(42\)/);
    expect(report.ok).toBe(false);
    // Real Alembic: stamping the anchor on a fresh alembic_version fails exactly so.
    const stamp = await realAlembic(FIXTURE, db, ['stamp', ANCHOR]);
    expect(stamp.code).not.toBe(0);
    expect(stamp.stderr).toMatch(/StringDataRightTruncation/);
  });

  it('an empty database: no lineage needed, but the path from the base truncates at its very first id', async () => {
    const db = await createTestDatabase();
    const report = await inspectAlembic({ scripts: FIXTURE, db: db.url });
    expect(only(report, 'no-version-table').severity).toBe('info');
    const width = only(report, 'revision-id-too-long');
    expect(width).toMatchObject({ severity: 'error', details: { width: 32, needed: 46, firstTruncation: { revision: ANCHOR, step: 1, width: 32 } } });
    const up = await realAlembic(FIXTURE, db, ['upgrade', 'head']);
    expect(up.code).not.toBe(0);
    expect(up.stderr).toMatch(/StringDataRightTruncation[\s\S]*character varying\(32\)/);
  });

  it('VARCHAR(32) where the path needs 45: predicted StringDataRightTruncation halfway, and real alembic fails there', async () => {
    const db = await createTestDatabase();
    const project = narrowProject();
    const first = await realAlembic(project, db, ['upgrade', '0002_short']);
    expect(first.code, first.stderr).toBe(0);
    const report = await inspectAlembic({ scripts: project, db: db.url });
    expect(report.database).toMatchObject({ exists: true, revisions: ['0002_short'], width: 32, columnType: 'character varying(32)', widthSource: 'information_schema' });
    expect(only(report, 'pending-revisions').details.revisions).toEqual(['0003_wave_ai3_pipeline_intelligence_xxxxxxxxx', '0004_wave_ai4_portfolio_intelligence_x']);
    const f = only(report, 'revision-id-too-long');
    expect(f).toMatchObject({ severity: 'error', details: { width: 32, needed: 45, firstTruncation: { revision: '0003_wave_ai3_pipeline_intelligence_xxxxxxxxx', step: 1 } } });
    expect(f.message).toMatch(/needs at least 45/);
    expect(f.message).toMatch(/StringDataRightTruncation/);
    const up = await realAlembic(project, db, ['upgrade', 'head']);
    expect(up.code).not.toBe(0);
    expect(up.stderr).toMatch(/StringDataRightTruncation[\s\S]*value too long for type character varying\(32\)/);
    // The failing statement is Alembic recording the 45-character id, after 0003's upgrade() ran.
    expect(up.stderr).toMatch(/UPDATE alembic_version SET version_num='0003_wave_ai3_pipeline_intelligence_xxxxxxxxx'/);
    // One transaction: the upgrade() that ran is rolled back with the failed bookkeeping.
    expect(await db.query('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '0002_short' }]);
    expect(await db.query(`SELECT to_regclass('t3') AS t`)).toEqual([{ t: null }]);
  });

  it('the fixture at VARCHAR(32): 0009b widens the column first, so only a warning, and real alembic gets through', async () => {
    const db = await createTestDatabase();
    await db.query('CREATE TABLE alembic_version (version_num VARCHAR(64) NOT NULL PRIMARY KEY)');
    expect((await realAlembic(FIXTURE, db, ['upgrade', '0021_ai_engine_wave_ai2'])).code).toBe(0);
    await db.query('ALTER TABLE alembic_version ALTER COLUMN version_num TYPE VARCHAR(32)');
    const report = await inspectAlembic({ scripts: FIXTURE, db: db.url });
    const f = only(report, 'revision-id-too-long');
    expect(f).toMatchObject({ severity: 'warning', details: { width: 32, needed: 46, firstTruncation: null, widenedBy: [{ revision: '0009b_expand_alembic_version', step: 1, width: 64 }] } });
    expect(report.plan!.revisions).toEqual(['0009b_expand_alembic_version', '0022_ai_engine_wave_ai3_pipeline_intelligence', '0023_ai_engine_wave_ai4_portfolio_intelligence', '70a79686336c']);
    expect(report.ok).toBe(true);
    const up = await realAlembic(FIXTURE, db, ['upgrade', 'head']);
    expect(up.code, up.stderr).toBe(0);
    expect(await db.query('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '70a79686336c' }]);
  });

  it('several rows (a database on two branches): each branch upgraded, in the order and with the rows real alembic leaves', async () => {
    const db = await createTestDatabase();
    await db.query('CREATE TABLE alembic_version (version_num VARCHAR(64) NOT NULL PRIMARY KEY)');
    expect((await realAlembic(FIXTURE, db, ['upgrade', '0009b_expand_alembic_version'])).code).toBe(0);
    expect((await realAlembic(FIXTURE, db, ['upgrade', '0021_ai_engine_wave_ai2'])).code).toBe(0);
    const state = await readVersionTable(db.url);
    expect([...state.revisions].sort()).toEqual(['0009b_expand_alembic_version', '0021_ai_engine_wave_ai2']);
    const report = await inspectAlembic({ scripts: FIXTURE, db: db.url });
    expect(only(report, 'db-multiple-revisions').severity).toBe('info');
    expect(report.plan).toMatchObject({ revisions: ['0022_ai_engine_wave_ai3_pipeline_intelligence', '0023_ai_engine_wave_ai4_portfolio_intelligence', '70a79686336c'], rowsAfter: ['70a79686336c'] });
    const up = await realAlembic(FIXTURE, db, ['upgrade', 'head']);
    expect(up.code, up.stderr).toBe(0);
    expect([...up.stderr.matchAll(/Running upgrade .*?-> (\S+?),/g)].map((m) => m[1])).toEqual(report.plan!.revisions);
    expect(await db.query('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '70a79686336c' }]);
  });

  it('rows on one line (one an ancestor of the other): db-revisions-overlap, as real alembic refuses', async () => {
    const db = await createTestDatabase();
    await db.query(`CREATE TABLE alembic_version (version_num VARCHAR(64) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('${ANCHOR}'), ('0021_ai_engine_wave_ai2')`);
    const report = await inspectAlembic({ scripts: FIXTURE, db: db.url });
    expect(only(report, 'db-revisions-overlap').severity).toBe('error');
    const up = await realAlembic(FIXTURE, db, ['upgrade', 'head']);
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toMatch(/overlaps with other requested revisions/);
  });

  it('a revision the scripts do not have: db-revision-unknown, as real alembic says', async () => {
    const db = await createTestDatabase();
    await db.query(`CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('deadbeef0000')`);
    const report = await inspectAlembic({ scripts: FIXTURE, db: db.url });
    const f = only(report, 'db-revision-unknown');
    expect(f).toMatchObject({ severity: 'error', details: { revision: 'deadbeef0000' } });
    expect(report.plan).toBeNull();
    const up = await realAlembic(FIXTURE, db, ['upgrade', 'head']);
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toMatch(/Can't locate revision identified by 'deadbeef0000'/);
  });

  it('an empty alembic_version next to other tables: version-table-empty', async () => {
    const db = await createTestDatabase();
    await db.query(`${ANCHOR_SQL}; CREATE TABLE alembic_version (version_num VARCHAR(64) NOT NULL PRIMARY KEY)`);
    const report = await inspectAlembic({ scripts: FIXTURE, db: db.url });
    expect(only(report, 'version-table-empty').severity).toBe('error');
    expect(report.plan!.revisions[0]).toBe(ANCHOR);
  });

  it('the stamped anchor at VARCHAR(64): the pending list in Alembic order, no width finding, and the runbook P3 list flagged', async () => {
    const db = await createTestDatabase();
    await db.query(`${ANCHOR_SQL}; CREATE TABLE alembic_version (version_num VARCHAR(64) NOT NULL PRIMARY KEY)`);
    expect((await realAlembic(FIXTURE, db, ['stamp', ANCHOR])).code).toBe(0);
    const p3 = ['0020_ai_engine_wave_ai1', '0021_ai_engine_wave_ai2', '0022_ai_engine_wave_ai3_pipeline_intelligence', '0023_ai_engine_wave_ai4_portfolio_intelligence', '0009b_expand_alembic_version', '70a79686336c'];
    const report = await inspectAlembic({ scripts: FIXTURE, db: db.url, expectPath: p3 });
    expect(codes(report).sort()).toEqual(['expected-path-mismatch', 'pending-revisions']);
    expect(only(report, 'pending-revisions').message).toMatch(/6 revision\(s\) to apply from 0019_nav_snapshots_and_investor_statements to head.*1\. 0009b_expand_alembic_version; 2\. 0020_ai_engine_wave_ai1/);
  });
});

describe('a database that refuses or goes away: clear errors, never a crash', () => {
  it('a role without CONNECT, without SELECT on alembic_version, and without the catalogs', async () => {
    const db = await createTestDatabase();
    await db.query('CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES (\'70a79686336c\')');
    const role = await db.createRole();
    await db.query(`REVOKE CONNECT ON DATABASE ${db.name} FROM PUBLIC`);
    const noConnect = await readVersionTable(role.url).catch((e: unknown) => e);
    expect(noConnect).toBeInstanceOf(AlembicDbError);
    expect(noConnect).toMatchObject({ kind: 'permission_denied', sqlState: '42501' });
    expect((noConnect as Error).message).toMatch(/may not connect.*CONNECT/);

    await db.query(`GRANT CONNECT ON DATABASE ${db.name} TO ${role.name}`);
    const report = await inspectAlembic({ scripts: FIXTURE, db: role.url });
    expect(only(report, 'db-error')).toMatchObject({ severity: 'error', details: { kind: 'permission_denied' } });
    expect(only(report, 'db-error').message).toMatch(/permission denied for table alembic_version.*SELECT on alembic_version/);
    expect(report.database).toBeNull();
    expect(report.ok).toBe(false);

    await db.query(`GRANT SELECT ON alembic_version TO ${role.name}; REVOKE SELECT ON information_schema.columns FROM PUBLIC`);
    const fallback = await readVersionTable(role.url);
    expect(fallback).toMatchObject({ revisions: ['70a79686336c'], width: 32, widthSource: 'pg_attribute' });

    await db.query('REVOKE SELECT ON pg_catalog.pg_attribute FROM PUBLIC');
    const noCatalog = await readVersionTable(role.url).catch((e: unknown) => e);
    expect(noCatalog).toMatchObject({ kind: 'permission_denied' });
    expect((noCatalog as Error).message).toMatch(/declared width.*permission denied for table pg_attribute.*catalogs/);
  });

  it('the backend terminated mid-query (pg_terminate_backend): connection_lost', async () => {
    const db = await createTestDatabase();
    await db.query('CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)');
    const app = `cutover-alembic-kill-${db.name}`;
    // Another session locks the table, so our SELECT waits; then an administrator ends our session.
    const locker = new (await import('pg')).default.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN; LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE');
      const reading = readVersionTable(db.url, { applicationName: app }).catch((e: unknown) => e);
      let pid: number | undefined;
      for (let i = 0; i < 200 && pid === undefined; i += 1) {
        const rows = await adminQuery<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [app]);
        pid = rows[0]?.pid;
        if (pid === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      expect(pid, 'the inspection never waited on the lock').toBeDefined();
      await adminQuery('SELECT pg_terminate_backend($1)', [pid]);
      const error = await reading;
      expect(error).toBeInstanceOf(AlembicDbError);
      expect(error).toMatchObject({ kind: 'connection_lost' });
      expect((error as Error).message).toMatch(/connection was lost while reading the rows of alembic_version.*pg_terminate_backend/);
    } finally {
      await locker.end();
    }
  });

  it('a server that is not there, a database that does not exist, and a statement timeout', async () => {
    const unreachable = await readVersionTable('postgresql://postgres@127.0.0.1:1/postgres').catch((e: unknown) => e);
    expect(unreachable).toMatchObject({ kind: 'connect_failed' });
    expect((unreachable as Error).message).toMatch(/Cannot connect.*ECONNREFUSED|Cannot connect/);
    const db = await createTestDatabase();
    const missing = await readVersionTable(db.url.replace(db.name, `${db.name}_nope`)).catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'database_missing', sqlState: '3D000' });
    await db.query('CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)');
    const locker = new (await import('pg')).default.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN; LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE');
      const slow = await readVersionTable(db.url, { statementTimeoutMs: 300 }).catch((e: unknown) => e);
      expect(slow).toMatchObject({ kind: 'timeout', sqlState: '57014' });
      expect((slow as Error).message).toMatch(/lock on alembic_version/);
    } finally {
      await locker.end();
    }
  });
});
