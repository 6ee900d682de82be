// Schema fingerprints and offline SQL previews stored with `--run` are evidence of that run:
// the real CLI stores them (a real PostgreSQL database, the real Alembic fixture project), the
// pack carries them in evidence/ with their hashes in SHA256SUMS and manifest.json
// (`sha256sum -c` passes), decision.pdf lists them (read back with pdftotext), and exporting
// again gives the same bytes. An unknown run is refused before anything is written.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_EVENT, listFingerprints, PgCheckError, storeFingerprint, takeFingerprint } from '../../src/core/checks';
import { SQL_PREVIEW_EVENT } from '../../src/core/alembic/sql-preview';
import { RUN_EVENT_TYPES } from '../../src/core/engine/state';
import { buildPackModel, LINKED_EVIDENCE_KINDS } from '../../src/core/reports/pack-model';
import { buildIncidentReport, incidentMarkdown } from '../../src/core/reports/incident';
import { RunEngine } from '../../src/core/engine';
import { createExecutor } from '../../src/core/targets';
import { PGURL, splitPassword } from '../helpers/pg';
import { useCheckDatabase } from '../checks/helpers';
import { overlappingWords } from '../report/runs';
import { cutover, RUNBOOK, sha256sumCheck, usePackFixture, type ToolRun } from './fixture';

const FIXTURE = fileURLToPath(new URL('../../examples/alembic-governance-host/backend', import.meta.url));
const ANCHOR = '0019_nav_snapshots_and_investor_statements';
const password = splitPassword(PGURL).password;
const pgEnv = password !== undefined ? { PGPASSWORD: password } : {};

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const said = (r: ToolRun) => `exit ${r.code}\n--- stdout\n${r.stdout.slice(0, 3000)}\n--- stderr\n${r.stderr.slice(0, 3000)}`;

function pdfText(path: string): string {
  const r = spawnSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout;
}

function filesOf(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    return e.isDirectory() ? filesOf(root, rel) : [rel];
  }).sort();
}

