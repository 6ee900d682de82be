// The CLI killed with SIGKILL, many times at random points, in the middle of appending notes
// (`note add --lines`, fed continuously) and of streaming an artifact from standard input (fed
// slowly). After every kill `vault verify` (read-only: it recovers nothing) must find it clean and
// exit 0; the notes that survived are exactly a prefix of those sent, with every note that was
// committed before the kill among them; a half-written artifact stays open until the next
// writer seals it "incomplete" with the size and SHA-256 of exactly the first N bytes sent.
//
// "Committed before the kill" is observed, not assumed: just before each kill the test reads the
// vault through its own connection (the file opened with its key) while the writer is still alive.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Vault, type OpenUpkeep } from '../../src/core/vault';
import { PASSPHRASE, describeRun, expectNoCrash, openVaultFile, runCli, startCli, unwrapDataKey, type CliResult, type RunningCli, type SqliteDatabase } from '../helpers/cli';
import { sha256, useTempDir } from '../helpers/tmp';

const ITERATIONS = 15;
/** About 45 s each on an idle 2-core machine; the margin is for a loaded CI box. */
const SLOW_TEST_MS = 300_000;

interface VerifyJson {
  ok: boolean;
  events: number;
  artifacts: number;
  firstBadEvent: unknown;
  badArtifacts: unknown[];
  corruption: unknown;
  incompleteArtifacts: Array<{ id: string; name: string; state: string; size: number; sha256: string | null }>;
}

function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

async function initVault(dir: string): Promise<{ vault: string; dataKey: Buffer }> {
  const vault = join(dir, 'crash.vault');
  const init = await runCli(['vault', 'init', '--vault', vault]);
  expect(init.code, describeRun(init)).toBe(0);
  return { vault, dataKey: unwrapDataKey(vault).dataKey };
}

/** Polls `check` every 20 ms until it returns true or `timeoutMs` passes (returns false then). */
async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(20);
  }
  return false;
}

/** Reads through a short-lived connection of the test's own. */
function withDb<T>(vault: string, dataKey: Buffer, read: (db: SqliteDatabase) => T): T {
  const db = openVaultFile(vault, dataKey);
  try {
    return read(db);
  } finally {
    db.close();
  }
}

async function kill(running: RunningCli): Promise<CliResult> {
  running.child.kill('SIGKILL');
  const result = await running.result;
  // Killed, or (if it died by itself) it must at least not have crashed.
  if (result.signal !== 'SIGKILL') expectNoCrash(result);
  return result;
}

/** `vault verify --json` must be clean (it opens read-only, so it seals nothing itself). */
async function verifyClean(vault: string, context: string): Promise<VerifyJson> {
  const r = await runCli(['vault', 'verify', '--vault', vault, '--json']);
  expect(r.code, `${context}\n${describeRun(r)}`).toBe(0);
  const report = JSON.parse(r.stdout) as VerifyJson;
  expect(report.ok, context).toBe(true);
  expect(report.firstBadEvent).toBeNull();
  expect(report.badArtifacts).toEqual([]);
  expect(report.corruption).toBeNull();
  return report;
}

/**
 * The next writer after the kill, here the test process itself (a CLI launch per round would
 * not fit the time budget on a loaded box; readonly.test.ts runs `vault upgrade` as a process):
 * opening for writing seals what the dead writer left open.
 */
function nextWriter(vault: string): OpenUpkeep {
  const writer = Vault.open(vault, { passphrase: PASSPHRASE });
  try {
    return writer.upkeep;
  } finally {
    writer.close();
  }
}

