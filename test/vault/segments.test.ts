// Transcripts in encrypted segment files beside the vault (issue 17), on real files: where the
// bytes go, and every fault `vault verify` must name — a byte flipped, a segment deleted, two
// segments swapped (within an artifact and between artifacts), a segment from another vault, a
// segment truncated, the final chunk cut off, bytes appended — plus orphan files, reported and
// never deleted. Inspecting never moves the chain's head.
import { randomBytes, createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SegmentError, Vault, type ReadOnlyVault, type VerifyReport } from '../../src/core/vault';
import { FRAME_OVERHEAD, HEADER_BYTES, segmentPathFor, segmentRootFor } from '../../src/core/vault/segments';
import { openVaultFile, unwrapDataKey } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { flipByte } from '../helpers/flip';

const PASS = 'correct horse battery';

interface Made {
  path: string;
  vaultId: string;
  /** 70 small chunks: segments 000000 (64 chunks) and 000001 (6). */
  multi: { id: string; sha256: string; size: number };
  /** 3 MiB: three full chunks and an empty final one, in segment 000000. */
  big: { id: string; sha256: string; size: number };
}

function make(dir: string, name = 'v.vault'): Made {
  const path = join(dir, name);
  const vault = Vault.create(path, PASS);
  try {
    const multi = vault.createArtifact({ name: 'multi.log', actor: 'dba' });
    const h1 = createHash('sha256');
    for (let i = 0; i < 70; i++) {
      const piece = Buffer.from(`line ${i} ${randomBytes(40).toString('hex')}\n`);
      h1.update(piece);
      multi.write(piece);
      multi.flush(); // each flush cuts a chunk: 70 chunks
    }
    const m = multi.finish();
    const big = vault.createArtifact({ name: 'big.bin', mediaType: 'application/octet-stream', actor: 'dba' });
    const h2 = createHash('sha256');
    for (let i = 0; i < 48; i++) {
      const piece = randomBytes(64 * 1024);
      h2.update(piece);
      big.write(piece);
    }
    const b = big.finish();
    expect([m.sha256, b.sha256]).toEqual([h1.digest('hex'), h2.digest('hex')]);
    return { path, vaultId: vault.id, multi: { id: m.id, sha256: m.sha256!, size: m.size }, big: { id: b.id, sha256: b.sha256!, size: b.size } };
  } finally {
    vault.close();
  }
}

function seg(made: Made, id: string, n: number): string {
  return segmentPathFor(segmentRootFor(made.path), id, n);
}

/** Verifies read-only, checks that nothing moved the chain's head, and returns the report. */
function inspect(made: Made): { report: VerifyReport; vault: ReadOnlyVault } {
  const vault = Vault.openReadOnly(made.path, { passphrase: PASS });
  const head = vault.head();
  const report = vault.verify();
  expect(vault.head()).toEqual(head);
  return { report, vault };
}

function readAll(vault: ReadOnlyVault, id: string): Buffer {
  return Buffer.concat([...vault.readArtifact(id)]);
}

function expectNamed(report: VerifyReport, artifactId: string, message: RegExp): void {
  expect(report.ok).toBe(false);
  expect(report.firstBadEvent).toBeNull();
  const bad = report.badArtifacts.filter((a) => a.ref.includes(artifactId));
  expect(bad, JSON.stringify(report.badArtifacts, null, 2)).toHaveLength(1);
  expect(bad[0]!.message).toMatch(message);
}

