// Inspecting changes nothing. `Vault.openReadOnly` (and `vault verify`, `vault log` over it) opens
// the SQLCipher file with SQLite's read-only flag: no migration, no recovery of a dead writer's
// artifacts, no append. The vault file, its -wal and its .keys keep their exact bytes; SQLite may
// leave an empty -wal and the -shm index beside a vault that had none (they hold no data). An
// artifact left open by a killed writer stays open until the next writer seals it.
//
// Real vault files, real CLI processes, and the file opened directly with its key. No mocks.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { NotAVaultError, Vault, VaultReadOnlyError, VaultTooNewError, VaultUpgradeNeededError, WrongPassphraseError, type ReadOnlyVault } from '../../src/core/vault';
import { addIdentity } from '../../src/core/vault/identities';
import { SCHEMA_VERSION } from '../../src/core/vault/migrate';
import { events as eventsTable } from '../../src/core/vault/schema';
import { PASSPHRASE, describeRun, expectRefusal, openVaultFile, runCli, startCli, unwrapDataKey, type RunningCli, type SqliteDatabase } from '../helpers/cli';
import { sha256File, useTempDir } from '../helpers/tmp';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

interface VerifyJson {
  ok: boolean;
  events: number;
  headHash: string;
  incompleteArtifacts: Array<{ id: string; name: string; state: string; size: number }>;
}

interface EventJson {
  seq: number;
  type: string;
  hash: string;
}

/** The evidence files' bytes: the vault, its .keys and its -wal (null where a file is absent). */
function evidenceHashes(vault: string): { vault: string | null; keys: string | null; wal: string | null } {
  return { vault: sha256File(vault), keys: sha256File(`${vault}.keys`), wal: sha256File(`${vault}-wal`) };
}

/** A -wal that was absent may appear, empty (SQLite's read-only open makes one); nothing else may change. */
function expectUnchanged(vault: string, before: ReturnType<typeof evidenceHashes>, context: string): void {
  const after = evidenceHashes(vault);
  expect({ vault: after.vault, keys: after.keys }, context).toEqual({ vault: before.vault, keys: before.keys });
  if (before.wal === null) {
    if (after.wal !== null) expect(statSync(`${vault}-wal`).size, `${context}: a -wal appeared with content`).toBe(0);
  } else {
    expect(after.wal, `${context}: the -wal changed`).toBe(before.wal);
  }
}

/** Reads through a short-lived connection of the test's own, opened read-only so it cannot checkpoint. */
function readDb<T>(vault: string, read: (db: SqliteDatabase) => T): T {
  const db = openVaultFile(vault, unwrapDataKey(vault).dataKey);
  try {
    db.pragma('query_only = ON');
    return read(db);
  } finally {
    db.close();
  }
}

async function initVault(dir: string, notes = 0): Promise<string> {
  const vault = join(dir, 'inspect.vault');
  const init = await runCli(['vault', 'init', '--vault', vault]);
  expect(init.code, describeRun(init)).toBe(0);
  for (let i = 0; i < notes; i++) {
    const note = await runCli(['note', 'add', '--vault', vault, '--text', `note ${i}`]);
    expect(note.code, describeRun(note)).toBe(0);
  }
  return vault;
}

async function verifyJson(vault: string): Promise<VerifyJson> {
  const r = await runCli(['vault', 'verify', '--vault', vault, '--json']);
  expect(r.code, describeRun(r)).toBe(0);
  return JSON.parse(r.stdout) as VerifyJson;
}

async function logJson(vault: string): Promise<EventJson[]> {
  const r = await runCli(['vault', 'log', '--vault', vault, '--json']);
  expect(r.code, describeRun(r)).toBe(0);
  return JSON.parse(r.stdout) as EventJson[];
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(20);
  }
  return false;
}

/** Streams an artifact through `artifact add -` and SIGKILLs the CLI once some bytes are stored. */
async function killedWriter(vault: string, name: string): Promise<void> {
  const running: RunningCli = startCli(['artifact', 'add', '--vault', vault, '--name', name, '-']);
  running.child.stdin.write(Buffer.alloc(64 * 1024, 0x61));
  const stored = await waitUntil(() => {
    // The writer is alive while we look, so this connection's close never checkpoints.
    const size = readDb(vault, (db) => db.prepare('SELECT size FROM artifacts WHERE name = ?').pluck().get(name) as number | undefined);
    return (size ?? 0) > 0;
  }, 30_000);
  expect(stored, 'the writer stored bytes of the artifact').toBe(true);
  running.child.kill('SIGKILL');
  const result = await running.result;
  expect(result.signal).toBe('SIGKILL');
}

