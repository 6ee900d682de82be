// A vault with an operator, two approvers, an observer and a runbook, for engine tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { addIdentityFrom, signerFor } from '../../src/core/identity';
import { RunEngine, type EngineOptions } from '../../src/core/engine';
import { createExecutor } from '../../src/core/targets';
import { Vault, setSecret } from '../../src/core/vault';

process.env.CUTOVER_SCRYPT_LOG2N = '14';
export const PASS = 'correct horse battery staple';

export interface EngineFixture {
  dir: string;
  vault: Vault;
  engine(actor?: string, options?: Partial<EngineOptions>): RunEngine;
  signer(name: string): ReturnType<typeof signerFor>;
}

export async function useEngineFixture(secrets: Record<string, string> = {}): Promise<EngineFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-engine-'));
  const vault = Vault.create(join(dir, 'ev.vault'), PASS);
  onTestFinished(() => {
    vault.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const [name, roles] of [['op', ['operator']], ['ap1', ['approver']], ['ap2', ['approver']], ['obs', ['observer']]] as const) {
    await addIdentityFrom(vault, { name, roles: [...roles], source: { kind: 'generate' }, actor: 'setup' });
  }
  for (const [name, value] of Object.entries(secrets)) setSecret(vault, name, value, 'setup');
  return {
    dir,
    vault,
    engine: (actor = 'op', options = {}) => new RunEngine(vault, { actor, executors: createExecutor, ...options }),
    signer: (name) => signerFor(vault, name),
  };
}
