// The people of `cutover demo --team` before the cutover, each on a "machine" of their own (a
// folder of OUT): an Ed25519 key made by ssh-keygen and a vault whose owner is that key, joined to
// the team ledger as a workstation of its own. The operator's vault generates its owner key,
// registers the others by public key, and each proves theirs with plain `ssh-keygen -Y sign` on
// their machine. The demo does this setup for everyone in one process; the cutover itself is
// played by each person's own CLI processes (team.ts).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addIdentityFrom, IDENTITY_NAMESPACE, identityStatementFor, proveIdentity } from '../identity';
import { joinLedger } from '../ledger';
import { setSecret, Vault } from '../vault';
import { makeMachine, signOnMachine } from './machines';

export interface TeamPerson {
  name: string;
  /** The roles the operator's vault gives them. */
  roles: string[];
  /** What they do in the war room, in words. */
  part: string;
  /** Their machine: their folder, key file and vault. */
  dir: string;
  keyFile: string;
  vault: string;
  workstation: string;
}

/**
 * The incident commander is the runbook's sole decider (policy.decide); recording the production
 * authorization also takes the approval role (reports/decision.ts), so they hold both, as the
 * go-live example's incident commander does. They do not sign the plan.
 */
export const TEAM = [
  { name: 'operator', roles: ['operator'], part: 'runs the cutover on their workstation' },
  { name: 'approver-1', roles: ['approver'], part: 'attests the approved window and signs the plan and the pack' },
  { name: 'approver-2', roles: ['approver'], part: 'signs the plan and the pack' },
  { name: 'incident-commander', roles: ['incident_commander', 'approver'], part: 'calls the GO / NO-GO' },
] as const;

/** Makes everyone's machine, vault and membership; returns them, the operator first. */
export async function setUpTeam(out: string, db: string, passphrase: string, dbPassword: string, log: (line: string) => void): Promise<TeamPerson[]> {
  // Workstation names are unique in a ledger: each demo run gets names of its own.
  const suffix = randomBytes(3).toString('hex');
  const people: TeamPerson[] = [];
  for (const p of TEAM) {
    const machine = makeMachine(out, p.name);
    people.push({ name: p.name, roles: [...p.roles], part: p.part, dir: machine.dir, keyFile: machine.keyFile, vault: join(machine.dir, `${p.name}.vault`), workstation: `${p.name}.${suffix}` });
  }
  const [operator, ...others] = people as [TeamPerson, ...TeamPerson[]];
  const ops = Vault.create(operator.vault, passphrase, { actor: 'demo' });
  try {
    await addIdentityFrom(ops, { name: operator.name, roles: operator.roles, source: { kind: 'generate' }, actor: 'demo' });
    for (const person of others) {
      const machine = { name: person.name, dir: person.dir, keyFile: person.keyFile, publicKey: readFileSync(`${person.keyFile}.pub`, 'utf8').trim() };
      await addIdentityFrom(ops, { name: person.name, roles: person.roles, source: { kind: 'public', publicKey: machine.publicKey }, actor: operator.name });
      const statement = identityStatementFor(ops, person.name);
      proveIdentity(ops, { name: person.name, statement: Buffer.from(statement), signature: signOnMachine(machine, 'identity.json', statement, IDENTITY_NAMESPACE), actor: operator.name });
    }
    setSecret(ops, 'prod_db_password', dbPassword || 'not-needed-with-trust-auth', operator.name);
    await joinLedger(ops, { db, workstation: operator.workstation, actor: operator.name });
  } finally {
    ops.close();
  }
  log(`  ${operator.name}: vault ${operator.vault} (its owner's key generated inside it), workstation ${operator.workstation}; registered ${others.map((o) => o.name).join(', ')} by public key, each proved with ssh-keygen -Y sign on their machine.`);
  for (const person of others) {
    const vault = Vault.create(person.vault, passphrase, { actor: 'demo' });
    try {
      await addIdentityFrom(vault, { name: person.name, roles: person.roles, source: { kind: 'file', path: person.keyFile }, actor: person.name });
      await joinLedger(vault, { db, workstation: person.workstation, actor: person.name });
    } finally {
      vault.close();
    }
    log(`  ${person.name}: vault ${person.vault} (owner key ${person.keyFile}), workstation ${person.workstation}.`);
  }
  return people;
}
