// Bad input and faults (issue 2), each on real files through the real CLI process: a wrong
// passphrase, files that are not vaults, damaged and truncated vaults, missing paths, bytes
// flipped in the encrypted file, and rows changed through SQL by someone holding the key.
// A refusal is exit 2 with one clear message and nothing created or overwritten; a tampered
// vault is exit 1 from `vault verify`, naming the record. Exit 70 (internal error) or a stack
// trace is always a failure.
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, cpSync, mkdirSync, openSync, readSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { beforeAll, describe, expect, it } from 'vitest';
import { PASSPHRASE, describeRun, expectNoCrash, expectRefusal, openVaultFile, runCli, unwrapDataKey, type CliResult } from '../helpers/cli';
import { snapshotDir, useSuiteTempDir, useTempDir, type OnFinished } from '../helpers/tmp';

const PAGE = 4096;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * The folder as stored data: without the -shm (SQLite's shared-memory WAL index) and without an
 * empty -wal. An inspecting command opens the vault read-only, and SQLite may leave those two
 * beside it; they hold no data, and a read-only handle can never remove them safely (another
 * process may be using them).
 */
function snapshotStored(dir: string): Record<string, string | null> {
  return Object.fromEntries(Object.entries(snapshotDir(dir)).filter(([name, hash]) => !name.endsWith('-shm') && !(name.endsWith('-wal') && hash === EMPTY_SHA256)));
}

interface VerifyJson {
  ok: boolean;
  events: number;
  firstBadEvent: { kind: string; ref: string; message: string } | null;
  badArtifacts: Array<{ kind: string; ref: string; message: string }>;
  corruption: { kind: string; ref: string; message: string } | null;
}

function parseVerify(r: CliResult): VerifyJson {
  try {
    return JSON.parse(r.stdout) as VerifyJson;
  } catch {
    throw new Error(`vault verify --json printed no JSON:\n${describeRun(r)}`);
  }
}

// One real vault, made once through the CLI: vault.created, three notes and a 3 MB artifact.
const template = { vault: '', artifactId: '', otherKeys: '' };
const suiteDir = useSuiteTempDir('cutover-faults-');

beforeAll(async () => {
  template.vault = join(suiteDir, 'template.vault');
  // A second vault, same passphrase, for its .keys file.
  const other = join(suiteDir, 'other.vault');
  template.otherKeys = `${other}.keys`;
  const [init, initOther] = await Promise.all([runCli(['vault', 'init', '--vault', template.vault]), runCli(['vault', 'init', '--vault', other])]);
  expect(init.code, describeRun(init)).toBe(0);
  expect(initOther.code, describeRun(initOther)).toBe(0);
  const notes = await runCli(['note', 'add', '--vault', template.vault, '--lines'], { input: 'first note\nsecond note\nthird note\n' });
  expect(notes.code, describeRun(notes)).toBe(0);
  const added = await runCli(['artifact', 'add', '--vault', template.vault, '--name', 'transcript.log', '--json', '-'], { input: randomBytes(3 * 1024 * 1024) });
  expect(added.code, describeRun(added)).toBe(0);
  template.artifactId = (JSON.parse(added.stdout) as { id: string }).id;
});

/** A copy of the template vault (file, .keys and .d folder of segments) in a fresh folder of its own. */
function copyOfTemplate(onFinished: OnFinished): { dir: string; vault: string } {
  const dir = useTempDir('cutover-fault-', onFinished);
  const vault = join(dir, 'copy.vault');
  copyFileSync(template.vault, vault);
  copyFileSync(`${template.vault}.keys`, `${vault}.keys`);
  cpSync(`${template.vault}.d`, `${vault}.d`, { recursive: true });
  return { dir, vault };
}

function flipByte(path: string, offset: number): void {
  const fd = openSync(path, 'r+');
  try {
    const b = Buffer.alloc(1);
    expect(readSync(fd, b, 0, 1, offset)).toBe(1);
    b[0] = b[0]! ^ 0x5a;
    writeSync(fd, b, 0, 1, offset);
  } finally {
    closeSync(fd);
  }
}

/** Page numbers (1-based) of a table's pages of one type, read through SQLite's dbstat. */
function pagesOf(vault: string, table: string, pagetype: 'leaf' | 'overflow' | 'internal'): number[] {
  const db = openVaultFile(vault, unwrapDataKey(vault).dataKey);
  try {
    return (db.prepare('SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno').pluck().all(table, pagetype) as number[]);
  } finally {
    db.close();
  }
}

describe.concurrent('wrong passphrase', () => {
  const commands: Array<[string, string[], Record<string, string>?]> = [
    ['vault verify', ['vault', 'verify', '--json']],
    ['vault log', ['vault', 'log']],
    ['note add', ['note', 'add', '--text', 'should never be written']],
    ['artifact add', ['artifact', 'add', '--name', 'x.log', '-']],
    ['identity list', ['identity', 'list']],
    ['vault passwd', ['vault', 'passwd'], { CUTOVER_NEW_PASSPHRASE: 'a brand new passphrase' }],
  ];

  it.for(commands)('%s: exit 2, a clear message, vault and .keys byte-for-byte unchanged, no -wal/-shm', async ([, args, env], { onTestFinished }) => {
    const { dir, vault } = copyOfTemplate(onTestFinished);
    const before = snapshotDir(dir);
    const r = await runCli([...args, '--vault', vault], { env: { CUTOVER_PASSPHRASE: 'not the passphrase', ...env }, input: 'some bytes\n' });
    expectRefusal(r, 2, /wrong passphrase/i);
    expect(r.stdout).toBe('');
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('the right passphrase still opens the untouched copy afterwards', async ({ onTestFinished }) => {
    const { vault } = copyOfTemplate(onTestFinished);
    const wrong = await runCli(['vault', 'verify', '--vault', vault], { env: { CUTOVER_PASSPHRASE: 'nope nope nope' } });
    expectRefusal(wrong, 2, /wrong passphrase/i);
    const right = await runCli(['vault', 'verify', '--vault', vault, '--json']);
    expect(right.code, describeRun(right)).toBe(0);
    expect(parseVerify(right).ok).toBe(true);
  });
});

describe.concurrent('files that are not (whole) vaults', () => {
  /** Runs a reader and a writer command on the path: both refused with `message`, and the folder unchanged. */
  async function expectRefused(dir: string, vault: string, message: RegExp): Promise<void> {
    const before = snapshotStored(dir);
    const [verify, note] = await Promise.all([
      runCli(['vault', 'verify', '--vault', vault]),
      runCli(['note', 'add', '--vault', vault, '--text', 'should never be written']),
    ]);
    expectRefusal(verify, 2, message);
    expectRefusal(note, 2, message);
    expect(snapshotStored(dir), 'nothing created, nothing overwritten').toEqual(before);
  }

  function plainSqlite(path: string): void {
    const db = new Database(path);
    db.exec("CREATE TABLE events (seq INTEGER PRIMARY KEY, payload TEXT); INSERT INTO events (payload) VALUES ('{}');");
    db.close();
  }

  it('a plain SQLite file', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-fault-', onTestFinished);
    const vault = join(dir, 'plain.db');
    plainSqlite(vault);
    await expectRefused(dir, vault, /not a Cutover vault.*plain, unencrypted SQLite/);
  });

  it('a plain SQLite file with a real .keys file beside it', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-fault-', onTestFinished);
    const vault = join(dir, 'plain.db');
    plainSqlite(vault);
    copyFileSync(`${template.vault}.keys`, `${vault}.keys`);
    await expectRefused(dir, vault, /not a Cutover vault.*plain, unencrypted SQLite/);
  });

  it('a random file (8192 bytes), no .keys', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-fault-', onTestFinished);
    const vault = join(dir, 'random.bin');
    writeFileSync(vault, randomBytes(8192));
    await expectRefused(dir, vault, /not a Cutover vault.*no key file/);
  });

  it('a random file (8192 bytes) with a real vault\'s .keys beside it', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-fault-', onTestFinished);
    const vault = join(dir, 'random.bin');
    writeFileSync(vault, randomBytes(8192));
    copyFileSync(`${template.vault}.keys`, `${vault}.keys`);
    await expectRefused(dir, vault, /damaged/);
  });

  it('an empty file', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-fault-', onTestFinished);
    const vault = join(dir, 'empty.vault');
    writeFileSync(vault, '');
    copyFileSync(`${template.vault}.keys`, `${vault}.keys`);
    await expectRefused(dir, vault, /not a Cutover vault.*empty/);
  });

  it('a real vault whose .keys file is missing', async ({ onTestFinished }) => {
    const { dir, vault } = copyOfTemplate(onTestFinished);
    rmSync(`${vault}.keys`);
    await expectRefused(dir, vault, /\.keys/);
  });

  it('a real vault whose .keys file is not JSON', async ({ onTestFinished }) => {
    const { dir, vault } = copyOfTemplate(onTestFinished);
    writeFileSync(`${vault}.keys`, randomBytes(300));
    await expectRefused(dir, vault, /key file .*not valid JSON/);
  });

  it('a real vault with another vault\'s .keys (same passphrase)', async ({ onTestFinished }) => {
    const { dir, vault } = copyOfTemplate(onTestFinished);
    copyFileSync(template.otherKeys, `${vault}.keys`);
    await expectRefused(dir, vault, /damaged/);
  });

  it('a vault truncated to half its pages', async ({ onTestFinished }) => {
    const { dir, vault } = copyOfTemplate(onTestFinished);
    // The transcript lives in the .d folder now (issue 17); the database holds the chain.
    const pages = statSync(vault).size / PAGE;
    expect(pages).toBeGreaterThan(8);
    truncateSync(vault, Math.floor(pages / 2) * PAGE);
    await expectRefused(dir, vault, /damaged/);
  });

  it('a vault truncated to its first page', async ({ onTestFinished }) => {
    const { dir, vault } = copyOfTemplate(onTestFinished);
    truncateSync(vault, PAGE);
    await expectRefused(dir, vault, /damaged/);
  });

  it('a vault truncated to a size that is not a whole number of pages', async ({ onTestFinished }) => {
    const { dir, vault } = copyOfTemplate(onTestFinished);
    truncateSync(vault, Math.floor(statSync(vault).size / 2) + 1234);
    await expectRefused(dir, vault, /damaged.*truncated/);
  });

  it('a missing path, and a path in a missing folder: nothing created', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-fault-', onTestFinished);
    await expectRefused(dir, join(dir, 'nowhere.vault'), /No vault at .*nowhere\.vault/);
    await expectRefused(dir, join(dir, 'no-such-folder', 'nowhere.vault'), /No vault at /);
  });

  it('a folder given as the vault', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-fault-', onTestFinished);
    mkdirSync(join(dir, 'folder.vault'));
    await expectRefused(dir, join(dir, 'folder.vault'), /folder/);
  });
});