describe.concurrent('segment files', () => {
  it('a vault keeps its transcripts in <vault>.d/artifacts/<id>/NNNNNN.seg, encrypted; the database holds only their records', ({ onTestFinished }) => {
    const made = make(useTempDir('cutover-seg-', onTestFinished));
    expect(existsSync(seg(made, made.multi.id, 0)) && existsSync(seg(made, made.multi.id, 1))).toBe(true);
    expect(existsSync(seg(made, made.multi.id, 2))).toBe(false);
    expect(statSync(seg(made, made.big.id, 0)).size).toBe(HEADER_BYTES + 3 * (1024 * 1024 + FRAME_OVERHEAD) + FRAME_OVERHEAD);
    // The plaintext is not in the segment: its first chunk's bytes are not there in the clear.
    const { report, vault } = inspect(made);
    try {
      expect(report).toMatchObject({ ok: true, artifacts: 2, bytes: made.multi.size + made.big.size, badArtifacts: [], orphanSegments: [] });
      const big = readAll(vault, made.big.id);
      expect(createHash('sha256').update(big).digest('hex')).toBe(made.big.sha256);
      expect(readFileSync(seg(made, made.big.id, 0)).includes(big.subarray(0, 64))).toBe(false);
      const multi = readAll(vault, made.multi.id).toString();
      expect(multi.split('\n')).toHaveLength(71);
    } finally {
      vault.close();
    }
    const db = openVaultFile(made.path, unwrapDataKey(made.path, PASS).dataKey);
    try {
      expect(db.prepare('SELECT count(*) FROM artifact_chunks').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM artifact_file_chunks WHERE artifact_id = ?').pluck().get(made.multi.id)).toBe(71);
    } finally {
      db.close();
    }
    expect(statSync(made.path).size).toBeLessThan(1024 * 1024);
  });

  it('a byte flipped in a segment: named as altered, with the segment and chunk; reading it refuses', ({ onTestFinished }) => {
    const made = make(useTempDir('cutover-seg-', onTestFinished));
    flipByte(seg(made, made.big.id, 0), HEADER_BYTES + 1024 * 1024 + FRAME_OVERHEAD + 5000);
    const { report, vault } = inspect(made);
    try {
      expectNamed(report, made.big.id, /^altered: segment .*000000\.seg chunk 1 at byte \d+ does not authenticate/);
      expect(report.badArtifacts[0]!.ref).toContain('big.bin');
      expect(() => readAll(vault, made.big.id)).toThrow(SegmentError);
      expect(() => readAll(vault, made.big.id)).toThrow(/segment file is damaged: .*000000\.seg/);
      expect(readAll(vault, made.multi.id).length).toBe(made.multi.size);
    } finally {
      vault.close();
    }
  });

  it('a byte flipped in a frame\'s length or tag: named as not the chunk the vault recorded', ({ onTestFinished }) => {
    const made = make(useTempDir('cutover-seg-', onTestFinished));
    flipByte(seg(made, made.big.id, 0), HEADER_BYTES + 1024 * 1024 + FRAME_OVERHEAD - 3);
    const { report, vault } = inspect(made);
    vault.close();
    expectNamed(report, made.big.id, /^altered: .*chunk 0 at byte 64 is not the chunk the vault recorded/);
  });

  it('a segment deleted: named as missing, with the chunks it held', ({ onTestFinished }) => {
    const made = make(useTempDir('cutover-seg-', onTestFinished));
    rmSync(seg(made, made.multi.id, 1));
    const { report, vault } = inspect(made);
    try {
      expectNamed(report, made.multi.id, /^missing: segment .*000001\.seg is missing \(it holds chunks 64–70\)/);
      expect(() => readAll(vault, made.multi.id)).toThrow(/is missing/);
    } finally {
      vault.close();
    }
  });

  it('two segments of one artifact swapped: named as swapped', ({ onTestFinished }) => {
    const made = make(useTempDir('cutover-seg-', onTestFinished));
    const [a, b] = [seg(made, made.multi.id, 0), seg(made, made.multi.id, 1)];
    renameSync(a, `${a}.tmp`);
    renameSync(b, a);
    renameSync(`${a}.tmp`, b);
    const { report, vault } = inspect(made);
    vault.close();
    expectNamed(report, made.multi.id, /^swapped: segment .*000000\.seg holds segment 1 of this artifact, not segment 0/);
  });

  it('a segment of another artifact put in its place: named as swapped, naming the other artifact', ({ onTestFinished }) => {
    const made = make(useTempDir('cutover-seg-', onTestFinished));
    copyFileSync(seg(made, made.big.id, 0), seg(made, made.multi.id, 0));
    const { report, vault } = inspect(made);
    vault.close();
    expectNamed(report, made.multi.id, new RegExp(`^swapped: segment .*000000\\.seg holds segment 0 of another artifact of this vault \\(${made.big.id}\\)`));
  });

  it('a segment from another vault: named as foreign, naming that vault; with its header forged, as altered', ({ onTestFinished }) => {
    const dir = useTempDir('cutover-seg-', onTestFinished);
    const made = make(dir);
    const other = make(dir, 'other.vault');
    copyFileSync(seg(other, other.big.id, 0), seg(made, made.big.id, 0));
    let { report, vault } = inspect(made);
    vault.close();
    expectNamed(report, made.big.id, new RegExp(`^foreign: segment .*000000\\.seg comes from another vault \\(${other.vaultId}`));
    // The same file with this vault's header written over its own: its chunks still do not authenticate.
    const own = readFileSync(seg(other, other.big.id, 0));
    readFileSync(seg(made, made.multi.id, 0)).copy(own, 0, 0, 32);
    Buffer.from(made.big.id.replace(/-/g, ''), 'hex').copy(own, 32);
    writeFileSync(seg(made, made.big.id, 0), own);
    ({ report, vault } = inspect(made));
    vault.close();
    expectNamed(report, made.big.id, /^altered: .*chunk 0 at byte 64 is not the chunk the vault recorded/);
  });

  it('a segment truncated: named as truncated, with where it ends', ({ onTestFinished }) => {
    const made = make(useTempDir('cutover-seg-', onTestFinished));
    const path = seg(made, made.big.id, 0);
    truncateSync(path, statSync(path).size - 1000);
    const { report, vault } = inspect(made);
    vault.close();
    expectNamed(report, made.big.id, /^truncated: segment .*000000\.seg is truncated: it ends at byte \d+, inside chunk 2/);
  });

  it('the final chunk cut off, its record removed too (triggers dropped): the new last chunk is not final, named; the chain disagrees', ({ onTestFinished }) => {
    const made = make(useTempDir('cutover-seg-', onTestFinished));
    const path = seg(made, made.big.id, 0);
    truncateSync(path, statSync(path).size - FRAME_OVERHEAD);
    const db = openVaultFile(made.path, unwrapDataKey(made.path, PASS).dataKey);
    try {
      db.exec('DROP TRIGGER artifact_file_chunks_no_delete; DROP TRIGGER artifacts_final_once_finished');
      expect(db.prepare('DELETE FROM artifact_file_chunks WHERE artifact_id = ? AND idx = 3').run(made.big.id).changes).toBe(1);
      db.prepare('UPDATE artifacts SET chunk_count = 3 WHERE id = ?').run(made.big.id);
    } finally {
      db.close();
    }
    const { report, vault } = inspect(made);
    vault.close();
    expectNamed(report, made.big.id, /^altered: .*chunk 2 .*does not authenticate.*tail was cut off/);
  });

  it('bytes appended after a sealed segment\'s last chunk: named', ({ onTestFinished }) => {
    const made = make(useTempDir('cutover-seg-', onTestFinished));
    appendFileSync(seg(made, made.multi.id, 1), randomBytes(100));
    const { report, vault } = inspect(made);
    try {
      expectNamed(report, made.multi.id, /^altered: segment .*000001\.seg has 100 bytes after the last chunk the vault records in it/);
      // What the vault recorded still reads back whole.
      expect(readAll(vault, made.multi.id).length).toBe(made.multi.size);
    } finally {
      vault.close();
    }
  });

  it('orphan files in the .d folder are reported, not a failure, and never deleted (not by verify, not by a writer\'s open)', ({ onTestFinished }) => {
    const made = make(useTempDir('cutover-seg-', onTestFinished));
    const root = segmentRootFor(made.path);
    const strangerDir = join(root, 'artifacts', '0d3c2b1a-0000-4000-8000-000000000000');
    mkdirSync(strangerDir);
    writeFileSync(join(strangerDir, '000000.seg'), randomBytes(500));
    const stray = join(root, 'artifacts', made.big.id, '000007.seg');
    writeFileSync(stray, randomBytes(10));
    const { report, vault } = inspect(made);
    vault.close();
    expect(report.ok).toBe(true);
    expect([...report.orphanSegments].sort()).toEqual([strangerDir, stray].sort());
    Vault.open(made.path, { passphrase: PASS }).close();
    expect(existsSync(join(strangerDir, '000000.seg')) && existsSync(stray)).toBe(true);
  });

  it('a new vault is never created over an existing .d folder', ({ onTestFinished }) => {
    const dir = useTempDir('cutover-seg-', onTestFinished);
    const path = join(dir, 'v.vault');
    mkdirSync(segmentRootFor(path));
    expect(() => Vault.create(path, PASS)).toThrow(/v\.vault\.d already exists/);
    expect(existsSync(path)).toBe(false);
  });
});

describe('a trickling transcript', () => {
  it('never quiet for the flush interval, it is still recorded as it goes, not only when it stops', async ({ onTestFinished }) => {
    const path = join(useTempDir('cutover-seg-trickle-', onTestFinished), 'v.vault');
    const vault = Vault.create(path, PASS);
    try {
      const writer = vault.createArtifact({ name: 'trickle.log', actor: 'dba' });
      const recorded = () => vault.artifacts().find((a) => a.name === 'trickle.log')!.size;
      const hash = createHash('sha256');
      // A line every 20 ms (the stream never pauses for the 250 ms flush interval) until the
      // vault has recorded some of it; the deadline is generous, for a loaded machine.
      const deadline = Date.now() + 60_000;
      for (let i = 0; recorded() === 0 && Date.now() < deadline; i++) {
        const line = Buffer.from(`progress ${i}\n`);
        hash.update(line);
        writer.write(line);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(recorded(), 'bytes of a stream that never went quiet were recorded while it ran').toBeGreaterThan(0);
      expect(recorded()).toBeLessThanOrEqual(writer.bytesWritten);
      const info = writer.finish();
      expect(info.sha256).toBe(hash.digest('hex'));
      expect(vault.verify()).toMatchObject({ ok: true, badArtifacts: [] });
    } finally {
      vault.close();
    }
  });
});

describe('a large transcript', () => {
  it('across segment files, with a flush and a write larger than a chunk, is recorded as it goes (a segment at a time), reads back and verifies', ({ onTestFinished }) => {
    const path = join(useTempDir('cutover-seg-large-', onTestFinished), 'v.vault');
    const vault = Vault.create(path, PASS);
    const hash = createHash('sha256');
    let info;
    try {
      const writer = vault.createArtifact({ name: 'large.bin', mediaType: 'application/octet-stream', actor: 'dba' });
      const send = (piece: Buffer) => {
        hash.update(piece);
        writer.write(piece);
      };
      const recorded = () => vault.artifacts().find((a) => a.name === 'large.bin')!.size;
      for (let i = 0; i < 64 * 16; i++) send(randomBytes(64 * 1024));
      // Recorded as it goes, at least a segment's worth of chunks (64) at a time, not only at the end.
      expect(recorded()).toBeGreaterThan(0);
      expect(writer.bytesWritten - recorded()).toBeLessThan(64 * 1024 * 1024);
      send(randomBytes(3 * 1024 * 1024 + 17)); // split across four chunks, into segment 000001
      writer.flush();
      expect(recorded()).toBe(writer.bytesWritten);
      send(Buffer.from('the end\n'));
      info = writer.finish();
    } finally {
      vault.close();
    }
    expect(info.sha256).toBe(hash.digest('hex'));
    expect(info.size).toBe(67 * 1024 * 1024 + 17 + 8);
    const root = segmentRootFor(path);
    expect(existsSync(segmentPathFor(root, info.id, 1)) && !existsSync(segmentPathFor(root, info.id, 2))).toBe(true);
    const inspected = Vault.openReadOnly(path, { passphrase: PASS });
    try {
      expect(inspected.verify()).toMatchObject({ ok: true, bytes: info.size, badArtifacts: [], orphanSegments: [] });
      const read = createHash('sha256');
      for (const chunk of inspected.readArtifact(info.id)) read.update(chunk);
      expect(read.digest('hex')).toBe(info.sha256);
    } finally {
      inspected.close();
    }
  });
});
