// Fingerprints in the vault: stored as an artifact and a schema.fingerprinted event, read back
// (the latest under a label), checked against both, so prod is compared with the rehearsal
// clone fingerprinted earlier.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffFingerprints, FINGERPRINT_EVENT, listFingerprints, loadFingerprint, PgCheckError, storeFingerprint, takeFingerprint } from '../../src/core/checks';
import { Vault } from '../../src/core/vault';
import { useTempDir } from '../helpers/tmp';
import { useCheckDatabase } from './helpers';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';

describe('fingerprints in the vault', () => {
  it('stores one as an artifact and an event, and loads the latest under its label back', async () => {
    const clone = await useCheckDatabase();
    const prod = await useCheckDatabase();
    await clone.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    await prod.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    const rehearsal = await takeFingerprint(await clone.session());

    const path = join(useTempDir(), 'cutover.vault');
    const vault = Vault.create(path, 'correct horse battery staple');
    try {
      const stored = storeFingerprint(vault, rehearsal.fingerprint, { label: 'rehearsal-0019', database: rehearsal.meta.target, actor: 'dba', meta: rehearsal.meta });
      expect(stored.artifact).toMatchObject({ name: 'rehearsal-0019.fingerprint.json', mediaType: 'application/json', state: 'complete' });
      expect(stored.event.type).toBe(FINGERPRINT_EVENT);
      expect(stored.event.actor).toBe('dba');
      expect(stored.event.payload).toMatchObject({ label: 'rehearsal-0019', database: rehearsal.meta.target, sha256: rehearsal.fingerprint.sha256, artifactId: stored.artifact.id });

      // Prod, days later, drifted once: the latest "prod" is the one loaded.
      const first = await takeFingerprint(await prod.session());
      storeFingerprint(vault, first.fingerprint, { label: 'prod', database: first.meta.target, actor: 'dba' });
      await prod.query('ALTER TABLE t ADD COLUMN extra int');
      const second = await takeFingerprint(await prod.session());
      storeFingerprint(vault, second.fingerprint, { label: 'prod', database: second.meta.target, actor: 'dba' });
      expect(listFingerprints(vault).map((r) => r.label)).toEqual(['rehearsal-0019', 'prod', 'prod']);
      expect(vault.verify().ok).toBe(true);
    } finally {
      vault.close();
    }

    const reopened = Vault.open(path, { passphrase: 'correct horse battery staple' });
    try {
      const a = loadFingerprint(reopened, 'rehearsal-0019');
      expect(a.fingerprint).toEqual(rehearsal.fingerprint);
      expect(a.database).toBe(rehearsal.meta.target);
      const b = loadFingerprint(reopened, 'prod');
      const diff = diffFingerprints(a.fingerprint, b.fingerprint);
      expect(diff.differences).toEqual([{ kind: 'extra', objectType: 'column', name: 'public.t.extra', detail: 'integer' }]);

      expect(() => loadFingerprint(reopened, 'staging')).toThrow(PgCheckError);
      expect(() => loadFingerprint(reopened, 'staging')).toThrow('No fingerprint labelled "staging" in the vault (there are: rehearsal-0019, prod).');
      expect(() => loadFingerprint(reopened, '../etc')).toThrow(/is not a fingerprint label/);
    } finally {
      reopened.close();
    }
  });
});