describe('Vault.openReadOnly', () => {
  it('reads and verifies, reports readOnly, and refuses append, artifacts and key slot changes with VaultReadOnlyError; the head and the files are unchanged', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-ro-core-', onTestFinished);
    const path = join(dir, 'v.vault');
    const writer = Vault.create(path, PASSPHRASE, { actor: 'dba' });
    writer.append({ actor: 'dba', type: 'note', payload: { text: 'write freeze confirmed' } });
    const head = writer.head();
    writer.close();
    const before = evidenceHashes(path);

    const ro: ReadOnlyVault = Vault.openReadOnly(path, { passphrase: PASSPHRASE });
    onTestFinished(() => {
      ro.close();
    });
    expect(ro.readOnly).toBe(true);
    expect(ro.head()).toEqual(head);
    expect(ro.events().map((e) => e.type)).toEqual(['vault.created', 'note']);
    expect(ro.verify()).toMatchObject({ ok: true, events: 2, headHash: head.hash });
    expect(ro.database.select({ seq: eventsTable.seq }).from(eventsTable).orderBy(eventsTable.seq).all()).toEqual([{ seq: 1 }, { seq: 2 }]);
    // @ts-expect-error the read-only type has no append
    expect(() => ro.append({ actor: 'dba', type: 'note' })).toThrow(VaultReadOnlyError);
    // @ts-expect-error nor insert on its database (and SQLite refuses it anyway)
    expect(() => ro.database.insert(eventsTable).values({ seq: 3, at: 'now', actor: 'x', type: 'note', payload: '{}', prevHash: 'p', hash: 'h' }).run()).toThrow(/readonly/i);

    // The type has no write methods; the object behind it refuses them too.
    const asWriter = ro as unknown as Vault;
    expect(() => asWriter.append({ actor: 'dba', type: 'note', payload: { text: 'sneaked in' } })).toThrow(VaultReadOnlyError);
    expect(() => asWriter.createArtifact({ name: 'x.log', actor: 'dba' })).toThrow(VaultReadOnlyError);
    expect(() => asWriter.changePassphrase(PASSPHRASE, 'another passphrase')).toThrow(VaultReadOnlyError);
    expect(() => asWriter.setKeychainSlot((key) => key)).toThrow(VaultReadOnlyError);
    expect(() => asWriter.removeKeychainSlot()).toThrow(VaultReadOnlyError);
    try {
      asWriter.append({ actor: 'dba', type: 'note' });
    } catch (error) {
      expect((error as VaultReadOnlyError).code).toBe('VAULT_READ_ONLY');
      expect((error as Error).message).toMatch(/read-only.*nothing was written/);
    }
    // Past the vault's own guards, SQLite itself refuses: the handle was opened read-only.
    expect(() => addIdentity(asWriter, { name: 'gov1', roles: ['approver'], publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x', keySource: 'file' }, 'dba')).toThrow(/readonly/i);
    expect(() => asWriter.database.$client.exec("INSERT INTO events (seq, at, actor, type, payload, prev_hash, hash) VALUES (99, 'now', 'x', 'note', '{}', 'a', 'b')")).toThrow(/readonly/i);
    expect(() => asWriter.database.$client.pragma('user_version = 1')).toThrow(/readonly/i);

    expect(ro.head()).toEqual(head);
    ro.close();
    expectUnchanged(path, before, 'after reading, verifying and refused writes');
    const reopened = Vault.open(path, { passphrase: PASSPHRASE });
    expect(reopened.head()).toEqual(head);
    expect(reopened.verify().ok).toBe(true);
    reopened.close();
  });

  it('makes the same key and vault checks as open: a wrong passphrase and a file that is not a vault are refused', ({ onTestFinished }) => {
    const dir = useTempDir('cutover-ro-checks-', onTestFinished);
    const path = join(dir, 'v.vault');
    Vault.create(path, PASSPHRASE).close();
    expect(() => Vault.openReadOnly(path, { passphrase: 'not the passphrase' })).toThrow(WrongPassphraseError);
    expect(() => Vault.openReadOnly(join(dir, 'missing.vault'), { passphrase: PASSPHRASE })).toThrow(/No vault at/);
    const plain = join(dir, 'plain.vault');
    writeFileSync(plain, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4096 - 16)]));
    expect(() => Vault.openReadOnly(plain, { passphrase: PASSPHRASE })).toThrow(NotAVaultError);
  });

  it('runs no migration: an older schema is refused with VaultUpgradeNeededError naming `cutover vault upgrade`, a newer one with VaultTooNewError; the file is untouched', ({ onTestFinished }) => {
    const dir = useTempDir('cutover-ro-schema-', onTestFinished);
    const path = join(dir, 'v.vault');
    Vault.create(path, PASSPHRASE).close();
    const setVersion = (v: number) => {
      const db = openVaultFile(path, unwrapDataKey(path).dataKey);
      db.pragma(`user_version = ${v}`);
      db.close();
    };

    setVersion(SCHEMA_VERSION - 1);
    const older = evidenceHashes(path);
    expect(() => Vault.openReadOnly(path, { passphrase: PASSPHRASE })).toThrow(VaultUpgradeNeededError);
    expect(() => Vault.openReadOnly(path, { passphrase: PASSPHRASE })).toThrow(new RegExp(`cutover vault upgrade --vault ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expectUnchanged(path, older, 'after refusing an older schema');
    expect(readDb(path, (db) => db.pragma('user_version', { simple: true }))).toBe(SCHEMA_VERSION - 1);

    setVersion(SCHEMA_VERSION + 1);
    const newer = evidenceHashes(path);
    expect(() => Vault.openReadOnly(path, { passphrase: PASSPHRASE })).toThrow(VaultTooNewError);
    expectUnchanged(path, newer, 'after refusing a newer schema');
  });
});

describe.concurrent('inspecting from the CLI changes nothing', () => {
  it('`vault verify` and `vault log` on a cleanly closed vault: vault and .keys bytes, no -wal content, chain head all unchanged', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-ro-clean-', onTestFinished);
    const vault = await initVault(dir, 2);
    expect(existsSync(`${vault}-wal`), 'the last writer removed its -wal').toBe(false);
    const before = evidenceHashes(vault);
    const head = readDb(vault, (db) => db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get());

    const report = await verifyJson(vault);
    expect(report).toMatchObject({ ok: true, events: 3 });
    expectUnchanged(vault, before, 'after vault verify');
    const events = await logJson(vault);
    expect(events.map((e) => e.type)).toEqual(['vault.created', 'note', 'note']);
    const human = await runCli(['vault', 'log', '--vault', vault]);
    expect(human.code, describeRun(human)).toBe(0);
    expectUnchanged(vault, before, 'after vault log');

    expect(readDb(vault, (db) => db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get())).toEqual(head);
    expect(events.at(-1)).toMatchObject(head as object);
    expect(report.headHash).toBe((head as { hash: string }).hash);
  });

  it('an artifact left open by a killed writer: verify and log keep every file byte (-wal included) and leave it open; the next writer seals it incomplete', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-ro-killed-', onTestFinished);
    const vault = await initVault(dir);
    await killedWriter(vault, 'transcript.log');
    expect(existsSync(`${vault}-wal`), 'the killed writer left its -wal').toBe(true);
    const before = evidenceHashes(vault);

    const report = await verifyJson(vault);
    expect(report.ok).toBe(true);
    expect(report.incompleteArtifacts.map((a) => [a.name, a.state])).toEqual([['transcript.log', 'open']]);
    const events = await logJson(vault);
    expectUnchanged(vault, before, 'after vault verify and vault log');
    expect(events.map((e) => e.type), 'no artifact.incomplete was appended').toEqual(['vault.created']);
    expect(readDb(vault, (db) => db.prepare("SELECT state FROM artifacts WHERE name = 'transcript.log'").pluck().get())).toBe('open');

    // The next writer recovers it, as before.
    const note = await runCli(['note', 'add', '--vault', vault, '--text', 'the next writer']);
    expect(note.code, describeRun(note)).toBe(0);
    expect(readDb(vault, (db) => db.prepare("SELECT state FROM artifacts WHERE name = 'transcript.log'").pluck().get())).toBe('incomplete');
    expect((await logJson(vault)).map((e) => e.type)).toEqual(['vault.created', 'artifact.incomplete', 'note']);
    expect((await verifyJson(vault)).incompleteArtifacts.map((a) => [a.name, a.state])).toEqual([['transcript.log', 'incomplete']]);
  });

  it('`vault upgrade` is the writer\'s open on demand: it seals what a killed writer left open and says so', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-ro-upgrade-', onTestFinished);
    const vault = await initVault(dir);
    await killedWriter(vault, 'half.log');
    const id = readDb(vault, (db) => db.prepare("SELECT id FROM artifacts WHERE name = 'half.log'").pluck().get()) as string;
    const r = await runCli(['vault', 'upgrade', '--vault', vault, '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    const out = JSON.parse(r.stdout) as { schemaBefore: number; schemaVersion: number; sealedIncomplete: Array<{ id: string; state: string }> };
    expect(out).toMatchObject({ schemaBefore: SCHEMA_VERSION, schemaVersion: SCHEMA_VERSION, sealedIncomplete: [{ id, state: 'incomplete' }] });
    const again = await runCli(['vault', 'upgrade', '--vault', vault]);
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.stdout).toMatch(/already current/);
    expect(again.stdout).not.toMatch(/sealed/);
  });

  it('an older schema: `vault verify` and `vault log` refuse with exit 2 naming `cutover vault upgrade`, and write nothing', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-ro-older-', onTestFinished);
    const vault = await initVault(dir);
    const db = openVaultFile(vault, unwrapDataKey(vault).dataKey);
    db.pragma(`user_version = ${SCHEMA_VERSION - 1}`);
    db.close();
    const before = evidenceHashes(vault);
    for (const args of [['vault', 'verify'], ['vault', 'log']]) {
      const r = await runCli([...args, '--vault', vault]);
      expectRefusal(r, 2, /older vault schema.*cutover vault upgrade --vault/);
    }
    expectUnchanged(vault, before, 'after the refusals');
  });

  it('while another process holds a write transaction, verify and log work and see only what is committed; the writer then commits normally', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-ro-locked-', onTestFinished);
    const vault = await initVault(dir, 1);
    const committed = readDb(vault, (db) => db.prepare('SELECT max(seq) FROM events').pluck().get()) as number;

    // The test process is the other writer: an IMMEDIATE transaction with an uncommitted row.
    const holder = openVaultFile(vault, unwrapDataKey(vault).dataKey);
    onTestFinished(() => {
      if (holder.open) holder.close();
    });
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare("INSERT INTO events (seq, at, actor, type, payload, prev_hash, hash) VALUES (?, 'now', 'x', 'uncommitted', '{}', 'p', 'h')").run(committed + 1);

    // Held for the whole of both commands: had they needed the write lock, they would have
    // failed with "busy" after the 10 s busy timeout instead of printing.
    const report = await verifyJson(vault);
    expect(report).toMatchObject({ ok: true, events: committed });
    const events = await logJson(vault);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: committed }, (_, i) => i + 1));
    expect(holder.inTransaction, 'the write transaction was held throughout').toBe(true);

    holder.exec('ROLLBACK');
    holder.close();
    const note = await runCli(['note', 'add', '--vault', vault, '--text', 'after the lock']);
    expect(note.code, describeRun(note)).toBe(0);
    expect((await verifyJson(vault)).events).toBe(committed + 1);
  });

  it('while a `note add --lines` writer is appending, `vault log` reads what it has committed and the writer carries on', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-ro-live-', onTestFinished);
    const vault = await initVault(dir);
    const running = startCli(['note', 'add', '--vault', vault, '--lines']);
    onTestFinished(() => {
      running.child.kill('SIGKILL');
    });
    running.child.stdin.write('first\nsecond\n');
    const appended = await waitUntil(() => readDb(vault, (db) => db.prepare("SELECT count(*) FROM events WHERE type = 'note'").pluck().get() as number) === 2, 30_000);
    expect(appended).toBe(true);
    const events = await logJson(vault);
    expect(events.map((e) => e.type)).toEqual(['vault.created', 'note', 'note']);
    running.child.stdin.end('third\n');
    const done = await running.result;
    expect(done.code, describeRun(done)).toBe(0);
    expect((await logJson(vault)).map((e) => e.type)).toEqual(['vault.created', 'note', 'note', 'note']);
    expect(readFileSync(`${vault}.keys`).length).toBeGreaterThan(0);
  });
});
