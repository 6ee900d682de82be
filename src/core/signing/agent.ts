// Signing through an ssh-agent (draft-miller-ssh-agent), so keys that never leave the agent
// or a hardware token can approve plans and sign decisions.
//
// We speak the two messages we need ourselves rather than use ssh2's OpenSSHAgent: that
// client drops the signature algorithm from the agent's answer (so we could not check that an
// RSA signature really is rsa-sha2-512), drops the FIDO flags and counter that follow a
// hardware key's signature, and silently skips keys it cannot parse (sk- keys).
import { createConnection } from 'node:net';
import { AgentKeyNotFoundError, AgentNotConfiguredError, AgentSignError, AgentUnreachableError, PublicKeyFormatError } from './errors';
import { decodePublicKeyBlob, fingerprintOf, formatPublicKey, parsePublicKey, sshString, sshUint32, SshReader, SshWireError } from './keys';
import type { Signer } from './keys';

const SSH_AGENT_FAILURE = 5;
const SSH_AGENTC_REQUEST_IDENTITIES = 11;
const SSH_AGENT_IDENTITIES_ANSWER = 12;
const SSH_AGENTC_SIGN_REQUEST = 13;
const SSH_AGENT_SIGN_RESPONSE = 14;
const SSH_AGENT_RSA_SHA2_512 = 4;

const LIST_TIMEOUT_MS = 10_000;
// A hardware key waits for a touch and an agent may ask for confirmation: give people time.
const SIGN_TIMEOUT_MS = 120_000;
const MAX_REPLY_BYTES = 256 * 1024;

function socketPathOf(sock: string | undefined): string {
  const path = sock ?? process.env.SSH_AUTH_SOCK;
  if (!path) throw new AgentNotConfiguredError();
  return path;
}

/** Sends one request on a fresh connection and resolves with the reply's type and body. */
function agentRequest(socketPath: string, request: Buffer, timeoutMs: number): Promise<{ type: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const socket = createConnection(socketPath);
    const finish = (err: Error | null, reply?: { type: number; body: Buffer }): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    socket.setTimeout(timeoutMs, () => finish(new AgentUnreachableError(socketPath, `no answer within ${timeoutMs / 1000} s`)));
    socket.on('error', (err: NodeJS.ErrnoException) => finish(new AgentUnreachableError(socketPath, err.code ?? err.message)));
    socket.on('connect', () => socket.write(Buffer.concat([sshUint32(request.length), request])));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < 4) return;
      const all = Buffer.concat(chunks);
      const length = all.readUInt32BE(0);
      if (length === 0 || length > MAX_REPLY_BYTES) {
        finish(new AgentUnreachableError(socketPath, 'the agent sent a malformed reply'));
      } else if (all.length >= 4 + length) {
        finish(null, { type: all[4]!, body: all.subarray(5, 4 + length) });
      }
    });
    const closed = (): void => finish(new AgentUnreachableError(socketPath, 'the agent closed the connection'));
    socket.on('end', closed);
    socket.on('close', closed);
  });
}

interface AgentIdentity {
  blob: Buffer;
  comment: string;
}

async function requestIdentities(socketPath: string): Promise<AgentIdentity[]> {
  const reply = await agentRequest(socketPath, Buffer.from([SSH_AGENTC_REQUEST_IDENTITIES]), LIST_TIMEOUT_MS);
  if (reply.type !== SSH_AGENT_IDENTITIES_ANSWER) {
    throw new AgentUnreachableError(socketPath, `the agent refused to list its keys (reply type ${reply.type})`);
  }
  try {
    const r = new SshReader(reply.body);
    const count = r.uint32();
    const out: AgentIdentity[] = [];
    for (let i = 0; i < count; i++) out.push({ blob: Buffer.from(r.string()), comment: r.text() });
    return out;
  } catch (err) {
    if (err instanceof SshWireError) throw new AgentUnreachableError(socketPath, 'the agent sent a truncated key list');
    throw err;
  }
}

/** Keys the agent can sign with that SSHSIG supports (certificates and DSA are left out). */
async function usableIdentities(socketPath: string): Promise<AgentIdentity[]> {
  return (await requestIdentities(socketPath)).filter((id) => {
    try {
      decodePublicKeyBlob(id.blob);
      return true;
    } catch (err) {
      if (err instanceof PublicKeyFormatError) return false;
      throw err;
    }
  });
}

/** Public key lines ("type base64 comment") of the usable keys the agent holds. */
export async function listAgentKeys(sock?: string): Promise<string[]> {
  const socketPath = socketPathOf(sock);
  return (await usableIdentities(socketPath)).map((id) => formatPublicKey(id.blob, id.comment));
}

/**
 * A Signer for the agent's key named by a public key line or a "SHA256:…" fingerprint.
 * Throws AgentNotConfiguredError, AgentUnreachableError or AgentKeyNotFoundError.
 */
export async function agentSigner(publicKeyLineOrFingerprint: string, sock?: string): Promise<Signer> {
  const socketPath = socketPathOf(sock);
  const wanted = publicKeyLineOrFingerprint.trim();
  const wantedFingerprint = wanted.startsWith('SHA256:') ? wanted : parsePublicKey(wanted).fingerprint;
  const held = await usableIdentities(socketPath);
  const identity = held.find((id) => fingerprintOf(id.blob) === wantedFingerprint);
  if (!identity) throw new AgentKeyNotFoundError(wantedFingerprint, held.map((id) => fingerprintOf(id.blob)));
  const { blob, comment } = identity;
  const { type } = decodePublicKeyBlob(blob);
  const fingerprint = wantedFingerprint;
  return {
    publicKey: formatPublicKey(blob, comment),
    fingerprint,
    async sign(data: Buffer): Promise<Buffer> {
      const flags = type === 'ssh-rsa' ? SSH_AGENT_RSA_SHA2_512 : 0;
      const request = Buffer.concat([Buffer.from([SSH_AGENTC_SIGN_REQUEST]), sshString(blob), sshString(data), sshUint32(flags)]);
      const reply = await agentRequest(socketPath, request, SIGN_TIMEOUT_MS);
      if (reply.type === SSH_AGENT_FAILURE) {
        throw new AgentSignError(fingerprint, 'the agent refused (key removed, confirmation declined or no touch)');
      }
      if (reply.type !== SSH_AGENT_SIGN_RESPONSE) throw new AgentSignError(fingerprint, `unexpected reply type ${reply.type}`);
      let signature: Buffer;
      let algorithm: string;
      try {
        signature = Buffer.from(new SshReader(reply.body).string());
        algorithm = new SshReader(signature).text();
      } catch {
        throw new AgentSignError(fingerprint, 'the agent sent a truncated signature');
      }
      const expected = type === 'ssh-rsa' ? 'rsa-sha2-512' : type;
      if (algorithm !== expected) {
        throw new AgentSignError(fingerprint, `the agent signed with ${algorithm} instead of ${expected}; update the agent`);
      }
      return signature;
    },
  };
}
