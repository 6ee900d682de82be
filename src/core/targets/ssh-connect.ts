// Opening an SSH connection for a target: where to (~/.ssh/config aliases), as whom and how
// (ssh-agent, key file with its passphrase from the vault, or password), and whether the
// host is the one we pinned (SHA256 fingerprint, confirmed by a person at first use). Every
// way it can fail becomes a TargetError that says what to check.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AuthenticationType, Client as SshClient, ClientErrorExtensions, ConnectConfig } from 'ssh2';
import type { Target } from '../runbook/schema';
import { redactText } from './redact';
import { resolveSshHost, safeLocalUser } from './ssh-config';
import { TargetError } from './types';
import type { TargetContext } from './types';
import { translate } from '../../shared/i18n';

/** ssh2 (and its native cpu-features), loaded on first use: only commands that reach an SSH host pay for it. */
let loaded: typeof import('ssh2') | null = null;
function ssh2(): typeof import('ssh2') {
  loaded ??= createRequire(import.meta.url)('ssh2') as typeof import('ssh2');
  return loaded;
}

export type SshTarget = Extract<Target, { kind: 'ssh' }>;

/** Where the accepted host key came from: the runbook, the vault, or a person at first use. */
export type HostKeySource = 'runbook' | 'vault' | 'confirmed';

export interface AcceptedHostKey {
  fingerprint: string;
  source: HostKeySource;
}

/** "SHA256:" + unpadded base64 of the key blob's SHA-256, exactly as `ssh-keygen -l` prints it. */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

function sameFingerprint(a: string, b: string): boolean {
  return a.replace(/=+$/, '') === b.replace(/=+$/, '');
}

export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

export interface Endpoint {
  host: string;
  port: number;
  user: string;
  /** How the operator knows the host: the alias and where it leads, when ~/.ssh/config mapped it. */
  label: string;
}

/** The host, port and user for a target, with its ~/.ssh/config alias applied. */
export function resolveEndpoint(target: SshTarget, context: TargetContext): Endpoint {
  const config = resolveSshHost(target.host, { path: context.sshConfigPath });
  if (config.proxyJump || config.proxyCommand) {
    throw new TargetError('connect_failed', `~/.ssh/config reaches "${target.host}" through ${config.proxyJump ? `ProxyJump ${config.proxyJump}` : 'a ProxyCommand'}, which the workstation does not support: name a host it can reach directly.`);
  }
  const port = target.port ?? config.port ?? 22;
  const label = config.hostName !== target.host ? `${target.host} (${config.hostName}:${port})` : `${config.hostName}:${port}`;
  return { host: config.hostName, port, user: target.user ?? config.user ?? safeLocalUser(), label };
}

/** An open connection and the commands running on it. */
export interface SshSession {
  client: SshClient;
  endpoint: Endpoint;
  hostKey: AcceptedHostKey;
  /** Called when the connection goes away, for every command still running. */
  lost: Set<(reason: string, closedByUs: boolean) => void>;
  closed: boolean;
  /** close() ended it: running commands report 'cancelled', not a lost connection. */
  closing: boolean;
  /** Commands in progress, so close() can stop them first. */
  running: Set<{ stop(): void; finished: Promise<unknown> }>;
}

export interface OpenSessionOptions {
  name: string;
  target: SshTarget;
  context: TargetContext;
  /** A key accepted earlier in this executor's life: a reconnect must see the same one. */
  accepted?: AcceptedHostKey;
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
}

interface AuthMethodConfig {
  type: AuthenticationType;
  username: string;
  agent?: string;
  password?: string;
  key?: Buffer;
  passphrase?: string;
}

type HostKeyVerdict =
  | { kind: 'mismatch'; presented: string; pinned: string; source: HostKeySource }
  | { kind: 'unconfirmed'; presented: string; reason: string };

