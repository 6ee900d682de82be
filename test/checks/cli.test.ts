// `cutover pg preflight|fingerprint|diff` as a user runs them (a child process): exit codes
// (0 ok, 1 a FAIL or drift, 2 bad input or cannot connect), human text, exact JSON, refusals
// that say what to do, and fingerprints kept in the vault.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFingerprint, type PreflightReport } from '../../src/core/checks';
import { describeRun, expectNoCrash, expectRefusal } from '../helpers/cli';
import { PGURL, splitPassword } from '../helpers/pg';
import { freePort } from '../helpers/sshd';
import { useTempDir } from '../helpers/tmp';
import { runPgCli, useCheckDatabase } from './helpers';

const password = splitPassword(PGURL).password;
const env = password !== undefined ? { PGPASSWORD: password } : {};
const cutover = (args: string[]) => runPgCli(args, env);

describe('cutover pg preflight', () => {
  it('prints each check and exits 1 when one FAILs (a required table is missing), 0 when none does', async () => {
    const db = await useCheckDatabase();
    await db.query('CREATE TABLE active_investments (id int); CREATE TABLE cash_impact_flags (id int)');
    const failing = await cutover(['pg', 'preflight', '--db', db.bare, '--require-tables', 'active_investments,covenant_status_register', '--require-tables', 'cash_impact_flags']);
    expectNoCrash(failing);
    expect(failing.code, describeRun(failing)).toBe(1);
    expect(failing.stdout).toMatch(new RegExp(`^Preflight of \\S+/${db.name}: FAIL \\(1 FAIL`));
    expect(failing.stdout).toMatch(/\n {2}FAIL {2}objects\.required +1 of 3 required objects missing: table covenant_status_register\./);
    expect(failing.stdout).toMatch(/\n {2}INFO {2}server\.version +PostgreSQL \d+/);

    const json = await cutover(['pg', 'preflight', '--db', db.bare, '--require-tables', 'active_investments', '--json']);
    expectNoCrash(json);
    const report = JSON.parse(json.stdout) as PreflightReport;
    expect(report.checks.find((c) => c.id === 'objects.required')!.status).toBe('PASS');
    expect(json.code).toBe(report.checks.some((c) => c.status === 'FAIL') ? 1 : 0);
    expect(report.checks.every((c) => c.status !== 'FAIL'), describeRun(json)).toBe(true);
    expect(json.code).toBe(0);
  });

  it('refuses a password in the DSN, bad flags, and says when nobody listens', async () => {
    expectRefusal(await cutover(['pg', 'preflight', '--db', 'postgresql://app:hunter2@db.example.com/prod']), 2, /^cutover: The DSN carries a password: remove it and give the password through PGPASSWORD or ~\/\.pgpass/);
    const leaked = await cutover(['pg', 'fingerprint', '--db', 'postgresql://app:hunter2@db.example.com/prod']);
    expectRefusal(leaked, 2, /carries a password/);
    expect(leaked.stderr).not.toContain('hunter2');
    expectRefusal(await cutover(['pg', 'preflight', '--db', 'postgresql://postgres@127.0.0.1/x', '--long-query', 'soon']), 2, /--long-query takes a duration like 30s, 5m or 2h, got "soon"/);
    const port = await freePort();
    expectRefusal(await cutover(['pg', 'preflight', '--db', `postgresql://postgres@127.0.0.1:${port}/postgres`]), 2, new RegExp(`Connection refused by 127\\.0\\.0\\.1:${port}/postgres: is PostgreSQL running`));
    expectRefusal(await cutover(['pg', 'fingerprint', '--db', 'postgresql://postgres@127.0.0.1/x', '--vault', '/tmp/v']), 2, /--vault and --label go together/);
    expectRefusal(await cutover(['pg', 'fingerprint', '--db', 'postgresql://postgres@127.0.0.1/x', '--connections', '0']), 2, /--connections takes a number from 1 to 16, got "0"/);
  });
});

