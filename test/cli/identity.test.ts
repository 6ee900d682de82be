// `cutover identity` end to end: the real CLI process, real ssh-keygen keys, a real ssh-agent.
// The vault holds one private key, its owner's; everyone else is added by public key and proves
// it by signing the identity statement with plain `ssh-keygen -Y sign` on "their own machine"
// (a directory of their own).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signerFor } from '../../src/core/identity';
import { generateEd25519, signerFromGenerated, sshsigSign } from '../../src/core/signing';
import { addIdentity, Vault } from '../../src/core/vault';
import { keygenVerify, makeKey, makeTempDir, removeTempDir, startAgent, type KeygenKey, type TestAgent } from '../helpers/ssh-keys';

const PASS = 'correct horse battery';
const BIN = join(import.meta.dirname, '../../bin/cutover.mjs');
const NS = 'cutover-identity-v1';

function cutover(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CUTOVER_PASSPHRASE: PASS, CUTOVER_SCRYPT_LOG2N: '14', CUTOVER_ACTOR: 'lead-dba', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function head(vault: string): { seq: number; hash: string } {
  const v = Vault.open(vault, { passphrase: PASS });
  try {
    return v.head();
  } finally {
    v.close();
  }
}

function keygenSignFile(key: string, file: string): void {
  const r = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', NS, '-f', key, file], { encoding: 'utf8', env: { ...process.env, SSH_AUTH_SOCK: '' } });
  expect(r.status, r.stderr).toBe(0);
}

interface Listed { name: string; status: string; owner: boolean; proven: boolean; custodial: boolean; fingerprint: string; keySource: string }

function list(vault: string): Listed[] {
  const r = cutover(['identity', 'list', '--vault', vault, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Listed[];
}

describe('cutover identity', () => {
  let dir: string;
  let agent: TestAgent;

  beforeAll(async () => {
    dir = await makeTempDir();
    agent = await startAgent(dir);
  });
  afterAll(async () => {
    await agent.stop();
    await removeTempDir(dir);
  });

  function newVault(name: string): string {
    const vault = join(dir, `${name}.vault`);
    expect(cutover(['vault', 'init', '--vault', vault]).code).toBe(0);
    return vault;
  }

  /** A person's own machine: a directory with their key in it. */
  async function person(name: string): Promise<KeygenKey & { home: string }> {
    const home = join(dir, `home-${name}`);
    mkdirSync(home, { recursive: true });
    return { ...(await makeKey(home, 'ed25519', { name: 'id_ed25519', comment: `${name}@laptop` })), home };
  }

  it('the owner adds their own key (generated); a second private key is refused, and others come in by public key', { timeout: 300_000 }, async () => {
    const vault = newVault('owner');
    const generated = cutover(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate', '--json']);
    expect(generated.code, generated.stderr).toBe(0);
    expect(JSON.parse(generated.stdout)).toMatchObject({ name: 'ana', roles: ['operator'], keySource: 'vault', owner: true, proven: true, status: 'owner' });

    const before = head(vault);
    const second = cutover(['identity', 'add', '--vault', vault, '--name', 'bob', '--role', 'approver', '--generate']);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/already holds its owner's key \(ana\)/);
    expect(second.stderr).toMatch(/--public-key/);
    expect(second.stderr).toMatch(/identity statement/);
    expect(second.stderr).toMatch(/identity prove/);
    const fileKey = await makeKey(dir, 'ed25519', { name: 'bob_key' });
    expect(cutover(['identity', 'add', '--vault', vault, '--name', 'bob', '--role', 'approver', '--ssh-key', fileKey.path]).code).toBe(2);
    agent.add(fileKey.path);
    expect(cutover(['identity', 'add', '--vault', vault, '--name', 'bob', '--role', 'approver', '--agent'], { SSH_AUTH_SOCK: agent.socket }).code).toBe(2);
    agent.remove(fileKey.path);
    expect(head(vault)).toEqual(before);

    const gov1 = await person('gov1');
    const byFile = cutover(['identity', 'add', '--vault', vault, '--name', 'gov1', '--role', 'approver,observer', '--public-key', `${gov1.path}.pub`, '--json']);
    expect(byFile.code, byFile.stderr).toBe(0);
    expect(JSON.parse(byFile.stdout)).toMatchObject({ roles: ['approver', 'observer'], keySource: 'public', owner: false, proven: false, status: 'unproven' });
    const gov2 = await person('gov2');
    const byLine = cutover(['identity', 'add', '--vault', vault, '--name', 'gov2', '--role', 'approver', '--public-key', gov2.publicKey]);
    expect(byLine.code, byLine.stderr).toBe(0);
    expect(byLine.stdout).toMatch(/unproven/);
    expect(byLine.stdout).toMatch(/ssh-keygen -Y sign -n cutover-identity-v1/);

    const listed = list(vault);
    expect(listed.map((i) => [i.name, i.status])).toEqual([['ana', 'owner'], ['gov1', 'unproven'], ['gov2', 'unproven']]);
    const keygenFp = spawnSync('ssh-keygen', ['-lf', `${gov1.path}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1];
    expect(listed[1]!.fingerprint).toBe(keygenFp);
    const text = cutover(['identity', 'list', '--vault', vault]);
    expect(text.stdout).toMatch(/^ana\s.*owner/m);
    expect(text.stdout).toMatch(/^gov1\s.*unproven/m);
    expect(cutover(['vault', 'verify', '--vault', vault]).code).toBe(0);

    // Only the owner's key signs here, and ssh-keygen accepts its signature.
    const v = Vault.open(vault, { passphrase: PASS });
    try {
      const message = readFileSync(BIN);
      const signer = await signerFor(v, 'ana');
      const signature = await sshsigSign(signer, message, 'cutover-test@example');
      const verified = await keygenVerify(dir, { identity: 'ana', publicKey: signer.publicKey, namespace: 'cutover-test@example', message, signature });
      expect(verified.ok, verified.stderr).toBe(true);
      await expect(signerFor(v, 'gov1')).rejects.toThrow(/not this vault's owner/);
    } finally {
      v.close();
    }
  });

  it('the owner may bring a key file with a passphrase, or an ssh-agent key; it is proven in place', async () => {
    const fileVault = newVault('owner-file');
    const fileKey = await makeKey(dir, 'rsa', { name: 'ana_rsa', passphrase: 'key secret', bits: 3072 });
    const noPass = cutover(['identity', 'add', '--vault', fileVault, '--name', 'ana', '--role', 'operator', '--ssh-key', fileKey.path]);
    expect(noPass.code).toBe(2);
    expect(noPass.stderr).toMatch(/passphrase/i);
    expect(cutover(['identity', 'add', '--vault', fileVault, '--name', 'ana', '--role', 'operator', '--ssh-key', fileKey.path], { CUTOVER_KEY_PASSPHRASE: 'nope' }).code).toBe(2);
    const withPass = cutover(['identity', 'add', '--vault', fileVault, '--name', 'ana', '--role', 'operator', '--ssh-key', fileKey.path, '--json'], { CUTOVER_KEY_PASSPHRASE: 'key secret' });
    expect(withPass.code, withPass.stderr).toBe(0);
    expect(JSON.parse(withPass.stdout)).toMatchObject({ keySource: 'file', status: 'owner', publicKey: expect.stringContaining(fileKey.publicKey.split(' ')[1]!) });

    const agentVault = newVault('owner-agent');
    const agentKey = await makeKey(dir, 'ed25519', { name: 'ana_agent' });
    agent.add(agentKey.path);
    const viaAgent = cutover(['identity', 'add', '--vault', agentVault, '--name', 'ana', '--role', 'operator', '--agent', '--json'], { SSH_AUTH_SOCK: agent.socket });
    agent.remove(agentKey.path);
    expect(viaAgent.code, viaAgent.stderr).toBe(0);
    expect(JSON.parse(viaAgent.stdout)).toMatchObject({ keySource: 'agent', status: 'owner', publicKey: expect.stringContaining(agentKey.publicKey.split(' ')[1]!) });
    expect(cutover(['vault', 'verify', '--vault', agentVault]).code).toBe(0);
  });

  it('a person proves their public key by signing the statement with ssh-keygen on their own machine', async () => {
    const vault = newVault('prove');
    expect(cutover(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate']).code).toBe(0);
    const gov1 = await person('prove-gov1');
    expect(cutover(['identity', 'add', '--vault', vault, '--name', 'gov1', '--role', 'approver', '--public-key', `${gov1.path}.pub`]).code).toBe(0);

    const statementFile = join(gov1.home, 'gov1.identity.json');
    const statement = cutover(['identity', 'statement', '--vault', vault, '--name', 'gov1', '--out', statementFile]);
    expect(statement.code, statement.stderr).toBe(0);
    expect(statement.stdout).toContain(`ssh-keygen -Y sign -n ${NS}`);
    const bytes = readFileSync(statementFile, 'utf8');
    const fields = JSON.parse(bytes) as Record<string, unknown>;
    expect(fields).toMatchObject({ format: 'cutover-identity/v1', name: 'gov1', roles: ['approver'], publicKey: gov1.publicKey.split(' ').slice(0, 2).join(' ') });
    expect(fields.vault).toMatch(/^[0-9a-f-]{36}$/);

    keygenSignFile(gov1.path, statementFile);
    const proved = cutover(['identity', 'prove', '--vault', vault, '--name', 'gov1', '--statement', statementFile, '--signature', `${statementFile}.sig`, '--json']);
    expect(proved.code, proved.stderr).toBe(0);
    expect(JSON.parse(proved.stdout)).toMatchObject({ name: 'gov1', proven: true, status: 'proven', appended: true });
    expect(list(vault).find((i) => i.name === 'gov1')).toMatchObject({ proven: true, status: 'proven' });

    const log = JSON.parse(cutover(['vault', 'log', '--vault', vault, '--json']).stdout) as { type: string; payload: { name?: string; statement?: string } }[];
    const proofs = log.filter((e) => e.type === 'identity.proven');
    expect(proofs.map((e) => e.payload.name)).toEqual(['ana', 'gov1']);
    expect(proofs[1]!.payload.statement).toBe(bytes);
    expect(cutover(['vault', 'verify', '--vault', vault]).code).toBe(0);

    // Proving again changes nothing.
    const before = head(vault);
    const again = cutover(['identity', 'prove', '--vault', vault, '--name', 'gov1', '--statement', statementFile, '--signature', `${statementFile}.sig`]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already proven/);
    expect(head(vault)).toEqual(before);
  });

  it('refuses a proof that is not exactly this identity\'s statement signed by its key: exit 2, chain unchanged', { timeout: 300_000 }, async () => {
    const vault = newVault('refuse');
    const other = newVault('refuse-other');
    expect(cutover(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate']).code).toBe(0);
    const gov1 = await person('refuse-gov1');
    const gov2 = await person('refuse-gov2');
    const mallory = await person('refuse-mallory');
    for (const [v, name, key] of [[vault, 'gov1', gov1], [vault, 'gov2', gov2], [other, 'gov1', gov1]] as const) {
      expect(cutover(['identity', 'add', '--vault', v, '--name', name, '--role', 'approver', '--public-key', `${key.path}.pub`]).code).toBe(0);
    }
    const statementOf = (v: string, name: string): string => {
      const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
      expect(cutover(['identity', 'statement', '--vault', v, '--name', name, '--out', file]).code).toBe(0);
      return file;
    };
    const good = readFileSync(statementOf(vault, 'gov1'), 'utf8');
    const write = (text: string): string => {
      const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, text);
      return file;
    };
    const parsed = JSON.parse(good) as Record<string, unknown>;
    const cases: [string, string, string, RegExp][] = [
      ['signed by another key', write(good), mallory.path, /does not prove gov1's key/],
      ['a statement for another name', statementOf(vault, 'gov2'), gov1.path, /name is "gov2"/],
      ['a statement for another vault', statementOf(other, 'gov1'), gov1.path, /vault is/],
      ['a re-formatted statement', write(JSON.stringify(parsed, null, 2)), gov1.path, /not exactly the ones the app prints/],
      ['a trailing newline', write(`${good}\n`), gov1.path, /not exactly the ones the app prints/],
      ['a duplicate key', write(good.replace('{', '{"name":"gov2",')), gov1.path, /gives the key "name" twice/],
      ['not JSON', write('gov1 is me'), gov1.path, /not JSON/],
    ];
    const before = head(vault);
    for (const [what, file, key, message] of cases) {
      keygenSignFile(key, file);
      const r = cutover(['identity', 'prove', '--vault', vault, '--name', 'gov1', '--statement', file, '--signature', `${file}.sig`]);
      expect(r.code, what).toBe(2);
      expect(r.stderr, what).toMatch(message);
      expect(r.stderr).toMatch(/^cutover: /);
    }
    // The right statement signed under another namespace is no proof either.
    const wrongNs = write(good);
    const signed = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', 'file', '-f', gov1.path, wrongNs], { encoding: 'utf8', env: { ...process.env, SSH_AUTH_SOCK: '' } });
    expect(signed.status).toBe(0);
    const r = cutover(['identity', 'prove', '--vault', vault, '--name', 'gov1', '--statement', wrongNs, '--signature', `${wrongNs}.sig`]);
    expect(r.code).toBe(2);
    expect(head(vault)).toEqual(before);
    expect(list(vault).find((i) => i.name === 'gov1')).toMatchObject({ proven: false, status: 'unproven' });
  });

  it('one key is one person: the same public key under a second name is refused', async () => {
    const vault = newVault('duplicate');
    expect(cutover(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate']).code).toBe(0);
    const gov1 = await person('dup-gov1');
    expect(cutover(['identity', 'add', '--vault', vault, '--name', 'gov1', '--role', 'approver', '--public-key', `${gov1.path}.pub`]).code).toBe(0);
    const before = head(vault);
    const again = cutover(['identity', 'add', '--vault', vault, '--name', 'gov1-again', '--role', 'approver', '--public-key', gov1.publicKey.replace('@laptop', '@desktop')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already registered as gov1/);
    const owners = JSON.parse(cutover(['vault', 'log', '--vault', vault, '--json']).stdout) as { type: string; payload: { publicKey?: string } }[];
    const anaKey = owners.find((e) => e.type === 'identity.added')!.payload.publicKey!;
    const ownersKey = cutover(['identity', 'add', '--vault', vault, '--name', 'ana2', '--role', 'approver', '--public-key', anaKey]);
    expect(ownersKey.code).toBe(2);
    expect(ownersKey.stderr).toMatch(/already registered as ana/);
    expect(head(vault)).toEqual(before);
  });

  it('an old vault with others\' private keys: listed as custodial, inspecting changes nothing, the owner proves in place', async () => {
    const vault = newVault('old');
    const v = Vault.open(vault, { passphrase: PASS });
    try {
      for (const name of ['ana', 'gov1']) {
        const key = generateEd25519(name);
        const signer = signerFromGenerated(key.privateKey);
        addIdentity(v, { name, roles: [name === 'ana' ? 'operator' : 'approver'], publicKey: signer.publicKey, fingerprint: signer.fingerprint, keySource: 'vault', privateKey: key.privateKey }, 'ana');
      }
    } finally {
      v.close();
    }
    const before = head(vault);
    const text = cutover(['identity', 'list', '--vault', vault]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^ana\s.*owner, unproven/m);
    expect(text.stdout).toMatch(/^gov1\s.*custodial/m);
    expect(text.stdout).toMatch(/identity prove --vault .* --name ana/);
    expect(list(vault).map((i) => [i.name, i.status])).toEqual([['ana', 'unproven'], ['gov1', 'custodial']]);
    expect(head(vault)).toEqual(before);

    const custodial = cutover(['identity', 'statement', '--vault', vault, '--name', 'gov1', '--out', join(dir, 'old-gov1.json')]);
    expect(custodial.code).toBe(2);
    expect(custodial.stderr).toMatch(/custodial/);
    expect(cutover(['identity', 'prove', '--vault', vault, '--name', 'gov1']).code).toBe(2);
    expect(head(vault)).toEqual(before);

    const proved = cutover(['identity', 'prove', '--vault', vault, '--name', 'ana']);
    expect(proved.code, proved.stderr).toBe(0);
    expect(list(vault).map((i) => [i.name, i.status])).toEqual([['ana', 'owner'], ['gov1', 'custodial']]);
  });

  it('refuses bad input with exit 2 and a clear message, storing nothing', { timeout: 300_000 }, async () => {
    const vault = newVault('bad');
    expect(cutover(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate']).code).toBe(0);
    const key = await makeKey(dir, 'ed25519', { name: 'bad_key' });
    const before = cutover(['vault', 'log', '--vault', vault, '--json']).stdout;
    const cases: [string[], RegExp][] = [
      [['--name', 'x1', '--role', 'operator'], /exactly one key source/],
      [['--name', 'x2', '--role', 'operator', '--generate', '--agent'], /exactly one key source/],
      [['--name', 'x2', '--role', 'operator', '--generate', '--public-key', `${key.path}.pub`], /exactly one key source/],
      [['--name', 'x3', '--role', 'King!', '--public-key', `${key.path}.pub`], /--role King!: not a role name; use a role name in lower_snake_case/],
      [['--name', 'bad name!', '--role', 'operator', '--public-key', `${key.path}.pub`], /not a valid identity name/],
      [['--name', 'ana', '--role', 'operator', '--public-key', `${key.path}.pub`], /already exists/],
      [['--name', 'x4', '--role', 'operator', '--public-key', join(dir, 'missing.pub')], /missing\.pub/],
      [['--name', 'x5', '--role', 'operator', '--public-key', key.path], /holds a private key/],
      [['--name', 'x6', '--role', 'operator', '--public-key', 'ssh-ed25519 AAAAnot-base64!'], /./],
    ];
    for (const [args, message] of cases) {
      const r = cutover(['identity', 'add', '--vault', vault, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const proveCases: [string[], RegExp][] = [
      [['--name', 'nobody', '--statement', `${key.path}.pub`, '--signature', `${key.path}.pub`], /No identity named "nobody"/],
      [['--name', 'ana', '--statement', `${key.path}.pub`], /both --statement and --signature/],
      [['--name', 'ana', '--statement', join(dir, 'none.json'), '--signature', join(dir, 'none.sig')], /No statement file at/],
    ];
    for (const [args, message] of proveCases) {
      const r = cutover(['identity', 'prove', '--vault', vault, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(cutover(['vault', 'log', '--vault', vault, '--json']).stdout).toBe(before);
  });
});
