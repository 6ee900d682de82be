// Signing a pack with only the pack and a key, every signature checked by the real
// `ssh-keygen -Y verify`, for Ed25519 and RSA keys, from key files and from ssh-agent; verdicts
// (approve, reject with a reason); the auditor's own allowed_signers; import into the vault.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentSigner, loadKeyFile, sshsigSign } from '../../src/core/signing';
import { PACK_EXPORTED_EVENT, PACK_SIGNED_EVENT, PackSignError, buildPack, importSignature, signPack, verdictBytes, verifyPack } from '../../src/core/pack';
import { recordDecisionHere } from '../../src/core/reports/decision';
import { canonicalJson } from '../../src/core/vault';
import { addPerson } from '../helpers/people';
import { makeKey, makeTempDir, removeTempDir, startAgent, type TestAgent } from '../helpers/ssh-keys';
import { keygenVerifyInPack, sha256sumCheck, tool, usePackFixture, type PackFixture } from './fixture';

async function expectKeygenAccepts(folder: string, identity: string): Promise<void> {
  const onManifest = await keygenVerifyInPack(folder, identity, `signatures/${identity}.sig`, 'manifest.json');
  expect(onManifest.code, onManifest.stderr).toBe(0);
  expect(onManifest.stdout).toContain(`Good "cutover-decision-v1" signature for ${identity}`);
  const onVerdict = await keygenVerifyInPack(folder, identity, `signatures/${identity}.json.sig`, `signatures/${identity}.json`);
  expect(onVerdict.code, onVerdict.stderr).toBe(0);
}

async function exported(f: PackFixture, name = 'out') {
  return f.exportTo(join(f.dir, name));
}