function authMethods(name: string, target: SshTarget, context: TargetContext, endpoint: Endpoint): { methods: AuthMethodConfig[]; what: string } {
  const username = endpoint.user;
  const secretName = target.secret;
  const secret = secretName !== undefined ? context.secrets[secretName] : undefined;
  if (target.auth === 'agent') {
    const agent = context.agentSocket ?? process.env.SSH_AUTH_SOCK;
    if (!agent) throw new TargetError('auth_failed', `Target "${name}" authenticates with ssh-agent, but no agent is available (SSH_AUTH_SOCK is not set): start ssh-agent and \`ssh-add\` your key, or use auth: key.`);
    return { methods: [{ type: 'agent', username, agent }], what: `the keys in ssh-agent (${agent})` };
  }
  if (target.auth === 'password') {
    if (secretName === undefined) throw new TargetError('auth_failed', `Target "${name}" authenticates with a password but names no \`secret\`: add \`secret: NAME\` and store the password in the vault.`);
    if (secret === undefined) throw new TargetError('auth_failed', `The password for target "${name}" is the secret "${secretName}", which is not in the vault: add it with \`cutover secret set --name ${secretName}\`.`);
    return { methods: [{ type: 'password', username, password: secret }], what: 'the password' };
  }
  const config = resolveSshHost(target.host, { path: context.sshConfigPath });
  const expand = (p: string) => (p.startsWith('~/') ? join(homedir(), p.slice(2)) : p);
  const candidates = target.key_file
    ? [expand(target.key_file)]
    : config.identityFiles.length > 0
      ? config.identityFiles
      : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(homedir(), '.ssh', f)).filter((f) => existsSync(f));
  if (candidates.length === 0) throw new TargetError('auth_failed', `Target "${name}" authenticates with a key file, but none is named (key_file, or IdentityFile in ~/.ssh/config) and ~/.ssh holds no id_ed25519, id_ecdsa or id_rsa.`);
  const methods: AuthMethodConfig[] = [];
  const problems: string[] = [];
  for (const file of candidates) {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (error) {
      problems.push(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      continue;
    }
    const parsed = ssh2().utils.parseKey(data, secret);
    if (parsed instanceof Error) {
      if (/no passphrase|encrypted/i.test(parsed.message) && secret === undefined) {
        problems.push(`${file} is encrypted and ${secretName ? `its passphrase, the secret "${secretName}", is not in the vault` : 'the target names no `secret` holding its passphrase'}`);
      } else if (/bad decrypt|integrity|passphrase/i.test(parsed.message)) {
        problems.push(`${file}: the passphrase in the secret "${secretName}" does not decrypt it`);
      } else {
        problems.push(`${file} is not a private key ssh2 can use (${parsed.message})`);
      }
      continue;
    }
    methods.push({ type: 'publickey', username, key: data, ...(secret !== undefined ? { passphrase: secret } : {}) });
  }
  if (methods.length === 0) throw new TargetError('auth_failed', `No usable key for target "${name}": ${problems.join('; ')}.`);
  return { methods, what: `the key${methods.length > 1 ? 's' : ''} ${candidates.join(', ')}` };
}

function pinnedKey(options: OpenSessionOptions): AcceptedHostKey | undefined {
  if (options.target.host_key) return { fingerprint: options.target.host_key, source: 'runbook' };
  if (options.context.pinnedHostKey) return { fingerprint: options.context.pinnedHostKey, source: 'vault' };
  return options.accepted;
}

function hostKeyError(verdict: HostKeyVerdict, endpoint: Endpoint): TargetError {
  if (verdict.kind === 'mismatch') {
    const from = verdict.source === 'runbook' ? 'the runbook' : verdict.source === 'vault' ? 'the vault' : 'the first connection of this session';
    return new TargetError('host_key_mismatch', `Refused to connect to ${endpoint.label}: its host key is ${verdict.presented}, but ${from} pins ${verdict.pinned}. The host was reinstalled, or someone is in the middle: check the fingerprint with the host's administrators before changing the pin.`);
  }
  return new TargetError('host_key_unconfirmed', `Did not connect to ${endpoint.label}: its host key ${verdict.presented} is not pinned and ${verdict.reason}. Compare it with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on the host, then confirm it.`);
}

function connectError(error: Error & ClientErrorExtensions & { code?: string }, options: OpenSessionOptions, endpoint: Endpoint, what: string): TargetError {
  const code = error.code;
  const where = endpoint.label;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return new TargetError('connect_failed', `Unknown host "${endpoint.host}": the name does not resolve (${code}). Check the host name${endpoint.host === options.target.host ? ' or add an alias for it to ~/.ssh/config' : ' given by ~/.ssh/config'}.`, { cause: error });
  }
  if (code === 'ECONNREFUSED') {
    return new TargetError('connect_failed', `Connection refused by ${where}: nothing listens on that port. Is sshd running there, and is the port right?`, { cause: error });
  }
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN') {
    return new TargetError('connect_failed', `Cannot reach ${where} (${code}): check the network, VPN and firewall.`, { cause: error });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return new TargetError('connect_failed', `${where} reset the connection during the SSH handshake (${code}).`, { cause: error });
  }
  if (error.level === 'client-timeout') {
    return new TargetError('connect_failed', `${where} did not complete the SSH handshake within ${seconds(options.readyTimeoutMs)}: is it an SSH server, and reachable?`, { cause: error });
  }
  if (error.level === 'client-authentication') {
    return new TargetError('auth_failed', `${endpoint.user}@${where} refused ${what}: wrong credentials, or the key is not in the account's authorized_keys.`, { cause: error });
  }
  return new TargetError('connect_failed', `Could not connect to ${where}: ${redactText(error.message, Object.values(options.context.secrets))}.`, { cause: error });
}