describe('fingerprints and SQL previews as evidence of a run', () => {
  it('stored with --run by the CLI, exported in the pack (evidence/, SHA256SUMS, manifest, PDF), byte-identical on re-export', async () => {
    const f = await usePackFixture();
    const vaultPath = f.vault.path;
    const db = await useCheckDatabase();
    await db.query('CREATE TABLE investors (id int PRIMARY KEY, name text NOT NULL); CREATE INDEX investors_name_idx ON investors (name)');
    const runHead = f.vault.events().filter((e) => RUN_EVENT_TYPES.includes(e.type) && (e.payload as { runId?: string }).runId === f.runId).at(-1)!;

    // A fingerprint stored without --run is no evidence of the run and stays out of its pack.
    const unlinked = await cutover(['pg', 'fingerprint', '--db', db.bare, '--vault', vaultPath, '--label', 'scratch'], { env: pgEnv });
    expect(unlinked.code, said(unlinked)).toBe(0);

    // After the run's last step: prod's schema fingerprint and the offline SQL preview, both for the run.
    const fp = await cutover(['pg', 'fingerprint', '--db', db.bare, '--vault', vaultPath, '--label', 'prod-after', '--run', f.runId, '--json'], { env: pgEnv });
    expect(fp.code, said(fp)).toBe(0);
    const fpJson = JSON.parse(fp.stdout) as { sha256: string; stored: { label: string; run: string; event: number; artifact: string } };
    expect(fpJson.stored).toMatchObject({ label: 'prod-after', run: f.runId });
    const fpEvent = f.vault.events({ afterSeq: fpJson.stored.event - 1, limit: 1 })[0]!;
    expect(fpEvent.type).toBe(FINGERPRINT_EVENT);
    expect(fpEvent.payload).toMatchObject({ runId: f.runId, label: 'prod-after', sha256: fpJson.sha256, artifactId: fpJson.stored.artifact });
    expect(listFingerprints(f.vault).map((r) => [r.label, r.runId])).toEqual([['scratch', null], ['prod-after', f.runId]]);

    const sql = await cutover(['alembic', 'sql', '--scripts', FIXTURE, '--from', ANCHOR, '--to', 'head', '--vault', vaultPath, '--run', f.runId]);
    expect(sql.code, said(sql)).toBe(0);
    // stdout is the script, as without --vault; where it was stored goes to stderr.
    expect(sql.stdout).toMatch(/-- Running upgrade 0019_nav_snapshots_and_investor_statements -> 0009b_expand_alembic_version/);
    expect(sql.stderr).toMatch(new RegExp(`^cutover: stored in .* as upgrade-${ANCHOR}-to-head\\.sql \\(sha256 ${sha256(sql.stdout)}, event #\\d+\\), evidence of run ${f.runId}\\n$`));
    const sqlEvent = f.vault.events().filter((e) => e.type === SQL_PREVIEW_EVENT).at(-1)!;
    expect(sqlEvent.payload).toMatchObject({ runId: f.runId, label: `upgrade-${ANCHOR}-to-head`, scriptsDir: FIXTURE, from: [ANCHOR], to: 'head', sha256: sha256(sql.stdout) });
    const sqlArtifact = f.vault.artifacts().find((a) => a.id === (sqlEvent.payload as { artifactId: string }).artifactId)!;
    expect(sqlArtifact).toMatchObject({ name: `upgrade-${ANCHOR}-to-head.sql`, mediaType: 'application/sql', state: 'complete', sha256: sha256(sql.stdout) });

    const labelled = await cutover(['alembic', 'sql', '--scripts', FIXTURE, '--from', ANCHOR, '--to', '0009b_expand_alembic_version', '--vault', vaultPath, '--run', f.runId, '--label', 'width-fix-preview', '--json']);
    expect(labelled.code, said(labelled)).toBe(0);
    const labelledJson = JSON.parse(labelled.stdout) as { ok: boolean; sql: string; stored: { name: string; sha256: string; run: string } };
    expect(labelledJson.stored).toMatchObject({ name: 'width-fix-preview.sql', sha256: sha256(labelledJson.sql), run: f.runId });

    // Export: the three files are in evidence/, exactly the vault's bytes, listed in SHA256SUMS and the manifest.
    const one = await cutover(['pack', 'export', '--vault', vaultPath, f.runId, '--out', join(f.dir, 'one'), '--json']);
    expect(one.code, said(one)).toBe(0);
    const built = JSON.parse(one.stdout) as { folder: string; zip: string; manifestSha256: string; chainHead: { seq: number; hash: string; at: string } };
    const linked = [
      { path: 'evidence/prod-after.fingerprint.json', artifactId: fpJson.stored.artifact },
      { path: `evidence/upgrade-${ANCHOR}-to-head.sql`, artifactId: sqlArtifact.id },
      { path: 'evidence/width-fix-preview.sql', artifactId: f.vault.artifacts().find((a) => a.name === 'width-fix-preview.sql')!.id },
    ];
    const inPack = filesOf(built.folder);
    expect(inPack).not.toContain('evidence/scratch.fingerprint.json');
    const sums = readFileSync(join(built.folder, 'SHA256SUMS'), 'utf8');
    const manifest = JSON.parse(readFileSync(join(built.folder, 'manifest.json'), 'utf8'));
    for (const l of linked) {
      expect(inPack).toContain(l.path);
      const bytes = readFileSync(join(built.folder, l.path));
      expect(bytes.equals(Buffer.concat([...f.vault.readArtifact(l.artifactId)])), l.path).toBe(true);
      expect(sums).toContain(`${sha256(bytes)}  ${l.path}\n`);
      expect(manifest.subject.find((s: { name: string }) => s.name === l.path)).toMatchObject({ digest: { sha256: sha256(bytes) }, annotations: { kind: 'evidence', artifactId: l.artifactId, size: bytes.length } });
    }
    expect(readFileSync(join(built.folder, 'evidence/prod-after.fingerprint.json'), 'utf8')).toContain(fpJson.sha256);
    expect(readFileSync(join(built.folder, `evidence/upgrade-${ANCHOR}-to-head.sql`), 'utf8')).toBe(sql.stdout);
    const check = await sha256sumCheck(built.folder);
    expect(check.code, check.stderr).toBe(0);
    for (const l of linked) expect(check.stdout).toContain(`${l.path}: OK`);
    expect(manifest.predicate.linkedEvidence.map((l: { kind: string; label: string; path: string }) => [l.kind, l.label, l.path])).toEqual([
      ['schema-fingerprint', 'prod-after', 'evidence/prod-after.fingerprint.json'],
      ['sql-preview', `upgrade-${ANCHOR}-to-head`, `evidence/upgrade-${ANCHOR}-to-head.sql`],
      ['sql-preview', 'width-fix-preview', 'evidence/width-fix-preview.sql'],
    ]);
    // Stored after the run's last event: the anchor moves to the last evidence event, so it covers every event the pack draws on.
    const lastLinked = f.vault.events().filter((e) => e.type === SQL_PREVIEW_EVENT).at(-1)!;
    expect(lastLinked.seq).toBeGreaterThan(runHead.seq);
    expect(built.chainHead).toEqual({ seq: lastLinked.seq, hash: lastLinked.hash, at: lastLinked.at });
    const verify = await cutover(['pack', 'verify', built.folder]);
    expect(verify.stdout, said(verify)).toMatch(/files: \d+ checked against manifest\.json and SHA256SUMS, all match/);

    // decision.pdf lists them, with their full hashes, after the required evidence.
    const text = pdfText(join(built.folder, 'decision.pdf'));
    const folded = text.replace(/\s+/g, ' ');
    expect(folded).toContain('Schema fingerprints and SQL previews');
    expect(folded).toContain('3 files stored with this run\'s id');
    expect(folded.indexOf('Schema fingerprints and SQL previews')).toBeGreaterThan(folded.indexOf('Required evidence'));
    expect(folded.indexOf('Schema fingerprints and SQL previews')).toBeLessThan(folded.indexOf('Preconditions and attestations'));
    for (const l of linked) {
      expect(folded).toContain(l.path.slice('evidence/'.length));
      expect(text).toContain(sha256(readFileSync(join(built.folder, l.path))));
    }
    expect(folded).toContain(`database ${(fpEvent.payload as { database: string }).database}; schema fingerprint sha256 ${fpJson.sha256}`);
    expect(folded).toContain(`alembic upgrade ${ANCHOR} -> head`);
    expect(folded).toContain('6 migration(s)');
    expect(overlappingWords(readFileSync(join(built.folder, 'decision.pdf'))), 'overlapping words').toEqual([]);

    // Again, after events that are not evidence of the run (a note, the first export): the same bytes.
    f.vault.append({ actor: 'ana', type: 'note', payload: { text: 'between exports' } });
    const two = await cutover(['pack', 'export', '--vault', vaultPath, f.runId, '--out', join(f.dir, 'two'), '--json']);
    expect(two.code, said(two)).toBe(0);
    const again = JSON.parse(two.stdout) as typeof built;
    expect(readFileSync(again.zip).equals(readFileSync(built.zip))).toBe(true);
    expect(filesOf(again.folder)).toEqual(inPack);
    for (const path of inPack) expect(readFileSync(join(again.folder, path)).equals(readFileSync(join(built.folder, path))), path).toBe(true);
    expect(again.manifestSha256).toBe(built.manifestSha256);
  });

  it('refuses --run naming no run of the vault: exit 2, a clear message, nothing stored', async () => {
    const f = await usePackFixture();
    const vaultPath = f.vault.path;
    const db = await useCheckDatabase();
    const before = f.vault.head();
    const artifacts = f.vault.artifacts().length;

    const fp = await cutover(['pg', 'fingerprint', '--db', db.bare, '--vault', vaultPath, '--label', 'prod', '--run', 'no-such-run', '--out', join(f.dir, 'fp.json')], { env: pgEnv });
    expect(fp.code, said(fp)).toBe(2);
    expect(fp.stderr).toMatch(/^cutover: No run no-such-run in this vault; see `cutover run list`\. Nothing was stored\.\n$/);
    expect(existsSync(join(f.dir, 'fp.json'))).toBe(false);

    const sql = await cutover(['alembic', 'sql', '--scripts', FIXTURE, '--from', ANCHOR, '--vault', vaultPath, '--run', 'no-such-run']);
    expect(sql.code, said(sql)).toBe(2);
    expect(sql.stderr).toMatch(/^cutover: No run no-such-run in this vault; see `cutover run list`\. Nothing was stored\.\n$/);
    expect(sql.stdout).toBe('');

    // Flags that only make sense together.
    const runAlone = await cutover(['pg', 'fingerprint', '--db', db.bare, '--run', f.runId], { env: pgEnv });
    expect(runAlone.code).toBe(2);
    expect(runAlone.stderr).toMatch(/^cutover: --run goes with --vault and --label/);
    const vaultAlone = await cutover(['alembic', 'sql', '--scripts', FIXTURE, '--vault', vaultPath]);
    expect(vaultAlone.code).toBe(2);
    expect(vaultAlone.stderr).toMatch(/^cutover: --vault and --run go together/);
    const badLabel = await cutover(['alembic', 'sql', '--scripts', FIXTURE, '--vault', vaultPath, '--run', f.runId, '--label', '../x']);
    expect(badLabel.code).toBe(2);
    expect(badLabel.stderr).toMatch(/^cutover: "\.\.\/x" is not a label for a SQL preview/);

    expect(f.vault.head()).toEqual(before);
    expect(f.vault.artifacts()).toHaveLength(artifacts);
  });

  it('a preview Alembic cannot finish is not stored (exit 1, as without --vault)', async () => {
    const f = await usePackFixture();
    const before = f.vault.head();
    const r = await cutover(['alembic', 'sql', '--scripts', FIXTURE, '--from', 'nope0000', '--vault', f.vault.path, '--run', f.runId]);
    expect(r.code, said(r)).toBe(1);
    expect(r.stderr).toMatch(/the preview is incomplete and was not stored/);
    expect(f.vault.head()).toEqual(before);
  });
});

