// People for tests, as the trust model has them: the first operator owns the vault (a key the
// vault generates); everyone else has a key of their own, held by the test as their "machine",
// registered by public key and proven by signing the identity statement with it.
import { addIdentityFrom, identityStatementFor, IDENTITY_NAMESPACE, proveIdentity, sessionKeyring } from '../../src/core/identity';
import { generateEd25519, Keyring, signerFromGenerated, sshsigSign, type Signer } from '../../src/core/signing';
import type { Role, Vault } from '../../src/core/vault';

export interface Person {
  name: string;
  roles: Role[];
  /** Their own key (not in the vault), or the owner's key from the vault. */
  signer: Signer;
  owner: boolean;
}

/** A person registered by public key and proven with their own key. */
export async function addPerson(vault: Vault, name: string, roles: Role[], actor = 'setup'): Promise<Person> {
  const signer = signerFromGenerated(generateEd25519(name).privateKey);
  await addIdentityFrom(vault, { name, roles, source: { kind: 'public', publicKey: signer.publicKey }, actor });
  const statement = Buffer.from(identityStatementFor(vault, name));
  proveIdentity(vault, { name, statement, signature: await sshsigSign(signer, statement, IDENTITY_NAMESPACE), actor });
  return { name, roles, signer, owner: false };
}

/** The vault's owner: a key generated into the vault, proven in place. */
export async function addOwner(vault: Vault, name: string, roles: Role[] = ['operator']): Promise<Person> {
  await addIdentityFrom(vault, { name, roles, source: { kind: 'generate' }, actor: 'setup' });
  const keyring = await sessionKeyring(vault, { sock: '/nonexistent/agent.sock' });
  const signer = keyring.signerFor(keyring.fingerprints()[0]!)!;
  return { name, roles, signer, owner: true };
}

/** The first entry owns the vault; the others bring their own keys. Returns everyone, and a keyring of all their keys. */
export async function addPeople(vault: Vault, people: [string, Role[]][]): Promise<{ people: Map<string, Person>; keyring: Keyring }> {
  const out = new Map<string, Person>();
  for (const [i, [name, roles]] of people.entries()) out.set(name, i === 0 ? await addOwner(vault, name, roles) : await addPerson(vault, name, roles));
  return { people: out, keyring: new Keyring([...out.values()].map((p) => p.signer)) };
}
