// Secrets for targets, inside the encrypted vault but outside the chain, and sealed again
// (AES-256-GCM under a key derived from the data key) so that even a decrypted copy of the
// database does not show them. Only `secret.set` events (name, never value) are chained.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { MIN_SECRET_LENGTH } from '../targets/redact';
import { VaultInputError } from './errors';
import { secrets } from './schema';
import type { Vault } from './vault';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function seal(vault: Vault, name: string, value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', vault.subkey('secrets'), iv);
  cipher.setAAD(Buffer.from(name));
  const ct = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return `v1:${iv.toString('base64')}:${ct.toString('base64')}:${cipher.getAuthTag().toString('base64')}`;
}

function unseal(vault: Vault, name: string, sealed: string): string {
  const [version, iv, ct, tag] = sealed.split(':');
  if (version !== 'v1' || !iv || ct === undefined || !tag) throw new VaultInputError(`The stored secret "${name}" is unreadable; set it again.`);
  const decipher = createDecipheriv('aes-256-gcm', vault.subkey('secrets'), Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(name));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
}

export function setSecret(vault: Vault, name: string, value: string, actor: string): void {
  if (!NAME.test(name)) throw new VaultInputError(`"${name}" is not a valid secret name (letters, digits, _ . -).`);
  if (value.length === 0) throw new VaultInputError(`The secret "${name}" is empty.`);
  // Every output is redacted of every secret: a short one would blank out ordinary text
  // (a one-letter secret, that letter everywhere) or, ignored by the redactor, leak.
  if ([...value].length < MIN_SECRET_LENGTH) {
    throw new VaultInputError(`The secret "${name}" is shorter than ${MIN_SECRET_LENGTH} characters, and was not stored: every transcript is redacted of every secret, and one this short would blank out ordinary text wherever it appears. Set a value of at least ${MIN_SECRET_LENGTH} characters (change the password or token at its source if it really is this short).`);
  }
  const db = vault.database;
  db.transaction(() => {
    const updatedAt = new Date().toISOString();
    const sealed = seal(vault, name, value);
    db.insert(secrets).values({ name, value: sealed, updatedAt }).onConflictDoUpdate({ target: secrets.name, set: { value: sealed, updatedAt } }).run();
    vault.append({ actor, type: 'secret.set', payload: { name } });
  }, { behavior: 'immediate' });
}

export function getSecrets(vault: Vault, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const row = vault.database.select().from(secrets).where(eq(secrets.name, name)).get();
    if (row) out[name] = unseal(vault, name, row.value);
  }
  return out;
}

export function secretNames(vault: Vault): string[] {
  return vault.database.select({ name: secrets.name }).from(secrets).all().map((r) => r.name);
}
