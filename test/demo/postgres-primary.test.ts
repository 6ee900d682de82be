// `cutover demo --example postgres-primary` in-process: the example's own bytes (parameters
// for the host, never an edited copy) rehearsed on examples/postgres-primary-host — a real
// SQLite file, a real PostgreSQL database, the sx API as a child process, sx_db and the smoke
// script — ending with a verified pack; afterwards the throwaway database is gone and the API
// is stopped. (Its own file: the rehearsal takes about as long as each in examples.test.ts.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runExampleDemo } from '../../src/core/demo/examples';
import { sha256, useTempDir } from '../helpers/tmp';

async function sxDatabases(): Promise<string[]> {
  const c = new pg.Client({ connectionString: process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' });
  await c.connect();
  try {
    return (await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'cutover_demo_sx_%'")).rows.map((r) => r.datname);
  } finally {
    await c.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('cutover demo --example postgres-primary', () => {
  it('moves assets_1 from SQLite to the PostgreSQL primary on the host stand-in, with the example unchanged, and leaves nothing behind', async () => {
    const before = await sxDatabases();
    const out = join(useTempDir('cutover-example-pgp-'), 'demo');
    const log: string[] = [];
    const result = await runExampleDemo('postgres-primary', { out, passphrase: 'pgp demo passphrase', log: (line) => log.push(line) });
    expect(result.status, log.join('\n')).toBe('COMPLETED');
    expect(result.verify?.ok).toBe(true);

    const evidence = (name: string) => readFileSync(join(result.pack!.folder, 'evidence', name), 'utf8');
    // The pack holds the example's bytes: the rehearsal ran the runbook production runs.
    const example = readFileSync(join(import.meta.dirname, '../../examples/postgres-primary-cutover.yaml'));
    expect(sha256(evidence('runbook-postgres-primary-cutover-v1.0.yaml'))).toBe(sha256(example));
    // Before the bootstrap the profile is still served from SQLite; after the import, from its schema.
    expect(evidence('pgp_baseline_health.log')).toContain('"mode":"postgres_primary","backend":"sqlite","source_id":"assets_1"');
    expect(evidence('pgp_import.log')).toContain('import: source assets_1 -> schema src_assets_1: items 40, item_meta 4, notes 3');
    expect(evidence('pgp_import_stats.log')).toContain('"source_id":"assets_1","backend":"postgres_primary","items":40');
    expect(evidence('pgp_smoke_precutover.log')).toMatch(/OK {3}source mismatch[^\n]*\nSMOKE: PASS/);
    expect(evidence('pgp_smoke_cutover.log')).toMatch(/OK {3}header\/query routing: only assets_1's items[\s\S]*SMOKE: PASS/);
    const restart = evidence('pgp_restart_postgres_primary.log');
    expect(restart).toContain('sudo (rehearsal stand-in): running as');
    expect(restart).toMatch(/systemctl \(rehearsal stand-in\): sx-api \(pid \d+\) restarted with SX_DB_BACKEND_MODE=POSTGRES_PRIMARY/);
    expect(evidence('pgp_api_5xx_review.log').trim()).toBe('0');
    // The backup's path and SHA-256 were captured, not retyped, and are the file's.
    const backup = /^([0-9a-f]{64}) {2}(\S+)$/m.exec(evidence('pgp_sqlite_backup.log'))!;
    expect(sha256(readFileSync(join(out, 'host', backup[2]!)))).toBe(backup[1]);

    expect(await sxDatabases()).toEqual(before);
    expect(alive(Number(readFileSync(join(out, 'host', 'run', 'api.pid'), 'utf8')))).toBe(false);
  }, 300_000);
});
