// Setting a secret: one too short to redact is refused with the reason, and nothing changes
// (no row, no event); one long enough is sealed and read back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getSecrets, secretNames, setSecret, Vault, VaultInputError } from '../../src/core/vault';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

describe('setSecret', () => {
  let dir: string;
  let vault: Vault;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-secrets-'));
    vault = Vault.create(join(dir, 'evidence.vault'), 'correct horse battery', { actor: 'dba' });
  });
  afterEach(() => {
    vault.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['x', 'abcde', '🔑🔑🔑'])('refuses %j with the reason and what to do; nothing is stored, the chain head is unchanged', (value) => {
    const head = vault.head();
    let error: unknown;
    try {
      setSecret(vault, 'db_password', value, 'dba');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VaultInputError);
    expect((error as Error).message).toMatch(/shorter than 6 characters, and was not stored/);
    expect((error as Error).message).toMatch(/would blank out ordinary text/);
    expect((error as Error).message).toMatch(/Set a value of at least 6 characters/);
    expect(vault.head()).toEqual(head);
    expect(secretNames(vault)).toEqual([]);
  });

  it('keeps an existing value when a short replacement is refused', () => {
    setSecret(vault, 'db_password', 'long-enough', 'dba');
    const head = vault.head();
    expect(() => setSecret(vault, 'db_password', 'a', 'dba')).toThrow(VaultInputError);
    expect(vault.head()).toEqual(head);
    expect(getSecrets(vault, ['db_password'])).toEqual({ db_password: 'long-enough' });
  });

  it('stores a secret of 6 characters or more, with a secret.set event naming it', () => {
    const before = vault.head();
    setSecret(vault, 'api_token', 'abcdef', 'dba');
    expect(vault.head().seq).toBe(before.seq + 1);
    expect(getSecrets(vault, ['api_token'])).toEqual({ api_token: 'abcdef' });
    expect(vault.events().at(-1)).toMatchObject({ type: 'secret.set', payload: { name: 'api_token' } });
  });
});
