// `cutover identity` end to end: the real CLI process, real ssh-keygen keys, a real ssh-agent,
// and signatures made for stored identities checked by `ssh-keygen -Y verify`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signerFor } from '../../src/core/identity';
import { sshsigSign } from '../../src/core/signing';
import { Vault } from '../../src/core/vault';
import { keygenVerify, makeKey, makeTempDir, removeTempDir, startAgent, type TestAgent } from '../helpers/ssh-keys';

const PASS = 'correct horse battery';
const BIN = join(import.meta.dirname, '../../bin/cutover.mjs');

function cutover(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CUTOVER_PASSPHRASE: PASS, CUTOVER_SCRYPT_LOG2N: '14', CUTOVER_ACTOR: 'lead-dba', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cutover identity', () => {
  let dir: string;
  let vault: string;
  let agent: TestAgent;

  beforeAll(async () => {
    dir = await makeTempDir();
    vault = join(dir, 'ev.vault');
    expect(cutover(['vault', 'init', '--vault', vault]).code).toBe(0);
    agent = await startAgent(dir);
  });
  afterAll(async () => {
    await agent.stop();
    await removeTempDir(dir);
  });

  it('adds identities from a generated key, a key file with a passphrase, and ssh-agent', async () => {
    const generated = cutover(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate', '--json']);
    expect(generated.code, generated.stderr).toBe(0);
    expect(JSON.parse(generated.stdout)).toMatchObject({ name: 'ana', roles: ['operator'], keySource: 'vault' });

    const fileKey = await makeKey(dir, 'rsa', { name: 'gov1', passphrase: 'key secret', bits: 3072 });
    const noPass = cutover(['identity', 'add', '--vault', vault, '--name', 'gov1', '--role', 'approver', '--ssh-key', fileKey.path]);
    expect(noPass.code).toBe(2);
    expect(noPass.stderr).toMatch(/passphrase/i);
    const wrongPass = cutover(['identity', 'add', '--vault', vault, '--name', 'gov1', '--role', 'approver', '--ssh-key', fileKey.path], { CUTOVER_KEY_PASSPHRASE: 'nope' });
    expect(wrongPass.code).toBe(2);
    const withPass = cutover(['identity', 'add', '--vault', vault, '--name', 'gov1', '--role', 'approver,observer', '--ssh-key', fileKey.path, '--json'], { CUTOVER_KEY_PASSPHRASE: 'key secret' });
    expect(withPass.code, withPass.stderr).toBe(0);
    expect(JSON.parse(withPass.stdout)).toMatchObject({ roles: ['approver', 'observer'], keySource: 'file', publicKey: expect.stringContaining(fileKey.publicKey.split(' ')[1]!) });

    const agentKey = await makeKey(dir, 'ed25519', { name: 'gov2' });
    agent.add(agentKey.path);
    const viaAgent = cutover(['identity', 'add', '--vault', vault, '--name', 'gov2', '--role', 'approver', '--agent', '--json'], { SSH_AUTH_SOCK: agent.socket });
    expect(viaAgent.code, viaAgent.stderr).toBe(0);
    expect(JSON.parse(viaAgent.stdout)).toMatchObject({ keySource: 'agent', publicKey: expect.stringContaining(agentKey.publicKey.split(' ')[1]!) });

    const list = JSON.parse(cutover(['identity', 'list', '--vault', vault, '--json']).stdout) as { name: string; fingerprint: string }[];
    expect(list.map((i) => i.name)).toEqual(['ana', 'gov1', 'gov2']);
    const keygenFp = spawnSync('ssh-keygen', ['-lf', `${fileKey.path}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1];
    expect(list[1]!.fingerprint).toBe(keygenFp);
    expect(cutover(['vault', 'verify', '--vault', vault]).code).toBe(0);

    // Every stored identity can sign, and ssh-keygen accepts the signature.
    const v = Vault.open(vault, { passphrase: PASS });
    try {
      const message = readFileSync(BIN);
      for (const name of ['ana', 'gov1', 'gov2']) {
        const signer = await signerFor(v, name, { passphrase: async () => 'key secret', sock: agent.socket });
        const signature = await sshsigSign(signer, message, 'cutover-test@example');
        const verified = await keygenVerify(dir, { identity: name, publicKey: signer.publicKey, namespace: 'cutover-test@example', message, signature });
        expect(verified.ok, verified.stderr).toBe(true);
      }
    } finally {
      v.close();
    }
  });

  it('refuses bad input with exit 2 and a clear message, storing nothing', () => {
    const before = cutover(['vault', 'log', '--vault', vault, '--json']).stdout;
    const cases: [string[], RegExp][] = [
      [['--name', 'x1', '--role', 'operator'], /exactly one key source/],
      [['--name', 'x2', '--role', 'operator', '--generate', '--agent'], /exactly one key source/],
      [['--name', 'x3', '--role', 'king', '--generate'], /Unknown role "king"/],
      [['--name', 'bad name!', '--role', 'operator', '--generate'], /not a valid identity name/],
      [['--name', 'ana', '--role', 'operator', '--generate'], /already exists/],
      [['--name', 'x4', '--role', 'operator', '--ssh-key', join(dir, 'missing_key')], /missing_key/],
    ];
    for (const [args, message] of cases) {
      const r = cutover(['identity', 'add', '--vault', vault, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const noAgent = cutover(['identity', 'add', '--vault', vault, '--name', 'x5', '--role', 'approver', '--agent'], { SSH_AUTH_SOCK: '' });
    expect(noAgent.code).toBe(2);
    expect(noAgent.stderr).toMatch(/SSH_AUTH_SOCK/);
    expect(cutover(['vault', 'log', '--vault', vault, '--json']).stdout).toBe(before);
  });
});
