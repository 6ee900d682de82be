// Vaults from before segment files (issue 17): their transcripts live in the database's
// artifact_chunks. They still open (the schema migrates), read and verify; `cutover vault
// migrate-artifacts` moves them into segment files, each read back against its seal before the
// database copy goes, with an artifact.migrated event each; a copy that does not match its seal,
// or a folder in the way, is refused with the chain's head unmoved.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vault, VaultUpgradeNeededError } from '../../src/core/vault';
import { artifactDirFor, segmentRootFor } from '../../src/core/vault/segments';
import { PASSPHRASE, describeRun, expectNoCrash, expectRefusal, openVaultFile, runCli, unwrapDataKey } from '../helpers/cli';
import { legacyVault } from '../helpers/legacy-vault';
import { useTempDir } from '../helpers/tmp';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';

interface Legacy { path: string; complete: { id: string; sha256: string; size: number; bytes: Buffer }; incomplete: { id: string; sha256: string; size: number } }

/** A vault as an earlier release wrote it: schema 3, transcripts in artifact_chunks, the events' hash index. */
function oldVault(dir: string): Legacy {
  return legacyVault(dir, (writer) => {
    // 1 MiB chunks, one transaction each, as the previous release wrote them.
    const w = writer('upgrade.log');
    const bytes = randomBytes(3 * 1024 * 1024 + 12345);
    for (let i = 0; i < bytes.length; i += 100_000) w.write(bytes.subarray(i, i + 100_000));
    const complete = w.finish();
    const cut = writer('cut.log');
    cut.write(randomBytes(1500));
    const incomplete = cut.abandon();
    return { complete: { id: complete.id, sha256: complete.sha256!, size: complete.size, bytes }, incomplete: { id: incomplete.id, sha256: incomplete.sha256!, size: incomplete.size } };
  });
}

function sha256Of(chunks: Iterable<Buffer>): string {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
}

function chunksInDatabase(path: string): number {
  const db = openVaultFile(path, unwrapDataKey(path).dataKey);
  try {
    return db.prepare('SELECT count(*) FROM artifact_chunks').pluck().get() as number;
  } finally {
    db.close();
  }
}

function head(path: string): { seq: number; hash: string } {
  const db = openVaultFile(path, unwrapDataKey(path).dataKey);
  try {
    return db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
  } finally {
    db.close();
  }
}