describe('cutover pg fingerprint and pg diff', () => {
  it('writes fingerprints to files and compares them: identical, naming-equivalent, drift', async () => {
    const dir = useTempDir();
    const clone = await useCheckDatabase();
    const prod = await useCheckDatabase();
    const schema = `CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE child (id int PRIMARY KEY, parent_id int CONSTRAINT child_parent_fk REFERENCES parent (id));
      CREATE INDEX child_parent_idx ON child (parent_id)`;
    await clone.query(schema);
    await prod.query(schema);
    const a = join(dir, 'clone.json');
    const b = join(dir, 'prod.json');
    const fpA = await cutover(['pg', 'fingerprint', '--db', clone.bare, '--out', a]);
    expectNoCrash(fpA);
    expect(fpA.code, describeRun(fpA)).toBe(0);
    expect(fpA.stdout).toMatch(/^Fingerprint of \S+ \(PostgreSQL .+\): sha256 [0-9a-f]{64}\n {2}schemas: public\n {2}2 tables, 3 columns, 2 constraints, 1 foreign keys, 3 indexes/);
    expect(parseFingerprint(readFileSync(a, 'utf8')).tables).toHaveLength(2);
    expect((await cutover(['pg', 'fingerprint', '--db', prod.bare, '--out', b])).code).toBe(0);

    const same = await cutover(['pg', 'diff', a, b]);
    expect(same.code, describeRun(same)).toBe(0);
    expect(same.stdout).toMatch(/^Identical: same schema fingerprint\./);

    await prod.query('ALTER TABLE child RENAME CONSTRAINT child_parent_fk TO child_parent_id_fkey');
    await cutover(['pg', 'fingerprint', '--db', prod.bare, '--out', b]);
    const renamed = await cutover(['pg', 'diff', a, b]);
    expect(renamed.code, describeRun(renamed)).toBe(0);
    expect(renamed.stdout).toMatch(/^No drift: the only differences are 1 foreign key name\(s\) with matching definitions \(naming-equivalent, allowed\)\./);
    expect(renamed.stdout).toContain('naming-equivalent foreign key on public.child: child_parent_fk (A) = child_parent_id_fkey (B): FOREIGN KEY (parent_id) REFERENCES public.parent(id)');

    await prod.query('DROP INDEX child_parent_idx; ALTER TABLE parent ALTER COLUMN id TYPE bigint');
    const json = await cutover(['pg', 'fingerprint', '--db', prod.bare, '--out', b, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ out: b, counts: { tables: 2 }, fingerprint: { format: 'cutover.schema-fingerprint/1' } });
    const drift = await cutover(['pg', 'diff', a, b]);
    expect(drift.code, describeRun(drift)).toBe(1);
    expect(drift.stdout).toMatch(/^DRIFT: 2 difference\(s\), plus 1 naming-equivalent foreign key\(s\) \(allowed\)\./);
    expect(drift.stdout).toMatch(/\n {2}missing {2}index +public\.child_parent_idx: CREATE INDEX ON public\.child USING btree \(parent_id\)/);
    expect(drift.stdout).toMatch(/\n {2}changed {2}column +public\.parent\.id: type: integer → bigint/);
    const driftJson = JSON.parse((await cutover(['pg', 'diff', a, b, '--json'])).stdout) as { drift: boolean; differences: unknown[]; namingEquivalent: unknown[] };
    expect(driftJson.drift).toBe(true);
    expect(driftJson.differences).toHaveLength(2);
    expect(driftJson.namingEquivalent).toHaveLength(1);
  });

  it('refuses a missing, broken or altered fingerprint file', async () => {
    const dir = useTempDir();
    const db = await useCheckDatabase();
    const a = join(dir, 'a.json');
    await cutover(['pg', 'fingerprint', '--db', db.bare, '--out', a]);
    expectRefusal(await cutover(['pg', 'diff', a, join(dir, 'nope.json')]), 2, /No fingerprint file at .*nope\.json\./);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"format": "cutover.schema-fingerprint/1", ');
    expectRefusal(await cutover(['pg', 'diff', a, broken]), 2, /The file .*broken\.json is not JSON/);
    const altered = join(dir, 'altered.json');
    writeFileSync(altered, readFileSync(a, 'utf8').replace('"schemas":["public"]', '"schemas":["public","sneaky"]'));
    expectRefusal(await cutover(['pg', 'diff', a, altered]), 2, /The file .*altered\.json has been altered: its content hashes to [0-9a-f]{64}, but it says [0-9a-f]{64}\./);
    expectRefusal(await cutover(['pg', 'diff', 'vault:rehearsal', a]), 2, /vault:rehearsal names a fingerprint in a vault: give the vault with --vault <path>\./);
  });

  it('stores fingerprints in the vault and compares prod with the rehearsal recorded earlier', async () => {
    const dir = useTempDir();
    const vault = join(dir, 'cutover.vault');
    const clone = await useCheckDatabase();
    const prod = await useCheckDatabase();
    await clone.query('CREATE TYPE phase AS ENUM (\'p0\', \'p1\'); CREATE TABLE runs (id int PRIMARY KEY, phase phase)');
    await prod.query('CREATE TYPE phase AS ENUM (\'p0\', \'p1\'); CREATE TABLE runs (id int PRIMARY KEY, phase phase)');
    expect((await cutover(['vault', 'init', '--vault', vault])).code).toBe(0);
    const stored = await cutover(['pg', 'fingerprint', '--db', clone.bare, '--vault', vault, '--label', 'rehearsal']);
    expect(stored.code, describeRun(stored)).toBe(0);
    expect(stored.stdout).toMatch(/stored in .*cutover\.vault as "rehearsal" \(artifact rehearsal\.fingerprint\.json, event #\d+\)/);
    await prod.query("ALTER TYPE phase ADD VALUE 'p2'");
    expect((await cutover(['pg', 'fingerprint', '--db', prod.bare, '--vault', vault, '--label', 'prod'])).code).toBe(0);

    const diff = await cutover(['pg', 'diff', 'vault:rehearsal', 'vault:prod', '--vault', vault]);
    expect(diff.code, describeRun(diff)).toBe(1);
    expect(diff.stdout).toMatch(/\n {2}A: vault:rehearsal \(\S+\/cw_test_\w+, event #\d+ at [0-9T:.Z-]+\) {2}sha256 [0-9a-f]{64}/);
    expect(diff.stdout).toMatch(/\n {2}changed {2}enum +public\.phase: labels: \(p0, p1\) → \(p0, p1, p2\); added 'p2'/);

    const log = await cutover(['vault', 'log', '--vault', vault, '--json']);
    const events = JSON.parse(log.stdout) as Array<{ type: string; payload: Record<string, unknown> }>;
    const recorded = events.filter((e) => e.type === 'schema.fingerprinted').map((e) => e.payload);
    expect(recorded.map((p) => p.label)).toEqual(['rehearsal', 'prod']);
    expect(recorded[0]).toMatchObject({ database: expect.stringMatching(new RegExp(`/${clone.name}$`)), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expectRefusal(await cutover(['pg', 'diff', 'vault:staging', 'vault:prod', '--vault', vault]), 2, /No fingerprint labelled "staging" in the vault \(there are: rehearsal, prod\)\./);
  });
});
