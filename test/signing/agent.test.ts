import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentKeyNotFoundError,
  AgentNotConfiguredError,
  AgentSignError,
  AgentUnreachableError,
  agentSigner,
  listAgentKeys,
  sshsigSign,
  sshsigVerify,
} from '../../src/core/signing';
import { SshReader } from '../../src/core/signing/keys';
import { keygenFingerprint, keygenVerify, makeKey, makeTempDir, removeTempDir, startAgent, useTempDir } from '../helpers/ssh-keys';
import type { KeygenKey, TestAgent } from '../helpers/ssh-keys';

const MESSAGE = Buffer.from('plan sha256:0f1e2d… approved for production\n');
const NS = 'cutover-plan';

describe('signing through a real ssh-agent', () => {
  let agentDir: string;
  let agent: TestAgent;
  const keys: Record<'ed25519' | 'rsa' | 'ecdsa', KeygenKey> = {} as never;
  let notAdded: KeygenKey;

  beforeAll(async () => {
    agentDir = await makeTempDir();
    agent = await startAgent(agentDir);
    keys.ed25519 = await makeKey(agentDir, 'ed25519', { comment: 'alice@ops' });
    keys.rsa = await makeKey(agentDir, 'rsa', { bits: 3072, comment: 'bob@governance' });
    keys.ecdsa = await makeKey(agentDir, 'ecdsa', { bits: 384, comment: 'carol@ops' });
    notAdded = await makeKey(agentDir, 'ed25519', { name: 'not_added' });
    for (const key of Object.values(keys)) agent.add(key.path);
  });

  afterAll(async () => {
    await agent?.stop();
    if (agentDir) await removeTempDir(agentDir);
  });

  it('lists the keys the agent holds as public key lines with comments', async () => {
    const listed = await listAgentKeys(agent.socket);
    expect(listed.sort()).toEqual(Object.values(keys).map((k) => k.publicKey).sort());
  });

  it.each(['ed25519', 'rsa', 'ecdsa'] as const)('%s: the agent signs and ssh-keygen -Y verify accepts it', async (type) => {
    const dir = await useTempDir();
    const key = keys[type];
    const signer = await agentSigner(key.publicKey, agent.socket);
    expect(signer.publicKey).toBe(key.publicKey);
    expect(signer.fingerprint).toBe(await keygenFingerprint(dir, key.publicKey));
    const signature = await sshsigSign(signer, MESSAGE, NS);
    const verified = await keygenVerify(dir, { publicKey: key.publicKey, signature, message: MESSAGE, namespace: NS });
    expect(verified.stdout).toMatch(/Good "cutover-plan" signature/);
    expect(verified.ok).toBe(true);
    expect(sshsigVerify(signature, MESSAGE, NS, key.publicKey)).toMatchObject({ ok: true, fingerprint: signer.fingerprint });
  });

  it('rsa: asks the agent for rsa-sha2-512, as ssh-keygen -Y sign does', async () => {
    const signer = await agentSigner(keys.rsa.publicKey, agent.socket);
    const blob = await signer.sign(Buffer.from('data'));
    expect(new SshReader(blob).text()).toBe('rsa-sha2-512');
  });

  it('finds a key by its SHA256 fingerprint', async () => {
    const dir = await useTempDir();
    const fingerprint = await keygenFingerprint(dir, keys.ecdsa.publicKey);
    const signer = await agentSigner(fingerprint, agent.socket);
    expect(signer.publicKey).toBe(keys.ecdsa.publicKey);
  });

  it('names a key the agent does not hold, and lists what it holds', async () => {
    const dir = await useTempDir();
    const err = await agentSigner(notAdded.publicKey, agent.socket).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentKeyNotFoundError);
    expect((err as Error).message).toContain(await keygenFingerprint(dir, notAdded.publicKey));
    expect((err as Error).message).toContain(await keygenFingerprint(dir, keys.ed25519.publicKey));
    expect((err as Error).message).toMatch(/ssh-add/);
  });

  it('reports a refused signature when the key was removed from the agent after it was chosen', async () => {
    const dir = await useTempDir();
    const temporary = await makeKey(dir, 'ed25519', { name: 'temporary' });
    agent.add(temporary.path);
    const signer = await agentSigner(temporary.publicKey, agent.socket);
    agent.remove(temporary.path);
    await expect(signer.sign(Buffer.from('data'))).rejects.toBeInstanceOf(AgentSignError);
  });

  it('uses SSH_AUTH_SOCK when no socket is given', async () => {
    const saved = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = agent.socket;
    try {
      expect(await listAgentKeys()).toHaveLength(3);
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
    }
  });
});

describe('when there is no usable agent', () => {
  it('says SSH_AUTH_SOCK is not set', async () => {
    const saved = process.env.SSH_AUTH_SOCK;
    delete process.env.SSH_AUTH_SOCK;
    try {
      await expect(listAgentKeys()).rejects.toBeInstanceOf(AgentNotConfiguredError);
      await expect(agentSigner('SHA256:abc')).rejects.toThrow(/SSH_AUTH_SOCK is not set/);
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
    }
  });

  it('says the agent is unreachable when nothing listens on the socket', async () => {
    const dir = await useTempDir();
    const socket = join(dir, 'gone.sock');
    const err = await listAgentKeys(socket).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentUnreachableError);
    expect((err as Error).message).toContain(socket);
    expect((err as Error).message).toMatch(/ssh-add -l/);
  });

  it('says the agent is unreachable when a stopped agent left its socket behind', async () => {
    const dir = await useTempDir();
    const agent = await startAgent(dir);
    expect(await listAgentKeys(agent.socket)).toEqual([]);
    await agent.stop();
    await expect(listAgentKeys(agent.socket)).rejects.toBeInstanceOf(AgentUnreachableError);
  });

  it.each([
    ['closes the connection after the request', (conn: Socket) => conn.once('data', () => conn.destroy()), /closed the connection|ECONNRESET/],
    ['answers with a zero-length message', (conn: Socket) => conn.once('data', () => conn.end(Buffer.alloc(4))), /malformed reply/],
    ['answers SSH_AGENT_FAILURE to a key listing', (conn: Socket) => conn.once('data', () => conn.end(Buffer.from([0, 0, 0, 1, 5]))), /refused to list/],
  ] as const)('says the agent is unreachable when the socket %s', async (_what, behave, why) => {
    const dir = await useTempDir();
    const socket = join(dir, 'odd.sock');
    const server = createServer((conn) => {
      conn.on('error', () => undefined);
      behave(conn);
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const err = await listAgentKeys(socket).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AgentUnreachableError);
      expect((err as Error).message).toMatch(why);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