describe.concurrent('vault init never writes over anything', () => {
  it('refuses an existing vault: exit 2, vault and .keys unchanged', async ({ onTestFinished }) => {
    const { dir, vault } = copyOfTemplate(onTestFinished);
    const before = snapshotDir(dir);
    const r = await runCli(['vault', 'init', '--vault', vault]);
    expectRefusal(r, 2, /already exists/);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('refuses when only the .keys file exists: no vault file created, .keys unchanged', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-fault-', onTestFinished);
    const vault = join(dir, 'v.vault');
    copyFileSync(`${template.vault}.keys`, `${vault}.keys`);
    const before = snapshotDir(dir);
    const r = await runCli(['vault', 'init', '--vault', vault]);
    expectRefusal(r, 2, /already exists/);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('refuses any existing file (not a vault): unchanged, no .keys created', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-fault-', onTestFinished);
    const vault = join(dir, 'notes.txt');
    writeFileSync(vault, 'precious data\n');
    const before = snapshotDir(dir);
    const r = await runCli(['vault', 'init', '--vault', vault]);
    expectRefusal(r, 2, /already exists/);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('refuses a folder that does not exist: nothing created', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-fault-', onTestFinished);
    const before = snapshotDir(dir);
    const r = await runCli(['vault', 'init', '--vault', join(dir, 'missing', 'v.vault')]);
    expectRefusal(r, 2, /does not exist/);
    expect(snapshotDir(dir)).toEqual(before);
  });
});

describe.concurrent('a byte flipped inside the encrypted file', () => {
  /**
   * Opening and verifying must report corruption: exit 2 with "damaged" at open, or exit 1 from
   * verify naming the corruption or the artifact. The damaged file is never written to.
   */
  async function expectCorruptionReported(dir: string, vault: string): Promise<void> {
    const before = snapshotStored(dir);
    const r = await runCli(['vault', 'verify', '--vault', vault, '--json']);
    expectNoCrash(r);
    expect([1, 2], describeRun(r)).toContain(r.code);
    if (r.code === 2) {
      expectRefusal(r, 2, /damaged/);
    } else {
      const report = parseVerify(r);
      expect(report.ok).toBe(false);
      // Named as database corruption, or as the artifact whose bytes cannot be read back.
      const named = [report.corruption?.message, ...report.badArtifacts.map((a) => `${a.ref}: ${a.message}`)].filter(Boolean).join('\n');
      expect(named, describeRun(r)).not.toBe('');
      if (!report.corruption) expect(named).toContain('transcript.log');
    }
    expect(snapshotStored(dir), 'a damaged vault is not written to').toEqual(before);
  }

  it.for([
    ['in the salt at the start of page 1', 5],
    ['in the middle of page 1', 1500],
    ['in the HMAC at the end of page 1', PAGE - 10],
  ] as const)('%s: reported as damaged, not a crash', async ([, offset], { onTestFinished }) => {
    const { dir, vault } = copyOfTemplate(onTestFinished);
    flipByte(vault, offset);
    await expectCorruptionReported(dir, vault);
  });

  it('in a segment file holding the transcript: verify names the artifact and the segment, `artifact cat` refuses it', { timeout: 300_000 }, async ({ onTestFinished }) => {
    const { dir, vault } = copyOfTemplate(onTestFinished);
    const segment = join(`${vault}.d`, 'artifacts', template.artifactId, '000000.seg');
    expect(statSync(segment).size).toBeGreaterThan(3 * 1024 * 1024);
    flipByte(segment, 2 * 1024 * 1024 + 777);
    const before = snapshotStored(dir);
    const r = await runCli(['vault', 'verify', '--vault', vault, '--json']);
    expectNoCrash(r);
    expect(r.code, describeRun(r)).toBe(1);
    const report = parseVerify(r);
    expect(report.corruption).toBeNull();
    expect(report.badArtifacts).toHaveLength(1);
    expect(report.badArtifacts[0]!.ref).toContain('transcript.log');
    expect(report.badArtifacts[0]!.message).toMatch(/altered: segment .*000000\.seg chunk \d+ .*does not authenticate/);

    const cat = await runCli(['artifact', 'cat', '--vault', vault, template.artifactId]);
    expectNoCrash(cat);
    expectRefusal(cat, 2, /segment file is damaged.*000000\.seg/);
    expect(snapshotStored(dir), 'inspecting a damaged vault writes nothing').toEqual(before);
  });

  it('in a page holding events: reported, not a crash', async ({ onTestFinished }) => {
    const { dir, vault } = copyOfTemplate(onTestFinished);
    const leaves = pagesOf(vault, 'events', 'leaf');
    expect(leaves.length).toBeGreaterThan(0);
    flipByte(vault, (leaves[0]! - 1) * PAGE + 3000);
    await expectCorruptionReported(dir, vault);

    const log = await runCli(['vault', 'log', '--vault', vault]);
    expectRefusal(log, 2, /damaged/);
  });

  it('in a page holding events: `note add` refuses (exit 2, not a crash) and writes nothing', async ({ onTestFinished }) => {
    const { dir, vault } = copyOfTemplate(onTestFinished);
    const [page] = pagesOf(vault, 'events', 'leaf');
    expect(page).toBeDefined();
    flipByte(vault, (page! - 1) * PAGE + 2500);

    const before = snapshotStored(dir);
    const note = await runCli(['note', 'add', '--vault', vault, '--text', 'appended to a damaged vault']);
    expectRefusal(note, 2, /damaged/);
    expect(snapshotStored(dir)).toEqual(before);
  });

  it('in the page of an index (the artifacts\' ids): verify reports it, not a crash', async ({ onTestFinished }) => {
    const { dir, vault } = copyOfTemplate(onTestFinished);
    const [page] = pagesOf(vault, 'sqlite_autoindex_artifacts_1', 'leaf');
    expect(page).toBeDefined();
    flipByte(vault, (page! - 1) * PAGE + 2500);
    await expectCorruptionReported(dir, vault);
  });
});

describe('rows changed through SQL by someone holding the key', () => {
  /** Opens the copy directly, as an attacker with the data key would. */
  function openDirect(vault: string) {
    return openVaultFile(vault, unwrapDataKey(vault, PASSPHRASE).dataKey);
  }

  async function verifyJson(vault: string): Promise<{ r: CliResult; report: VerifyJson }> {
    const r = await runCli(['vault', 'verify', '--vault', vault, '--json']);
    expectNoCrash(r);
    return { r, report: parseVerify(r) };
  }

  it('an event\'s payload changed: the trigger refuses, and once dropped, verify exits 1 naming that event', async ({ onTestFinished }) => {
    const { vault } = copyOfTemplate(onTestFinished);
    const db = openDirect(vault);
    const target = db.prepare("SELECT seq, payload FROM events WHERE type = 'note' ORDER BY seq LIMIT 1 OFFSET 1").get() as { seq: number; payload: string };
    expect(JSON.parse(target.payload)).toEqual({ text: 'second note' });
    expect(() => db.prepare('UPDATE events SET payload = ? WHERE seq = ?').run('{"text":"forged note"}', target.seq)).toThrow(/append-only/);
    db.exec('DROP TRIGGER events_no_update');
    expect(db.prepare('UPDATE events SET payload = ? WHERE seq = ?').run('{"text":"forged note"}', target.seq).changes).toBe(1);
    db.close();

    const { r, report } = await verifyJson(vault);
    expect(r.code, describeRun(r)).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.firstBadEvent?.ref).toBe(`event #${target.seq} (note)`);
    expect(report.firstBadEvent?.message).toMatch(/changed/);

    const human = await runCli(['vault', 'verify', '--vault', vault]);
    expect(human.code, describeRun(human)).toBe(1);
    expect(human.stdout).toMatch(new RegExp(`FIRST BAD EVENT: event #${target.seq} \\(note\\)`));
  });

  it('an artifact chunk record changed: the trigger refuses, and once dropped, verify exits 1 naming the artifact', async ({ onTestFinished }) => {
    const { vault } = copyOfTemplate(onTestFinished);
    const db = openDirect(vault);
    const chunk = db.prepare('SELECT idx, tag FROM artifact_file_chunks WHERE artifact_id = ? ORDER BY idx LIMIT 1').get(template.artifactId) as { idx: number; tag: Buffer };
    const forged = Buffer.from(chunk.tag);
    forged[3] = forged[3]! ^ 1;
    const update = 'UPDATE artifact_file_chunks SET tag = ? WHERE artifact_id = ? AND idx = ?';
    expect(() => db.prepare(update).run(forged, template.artifactId, chunk.idx)).toThrow(/append-only/);
    db.exec('DROP TRIGGER artifact_file_chunks_no_update');
    expect(db.prepare(update).run(forged, template.artifactId, chunk.idx).changes).toBe(1);
    db.close();

    const { r, report } = await verifyJson(vault);
    expect(r.code, describeRun(r)).toBe(1);
    expect(report.firstBadEvent).toBeNull();
    expect(report.badArtifacts).toHaveLength(1);
    expect(report.badArtifacts[0]!.ref).toContain(template.artifactId);
    expect(report.badArtifacts[0]!.ref).toContain('transcript.log');
    expect(report.badArtifacts[0]!.message).toMatch(/altered: .*chunk 0 .*not the chunk the vault recorded/);
  });

  it('an event deleted: the trigger refuses, and once dropped, verify exits 1 naming the gap', async ({ onTestFinished }) => {
    const { vault } = copyOfTemplate(onTestFinished);
    const db = openDirect(vault);
    const seqs = db.prepare('SELECT seq FROM events ORDER BY seq').pluck().all() as number[];
    const victim = seqs[2]!;
    expect(victim).toBeLessThan(seqs[seqs.length - 1]!);
    expect(() => db.prepare('DELETE FROM events WHERE seq = ?').run(victim)).toThrow(/append-only/);
    db.exec('DROP TRIGGER events_no_delete');
    expect(db.prepare('DELETE FROM events WHERE seq = ?').run(victim).changes).toBe(1);
    db.close();

    const { r, report } = await verifyJson(vault);
    expect(r.code, describeRun(r)).toBe(1);
    expect(report.firstBadEvent?.ref).toBe(`event #${victim}`);
    expect(report.firstBadEvent?.message).toMatch(new RegExp(`missing.*#${victim - 1} to #${victim + 1}`));
  });

  it('a sealed artifact\'s catalogue row rewritten: verify exits 1 naming the artifact', async ({ onTestFinished }) => {
    const { vault } = copyOfTemplate(onTestFinished);
    const db = openDirect(vault);
    expect(() => db.prepare("UPDATE artifacts SET name = 'innocent.log' WHERE id = ?").run(template.artifactId)).toThrow(/cannot be changed/);
    db.exec('DROP TRIGGER artifacts_final_once_finished');
    db.prepare("UPDATE artifacts SET name = 'innocent.log' WHERE id = ?").run(template.artifactId);
    db.close();

    const { r, report } = await verifyJson(vault);
    expect(r.code, describeRun(r)).toBe(1);
    expect(report.badArtifacts.map((a) => a.ref)).toEqual([`artifact ${template.artifactId} (innocent.log)`]);
  });

  it('the template itself verifies clean (the tampering above is what verify found)', async ({ onTestFinished }) => {
    const { vault } = copyOfTemplate(onTestFinished);
    const { r, report } = await verifyJson(vault);
    expect(r.code, describeRun(r)).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.events).toBe(5);
  });
});
