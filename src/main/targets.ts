// Saved targets and secrets, kept in the vault. A saved target is a `target.saved` event (the
// chain is the only store: the latest one per name wins, `target.removed` forgets it); a
// secret's value is sealed by core and never comes back out through the contract.
import { performance } from 'node:perf_hooks';
import { targetSchema, type Target } from '../core/runbook';
import { createExecutor, TargetError, type Executor } from '../core/targets';
import { getSecrets, secretNames, type Vault, type VaultEvent } from '../core/vault';
import type { SavedTargetView, SecretView, TargetSpec, TargetTestResult } from '../shared/views';
import type { HostKeyBroker } from './host-keys';
import { targetAddressOf } from './views';
import { english, worded } from './worded';

const SAVED = 'target.saved';
const REMOVED = 'target.removed';
const CONFIRMED = 'target.host_key_confirmed';

interface SavedEntry {
  name: string;
  spec: TargetSpec;
  savedAt: string;
  hostKey: string | null;
}

/** The runbook target a spec describes (core's schema decides what is valid). */
export function toTarget(spec: TargetSpec): Target {
  switch (spec.kind) {
    case 'postgres':
      return targetSchema.parse({ kind: 'postgres', dsn: spec.dsn, tls: spec.tls, ...(spec.secret ? { secret: spec.secret } : {}), ...(spec.description ? { description: spec.description } : {}) });
    case 'ssh':
      return targetSchema.parse({
        kind: 'ssh',
        host: spec.host,
        ...(spec.port ? { port: spec.port } : {}),
        ...(spec.user ? { user: spec.user } : {}),
        auth: spec.auth,
        ...(spec.keyFile ? { key_file: spec.keyFile } : {}),
        ...(spec.secret ? { secret: spec.secret } : {}),
        ...(spec.cwd ? { cwd: spec.cwd } : {}),
        ...(spec.hostKey ? { host_key: spec.hostKey } : {}),
        ...(spec.description ? { description: spec.description } : {}),
      });
    case 'local':
      return targetSchema.parse({ kind: 'local', ...(spec.cwd ? { cwd: spec.cwd } : {}), ...(spec.description ? { description: spec.description } : {}) });
    case 'mysql':
      return targetSchema.parse({ kind: 'mysql', dsn: spec.dsn, tls: spec.tls, ...(spec.secret ? { secret: spec.secret } : {}), ...(spec.description ? { description: spec.description } : {}) });
    case 'http':
      return targetSchema.parse({
        kind: 'http',
        base_url: spec.baseUrl,
        ...(spec.secret ? { auth: spec.authHeader ? { header: spec.authHeader, secret: spec.secret } : { bearer: spec.secret } } : {}),
        tls_verify: spec.tlsVerify,
        ...(spec.description ? { description: spec.description } : {}),
      });
  }
}

/** What `run.start` takes to point a runbook target at this one (the engine's --target NAME=URI). */
export function overrideUri(spec: TargetSpec, hostKey: string | null): string {
  if (spec.kind === 'postgres' || spec.kind === 'mysql') {
    const url = new URL(spec.dsn);
    if (!url.searchParams.has('sslmode') && !url.searchParams.has('ssl-mode')) url.searchParams.set('sslmode', spec.tls);
    return url.toString();
  }
  // As an override only the base URL changes: the runbook's headers, token and TLS setting stay.
  if (spec.kind === 'http') return spec.baseUrl;
  if (spec.kind === 'ssh') {
    const user = spec.user ? `${encodeURIComponent(spec.user)}@` : '';
    const params = new URLSearchParams();
    if (spec.cwd) params.set('cwd', spec.cwd);
    const pinned = spec.hostKey ?? hostKey;
    if (pinned) params.set('host_key', pinned);
    const query = params.toString();
    return `ssh://${user}${spec.host}:${spec.port ?? 22}${query ? `?${query}` : ''}`;
  }
  return spec.cwd ? `local:${spec.cwd}` : 'local';
}

function fold(events: VaultEvent[]): Map<string, SavedEntry> {
  const saved = new Map<string, SavedEntry>();
  for (const e of events) {
    const p = e.payload as { name?: string; spec?: TargetSpec; fingerprint?: string };
    if (!p?.name) continue;
    if (e.type === SAVED && p.spec) saved.set(p.name, { name: p.name, spec: p.spec, savedAt: e.at, hostKey: p.spec.kind === 'ssh' ? (p.spec.hostKey ?? null) : null });
    else if (e.type === REMOVED) saved.delete(p.name);
    else if (e.type === CONFIRMED && p.fingerprint) {
      const entry = saved.get(p.name);
      if (entry) entry.hostKey = p.fingerprint;
    }
  }
  return saved;
}

export class TargetStore {
  constructor(
    private readonly hostKeys: HostKeyBroker,
    private readonly connection: { agentSocket?: string; sshConfigPath?: string },
  ) {}

  private entries(vault: Vault): Map<string, SavedEntry> {
    return fold(vault.events());
  }

  private view(vault: Vault, entry: SavedEntry, secrets: Set<string>): SavedTargetView {
    const target = toTarget(entry.spec);
    const secret = 'secret' in entry.spec ? (entry.spec.secret ?? null) : null;
    return {
      name: entry.name,
      kind: entry.spec.kind,
      address: targetAddressOf(target),
      description: entry.spec.description ?? null,
      secret,
      secretSet: secret !== null && secrets.has(secret),
      hostKey: entry.hostKey,
      overrideUri: overrideUri(entry.spec, entry.hostKey),
      savedAt: entry.savedAt,
      spec: entry.spec,
    };
  }

