// A vault with an operator (its owner), two approvers with keys of their own, an observer and a
// runbook, for engine tests. Every engine gets the keyring of everyone's keys, so each act is
// signed by the person named as its actor.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { RunEngine, type EngineOptions } from '../../src/core/engine';
import type { Keyring, Signer } from '../../src/core/signing';
import { createExecutor } from '../../src/core/targets';
import { Vault, setSecret } from '../../src/core/vault';
import { addPeople, type Person } from '../helpers/people';

process.env.CUTOVER_SCRYPT_LOG2N = '14';
export const PASS = 'correct horse battery staple';

export interface EngineFixture {
  dir: string;
  vault: Vault;
  people: Map<string, Person>;
  keyring: Keyring;
  engine(actor?: string, options?: Partial<EngineOptions>): RunEngine;
  signer(name: string): Signer;
}

export async function useEngineFixture(secrets: Record<string, string> = {}): Promise<EngineFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-engine-'));
  const vault = Vault.create(join(dir, 'ev.vault'), PASS);
  onTestFinished(() => {
    vault.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const { people, keyring } = await addPeople(vault, [['op', ['operator']], ['ap1', ['approver']], ['ap2', ['approver']], ['obs', ['observer']]]);
  for (const [name, value] of Object.entries(secrets)) setSecret(vault, name, value, 'setup');
  return {
    dir,
    vault,
    people,
    keyring,
    engine: (actor = 'op', options = {}) => new RunEngine(vault, { actor, keyring, executors: createExecutor, ...options }),
    signer: (name) => {
      const person = people.get(name);
      if (!person) throw new Error(`no person ${name} in the engine fixture`);
      return person.signer;
    },
  };
}
