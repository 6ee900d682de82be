// Identities as stored in the vault. Adding one is an event in the chain; an identity is
// never replaced or removed, so an old signature can always be traced to the key it named.
import { asc, eq } from 'drizzle-orm';
import type { VaultDb } from './database';
import { IdentityExistsError, VaultInputError } from './errors';
import { identities } from './schema';
import type { IdentityInfo, Role } from './types';
import { isRoleName, ROLE_NAME_RULE } from '../identity/roles';
import type { ReadOnlyVault, Vault } from './vault';

/** The built-in roles; an identity may also carry any role a runbook declares (identity/roles.ts). */
export const ROLES: readonly Role[] = ['operator', 'approver', 'observer'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export interface NewIdentity {
  name: string;
  roles: Role[];
  publicKey: string;
  fingerprint: string;
  keySource: IdentityInfo['keySource'];
  keyPath?: string | null;
  /** Only for keys the app generated. */
  privateKey?: Buffer | null;
  /** The signed identity statement, appended as `identity.proven` in the same transaction. */
  proof?: { statement: string; signature: string } | null;
}

export interface AddIdentityOptions {
  /** Runs inside the write transaction before anything is stored; throws to refuse. */
  guard?: () => void;
}

function toInfo(row: typeof identities.$inferSelect): IdentityInfo {
  return { name: row.name, roles: JSON.parse(row.roles) as Role[], publicKey: row.publicKey, fingerprint: row.fingerprint, keySource: row.keySource, keyPath: row.keyPath, createdAt: row.createdAt };
}

export function validateIdentityName(name: string): void {
  if (!NAME.test(name)) throw new VaultInputError(`"${name}" is not a valid identity name: letters, digits and . _ @ -, up to 64, starting with a letter or digit (it becomes the signer's principal in allowed_signers).`);
}

export function addIdentity(vault: Vault, identity: NewIdentity, actor: string, options: AddIdentityOptions = {}): IdentityInfo {
  validateIdentityName(identity.name);
  if (identity.roles.length === 0) throw new VaultInputError('An identity needs at least one role: operator, approver, observer, or a role a runbook declares (e.g. incident_commander).');
  for (const role of identity.roles) if (!isRoleName(role)) throw new VaultInputError(`"${role}" is not a role name: use ${ROLE_NAME_RULE}.`);
  const db: VaultDb = vault.database;
  return db.transaction(() => {
    if (db.select().from(identities).where(eq(identities.name, identity.name)).get()) throw new IdentityExistsError(identity.name);
    options.guard?.();
    const roles = [...new Set(identity.roles)];
    db.insert(identities).values({
      name: identity.name,
      roles: JSON.stringify(roles),
      publicKey: identity.publicKey,
      fingerprint: identity.fingerprint,
      keySource: identity.keySource,
      keyPath: identity.keyPath ?? null,
      privateKey: identity.privateKey ?? null,
      createdAt: new Date().toISOString(),
    }).run();
    vault.append({ actor, type: 'identity.added', payload: { name: identity.name, roles, publicKey: identity.publicKey, fingerprint: identity.fingerprint, keySource: identity.keySource } });
    if (identity.proof) vault.append({ actor, type: 'identity.proven', payload: { name: identity.name, fingerprint: identity.fingerprint, statement: identity.proof.statement, signature: identity.proof.signature } });
    return toInfo(db.select().from(identities).where(eq(identities.name, identity.name)).get()!);
  }, { behavior: 'immediate' });
}

export function listIdentities(vault: ReadOnlyVault): IdentityInfo[] {
  return vault.database.select().from(identities).orderBy(asc(identities.createdAt)).all().map(toInfo);
}

export function getIdentity(vault: ReadOnlyVault, name: string): (IdentityInfo & { privateKey: Buffer | null }) | null {
  const row = vault.database.select().from(identities).where(eq(identities.name, name)).get();
  return row ? { ...toInfo(row), privateKey: row.privateKey } : null;
}
