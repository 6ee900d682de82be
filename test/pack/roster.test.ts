// The organisation's allowed_signers, read as stock ssh-keygen reads it: each rule here is also
// put to `ssh-keygen -Y verify` with the same roster line, and both must agree.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allowsNamespace, namesIdentity, outsideValidity, parseAllowedSigners, parseRosterTime } from '../../src/core/pack/roster';
import { makeKey, type KeygenKey } from '../helpers/ssh-keys';
import { useSuiteTempDir } from '../helpers/tmp';
import { tool } from './fixture';

describe('allowed_signers as ssh-keygen reads it', () => {
  const dir = useSuiteTempDir('cutover-roster-');
  let key: KeygenKey;
  let signature: string;
  const message = 'the bytes that were signed\n';
  beforeAll(async () => {
    key = await makeKey(dir, 'ed25519', { name: 'signer' });
    const signed = await tool('ssh-keygen', ['-Y', 'sign', '-f', key.path, '-n', 'cutover-decision-v1'], { input: message });
    expect(signed.code, signed.stderr).toBe(0);
    signature = join(dir, 'message.sig');
    writeFileSync(signature, signed.stdout);
  });

  /** What stock ssh-keygen says about `identity` with this one roster line (true: "Good signature"). */
  async function keygenAccepts(line: string, identity: string): Promise<boolean> {
    const roster = join(dir, 'roster');
    writeFileSync(roster, `${line}\n`);
    const r = await tool('ssh-keygen', ['-Y', 'verify', '-f', roster, '-I', identity, '-n', 'cutover-decision-v1', '-s', signature], { input: message });
    return r.code === 0;
  }

  /** What the app says about the same line, at the current time. */
  function appAccepts(line: string, identity: string): boolean {
    const { signers } = parseAllowedSigners(`${line}\n`, 'roster');
    return signers.some((s) => namesIdentity(s, identity) && allowsNamespace(s, 'cutover-decision-v1') && outsideValidity(s, new Date()) === null);
  }

  it('agrees with ssh-keygen on principals patterns, namespaces, validity times and unusable options', async () => {
    const k = () => key.publicKey;
    const cases: [string, string][] = [
      [`gov1 ${k()}`, 'gov1'],
      [`gov1 ${k()}`, 'gov2'],
      [`gov* ${k()}`, 'gov2'],
      [`!gov2,gov* ${k()}`, 'gov2'],
      [`!gov2,gov* ${k()}`, 'gov1'],
      [`gov? ${k()}`, 'gov12'],
      [`gov1 namespaces="cutover-*" ${k()}`, 'gov1'],
      [`gov1 namespaces="!cutover-decision-v1,cutover-*" ${k()}`, 'gov1'],
      [`gov1 namespaces="git,file" ${k()}`, 'gov1'],
      [`gov1 valid-before="20200101" ${k()}`, 'gov1'],
      [`gov1 valid-after="20990101Z" ${k()}`, 'gov1'],
      [`gov1 valid-after="202001011230",valid-before="20991231235959Z" ${k()}`, 'gov1'],
      [`gov1 VALID-BEFORE="20990101" ${k()}`, 'gov1'],
      [`gov1 valid-before=20990101 ${k()}`, 'gov1'],
      [`gov1 valid-before="2099010112" ${k()}`, 'gov1'],
      [`gov1 valid-before="20991301" ${k()}`, 'gov1'],
      [`gov1 no-touch-required ${k()}`, 'gov1'],
    ];
    for (const [line, identity] of cases) {
      expect(appAccepts(line, identity), `${line} as ${identity}`).toBe(await keygenAccepts(line, identity));
    }
  });

  it('says why a line is not used', () => {
    const { signers, problems } = parseAllowedSigners(['# comment', `*@example.com cert-authority ${key.publicKey}`, `gov1 valid-before="2099" ${key.publicKey}`, `gov1 frobnicate ${key.publicKey}`, `gov1 valid-after=20200101 ${key.publicKey}`, 'gov1'].join('\n'), 'org_signers');
    expect(signers).toEqual([]);
    expect(problems).toEqual([
      "org_signers line 2: cert-authority lines are not supported (a pack's signatures are plain keys, not certificates); list each signer's own key",
      'org_signers line 3: valid-before="2099" is not a time in the form YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]',
      'org_signers line 4: unknown option "frobnicate" (ssh-keygen accepts only cert-authority, namespaces, valid-after and valid-before), so ssh-keygen would not use this line either',
      'org_signers line 5: valid-after needs a value in double quotes, e.g. valid-after="20270101Z" (ssh-keygen refuses it unquoted)',
      'org_signers line 6: expected "PRINCIPALS [OPTIONS] KEYTYPE BASE64"',
    ]);
  });

  it('reads the time formats of ssh-keygen(1): a date is its midnight, Z is UTC, otherwise the local zone', () => {
    expect(parseRosterTime('20270315Z')?.toISOString()).toBe('2027-03-15T00:00:00.000Z');
    expect(parseRosterTime('202703151230Z')?.toISOString()).toBe('2027-03-15T12:30:00.000Z');
    expect(parseRosterTime('20270315123045Z')?.toISOString()).toBe('2027-03-15T12:30:45.000Z');
    expect(parseRosterTime('20270315')?.getTime()).toBe(new Date(2027, 2, 15).getTime());
    for (const bad of ['2027031', '2027031512', '20270230Z', '20271301', '20270315246000', '2027-03-15', '20270315z']) expect(parseRosterTime(bad), bad).toBeNull();
  });
});
