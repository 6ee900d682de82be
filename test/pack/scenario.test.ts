// End to end on the reference scenario (real sshd, Alembic, PostgreSQL): the run is exported,
// two approvers sign it on machines that have only the pack and their key, the pack verifies
// with the app and with stock sha256sum and ssh-keygen, and the signatures go back into the vault.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PACK_EXPORTED_EVENT, PACK_SIGNED_EVENT } from '../../src/core/pack';
import { approveAll, play, startScenario, type Scenario } from '../scenario/governance';
import { cutover, keygenVerifyInPack, tool } from './fixture';

let scenario: Scenario | undefined;
let work: string | undefined;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = undefined;
  if (work) rmSync(work, { recursive: true, force: true });
  work = undefined;
});

describe('decision pack of the alembic-governance cutover', () => {
  it('exports, is signed offline by two approvers, verifies with the app and stock tools, and the signatures are imported', async () => {
    const s = (scenario = await startScenario());
    await play(s, { until: 'p1-width-correction' });
    await approveAll(s);
    const done = await play(s);
    expect(done.outcomes.every((o) => o.status === 'PASS')).toBe(true);
    work = mkdtempSync(join(tmpdir(), 'cutover-pack-e2e-'));
    // The scenario's vault passphrase is the fixture's: the CLI opens the same vault.
    const exported = await cutover(['pack', 'export', '--vault', s.vault.path, s.runId, '--out', join(work, 'out'), '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    const built = JSON.parse(exported.stdout) as { zip: string; folder: string; zipSha256: string; manifestSha256: string };

    // Every file of the runbook's evidence pack is in it, under its own name.
    const manifest = JSON.parse(readFileSync(join(built.folder, 'manifest.json'), 'utf8'));
    const evidencePack = manifest.predicate.runbook.evidencePack as { name: string; path: string | null }[];
    expect(evidencePack).toHaveLength(15);
    for (const e of evidencePack) expect(e.path, e.name).toBe(`evidence/${e.name}`);
    expect(manifest.predicate.targets.find((t: { name: string }) => t.name === 'ops_host').hostKey).toBe(s.sshd.hostKeyFingerprint);
    expect(manifest.predicate.decision).toMatchObject({ status: 'PASS', finalRevision: '70a79686336c', goNoGo: 'GO' });
    expect(readFileSync(join(built.folder, 'evidence/prod_upgrade_0019_to_head.log'), 'utf8')).toContain('-> 70a79686336c');

    // Two approvers, each on a machine with only the zip and their private key.
    let current = built.zip;
    for (const name of ['gov1', 'gov2'] as const) {
      const box = join(work, `${name}-airgap`);
      mkdirSync(box);
      copyFileSync(current, join(box, 'pack.zip'));
      copyFileSync(s.keys[name].path, join(box, 'id_ed25519'));
      const signed = await cutover(['pack', 'sign', 'pack.zip', '--identity', name, '--key', 'id_ed25519', '--reason', `${name}: evidence reviewed`], { cwd: box, env: { CUTOVER_PASSPHRASE: undefined } });
      expect(signed.code, signed.stderr).toBe(0);
      current = join(box, 'pack.zip');
    }

    const verified = await cutover(['pack', 'verify', current, '--json']);
    expect(verified.code, verified.stdout).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, runId: s.runId, policy: { ok: true, quorum: 2, approvedBy: ['gov1', 'gov2'] } });

    // An auditor with nothing but sha256sum, unzip and ssh-keygen.
    const auditor = join(work, 'auditor');
    expect((await tool('unzip', ['-q', current, '-d', auditor])).code).toBe(0);
    const sums = await tool('sha256sum', ['-c', 'SHA256SUMS'], { cwd: auditor });
    expect(sums.code, sums.stdout).toBe(0);
    expect(sums.stdout).toContain('evidence/prod_upgrade_0019_to_head.log: OK');
    for (const name of ['gov1', 'gov2']) {
      for (const [sig, message] of [[`signatures/${name}.sig`, 'manifest.json'], [`signatures/${name}.json.sig`, `signatures/${name}.json`]] as const) {
        const r = await keygenVerifyInPack(auditor, name, sig, message);
        expect(r.code, `${sig}: ${r.stderr}`).toBe(0);
      }
    }

    // Back into the vault, checked against the vault's own keys.
    for (const name of ['gov1', 'gov2']) {
      const imported = await cutover(['pack', 'import-signature', '--vault', s.vault.path, s.runId, '--pack', current, '--identity', name]);
      expect(imported.code, imported.stderr).toBe(0);
    }
    const signedEvents = s.vault.events().filter((e) => e.type === PACK_SIGNED_EVENT);
    expect(signedEvents.map((e) => [e.actor, (e.payload as { decision: string }).decision, (e.payload as { manifestSha256: string }).manifestSha256])).toEqual([
      ['gov1', 'approve', built.manifestSha256],
      ['gov2', 'approve', built.manifestSha256],
    ]);
    // Exporting recorded nothing in the vault.
    expect(s.vault.events().filter((e) => e.type === PACK_EXPORTED_EVENT)).toHaveLength(0);
    expect(s.vault.verify().ok).toBe(true);

    // The same run exports to the same manifest after all of it, now carrying both signatures:
    // one pack that verifies, the same zip on every export of this vault state.
    const again = await cutover(['pack', 'export', '--vault', s.vault.path, s.runId, '--out', join(work, 'again'), '--json']);
    const againBuilt = JSON.parse(again.stdout) as { zip: string; zipSha256: string; manifestSha256: string; signedBy: string[] };
    expect(againBuilt).toMatchObject({ manifestSha256: built.manifestSha256, signedBy: ['gov1', 'gov2'] });
    const reverified = await cutover(['pack', 'verify', againBuilt.zip, '--json']);
    expect(reverified.code, reverified.stdout).toBe(0);
    const once = await cutover(['pack', 'export', '--vault', s.vault.path, s.runId, '--out', join(work, 'once-more'), '--json']);
    expect(JSON.parse(once.stdout).zipSha256).toBe(againBuilt.zipSha256);
  }, 300_000);
});
