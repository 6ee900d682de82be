// Several processes on one vault at once, all real CLI processes on a real file: writers of
// notes and of an artifact with a verifier running meanwhile, racing `vault init`s, racing
// `vault passwd`es, and a writer that meets a lock held longer than its busy timeout. No
// corruption; every process either works safely or says the vault is busy (exit 2) — never a
// crash, never a lost or doubled record.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { PASSPHRASE, REPO_ROOT, cliEnv, describeRun, expectNoCrash, expectRefusal, openVaultFile, runCli, startCli, unwrapDataKey, type CliResult, type RunningCli } from '../helpers/cli';
import { sha256, snapshotDir, useTempDir } from '../helpers/tmp';

const BUSY = /busy/i;

interface VerifyJson {
  ok: boolean;
  events: number;
  artifacts: number;
}

async function initVault(dir: string): Promise<string> {
  const vault = join(dir, 'shared.vault');
  const init = await runCli(['vault', 'init', '--vault', vault]);
  expect(init.code, describeRun(init)).toBe(0);
  return vault;
}

/**
 * Feeds numbered lines to a running `note add --lines` writer, a few every 20 ms, until `done()`
 * (or the writer exits), then closes its input. Returns the lines sent, in order.
 */
async function feedLines(running: RunningCli, label: string, done: (sent: number) => boolean): Promise<string[]> {
  const sent: string[] = [];
  const deadline = Date.now() + 120_000;
  while (!done(sent.length) && running.child.exitCode === null && running.child.signalCode === null && Date.now() < deadline) {
    const batch = Array.from({ length: 5 }, () => `${label} line ${sent.length} ${randomBytes(4).toString('hex')}`);
    for (const line of batch) sent.push(line);
    running.child.stdin.write(batch.map((l) => `${l}\n`).join(''));
    await sleep(20);
  }
  running.child.stdin.end();
  return sent;
}

/** A process that shares the vault: either it worked, or it said the vault is busy (exit 2). */
function expectWorkedOrBusy(r: CliResult, what: string): 'worked' | 'busy' {
  expectNoCrash(r);
  if (r.code === 0) return 'worked';
  expect(r.code, `${what}\n${describeRun(r)}`).toBe(2);
  expect(r.stderr, `${what}\n${describeRun(r)}`).toMatch(BUSY);
  return 'busy';
}

