// `cutover pack …` as a user runs it: child processes, exit codes, JSON.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACK_SIGNED_EVENT } from '../../src/core/pack';
import { makeTempDir, removeTempDir, startAgent, type TestAgent } from '../helpers/ssh-keys';
import { cutover, keygenVerifyInPack, tool, usePackFixture } from './fixture';

describe('cutover pack', () => {
  let agentDir: string;
  let agent: TestAgent;
  beforeAll(async () => {
    agentDir = await makeTempDir();
    agent = await startAgent(agentDir);
  });
  afterAll(async () => {
    await agent?.stop();
    await removeTempDir(agentDir);
  });

  it('export, sign offline (key file with a passphrase, ssh-agent), verify, import-signature', async () => {
    const f = await usePackFixture();
    const vaultPath = f.vault.path;
    const out = join(f.dir, 'out');
    const exported = await cutover(['pack', 'export', '--vault', vaultPath, f.runId, '--out', out, '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    const built = JSON.parse(exported.stdout) as { zip: string; folder: string; manifestSha256: string; zipSha256: string };
    expect(built.zip).toBe(join(out, `decision-pack-${f.runId}.zip`));

    const human = await cutover(['pack', 'verify', built.zip]);
    expect(human.code).toBe(3);
    expect(human.stdout).toMatch(/: AWAITING SIGNATURES: intact, no broken or rejected signature/);
    expect(human.stdout).toMatch(/files: 27 checked against manifest\.json and SHA256SUMS, all match/);
    expect(human.stdout).toMatch(/policy: NOT MET: needs 2 approval\(s\)/);

    // gov1 on an air-gapped machine: only the zip and a passphrase-protected key; no vault, no agent.
    const gov1Box = join(f.dir, 'gov1-box');
    mkdirSync(gov1Box);
    copyFileSync(built.zip, join(gov1Box, 'pack.zip'));
    copyFileSync(f.keys.gov1.path, join(gov1Box, 'id_ed25519'));
    expect((await tool('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'gov1 key pass', '-f', join(gov1Box, 'id_ed25519')])).code).toBe(0);
    const noPass = await cutover(['pack', 'sign', 'pack.zip', '--identity', 'gov1', '--key', 'id_ed25519'], { cwd: gov1Box, env: { CUTOVER_PASSPHRASE: undefined } });
    expect(noPass.code).toBe(2);
    expect(noPass.stderr).toMatch(/^cutover: No passphrase: set CUTOVER_KEY_PASSPHRASE/);
    const gov1 = await cutover(['pack', 'sign', 'pack.zip', '--identity', 'gov1', '--key', 'id_ed25519', '--reason', 'transcripts reviewed'], { cwd: gov1Box, env: { CUTOVER_PASSPHRASE: undefined, CUTOVER_KEY_PASSPHRASE: 'gov1 key pass' } });
    expect(gov1.code, gov1.stderr).toBe(0);
    expect(gov1.stdout).toMatch(/^gov1 APPROVED the pack \("transcripts reviewed"\) with SHA256:/);

    // gov2 signs the zip gov1 sent back, with the RSA key held by an agent.
    agent.add(f.keys.gov2.path);
    const gov2Box = join(f.dir, 'gov2-box');
    mkdirSync(gov2Box);
    copyFileSync(join(gov1Box, 'pack.zip'), join(gov2Box, 'pack.zip'));
    const gov2 = await cutover(['pack', 'sign', 'pack.zip', '--identity', 'gov2', '--agent', '--json'], { cwd: gov2Box, env: { CUTOVER_PASSPHRASE: undefined, SSH_AUTH_SOCK: agent.socket } });
    expect(gov2.code, gov2.stderr).toBe(0);
    expect(JSON.parse(gov2.stdout)).toMatchObject({ identity: 'gov2', decision: 'approve', kind: 'zip', written: ['signatures/gov2.sig', 'signatures/gov2.json', 'signatures/gov2.json.sig'] });

    const signedZip = join(gov2Box, 'pack.zip');
    const verified = await cutover(['pack', 'verify', signedZip, '--json']);
    expect(verified.code, verified.stdout).toBe(0);
    const report = JSON.parse(verified.stdout);
    expect(report).toMatchObject({ ok: true, kind: 'zip', runId: f.runId, manifestSha256: built.manifestSha256, policy: { ok: true, approvedBy: ['gov1', 'gov2'] } });
    const text = await cutover(['pack', 'verify', signedZip]);
    expect(text.stdout).toMatch(/gov1 +SHA256:\S+ +APPROVE "transcripts reviewed"/);
    expect(text.stdout).toMatch(/policy: MET: approved by 2 of 2 required \(gov1, gov2\); no rejection/);

    // An auditor's own list that lacks gov2: exit 1, named.
    const auditorList = join(f.dir, 'auditor_allowed_signers');
    writeFileSync(auditorList, `gov1 ${f.keys.gov1.publicKey}\n`);
    const audited = await cutover(['pack', 'verify', signedZip, '--allowed-signers', auditorList]);
    expect(audited.code).toBe(1);
    expect(audited.stdout).toMatch(/gov2 +SHA256:\S+ +FAIL unknown-key: signatures\/gov2\.sig: signed by SHA256:\S+; gov2 is not in your roster .*auditor_allowed_signers at all: the organisation does not know this signer/);

    // Stock tools on the unpacked signed zip.
    const unpacked = join(f.dir, 'unpacked');
    expect((await tool('unzip', ['-q', signedZip, '-d', unpacked])).code).toBe(0);
    expect((await tool('sha256sum', ['-c', 'SHA256SUMS'], { cwd: unpacked })).code).toBe(0);
    for (const id of ['gov1', 'gov2']) expect((await keygenVerifyInPack(unpacked, id, `signatures/${id}.sig`, 'manifest.json')).code).toBe(0);

    // Back into the vault.
    for (const id of ['gov1', 'gov2']) {
      const imported = await cutover(['pack', 'import-signature', '--vault', vaultPath, f.runId, '--pack', signedZip, '--identity', id]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toMatch(new RegExp(`^Imported: ${id} APPROVED`));
    }
    const again = await cutover(['pack', 'import-signature', '--vault', vaultPath, f.runId, '--pack', signedZip, '--identity', 'gov1', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ alreadyImported: true, identity: 'gov1' });
    expect(f.vault.events().filter((e) => e.type === PACK_SIGNED_EVENT).map((e) => e.actor)).toEqual(['gov1', 'gov2']);

    // Exporting again after all this gives the same manifest, now with both signatures the vault
    // holds on it: one pack that verifies; and exporting once more gives that zip byte for byte.
    const eventsBefore = f.vault.events().length;
    const second = await cutover(['pack', 'export', '--vault', vaultPath, f.runId, '--out', join(f.dir, 'second'), '--json']);
    expect(second.code, second.stderr).toBe(0);
    const secondBuilt = JSON.parse(second.stdout) as { zip: string; manifestSha256: string; zipSha256: string; signedBy: string[] };
    expect(secondBuilt).toMatchObject({ manifestSha256: built.manifestSha256, signedBy: ['gov1', 'gov2'] });
    const secondVerified = await cutover(['pack', 'verify', secondBuilt.zip, '--json']);
    expect(secondVerified.code, secondVerified.stdout).toBe(0);
    expect(JSON.parse(secondVerified.stdout)).toMatchObject({ ok: true, policy: { ok: true, approvedBy: ['gov1', 'gov2'] } });
    const third = await cutover(['pack', 'export', '--vault', vaultPath, f.runId, '--out', join(f.dir, 'third'), '--json']);
    expect(JSON.parse(third.stdout).zipSha256).toBe(secondBuilt.zipSha256);
    expect(readFileSync(JSON.parse(third.stdout).zip).equals(readFileSync(secondBuilt.zip))).toBe(true);
    expect(f.vault.events()).toHaveLength(eventsBefore);
  }, 300_000);

  it('exit 2 for bad input: no pack, not a pack, missing options, wrong key, unknown run, existing output', async () => {
    const f = await usePackFixture();
    const out = join(f.dir, 'out');
    expect((await cutover(['pack', 'export', '--vault', f.vault.path, f.runId, '--out', out])).code).toBe(0);
    const zip = join(out, `decision-pack-${f.runId}.zip`);
    const notAPack = join(f.dir, 'notes.txt');
    writeFileSync(notAPack, 'hello');
    const cases: [string[], RegExp][] = [
      [['pack', 'verify', join(f.dir, 'nothing-here.zip')], /No pack at .*nothing-here\.zip/],
      [['pack', 'verify', notAPack], /is not a zip \(nor a folder\)/],
      [['pack', 'verify', zip, '--allowed-signers', join(f.dir, 'missing')], /Cannot read the allowed signers file/],
      [['pack', 'sign', zip, '--identity', 'gov1', '--key', f.keys.gov1.path, '--reject'], /A rejection needs a reason/],
      [['pack', 'sign', zip, '--identity', 'gov1'], /Give exactly one key: --key FILE or --agent/],
      [['pack', 'sign', zip, '--identity', 'gov2', '--key', f.keys.gov1.path], /The key SHA256:\S+ is not gov2's key in this pack/],
      [['pack', 'export', '--vault', f.vault.path, 'no-such-run', '--out', join(f.dir, 'x')], /No run no-such-run/],
      [['pack', 'export', '--vault', f.vault.path, f.runId, '--out', out], /already exists; an export never writes over an existing pack/],
      [['pack', 'import-signature', '--vault', f.vault.path, f.runId, '--pack', zip, '--identity', 'gov1'], /has not signed this pack/],
    ];
    for (const [args, message] of cases) {
      const r = await cutover(args);
      expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^cutover: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
    }
  }, 300_000);
});
