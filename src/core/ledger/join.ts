// `cutover ledger join`: a vault becomes a workstation of a ledger. Its owner (proven in the
// vault's chain) signs a join statement naming the ledger, the workstation, the vault and their
// key; the ledger keeps it, and the vault records `ledger.joined`. Joining again is a no-op.
import { registryOf, signerFor, type OwnerKeyOptions } from '../identity';
import { sshsigSign } from '../signing';
import type { Vault } from '../vault';
import { closeLedger, connectLedger, ledgerErrorFrom } from './connect';
import { LedgerError } from './errors';
import { LEDGER_JOIN_NAMESPACE, LEDGER_SCHEMA as S, WORKSTATION_NAME } from './limits';
import { writeLedgerMarker } from './marker';
import { JOINED_EVENT, membershipOf, type Membership } from './membership';
import { readLedgerId, readMember } from './reads';
import { joinStatement } from './record';

export interface JoinResult extends Membership {
  /** False when this vault had already joined as this workstation: nothing was written. */
  joined: boolean;
}

export async function joinLedger(vault: Vault, input: { db: string; workstation: string; actor: string } & OwnerKeyOptions): Promise<JoinResult> {
  const { db, workstation } = input;
  if (!WORKSTATION_NAME.test(workstation)) throw new LedgerError(`--name: "${workstation}" is not a workstation name (letters, digits, . _ -; up to 64; starting with a letter or digit).`);
  const owner = registryOf(vault).all().find((i) => i.owner);
  if (!owner) throw new LedgerError(`This vault has no owner, so nothing it publishes could be signed. Add the owner first: \`cutover identity add --vault ${vault.path} --name NAME --role operator --generate\`.`);
  if (!owner.proven) throw new LedgerError(`The vault's owner ${owner.name} is not proven; prove it first: \`cutover identity prove --vault ${vault.path} --name ${owner.name}\`.`);
  const already = membershipOf(vault);
  const signer = await signerFor(vault, owner.name, input);
  const connection = await connectLedger(db, 'cutover-ledger-join');
  const { client, label } = connection;
  try {
    const ledger = await readLedgerId(client, label);
    if (already && (already.ledger !== ledger || already.workstation !== workstation)) {
      throw new LedgerError(`This vault already joined ledger ${already.ledger} as ${already.workstation} (event #${already.seq}); a vault publishes its one chain to one ledger under one name.`);
    }
    const existing = await readMember(client, workstation);
    if (existing) {
      if (existing.publicKey !== signer.publicKey || statementVault(existing.statement) !== vault.id) {
        throw new LedgerError(`The workstation name ${workstation} is taken in this ledger by another vault or key (${existing.fingerprint}); choose another --name.`);
      }
    } else {
      const statement = joinStatement({ ledger, workstation, vault: vault.id, owner: owner.name, publicKey: signer.publicKey, fingerprint: signer.fingerprint });
      const signature = await sshsigSign(signer, Buffer.from(statement, 'utf8'), LEDGER_JOIN_NAMESPACE);
      const inserted = await client.query(`INSERT INTO ${S}.workstations (name, ledger_id, public_key, fingerprint, statement, signature) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING`, [workstation, ledger, signer.publicKey, signer.fingerprint, statement, signature]);
      if (inserted.rowCount !== 1) throw new LedgerError(`The workstation name ${workstation} was just taken in this ledger by someone else; choose another --name.`);
    }
    const membership = { ledger, workstation, db, owner: owner.name, fingerprint: signer.fingerprint };
    writeLedgerMarker(vault.path, already ?? membership);
    if (already) return { ...already, joined: false };
    const event = vault.append({ actor: input.actor, type: JOINED_EVENT, payload: membership });
    return { ...membership, seq: event.seq, joined: true };
  } catch (error) {
    throw ledgerErrorFrom(error, label, 'the join');
  } finally {
    await closeLedger(connection);
  }
}

/** The vault a join statement names, or null when it is not one. */
function statementVault(statement: string): string | null {
  try {
    const vault = (JSON.parse(statement) as { vault?: unknown }).vault;
    return typeof vault === 'string' ? vault : null;
  } catch {
    return null;
  }
}
