// The window's hook: after a contract call that appends to the open vault, a vault that joined a
// ledger publishes in the background with the owner's key from the session; the call itself
// never waits for the ledger.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { createContractService, type ContractService } from '../../src/main/handlers';
import type { Result } from '../../src/shared/result';
import { PASSPHRASE } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { ledgerRows, ok, useLedger } from './fixture';

const RUNBOOK = `
format: cutover-runbook/v1
id: window-ledger
title: Window ledger
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
    const run = await call<{ runId: string }>('run.start', { text: RUNBOOK.replace('kind: local }', `kind: local, cwd: "${dir}" }`), source: 'w.yaml', environment: 'rehearsal', actor: 'ana' });
    await call('step.attest', { runId: run.runId, stepId: 'freeze', actor: 'ana' });
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
