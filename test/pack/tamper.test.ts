// Tampering with a signed pack: each change is caught, and the report names it.
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKeyFile } from '../../src/core/signing';
import { signPack, verifyPack, type PackVerifyReport } from '../../src/core/pack';
import { makeKey } from '../helpers/ssh-keys';
import { keygenVerifyInPack, makePackFixture, sha256sumCheck, tool } from './fixture';
import { useSuiteTempDir } from '../helpers/tmp';

/** Flips one byte of a file (at `at`, or the middle), keeping it printable. */
function flipByte(path: string, at?: number): void {
  const data = readFileSync(path);
  const i = at ?? Math.floor(data.length / 2);
  data[i] = data[i] === 0x41 ? 0x42 : 0x41;
  writeFileSync(path, data);
}

function messages(report: PackVerifyReport): string {
  return report.problems.map((p) => `${p.area}: ${p.message}`).join('\n');
}

describe('verify names every tampering with a signed pack', () => {
  const base = useSuiteTempDir('cutover-tamper-');
  let signed: string;
  let copies = 0;
  let operatorPack: string;

  /** A fresh copy of the signed pack to tamper with. */
  function copy(): string {
    const dir = join(base, `copy-${++copies}`);
    cpSync(signed, dir, { recursive: true });
    return dir;
  }

  const cleanups: (() => void)[] = [];
  afterAll(() => {
    for (const fn of cleanups) fn();
  });
  beforeAll(async () => {
    const f = await makePackFixture((fn) => cleanups.push(fn));
    const built = await f.exportTo(join(base, 'out'));
    operatorPack = join(base, 'operator-only');
    cpSync(built.folder, operatorPack, { recursive: true });
    await signPack(operatorPack, { identity: 'ana', signer: f.signers.ana, decision: 'approve' });
    for (const name of ['gov1', 'gov2'] as const) await signPack(built.folder, { identity: name, signer: await loadKeyFile(f.keys[name].path), decision: 'approve' });
    signed = join(base, 'signed');
    cpSync(built.folder, signed, { recursive: true });
    cpSync(f.keys.gov2.path, join(base, 'gov2_key'));
  });

  it('the untouched copy verifies, with the app and with sha256sum and ssh-keygen', async () => {
    expect((await verifyPack(signed)).problems).toEqual([]);
    expect((await sha256sumCheck(signed)).code).toBe(0);
    for (const id of ['gov1', 'gov2']) expect((await keygenVerifyInPack(signed, id, `signatures/${id}.sig`, 'manifest.json')).code).toBe(0);
  });

  it('one byte of an artifact', async () => {
    const dir = copy();
    flipByte(join(dir, 'evidence/prod_upgrade_0019_to_head.log'), 3);
    const r = await verifyPack(dir);
    expect(r.ok).toBe(false);
    expect(r.files.find((f) => f.path === 'evidence/prod_upgrade_0019_to_head.log')).toMatchObject({ status: 'mismatch' });
    expect(messages(r)).toMatch(/^file: evidence\/prod_upgrade_0019_to_head\.log: sha256 \w{64} does not match manifest\.json \(\w{64}\); sha256 \w{64} does not match SHA256SUMS/m);
    expect(r.problems).toHaveLength(1);
    expect((await sha256sumCheck(dir)).stdout).toMatch(/prod_upgrade_0019_to_head\.log: FAILED/);
  });

  it('one byte of manifest.json', async () => {
    const dir = copy();
    const path = join(dir, 'manifest.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"environment":"rehearsal"', '"environment":"rehearsaL"'));
    const r = await verifyPack(dir);
    expect(r.ok).toBe(false);
    expect(messages(r)).toMatch(/^file: manifest\.json: sha256 \w+ does not match SHA256SUMS/m);
    expect(r.signatures.map((s) => [s.identity, s.status])).toEqual([['gov1', 'bad-signature'], ['gov2', 'bad-signature']]);
    expect(messages(r)).toMatch(/^signature: gov1: signatures\/gov1\.sig: bad-signature: the signature does not match the message and key/m);
    expect(r.policy?.ok).toBe(false);
    expect((await keygenVerifyInPack(dir, 'gov1', 'signatures/gov1.sig', 'manifest.json')).code).not.toBe(0);
  });

  it('a manifest.json of the wrong shape', async () => {
    const dir = copy();
    const path = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    manifest._type = 'https://in-toto.io/Statement/v0.1';
    delete manifest.predicate.policy.quorum;
    manifest.subject[0].digest.sha256 = 'not-a-hash';
    writeFileSync(path, JSON.stringify(manifest));
    const r = await verifyPack(dir);
    expect(r.ok).toBe(false);
    const shape = r.problems.filter((p) => p.area === 'manifest').map((p) => p.message);
    expect(shape).toEqual(expect.arrayContaining([
      expect.stringMatching(/^manifest\.json _type: /),
      expect.stringMatching(/^manifest\.json subject\.0\.digest\.sha256: a lowercase hex SHA-256$/),
      expect.stringMatching(/^manifest\.json predicate\.policy\.quorum: /),
    ]));
    expect(r.policy).toBeNull();
  });

  it('one byte of SHA256SUMS', async () => {
    const dir = copy();
    const path = join(dir, 'SHA256SUMS');
    const text = readFileSync(path, 'utf8');
    const line = text.split('\n').find((l) => l.endsWith('  decision.pdf'))!;
    writeFileSync(path, text.replace(line, `${line[0] === '0' ? '1' : '0'}${line.slice(1)}`));
    const r = await verifyPack(dir);
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(messages(r)).toMatch(/^file: decision\.pdf: sha256 \w+ does not match SHA256SUMS \(\w+\)$/m);
  });

  it('one byte of a signature', async () => {
    const dir = copy();
    const path = join(dir, 'signatures/gov2.sig');
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    lines[3] = `${lines[3]!.slice(0, 20)}${lines[3]![20] === 'A' ? 'B' : 'A'}${lines[3]!.slice(21)}`;
    writeFileSync(path, lines.join('\n'));
    const r = await verifyPack(dir);
    expect(r.ok).toBe(false);
    expect(r.signatures.find((s) => s.identity === 'gov2')?.status).toBe('bad-signature');
    expect(messages(r)).toMatch(/^signature: gov2: signatures\/gov2\.sig: bad-/m);
    expect(messages(r)).toMatch(/^policy: policy: .*has 1 \(gov1\)/m);
    expect((await keygenVerifyInPack(dir, 'gov2', 'signatures/gov2.sig', 'manifest.json')).code).not.toBe(0);
  });

  it('a verdict edited from reject to approve, or removed', async () => {
    const dir = copy();
    await signPack(dir, { identity: 'gov2', signer: await loadKeyFile(join(base, 'gov2_key')), decision: 'reject', reason: 'heads not single' });
    expect((await verifyPack(dir)).policy?.rejectedBy).toEqual([{ identity: 'gov2', reason: 'heads not single' }]);
    const path = join(dir, 'signatures/gov2.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"decision":"reject"', '"decision":"approve"'));
    const r = await verifyPack(dir);
    expect(r.signatures.find((s) => s.identity === 'gov2')).toMatchObject({ status: 'bad-signature' });
    expect(messages(r)).toMatch(/^signature: gov2: signatures\/gov2\.json\.sig: bad-signature: the signature does not match the message and key$/m);
    expect((await keygenVerifyInPack(dir, 'gov2', 'signatures/gov2.json.sig', 'signatures/gov2.json')).code).not.toBe(0);
    rmSync(path);
    const stripped = await verifyPack(dir);
    expect(stripped.signatures.find((s) => s.identity === 'gov2')).toMatchObject({ status: 'no-verdict' });
    expect(messages(stripped)).toMatch(/gov2: signatures\/gov2\.sig is a good signature over manifest\.json, but signatures\/gov2\.json is missing, so it says neither approve nor reject and does not count/);
  });

  it('a dropped file', async () => {
    const dir = copy();
    rmSync(join(dir, 'evidence/prod_heads_preflight.log'));
    const r = await verifyPack(dir);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([{ area: 'file', subject: 'evidence/prod_heads_preflight.log', message: 'evidence/prod_heads_preflight.log: missing (manifest.json lists it)' }]);
  });

  it('an added file, and a file replaced by a symbolic link', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'evidence/prod_extra_evidence.log'), 'looks legitimate\n');
    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, 'notes/readme.txt'), 'x');
    renameSync(join(dir, 'evidence/prod_heads_preflight.log'), join(base, `moved-${copies}.log`));
    symlinkSync(join(base, `moved-${copies}.log`), join(dir, 'evidence/prod_heads_preflight.log'));
    const r = await verifyPack(dir);
    expect(r.ok).toBe(false);
    expect(messages(r).split('\n').sort()).toEqual([
      'file: evidence/prod_extra_evidence.log: is not in manifest.json: a file that does not belong to the pack (17 bytes; not read)',
      'file: evidence/prod_heads_preflight.log: is a symbolic link, not a regular file; it was not followed',
      'file: notes/readme.txt: is not in manifest.json: a file that does not belong to the pack (1 bytes; not read)',
    ]);
  });

  it('a signature swapped for one by an unknown key, and one made in another namespace', async () => {
    const dir = copy();
    const stranger = await makeKey(base, 'ed25519', { name: `stranger-${copies}` });
    const manifest = readFileSync(join(dir, 'manifest.json'));
    const unknown = await tool('ssh-keygen', ['-Y', 'sign', '-f', stranger.path, '-n', 'cutover-decision-v1'], { input: manifest });
    expect(unknown.code, unknown.stderr).toBe(0);
    writeFileSync(join(dir, 'signatures/gov2.sig'), unknown.stdout);
    const otherNs = await tool('ssh-keygen', ['-Y', 'sign', '-f', join(base, 'gov2_key'), '-n', 'file'], { input: manifest });
    expect(otherNs.code, otherNs.stderr).toBe(0);
    writeFileSync(join(dir, 'signatures/gov1.sig'), otherNs.stdout);
    const r = await verifyPack(dir);
    expect(r.ok).toBe(false);
    expect(r.signatures.map((s) => [s.identity, s.status])).toEqual([['gov1', 'wrong-namespace'], ['gov2', 'unknown-key']]);
    expect(messages(r)).toMatch(/^signature: gov1: signatures\/gov1\.sig: the signature is for namespace "file", not "cutover-decision-v1"$/m);
    expect(messages(r)).toMatch(/^signature: gov2: signatures\/gov2\.sig: signed by SHA256:\S+, a key the pack's allowed_signers does not list for gov2 \(theirs: SHA256:\S+\)$/m);
    expect(messages(r)).toMatch(/^policy: policy: needs 2 approval\(s\).*has 0; signatures that count for nothing: gov1 \(wrong-namespace\), gov2 \(unknown-key\)$/m);
    expect(r.verdict).toBe('FAILED');
    expect((await keygenVerifyInPack(dir, 'gov2', 'signatures/gov2.sig', 'manifest.json')).code).not.toBe(0);
  });

  it('re-signed by the operator alone where two approvers are required', async () => {
    const r = await verifyPack(operatorPack);
    expect(r.ok).toBe(false);
    expect(r.signatures).toMatchObject([{ identity: 'ana', status: 'valid', decision: 'approve', counts: false, notCounted: "ana is the run's operator (ana): a self-approval never counts" }]);
    expect(r.problems).toEqual([{ area: 'policy', subject: null, message: 'policy: needs 2 approval(s) by distinct "approver" identities other than the operator, has 0; not counted: ana is the run\'s operator (ana): a self-approval never counts' }]);
    // The operator's key under the approvers' names: each is named as the wrong key.
    const dir = copy();
    for (const id of ['gov1', 'gov2']) for (const ext of ['sig', 'json', 'json.sig']) cpSync(join(operatorPack, `signatures/ana.${ext}`), join(dir, `signatures/${id}.${ext}`));
    const impersonated = await verifyPack(dir);
    expect(impersonated.signatures.map((s) => [s.identity, s.status])).toEqual([['gov1', 'wrong-key'], ['gov2', 'wrong-key']]);
    expect(messages(impersonated)).toMatch(/^signature: gov1: signatures\/gov1\.sig: signed with ana's key SHA256:\S+, not with a key of gov1$/m);
  });
});
