// Secrets for targets, inside the encrypted vault but outside the chain.
import { eq } from 'drizzle-orm';
import { VaultInputError } from './errors';
import { secrets } from './schema';
import type { Vault } from './vault';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function setSecret(vault: Vault, name: string, value: string, actor: string): void {
  if (!NAME.test(name)) throw new VaultInputError(`"${name}" is not a valid secret name (letters, digits, _ . -).`);
  if (value.length === 0) throw new VaultInputError(`The secret "${name}" is empty.`);
  const db = vault.database;
  db.transaction(() => {
    const updatedAt = new Date().toISOString();
    db.insert(secrets).values({ name, value, updatedAt }).onConflictDoUpdate({ target: secrets.name, set: { value, updatedAt } }).run();
    vault.append({ actor, type: 'secret.set', payload: { name } });
  }, { behavior: 'immediate' });
}

export function getSecrets(vault: Vault, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const row = vault.database.select().from(secrets).where(eq(secrets.name, name)).get();
    if (row) out[name] = row.value;
  }
  return out;
}

export function secretNames(vault: Vault): string[] {
  return vault.database.select({ name: secrets.name }).from(secrets).all().map((r) => r.name);
}
