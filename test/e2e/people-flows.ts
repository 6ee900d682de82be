// People through the contract, as the People screen registers them: an approver whose key lives
// in a directory of their own ("their machine") is added by public key and proves it by signing
// the identity statement there with plain `ssh-keygen -Y sign -n cutover-identity-v1`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';

type Call = <T>(channel: never, input?: unknown) => Promise<T>;

export async function addProvenApprover(call: Call, input: { name: string; key: { path: string; publicKey: string }; machine: string; actor?: string }): Promise<void> {
  const { name, key, machine } = input;
  await call('identities.add' as never, { name, roles: ['approver'], source: { kind: 'public', publicKey: key.publicKey }, ...(input.actor ? { actor: input.actor } : {}) });
  // One statement per vault (a test may register the same person in several vaults).
  const statement = join(mkdtempSync(join(machine, 'statement-')), `${name}.identity.json`);
  await call('identities.saveStatement' as never, { name, path: statement });
  const signed = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', 'cutover-identity-v1', '-f', key.path, statement], { encoding: 'utf8' });
  if (signed.status !== 0) throw new Error(`ssh-keygen -Y sign failed: ${signed.stderr}`);
  await call('identities.prove' as never, { name, signaturePath: `${statement}.sig` });
}