describe('signing a pack offline and verifying it with ssh-keygen', () => {
  it('Ed25519 and RSA key files: ssh-keygen accepts every signature, the pack verifies, the policy is met', async () => {
    const f = await usePackFixture();
    const { folder } = await exported(f);
    const gov1 = await signPack(folder, { identity: 'gov1', signer: await loadKeyFile(f.keys.gov1.path), decision: 'approve' });
    const gov2 = await signPack(folder, { identity: 'gov2', signer: await loadKeyFile(f.keys.gov2.path), decision: 'approve', reason: 'evidence reviewed' });
    expect(gov1.written).toEqual(['signatures/gov1.sig', 'signatures/gov1.json', 'signatures/gov1.json.sig']);
    expect(gov2.warnings).toEqual([]);
    await expectKeygenAccepts(folder, 'gov1');
    await expectKeygenAccepts(folder, 'gov2');
    expect(readFileSync(join(folder, 'signatures/gov2.sig'), 'utf8')).toMatch(/^-----BEGIN SSH SIGNATURE-----\n/);
    const verdict = JSON.parse(readFileSync(join(folder, 'signatures/gov2.json'), 'utf8'));
    expect(verdict).toMatchObject({ format: 'cutover-verdict/v1', runId: f.runId, decision: 'approve', reason: 'evidence reviewed', signer: 'gov2', manifestSha256: gov2.manifestSha256 });
    const sha = await tool('sha256sum', ['manifest.json'], { cwd: folder });
    expect(sha.stdout.split(' ')[0]).toBe(verdict.manifestSha256);
    // Signing adds nothing SHA256SUMS covers: it still passes.
    expect((await sha256sumCheck(folder)).code).toBe(0);

    const report = await verifyPack(folder);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.signatures.map((s) => [s.identity, s.status, s.decision, s.counts])).toEqual([['gov1', 'valid', 'approve', true], ['gov2', 'valid', 'approve', true]]);
    expect(report.policy).toMatchObject({ ok: true, approvedBy: ['gov1', 'gov2'], rejectedBy: [] });
  });

  describe('keys in ssh-agent', () => {
    let dir: string;
    let agent: TestAgent;
    beforeAll(async () => {
      dir = await makeTempDir();
      agent = await startAgent(dir);
    });
    afterAll(async () => {
      await agent?.stop();
      await removeTempDir(dir);
    });

    it('Ed25519 and RSA keys held by ssh-agent sign a zip; ssh-keygen accepts the signatures in the unpacked copy', async () => {
      const f = await usePackFixture();
      agent.add(f.keys.gov1.path);
      agent.add(f.keys.gov2.path);
      const { zip } = await exported(f);
      for (const name of ['gov1', 'gov2'] as const) {
        const signer = await agentSigner(f.keys[name].publicKey, agent.socket);
        const signed = await signPack(zip, { identity: name, signer, decision: 'approve' });
        expect(signed.kind).toBe('zip');
      }
      const report = await verifyPack(zip);
      expect(report.problems).toEqual([]);
      const unpacked = join(f.dir, 'unpacked');
      expect((await tool('unzip', ['-q', zip, '-d', unpacked])).code).toBe(0);
      expect((await sha256sumCheck(unpacked)).code).toBe(0);
      await expectKeygenAccepts(unpacked, 'gov1');
      await expectKeygenAccepts(unpacked, 'gov2');
      // The signed zip is itself deterministic: the same signatures give the same bytes.
      const listing = await tool('zipinfo', ['-1', zip]);
      expect(listing.stdout.trim().split('\n').filter((l) => l.startsWith('signatures/'))).toEqual(['signatures/gov1.json', 'signatures/gov1.json.sig', 'signatures/gov1.sig', 'signatures/gov2.json', 'signatures/gov2.json.sig', 'signatures/gov2.sig']);
    });
  });

  it('a rejection is signed too: ssh-keygen accepts it, verify reports it with its reason and the decision is not approved', async () => {
    const f = await usePackFixture();
    const { folder } = await exported(f);
    await signPack(folder, { identity: 'gov1', signer: await loadKeyFile(f.keys.gov1.path), decision: 'approve' });
    await signPack(folder, { identity: 'gov2', signer: await loadKeyFile(f.keys.gov2.path), decision: 'reject', reason: 'drift in covenant_status_register not explained' });
    await signPack(folder, { identity: 'gov3', signer: await loadKeyFile(f.keys.gov3.path), decision: 'approve' });
    await expectKeygenAccepts(folder, 'gov2');
    const report = await verifyPack(folder);
    expect(report.ok).toBe(false);
    expect(report.signatures.find((s) => s.identity === 'gov2')).toMatchObject({ status: 'valid', decision: 'reject', reason: 'drift in covenant_status_register not explained', counts: true });
    expect(report.policy).toMatchObject({ ok: false, approvedBy: ['gov1', 'gov3'], rejectedBy: [{ identity: 'gov2', reason: 'drift in covenant_status_register not explained' }] });
    expect(report.problems).toEqual([{ area: 'policy', subject: null, message: 'policy: REJECTED by gov2 ("drift in covenant_status_register not explained")' }]);
    // A rejection without a reason is refused.
    await expect(signPack(folder, { identity: 'gov3', signer: await loadKeyFile(f.keys.gov3.path), decision: 'reject', reason: '  ' })).rejects.toThrow(/needs a reason/);
    // Changing one's mind replaces the earlier verdict.
    const again = await signPack(folder, { identity: 'gov2', signer: await loadKeyFile(f.keys.gov2.path), decision: 'approve', reason: 'explained in the incident note' });
    expect(again.replaced).toBe(true);
    expect((await verifyPack(folder)).ok).toBe(true);
  });

  it('refuses to sign a pack that does not verify, with a key that is not the identity\'s, or for someone not in the pack', async () => {
    const f = await usePackFixture();
    const { folder } = await exported(f);
    const gov1 = await loadKeyFile(f.keys.gov1.path);
    await expect(signPack(folder, { identity: 'gov2', signer: gov1, decision: 'approve' })).rejects.toThrow(/not gov2's key in this pack/);
    await expect(signPack(folder, { identity: 'mallory', signer: gov1, decision: 'approve' })).rejects.toThrow(/mallory is not an identity of this pack/);
    const operator = await signPack(folder, { identity: 'ana', signer: f.signers.ana, decision: 'approve' });
    expect(operator.warnings[0]).toMatch(/operator.*never counts/);
    const tampered = join(f.dir, 'tampered');
    cpSync(folder, tampered, { recursive: true });
    writeFileSync(join(tampered, 'evidence/prod_upgrade_0019_to_head.log'), 'Running upgrade 0019 -> 70a79686336c\nall fine\n');
    const attempt = signPack(tampered, { identity: 'gov1', signer: gov1, decision: 'approve' });
    await expect(attempt).rejects.toBeInstanceOf(PackSignError);
    await expect(signPack(tampered, { identity: 'gov1', signer: gov1, decision: 'approve' })).rejects.toThrow(/Refusing to sign .*does not verify[\s\S]*evidence\/prod_upgrade_0019_to_head\.log: sha256 \w+ does not match manifest\.json/);
  });

  it('an auditor\'s own allowed_signers overrides the pack\'s', async () => {
    const f = await usePackFixture();
    const { folder } = await exported(f);
    for (const name of ['gov1', 'gov2'] as const) await signPack(folder, { identity: name, signer: await loadKeyFile(f.keys[name].path), decision: 'approve' });
    const trusted = join(f.dir, 'auditor_allowed_signers');
    writeFileSync(trusted, `gov1 ${f.keys.gov1.publicKey}\ngov2 namespaces="cutover-decision-v1,file" ${f.keys.gov2.publicKey}\n`);
    const ok = await verifyPack(folder, { allowedSignersFile: trusted });
    expect(ok.problems).toEqual([]);
    expect(ok.trust).toMatchObject({ source: 'file', path: trusted });
    // The auditor does not trust gov2's key: that signature fails and the quorum is not met.
    const other = await makeKey(f.dir, 'ed25519', { name: 'someone_else' });
    writeFileSync(trusted, `gov1 ${f.keys.gov1.publicKey}\ngov2 ${other.publicKey}\n`);
    const refused = await verifyPack(folder, { allowedSignersFile: trusted });
    expect(refused.ok).toBe(false);
    expect(refused.signatures.find((s) => s.identity === 'gov2')).toMatchObject({ status: 'unknown-key' });
    expect(refused.policy?.message).toMatch(/needs 2 approval\(s\).*has 1 \(gov1\)/);
    // Keys limited to another namespace do not sign decisions.
    writeFileSync(trusted, `gov1,gov2 namespaces="file" ${f.keys.gov1.publicKey}\ngov2 namespaces="git" ${f.keys.gov2.publicKey}\n`);
    const limited = await verifyPack(folder, { allowedSignersFile: trusted });
    expect(limited.signatures.map((s) => s.status)).toEqual(['unknown-key', 'unknown-key']);
    const keygen = await keygenVerifyInPack(folder, 'gov1', 'signatures/gov1.sig', 'manifest.json', trusted);
    expect(keygen.code).not.toBe(0);
  });
});

