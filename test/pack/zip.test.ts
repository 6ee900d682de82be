// The zip: what the writer makes is read by stock tools, and hostile zips — crafted here byte
// by byte — are refused before anything is written, never outside the target folder.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UnsafeZipError, ZipReader, ZipWriter, extractZip, verifyPack } from '../../src/core/pack';
import { snapshotDir, useTempDir } from '../helpers/tmp';
import { makeKey } from '../helpers/ssh-keys';
import { cutover, tool } from './fixture';
import { rawZip, type RawEntry } from './raw-zip';

const file = (name: string, text = 'hello\n'): RawEntry => ({ name, data: Buffer.from(text) });
const outsideName = `cutover-zip-abs-${process.pid}-${Date.now()}.txt`;

const HOSTILE: { title: string; entries: RawEntry[]; entry: string; reason: RegExp }[] = [
  { title: 'path traversal with ../', entries: [file('manifest.json', '{}'), file('../evil.txt')], entry: '../evil.txt', reason: /"\.\." segment/ },
  { title: 'traversal inside a path', entries: [file('evidence/../../evil.txt')], entry: 'evidence/../../evil.txt', reason: /"\.\." segment/ },
  { title: 'an absolute path', entries: [file(join(tmpdir(), outsideName))], entry: join(tmpdir(), outsideName), reason: /absolute path/ },
  { title: 'a Windows drive path', entries: [file('C:/Windows/evil.txt')], entry: 'C:/Windows/evil.txt', reason: /drive letter/ },
  { title: 'backslashes', entries: [file('evidence\\..\\..\\evil.txt')], entry: 'evidence\\..\\..\\evil.txt', reason: /backslash/ },
  { title: 'a symbolic link', entries: [{ name: 'evidence', data: Buffer.from('/etc'), mode: 0o120777 }, file('evidence/passwd')], entry: 'evidence', reason: /symbolic link/ },
  { title: 'a device file', entries: [{ name: 'dev', mode: 0o020644 }], entry: 'dev', reason: /not a regular file/ },
  { title: 'a stored entry claiming 10 GB', entries: [file('manifest.json', '{}'), { name: 'evidence/big.log', data: Buffer.from('tiny'), size: 10_000_000_000, compressedSize: 10_000_000_000 }], entry: 'evidence/big.log', reason: /would run past the end/ },
  { title: 'a deflated entry claiming 10 GB from a few bytes', entries: [{ name: 'evidence/bomb.log', method: 8, data: Buffer.alloc(1000), size: 10_000_000_000 }], entry: 'evidence/bomb.log', reason: /zip bomb/ },
  { title: 'a stored entry whose sizes disagree', entries: [{ name: 'a.txt', data: Buffer.from('abc'), size: 10_000 }], entry: 'a.txt', reason: /stored uncompressed but claims 10000 bytes from 3/ },
  { title: 'names that collide ignoring case', entries: [file('SHA256SUMS'), file('sha256sums')], entry: 'sha256sums', reason: /collides with "SHA256SUMS"/ },
  { title: 'a file that is also a folder', entries: [file('evidence'), file('evidence/x.log')], entry: 'evidence/x.log', reason: /"evidence" is a file/ },
  { title: 'encryption', entries: [{ ...file('a.txt'), flags: 0x0801 }], entry: 'a.txt', reason: /encrypted/ },
];

