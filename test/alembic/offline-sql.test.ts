// Offline SQL preview: the real `alembic upgrade FROM:TO --sql`, its script kept whole, and a
// clear statement when a migration cannot be rendered offline.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildRevisionGraph, planUpgrade, readScriptDirectory, renderOfflineSql } from '../../src/core/alembic';
import { useTempDir } from '../helpers/tmp';
import { MINIMAL_INI, OFFLINE_ENV_PY } from './helpers/projects';

const FIXTURE = fileURLToPath(new URL('../../examples/alembic-governance-host/backend', import.meta.url));
const ANCHOR = '0019_nav_snapshots_and_investor_statements';
const graph = buildRevisionGraph(readScriptDirectory(FIXTURE).scripts);

describe('renderOfflineSql', () => {
  it('renders the fixture from the anchor to head, in the planned order, with the width change and the bookkeeping', async () => {
    const r = await renderOfflineSql({ projectDir: FIXTURE, from: [ANCHOR], to: 'head' });
    expect(r.ok, r.stderr).toBe(true);
    expect(r.argv).toEqual(['/usr/bin/python3', '-m', 'alembic', '-c', join(FIXTURE, 'alembic.ini'), 'upgrade', `${ANCHOR}:head`, '--sql']);
    expect(r.rendered).toEqual(planUpgrade(graph, [ANCHOR], 'head').revisions);
    expect(r.sql).toMatch(/ALTER TABLE alembic_version ALTER COLUMN version_num TYPE VARCHAR\(64\)/);
    expect(r.sql).toMatch(/CREATE TABLE investment_risk_registry/);
    expect(r.sql).toMatch(/UPDATE alembic_version SET version_num='70a79686336c'/);
    expect(r.sql).not.toMatch(/CREATE TABLE alembic_version/);
  });

  it('from the base it includes creating alembic_version (VARCHAR(32), which is what the width finding warns about)', async () => {
    const r = await renderOfflineSql({ projectDir: FIXTURE, from: [], to: 'head' });
    expect(r.ok).toBe(true);
    expect(r.sql).toMatch(/CREATE TABLE alembic_version \(\s*version_num VARCHAR\(32\) NOT NULL/);
    expect(r.rendered).toEqual(planUpgrade(graph, [], 'head').revisions);
  });

  it('from a database on two branches (several starting revisions)', async () => {
    const from = ['0009b_expand_alembic_version', '0021_ai_engine_wave_ai2'];
    const r = await renderOfflineSql({ projectDir: FIXTURE, from, to: 'head' });
    expect(r.ok, r.stderr).toBe(true);
    expect(r.rendered).toEqual(planUpgrade(graph, from, 'head').revisions);
    // At the merge one of the two rows is deleted and the other updated (which one follows Python's set order).
    expect(r.sql).toMatch(/DELETE FROM alembic_version WHERE alembic_version.version_num = '(0009b_expand_alembic_version|0023_ai_engine_wave_ai4_portfolio_intelligence)'/);
    expect(r.sql).toMatch(/UPDATE alembic_version SET version_num='70a79686336c'/);
  });

  it('says which migration cannot be rendered offline, and why, instead of returning a partial script as whole', async () => {
    const root = useTempDir('cutover-alembic-offline-');
    mkdirSync(join(root, 'migrations', 'versions'), { recursive: true });
    writeFileSync(join(root, 'alembic.ini'), MINIMAL_INI);
    writeFileSync(join(root, 'migrations', 'env.py'), OFFLINE_ENV_PY);
    writeFileSync(join(root, 'migrations', 'versions', 'a.py'), 'from alembic import op\nrevision = "aaaa0001"\ndown_revision = None\n\ndef upgrade():\n    op.execute("CREATE TABLE t (id int)")\n');
    writeFileSync(join(root, 'migrations', 'versions', 'b.py'), 'from alembic import op\nimport sqlalchemy as sa\nrevision = "bbbb0002"\ndown_revision = "aaaa0001"\n\ndef upgrade():\n    for (id_,) in op.get_bind().execute(sa.text("SELECT id FROM t")).fetchall():\n        op.execute(f"UPDATE t SET id = {id_}")\n');
    const r = await renderOfflineSql({ projectDir: root, from: [], to: 'head' });
    expect(r.ok).toBe(false);
    expect(r.failedAt).toBe('bbbb0002');
    expect(r.rendered).toEqual(['aaaa0001', 'bbbb0002']);
    expect(r.reason).toMatch(/could not render migration bbbb0002 offline: AttributeError: 'NoneType' object has no attribute 'fetchall'.*reads the database/);
    expect(r.sql).toMatch(/CREATE TABLE t/);

    const unknown = await renderOfflineSql({ projectDir: root, from: ['nope0000'], to: 'head' });
    expect(unknown.ok).toBe(false);
    expect(unknown.failedAt).toBeNull();
    expect(unknown.reason).toMatch(/Can't locate revision identified by 'nope0000'/);
  });

  it('a missing Alembic command is a clear failure', async () => {
    const r = await renderOfflineSql({ projectDir: FIXTURE, from: [], to: 'head', command: ['/nonexistent/python3', '-m', 'alembic'] });
    expect(r).toMatchObject({ ok: false, exitCode: null });
    expect(r.reason).toMatch(/Could not start \/nonexistent\/python3.*Is Alembic installed/);
  });
});