describe('importing a signature into the vault', () => {
  it('checks it against the vault\'s key and the exported manifest, records pack.signed once, and leaves re-exports byte-identical', async () => {
    const f = await usePackFixture();
    const first = await exported(f);
    await signPack(first.zip, { identity: 'gov1', signer: await loadKeyFile(f.keys.gov1.path), decision: 'approve' });
    await signPack(first.zip, { identity: 'gov2', signer: await loadKeyFile(f.keys.gov2.path), decision: 'reject', reason: 'heads not single' });
    const imported = await importSignature(f.vault, f.runId, first.zip, 'gov1');
    expect(imported).toMatchObject({ alreadyImported: false, identity: 'gov1', decision: 'approve', manifestSha256: first.manifestSha256 });
    expect(imported.event).toMatchObject({ type: PACK_SIGNED_EVENT, actor: 'gov1' });
    expect(imported.event.payload).toMatchObject({ runId: f.runId, identity: 'gov1', decision: 'approve', namespace: 'cutover-decision-v1', signature: expect.stringMatching(/^-----BEGIN SSH SIGNATURE-----/) });
    const rejected = await importSignature(f.vault, f.runId, first.zip, 'gov2');
    expect(rejected).toMatchObject({ decision: 'reject', reason: 'heads not single' });
    expect((await importSignature(f.vault, f.runId, first.zip, 'gov1')).alreadyImported).toBe(true);
    expect(f.vault.events().filter((e) => e.type === PACK_SIGNED_EVENT)).toHaveLength(2);
    expect(f.vault.verify().ok).toBe(true);

    await expect(importSignature(f.vault, f.runId, first.zip, 'gov3')).rejects.toThrow(/has no signatures\/gov3\.sig: gov3 has not signed this pack/);
    await expect(importSignature(f.vault, f.runId, first.zip, 'nobody')).rejects.toThrow(/"nobody" is not an identity in this vault/);
    await expect(importSignature(f.vault, 'another-run', first.zip, 'gov1')).rejects.toThrow(/never exported from this vault for run another-run/);

    // gov3's key signs under gov1's name: not gov1's key in the vault.
    const forged = join(f.dir, 'forged');
    await tool('unzip', ['-q', first.zip, '-d', forged]);
    await signPack(forged, { identity: 'gov3', signer: await loadKeyFile(f.keys.gov3.path), decision: 'approve' });
    for (const ext of ['sig', 'json', 'json.sig']) cpSync(join(forged, `signatures/gov3.${ext}`), join(forged, `signatures/gov1.${ext}`));
    await expect(importSignature(f.vault, f.runId, forged, 'gov1')).rejects.toThrow(/not a good signature by gov1's key/);

    // Importing is not a run event: the run exports to the same manifest as before, now carrying
    // both verdicts the vault holds on it (gov1's approval, gov2's rejection), as signed.
    const again = await buildPack(f.vault, f.runId, { outDir: join(f.dir, 'again') });
    expect(again.manifestSha256).toBe(first.manifestSha256);
    expect(again.signedBy).toEqual(['gov1', 'gov2']);
    const report = await verifyPack(again.zip);
    expect(report.signatures.map((s) => [s.identity, s.status, s.decision])).toEqual([['gov1', 'valid', 'approve'], ['gov2', 'valid', 'reject']]);
    expect(report.policy).toMatchObject({ ok: false, approvedBy: ['gov1'], rejectedBy: [{ identity: 'gov2', reason: 'heads not single' }] });
  });

  it('accepts only the manifest this vault exports for the run now, says why another is refused, and still accepts one an older vault recorded as exported', async () => {
    const f = await usePackFixture();
    const early = await exported(f, 'early');
    await signPack(early.zip, { identity: 'gov1', signer: await loadKeyFile(f.keys.gov1.path), decision: 'approve' });
    // More evidence of the run is stored after that export: the run's pack is now another one.
    await recordDecisionHere(f.vault, f.runId, 'ana', { rootCause: 'None: all gates passed', riskTier: 'low', drift: 'None' }, f.keyring);
    const head = f.vault.head();
    await expect(importSignature(f.vault, f.runId, early.zip, 'gov1')).rejects.toThrow(/is not the one this vault exports for run \S+ now \(sha256 [0-9a-f]{64}\): the pack was exported before more evidence was stored for the run \(it is anchored at chain event #\d+, the run now at #\d+\).*Export the pack again and have it signed\./);
    expect(f.vault.head()).toEqual(head);
    // The pack exported now is accepted.
    const now = await exported(f, 'now');
    await signPack(now.zip, { identity: 'gov1', signer: await loadKeyFile(f.keys.gov1.path), decision: 'approve' });
    expect((await importSignature(f.vault, f.runId, now.zip, 'gov1')).manifestSha256).toBe(now.manifestSha256);
    // A vault made before exports became read-only recorded each export as pack.exported: a
    // signature over a manifest it recorded is still accepted.
    f.vault.append({ actor: 'ana', type: PACK_EXPORTED_EVENT, payload: { runId: f.runId, name: early.name, manifestSha256: early.manifestSha256, zipSha256: early.zipSha256 } });
    expect((await importSignature(f.vault, f.runId, early.zip, 'gov1')).manifestSha256).toBe(early.manifestSha256);
    // A manifest changed after export, anchored where this vault's pack is, is named as such.
    const edited = join(f.dir, 'edited');
    cpSync(now.folder, edited, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(edited, 'manifest.json'), 'utf8'));
    manifest.predicate.environment = 'production';
    const manifestData = Buffer.from(canonicalJson(manifest));
    writeFileSync(join(edited, 'manifest.json'), manifestData);
    // gov1 signs those bytes anyway, with plain SSHSIG (pack sign would refuse a pack that does not verify).
    const gov1 = await loadKeyFile(f.keys.gov1.path);
    const verdict = verdictBytes({ format: 'cutover-verdict/v1', runId: f.runId, manifestSha256: createHash('sha256').update(manifestData).digest('hex'), decision: 'approve', reason: null, signer: 'gov1', fingerprint: gov1.fingerprint, signedAt: new Date().toISOString() });
    mkdirSync(join(edited, 'signatures'));
    writeFileSync(join(edited, 'signatures/gov1.sig'), await sshsigSign(gov1, manifestData, 'cutover-decision-v1'));
    writeFileSync(join(edited, 'signatures/gov1.json'), verdict);
    writeFileSync(join(edited, 'signatures/gov1.json.sig'), await sshsigSign(gov1, verdict, 'cutover-decision-v1'));
    const before = f.vault.head();
    await expect(importSignature(f.vault, f.runId, edited, 'gov1')).rejects.toThrow(/is not the one this vault exports for run \S+ \(sha256 [0-9a-f]{64}\), though both are anchored at chain event #\d+: it was exported by another version of the app, or its manifest was changed after export \(they differ in environment\)\. Export the pack again and have it signed\./);
    expect(f.vault.head()).toEqual(before);
    // A new approver joins the vault after the export: people are taken as of the pack's anchor,
    // so the pack this vault exports is the same, and a signature over it is still imported.
    await addPerson(f.vault, 'gov4', ['approver']);
    const late = await exported(f, 'late');
    expect(late.manifestSha256).toBe(now.manifestSha256);
    await signPack(now.zip, { identity: 'gov2', signer: await loadKeyFile(f.keys.gov2.path), decision: 'approve' });
    expect((await importSignature(f.vault, f.runId, now.zip, 'gov2')).alreadyImported).toBe(false);
  });
});

