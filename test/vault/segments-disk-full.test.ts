// Disk full while streaming a transcript into segment files (issue 17), on a real, small tmpfs:
// the write that does not fit throws the vault's own clear error (VaultDiskFullError, naming
// the vault), nothing after it is accepted, and what was recorded before verifies. The refusal
// is a real rollback: the writer takes back every byte it wrote that no transaction recorded,
// so the disk holds only what the vault records, and the cut transcript is sealed `incomplete`
// at its last durable chunk (the hash of exactly the bytes that survived) without anyone
// freeing space first.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, Vault, segmentRootFor } from '../../src/core/vault';
import { FRAME_OVERHEAD, HEADER_BYTES, artifactDirFor } from '../../src/core/vault/segments';
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
    const free = () => {
      const fs = statfsSync(mountPoint);
      return fs.bavail * fs.bsize;
    };
    /** Bytes the database's files take on the tmpfs (whole pages, as the tmpfs counts them). */
    const databaseBytes = () => [path, `${path}-wal`, `${path}-shm`].reduce((n, f) => n + (existsSync(f) ? statSync(f).blocks * 512 : 0), 0);
    const freeBefore = free();
    const databaseBefore = databaseBytes();

    // The writer is another process, as in the app: it streams until the disk is full.
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test', 'vault', 'segments-writer-child.ts'), path, 'fill'], { cwd: REPO_ROOT, env: cliEnv({ CUTOVER_SEGMENTS_CHILD: '1', CUTOVER_PASSPHRASE: PASS }), encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    const filled = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      error: { name: string; message: string } | null; sent: number; onDisk: { file: string; bytes: number }[]; recorded: number | null; more: string; abandoned: string; pipelined: boolean;
    };
    // The disk filled while the segment I/O thread was writing (segment-pipeline.ts): its error
    // came back across threads and was met the same way.
    expect(filled.pipelined).toBe(true);
    expect(filled.error?.name, child.stdout).toBe('VaultDiskFullError');
    expect(filled.error!.message).toMatch(/disk holding .*ev\.vault is full \(it filled up while writing the transcript "loud\.log" into .*ev\.vault\.d\).*everything recorded before it is intact.*Free some space/s);
    // Nothing more was accepted after it.
    expect(filled.more).toBe('VaultDiskFullError');
    // The refusal itself gave the space back, before anything else ran: the moment the error
    // was thrown, the transcript's segment held exactly the chunks the vault recorded (whole
    // 1 MiB chunks: the child writes 64 KiB pieces in one synchronous loop), not the frame that
    // did not fit nor chunks written after the last recording transaction.
    const chunksAtRefusal = filled.recorded! / CHUNK_BYTES;
    expect(chunksAtRefusal, 'the child records whole chunks only').toBe(Math.floor(chunksAtRefusal));
    expect(filled.onDisk).toEqual(chunksAtRefusal > 0 ? [{ file: '000000.seg', bytes: HEADER_BYTES + chunksAtRefusal * (CHUNK_BYTES + FRAME_OVERHEAD) }] : []);

    // The space came back: the cut transcript's folder holds exactly the chunks the vault
    // records (whole 1 MiB chunks: the child writes 64 KiB pieces in one synchronous loop), not
    // the chunk that did not fit nor any written after the last recording transaction; verify
    // finds no bytes past a segment's recorded end and no orphan file.
    const inspected = Vault.openReadOnly(path, { passphrase: PASS });
    let recorded: number;
    let segmentBytes = 0;
    try {
      const report = inspected.verify();
      expect(report, JSON.stringify(report.badArtifacts)).toMatchObject({ ok: true, badArtifacts: [], firstBadEvent: null, corruption: null, orphanSegments: [] });
      expect(inspected.artifacts().find((a) => a.id === kept.id)).toMatchObject({ state: 'complete', sha256: kept.sha256 });
      const cut = inspected.artifacts().find((a) => a.name === 'loud.log')!;
      recorded = cut.size;
      expect(recorded % CHUNK_BYTES, 'the child records whole chunks only').toBe(0);
      const folder = artifactDirFor(segmentRootFor(path), cut.id);
      const chunks = recorded / CHUNK_BYTES;
      expect(readdirSync(folder)).toEqual(chunks > 0 ? ['000000.seg'] : []);
      if (chunks > 0) {
        const segment = statSync(join(folder, '000000.seg'));
        expect(segment.size).toBe(HEADER_BYTES + chunks * (CHUNK_BYTES + FRAME_OVERHEAD));
        segmentBytes = segment.blocks * 512;
      }
    } finally {
      inspected.close();
    }
    // What the disk lost is the recorded segment and the database's own growth (its WAL), not
    // the bytes the writer could not record.
    const lost = freeBefore - free();
    const grown = databaseBytes() - databaseBefore;
    expect(lost - grown, `${lost} bytes lost: ${grown} to the database, ${segmentBytes} to the recorded segment`).toBeLessThanOrEqual(segmentBytes + 64 * 1024);

    // The user freed nothing: the next writer opens, seals (if abandon() had no room) and verifies.
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