describe.concurrent('processes sharing one vault', () => {
  it('two `note add --lines` writers and an artifact stream at once, with `vault verify` running meanwhile: every line once, chain intact', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-concurrent-', onTestFinished);
    const vault = await initVault(dir);
    const blob = randomBytes(4 * 1024 * 1024);

    const a = startCli(['note', 'add', '--vault', vault, '--lines', '--actor', 'writer-a'], { timeoutMs: 180_000 });
    const b = startCli(['note', 'add', '--vault', vault, '--lines', '--actor', 'writer-b'], { timeoutMs: 180_000 });
    const c = startCli(['artifact', 'add', '--vault', vault, '--name', 'stream.bin', '--json', '-'], { timeoutMs: 180_000 });
    // Both writers are fed until both have been appending, side by side, for a second and a half
    // (watched through a connection of the test's own), so they really contend for the vault.
    const watcher = openVaultFile(vault, unwrapDataKey(vault).dataKey);
    let bothAppendingSince = 0;
    const exited = (r: RunningCli) => r.child.exitCode !== null || r.child.signalCode !== null;
    const enough = (sent: number) => {
      if (exited(a) || exited(b)) return true;
      if (!bothAppendingSince) {
        const actors = watcher.prepare("SELECT DISTINCT actor FROM events WHERE type = 'note'").pluck().all() as string[];
        if (actors.length === 2) bothAppendingSince = Date.now();
      }
      return sent >= 200 && bothAppendingSince > 0 && Date.now() - bothAppendingSince > 1500;
    };
    const feeding = Promise.all([
      feedLines(a, 'writer-A', enough),
      feedLines(b, 'writer-B', enough),
      (async () => {
        for (let off = 0; off < blob.length; off += 64 * 1024) {
          c.child.stdin.write(blob.subarray(off, off + 64 * 1024));
          await sleep(30);
        }
        c.child.stdin.end();
      })(),
    ]).finally(() => watcher.close());

    // Verifiers, one after another, for as long as the writers run.
    let writersDone = false;
    const all = Promise.all([a.result, b.result, c.result]).finally(() => {
      writersDone = true;
    });
    const verifies: CliResult[] = [];
    while (!writersDone || verifies.length === 0) {
      verifies.push(await runCli(['vault', 'verify', '--vault', vault, '--json']));
    }
    const [linesA, linesB] = await feeding;
    const [ra, rb, rc] = await all;

    for (const v of verifies) {
      if (expectWorkedOrBusy(v, 'a verify run alongside the writers') === 'worked') expect((JSON.parse(v.stdout) as VerifyJson).ok, describeRun(v)).toBe(true);
    }
    const outcomeA = expectWorkedOrBusy(ra, 'writer A');
    const outcomeB = expectWorkedOrBusy(rb, 'writer B');
    const outcomeC = expectWorkedOrBusy(rc, 'the artifact writer');

    const final = await runCli(['vault', 'verify', '--vault', vault, '--json']);
    expect(final.code, describeRun(final)).toBe(0);
    const report = JSON.parse(final.stdout) as VerifyJson;
    expect(report.ok).toBe(true);

    const db = openVaultFile(vault, unwrapDataKey(vault).dataKey);
    let notes: Array<{ actor: string; text: string }>;
    let artifacts: Array<{ name: string; state: string; size: number; sha256: string | null }>;
    try {
      notes = (db.prepare("SELECT actor, payload FROM events WHERE type = 'note' ORDER BY seq").all() as Array<{ actor: string; payload: string }>)
        .map((r) => ({ actor: r.actor, text: (JSON.parse(r.payload) as { text: string }).text }));
      artifacts = db.prepare('SELECT name, state, size, sha256 FROM artifacts').all() as typeof artifacts;
    } finally {
      db.close();
    }
    const ofA = notes.filter((n) => n.actor === 'writer-a').map((n) => n.text);
    const ofB = notes.filter((n) => n.actor === 'writer-b').map((n) => n.text);
    expect(ofA.length + ofB.length).toBe(notes.length);
    // Each writer's lines, in its order, each exactly once (all of them when it worked).
    expect(ofA).toEqual(linesA.slice(0, ofA.length));
    expect(ofB).toEqual(linesB.slice(0, ofB.length));
    if (outcomeA === 'worked') expect(ofA).toHaveLength(linesA.length);
    if (outcomeB === 'worked') expect(ofB).toHaveLength(linesB.length);
    if (outcomeA === 'worked' && outcomeB === 'worked') {
      // The writers really ran at the same time: their notes interleave in the chain.
      const order = notes.map((n) => n.actor);
      expect(order.indexOf('writer-b'), 'B appended before A finished').toBeLessThan(order.lastIndexOf('writer-a'));
      expect(order.indexOf('writer-a'), 'A appended before B finished').toBeLessThan(order.lastIndexOf('writer-b'));
    }
    if (outcomeC === 'worked') {
      expect(artifacts).toEqual([{ name: 'stream.bin', state: 'complete', size: blob.length, sha256: sha256(blob) }]);
    }
    // Everything is in the chain: vault.created, the notes, artifact.completed.
    expect(report.events).toBe(1 + notes.length + (outcomeC === 'worked' ? 1 : 0));
  }, 240_000);

  it('`vault verify` while another process seals artifacts one after another never reports a false failure', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-concurrent-', onTestFinished);
    const vault = await initVault(dir);
    // The other process: seals small artifacts back to back for a few seconds through the core API.
    const sealer = `
      const { Vault } = await import(${JSON.stringify(join(REPO_ROOT, 'src/core/vault/index.ts'))});
      const v = Vault.open(process.env.SEAL_VAULT, { passphrase: process.env.CUTOVER_PASSPHRASE });
      const end = Date.now() + 4000;
      let n = 0;
      while (Date.now() < end) { const w = v.createArtifact({ name: 'sealed-' + n++ + '.log', actor: 'sealer' }); w.write('output line\\n'); w.finish(); }
      v.close();
      console.log(n);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', sealer], { cwd: REPO_ROOT, env: cliEnv({ SEAL_VAULT: vault }) });
    let sealed = '';
    let errors = '';
    child.stdout.on('data', (b: Buffer) => (sealed += b.toString()));
    child.stderr.on('data', (b: Buffer) => (errors += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    const verifier = Vault.open(vault, { passphrase: PASSPHRASE });
    const falseFailures: unknown[] = [];
    let runs = 0;
    try {
      let running = true;
      void exited.then(() => (running = false));
      while (running) {
        const report = verifier.verify();
        runs += 1;
        if (!report.ok) falseFailures.push({ firstBadEvent: report.firstBadEvent, badArtifacts: report.badArtifacts, corruption: report.corruption });
        await sleep(0);
      }
    } finally {
      verifier.close();
    }
    expect(await exited, errors).toBe(0);
    expect(Number(sealed), 'the sealer sealed artifacts while verify ran').toBeGreaterThan(20);
    expect(runs).toBeGreaterThan(20);
    expect(falseFailures.slice(0, 3), `${falseFailures.length} of ${runs} verify runs failed on a vault that was never damaged`).toEqual([]);
    const final = await runCli(['vault', 'verify', '--vault', vault, '--json']);
    expect(final.code, describeRun(final)).toBe(0);
  });

  it('racing `vault init`s on one path: exactly one creates the vault, the others refuse, nothing is mixed', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-concurrent-', onTestFinished);
    const vault = join(dir, 'raced.vault');
    const results = await Promise.all(['one', 'two', 'three'].map((who) => runCli(['vault', 'init', '--vault', vault, '--json'], { env: { CUTOVER_ACTOR: who } })));
    const created = results.filter((r) => r.code === 0);
    expect(created, results.map(describeRun).join('\n')).toHaveLength(1);
    for (const r of results.filter((x) => x.code !== 0)) expectRefusal(r, 2, /already exists/);
    // The vault that exists is the winner's, with its own .keys, and it verifies.
    const id = (JSON.parse(created[0]!.stdout) as { id: string }).id;
    expect(unwrapDataKey(vault).vaultId).toBe(id);
    expect(Object.keys(snapshotDir(dir))).toEqual(['raced.vault', 'raced.vault.keys']);
    const verify = await runCli(['vault', 'verify', '--vault', vault, '--json']);
    expect(verify.code, describeRun(verify)).toBe(0);
  });

  it('racing `vault passwd`es: at most one new passphrase is accepted, and the one accepted opens the vault', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-concurrent-', onTestFinished);
    const vault = await initVault(dir);
    const candidates = ['new passphrase one', 'new passphrase two', 'new passphrase three'];
    // A slower KDF for the new slot (2^17) widens each process's read-rewrap-write window, as on a user's machine.
    const results = await Promise.all(candidates.map((next) => runCli(['vault', 'passwd', '--vault', vault], { env: { CUTOVER_NEW_PASSPHRASE: next, CUTOVER_SCRYPT_LOG2N: '17' } })));
    const accepted = candidates.filter((_, i) => results[i]!.code === 0);
    for (const r of results) {
      expectNoCrash(r);
      if (r.code !== 0) expectRefusal(r, 2, /wrong passphrase|busy/i);
    }
    // Every passphrase a process reported as set must open the vault; serially, only the first
    // passwd can succeed (the others then hold a stale old passphrase).
    const opens = await Promise.all(accepted.map((p) => runCli(['vault', 'verify', '--vault', vault], { env: { CUTOVER_PASSPHRASE: p } })));
    expect(opens.map((r) => r.code), `accepted: ${accepted.join(', ')}\n${results.map(describeRun).join('\n')}`).toEqual(accepted.map(() => 0));
    expect(accepted).toHaveLength(1);
    const old = await runCli(['vault', 'verify', '--vault', vault], { env: { CUTOVER_PASSPHRASE: PASSPHRASE } });
    expectRefusal(old, 2, /wrong passphrase/i);
  });

  it('a writer that meets a write lock held past its busy timeout says the vault is busy (exit 2), and writes nothing', async ({ onTestFinished }) => {
    const dir = useTempDir('cutover-concurrent-', onTestFinished);
    const vault = await initVault(dir);
    const db = openVaultFile(vault, unwrapDataKey(vault).dataKey);
    let r: CliResult;
    try {
      db.exec('BEGIN IMMEDIATE');
      r = await runCli(['note', 'add', '--vault', vault, '--text', 'waits for the lock'], { timeoutMs: 60_000 });
    } finally {
      db.exec('ROLLBACK');
      db.close();
    }
    expectRefusal(r, 2, BUSY);
    const log = await runCli(['vault', 'log', '--vault', vault, '--json']);
    expect(log.code, describeRun(log)).toBe(0);
    expect((JSON.parse(log.stdout) as unknown[]).length).toBe(1);
  });
});
