// What a pack or a verifier reads from elsewhere has one meaning and a bound: a verdict that
// names a field twice is refused (JSON.parse keeps the last, VERIFY.txt's sh steps may read the
// first); an organisation roster that is a device, a folder or too large is refused unread.
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseVerdict, verifyPack } from '../../src/core/pack';
import { duplicateKey } from '../../src/core/pack/json-keys';
import { usePackFixture } from './fixture';

const verdict = (extra = '') => `{"decision":"approve","fingerprint":"SHA256:${'A'.repeat(43)}","format":"cutover-verdict/v1","manifestSha256":"${'a'.repeat(64)}","reason":null,"runId":"r1","signedAt":"2026-01-31T09:30:00Z","signer":"gov1"${extra}}\n`;

describe('a verdict has one meaning', () => {
  it('finds a key named twice at any depth, and ignores look-alikes inside strings', () => {
    expect(duplicateKey('{"a":1,"b":{"a":2}}')).toBeNull();
    expect(duplicateKey('{"a":1,"b":"\\"a\\":2","c":[{"a":1},{"a":2}]}')).toBeNull();
    expect(duplicateKey('{"a":1,"a":2}')).toBe('a');
    expect(duplicateKey('{"x":{"k":1, "k" :2}}')).toBe('k');
  });

  it('parseVerdict refuses a verdict naming its signer twice; the single form parses', () => {
    expect(parseVerdict(Buffer.from(verdict())).verdict).toMatchObject({ signer: 'gov1', decision: 'approve' });
    const twice = parseVerdict(Buffer.from(verdict(',"signer":"gov2"')));
    expect(twice.verdict).toBeNull();
    expect(twice.problem).toMatch(/names "signer" twice/);
  });
});

describe('an organisation roster is bounded', () => {
  it('a device, a folder or a file over 1 MiB is refused with the reason, before anything is read whole', async () => {
    const f = await usePackFixture();
    const built = await f.exportTo(join(f.dir, 'out'));
    const folder = join(f.dir, 'roster-folder');
    mkdirSync(folder);
    const huge = join(f.dir, 'huge_allowed_signers');
    writeFileSync(huge, Buffer.alloc((1 << 20) + 1, 0x41));
    await expect(verifyPack(built.zip, { allowedSignersFile: '/dev/zero' })).rejects.toThrow(/Cannot read the allowed signers file \/dev\/zero \(it is not a regular file\)/);
    await expect(verifyPack(built.zip, { allowedSignersFile: folder })).rejects.toThrow(/\(it is a folder\)/);
    await expect(verifyPack(built.zip, { allowedSignersFile: huge })).rejects.toThrow(/larger than 1048576 bytes/);
  });
});
