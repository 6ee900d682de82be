// `ledger publish --follow`: a publisher beside the operator's work publishes each event as the
// vault grows; when its connection is cut mid-publish it says so once, the vault keeps recording,
// and it catches up: every event once, in order.
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { describeRun, PASSPHRASE, startCli } from '../helpers/cli';
import type { TestDatabase } from '../helpers/pg';
import { ledgerRows, publishedVault, useLedger } from './fixture';

function vaultHashes(path: string): string[] {
  const vault = Vault.openReadOnly(path, { passphrase: PASSPHRASE });
  try {
    return vault.events().map((e) => e.hash);
  } finally {
    vault.close();
  }
}

/** Waits (by asking the database again) until `test` holds, at most 60 s. */
async function until(what: string, test: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function ledgerHolds(db: TestDatabase, path: string): Promise<boolean> {
  return (await ledgerRows(db, 'ops-1')).length === vaultHashes(path).length;
}

describe('cutover ledger publish --follow', () => {
  it('publishes as the vault grows, survives a cut connection, and ends cleanly', async () => {
    const db = await useLedger();
    const v = await publishedVault(db);
    const publisher = startCli(['ledger', 'publish', '--vault', v.path, '--follow', '--poll', '100', '--batch', '5'], { env: { CUTOVER_ACTOR: 'op' }, timeoutMs: 120_000 });
    publisher.child.stdin.end();
    v.addNotes(4);
    await until('the follower published the new notes', () => ledgerHolds(db, v.path));

    // Cut it mid-publish: a row the test holds open makes its second batch wait; then its backend is terminated.
    const published = (await ledgerRows(db, 'ops-1')).length;
    const blocker = await db.connect();
    await blocker.query('BEGIN');
    await blocker.query('SET LOCAL session_replication_role = replica');
    const ledgerId = (await db.query<{ id: string }>('SELECT id::text AS id FROM cutover_ledger.ledger')).rows[0]!.id;
    await blocker.query('INSERT INTO cutover_ledger.events (workstation, seq, ledger_id, public_key, prev_hash, hash, event, signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', ['ops-1', published + 6, ledgerId, 'k', '0'.repeat(64), '0'.repeat(64), Buffer.from('{}'), 's']);
    v.addNotes(12);
    let pid: number | undefined;
    await until('the publisher waits inside its second batch', async () => {
      pid = (await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'cutover-ledger-publisher' AND datname = $1 AND wait_event_type = 'Lock'`, [db.name])).rows[0]?.pid;
      return pid !== undefined;
    });
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    // The vault keeps recording while the ledger is away.
    v.addNotes(3);
    await blocker.query('ROLLBACK');
    await until('the follower caught up', () => ledgerHolds(db, v.path));
    expect((await ledgerRows(db, 'ops-1')).map((r) => r.hash)).toEqual(vaultHashes(v.path));

    publisher.child.kill('SIGTERM');
    const end = await publisher.result;
    expect(end.code, describeRun(end)).toBe(0);
    expect(end.stderr).toMatch(/^cutover: Lost the connection to the ledger at .*; the vault keeps recording, retrying…$/m);
    expect(end.stdout).toContain('The ledger is back; it holds the chain up to #');
  });
});
