// The one IPC contract between the renderer and the main process.
//
// Every channel is declared once, below, with the zod schema that main parses its input with
// and the type it answers with. Everything else is derived from this object: the handler
// table main must implement, what the preload exposes, the renderer's typed client and the
// test harness's HTTP routes. There is no second list of channel names to drift.
import { z } from 'zod';
import { MIN_NEW_PASSPHRASE_LENGTH } from './limits';
import type { Result } from './result';

export { MIN_NEW_PASSPHRASE_LENGTH };

/** Every IPC channel is this prefix plus a contract channel name; main and preload allow nothing else. */
export const CHANNEL_PREFIX = 'cutover:';

// ---------------------------------------------------------------------------------------
// What channels answer with. These are the boundary's own shapes (plain, serialisable):
// shared never imports core, and main maps core's types onto these.

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface VaultStatus {
  unlocked: boolean;
  /** The open vault's file, or null when locked. */
  path: string | null;
  head: ChainHead | null;
  /** Whether this machine offers an OS keychain (Electron's safeStorage). */
  keychainAvailable: boolean;
  /** Whether the open vault has a keychain slot ("remembered on this device"). */
  keychainRemembered: boolean;
  /** Where a vault goes when the user does not choose (under the app's data folder). */
  defaultPath: string;
  /** Whether vault.choosePath can show a native file dialog. */
  canChoosePath: boolean;
  /** Minutes of inactivity after which the vault locks itself, or null for never. */
  autoLockMinutes: number | null;
  /** Why the last session ended without the user asking ('idle'), or null. */
  lockedReason: 'idle' | null;
}

export interface VaultProbe {
  exists: boolean;
  /** Whether the file there can be unlocked with the OS keychain. */
  keychainSlot: boolean;
}

export interface TimelineEvent {
  seq: number;
  /** ISO-8601 UTC with milliseconds. */
  at: string;
  actor: string;
  type: string;
  payload: unknown;
  prevHash: string;
  hash: string;
}

export interface TimelinePage {
  /** Newest first. */
  events: TimelineEvent[];
  head: ChainHead;
  /** Whether events older than the last one in this page exist. */
  hasOlder: boolean;
}

export interface VerifyProblemData {
  kind: 'event' | 'artifact' | 'database';
  ref: string;
  message: string;
}

export interface ArtifactSummary {
  id: string;
  name: string;
  state: 'open' | 'complete' | 'incomplete';
  size: number;
}

export interface VerifyResult {
  ok: boolean;
  events: number;
  artifacts: number;
  bytes: number;
  headHash: string;
  firstBadEvent: VerifyProblemData | null;
  badArtifacts: VerifyProblemData[];
  incompleteArtifacts: ArtifactSummary[];
  corruption: VerifyProblemData | null;
  durationMs: number;
}

export interface IdentityRecord {
  name: string;
  roles: ('operator' | 'approver' | 'observer')[];
  publicKey: string;
  fingerprint: string;
  keySource: 'file' | 'agent' | 'vault';
  createdAt: string;
}

// ---------------------------------------------------------------------------------------
// Input schemas.

/** Absolute POSIX path, Windows drive path or UNC path: a relative path would depend on main's cwd. */
const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

const vaultPath = z
  .string()
  .trim()
  .min(1, 'Enter the path of the vault file.')
  .max(4096, 'The path is too long.')
  .refine((p) => !p.includes('\0'), 'The path contains a NUL character.')
  .refine((p) => ABSOLUTE_PATH.test(p), 'Use an absolute path, for example /home/you/cutover.vault.');

const existingPassphrase = z.string().min(1, 'Enter the passphrase.').max(1024, 'The passphrase is too long.');
const newPassphrase = z
  .string()
  .min(MIN_NEW_PASSPHRASE_LENGTH, `Use at least ${MIN_NEW_PASSPHRASE_LENGTH} characters for a passphrase.`)
  .max(1024, 'The passphrase is too long.');

// ---------------------------------------------------------------------------------------
// The channels.

