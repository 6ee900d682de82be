import canonicalize from 'canonicalize';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Vault, VaultTooNewError, WrongPassphraseError, KeychainUnavailableError, VaultExistsError, VaultInputError } from '../../src/core/vault';
import { openDatabase } from '../../src/core/vault/database';
import { readKeyslots, unlockDataKey } from '../../src/core/vault/keyslots';
import { migrations } from '../../src/core/vault/migrations';
// @ts-expect-error plain ESM script without types
import { readMigrations } from '../../scripts/embed-migrations.mjs';

process.env.CUTOVER_SCRYPT_LOG2N = '14';
const PASS = 'correct horse battery';

describe('vault', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-vault-'));
    path = join(dir, 'evidence.vault');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('chains every event: each hash is SHA-256 of the canonical JSON over the previous hash', () => {
    const vault = Vault.create(path, PASS, { actor: 'dba' });
    vault.append({ actor: 'dba', type: 'note', payload: { text: 'write freeze confirmed', z: 1, a: [1.5, 'ü'] } });
    vault.append({ actor: 'approver-1', type: 'attestation.recorded', payload: { statement: 'PITR window validated' } });
    const events = vault.events();
    vault.close();
    expect(events.map((e) => e.type)).toEqual(['vault.created', 'note', 'attestation.recorded']);
    let prev = '0'.repeat(64);
    for (const e of events) {
      const expected = createHash('sha256').update(canonicalize({ prevHash: prev, seq: e.seq, at: e.at, actor: e.actor, type: e.type, payload: e.payload })!).digest('hex');
      expect(e.prevHash).toBe(prev);
      expect(e.hash).toBe(expected);
      prev = e.hash;
    }
  });

  it('refuses UPDATE and DELETE on events and artifact chunks (append-only triggers)', () => {
    const vault = Vault.create(path, PASS);
    const w = vault.createArtifact({ name: 'a.log', actor: 'dba' });
    w.write('hello');
    w.finish();
    const db = vault.database.$client;
    expect(() => db.prepare(`UPDATE events SET actor = 'mallory'`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM events').run()).toThrow(/append-only/);
    expect(() => db.prepare(`UPDATE artifact_file_chunks SET tag = x'00'`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM artifact_file_chunks').run()).toThrow(/append-only/);
    expect(() => db.prepare(`UPDATE artifact_files SET salt = x'00'`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`UPDATE artifacts SET sha256 = 'x'`).run()).toThrow(/cannot be changed/);
    expect(vault.verify().ok).toBe(true);
    vault.close();
  });

  it('streams an artifact in chunks with a running SHA-256 and reads the same bytes back', () => {
    const vault = Vault.create(path, PASS);
    const expected = createHash('sha256');
    const w = vault.createArtifact({ name: 'prod_upgrade_0019_to_head.log', actor: 'dba' });
    let total = 0;
    for (let i = 0; i < 300; i++) {
      const piece = randomBytes(1 + ((i * 7919) % 40_000));
      expected.update(piece);
      total += piece.length;
      w.write(piece);
    }
    const info = w.finish();
    const digest = expected.digest('hex');
    expect(info).toMatchObject({ state: 'complete', size: total, sha256: digest });
    const back = createHash('sha256');
    let size = 0;
    for (const chunk of vault.readArtifact(info.id)) {
      back.update(chunk);
      size += chunk.length;
    }
    expect([size, back.digest('hex')]).toEqual([total, digest]);
    const sealed = vault.events().find((e) => e.type === 'artifact.completed');
    expect(sealed?.payload).toMatchObject({ id: info.id, sha256: digest, size: total });
    expect(vault.verify()).toMatchObject({ ok: true, artifacts: 1, bytes: total });
    vault.close();
  });

  it('changes the passphrase without re-encrypting the data', () => {
    const vault = Vault.create(path, PASS);
    const w = vault.createArtifact({ name: 'big.log', actor: 'dba' });
    w.write(randomBytes(2 * 1024 * 1024));
    w.finish();
    vault.database.$client.pragma('wal_checkpoint(TRUNCATE)');
    const before = readFileSync(path);
    const segments = () => readdirSync(`${path}.d`, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => readFileSync(join(e.parentPath, e.name)).toString('hex'));
    const segmentsBefore = segments();
    expect(segmentsBefore).toHaveLength(1);
    vault.changePassphrase(PASS, 'a new passphrase');
    vault.database.$client.pragma('wal_checkpoint(TRUNCATE)');
    vault.close();
    const after = readFileSync(path);
    // Re-encryption would give every page a new IV; only the pages the new event touched change.
    // The transcript's segment file (issue 17) is not touched at all.
    let same = 0;
    const pages = before.length / 4096;
    for (let p = 0; p < pages; p++) if (before.subarray(p * 4096, (p + 1) * 4096).equals(after.subarray(p * 4096, (p + 1) * 4096))) same += 1;
    expect(pages - same).toBeLessThanOrEqual(3);
    expect(segments()).toEqual(segmentsBefore);
    expect(() => Vault.open(path, { passphrase: PASS })).toThrow(WrongPassphraseError);
    const reopened = Vault.open(path, { passphrase: 'a new passphrase' });
    expect(reopened.events().at(-1)?.type).toBe('vault.passphrase_changed');
    expect(reopened.verify().ok).toBe(true);
    reopened.close();
  });

  it('refuses a wrong old passphrase when changing it', () => {
    const vault = Vault.create(path, PASS);
    expect(() => vault.changePassphrase('not the passphrase', 'a new passphrase')).toThrow(WrongPassphraseError);
    vault.close();
    Vault.open(path, { passphrase: PASS }).close();
  });

  it('unlocks through a keychain slot (the desktop wraps the key with safeStorage)', () => {
    const osKey = randomBytes(32);
    const iv = randomBytes(16);
    const wrap = (k: Buffer) => { const c = createCipheriv('aes-256-cbc', osKey, iv); return Buffer.concat([c.update(k), c.final()]); };
    const unwrap = (b: Buffer) => { const d = createDecipheriv('aes-256-cbc', osKey, iv); return Buffer.concat([d.update(b), d.final()]); };
    const vault = Vault.create(path, PASS);
    expect(Vault.hasKeychainSlot(path)).toBe(false);
    expect(() => Vault.open(path, { keychain: { unwrap } })).toThrow(KeychainUnavailableError);
    vault.setKeychainSlot(wrap);
    vault.close();
    expect(Vault.hasKeychainSlot(path)).toBe(true);
    const viaKeychain = Vault.open(path, { keychain: { unwrap } });
    expect(viaKeychain.events().map((e) => e.type)).toContain('vault.keychain_slot_added');
    viaKeychain.removeKeychainSlot();
    viaKeychain.close();
    expect(() => Vault.open(path, { keychain: { unwrap } })).toThrow(KeychainUnavailableError);
    Vault.open(path, { passphrase: PASS }).close();
  });

  it('refuses, by name, a vault written by a newer version, without touching it', () => {
    Vault.create(path, PASS).close();
    const key = unlockDataKey(readKeyslots(path), { passphrase: PASS });
    const db = openDatabase(path, key);
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    const before = readFileSync(path);
    expect(() => Vault.open(path, { passphrase: PASS })).toThrow(VaultTooNewError);
    expect(() => Vault.open(path, { passphrase: PASS })).toThrow(/newer Cutover Workstation/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('never writes over an existing file', () => {
    Vault.create(path, PASS).close();
    const before = readFileSync(path);
    expect(() => Vault.create(path, PASS)).toThrow(VaultExistsError);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('validates what it stores: actor, event type, artifact name, passphrase length', () => {
    expect(() => Vault.create(path, 'short')).toThrow(VaultInputError);
    const vault = Vault.create(path, PASS);
    expect(() => vault.append({ actor: '', type: 'note' })).toThrow(/actor/);
    expect(() => vault.append({ actor: 'dba', type: 'Not A Type' })).toThrow(/event type/);
    expect(() => vault.createArtifact({ name: '../etc/passwd', actor: 'dba' })).toThrow(/artifact name/);
    expect(vault.events()).toHaveLength(1);
    vault.close();
  });

  it('embeds exactly the migrations drizzle-kit generated', () => {
    expect(JSON.parse(JSON.stringify(migrations))).toEqual(readMigrations());
  });
});