  list(vault: Vault): SavedTargetView[] {
    const secrets = new Set(secretNames(vault));
    return [...this.entries(vault).values()].sort((a, b) => a.name.localeCompare(b.name)).map((e) => this.view(vault, e, secrets));
  }

  save(vault: Vault, name: string, spec: TargetSpec, actor: string): SavedTargetView {
    toTarget(spec); // refuses what a runbook would refuse (a password in the DSN, a bad host key)
    vault.append({ actor, type: SAVED, payload: { name, spec } });
    const saved = this.list(vault).find((t) => t.name === name);
    if (!saved) throw new Error(`target ${name} was saved but cannot be read back`);
    return saved;
  }

  remove(vault: Vault, name: string, actor: string): SavedTargetView[] {
    if (!this.entries(vault).has(name)) throw new TargetNotFoundError(name);
    vault.append({ actor, type: REMOVED, payload: { name } });
    return this.list(vault);
  }

  /** Connects once (ssh: `true`; postgres: SELECT 1; local: the shell) and closes. */
  async test(vault: Vault, name: string, actor: string): Promise<TargetTestResult> {
    const entry = this.entries(vault).get(name);
    if (!entry) throw new TargetNotFoundError(name);
    const target = toTarget(entry.spec);
    const secret = target.kind === 'http' ? (target.auth ? ('bearer' in target.auth ? target.auth.bearer : target.auth.secret) : undefined) : 'secret' in target ? target.secret : undefined;
    const address = targetAddressOf(target);
    const executor = createExecutor(name, target, {
      secrets: secret ? getSecrets(vault, [secret]) : {},
      pinnedHostKey: entry.hostKey ?? undefined,
      agentSocket: this.connection.agentSocket,
      sshConfigPath: this.connection.sshConfigPath,
      applicationName: 'cutover-workstation/test',
      confirmHostKey: (fingerprint) => this.hostKeys.request({ target: name, address, fingerprint, context: { kind: 'test' } }),
    });
    const started = performance.now();
    try {
      await executor.connect();
      if (target.kind === 'http') return await this.probeHttp(executor, name, started);
      const source = (executor as { hostKeySource?: string }).hostKeySource ?? null;
      const hostKey = executor.hostKey ?? null;
      if (hostKey && source === 'confirmed') vault.append({ actor, type: CONFIRMED, payload: { name, fingerprint: hostKey } });
      return { ok: true, name, kind: target.kind, hostKey, hostKeySource: source, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      const failure = error instanceof TargetError ? error.kind : 'internal';
      return { ok: false, name, kind: target.kind, failure, message: error instanceof Error ? error.message : String(error), durationMs: Math.round(performance.now() - started) };
    } finally {
      await executor.close().catch(() => undefined);
    }
  }

  /** An http target answers at all: a HEAD of its base URL; any status proves the address, TLS and token. */
  private async probeHttp(executor: Executor, name: string, started: number): Promise<TargetTestResult> {
    const result = await executor.exec({ command: 'HEAD /', http: { method: 'HEAD', path: '', headers: {} }, timeoutMs: 15_000, onOutput: () => undefined });
    const durationMs = Math.round(performance.now() - started);
    if (result.failure || !result.http) return { ok: false, name, kind: 'http', failure: result.failure?.kind ?? 'connect_failed', message: result.failure?.message ?? 'No HTTP response.', durationMs };
    return { ok: true, name, kind: 'http', hostKey: null, hostKeySource: null, durationMs, httpStatus: result.http.status };
  }

  /** A saved postgres target as what the read-only inspections need: its DSN and password. */
  postgres(vault: Vault, name: string): { dsn: string; password: string | undefined; tls: string } {
    const entry = this.entries(vault).get(name);
    if (!entry) throw new TargetNotFoundError(name);
    if (entry.spec.kind !== 'postgres') throw new TargetKindError(name, entry.spec.kind);
    const password = entry.spec.secret ? getSecrets(vault, [entry.spec.secret])[entry.spec.secret] : undefined;
    return { dsn: overrideUri(entry.spec, null), password, tls: entry.spec.tls };
  }
}

export class TargetNotFoundError extends Error {
  readonly code = 'TARGET_NOT_FOUND';
  constructor(name: string) {
    super(english('main.target.notFound', { name }));
    this.name = 'TargetNotFoundError';
    worded(this, 'main.target.notFound', { name });
  }
}

export class TargetKindError extends Error {
  readonly code = 'BAD_INPUT';
  constructor(name: string, kind: string) {
    super(english('main.target.notPostgres', { name, kind }));
    this.name = 'TargetKindError';
    worded(this, 'main.target.notPostgres', { name, kind });
  }
}

/** Secret names with when (and by whom) each was last set; values never leave the vault. */
export function listSecrets(vault: Vault): SecretView[] {
  const names = new Set(secretNames(vault));
  const last = new Map<string, { at: string; actor: string }>();
  for (const e of vault.events()) {
    if (e.type !== 'secret.set') continue;
    const name = (e.payload as { name?: string }).name;
    if (name) last.set(name, { at: e.at, actor: e.actor });
  }
  return [...names].sort().map((name) => ({ name, setAt: last.get(name)?.at ?? null, setBy: last.get(name)?.actor ?? null }));
}
