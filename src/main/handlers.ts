// Binds every contract channel to the vault core. Plain TypeScript with no Electron import:
// Electron's main process and the loopback test harness both run exactly this code, with
// their own keychain and file dialog injected.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { Vault, type VaultEvent, type VerifyReport } from '../core/vault';
import { contract, isChannelName, type Handlers, type TimelineEvent, type VaultStatus, type VerifyResult } from '../shared/contract';
import { fail, ok, type ErrorData, type Result } from '../shared/result';
import { VaultSession } from './session';

/** The OS keychain as main sees it (Electron: safeStorage). Wraps and unwraps the vault's data key. */
export interface Keychain {
  isAvailable(): boolean;
  wrap(dataKey: Buffer): Buffer;
  unwrap(wrapped: Buffer): Buffer;
}

export interface HostServices {
  /** Null where there is no keychain at all. */
  keychain: Keychain | null;
  /** Where a vault goes when the user does not choose; its folder is created on demand. */
  defaultVaultPath: string;
  /** A native file dialog, where there is one. */
  chooseVaultPath?: (purpose: 'create' | 'open') => Promise<string | null>;
  /** Idle time before the open vault locks itself; null never locks. Default 15 minutes. */
  autoLockMs?: number | null;
  log?: (message: string) => void;
}

export interface ContractService {
  readonly handlers: Handlers;
  /** Validates and runs one call; never throws: errors come back as data. */
  dispatch(channel: string, input: unknown): Promise<Result<unknown>>;
  /** Closes the open vault (app quit, harness shutdown). */
  dispose(): void;
}

export const DEFAULT_AUTO_LOCK_MS = 15 * 60_000;

/** An error raised by the handlers themselves (not by core), with a stable code. */
class HandlerError extends Error {
  constructor(
    name: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = name;
  }
}

function keychainUnavailable(): HandlerError {
  return new HandlerError(
    'KeychainUnavailableError',
    'KEYCHAIN_UNAVAILABLE',
    'This machine offers no OS keychain to Cutover Workstation (Electron safeStorage is not available), so a vault cannot be remembered or unlocked with it. Use the passphrase.',
  );
}