describe('storeFingerprint with a run, and the pack model', () => {
  it('carries the run id, refuses an unknown run before writing, and only this run\'s evidence is linked to it', async () => {
    const f = await usePackFixture();
    const db = await useCheckDatabase();
    await db.query('CREATE TABLE t (id int PRIMARY KEY)');
    const taken = await takeFingerprint(await db.session());

    const before = f.vault.head();
    expect(() => storeFingerprint(f.vault, taken.fingerprint, { label: 'prod', database: taken.meta.target, actor: 'ana', runId: 'nope' })).toThrow(PgCheckError);
    expect(() => storeFingerprint(f.vault, taken.fingerprint, { label: 'prod', database: taken.meta.target, actor: 'ana', runId: 'nope' })).toThrow(/^No run nope in this vault/);
    expect(f.vault.head()).toEqual(before);

    // A second run of the same runbook: its evidence is not the first run's.
    const other = await f.engine('ana').startRun({ text: RUNBOOK, source: 'pack-test.yaml', environment: 'rehearsal' });
    const mine = storeFingerprint(f.vault, taken.fingerprint, { label: 'prod', database: taken.meta.target, actor: 'ana', runId: f.runId });
    expect(mine.event.payload).toMatchObject({ runId: f.runId, label: 'prod', artifactId: mine.artifact.id });
    const theirs = storeFingerprint(f.vault, taken.fingerprint, { label: 'prod', database: taken.meta.target, actor: 'ana', runId: other.runId });
    storeFingerprint(f.vault, taken.fingerprint, { label: 'prod', database: taken.meta.target, actor: 'ana' });

    const engine = new RunEngine(f.vault, { actor: 'system', executors: createExecutor });
    const model = buildPackModel(f.vault, engine.status(f.runId));
    expect(model.linkedEvidence).toEqual([{
      kind: 'schema-fingerprint', label: 'prod', artifactId: mine.artifact.id, name: 'prod.fingerprint.json', mediaType: 'application/json',
      sha256: mine.artifact.sha256, size: mine.artifact.size, detail: `database ${taken.meta.target}; schema fingerprint sha256 ${taken.fingerprint.sha256}`,
      seq: mine.event.seq, at: mine.event.at, actor: 'ana',
    }]);
    expect(model.chainHead).toEqual({ seq: mine.event.seq, hash: mine.event.hash });
    expect(model.exportedAt).toBe(mine.event.at);
    const otherModel = buildPackModel(f.vault, engine.status(other.runId));
    expect(otherModel.linkedEvidence!.map((l) => l.artifactId)).toEqual([theirs.artifact.id]);

    // The incident report's evidence lists it too, with its hash and the event that stored it.
    const incident = buildIncidentReport(f.vault, f.runId);
    expect(incident.linkedEvidence.map((l) => [l.name, l.sha256, l.seq])).toEqual([['prod.fingerprint.json', mine.artifact.sha256, mine.event.seq]]);
    expect(incidentMarkdown(incident)).toContain(`| prod.fingerprint.json (schema-fingerprint, event #${mine.event.seq}: database ${taken.meta.target}; schema fingerprint sha256 ${taken.fingerprint.sha256}) | ${mine.artifact.size} | \`${mine.artifact.sha256}\` |`);

    // The event types the pack model knows are the ones the stores write.
    expect(LINKED_EVIDENCE_KINDS[FINGERPRINT_EVENT]).toBe('schema-fingerprint');
    expect(LINKED_EVIDENCE_KINDS[SQL_PREVIEW_EVENT]).toBe('sql-preview');
  });
});
