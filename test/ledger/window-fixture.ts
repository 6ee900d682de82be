// The window's side of a team ledger, for tests: main's contract service (no Electron) with a
// vault whose owner, ana (operator), joined the ledger as workstation ana-ws and unlocked it again,
// and a run of a small runbook (one attest precondition, one local check) started in it.
import { join } from 'node:path';
import { createContractService, type ContractService } from '../../src/main/handlers';
import type { Result } from '../../src/shared/result';
import { PASSPHRASE } from '../helpers/cli';
import { ok } from './fixture';

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

export interface WindowLedger {
  service: ContractService;
  /** A contract call as the window makes it; a refusal throws with its code and message. */
  call: <T>(channel: string, input?: unknown) => Promise<T>;
  /** DIR/ana.vault */
  path: string;
  runId: string;
}

/** In DIR: ana's vault joined to the ledger at DSN, unlocked in a new contract service, a run started. */
export async function windowJoinedRun(dir: string, dsn: string): Promise<WindowLedger> {
  const path = join(dir, 'ana.vault');
  const service = createContractService({ keychain: null, defaultVaultPath: join(dir, 'default.vault'), autoLockMs: null, sshConfigPath: join(dir, 'no-ssh-config') });
  const call = async <T>(channel: string, input?: unknown): Promise<T> => {
    const result = (await service.dispatch(channel as never, input)) as Result<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value;
  };
  await call('vault.create', { path, passphrase: PASSPHRASE });
  await call('identities.add', { name: 'ana', roles: ['operator'], source: { kind: 'generate' } });
  await call('vault.lock');
  await ok(['ledger', 'join', '--vault', path, '--db', dsn, '--name', 'ana-ws']);
  await call('vault.unlock', { path, passphrase: PASSPHRASE });
  const run = await call<{ runId: string }>('run.start', { text: RUNBOOK.replace('kind: local }', `kind: local, cwd: "${dir}" }`), source: 'w.yaml', environment: 'rehearsal', actor: 'ana' });
  return { service, call, path, runId: run.runId };
}
