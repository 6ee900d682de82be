// `cutover demo`: the whole job in one command, checked with the stock tools an auditor has.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';

describe('cutover demo', () => {
  it('runs the governance example end to end and leaves a signed pack that sha256sum and ssh-keygen accept', async () => {
    const out = join(useTempDir('cutover-demo-'), 'demo');
    const r = await runCli(['demo', '--out', out, '--json'], { env: { CUTOVER_PASSPHRASE: undefined } });
    expect(r.code, describeRun(r)).toBe(0);
    const result = JSON.parse(r.stdout) as { status: string; passphrase: string; pack: { folder: string; zip: string }; verify: { ok: boolean } };
    expect(result.verify.ok).toBe(true);
    expect(result.passphrase).toMatch(/^[\w-]{16}$/);
    const folder = result.pack.folder;
    const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: folder, encoding: 'utf8' });
    expect(sums.status, sums.stdout + sums.stderr).toBe(0);
    const manifest = readFileSync(join(folder, 'manifest.json'));
    for (const name of ['approver-1', 'approver-2']) {
      const v = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', 'allowed_signers', '-I', name, '-n', 'cutover-decision-v1', '-s', `signatures/${name}.sig`], { cwd: folder, input: manifest, encoding: 'utf8' });
      expect(v.status, v.stderr).toBe(0);
      expect(v.stdout).toMatch(/Good "cutover-decision-v1" signature/);
    }
    const pdf = spawnSync('pdftotext', [join(folder, 'decision.pdf'), '-'], { encoding: 'utf8' });
    expect(pdf.stdout).toMatch(/70a79686336c/);
    expect(pdf.stdout).toMatch(/GO/);
    expect(readdirSync(join(folder, 'evidence'))).toEqual(expect.arrayContaining(['prod_upgrade_0019_to_head.log', 'prod_heads_preflight.log', 'prod_write_freeze_attestation.log']));
    const verify = await runCli(['pack', 'verify', result.pack.zip]);
    expect(verify.code, describeRun(verify)).toBe(0);
    const again = await runCli(['demo', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/not empty/);
  });

  it('--blocked hits the DuplicateTable abort gate and leaves the incident report', async () => {
    const out = join(useTempDir('cutover-demo-'), 'blocked');
    const r = await runCli(['demo', '--out', out, '--blocked', '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    const result = JSON.parse(r.stdout) as { status: string; incident: { markdown: string; pdf: string } };
    expect(result.status).toBe('ROLLBACK');
    const md = readFileSync(result.incident.markdown, 'utf8');
    expect(md).toMatch(/DuplicateTable/);
    expect(md).toMatch(/p3-upgrade-head/);
    expect(md).toMatch(/prod_upgrade_0019_to_head\.log/);
    expect(spawnSync('pdftotext', [result.incident.pdf, '-'], { encoding: 'utf8' }).stdout).toMatch(/DuplicateTable/);
  });
});
