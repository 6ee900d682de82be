// Identities come from the chain: a real vault, real ssh-keygen keys and a real ssh-agent.
// The identities table is edited with SQL the way someone holding the vault key could; the
// registry keeps the chain's key and identityTableDifferences names the row.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addIdentityFrom,
  identityRegistry,
  identityStatementFor,
  identityTableDifferences,
  proveIdentity,
  proveOwnerInPlace,
  registryOf,
  sessionKeyring,
  signerFor,
} from '../../src/core/identity';
import { generateEd25519, parsePublicKey, signerFromGenerated, sshsigSign } from '../../src/core/signing';
import { addIdentity, Vault } from '../../src/core/vault';
import { makeKey, startAgent, useTempDir } from '../helpers/ssh-keys';

const PASS = 'correct horse battery staple';
const NS = 'cutover-identity-v1';

async function newVault(): Promise<{ dir: string; vault: Vault }> {
  const dir = await useTempDir();
  const vault = Vault.create(join(dir, 'ev.vault'), PASS);
  return { dir, vault };
}

function keygenSign(keyPath: string, statement: string): string {
  const r = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', NS, '-f', keyPath], { input: statement, encoding: 'utf8', env: { ...process.env, SSH_AUTH_SOCK: '' } });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

describe('identity registry', () => {
  it('is built from identity.added and identity.proven only, and `at` answers as the chain stood then', async () => {
    const { dir, vault } = await newVault();
    try {
      await addIdentityFrom(vault, { name: 'ana', roles: ['operator'], source: { kind: 'generate' }, actor: 'ana' });
      const gov1 = await makeKey(dir, 'ed25519', { name: 'gov1' });
      await addIdentityFrom(vault, { name: 'gov1', roles: ['approver'], source: { kind: 'public', publicKey: gov1.publicKey }, actor: 'ana' });
      const added = vault.head().seq;
      const registry = registryOf(vault);
      expect(registry.get('ana')).toMatchObject({ owner: true, proven: true, custodial: false, keySource: 'vault' });
      expect(registry.get('gov1')).toMatchObject({ owner: false, proven: false, custodial: false, keySource: 'public', addedSeq: added, provenSeq: null });
      expect(registryOf(vault)).toBe(registry);

      const statement = identityStatementFor(vault, 'gov1');
      proveIdentity(vault, { name: 'gov1', statement: Buffer.from(statement), signature: keygenSign(gov1.path, statement), actor: 'ana' });
      const now = registryOf(vault);
      expect(now).not.toBe(registry);
      expect(now.get('gov1')).toMatchObject({ proven: true, provenSeq: added + 1 });
      expect(now.at('gov1', added)).toMatchObject({ proven: false, provenSeq: null });
      expect(now.at('gov1', added - 1)).toBeUndefined();
      expect(registry.get('gov1')!.proven).toBe(false);
      expect(identityRegistry(vault.events()).all()).toEqual(now.all());
      expect(now.byFingerprint(parsePublicKey(gov1.publicKey).fingerprint).map((i) => i.name)).toEqual(['gov1']);
    } finally {
      vault.close();
    }
  });

  it('an identity.proven appended straight to the chain counts only with the right statement and key', async () => {
    const { dir, vault } = await newVault();
    try {
      await addIdentityFrom(vault, { name: 'ana', roles: ['operator'], source: { kind: 'generate' }, actor: 'ana' });
      const gov1 = await makeKey(dir, 'ed25519', { name: 'gov1' });
      const mallory = await makeKey(dir, 'ed25519', { name: 'mallory' });
      await addIdentityFrom(vault, { name: 'gov1', roles: ['approver'], source: { kind: 'public', publicKey: gov1.publicKey }, actor: 'ana' });
      const statement = identityStatementFor(vault, 'gov1');
      const fingerprint = registryOf(vault).get('gov1')!.fingerprint;
      const forged = [
        { statement, signature: keygenSign(mallory.path, statement) },
        { statement: statement.replace('"approver"', '"operator"'), signature: keygenSign(gov1.path, statement.replace('"approver"', '"operator"')) },
        { statement: `${statement}\n`, signature: keygenSign(gov1.path, `${statement}\n`) },
        { statement, signature: 'not a signature' },
      ];
      for (const payload of forged) vault.append({ actor: 'mallory', type: 'identity.proven', payload: { name: 'gov1', fingerprint, ...payload } });
      expect(registryOf(vault).get('gov1')!.proven).toBe(false);
      vault.append({ actor: 'ana', type: 'identity.proven', payload: { name: 'gov1', fingerprint, statement, signature: keygenSign(gov1.path, statement) } });
      expect(registryOf(vault).get('gov1')).toMatchObject({ proven: true, provenSeq: vault.head().seq });
    } finally {
      vault.close();
    }
  });

  it('an identities row changed with SQL is named, and the registry keeps the chain\'s key', async () => {
    const { dir, vault } = await newVault();
    try {
      await addIdentityFrom(vault, { name: 'ana', roles: ['operator'], source: { kind: 'generate' }, actor: 'ana' });
      const gov1 = await makeKey(dir, 'ed25519', { name: 'gov1' });
      const attacker = await makeKey(dir, 'ed25519', { name: 'attacker' });
      await addIdentityFrom(vault, { name: 'gov1', roles: ['approver'], source: { kind: 'public', publicKey: gov1.publicKey }, actor: 'ana' });
      expect(identityTableDifferences(vault)).toEqual([]);
      const chainKey = registryOf(vault).get('gov1')!;

      const before = vault.head();
      const attackerFp = parsePublicKey(attacker.publicKey).fingerprint;
      vault.database.$client.prepare('UPDATE identities SET public_key = ?, fingerprint = ? WHERE name = ?').run(attacker.publicKey, attackerFp, 'gov1');
      vault.database.$client.prepare('UPDATE identities SET roles = ? WHERE name = ?').run('["operator","approver"]', 'ana');
      vault.database.$client.prepare("INSERT INTO identities (name, roles, public_key, fingerprint, key_source) VALUES ('ghost', '[\"approver\"]', ?, ?, 'public')").run(attacker.publicKey, attackerFp);
      expect(vault.head()).toEqual(before);

      const differences = identityTableDifferences(vault);
      expect(differences.map((d) => d.name).sort()).toEqual(['ana', 'ghost', 'gov1', 'gov1']);
      expect(differences.find((d) => d.name === 'gov1' && /public key/.test(d.message))?.message).toContain(gov1.publicKey);
      expect(differences.find((d) => d.name === 'gov1' && /fingerprint/.test(d.message))?.message).toContain(chainKey.fingerprint);
      expect(differences.find((d) => d.name === 'ana')?.message).toMatch(/roles/);
      expect(differences.find((d) => d.name === 'ghost')?.message).toMatch(/never added in the chain/);

      expect(registryOf(vault).get('gov1')).toEqual(chainKey);
      expect(registryOf(vault).get('ghost')).toBeUndefined();
      // The attacker's signature over gov1's statement is no proof.
      const statement = identityStatementFor(vault, 'gov1');
      expect(() => proveIdentity(vault, { name: 'gov1', statement: Buffer.from(statement), signature: keygenSign(attacker.path, statement), actor: 'ana' })).toThrow(/does not prove gov1's key/);

      vault.database.$client.prepare('DELETE FROM identities WHERE name = ?').run('gov1');
      expect(identityTableDifferences(vault).find((d) => d.name === 'gov1')?.message).toMatch(/no row in the identities table/);
      expect(registryOf(vault).get('gov1')).toEqual(chainKey);
      await expect(addIdentityFrom(vault, { name: 'gov1', roles: ['approver'], source: { kind: 'public', publicKey: attacker.publicKey }, actor: 'ana' })).rejects.toThrow(/already exists/);
    } finally {
      vault.close();
    }
  });

  it('an old vault holding others\' private keys: the first is the owner, the rest are custodial and never sign', async () => {
    const { dir, vault } = await newVault();
    try {
      // As vaults were before: every identity generated into the vault, no proofs.
      const keys = ['ana', 'gov1', 'gov2'].map((name) => ({ name, key: generateEd25519(name) }));
      for (const { name, key } of keys) {
        const signer = signerFromGenerated(key.privateKey);
        addIdentity(vault, { name, roles: [name === 'ana' ? 'operator' : 'approver'], publicKey: signer.publicKey, fingerprint: signer.fingerprint, keySource: 'vault', privateKey: key.privateKey }, 'ana');
      }
      const fileKey = await makeKey(dir, 'ed25519', { name: 'gov3' });
      addIdentity(vault, { name: 'gov3', roles: ['approver'], publicKey: fileKey.publicKey, fingerprint: parsePublicKey(fileKey.publicKey).fingerprint, keySource: 'file', keyPath: fileKey.path }, 'ana');
      const before = vault.head();
      const registry = registryOf(vault);
      expect(registry.all().map((i) => [i.name, i.owner, i.custodial, i.proven])).toEqual([
        ['ana', true, false, false],
        ['gov1', false, true, false],
        ['gov2', false, true, false],
        ['gov3', false, true, false],
      ]);
      expect(vault.head()).toEqual(before);
      await expect(signerFor(vault, 'gov1')).rejects.toThrow(/never used to sign/);
      await expect(signerFor(vault, 'gov3')).rejects.toThrow(/never used to sign/);
      expect(() => identityStatementFor(vault, 'gov1')).toThrow(/custodial/);

      // Even a statement signed with the custodial key itself is no proof.
      const gov1 = signerFromGenerated(keys[1]!.key.privateKey);
      const statement = JSON.stringify({ name: 'gov1' });
      expect(() => proveIdentity(vault, { name: 'gov1', statement: Buffer.from(statement), signature: 'x', actor: 'ana' })).toThrow(/custodial/);
      vault.append({ actor: 'ana', type: 'identity.proven', payload: { name: 'gov1', fingerprint: gov1.fingerprint, statement, signature: await sshsigSign(gov1, Buffer.from(statement), NS) } });
      expect(registryOf(vault).get('gov1')!.proven).toBe(false);

      // The owner proves in place once; a new identity with a private side is refused.
      const proved = await proveOwnerInPlace(vault, { name: 'ana', actor: 'ana' });
      expect(proved).toMatchObject({ appended: true, identity: { name: 'ana', owner: true, proven: true } });
      const head = vault.head();
      await expect(addIdentityFrom(vault, { name: 'gov4', roles: ['approver'], source: { kind: 'generate' }, actor: 'ana' })).rejects.toThrow(/already holds its owner's key \(ana\)/);
      // The custodial person comes back by public key, under a new name, with a new key.
      await expect(addIdentityFrom(vault, { name: 'gov3-own', roles: ['approver'], source: { kind: 'public', publicKey: fileKey.publicKey }, actor: 'ana' })).rejects.toThrow(/make a new key/);
      expect(vault.head()).toEqual(head);
    } finally {
      vault.close();
    }
  });

  it('the session keyring holds the owner\'s key, registered agent keys and brought key files', async () => {
    const { dir, vault } = await newVault();
    const agent = await startAgent(dir);
    try {
      const owner = await makeKey(dir, 'ed25519', { name: 'owner', passphrase: 'owner secret' });
      let asked = 0;
      await addIdentityFrom(vault, { name: 'ana', roles: ['operator'], source: { kind: 'file', path: owner.path, passphrase: async () => 'owner secret' }, actor: 'ana' });
      const gov1 = await makeKey(dir, 'ed25519', { name: 'gov1' });
      const stranger = await makeKey(dir, 'ed25519', { name: 'stranger' });
      const brought = await makeKey(dir, 'ecdsa', { name: 'brought' });
      await addIdentityFrom(vault, { name: 'gov1', roles: ['approver'], source: { kind: 'public', publicKey: gov1.publicKey }, actor: 'ana' });
      agent.add(gov1.path);
      agent.add(stranger.path);
      const fp = (line: string): string => parsePublicKey(line).fingerprint;

      const keyring = await sessionKeyring(vault, { sock: agent.socket, keyFiles: [brought.path], passphrase: async () => { asked++; return 'owner secret'; } });
      expect(asked).toBe(1);
      expect(keyring.fingerprints().sort()).toEqual([fp(owner.publicKey), fp(gov1.publicKey), fp(brought.publicKey)].sort());
      expect(keyring.signerFor(fp(stranger.publicKey))).toBeUndefined();
      const signature = await sshsigSign(keyring.signerFor(fp(gov1.publicKey))!, Buffer.from('x'), NS);
      expect(signature).toMatch(/BEGIN SSH SIGNATURE/);

      const noAgent = await sessionKeyring(vault, { sock: join(dir, 'no-agent.sock'), passphrase: async () => 'owner secret' });
      expect(noAgent.fingerprints()).toEqual([fp(owner.publicKey)]);
      expect(readFileSync(`${owner.path}.pub`, 'utf8').trim()).toBe(owner.publicKey);
    } finally {
      await agent.stop();
      vault.close();
    }
  });
});
