// Honest verification: a pack as exported AWAITS signatures (exit 3), a pack checked only
// against its own allowed_signers is never a bare OK (its signers are "claimed"), the
// organisation's roster decides whose signature counts (with valid-after / valid-before /
// namespaces as ssh-keygen applies them), a forged and re-signed pack is caught by that roster,
// names from a pack are printed escaped, and an unlisted zip entry is never inflated.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACT_NAMESPACE } from '../../src/core/acts/document';
import { PLAN_NAMESPACE } from '../../src/core/engine/plan';
import { PACK_NAMESPACES, VERDICT_FORMAT, ZipReader, formatAllowedSigners, formatSums, manifestBytes, signPack, verdictBytes, verifyPack, type PackManifest } from '../../src/core/pack';
import { loadKeyFile, parsePublicKey } from '../../src/core/signing';
import { useSuiteTempDir } from '../helpers/tmp';
import { makeKey, type KeygenKey } from '../helpers/ssh-keys';
import { cutover, keygenVerifyInPack, makePackFixture, tool, type PackFixture } from './fixture';
import { deflatedZeros, rawZip, type RawEntry } from './raw-zip';

const ESC = '\u001b';
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Every file of a folder, relative, '/'-separated, sorted. */
function listFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out.sort();
}

describe('pack verify is honest about what it proves', () => {
  const base = useSuiteTempDir('cutover-honest-');
  const cleanups: (() => void)[] = [];
  let f: PackFixture;
  let exportedFolder: string;
  let exportedZip: string;
  let signed: string;
  let copies = 0;
  /** The organisation's roster: the real keys of ana, gov1, gov2, gov3 as the vault holds them. */
  let orgRoster: string;
  const copy = (from: string) => {
    const dir = join(base, `copy-${++copies}`);
    cpSync(from, dir, { recursive: true });
    return dir;
  };
  const roster = (text: string) => {
    const path = join(base, `roster-${++copies}`);
    writeFileSync(path, text);
    return path;
  };

  afterAll(() => {
    for (const fn of cleanups) fn();
  });
  beforeAll(async () => {
    f = await makePackFixture((fn) => cleanups.push(fn));
    const built = await f.exportTo(join(base, 'out'));
    exportedFolder = copy(built.folder);
    exportedZip = built.zip;
    signed = copy(built.folder);
    for (const name of ['gov1', 'gov2'] as const) await signPack(signed, { identity: name, signer: await loadKeyFile(f.keys[name].path), decision: 'approve' });
    orgRoster = roster(['# our organisation', `ana ${f.signers.ana.publicKey}`, ...(['gov1', 'gov2', 'gov3'] as const).map((n) => `${n} ${f.keys[n].publicKey}`)].join('\n') + '\n');
  }, 300_000);

  it('allowed_signers lets each person sign pack verdicts, plan approvals and acts: one file checks all three', () => {
    expect(PACK_NAMESPACES).toEqual(['cutover-decision-v1', PLAN_NAMESPACE, ACT_NAMESPACE]);
    const text = readFileSync(join(exportedFolder, 'allowed_signers'), 'utf8');
    expect(text).toMatch(/^gov1 namespaces="cutover-decision-v1,cutover-plan-v1,cutover-act-v1" ssh-ed25519 AAAA\S+$/m);
  });

  it('a pack as exported is AWAITING SIGNATURES (exit 3), not FAILED; signing it works, signing a broken one does not', async () => {
    const report = await verifyPack(exportedZip);
    expect(report.verdict).toBe('AWAITING SIGNATURES');
    expect(report.ok).toBe(false);
    expect(report.summary).toMatch(/^AWAITING SIGNATURES: intact, no broken or rejected signature, the policy is not met yet \(needs 2 approval/);
    const cli = await cutover(['pack', 'verify', exportedZip]);
    expect(cli.code, cli.stderr).toBe(3);
    expect(cli.stdout).toMatch(/^Pack .*\(zip\): AWAITING SIGNATURES: intact, .*; checked against the pack's own allowed_signers only \(claimed signers: nobody yet\); that file came with the pack, so it does not prove who signed/);
    expect(cli.stdout).not.toMatch(/FAILED/);
    const help = await cutover(['pack', 'verify', '--help']);
    expect(help.stdout).toMatch(/3 +AWAITING SIGNATURES: intact/);

    const awaiting = copy(exportedFolder);
    await expect(signPack(awaiting, { identity: 'gov1', signer: await loadKeyFile(f.keys.gov1.path), decision: 'approve' })).resolves.toMatchObject({ identity: 'gov1' });
    expect((await verifyPack(awaiting)).verdict).toBe('AWAITING SIGNATURES');
    const broken = copy(exportedFolder);
    writeFileSync(join(broken, 'evidence/prod_upgrade_0019_to_head.log'), 'nothing to see\n');
    await expect(signPack(broken, { identity: 'gov1', signer: await loadKeyFile(f.keys.gov1.path), decision: 'approve' })).rejects.toThrow(/Refusing to sign .*does not verify/);
  }, 120_000);

  it('without a roster a signed pack is VERIFIED against its own allowed_signers only, never a bare OK; with the organisation roster it is VERIFIED', async () => {
    const own = await cutover(['pack', 'verify', signed]);
    expect(own.code, own.stdout).toBe(0);
    expect(own.stdout).toMatch(/: VERIFIED against the pack's own allowed_signers only \(claimed signers: gov1, gov2\): intact and self-consistent, and the policy is met \(approved by 2 of 2 required \(gov1, gov2\); no rejection\); that file came with the pack, so it does not prove who signed: verify with --allowed-signers ORG_FILE/);
    expect(own.stdout).not.toMatch(/\bOK\b/);
    const org = await cutover(['pack', 'verify', signed, '--allowed-signers', orgRoster]);
    expect(org.code, org.stdout).toBe(0);
    expect(org.stdout).toMatch(/: VERIFIED: intact; approved by 2 of 2 required \(gov1, gov2\); no rejection; every counted key is in your roster /);
    expect(org.stdout).not.toMatch(/claimed/);
  }, 120_000);

  it('an organisation roster that lacks one approver: the policy is not met and that approver is named', async () => {
    const lacking = roster(`gov1 ${f.keys.gov1.publicKey}\ngov3 ${f.keys.gov3.publicKey}\n`);
    const report = await verifyPack(signed, { allowedSignersFile: lacking });
    expect(report.verdict).toBe('FAILED');
    expect(report.policy).toMatchObject({ ok: false, approvedBy: ['gov1'], invalid: [{ identity: 'gov2', status: 'unknown-key' }] });
    expect(report.signatures.find((s) => s.identity === 'gov2')?.message).toMatch(/gov2 is not in your roster .* at all: the organisation does not know this signer/);
    expect(report.trust.packSignersNotInRoster.map((p) => p.principal)).toEqual(['ana', 'gov2']);
    const cli = await cutover(['pack', 'verify', signed, '--allowed-signers', lacking]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/policy: NOT MET: needs 2 approval\(s\).*has 1 \(gov1\); signatures that count for nothing: gov2 \(unknown-key\)/);
    expect(cli.stdout).toMatch(/the pack's allowed_signers lists people your roster .* does not: ana SHA256:\S+, gov2 SHA256:\S+/);
  }, 120_000);

  it('valid-before / valid-after bound a key as ssh-keygen bounds it (compared with the verdict\'s signedAt); namespaces are patterns', async () => {
    const expired = roster(`gov1 ${f.keys.gov1.publicKey}\ngov2 valid-before="20200101Z" ${f.keys.gov2.publicKey}\n`);
    const report = await verifyPack(signed, { allowedSignersFile: expired });
    expect(report.signatures.find((s) => s.identity === 'gov2')).toMatchObject({ status: 'outside-validity', counts: false });
    expect(report.signatures.find((s) => s.identity === 'gov2')?.message).toMatch(/the key has expired at \S+ \(valid-before 2020-01-01T00:00:00\.000Z\); compared with the verdict's signedAt/);
    expect(report.policy).toMatchObject({ ok: false, approvedBy: ['gov1'] });
    // Stock ssh-keygen refuses the same roster line.
    const keygen = await keygenVerifyInPack(signed, 'gov2', 'signatures/gov2.sig', 'manifest.json', expired);
    expect(keygen.code).not.toBe(0);
    expect(keygen.stderr).toMatch(/key has expired/);

    const notYet = roster(`gov1 ${f.keys.gov1.publicKey}\ngov2 valid-after="209901011200" ${f.keys.gov2.publicKey}\n`);
    expect((await verifyPack(signed, { allowedSignersFile: notYet })).signatures.find((s) => s.identity === 'gov2')?.message).toMatch(/not yet valid .*valid-after 2099-01-01/);

    const current = roster(`gov1 namespaces="cutover-*" ${f.keys.gov1.publicKey}\ngov2 valid-after="20200101",valid-before="20991231235959Z",namespaces="git,cutover-decision-v1,cutover-plan-v1,cutover-act-v1" ${f.keys.gov2.publicKey}\n`);
    const ok = await verifyPack(signed, { allowedSignersFile: current });
    expect(ok.verdict, ok.summary).toBe('VERIFIED');
    expect((await keygenVerifyInPack(signed, 'gov2', 'signatures/gov2.sig', 'manifest.json', current)).code).toBe(0);

    const otherNamespace = roster(`gov1 ${f.keys.gov1.publicKey}\ngov2 namespaces="!cutover-decision-v1,cutover-*" ${f.keys.gov2.publicKey}\n`);
    expect((await verifyPack(signed, { allowedSignersFile: otherNamespace })).signatures.find((s) => s.identity === 'gov2')).toMatchObject({ status: 'unknown-key' });
  }, 120_000);

  it('cert-authority and unknown options are refused with a message; a roster with no usable line is bad input (exit 2)', async () => {
    const mixed = roster(`gov1 ${f.keys.gov1.publicKey}\ngov2 ${f.keys.gov2.publicKey}\n*@example.com cert-authority ${f.keys.gov3.publicKey}\ngov3 no-touch-required ${f.keys.gov3.publicKey}\ngov3 valid-before=20990101 ${f.keys.gov3.publicKey}\n`);
    const cli = await cutover(['pack', 'verify', signed, '--allowed-signers', mixed]);
    expect(cli.code, cli.stdout).toBe(0);
    expect(cli.stdout).toMatch(/roster line not used: .* line 3: cert-authority lines are not supported/);
    expect(cli.stdout).toMatch(/roster line not used: .* line 4: unknown option "no-touch-required"/);
    expect(cli.stdout).toMatch(/roster line not used: .* line 5: valid-before needs a value in double quotes/);
    const unusable = roster(`gov1,gov2 cert-authority ${f.keys.gov1.publicKey}\n`);
    const refused = await cutover(['pack', 'verify', signed, '--allowed-signers', unusable]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^cutover: The allowed signers file .* holds no usable line, so no signature could count:\n {2}.* line 1: cert-authority lines are not supported/);
  }, 120_000);

  it('a rejection is FAILED (exit 1), and its reason is printed with control characters escaped', async () => {
    const dir = copy(exportedFolder);
    await signPack(dir, { identity: 'gov1', signer: await loadKeyFile(f.keys.gov1.path), decision: 'approve' });
    await signPack(dir, { identity: 'gov2', signer: await loadKeyFile(f.keys.gov2.path), decision: 'reject', reason: `heads not single${ESC}[1A${ESC}[2K${ESC}[32mVERIFIED` });
    const cli = await cutover(['pack', 'verify', dir]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/: FAILED: REJECTED by gov2; checked against the pack's own allowed_signers only \(claimed signers: gov1, gov2\)/);
    expect(cli.stdout).not.toContain(ESC);
    expect(cli.stdout).toContain('REJECT "heads not single\\x1b[1A\\x1b[2K\\x1b[32mVERIFIED"');
    const imported = await cutover(['pack', 'import-signature', '--vault', f.vault.path, f.runId, '--pack', dir, '--identity', 'gov2']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).not.toContain(ESC);
    expect(imported.stdout).toMatch(/^Imported: gov2 REJECTED \("heads not single\\x1b\[1A\\x1b\[2K\\x1b\[32mVERIFIED"\)/);
  }, 120_000);

  it('file names and SHA256SUMS lines holding terminal escapes are printed escaped, in text and in JSON', async () => {
    const dir = copy(signed);
    const evil = `evidence/${ESC}[2J${ESC}[1;1H${ESC}[32mVERIFIED${ESC}[0m.log`;
    writeFileSync(join(dir, evil), 'paint over the verdict\n');
    writeFileSync(join(dir, 'SHA256SUMS'), `${readFileSync(join(dir, 'SHA256SUMS'), 'utf8')}${'0'.repeat(64)}  evidence/${ESC}]0;owned\u0007title.log\n`);
    const cli = await cutover(['pack', 'verify', dir]);
    expect(cli.code).toBe(1);
    // eslint-disable-next-line no-control-regex -- looking for exactly these
    expect(cli.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(cli.stdout).toContain('FAIL unsafe-name evidence/\\x1b[2J\\x1b[1;1H\\x1b[32mVERIFIED\\x1b[0m.log: the name contains a control character');
    expect(cli.stdout).toContain('evidence/\\x1b]0;owned\\x07title.log');
    const json = await cutover(['pack', 'verify', dir, '--json']);
    expect(json.stdout).not.toContain(ESC);
    const report = JSON.parse(json.stdout) as { verdict: string; problems: { message: string }[] };
    expect(report.verdict).toBe('FAILED');
    // eslint-disable-next-line no-control-regex -- looking for exactly these
    for (const p of report.problems) expect(p.message).not.toMatch(/[\u0000-\u001f]/);
  }, 120_000);

  it('a zip entry the manifest does not list, claiming 2 GiB, is refused by name and never inflated', async () => {
    // A real deflate stream of 2 GiB of zeros beside every file of the exported pack, stored as they are.
    const entries: RawEntry[] = listFiles(exportedFolder).map((name) => ({ name, data: readFileSync(join(exportedFolder, name)) }));
    entries.push({ name: 'evidence/zz-extra.log', ...deflatedZeros(2048) });
    const zipPath = join(base, 'bomb.zip');
    writeFileSync(zipPath, rawZip(entries));
    const listed = await tool('unzip', ['-l', zipPath]);
    expect(listed.stdout).toMatch(/2147483648 +\S+ +\S+ +evidence\/zz-extra\.log/);

    const report = await verifyPack(zipPath);
    expect(report.verdict).toBe('FAILED');
    expect(report.files.find((x) => x.path === 'evidence/zz-extra.log')).toMatchObject({ status: 'extra', sha256: null, message: 'is not in manifest.json: a file that does not belong to the pack (2147483648 bytes; not read)' });
    expect(report.files.filter((x) => x.status !== 'ok').map((x) => x.path)).toEqual(['evidence/zz-extra.log']);
    const cli = await cutover(['pack', 'verify', zipPath]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/FAIL extra +evidence\/zz-extra\.log: is not in manifest\.json/);
    // Signing unpacks the zip: the unlisted entry is refused before anything is written.
    const before = readdirSync(base).sort();
    const sign = await cutover(['pack', 'sign', zipPath, '--identity', 'gov1', '--key', f.keys.gov1.path]);
    expect(sign.code, sign.stdout).toBe(2);
    expect(sign.stderr).toMatch(/refused entry "evidence\/zz-extra\.log": manifest\.json does not list it \(it claims 2147483648 bytes; it was not inflated\)/);
    expect(readdirSync(base).sort()).toEqual(before);
  }, 120_000);

  it('a changed byte in a listed entry of a real pack zip fails its CRC: FAILED, exit 1 (not 2)', async () => {
    const zipPath = join(base, 'crc.zip');
    const reader = await ZipReader.open(exportedZip);
    const entry = reader.entries.find((e) => e.name === 'evidence/prod_upgrade_0019_to_head.log')!;
    await reader.close();
    expect(entry.method).toBe(0);
    const bytes = readFileSync(exportedZip);
    bytes.writeUInt8(bytes.readUInt8(entry.dataOffset) ^ 0x20, entry.dataOffset);
    writeFileSync(zipPath, bytes);
    const report = await verifyPack(zipPath);
    expect(report.verdict).toBe('FAILED');
    expect(report.files.find((x) => x.path === 'evidence/prod_upgrade_0019_to_head.log')).toMatchObject({ status: 'unreadable', message: expect.stringMatching(/CRC-32/) });
    const cli = await cutover(['pack', 'verify', zipPath]);
    expect(cli.code, cli.stderr).toBe(1);
  }, 120_000);

  describe('the forged pack: a transcript, manifest, SHA256SUMS and allowed_signers rewritten, re-signed with new keys named gov3 and gov4', () => {
    let forged: string;
    beforeAll(async () => {
      forged = copy(signed);
      const keys: Record<'gov3' | 'gov4', KeygenKey> = { gov3: await makeKey(base, 'ed25519', { name: 'forger_gov3' }), gov4: await makeKey(base, 'ed25519', { name: 'forger_gov4' }) };
      const manifest = JSON.parse(readFileSync(join(forged, 'manifest.json'), 'utf8')) as PackManifest;
      const transcript = 'evidence/prod_upgrade_0019_to_head.log';
      writeFileSync(join(forged, transcript), 'Running upgrade 0019 -> 70a79686336c\nall fine, nothing failed\n');
      const identities = manifest.predicate.identities.filter((i) => i.name !== 'gov3');
      for (const name of ['gov3', 'gov4'] as const) identities.push({ name, roles: ['approver'], fingerprint: parsePublicKey(keys[name].publicKey).fingerprint, publicKey: keys[name].publicKey.split(' ').slice(0, 2).join(' ') });
      manifest.predicate.identities = identities.sort((a, b) => (a.name < b.name ? -1 : 1));
      writeFileSync(join(forged, 'allowed_signers'), formatAllowedSigners(manifest.predicate.identities));
      for (const subject of manifest.subject) {
        const data = readFileSync(join(forged, subject.name));
        subject.digest.sha256 = sha256(data);
        subject.annotations.size = data.length;
      }
      const bytes = manifestBytes(manifest);
      writeFileSync(join(forged, 'manifest.json'), bytes);
      writeFileSync(join(forged, 'SHA256SUMS'), formatSums([...manifest.subject.map((s) => ({ path: s.name, sha256: s.digest.sha256 })), { path: 'manifest.json', sha256: sha256(bytes) }]));
      // The genuine signatures go; the forgers sign in their place.
      rmSync(join(forged, 'signatures'), { recursive: true });
      mkdirSync(join(forged, 'signatures'));
      for (const name of ['gov3', 'gov4'] as const) {
        const sign = async (message: Buffer, out: string) => {
          const r = await tool('ssh-keygen', ['-Y', 'sign', '-f', keys[name].path, '-n', 'cutover-decision-v1'], { input: message });
          expect(r.code, r.stderr).toBe(0);
          writeFileSync(join(forged, out), r.stdout);
        };
        await sign(bytes, `signatures/${name}.sig`);
        const verdict = verdictBytes({ format: VERDICT_FORMAT, runId: f.runId, manifestSha256: sha256(bytes), decision: 'approve', reason: null, signer: name, fingerprint: parsePublicKey(keys[name].publicKey).fingerprint, signedAt: new Date().toISOString() });
        writeFileSync(join(forged, `signatures/${name}.json`), verdict);
        await sign(verdict, `signatures/${name}.json.sig`);
      }
      // Stock tools agree the forgery is self-consistent: that is exactly why the pack's own roster proves nothing.
      expect((await tool('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: forged })).code).toBe(0);
      expect((await keygenVerifyInPack(forged, 'gov4', 'signatures/gov4.sig', 'manifest.json')).code).toBe(0);
      expect(statSync(join(forged, transcript)).size).toBeGreaterThan(0);
    }, 120_000);

    it('without a roster it is never a plain OK: the signers gov3 and gov4 are named as claimed', async () => {
      const cli = await cutover(['pack', 'verify', forged]);
      expect(cli.stdout).not.toMatch(/\bOK\b/);
      expect(cli.stdout).toMatch(/claimed signers: gov3, gov4/);
      expect(cli.stdout).toMatch(/does not prove who signed/);
      expect([0, 1]).toContain(cli.code);
    }, 120_000);

    it('with the real organisation roster it is FAILED, naming gov3\'s wrong key and gov4 as unknown', async () => {
      const report = await verifyPack(forged, { allowedSignersFile: orgRoster });
      expect(report.verdict).toBe('FAILED');
      expect(report.signatures.map((s) => [s.identity, s.status])).toEqual([['gov3', 'unknown-key'], ['gov4', 'unknown-key']]);
      expect(report.signatures[0]!.message).toMatch(/a key your roster .* does not list for gov3 \(theirs: SHA256:/);
      expect(report.signatures[1]!.message).toMatch(/gov4 is not in your roster .* at all: the organisation does not know this signer/);
      expect(report.trust.packSignersNotInRoster.map((p) => p.principal)).toEqual(['gov3', 'gov4']);
      const cli = await cutover(['pack', 'verify', forged, '--allowed-signers', orgRoster]);
      expect(cli.code).toBe(1);
      expect(cli.stdout).toMatch(/: FAILED: /);
      expect(cli.stdout).toMatch(/policy: NOT MET: needs 2 approval\(s\).*has 0/);
    }, 120_000);
  });
});