describe('the deterministic zip writer', () => {
  it('writes zips that unzip, zipinfo and Python read; the reader gets the same bytes back', async () => {
    const dir = useTempDir('cutover-zip-');
    const path = join(dir, 'a.zip');
    const zip = await ZipWriter.create(path, new Date('2025-03-04T05:06:08Z'));
    await zip.add('SHA256SUMS', Buffer.from('x\n'));
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'log line\n');
    const sink = await zip.begin('evidence/big.log', big.length);
    for (let i = 0; i < big.length; i += 1 << 20) await sink.write(big.subarray(i, i + (1 << 20)));
    await sink.end();
    await zip.add('evidence/émoji-ß.txt', Buffer.from('unicode name\n'));
    await zip.add('empty', Buffer.alloc(0));
    await zip.finish();
    expect((await tool('unzip', ['-tq', path])).code).toBe(0);
    const info = await tool('zipinfo', ['-l', path]);
    expect(info.stdout).toMatch(/-rw-r--r-- .* stor 25-Mar-04 05:06 SHA256SUMS/);
    const py = await tool('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(",".join(z.namelist()))', path]);
    expect(py.stdout.trim()).toBe('SHA256SUMS,evidence/big.log,evidence/émoji-ß.txt,empty');
    const reader = await ZipReader.open(path);
    try {
      const entry = reader.entries.find((e) => e.name === 'evidence/big.log')!;
      const chunks: Buffer[] = [];
      for await (const c of reader.stream(entry)) chunks.push(c);
      expect(Buffer.concat(chunks).equals(big)).toBe(true);
    } finally {
      await reader.close();
    }
    // Same input, same bytes.
    const again = join(dir, 'b.zip');
    const z2 = await ZipWriter.create(again, new Date('2025-03-04T05:06:09Z'));
    await z2.add('SHA256SUMS', Buffer.from('x\n'));
    await z2.add('evidence/big.log', big);
    await z2.add('evidence/émoji-ß.txt', Buffer.from('unicode name\n'));
    await z2.add('empty', Buffer.alloc(0));
    await z2.finish();
    expect(readFileSync(again).equals(readFileSync(path))).toBe(true);
  });

  it('writes ZIP64 fields that unzip, Python and the reader understand (forced here; real packs need them past 4 GiB)', async () => {
    const dir = useTempDir('cutover-zip-');
    const path = join(dir, 'z64.zip');
    const zip = await ZipWriter.create(path, new Date('2025-03-04T05:06:08Z'), { zip64: 'always' });
    const body = Buffer.alloc(2 * 1024 * 1024 + 5, 'zip64 line\n');
    await zip.add('manifest.json', Buffer.from('{}'));
    await zip.add('evidence/a.log', body);
    await zip.finish();
    const info = await tool('zipinfo', ['-v', path]);
    expect(info.stdout).toMatch(/ID 0x0001 \(PKWARE 64-bit sizes\)/);
    expect((await tool('unzip', ['-tq', path])).code).toBe(0);
    const py = await tool('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(z.getinfo("evidence/a.log").file_size)', path]);
    expect(py.stdout.trim()).toBe(String(body.length));
    await extractZip(path, join(dir, 'out'));
    expect(readFileSync(join(dir, 'out/evidence/a.log')).equals(body)).toBe(true);
  });

  it('reads deflated zips made by Info-ZIP and extracts them', async () => {
    const dir = useTempDir('cutover-zip-');
    mkdirSync(join(dir, 'src/evidence'), { recursive: true });
    writeFileSync(join(dir, 'src/evidence/a.log'), 'aaaa\n'.repeat(10_000));
    writeFileSync(join(dir, 'src/manifest.json'), '{}');
    expect((await tool('zip', ['-q', '-r', '../info.zip', '.'], { cwd: join(dir, 'src') })).code).toBe(0);
    await extractZip(join(dir, 'info.zip'), join(dir, 'out'));
    expect(readFileSync(join(dir, 'out/evidence/a.log'), 'utf8')).toBe('aaaa\n'.repeat(10_000));
  });
});