// The three run side by side: each has its own vault, and most of their time is spent waiting.
describe.concurrent('SIGKILL at random points', () => {
  it(`${ITERATIONS} kills while appending notes (\`note add --lines\`): reopen verifies clean, surviving notes are a prefix of those sent, nothing committed is lost`, async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-crash-notes-', onTestFinished);
    const { vault, dataKey } = await initVault(dir);
    const survivors: string[] = [];
    let cutMidStream = 0;

    for (let i = 0; i < ITERATIONS; i++) {
      const headBefore = withDb(vault, dataKey, (db) => db.prepare('SELECT max(seq) FROM events').pluck().get() as number);
      const running = startCli(['note', 'add', '--vault', vault, '--lines']);
      const sent: string[] = [];
      let n = 0;
      const feeder = setInterval(() => {
        let batch = '';
        for (let k = 0; k < 4; k++) {
          const line = `it${i} note${n++} ${randomBytes(6).toString('hex')}`;
          sent.push(line);
          batch += `${line}\n`;
        }
        running.child.stdin.write(batch);
      }, 4);

      // One kill in four at a purely random time from the start (maybe before or while the
      // vault opens); the others at a random time after the writer has begun appending.
      const reader = openVaultFile(vault, dataKey);
      let committed = headBefore;
      try {
        if (i % 4 === 0) {
          await sleep(randomInt(0, 1500));
        } else {
          const appending = await waitUntil(() => (reader.prepare('SELECT max(seq) FROM events').pluck().get() as number) > headBefore, 30_000);
          expect(appending, 'the writer never appended a note').toBe(true);
          await sleep(randomInt(0, 700));
        }
        committed = reader.prepare('SELECT max(seq) FROM events').pluck().get() as number;
      } finally {
        reader.close();
      }
      await kill(running);
      clearInterval(feeder);

      const context = `iteration ${i}: ${sent.length} lines sent, head #${committed} committed before the kill`;
      await verifyClean(vault, context);
      const rows = withDb(vault, dataKey, (db) => db.prepare("SELECT seq, type, payload FROM events WHERE seq > ? ORDER BY seq").all(headBefore) as Array<{ seq: number; type: string; payload: string }>);
      expect(rows.every((r) => r.type === 'note'), context).toBe(true);
      const texts = rows.map((r) => (JSON.parse(r.payload) as { text: string }).text);
      // Exactly the first k lines sent, in order: no hole, no duplicate, nothing invented.
      expect(texts, context).toEqual(sent.slice(0, texts.length));
      // Everything seen committed before the kill is still there.
      expect(headBefore + texts.length, context).toBeGreaterThanOrEqual(committed);
      if (texts.length > 0) cutMidStream += 1;
      survivors.push(...texts);
    }

    // Nothing from earlier rounds went missing either: the whole log is every survivor, in order.
    const allNotes = withDb(vault, dataKey, (db) => (db.prepare("SELECT payload FROM events WHERE type = 'note' ORDER BY seq").pluck().all() as string[]).map((p) => (JSON.parse(p) as { text: string }).text));
    expect(allNotes).toEqual(survivors);
    expect(cutMidStream, 'most kills landed while notes were being appended').toBeGreaterThanOrEqual(ITERATIONS / 2);
  }, SLOW_TEST_MS);

  it(`${ITERATIONS} kills while streaming an artifact (\`artifact add -\`): reopen verifies clean, the artifact is "incomplete" with the size and sha256 of exactly the bytes that survived`, async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-crash-artifact-', onTestFinished);
    const { vault, dataKey } = await initVault(dir);
    const piece = 32 * 1024;
    let cutWithBytes = 0;

    for (let i = 0; i < ITERATIONS; i++) {
      const name = `transcript-${i}.log`;
      const data = randomBytes(8 * 1024 * 1024);
      const running = startCli(['artifact', 'add', '--vault', vault, '--name', name, '-']);
      // About 1.6 MB/s, so the 8 MB are still streaming when the kill comes.
      let sentBytes = 0;
      const feeder = setInterval(() => {
        if (sentBytes >= data.length) return;
        running.child.stdin.write(data.subarray(sentBytes, sentBytes + piece));
        sentBytes = Math.min(data.length, sentBytes + piece);
      }, 20);

      const reader = openVaultFile(vault, dataKey);
      const sizeOf = () => reader.prepare('SELECT size FROM artifacts WHERE name = ?').pluck().get(name) as number | undefined;
      let durable = 0;
      try {
        if (i % 4 === 0) {
          await sleep(randomInt(0, 2000));
        } else {
          const streaming = await waitUntil(() => sizeOf() !== undefined, 30_000);
          expect(streaming, 'the writer never created the artifact').toBe(true);
          await sleep(randomInt(300, 1800));
        }
        durable = sizeOf() ?? 0;
      } finally {
        reader.close();
      }
      await kill(running);
      clearInterval(feeder);

      const context = `iteration ${i}: ${sentBytes} bytes sent, ${durable} stored before the kill`;
      // The next writer seals what the dead one left open (inspecting would not: readonly.test.ts).
      const leftOpen = withDb(vault, dataKey, (db) => db.prepare("SELECT id FROM artifacts WHERE name = ? AND state = 'open'").pluck().all(name) as string[]);
      const { sealedIncomplete } = nextWriter(vault);
      expect(sealedIncomplete.map((a) => a.id), context).toEqual(leftOpen);
      const report = await verifyClean(vault, context);
      const rows = withDb(vault, dataKey, (db) => db.prepare('SELECT id, state, size, sha256 FROM artifacts WHERE name = ?').all(name) as Array<{ id: string; state: string; size: number; sha256: string | null }>);
      if (rows.length === 0) {
        // Killed before the artifact was created: nothing of it may exist.
        expect(i % 4, `${context}: only a kill at a purely random time can come before the artifact exists`).toBe(0);
        continue;
      }
      expect(rows, context).toHaveLength(1);
      const row = rows[0]!;
      expect(row.state, context).toBe('incomplete');
      expect(row.size, context).toBeLessThanOrEqual(sentBytes);
      expect(row.size, `${context}: bytes stored before the kill were lost`).toBeGreaterThanOrEqual(durable);
      // Not silently truncated: the recorded hash is the hash of exactly the first `size` bytes sent.
      expect(row.sha256, context).toBe(sha256(data.subarray(0, row.size)));
      // `vault verify` lists it as incomplete, with the same size and hash.
      const listed = report.incompleteArtifacts.find((a) => a.id === row.id);
      expect(listed, context).toMatchObject({ name, state: 'incomplete', size: row.size, sha256: row.sha256 });
      // And the chain records the seal.
      const sealed = withDb(vault, dataKey, (db) => db.prepare("SELECT payload FROM events WHERE type = 'artifact.incomplete' AND json_extract(payload, '$.id') = ?").pluck().all(row.id) as string[]);
      expect(sealed.map((p) => JSON.parse(p) as unknown), context).toEqual([expect.objectContaining({ id: row.id, name, size: row.size, sha256: row.sha256 })]);
      if (row.size > 0 && row.size < data.length) cutWithBytes += 1;
    }

    // Every artifact of every round is incomplete, none lost, and the vault still verifies.
    const final = await verifyClean(vault, 'after all rounds');
    expect(final.artifacts).toBeGreaterThanOrEqual(ITERATIONS - Math.ceil(ITERATIONS / 4));
    expect(cutWithBytes, 'enough kills landed while bytes were streaming').toBeGreaterThanOrEqual(ITERATIONS / 3);
  }, SLOW_TEST_MS);

  it('an artifact\'s bytes that waited longer than the flush interval (250 ms) survive a kill even when no more bytes follow', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-crash-idle-', onTestFinished);
    const { vault, dataKey } = await initVault(dir);
    const data = randomBytes(64 * 1024);
    const running = startCli(['artifact', 'add', '--vault', vault, '--name', 'idle.log', '-']);
    // A command prints something, then goes quiet (a long migration step, say) and the app dies.
    running.child.stdin.write(data);
    const created = await waitUntil(() => withDb(vault, dataKey, (db) => db.prepare("SELECT count(*) FROM artifacts WHERE name = 'idle.log'").pluck().get() === 1), 30_000);
    expect(created).toBe(true);
    await sleep(2000);
    await kill(running);

    const inspected = await verifyClean(vault, 'after the kill');
    expect(inspected.incompleteArtifacts.map((a) => a.state), 'verify recovers nothing').toEqual(['open']);
    expect(nextWriter(vault).sealedIncomplete).toHaveLength(1);
    const report = await verifyClean(vault, 'after the writer');
    expect(report.incompleteArtifacts).toHaveLength(1);
    const artifact = report.incompleteArtifacts[0]!;
    expect(artifact.size, 'bytes sent 2 s before the kill were only in memory').toBe(data.length);
    expect(artifact.sha256).toBe(sha256(data));
  });
});
