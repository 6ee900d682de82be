// Disk full while streaming a transcript into segment files (issue 17), on a real, small tmpfs:
// the write that does not fit throws the vault's own clear error (VaultDiskFullError, naming
// the vault), nothing after it is accepted, and what was recorded before verifies; with space
// again, the next writer seals the cut transcript `incomplete` at its last durable chunk, the
// hash of exactly the bytes that survived.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { REPO_ROOT, cliEnv } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { contentStream } from './segments-writer-child';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const PASS = 'correct horse battery';

describe('disk full while streaming into segment files', () => {
  it('a clear error; what was written before verifies; the cut transcript is sealed incomplete once there is room', async (ctx) => {
    if (process.getuid?.() !== 0) {
      ctx.skip('mounting a small tmpfs needs root; this machine runs the tests as another user');
      return;
    }
    const dir = useTempDir('cutover-seg-full-', ctx.onTestFinished);
    const mountPoint = join(dir, 'small');
    mkdirSync(mountPoint);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', mountPoint], { encoding: 'utf8' });
    if (mounted.status !== 0) {
      ctx.skip(`cannot mount a tmpfs here (${mounted.stderr.trim() || `exit ${mounted.status}`}), so a full disk cannot be made`);
      return;
    }
    ctx.onTestFinished(() => {
      spawnSync('umount', [mountPoint]);
    });
    const path = join(mountPoint, 'ev.vault');
    const vault = Vault.create(path, PASS);
    const before = vault.createArtifact({ name: 'before.log', actor: 'dba' });
    before.write('recorded before the disk filled\n');
    const kept = before.finish();

    vault.close();

    // The writer is another process, as in the app: it streams until the disk is full.
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test', 'vault', 'segments-writer-child.ts'), path, 'fill'], { cwd: REPO_ROOT, env: cliEnv({ CUTOVER_SEGMENTS_CHILD: '1', CUTOVER_PASSPHRASE: PASS }), encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    const filled = JSON.parse(child.stdout.trim().split('\n').pop()!) as { error: { name: string; message: string } | null; sent: number; more: string; abandoned: string };
    expect(filled.error?.name, child.stdout).toBe('VaultDiskFullError');
    expect(filled.error!.message).toMatch(/disk holding .*ev\.vault is full \(it filled up while writing the transcript "loud\.log" into .*ev\.vault\.d\).*everything recorded before it is intact.*Free some space/s);
    // Nothing more was accepted after it.
    expect(filled.more).toBe('VaultDiskFullError');

    const inspected = Vault.openReadOnly(path, { passphrase: PASS });
    try {
      const report = inspected.verify();
      expect(report, JSON.stringify(report.badArtifacts)).toMatchObject({ ok: true, badArtifacts: [], firstBadEvent: null, corruption: null });
      expect(inspected.artifacts().find((a) => a.id === kept.id)).toMatchObject({ state: 'complete', sha256: kept.sha256 });
    } finally {
      inspected.close();
    }

    expect(spawnSync('mount', ['-o', 'remount,size=80m', mountPoint]).status).toBe(0);
    const next = Vault.open(path, { passphrase: PASS });
    try {
      const cut = next.artifacts().find((a) => a.name === 'loud.log')!;
      // Sealed by the child's abandon() if it found room for the seal, or by this open.
      expect(cut.state, filled.abandoned).toBe('incomplete');
      expect(cut.size).toBeLessThanOrEqual(filled.sent);
      expect(cut.size, 'some of the transcript was durable before the disk filled').toBeGreaterThan(0);
      expect(cut.sha256).toBe(createHash('sha256').update(contentStream('loud.log')(cut.size)).digest('hex'));
      expect(next.verify()).toMatchObject({ ok: true, badArtifacts: [], orphanSegments: [] });
    } finally {
      next.close();
    }
  });
});