/** Turns anything thrown into the error envelope's data; never leaks a stack. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof z.ZodError) {
    const messages = [...new Set(error.issues.map((issue) => issue.message))];
    return { name: 'InvalidInputError', code: 'BAD_INPUT', message: messages.join(' ') };
  }
  if (error instanceof Error) {
    // better-sqlite3 built for Node loaded into Electron (or the reverse): say how to fix it.
    if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(error.message)) {
      return {
        name: 'NativeModuleError',
        code: 'NATIVE_MODULE_MISMATCH',
        message: 'The SQLite module was built for a different runtime than this app. Start the desktop app with `npm start`, which builds it for Electron in .electron-native/.',
      };
    }
    const code = (error as { code?: unknown }).code;
    return { name: error.name || 'Error', code: typeof code === 'string' ? code : 'INTERNAL', message: error.message };
  }
  return { name: 'Error', code: 'INTERNAL', message: String(error) };
}

function toTimelineEvent(event: VaultEvent): TimelineEvent {
  return { seq: event.seq, at: event.at, actor: event.actor, type: event.type, payload: event.payload, prevHash: event.prevHash, hash: event.hash };
}

function toVerifyResult(report: VerifyReport, durationMs: number): VerifyResult {
  return {
    ok: report.ok,
    events: report.events,
    artifacts: report.artifacts,
    bytes: report.bytes,
    headHash: report.headHash,
    firstBadEvent: report.firstBadEvent,
    badArtifacts: report.badArtifacts,
    incompleteArtifacts: report.incompleteArtifacts.map((a) => ({ id: a.id, name: a.name, state: a.state, size: a.size })),
    corruption: report.corruption,
    durationMs: Math.round(durationMs),
  };
}

export function createContractService(host: HostServices): ContractService {
  const log = host.log ?? (() => {});
  const session = new VaultSession(host.autoLockMs === undefined ? DEFAULT_AUTO_LOCK_MS : host.autoLockMs, log);
  const keychain = (): Keychain | null => (host.keychain?.isAvailable() ? host.keychain : null);

  function status(): VaultStatus {
    const vault = session.current;
    let remembered = false;
    if (vault) {
      try {
        remembered = Vault.hasKeychainSlot(vault.path);
      } catch {
        remembered = false;
      }
    }
    return {
      unlocked: vault !== null,
      path: vault?.path ?? null,
      head: vault ? vault.head() : null,
      keychainAvailable: keychain() !== null,
      keychainRemembered: remembered,
      defaultPath: host.defaultVaultPath,
      canChoosePath: host.chooseVaultPath !== undefined,
      autoLockMinutes: host.autoLockMs === null ? null : (host.autoLockMs ?? DEFAULT_AUTO_LOCK_MS) / 60_000,
      lockedReason: session.lockedReason,
    };
  }

  /** Closes whatever is open first: reopening the same file must not meet our own handle. */
  function openWith(open: () => Vault): VaultStatus {
    session.close();
    session.adopt(open());
    return status();
  }

  const handlers: Handlers = {
    'vault.status': () => status(),

    'vault.inspect': ({ path }) => {
      const exists = existsSync(path);
      let keychainSlot = false;
      if (exists) {
        try {
          keychainSlot = Vault.hasKeychainSlot(path);
        } catch {
          keychainSlot = false;
        }
      }
      return { exists, keychainSlot };
    },

    'vault.choosePath': async ({ purpose }) => ({ path: host.chooseVaultPath ? await host.chooseVaultPath(purpose) : null }),

    'vault.create': ({ path, passphrase }) =>
      openWith(() => {
        if (path === host.defaultVaultPath) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        return Vault.create(path, passphrase);
      }),

    'vault.unlock': ({ path, passphrase }) => openWith(() => Vault.open(path, { passphrase })),

    'vault.unlockWithKeychain': ({ path }) => {
      const kc = keychain();
      if (!kc) throw keychainUnavailable();
      return openWith(() => Vault.open(path, { keychain: { unwrap: (wrapped) => kc.unwrap(wrapped) } }));
    },

    'vault.lock': () => {
      session.close();
      return status();
    },

    'vault.changePassphrase': ({ oldPassphrase, newPassphrase }) => {
      session.require().changePassphrase(oldPassphrase, newPassphrase);
      return status();
    },

    'vault.remember': () => {
      const vault = session.require();
      const kc = keychain();
      if (!kc) throw keychainUnavailable();
      vault.setKeychainSlot((dataKey) => kc.wrap(dataKey));
      return status();
    },

    'vault.forget': () => {
      session.require().removeKeychainSlot();
      return status();
    },

    'vault.verify': () => {
      const vault = session.require();
      const started = performance.now();
      const report = vault.verify();
      return toVerifyResult(report, performance.now() - started);
    },

    'events.list': ({ beforeSeq, limit }) => {
      const vault = session.require();
      const head = vault.head();
      // Seqs are contiguous from 1, so a page is the half-open range [start, end).
      const end = Math.min(beforeSeq ?? head.seq + 1, head.seq + 1);
      const start = Math.max(1, end - limit);
      const events = end > start ? vault.events({ afterSeq: start - 1, limit: end - start }) : [];
      return { events: events.reverse().map(toTimelineEvent), head, hasOlder: start > 1 };
    },

    'identities.list': () =>
      session
        .require()
        .listIdentities()
        .map((identity) => ({
          name: identity.name,
          roles: [...identity.roles],
          publicKey: identity.publicKey,
          fingerprint: identity.fingerprint,
          keySource: identity.keySource,
          createdAt: identity.createdAt,
        })),
  };

  return {
    handlers,

    async dispatch(channel, input) {
      if (!isChannelName(channel)) {
        return fail({ name: 'UnknownChannelError', code: 'UNKNOWN_CHANNEL', message: `"${channel}" is not a channel of this app's contract.` });
      }
      const spec = contract[channel];
      try {
        const parsed: unknown = spec.input.parse(input);
        if (spec.activity) session.touch();
        const handler = handlers[channel] as (input: unknown) => unknown;
        return ok(await handler(parsed));
      } catch (error) {
        const data = toErrorData(error);
        if (data.code === 'INTERNAL') log(`${channel} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return fail(data);
      }
    },

    dispose() {
      session.close();
    },
  };
}
