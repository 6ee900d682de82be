// Core's own findings and refusals reach the window in its language (ui.setLanguage): vault
// verify's findings on a vault damaged on disk, and a pack refusal (a file that is not a pack).
// English as core words them; the findings' kinds unchanged.
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { FRAME_OVERHEAD, HEADER_BYTES, segmentPathFor, segmentRootFor } from '../../src/core/vault/segments';
import { createContractService, type ContractService } from '../../src/main/handlers';
import type { VerifyResult } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { useTempDir } from '../helpers/tmp';
import { found } from '../report/language-sentences';
import { flipByte } from '../helpers/flip';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const PASSPHRASE = 'correct horse battery staple';

describe('core\'s words in the window\'s language', () => {
  let dir: string;
  let service: ContractService;
  const dispatch = async <T>(channel: string, input?: unknown) => (await service.dispatch(channel as never, input)) as Result<T>;
  async function call<T>(channel: string, input?: unknown): Promise<T> {
    const r = await dispatch<T>(channel, input);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
    return r.value;
  }

  beforeAll(async () => {
    dir = useTempDir('cutover-window-core-words-', afterAll);
    const path = join(dir, 'v.vault');
    const vault = Vault.create(path, PASSPHRASE);
    let id: string;
    try {
      const w = vault.createArtifact({ name: 'big.bin', mediaType: 'application/octet-stream', actor: 'dba' });
      for (let i = 0; i < 32; i++) w.write(randomBytes(64 * 1024));
      id = w.finish().id;
    } finally {
      vault.close();
    }
    flipByte(segmentPathFor(segmentRootFor(path), id, 0), HEADER_BYTES + 1024 * 1024 + FRAME_OVERHEAD + 5000);
    service = createContractService({ keychain: null, defaultVaultPath: join(dir, 'default.vault'), autoLockMs: null, sshConfigPath: join(dir, 'no-ssh-config'), chooseFile: async () => null });
    await call('vault.unlock', { path, passphrase: PASSPHRASE });
  }, 60_000);

  afterAll(() => service?.dispose());

  it('vault verify names a damaged segment in Spanish in the Spanish window, in English in the English one', async () => {
    await call('ui.setLanguage', { lang: 'es' });
    const es = await call<VerifyResult>('vault.verify');
    await call('ui.setLanguage', { lang: 'en' });
    const en = await call<VerifyResult>('vault.verify');
    expect(es.ok).toBe(false);
    expect(es.badArtifacts.map((p) => p.kind)).toEqual(en.badArtifacts.map((p) => p.kind));
    expect(es.badArtifacts[0]!.ref).toBe(en.badArtifacts[0]!.ref.replace(/^artifact /, 'artefacto '));
    expect(es.badArtifacts[0]!.message).not.toBe(en.badArtifacts[0]!.message);
    expect(found(es.badArtifacts[0]!.message, 'en'), es.badArtifacts[0]!.message).toEqual([]);
    expect(found(en.badArtifacts[0]!.message, 'es'), en.badArtifacts[0]!.message).toEqual([]);
  });

  it('a file that is not a pack is refused in the window\'s language', async () => {
    const notPack = join(dir, 'notes.zip');
    writeFileSync(notPack, 'these are notes, not a zip\n');
    await call('ui.setLanguage', { lang: 'es' });
    const es = await dispatch('pack.verify', { path: notPack });
    await call('ui.setLanguage', { lang: 'en' });
    const en = await dispatch('pack.verify', { path: notPack });
    expect(es.ok || en.ok).toBe(false);
    if (es.ok || en.ok) return;
    expect(es.error.code).toBe(en.error.code);
    expect(es.error.message).not.toBe(en.error.message);
    expect(found(es.error.message, 'en'), es.error.message).toEqual([]);
  });
});