interface ChannelSpec<I extends z.ZodType, O> {
  readonly input: I;
  /** Type-only: the value a successful call answers with. Never read at run time. */
  readonly output: O;
  /** Whether a call counts as user activity for the idle auto-lock (polling status does not). */
  readonly activity: boolean;
}

/** Declares a channel answering with O; curried so I is inferred from the schema. */
function channel<O>() {
  return <I extends z.ZodType>(spec: { input: I; activity?: boolean }): ChannelSpec<I, O> => ({
    input: spec.input,
    output: undefined as O,
    activity: spec.activity ?? true,
  });
}

export const contract = {
  'vault.status': channel<VaultStatus>()({ input: z.void(), activity: false }),
  'vault.inspect': channel<VaultProbe>()({ input: z.object({ path: vaultPath }).strict() }),
  'vault.choosePath': channel<{ path: string | null }>()({ input: z.object({ purpose: z.enum(['create', 'open']) }).strict() }),
  'vault.create': channel<VaultStatus>()({ input: z.object({ path: vaultPath, passphrase: newPassphrase }).strict() }),
  'vault.unlock': channel<VaultStatus>()({ input: z.object({ path: vaultPath, passphrase: existingPassphrase }).strict() }),
  'vault.unlockWithKeychain': channel<VaultStatus>()({ input: z.object({ path: vaultPath }).strict() }),
  'vault.lock': channel<VaultStatus>()({ input: z.void() }),
  'vault.changePassphrase': channel<VaultStatus>()({
    input: z
      .object({ oldPassphrase: existingPassphrase, newPassphrase })
      .strict()
      .refine((v) => v.oldPassphrase !== v.newPassphrase, { message: 'The new passphrase is the same as the current one.', path: ['newPassphrase'] }),
  }),
  'vault.remember': channel<VaultStatus>()({ input: z.void() }),
  'vault.forget': channel<VaultStatus>()({ input: z.void() }),
  'vault.verify': channel<VerifyResult>()({ input: z.void() }),
  'events.list': channel<TimelinePage>()({
    input: z
      .object({
        /** Page of events strictly older than this seq; omitted for the newest page. */
        beforeSeq: z.number().int().min(1).optional(),
        limit: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
  }),
  'identities.list': channel<IdentityRecord[]>()({ input: z.void() }),
} as const;

// ---------------------------------------------------------------------------------------
// Derived types.

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
/** What a caller passes (before defaults are applied). */
export type ChannelInput<C extends ChannelName> = z.input<Contract[C]['input']>;
/** What a handler receives (after the schema parsed it). */
export type ParsedInput<C extends ChannelName> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends ChannelName> = Contract[C]['output'];

/** Main's side: one function per channel, given parsed input. */
export type Handlers = { [C in ChannelName]: (input: ParsedInput<C>) => ChannelOutput<C> | Promise<ChannelOutput<C>> };

/** What the preload (or the test harness's bridge) exposes as `window.cutover`: envelopes, as data. */
export type Bridge = { [C in ChannelName]: (input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>> };

type Namespace<C> = C extends `${infer N}.${string}` ? N : never;
type MethodOf<C, N extends string> = C extends `${N}.${infer M}` ? M : never;
type Unwrapped<R> = R extends { ok: true; value: infer V } ? V : never;

/** A channel as the renderer calls it: same parameters as the bridge, rethrows instead of returning errors. */
export type ClientMethod<C extends ChannelName> = (...args: Parameters<Bridge[C]>) => Promise<Unwrapped<Awaited<ReturnType<Bridge[C]>>>>;

/** The renderer's client, grouped by the channel's namespace: `client.vault.unlock(...)`. */
export type Client = {
  [N in Namespace<ChannelName>]: { [M in MethodOf<ChannelName, N>]: ClientMethod<`${N}.${M}` & ChannelName> };
};

export const channelNames = Object.keys(contract) as ChannelName[];

export function isChannelName(name: string): name is ChannelName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}
