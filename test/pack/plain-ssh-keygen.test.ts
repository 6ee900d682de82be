// Signing a pack with nothing but ssh-keygen and coreutils, following VERIFY.txt: gov1 pastes
// VERIFY.txt's signing block, gov2 writes the verdict JSON by hand from its documentation and runs
// the plain `ssh-keygen -Y sign` commands it lists. `cutover pack verify` accepts the result,
// `cutover pack import-signature` imports it, and the next export carries those exact files.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditorShell, verifyBlocks, type AuditorShell } from './auditor-tools';
import { cutover, tool, usePackFixture, type PackFixture, type ToolRun } from './fixture';

const show = (r: ToolRun) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

interface Exported {
  folder: string;
  zip: string;
  manifestSha256: string;
}

async function exportPack(f: PackFixture, out: string): Promise<Exported> {
  const r = await cutover(['pack', 'export', '--vault', f.vault.path, f.runId, '--out', out, '--json']);
  expect(r.code, show(r)).toBe(0);
  return JSON.parse(r.stdout) as Exported;
}

/** An approver's box: the zip unpacked with unzip, and their key file beside it. */
async function approverBox(f: PackFixture, zip: string, name: 'gov1' | 'gov2' | 'gov3'): Promise<{ pack: string; key: string }> {
  const box = join(f.dir, `${name}-box`);
  mkdirSync(box);
  const r = await tool('unzip', ['-q', zip, '-d', join(box, 'pack')]);
  expect(r.code, show(r)).toBe(0);
  cpSync(f.keys[name].path, join(box, 'id'));
  return { pack: join(box, 'pack'), key: join(box, 'id') };
}

/** The commands VERIFY.txt lists for signing by hand, for NAME with KEY, as one sh script. */
function documentedSignCommands(verifyTxt: string, name: string, key: string): string {
  const lines = verifyTxt.split('\n').filter((l) => /^ {2}(ssh-keygen -Y sign -f KEY |mv manifest\.json\.sig )/.test(l));
  expect(lines).toEqual([
    '  ssh-keygen -Y sign -f KEY -n cutover-decision-v1 signatures/NAME.json     (writes signatures/NAME.json.sig)',
    '  ssh-keygen -Y sign -f KEY -n cutover-decision-v1 manifest.json               (writes manifest.json.sig)',
    '  mv manifest.json.sig signatures/NAME.sig',
  ]);
  return `${lines.map((l) => l.trim().replace(/\s+\(writes [^)]*\)$/, '').replace(/\bKEY\b/g, key).replace(/\bNAME\b/g, name)).join(' &&\n')}\n`;
}