describe.concurrent('vaults with transcripts in the database', () => {
  it('open (schema migrated), read and verify as before; migrate-artifacts moves them out, verifiably, and a second run has nothing to do', { timeout: 300_000 }, async ({ onTestFinished }) => {
    const old = oldVault(useTempDir('cutover-seg-migrate-', onTestFinished));
    expect(() => Vault.openReadOnly(old.path, { passphrase: PASSPHRASE })).toThrow(VaultUpgradeNeededError);
    const opened = Vault.open(old.path, { passphrase: PASSPHRASE });
    try {
      expect(opened.upkeep.schemaBefore).toBe(3);
      expect(opened.database.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").pluck().all(), 'schema 4 dropped the hash index').toEqual([]);
      expect(Buffer.concat([...opened.readArtifact(old.complete.id)]).equals(old.complete.bytes)).toBe(true);
      expect(opened.verify()).toMatchObject({ ok: true, artifacts: 2, bytes: old.complete.size + old.incomplete.size, orphanSegments: [] });
    } finally {
      opened.close();
    }
    expect(existsSync(segmentRootFor(old.path))).toBe(false);
    const sizeBefore = statSync(old.path).size;

    const r = await runCli(['vault', 'migrate-artifacts', '--vault', old.path, '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    const out = JSON.parse(r.stdout) as { migrated: { id: string; size: number; sha256: string; segments: number }[]; refused: unknown[]; databaseBytes: { before: number; after: number } };
    expect(out.refused).toEqual([]);
    expect(out.migrated.map((m) => [m.id, m.size, m.sha256, m.segments]).sort()).toEqual([
      [old.complete.id, old.complete.size, old.complete.sha256, 1],
      [old.incomplete.id, old.incomplete.size, old.incomplete.sha256, 1],
    ].sort());
    expect(chunksInDatabase(old.path)).toBe(0);
    expect(statSync(old.path).size, 'the database gave the transcript\'s space back').toBeLessThan(sizeBefore - 3 * 1024 * 1024);
    expect(existsSync(join(artifactDirFor(segmentRootFor(old.path), old.complete.id), '000000.seg'))).toBe(true);

    const v = Vault.openReadOnly(old.path, { passphrase: PASSPHRASE });
    try {
      expect(v.verify()).toMatchObject({ ok: true, artifacts: 2, bytes: old.complete.size + old.incomplete.size, badArtifacts: [], orphanSegments: [] });
      expect(Buffer.concat([...v.readArtifact(old.complete.id)]).equals(old.complete.bytes)).toBe(true);
      expect(sha256Of(v.readArtifact(old.incomplete.id))).toBe(old.incomplete.sha256);
      const migrated = v.events().filter((e) => e.type === 'artifact.migrated').map((e) => e.payload as { id: string; sha256: string });
      expect(migrated.map((p) => [p.id, p.sha256]).sort()).toEqual([[old.complete.id, old.complete.sha256], [old.incomplete.id, old.incomplete.sha256]].sort());
      // The seals in the chain are the ones written before the move.
      expect(v.artifacts().find((a) => a.id === old.complete.id)).toMatchObject({ state: 'complete', sha256: old.complete.sha256 });
    } finally {
      v.close();
    }

    const headAfter = head(old.path);
    const again = await runCli(['vault', 'migrate-artifacts', '--vault', old.path]);
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.stdout).toMatch(/nothing to move/);
    expect(head(old.path)).toEqual(headAfter);
  });

  it('a database copy that does not match its seal is not moved (exit 1, named), and the chain\'s head does not move', { timeout: 300_000 }, async ({ onTestFinished }) => {
    const old = oldVault(useTempDir('cutover-seg-migrate-', onTestFinished));
    Vault.open(old.path, { passphrase: PASSPHRASE }).close();
    // Someone with the key rewrites the completed transcript's first chunk in the database.
    const db = openVaultFile(old.path, unwrapDataKey(old.path).dataKey);
    db.exec('DROP TRIGGER artifact_chunks_no_update');
    db.prepare('UPDATE artifact_chunks SET data = ? WHERE artifact_id = ? AND idx = 0').run(Buffer.from('forged'), old.complete.id);
    db.close();
    // The other artifact moves first; then nothing is left to move but the forged one.
    const first = await runCli(['vault', 'migrate-artifacts', '--vault', old.path, '--json']);
    expect(first.code, describeRun(first)).toBe(1);
    const out = JSON.parse(first.stdout) as { migrated: { id: string }[]; refused: { id: string; reason: string }[] };
    expect(out.migrated.map((m) => m.id)).toEqual([old.incomplete.id]);
    expect(out.refused).toEqual([{ id: old.complete.id, name: 'upgrade.log', reason: expect.stringMatching(/do not match its seal/) as unknown }]);
    const before = head(old.path);
    const second = await runCli(['vault', 'migrate-artifacts', '--vault', old.path]);
    expectNoCrash(second);
    expect(second.code, describeRun(second)).toBe(1);
    expect(second.stdout).toMatch(/NOT MOVED: upgrade\.log .*do not match its seal.*cutover vault verify/);
    expect(head(old.path)).toEqual(before);
    expect(chunksInDatabase(old.path)).toBeGreaterThan(0);
    expect(existsSync(artifactDirFor(segmentRootFor(old.path), old.complete.id))).toBe(false);
  });

  it('a folder already where an artifact\'s segments would go: exit 2 naming it, nothing moved, the head unmoved', { timeout: 300_000 }, async ({ onTestFinished }) => {
    const old = oldVault(useTempDir('cutover-seg-migrate-', onTestFinished));
    Vault.open(old.path, { passphrase: PASSPHRASE }).close();
    const before = head(old.path);
    const inTheWay = artifactDirFor(segmentRootFor(old.path), old.complete.id);
    mkdirSync(inTheWay, { recursive: true });
    const r = await runCli(['vault', 'migrate-artifacts', '--vault', old.path]);
    expectRefusal(r, 2, new RegExp(`${old.complete.id}.*already exists.*interrupted migration.*move that folder`));
    expect(head(old.path)).toEqual(before);
    expect(chunksInDatabase(old.path)).toBeGreaterThan(0);
  });
});
