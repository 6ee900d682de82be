// People whose keys are real OpenSSH key files (made by ssh-keygen), as an approver's own machine
// holds them: registered in a vault by public key alone, proven by signing the identity statement
// with `ssh-keygen -Y sign -n cutover-identity-v1`. The test keeps the file, as the person would;
// the vault never sees its path.
import { addIdentityFrom, identityStatementFor, IDENTITY_NAMESPACE, proveIdentity } from '../../src/core/identity';
import { loadKeyFile } from '../../src/core/signing';
import type { Role, Vault } from '../../src/core/vault';
import type { Person } from './people';
import { keygenSign, type KeygenKey } from './ssh-keys';

export async function addPersonFromKeyFile(vault: Vault, name: string, roles: Role[], key: KeygenKey, actor = 'setup'): Promise<Person> {
  await addIdentityFrom(vault, { name, roles, source: { kind: 'public', publicKey: key.publicKey }, actor });
  const statement = Buffer.from(identityStatementFor(vault, name));
  proveIdentity(vault, { name, statement, signature: keygenSign(key.path, statement, IDENTITY_NAMESPACE), actor });
  return { name, roles, signer: await loadKeyFile(key.path), owner: false };
}
