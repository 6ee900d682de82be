// `cutover demo --production --deviation`: the rehearsal, its pack, production bound to it on a
// second database with one extra pending revision, the BLOCK at P3, both approvers' acceptance
// (ssh-keygen on their own folders) and the production pack, through the real CLI.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';

describe('cutover demo --production', () => {
  it('--deviation: P3 deviates, two approvers accept that diff, production completes; both packs are written', { timeout: 600_000 }, async () => {
    const out = join(useTempDir('cutover-demo-production-'), 'demo');
    const r = await runCli(['demo', '--production', '--deviation', '--out', out, '--json'], { timeoutMs: 590_000 });
    expect(r.code, describeRun(r)).toBe(0);
    const result = JSON.parse(r.stdout) as { production: { status: string; pack: { folder: string }; comparison: { steps: { stepId: string; verdict: string; accepted: { signer: string }[] }[] } }; rehearsal: { pack: { manifestSha256: string } } };
    expect(result.production.status).toBe('COMPLETED');
    const p3 = result.production.comparison.steps.find((s) => s.stepId === 'p3-upgrade-head')!;
    expect(p3.verdict).toBe('differs');
    expect(p3.accepted.map((a) => a.signer)).toEqual(['approver-1', 'approver-2']);
    const folder = result.production.pack.folder;
    const manifest = readFileSync(join(folder, 'rehearsal/manifest.json'));
    expect(spawnSync('sha256sum', { input: manifest, encoding: 'utf8' }).stdout.split(' ')[0]).toBe(result.rehearsal.pack.manifestSha256);
    const usage = await runCli(['demo', '--deviation', '--out', join(out, 'x')]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--deviation goes with --production/);
  });
});
