// A LedgerPublisher that keeps its connection also keeps the head it left (one round trip fewer a
// publish): another publisher of the same vault going first, or rows a superuser removed, make
// its next batch not extend the ledger's head; the insert trigger refuses it and it goes on from
// the real head. Every event is in the ledger once, in order. Real PostgreSQL.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addIdentityFrom, proveOwnerInPlace } from '../../src/core/identity';
import { initLedger, joinLedger, LedgerPublisher } from '../../src/core/ledger';
import { Vault } from '../../src/core/vault';
import { PASSPHRASE } from '../helpers/cli';
import { useTestDatabase } from '../helpers/pg';
import { useTempDir } from '../helpers/tmp';
import { ledgerRows } from './fixture';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

describe('a publisher that keeps the head it left', () => {
  it('goes on from the real head when another publisher went first; every event once, in order, with the vault\'s hashes', async () => {
    const db = await useTestDatabase();
    await initLedger(db.dsn);
    const vault = Vault.create(join(useTempDir('cutover-kept-head-'), 'ops.vault'), PASSPHRASE);
    await addIdentityFrom(vault, { name: 'op', roles: ['operator'], source: { kind: 'generate' }, actor: 'test' });
    await proveOwnerInPlace(vault, { name: 'op', actor: 'test' });
    await joinLedger(vault, { db: db.dsn, workstation: 'ops-1', actor: 'op' });
    const notes = (n: number) => {
      for (let i = 0; i < n; i += 1) vault.append({ actor: 'op', type: 'note', payload: { text: `note ${i}`, nested: { z: 1, a: [2, 'é'] } } });
    };
    const a = new LedgerPublisher(vault, { batch: 4 });
    const b = new LedgerPublisher(vault, { batch: 4 });
    try {
      expect((await a.publish()).head).toBe(vault.head().seq);
      notes(9);
      expect(await b.publish()).toMatchObject({ published: 9, head: vault.head().seq });
      notes(5);
      // a's kept head is 9 behind: its first batch is refused by the trigger, and it goes on from the real head.
      expect(await a.publish()).toMatchObject({ published: 5, head: vault.head().seq });
      notes(3);
      expect(await b.publish()).toMatchObject({ published: 3, head: vault.head().seq });
      expect(await a.publish()).toMatchObject({ published: 0, head: vault.head().seq });
      const rows = await ledgerRows(db, 'ops-1');
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: vault.head().seq }, (_, i) => i + 1));
      expect(rows.map((r) => r.hash)).toEqual(vault.events().map((e) => e.hash));
      // The bytes published are the vault's canonical event bytes (the ledger checks their hash).
      const bad = await db.query(`SELECT seq FROM cutover_ledger.events WHERE encode(sha256(event), 'hex') <> hash`);
      expect(bad.rowCount).toBe(0);
    } finally {
      await a.close();
      await b.close();
      vault.close();
    }
  });
});