/** Marks the session gone and tells every command still running on it. */
export function endSession(session: SshSession, reason: string): void {
  if (session.closed) return;
  session.closed = true;
  for (const lost of [...session.lost]) lost(reason, session.closing);
}

/** Connects, verifies the host key and authenticates. Throws TargetError. */
export function openSession(options: OpenSessionOptions): Promise<SshSession> {
  const endpoint = resolveEndpoint(options.target, options.context);
  const { methods, what } = authMethods(options.name, options.target, options.context, endpoint);
  const pinned = pinnedKey(options);
  const client = new (ssh2().Client)();
  let verdict: HostKeyVerdict | null = null;
  let presented: AcceptedHostKey | null = null;

  const hostVerifier = (key: Buffer, verify: (valid: boolean) => void): void => {
    const fingerprint = hostKeyFingerprint(key);
    // A rekey (every GiB or so) shows the key again: the one accepted at the start must be it.
    if (presented) {
      const same = sameFingerprint(fingerprint, presented.fingerprint);
      if (!same) verdict = { kind: 'mismatch', presented: fingerprint, pinned: presented.fingerprint, source: presented.source };
      verify(same);
      return;
    }
    if (pinned) {
      if (sameFingerprint(fingerprint, pinned.fingerprint)) {
        presented = { fingerprint, source: pinned.source };
        verify(true);
      } else {
        verdict = { kind: 'mismatch', presented: fingerprint, pinned: pinned.fingerprint, source: pinned.source };
        verify(false);
      }
      return;
    }
    const confirm = options.context.confirmHostKey;
    if (!confirm) {
      verdict = { kind: 'unconfirmed', presented: fingerprint, reason: 'no host key is pinned and nobody was asked to confirm it' };
      verify(false);
      return;
    }
    Promise.resolve()
      .then(() => confirm(fingerprint))
      .then(
        (ok) => {
          if (ok === true) presented = { fingerprint, source: 'confirmed' };
          else verdict = { kind: 'unconfirmed', presented: fingerprint, reason: 'the operator did not confirm it' };
          verify(ok === true);
        },
        (error: unknown) => {
          verdict = { kind: 'unconfirmed', presented: fingerprint, reason: translate('en', 'failure.unpinned.failed', { error: (error as Error).message }) };
          verify(false);
        },
      );
  };

  const config: ConnectConfig = {
    host: endpoint.host,
    port: endpoint.port,
    username: endpoint.user,
    readyTimeout: options.readyTimeoutMs,
    keepaliveInterval: options.keepaliveIntervalMs,
    keepaliveCountMax: options.keepaliveCountMax,
    hostVerifier,
    authHandler: methods as ConnectConfig['authHandler'],
  };

  return new Promise<SshSession>((resolve, reject) => {
    let session: SshSession | null = null;
    let settled = false;
    const fail = (error: TargetError) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(error);
    };
    client.on('ready', () => {
      if (settled) return;
      if (!presented) {
        fail(new TargetError('connect_failed', `${endpoint.label} completed the handshake without its host key being checked.`));
        return;
      }
      settled = true;
      session = { client, endpoint, hostKey: presented, lost: new Set(), closed: false, closing: false, running: new Set() };
      resolve(session);
    });
    // One listener for the whole life of the client: an error must never go unhandled.
    client.on('error', (error: Error & ClientErrorExtensions) => {
      if (!settled) fail(verdict ? hostKeyError(verdict, endpoint) : connectError(error, options, endpoint, what));
      else if (session) endSession(session, `the connection to ${endpoint.label} failed: ${error.message}`);
    });
    client.on('close', () => {
      if (!settled) fail(verdict ? hostKeyError(verdict, endpoint) : new TargetError('connect_failed', `${endpoint.label} closed the connection during the SSH handshake.`));
      else if (session) endSession(session, `the connection to ${endpoint.label} closed`);
    });
    try {
      client.connect(config);
    } catch (error) {
      fail(new TargetError('connect_failed', `Could not connect to ${endpoint.label}: ${(error as Error).message}`, { cause: error }));
    }
  });
}
