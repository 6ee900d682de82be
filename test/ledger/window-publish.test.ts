// The window's hook: after a contract call that appends to the open vault, a vault that joined a
// ledger publishes in the background with the owner's key from the session; the call itself
// never waits for the ledger.
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import type { ContractService } from '../../src/main/handlers';
import { PASSPHRASE } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { ledgerRows, useLedger } from './fixture';
import { windowJoinedRun } from './window-fixture';

function vaultHashes(path: string): string[] {
  const vault = Vault.openReadOnly(path, { passphrase: PASSPHRASE });
  try {
    return vault.events().map((e) => e.hash);
  } finally {
    vault.close();
  }
}

describe('the window publishes a joined vault as it appends', () => {
  let service: ContractService | undefined;
  afterEach(() => service?.dispose());

  it('a run started and attested in the window reaches the ledger with no publish command', async () => {
    const db = await useLedger();
    const dir = useTempDir('cutover-ledger-window-');
    const joined = await windowJoinedRun(dir, db.dsn);
    service = joined.service;
    const { call, path, runId } = joined;
    await call('step.attest', { runId, stepId: 'freeze', actor: 'ana' });
    // Wait (by asking the ledger again) until it holds the vault's chain: the drain runs after the call returned.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows = await ledgerRows(db, 'ana-ws');
      const hashes = vaultHashes(path);
      if (rows.length === hashes.length) {
        expect(rows.map((r) => r.hash)).toEqual(hashes);
        break;
      }
      if (Date.now() > deadline) throw new Error(`the ledger holds ${rows.length} of the vault's ${hashes.length} events`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const types = (await db.query<{ t: string }>(`SELECT convert_from(event, 'UTF8')::json->>'type' AS t FROM cutover_ledger.events ORDER BY seq`)).rows.map((r) => r.t);
    expect(types).toEqual(expect.arrayContaining(['run.started', 'step.attested']));
  });
});
