// The operator's evidence is witnessed: once events are in the ledger, someone holding the vault
// key who truncates or rewrites the vault's tail (dropping its triggers, recomputing hashes so
// `vault verify` alone says OK) is named by `vault verify --ledger` and by the next publish.
import { describe, expect, it } from 'vitest';
import { eventHash } from '../../src/core/vault';
import { describeRun, expectNoCrash, expectRefusal, openVaultFile, unwrapDataKey } from '../helpers/cli';
import type { TestDatabase } from '../helpers/pg';
import { cli, ok, publishedVault, useLedger, vaultWithRun, type RunVault } from './fixture';

const RESTORE_TRIGGER = "CREATE TRIGGER `events_no_delete` BEFORE DELETE ON `events` BEGIN SELECT RAISE(ABORT, 'events are append-only'); END";
const RESTORE_UPDATE_TRIGGER = "CREATE TRIGGER `events_no_update` BEFORE UPDATE ON `events` BEGIN SELECT RAISE(ABORT, 'events are append-only'); END";

/** Three notes recorded and published: the tail the operator will later regret. */
async function publishedWithNotes(db: TestDatabase): Promise<{ v: RunVault; head: number }> {
  const v = await publishedVault(db);
  v.addNotes(3);
  const r = await ok(['ledger', 'publish', '--vault', v.path, '--json']);
  return { v, head: (JSON.parse(r.stdout) as { head: number }).head };
}

function withVaultFile<T>(path: string, fn: (db: ReturnType<typeof openVaultFile>) => T): T {
  const file = openVaultFile(path, unwrapDataKey(path).dataKey);
  try {
    return fn(file);
  } finally {
    file.close();
  }
}

describe('vault verify --ledger', () => {
  it('says what the ledger witnessed, and counts what is not yet published', async () => {
    const db = await useLedger();
    const { v, head } = await publishedWithNotes(db);
    const r = await ok(['vault', 'verify', '--vault', v.path, '--ledger', db.dsn]);
    expect(r.stdout).toMatch(new RegExp(`ledger: {4}witnessed by 127\\.0\\.0\\.1:5432/${db.name} as ops-1 up to #${head}\\n`));
    v.addNotes(2);
    const later = await ok(['vault', 'verify', '--vault', v.path, '--ledger', db.dsn, '--json']);
    expect(JSON.parse(later.stdout).ledger).toMatchObject({ ok: true, workstation: 'ops-1', witnessed: head, unpublished: 2 });
    const stranger = await vaultWithRun('stranger');
    expectRefusal(await cli(['vault', 'verify', '--vault', stranger.path, '--ledger', db.dsn]), 2, /is not a workstation of the ledger/);
  });

  it('a tail truncated after publishing: vault verify alone says OK; with --ledger, and the next publish, it is named (exit 1)', async () => {
    const db = await useLedger();
    const { v, head } = await publishedWithNotes(db);
    withVaultFile(v.path, (file) => {
      file.exec('DROP TRIGGER events_no_delete');
      file.prepare('DELETE FROM events WHERE seq > ?').run(head - 3);
      file.exec(RESTORE_TRIGGER);
    });
    const alone = await cli(['vault', 'verify', '--vault', v.path]);
    expect(alone.code, describeRun(alone)).toBe(0);
    const witnessed = await cli(['vault', 'verify', '--vault', v.path, '--ledger', db.dsn]);
    expectNoCrash(witnessed);
    expect(witnessed.code, describeRun(witnessed)).toBe(1);
    expect(witnessed.stdout).toContain(`LEDGER WITNESS DIFFERS (127.0.0.1:5432/${db.name}, ops-1): the vault ends at #${head - 3}, but it published events up to #${head}: its chain was truncated after publishing (event #${head - 2} onwards is gone)`);
    const publish = await cli(['ledger', 'publish', '--vault', v.path]);
    expect(publish.code, describeRun(publish)).toBe(1);
    expect(publish.stderr).toContain(`the vault ends at #${head - 3}: the vault's chain was truncated after it was published`);
  });

  it('the last event rewritten with its hash recomputed: vault verify alone says OK; with --ledger it is named', async () => {
    const db = await useLedger();
    const { v, head } = await publishedWithNotes(db);
    withVaultFile(v.path, (file) => {
      const row = file.prepare('SELECT seq, at, actor, type, payload, prev_hash AS prevHash FROM events WHERE seq = ?').get(head) as { seq: number; at: string; actor: string; type: string; payload: string; prevHash: string };
      const payload = { text: 'nothing happened here' };
      const hash = eventHash({ prevHash: row.prevHash, seq: row.seq, at: row.at, actor: row.actor, type: row.type, payload });
      file.exec('DROP TRIGGER events_no_update');
      file.prepare('UPDATE events SET payload = ?, hash = ? WHERE seq = ?').run(JSON.stringify(payload), hash, head);
      file.exec(RESTORE_UPDATE_TRIGGER);
    });
    expect((await cli(['vault', 'verify', '--vault', v.path])).code).toBe(0);
    const witnessed = await cli(['vault', 'verify', '--vault', v.path, '--ledger', db.dsn, '--json']);
    expect(witnessed.code, describeRun(witnessed)).toBe(1);
    const report = JSON.parse(witnessed.stdout) as { ok: boolean; ledger: { ok: boolean; problem: string } };
    expect(report.ok).toBe(false);
    expect(report.ledger.problem).toMatch(new RegExp(`^event #${head} of the vault \\(note\\) differs from the one it published .*: its chain was rewritten after publishing$`));
  });
});
