// Following the ledger from another workstation (`cutover ledger watch`, real processes): the
// run's timeline as it happens, woken by NOTIFY; and a follower that keeps the heads it has seen
// names a ledger restored from an older dump (real pg_dump and psql) and an edited row.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, expectNoCrash, startCli } from '../helpers/cli';
import type { TestDatabase } from '../helpers/pg';
import { asSuperuserBypassingTriggers, cli, ledgerRows, ok, publishedVault, useLedger } from './fixture';

function shell(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Resolves when the child's stdout (or stderr) has a line matching `pattern`. */
function lineMatching(child: ReturnType<typeof startCli>['child'], pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout'): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (b: Buffer) => {
      text += b.toString('utf8');
      const line = text.split('\n').find((l) => pattern.test(l));
      if (line) {
        child[stream].off('data', onData);
        resolve(line);
      }
    };
    child[stream].on('data', onData);
    child.once('close', (code) => reject(new Error(`watch exited (${code}) before printing ${pattern}; it printed:\n${text}`)));
  });
}

async function watchOnce(db: TestDatabase, heads: string, extra: string[] = []) {
  const r = await cli(['ledger', 'watch', '--db', db.dsn, '--heads', heads, '--once', ...extra]);
  expectNoCrash(r);
  return r;
}

describe('cutover ledger watch', () => {
  it("prints a run's timeline, then follows new events live (woken by the doorbell, not its poll), and stops cleanly", async () => {
    const db = await useLedger();
    const v = await publishedVault(db);
    const heads = join(v.dir, 'heads.json');
    const once = await watchOnce(db, heads, [v.runId]);
    expect(once.code, describeRun(once)).toBe(0);
    const lines = once.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d {2}ops-1 #\d+ {2}run started by op \(rehearsal\), runbook ledger-test v1$/),
      expect.stringMatching(/ops-1 #\d+ {2}plan approved by ap1 \(SHA256:/),
      expect.stringMatching(/ops-1 #\d+ {2}step freeze attested by op: "Write freeze confirmed"$/),
      expect.stringMatching(/ops-1 #\d+ {2}step look started by op on ws$/),
      expect.stringMatching(/ops-1 #\d+ {2}step look finished: PASS \(exit 0\) in \d+ ms$/),
    ]);
    const saved = JSON.parse(readFileSync(heads, 'utf8')) as { heads: Record<string, { seq: number }> };
    expect(saved.heads['ops-1']!.seq).toBe((await ledgerRows(db, 'ops-1')).length);
    // Nothing new: nothing printed, still fine.
    const nothing = await watchOnce(db, heads);
    expect([nothing.code, nothing.stdout]).toEqual([0, '']);

    // Live, with the poll far away (60 s): only the doorbell can wake it in time.
    const watcher = startCli(['ledger', 'watch', v.runId, '--db', db.dsn, '--heads', heads, '--poll', '60000', '--json'], { timeoutMs: 90_000 });
    watcher.child.stdin.end();
    await v.execute('change');
    const completed = lineMatching(watcher.child, /"type":"run\.completed"/);
    const started = Date.now();
    await ok(['ledger', 'publish', '--vault', v.path]);
    const line = JSON.parse(await completed) as { workstation: string; type: string; runId: string; text: string };
    // Publishing is a process start and a vault open away; the follower wakes on the doorbell, not its 60 s poll.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(line).toMatchObject({ workstation: 'ops-1', type: 'run.completed', runId: v.runId, text: 'run COMPLETED: 3 of 3 steps passed' });
    watcher.child.kill('SIGTERM');
    const end = await watcher.result;
    expect(end.code, describeRun(end)).toBe(0);
  });

  it('a follower whose connection is cut reconnects and goes on from its heads: the next event is printed once', async () => {
    const db = await useLedger();
    const v = await publishedVault(db);
    const heads = join(v.dir, 'heads.json');
    const watcher = startCli(['ledger', 'watch', '--db', db.dsn, '--heads', heads, '--poll', '60000'], { timeoutMs: 90_000 });
    watcher.child.stdin.end();
    await lineMatching(watcher.child, /step look finished: PASS/);
    const reconnected = lineMatching(watcher.child, /^cutover: reconnected to 127\.0\.0\.1:5432\//, 'stderr');
    const cut = await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'cutover-ledger-follower' AND datname = $1`, [db.name]);
    expect(cut.rowCount).toBe(1);
    await reconnected;
    await v.execute('change');
    const completed = lineMatching(watcher.child, /run COMPLETED: 3 of 3 steps passed/);
    await ok(['ledger', 'publish', '--vault', v.path]);
    await completed;
    watcher.child.kill('SIGTERM');
    const end = await watcher.result;
    expect(end.code, describeRun(end)).toBe(0);
    expect(end.stderr).toMatch(/^cutover: Lost the connection to the ledger at 127\.0\.0\.1:5432\/\S+ while following the ledger: .*; reconnecting…$/m);
    // Printed once: the reconnected follower went on from the heads, not from genesis.
    expect(end.stdout.match(/step look finished/g)).toHaveLength(1);
    expect(end.stdout.match(/run COMPLETED/g)).toHaveLength(1);
  });

  it('a ledger restored from an older dump, and a row edited below the heads, are named by the follower (exit 1); ledger verify alone cannot see the restore', async () => {
    const db = await useLedger();
    const v = await publishedVault(db);
    const dump = join(v.dir, 'ledger.sql');
    shell('pg_dump', ['--dbname', db.dsn, '--schema', 'cutover_ledger', '--file', dump]);
    expect(existsSync(dump)).toBe(true);
    const before = (await ledgerRows(db, 'ops-1')).length;
    await v.execute('look');
    await ok(['ledger', 'publish', '--vault', v.path]);
    const heads = join(v.dir, 'heads.json');
    expect((await watchOnce(db, heads)).code).toBe(0);
    const seen = (await ledgerRows(db, 'ops-1')).length;
    expect(seen).toBeGreaterThan(before);

    // The team's DBA restores last night's dump.
    await db.query('DROP SCHEMA cutover_ledger CASCADE');
    shell('psql', ['--dbname', db.dsn, '--quiet', '--set', 'ON_ERROR_STOP=1', '--file', dump]);
    expect((await ledgerRows(db, 'ops-1')).length).toBe(before);
    expect((await cli(['ledger', 'verify', '--db', db.dsn])).code).toBe(0);
    const restored = await watchOnce(db, heads);
    expect(restored.code, describeRun(restored)).toBe(1);
    expect(restored.stderr).toContain(`cutover: LEDGER PROBLEM: ops-1 event #${seen}: the ledger went backwards: it holds ops-1's events up to #${before}, but this follower saw #${seen}: it was restored from an older backup, or its newest rows were deleted`);
    // The heads are kept, so it says so again rather than forgetting.
    expect((await watchOnce(db, heads)).code).toBe(1);

    // The workstation republishes what the restore lost: the same signed events, and the follower is content again.
    await ok(['ledger', 'publish', '--vault', v.path]);
    expect((await watchOnce(db, heads)).code).toBe(0);

    // An edit far below the heads: a follower's first read walks every chain from genesis.
    const row = (await db.query<{ event: Buffer }>(`SELECT event FROM cutover_ledger.events WHERE workstation = 'ops-1' AND seq = 3`)).rows[0]!;
    await asSuperuserBypassingTriggers(db, `UPDATE cutover_ledger.events SET event = $1 WHERE workstation = 'ops-1' AND seq = 3`, [Buffer.from(row.event.toString('utf8').replace('"at":"', '"at":"1'))]);
    const edited = await watchOnce(db, heads);
    expect(edited.code, describeRun(edited)).toBe(1);
    expect(edited.stderr).toMatch(/LEDGER PROBLEM: ops-1 event #3: its bytes do not hash to its hash/);
  });

  it('refuses a heads file that is not one, before connecting (exit 2)', async () => {
    const db = await useLedger();
    const v = await publishedVault(db);
    const bad = join(v.dir, 'not-heads.json');
    spawnSync('sh', ['-c', `echo '{"format":"something else"}' > ${bad}`]);
    const r = await cli(['ledger', 'watch', '--db', db.dsn, '--heads', bad, '--once']);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/^cutover: --heads .* is not a cutover-ledger-heads-v1 file.*move it aside/);
  });
});
