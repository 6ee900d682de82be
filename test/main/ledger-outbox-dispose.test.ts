// Disposing the contract service (the app quitting, the harness shutting down) lets the ledger
// connection its outbox keeps go at once, not after the outbox's idle timeout. Real PostgreSQL:
// the connection is looked for in pg_stat_activity.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createContractService, type ContractService } from '../../src/main/handlers';
import type { Result } from '../../src/shared/result';
import { PASSPHRASE } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { ledgerRows, ok, publisherPids, useLedger } from '../ledger/fixture';

const RUNBOOK = `
format: cutover-runbook/v1
id: outbox-dispose
title: Outbox dispose
version: "1"
policy: { approvals: { quorum: 1 } }
targets:
  ws: { kind: local }
preconditions:
  - { id: freeze, kind: attest, title: Write freeze, statement: "Write freeze confirmed" }
phases:
  - id: P0
    title: Checks
    steps:
      - { id: look, kind: check, title: Look, target: ws, run: "echo looking", read_only: true }
`;

/** Well under the outbox's 30 s idle close: a connection still there after this was kept, not closed. */
const CLOSE_WITHIN_MS = 5_000;

describe('the contract service closes the ledger outbox when disposed', () => {
  let service: ContractService | undefined;
  afterEach(() => service?.dispose());

  it('the publisher connection a joined vault\'s drains keep is gone soon after dispose()', async () => {
    const db = await useLedger();
    const dir = useTempDir('cutover-outbox-dispose-');
    const path = join(dir, 'ana.vault');
    service = createContractService({ keychain: null, defaultVaultPath: join(dir, 'default.vault'), autoLockMs: null, sshConfigPath: join(dir, 'no-ssh-config') });
    const call = async <T>(channel: string, input?: unknown): Promise<T> => {
      const result = (await service!.dispatch(channel as never, input)) as Result<T>;
      if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
      return result.value;
    };
    await call('vault.create', { path, passphrase: PASSPHRASE });
    await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'generate' } });
    await call('vault.lock');
    await ok(['ledger', 'join', '--vault', path, '--db', db.dsn, '--name', 'ana-ws']);
    await call('vault.unlock', { path, passphrase: PASSPHRASE });
    await call('run.start', { text: RUNBOOK.replace('kind: local }', `kind: local, cwd: "${dir}" }`), source: 'o.yaml', environment: 'rehearsal', actor: 'ana' });
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
