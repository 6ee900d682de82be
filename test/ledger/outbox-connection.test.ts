// The window's outbox drains a vault on one kept connection (not one per drain), connects again
// after losing it, and closes it when asked; a follower whose last heads save fails says so at
// close(), and the War room, which closes its follower without waiting, logs it. Real PostgreSQL.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LedgerFollower, publisherKey, publishVault } from '../../src/core/ledger';
import { ledgerLabel } from '../../src/core/ledger/connect';
import { LedgerOutbox } from '../../src/main/ledger-outbox';
import { PushHub } from '../../src/main/push';
import { WarRoom, warRoomHeadsPath } from '../../src/main/war-room';
import { useTestDatabase } from '../helpers/pg';
import { useTempDir } from '../helpers/tmp';
import { joinedVault, ledgerRows, notes, publisherPids } from './fixture';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

/** The heads folder becomes a file: every later save of the heads fails. */
function breakHeadsFolder(headsPath: string): void {
  const folder = join(headsPath, '..');
  renameSync(folder, `${folder}.moved`);
  writeFileSync(folder, 'not a folder\n');
}

describe('one connection per drain loop; a failed heads save at close is said', () => {
  it('the window\'s outbox drains on one kept connection, connects again after losing it, and close() lets it go', async () => {
    const db = await useTestDatabase();
    const vault = await joinedVault(db, useTempDir('cutover-outbox-conn-'));
    const signer = await publisherKey(vault);
    const logged: string[] = [];
    const outbox = new LedgerOutbox(() => signer, (line) => logged.push(line));
    try {
      const drained = async () => {
        outbox.kick(vault);
        await outbox.idle();
        return (await ledgerRows(db, 'ops-1')).length;
      };
      expect(await drained()).toBe(vault.head().seq);
      const [pid] = await publisherPids(db);
      expect(pid).toBeDefined();
      for (let i = 0; i < 3; i += 1) {
        notes(vault, 5);
        expect(await drained()).toBe(vault.head().seq);
      }
      expect(await publisherPids(db)).toEqual([pid]);

      await db.query('SELECT pg_terminate_backend($1)', [pid]);
      // The drain right after may meet the dead connection (logged, the events kept); the next connects again.
      notes(vault, 4);
      if ((await drained()) !== vault.head().seq) {
        expect(logged.join('\n')).toMatch(/ledger: behind/);
        notes(vault, 1);
        expect(await drained()).toBe(vault.head().seq);
      }
      const now = await publisherPids(db);
      expect(now).toHaveLength(1);
      expect(now[0]).not.toBe(pid);
      expect((await ledgerRows(db, 'ops-1')).map((r) => r.seq)).toEqual(Array.from({ length: vault.head().seq }, (_, i) => i + 1));
    } finally {
      await outbox.close();
      vault.close();
    }
    expect(await publisherPids(db)).toEqual([]);
  });

  it('a follower whose heads cannot be saved says so at close(); the War room logs it when it stops', async () => {
    const db = await useTestDatabase();
    const dir = useTempDir('cutover-close-heads-');
    const vault = await joinedVault(db, dir);
    await publishVault(vault);

    const headsPath = join(dir, 'heads', 'follower.json');
    const follower = await LedgerFollower.open(db.dsn, headsPath);
    expect((await follower.read()).events.length).toBe(vault.head().seq);
    breakHeadsFolder(headsPath);
    notes(vault, 3);
    await publishVault(vault);
    expect((await follower.read()).events).toHaveLength(3);
    expect(await follower.close()).toMatch(new RegExp(`^Could not save the heads this follower has seen to ${headsPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));

    const logged: string[] = [];
    const room = new WarRoom(new PushHub(), (line) => logged.push(line), 200);
    await room.connect(vault, db.dsn);
    const roomHeads = warRoomHeadsPath(vault.path, ledgerLabel(db.dsn));
    breakHeadsFolder(roomHeads);
    notes(vault, 2);
    await publishVault(vault);
    // The War room reads the new events (its save fails in the background), then stops: the failure is logged,
    // by the read after it or by the close, whichever comes first.
    for (;;) {
      const seen = room.view(vault, null).workstations.find((w) => w.name === 'ops-1')?.head;
      if (seen === vault.head().seq || logged.some((l) => /Could not save the heads/.test(l))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    room.stop();
    for (let i = 0; i < 200 && !logged.some((l) => /Could not save the heads/.test(l)); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logged.find((l) => /Could not save the heads/.test(l))).toMatch(/^war room: Could not save the heads this follower has seen to .*ledger-heads/);
    rmSync(join(roomHeads, '..'), { force: true });
    vault.close();
  });
});
