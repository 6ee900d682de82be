// A publisher whose connection is cut mid-publish (the test terminates its backend while it
// waits inside its second batch): the batch in flight is rolled back, the run says so and exits 2,
// and the next run publishes every event once, in order, from the ledger's head.
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { describeRun, PASSPHRASE, startCli } from '../helpers/cli';
import { cli, ledgerRows, ok, publishedVault, useLedger } from './fixture';

describe('cutover ledger publish survives a lost connection', () => {
  it('pg_terminate_backend of the publisher mid-publish: on retry every event arrives once, in order', async () => {
    const db = await useLedger();
    const v = await publishedVault(db);
    const published = (await ledgerRows(db, 'ops-1')).length;
    v.addNotes(20);

    // The test holds seq published+6 in an open transaction, so the publisher's second batch
    // (batch size 5) waits on the unique key: a publisher caught mid-publish, deterministically.
    const blocker = await db.connect();
    await blocker.query('BEGIN');
    await blocker.query('SET LOCAL session_replication_role = replica');
    const ledgerId = (await db.query<{ id: string }>('SELECT id::text AS id FROM cutover_ledger.ledger')).rows[0]!.id;
    await blocker.query(
      'INSERT INTO cutover_ledger.events (workstation, seq, ledger_id, public_key, prev_hash, hash, event, signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      ['ops-1', published + 6, ledgerId, 'k', '0'.repeat(64), '0'.repeat(64), Buffer.from('{}'), 's'],
    );

    const publisher = startCli(['ledger', 'publish', '--vault', v.path, '--batch', '5'], { env: { CUTOVER_ACTOR: 'op' }, timeoutMs: 90_000 });
    publisher.child.stdin.end();
    let pid: number | undefined;
    const deadline = Date.now() + 60_000;
    while (pid === undefined && Date.now() < deadline) {
      const waiting = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'cutover-ledger-publisher' AND datname = $1 AND wait_event_type = 'Lock'`, [db.name]);
      pid = waiting.rows[0]?.pid;
      if (pid === undefined) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(pid, 'the publisher reached its second batch and waited there').toBeDefined();
    expect((await ledgerRows(db, 'ops-1')).length).toBe(published + 5);
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    const cut = await publisher.result;
    await blocker.query('ROLLBACK');
    expect(cut.code, describeRun(cut)).toBe(2);
    expect(cut.stderr).toMatch(/^cutover: Lost the connection to the ledger at .* while publishing ops-1's events \(5 published by this run; the next run goes on from the ledger's head\).*run the command again/m);
    expect((await ledgerRows(db, 'ops-1')).length).toBe(published + 5);

    const retry = await ok(['ledger', 'publish', '--vault', v.path, '--batch', '5']);
    expect(retry.stdout).toContain(`Published 15 event(s) of ops-1; the ledger holds its chain up to #${published + 20}.`);
    const rows = await ledgerRows(db, 'ops-1');
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: published + 20 }, (_, i) => i + 1));
    expect(rows.slice(1).every((r, i) => r.prev_hash === rows[i]!.hash)).toBe(true);
    expect((await cli(['ledger', 'verify', '--db', db.dsn])).code).toBe(0);
    // Exactly the vault's chain: the row the blocker held never existed.
    const vault = Vault.openReadOnly(v.path, { passphrase: PASSPHRASE });
    try {
      expect(rows.map((r) => r.hash)).toEqual(vault.events().map((e) => e.hash));
    } finally {
      vault.close();
    }
  });

  it('two publishers of one vault at once: both succeed, every event is in the ledger once, in order', async () => {
    const db = await useLedger();
    const v = await publishedVault(db);
    v.addNotes(40);
    const [a, b] = await Promise.all([1, 2].map(() => cli(['ledger', 'publish', '--vault', v.path, '--batch', '4', '--json'])));
    expect(a!.code, describeRun(a!)).toBe(0);
    expect(b!.code, describeRun(b!)).toBe(0);
    const counts = [a!, b!].map((r) => (JSON.parse(r.stdout) as { published: number }).published);
    expect(counts[0]! + counts[1]!).toBe(40);
    const rows = await ledgerRows(db, 'ops-1');
    const vault = Vault.openReadOnly(v.path, { passphrase: PASSPHRASE });
    try {
      expect(rows.map((r) => r.hash)).toEqual(vault.events().map((e) => e.hash));
    } finally {
      vault.close();
    }
  });
});