describe('hostile zips are refused safely', () => {
  for (const c of HOSTILE) {
    it(c.title, async () => {
      const dir = useTempDir('cutover-hostile-');
      const zipPath = join(dir, 'pack.zip');
      writeFileSync(zipPath, rawZip(c.entries));
      const before = snapshotDir(dir);
      const tmpBefore = readdirSync(tmpdir()).filter((n) => n.includes('evil') || n === outsideName);
      const target = join(dir, 'unpacked');
      const refused = await extractZip(zipPath, target).then(() => null, (error: unknown) => error);
      expect(refused).toBeInstanceOf(UnsafeZipError);
      expect((refused as UnsafeZipError).entry).toBe(c.entry);
      expect((refused as UnsafeZipError).reason).toMatch(c.reason);
      expect((refused as Error).message).toMatch(/Nothing was written/);
      // Nothing written: not the target, not beside it, not in /tmp.
      expect(existsSync(target)).toBe(false);
      expect(snapshotDir(dir)).toEqual(before);
      expect(readdirSync(tmpdir()).filter((n) => n.includes('evil') || n === outsideName)).toEqual(tmpBefore);
      expect(existsSync(join(dir, '..', 'evil.txt'))).toBe(false);
      // verify reports it as a failure naming the entry.
      const report = await verifyPack(zipPath);
      expect(report.ok).toBe(false);
      expect(report.problems).toHaveLength(1);
      expect(report.problems[0]).toMatchObject({ area: 'zip', subject: c.entry });
    });
  }

  it('a deflate stream longer than its claimed size stops at the claim, and the half-written folder is removed', async () => {
    const dir = useTempDir('cutover-hostile-');
    const zipPath = join(dir, 'pack.zip');
    const real = Buffer.alloc(8 * 1024 * 1024, 'x');
    writeFileSync(zipPath, rawZip([file('manifest.json', '{}'), { name: 'evidence/liar.log', method: 8, data: real, size: 100_000, crc: crc32(real.subarray(0, 100_000)) }]));
    const target = join(dir, 'unpacked');
    await expect(extractZip(zipPath, target)).rejects.toThrow(/evidence\/liar\.log.*longer than the 100000 bytes it claims/);
    expect(existsSync(target)).toBe(false);
  });

  it('a changed byte inside a stored entry fails its CRC: verify names it, the CLI exits 1 (not 2); signing refuses (exit 2)', async () => {
    const dir = useTempDir('cutover-hostile-');
    const zipPath = join(dir, 'pack.zip');
    const bytes = rawZip([file('manifest.json', '{"original":"manifest"}'), file('evidence/a.log', 'original transcript\n')]);
    const at = bytes.indexOf('original');
    bytes[at] = 'O'.charCodeAt(0);
    writeFileSync(zipPath, bytes);
    const report = await verifyPack(zipPath);
    expect(report.verdict).toBe('FAILED');
    expect(report.problems).toContainEqual({ area: 'zip', subject: 'manifest.json', message: expect.stringMatching(/^manifest\.json cannot be read: its data does not match its CRC-32/) });
    // Not listed by a manifest that could be read: refused by name, never inflated.
    expect(report.files.find((f) => f.path === 'evidence/a.log')).toMatchObject({ status: 'extra', sha256: null });
    const cli = await cutover(['pack', 'verify', zipPath]);
    expect(cli.code, cli.stderr).toBe(1);
    expect(cli.stdout).toMatch(/: FAILED: /);
    expect(cli.stdout).toMatch(/FAIL unreadable manifest\.json: cannot be read \(its data does not match its CRC-32/);
    const traversal = join(dir, 'traversal.zip');
    writeFileSync(traversal, rawZip([file('../evil.txt')]));
    const key = await makeKey(dir, 'ed25519');
    const sign = await cutover(['pack', 'sign', traversal, '--identity', 'gov1', '--key', key.path]);
    expect(sign.code, sign.stderr).toBe(2);
    expect(sign.stderr).toMatch(/^cutover: .*refused entry "\.\.\/evil\.txt".*Nothing was written/);
    expect(existsSync(join(dir, '..', 'evil.txt'))).toBe(false);
    const keyless = await cutover(['pack', 'verify', traversal, '--json']);
    expect(keyless.code).toBe(1);
    expect(JSON.parse(keyless.stdout).problems[0].message).toMatch(/refused entry "\.\.\/evil\.txt": the name has a "\.\." segment/);
  }, 300_000);
});
