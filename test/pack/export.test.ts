// Exporting a run: the folder and the zip an auditor checks with stock tools, byte-identical
// on every export of the same run.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_EVENT_TYPES } from '../../src/core/engine/state';
import { PACK_EXPORTED_EVENT, PackExistsError, PackExportError, buildPack, parseAllowedSigners, verifyPack } from '../../src/core/pack';
import { Vault, canonicalJson } from '../../src/core/vault';
import { forgeSegmentArtifact } from '../vault/forge';
import { PASSPHRASE, sha256sumCheck, tool, usePackFixture } from './fixture';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function filesOf(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    return e.isDirectory() ? filesOf(root, rel) : [rel];
  }).sort();
}

describe('pack export', () => {
  it('writes the folder and the zip: in-toto manifest, SHA256SUMS, evidence, results, allowed_signers, PDF, VERIFY.txt', async () => {
    const f = await usePackFixture();
    const built = await f.exportTo(join(f.dir, 'out'));
    expect(filesOf(built.folder).filter((p) => !p.startsWith('acts/'))).toEqual([
      'SHA256SUMS', 'VERIFY.txt', 'allowed_signers', 'chain/events.jsonl', 'decision.pdf',
      'evidence/pre-snapshot_record.json', 'evidence/prod_heads_preflight.log', 'evidence/prod_upgrade_0019_to_head.log', 'evidence/prod_write_freeze_attestation.log',
      'evidence/results/p0-heads.json', 'evidence/results/p1-upgrade.json', 'evidence/results/pre-freeze.json', 'evidence/results/pre-snapshot.json',
      'evidence/runbook-pack-test-v1.2.yaml', 'manifest.json', 'plan/approvals/gov1.sig', 'plan/approvals/gov2.sig', 'plan/plan.json',
    ]);
    // The run's signed acts, in chain order (contents.test.ts checks each with ssh-keygen).
    const acts = filesOf(built.folder).filter((p) => p.startsWith('acts/'));
    expect(acts.filter((p) => p.endsWith('.json')).map((p) => p.replace(/^acts\/\d{6}-|-ana\.json$/g, ''))).toEqual(['run.start', 'step.attest', 'step.record', 'step.execute', 'step.execute']);
    expect(acts.filter((p) => p.endsWith('.json.sig'))).toEqual(acts.filter((p) => p.endsWith('.json')).map((p) => `${p}.sig`));

    // Transcripts are exactly the vault's bytes.
    for (const a of f.vault.artifacts().filter((x) => x.name.startsWith('prod_'))) {
      expect(readFileSync(join(built.folder, 'evidence', a.name))).toEqual(Buffer.concat([...f.vault.readArtifact(a.id)]));
    }
    expect(readFileSync(join(built.folder, 'evidence/prod_heads_preflight.log'), 'utf8')).toBe('70a79686336c (head)\n');

    // manifest.json: canonical JSON (the signed bytes), an in-toto Statement v1.
    const bytes = readFileSync(join(built.folder, 'manifest.json'));
    const manifest = JSON.parse(bytes.toString('utf8'));
    expect(canonicalJson(manifest)).toBe(bytes.toString('utf8'));
    expect(manifest._type).toBe('https://in-toto.io/Statement/v1');
    expect(manifest.predicateType).toBe('https://cutover-workstation.dev/decision-pack/v1');
    const subjects = manifest.subject.map((s: { name: string }) => s.name);
    expect(subjects).toEqual(filesOf(built.folder).filter((p) => p !== 'manifest.json' && p !== 'SHA256SUMS'));
    for (const s of manifest.subject) {
      const data = readFileSync(join(built.folder, s.name));
      expect(s.digest).toEqual({ sha256: sha256(data) });
      expect(s.annotations.size).toBe(data.length);
    }
    const p = manifest.predicate;
    const runEvents = f.vault.events().filter((e) => RUN_EVENT_TYPES.includes(e.type) && (e.payload as { runId?: string }).runId === f.runId);
    expect(p.chainHead).toEqual({ seq: runEvents.at(-1)!.seq, hash: runEvents.at(-1)!.hash, at: runEvents.at(-1)!.at });
    expect(p.run).toMatchObject({ runId: f.runId, operator: 'ana', environment: 'rehearsal' });
    expect(p.runbook).toMatchObject({ id: 'pack-test', version: '1.2', path: 'evidence/runbook-pack-test-v1.2.yaml' });
    expect(p.runbook.hash).toBe(sha256(readFileSync(join(built.folder, 'evidence/runbook-pack-test-v1.2.yaml'))));
    expect(p.runbook.evidencePack.map((e: { path: string | null }) => e.path)).toEqual(['evidence/prod_write_freeze_attestation.log', 'evidence/prod_heads_preflight.log', 'evidence/prod_upgrade_0019_to_head.log']);
    expect(p.environment).toBe('rehearsal');
    expect(p.targets).toEqual([{ name: 'ws', kind: 'local', address: 'local', hostKey: null }]);
    const upgrade = p.steps.find((s: { stepId: string }) => s.stepId === 'p1-upgrade');
    expect(upgrade).toMatchObject({ status: 'PASS', exitCode: 0, result: 'evidence/results/p1-upgrade.json', evidence: { path: 'evidence/prod_upgrade_0019_to_head.log' } });
    expect(upgrade.gates.map((g: { passed: boolean }) => g.passed)).toEqual([true, true]);
    expect(p.approvals.map((a: { signer: string }) => a.signer)).toEqual(['gov1', 'gov2']);
    expect(p.decision).toMatchObject({ status: 'PASS', goNoGo: 'GO', target: 'ws (local)' });
    expect(p.policy).toEqual({ quorum: 2, role: 'approver', operator: 'ana', operatorFingerprint: expect.stringMatching(/^SHA256:/), namespace: 'cutover-decision-v1', rejection: 'veto' });
    expect(p.identities.map((i: { name: string }) => i.name)).toEqual(['ana', 'gov1', 'gov2', 'gov3']);
    const record = JSON.parse(readFileSync(join(built.folder, 'evidence/results/pre-snapshot.json'), 'utf8'));
    expect(record).toMatchObject({ stepId: 'pre-snapshot', status: 'PASS', values: { snapshot_id: 'snap-0a1b2c' } });

    // SHA256SUMS: every file but itself, `sha256sum -c` passes in the folder.
    const sums = readFileSync(join(built.folder, 'SHA256SUMS'), 'utf8');
    expect(sums.trimEnd().split('\n').map((l) => l.slice(66))).toEqual(filesOf(built.folder).filter((x) => x !== 'SHA256SUMS'));
    expect(sums).toMatch(/^[0-9a-f]{64} {2}VERIFY\.txt$/m);
    const check = await sha256sumCheck(built.folder);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout.trim().split('\n')).toHaveLength(27);

    // allowed_signers: OpenSSH format, one principal per identity, limited to the decision namespace.
    const allowed = readFileSync(join(built.folder, 'allowed_signers'), 'utf8');
    expect(allowed).toMatch(/^gov1 namespaces="cutover-decision-v1,cutover-plan-v1,cutover-act-v1" ssh-ed25519 AAAA\S+$/m);
    expect(allowed).toMatch(/^gov2 namespaces="cutover-decision-v1,cutover-plan-v1,cutover-act-v1" ssh-rsa AAAA\S+$/m);
    expect(parseAllowedSigners(allowed).signers.map((s) => s.principal)).toEqual(['ana', 'gov1', 'gov2', 'gov3']);

    // VERIFY.txt: the stock commands and the policy.
    const verify = readFileSync(join(built.folder, 'VERIFY.txt'), 'utf8');
    expect(verify).toContain('sha256sum -c SHA256SUMS');
    expect(verify).toContain('ssh-keygen -Y verify -f allowed_signers -I NAME -n cutover-decision-v1 -s signatures/NAME.sig < manifest.json');
    expect(verify).toContain('ssh-keygen -Y verify -f allowed_signers -I NAME -n cutover-plan-v1 -s plan/approvals/NAME.sig < plan/plan.json');
    expect(verify).toContain('ssh-keygen -Y verify -f allowed_signers -I NAME -n cutover-act-v1 -s acts/X.json.sig < acts/X.json');
    // It states the chain's expected head and length literally (it is a subject: the approvers sign it).
    expect(verify).toContain(p.chain.headHash);
    expect(verify).toMatch(/at least 2 distinct identities with the role "approver"/);
    expect(verify).toMatch(/\(ana, key SHA256:\S+\) never counts/);
    expect(readFileSync(join(built.folder, 'decision.pdf')).subarray(0, 5).toString()).toBe('%PDF-');

    // The zip: the same files, stored, 0644, the chain head's time, no extra fields.
    const listing = await tool('zipinfo', ['-v', built.zip]);
    expect(listing.code, listing.stderr).toBe(0);
    expect(listing.stdout).not.toMatch(/length of extra field:\s+[1-9]/);
    expect(listing.stdout.match(/compression method:\s+none \(stored\)/g)).toHaveLength(28);
    expect(listing.stdout.match(/Unix file attributes \(100644 octal\):\s+-rw-r--r--/g)).toHaveLength(28);
    const unzipDir = join(f.dir, 'unzipped');
    const unzip = await tool('unzip', ['-q', built.zip, '-d', unzipDir]);
    expect(unzip.code, unzip.stderr).toBe(0);
    expect(filesOf(unzipDir)).toEqual(filesOf(built.folder));
    const fromZip = await sha256sumCheck(unzipDir);
    expect(fromZip.code, fromZip.stderr).toBe(0);
    const at = new Date(p.chainHead.at);
    expect(Math.abs(statSync(join(unzipDir, 'manifest.json')).mtime.getTime() - at.getTime())).toBeLessThan(24 * 3600 * 1000 + 2000);
    expect(statSync(join(built.folder, 'manifest.json')).mtime.getTime()).toBe(at.getTime());

    // What export returns is what it wrote; verify finds the pack intact, awaiting signatures.
    expect(built).toMatchObject({ manifestSha256: sha256(bytes), zipSha256: sha256(readFileSync(built.zip)), zipBytes: statSync(built.zip).size, signedBy: [] });
    const report = await verifyPack(built.zip);
    expect(report.problems.map((x) => x.area)).toEqual(['policy']);
    expect(report.policy?.message).toMatch(/needs 2 approval\(s\).*has 0/);
  });

  it('exports the same run to byte-identical zips and folders, also after later events in the vault', async () => {
    const f = await usePackFixture();
    const first = await f.exportTo(join(f.dir, 'one'));
    f.vault.append({ actor: 'ana', type: 'note', payload: { text: 'a note between exports' } });
    const head = f.vault.head();
    const second = await f.exportTo(join(f.dir, 'two'));
    expect(sha256(readFileSync(second.zip))).toBe(sha256(readFileSync(first.zip)));
    expect(readFileSync(second.zip).equals(readFileSync(first.zip))).toBe(true);
    for (const path of filesOf(first.folder)) expect(readFileSync(join(second.folder, path)).equals(readFileSync(join(first.folder, path))), path).toBe(true);
    expect(second.manifestSha256).toBe(first.manifestSha256);
    // Neither export moved the run's anchor, nor wrote to the vault.
    expect(second.chainHead).toEqual(first.chainHead);
    expect(f.vault.head()).toEqual(head);
  });

  it('only reads the vault: the chain head and event count stay put, and a read-only handle exports the same bytes', async () => {
    const f = await usePackFixture();
    const before = { head: f.vault.head(), events: f.vault.events().length };
    const built = await f.exportTo(join(f.dir, 'writable'));
    expect({ head: f.vault.head(), events: f.vault.events().length }).toEqual(before);
    expect(f.vault.events().some((e) => e.type === PACK_EXPORTED_EVENT)).toBe(false);
    // Opened read-only (as `cutover pack export` does): SQLite refuses any write, the export works.
    const readOnly = Vault.openReadOnly(f.vault.path, { passphrase: PASSPHRASE });
    try {
      const again = await buildPack(readOnly, f.runId, { outDir: join(f.dir, 'read-only') });
      expect(again.zipSha256).toBe(built.zipSha256);
      expect(readFileSync(again.zip).equals(readFileSync(built.zip))).toBe(true);
    } finally {
      readOnly.close();
    }
    expect(f.vault.head()).toEqual(before.head);
    expect(f.vault.verify().ok).toBe(true);
  });

  it('never writes over an existing pack, and leaves nothing behind when the vault\'s bytes no longer match', async () => {
    const f = await usePackFixture();
    const out = join(f.dir, 'out');
    const built = await f.exportTo(out);
    await expect(f.exportTo(out)).rejects.toBeInstanceOf(PackExistsError);
    expect(readdirSync(out).sort()).toEqual([`${built.name}`, `${built.name}.zip`]);

    // Someone with the data key rewrites a transcript: new segment bytes under the artifact's own
    // key, chunk records rewritten with the append-only triggers dropped (test/vault/forge.ts).
    const artifact = f.vault.artifacts().find((a) => a.name === 'prod_upgrade_0019_to_head.log')!;
    forgeSegmentArtifact(f.vault.path, artifact.id, Buffer.from('Running upgrade 0019 -> 70a79686336c; echo DONE!!'));
    const elsewhere = join(f.dir, 'elsewhere');
    mkdirSync(elsewhere);
    await expect(f.exportTo(elsewhere)).rejects.toThrow(PackExportError);
    await expect(f.exportTo(elsewhere)).rejects.toThrow(/prod_upgrade_0019_to_head\.log.*no longer matches.*cutover vault verify/);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(existsSync(join(elsewhere, built.name))).toBe(false);
  });
});
