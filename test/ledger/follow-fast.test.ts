// The follow path made fast (issue 15's follow lag) stays exact, in one process on the real
// PostgreSQL: a LedgerPublisher keeps one connection across publishes and, when its backend is
// terminated, connects again and goes on from the ledger's head (every event once, in order);
// the vault's doorbell rings when another handle appends; a follower that reads the head row
// and the rows after it in one query pages past PAGE_ROWS, names a head row rewritten or deleted
// after it read it, and leaves its heads saved once it is closed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LedgerConnectionError, LedgerFollower, LedgerPublisher, VaultDoorbell, type FollowRead } from '../../src/core/ledger';
import { PAGE_ROWS } from '../../src/core/ledger/reads';
import { Vault } from '../../src/core/vault';
import { PASSPHRASE } from '../helpers/cli';
import { useTestDatabase } from '../helpers/pg';
import { useTempDir } from '../helpers/tmp';
import { asSuperuserBypassingTriggers, joinedVault, ledgerRows, notes, publisherPids } from './fixture';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

describe('the fast follow path', () => {
  it('a LedgerPublisher keeps one connection; terminated, it connects again and every event is in the ledger once, in order', async () => {
    const db = await useTestDatabase();
    const vault = await joinedVault(db, useTempDir('cutover-follow-fast-'));
    const publisher = new LedgerPublisher(vault, { batch: 7 });
    try {
      expect((await publisher.publish()).head).toBe(vault.head().seq);
      const [pid] = await publisherPids(db);
      expect(pid).toBeDefined();
      notes(vault, 20);
      expect(await publisher.publish()).toMatchObject({ published: 20, head: vault.head().seq });
      expect(await publisherPids(db)).toEqual([pid]);

      await db.query('SELECT pg_terminate_backend($1)', [pid]);
      notes(vault, 9);
      // The publish right after may still meet the dead connection; the one after it connects again.
      let result = await publisher.publish().catch((error: unknown) => {
        expect(error).toBeInstanceOf(LedgerConnectionError);
        return null;
      });
      result ??= await publisher.publish();
      expect(result.head).toBe(vault.head().seq);
      const [again] = await publisherPids(db);
      expect(again).toBeDefined();
      expect(again).not.toBe(pid);
      expect((await ledgerRows(db, 'ops-1')).map((r) => r.hash)).toEqual(vault.events().map((e) => e.hash));
    } finally {
      await publisher.close();
      vault.close();
    }
    expect(await publisherPids(db)).toEqual([]);
  });

  it("the vault's doorbell rings when another handle appends", async () => {
    const dir = useTempDir('cutover-follow-fast-');
    const path = join(dir, 'w.vault');
    Vault.create(path, PASSPHRASE).close();
    const doorbell = new VaultDoorbell(path);
    const writer = Vault.open(path, { passphrase: PASSPHRASE });
    try {
      expect(doorbell.watching).toBe(true);
      // A stale ring (creating, opening) is taken first; then only an append can end the wait (its poll is an hour).
      await doorbell.wait(0);
      const rung = doorbell.wait(3_600_000);
      writer.append({ actor: 'op', type: 'note', payload: { text: 'ring' } });
      await rung;
    } finally {
      writer.close();
      doorbell.close();
    }
  });

  it(`a follower pages past ${PAGE_ROWS} rows from its head, names a head row rewritten or deleted after it read it, and its heads are saved when closed`, async () => {
    const db = await useTestDatabase();
    const dir = useTempDir('cutover-follow-fast-');
    const vault = await joinedVault(db, dir);
    const publisher = new LedgerPublisher(vault, { batch: 100 });
    const headsPath = join(dir, 'heads.json');
    const follower = await LedgerFollower.open(db.dsn, headsPath);
    const second = await LedgerFollower.open(db.dsn, join(dir, 'second.json'));
    let seen: { seq: number; hash: string } | undefined;
    try {
      await publisher.publish();
      const first = await follower.read();
      expect(first.problems).toEqual([]);
      expect(first.events.map((e) => e.seq)).toEqual(Array.from({ length: vault.head().seq }, (_, i) => i + 1));
      expect((await second.read()).problems).toEqual([]);

      // More than a page after the head: every event once, in order.
      const from = vault.head().seq;
      notes(vault, PAGE_ROWS * 2 + 5);
      await publisher.publish();
      const more: FollowRead = await follower.read();
      expect(more.problems).toEqual([]);
      expect(more.events.map((e) => e.seq)).toEqual(Array.from({ length: PAGE_ROWS * 2 + 5 }, (_, i) => from + i + 1));
      expect((await follower.read()).events).toEqual([]);
      expect((await second.read()).events).toHaveLength(PAGE_ROWS * 2 + 5);

      // The head row rewritten (its bytes and hash changed together) after both read it.
      const head = vault.head().seq;
      const row = (await db.query<{ hash: string }>(`SELECT hash FROM cutover_ledger.events WHERE workstation = 'ops-1' AND seq = $1`, [head])).rows[0]!;
      seen = { seq: head, hash: row.hash };
      await asSuperuserBypassingTriggers(db, `UPDATE cutover_ledger.events SET hash = $1 WHERE workstation = 'ops-1' AND seq = $2`, ['f'.repeat(64), head]);
      const rewritten = await follower.read();
      expect(rewritten.problems).toEqual([{ workstation: 'ops-1', seq: head, message: expect.stringMatching(new RegExp(`^event #${head} was rewritten after this follower read it \\(hash then ${row.hash.slice(0, 12)}…, now ffffffffffff…\\)$`)) }]);

      // The head row deleted: named by the other follower.
      await asSuperuserBypassingTriggers(db, `DELETE FROM cutover_ledger.events WHERE workstation = 'ops-1' AND seq = $1`, [head]);
      const deleted = await second.read();
      expect(deleted.problems).toEqual([{ workstation: 'ops-1', seq: head, message: `the ledger went backwards: it holds ops-1's events up to #${head - 1}, but this follower saw #${head}: it was restored from an older backup, or its newest rows were deleted` }]);
    } finally {
      await follower.close();
      await second.close();
      await publisher.close();
      vault.close();
    }
    // What it saw before the rewrite stays its head (a broken chain's heads are not moved).
    const saved = JSON.parse(readFileSync(headsPath, 'utf8')) as { heads: Record<string, { seq: number; hash: string }> };
    expect(saved.heads['ops-1']).toEqual(seen);
  });
});