describe('a verdict made and signed with plain ssh-keygen, as VERIFY.txt says', () => {
  it('gov1 pastes the signing block, gov2 writes the JSON by hand: pack verify accepts both, import-signature imports them, the next export carries them', async () => {
    const f = await usePackFixture();
    const shell: AuditorShell = auditorShell(f.dir);
    const exported = await exportPack(f, join(f.dir, 'out'));
    const verifyTxt = readFileSync(join(exported.folder, 'VERIFY.txt'), 'utf8');
    const blocks = verifyBlocks(verifyTxt);

    // gov1: the block from VERIFY.txt, with only coreutils and ssh-keygen on PATH.
    const gov1 = await approverBox(f, exported.zip, 'gov1');
    const refused = await shell.run(blocks.get('SIGNING')!, gov1.pack, { NAME: 'gov1', KEY: gov1.key, DECISION: 'reject' });
    expect(refused.code, show(refused)).toBe(2);
    expect(refused.stdout).toMatch(/FAILED: a rejection needs a REASON/);
    expect(existsSync(join(gov1.pack, 'signatures'))).toBe(false);
    const signed1 = await shell.run(blocks.get('SIGNING')!, gov1.pack, { NAME: 'gov1', KEY: gov1.key, DECISION: 'approve', REASON: '"transcripts reviewed, row counts match"' });
    expect(signed1.code, show(signed1)).toBe(0);
    expect(signed1.stdout).toMatch(/OK: gov1's verdict "approve" and signatures written/);
    expect(readdirSync(join(gov1.pack, 'signatures')).sort()).toEqual(['gov1.json', 'gov1.json.sig', 'gov1.sig']);
    expect(existsSync(join(gov1.pack, 'manifest.json.sig'))).toBe(false);

    // gov2 gets the folder gov1 sends on, and writes the verdict by hand from the documented fields.
    const gov2Pack = join(f.dir, 'gov2-pack');
    cpSync(gov1.pack, gov2Pack, { recursive: true });
    const fingerprint = (await tool('ssh-keygen', ['-lf', f.keys.gov2.path])).stdout.split(' ')[1]!;
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const manifestSha256 = (await tool('sha256sum', ['manifest.json'], { cwd: gov2Pack })).stdout.slice(0, 64);
    expect(manifestSha256).toBe(exported.manifestSha256);
    const verdict = `{"decision":"approve","fingerprint":"${fingerprint}","format":"cutover-verdict/v1","manifestSha256":"${manifestSha256}","reason":"checked on my own machine: \\"head\\" is 70a79686336c","runId":"${f.runId}","signedAt":"2026-12-06T16:05:00Z","signer":"gov2"}\n`;
    writeFileSync(join(gov2Pack, 'signatures/gov2.json'), verdict);
    const signed2 = await shell.run(documentedSignCommands(verifyTxt, 'gov2', f.keys.gov2.path), gov2Pack);
    expect(signed2.code, show(signed2)).toBe(0);
    expect(readdirSync(join(gov2Pack, 'signatures')).sort()).toEqual(['gov1.json', 'gov1.json.sig', 'gov1.sig', 'gov2.json', 'gov2.json.sig', 'gov2.sig']);

    // VERIFY.txt's own steps 5 and 6 read both verdicts.
    const roster = join(f.dir, 'org_allowed_signers');
    writeFileSync(roster, `gov1 ${f.keys.gov1.publicKey}\ngov2 ${f.keys.gov2.publicKey}\n`);
    const step5 = await shell.run(blocks.get('STEP 5')!, gov2Pack);
    expect(step5.code, show(step5)).toBe(0);
    expect(step5.stdout).toMatch(/OK: gov1 \(SHA256:\S+\) signed this manifest and the verdict "approve"\nOK: gov2 \(SHA256:\S+\) signed this manifest and the verdict "approve"/);
    const step6 = await shell.run(blocks.get('STEP 6')!, gov2Pack, { ROSTER: roster });
    expect(step6.code, show(step6)).toBe(0);
    expect(step6.stdout).toMatch(/OK: approved by 2 of 2 required: gov1 gov2/);

    // Cutover Workstation accepts what plain ssh-keygen made.
    const verified = await cutover(['pack', 'verify', gov2Pack, '--allowed-signers', roster, '--json']);
    expect(verified.code, show(verified)).toBe(0);
    const report = JSON.parse(verified.stdout) as { policy: { ok: boolean; approvedBy: string[] }; signatures: { identity: string; status: string; decision: string; reason: string | null }[] };
    expect(report.policy).toMatchObject({ ok: true, approvedBy: ['gov1', 'gov2'] });
    expect(report.signatures).toEqual([
      expect.objectContaining({ identity: 'gov1', status: 'valid', decision: 'approve', reason: 'transcripts reviewed, row counts match' }),
      expect.objectContaining({ identity: 'gov2', status: 'valid', decision: 'approve', reason: 'checked on my own machine: "head" is 70a79686336c' }),
    ]);

    for (const id of ['gov1', 'gov2']) {
      const imported = await cutover(['pack', 'import-signature', '--vault', f.vault.path, f.runId, '--pack', gov2Pack, '--identity', id]);
      expect(imported.code, show(imported)).toBe(0);
    }
    const again = await exportPack(f, join(f.dir, 'out-again'));
    expect(again.manifestSha256).toBe(exported.manifestSha256);
    for (const file of ['gov1.sig', 'gov1.json', 'gov1.json.sig', 'gov2.sig', 'gov2.json', 'gov2.json.sig']) {
      expect(readFileSync(join(again.folder, 'signatures', file)), file).toEqual(readFileSync(join(gov2Pack, 'signatures', file)));
    }
    const reverified = await cutover(['pack', 'verify', again.zip, '--allowed-signers', roster]);
    expect(reverified.code, show(reverified)).toBe(0);
  });

  it('a rejection written with the signing block: pack verify says FAILED, rejected by gov3 with the reason; import-signature takes it', async () => {
    const f = await usePackFixture();
    const shell = auditorShell(f.dir);
    const exported = await exportPack(f, join(f.dir, 'out'));
    const blocks = verifyBlocks(readFileSync(join(exported.folder, 'VERIFY.txt'), 'utf8'));
    const gov3 = await approverBox(f, exported.zip, 'gov3');
    const signed = await shell.run(blocks.get('SIGNING')!, gov3.pack, { NAME: 'gov3', KEY: gov3.key, DECISION: 'reject', REASON: '"no row counts in the upgrade transcript"' });
    expect(signed.code, show(signed)).toBe(0);

    const verified = await cutover(['pack', 'verify', gov3.pack]);
    expect(verified.code, show(verified)).toBe(1);
    expect(verified.stdout).toMatch(/gov3 +SHA256:\S+ +REJECT "no row counts in the upgrade transcript"/);
    const step6 = await shell.run(blocks.get('STEP 6')!, gov3.pack, { ROSTER: join(gov3.pack, 'allowed_signers') });
    expect(step6.code, show(step6)).toBe(1);
    expect(step6.stdout).toMatch(/counts: gov3 REJECTS .*\n[\s\S]*== STEP 6 \(quorum\): FAILED: rejected or broken: gov3 ==/);

    const imported = await cutover(['pack', 'import-signature', '--vault', f.vault.path, f.runId, '--pack', gov3.pack, '--identity', 'gov3', '--json']);
    expect(imported.code, show(imported)).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ identity: 'gov3', decision: 'reject', reason: 'no row counts in the upgrade transcript', manifestSha256: exported.manifestSha256 });
  });
});
