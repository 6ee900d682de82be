// Disposing the contract service (the app quitting, the harness shutting down) lets the ledger
// connection its outbox keeps go at once, not after the outbox's idle timeout. Real PostgreSQL:
// the connection is looked for in pg_stat_activity.
import { afterEach, describe, expect, it } from 'vitest';
import type { ContractService } from '../../src/main/handlers';
import { useTempDir } from '../helpers/tmp';
import { ledgerRows, publisherPids, useLedger } from '../ledger/fixture';
import { windowJoinedRun } from '../ledger/window-fixture';

/** Well under the outbox's 30 s idle close: a connection still there after this was kept, not closed. */
const CLOSE_WITHIN_MS = 5_000;

describe('the contract service closes the ledger outbox when disposed', () => {
  let service: ContractService | undefined;
  afterEach(() => service?.dispose());

  it('the publisher connection a joined vault\'s drains keep is gone soon after dispose()', async () => {
    const db = await useLedger();
    const dir = useTempDir('cutover-outbox-dispose-');
    const joined = await windowJoinedRun(dir, db.dsn);
    service = joined.service;
    const { call } = joined;
    const head = (await call<{ head: { seq: number } }>('vault.status')).head.seq;

    // The drain runs after the call returned: wait until the ledger holds the chain on the kept connection.
    const deadline = Date.now() + 60_000;
    while ((await ledgerRows(db, 'ana-ws')).length < head || (await publisherPids(db)).length === 0) {
      if (Date.now() > deadline) throw new Error('the outbox did not publish the vault');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await publisherPids(db)).toHaveLength(1);

    service.dispose();
    service = undefined;
    const gone = Date.now() + CLOSE_WITHIN_MS;
    while ((await publisherPids(db)).length > 0 && Date.now() < gone) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await publisherPids(db)).toEqual([]);
  });
});
