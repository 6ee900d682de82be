// The one IPC contract between the renderer and the main process.
//
// Every channel is declared once, below, with the zod schema that main parses its input with
// and the type it answers with. Everything else is derived from this object: the handler
// table main must implement, what the preload exposes, the renderer's typed client and the
// test harness's HTTP routes. There is no second list of channel names to drift.
import { z } from 'zod';
import { LANGUAGES, type Lang } from './i18n/languages';
import { MIN_NEW_PASSPHRASE_LENGTH } from './limits';
import type { Subscribe } from './push';
import type { Result } from './result';
import type { ImportedDraftSaved, MarkdownImportView } from './views-import';
import type { DecisionView, IncidentView, PackExportView, PackSignatureImportView, PackSignView, PackVerifyView } from './views-evidence';
import type { WarRoomTranscriptView, WarRoomView } from './views-war-room';
import type {
  AlembicReportView,
  FingerprintDiffView,
  PreflightReportView,
} from './views-db';
import type {
  ActExportView,
  ApprovalView,
  ArtifactRange,
  IdentityStatementView,
  ArtifactView,
  PlanView,
  RunbookOpenResult,
  RunSummary,
  RunView,
  SavedTargetView,
  SecretView,
  SessionKeysView,
  TargetTestResult,
} from './views';

export { MIN_NEW_PASSPHRASE_LENGTH };
export type * from './views';
export type * from './views-db';
export type * from './views-import';
export type * from './views-evidence';
export type * from './views-war-room';
export type * from './push';

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

/** A person as the vault's chain holds them (never as the identities table says). */
export interface IdentityRecord {
  name: string;
  /** operator, approver, observer, or any role a runbook declares. */
  roles: string[];
  publicKey: string;
  fingerprint: string;
  /** public: registered by public key, the person keeps the private side. */
  keySource: 'file' | 'agent' | 'vault' | 'public';
  createdAt: string;
  /** The operator working at this workstation: the one identity whose private key the vault may use. */
  owner: boolean;
  /** Signed this vault's identity statement with their key: only then do their acts count. */
  proven: boolean;
  /** An old vault held their private key: it never signs. */
  custodial: boolean;
  /** Their key is usable at this workstation now (session keyring). */
  usable: boolean;
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

/** An identity's name: it becomes the signer's principal in allowed_signers. */
const identityName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'A name is letters, digits and . _ @ -, up to 64, starting with a letter or digit.');
/** Names of runbook ids, steps, targets and secrets. */
const idName = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'Use letters, digits, _ . - (up to 64), starting with a letter or digit.');
const runId = z.uuid('That is not a run id.');
/** A team ledger's URL: postgresql://user@host:port/db, never with a password. */
const ledgerUrl = z
  .string()
  .trim()
  .min(1, 'Enter the ledger’s URL, for example postgresql://cutover_ledger_writer@db.example:5432/cutover_ledger.')
  .max(2048, 'The URL is too long.')
  .regex(/^postgres(ql)?:\/\//, 'A ledger URL starts with postgresql://, for example postgresql://cutover_ledger_writer@db.example:5432/cutover_ledger.');
/** operator, approver, observer, or any role a runbook declares (lower_snake_case). */
const role = z.string().trim().regex(/^[a-z][a-z0-9_]{0,39}$/, 'A role is lower_snake_case, like operator, approver, observer or incident_commander.');
const absolutePath = vaultPath;
/** Who is signing in the UI: an identity of the vault whose key main holds this session (main and the engine check key and roles). */
const actor = identityName;
/** An armored SSH signature as `ssh-keygen -Y sign` writes it. */
const armoredSignature = z.string().trim().min(1, 'Paste the signature (-----BEGIN SSH SIGNATURE-----).').max(64 * 1024);
const stepRef = { runId, stepId: idName, actor };
/** What main's file dialog returned for a file the window may read or write (files.choose); a path is refused. */
const dialogToken = z.uuid('Choose the file with “Browse…”: the window reads and writes only files picked in the system’s file dialog, never a typed path.');

/** The runbook loader's own limit is 2 MiB of bytes; characters are at most that many. */
const RUNBOOK_MAX_CHARS = 2 * 1024 * 1024;

const tlsMode = z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

export const targetSpecSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('postgres'),
      dsn: z.string().trim().regex(/^postgres(ql)?:\/\//, 'Enter a postgresql:// DSN (without the password: it goes in the secret).'),
      tls: tlsMode.default('prefer'),
      secret: idName.optional().or(z.literal('').transform(() => undefined)),
      description: optionalText(500),
    })
    .strict(),
  z
    .object({
      kind: z.literal('ssh'),
      host: z.string().trim().min(1, 'Enter the host.').max(255),
      port: z.number().int().min(1).max(65535).optional(),
      user: optionalText(64),
      auth: z.enum(['agent', 'key', 'password']).default('agent'),
      keyFile: optionalText(4096),
      secret: idName.optional().or(z.literal('').transform(() => undefined)),
      cwd: optionalText(4096),
      hostKey: z
        .string()
        .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'A host key fingerprint looks like SHA256: and 43 characters.')
        .optional()
        .or(z.literal('').transform(() => undefined)),
      description: optionalText(500),
    })
    .strict(),
  z.object({ kind: z.literal('local'), cwd: optionalText(4096), description: optionalText(500) }).strict(),
  z
    .object({
      kind: z.literal('mysql'),
      dsn: z.string().trim().max(4096).regex(/^mysql:\/\//, 'Enter a mysql:// DSN (without the password: it goes in the secret).'),
      tls: tlsMode.default('prefer'),
      secret: idName.optional().or(z.literal('').transform(() => undefined)),
      description: optionalText(500),
    })
    .strict(),
  z
    .object({
      kind: z.literal('http'),
      baseUrl: z.string().trim().max(4096).regex(/^https?:\/\/\S+$/, 'Enter an http:// or https:// base URL.'),
      /** The vault secret holding the token; sent as Authorization: Bearer … unless authHeader names another header. */
      secret: idName.optional().or(z.literal('').transform(() => undefined)),
      authHeader: z
        .string()
        .trim()
        .max(100)
        .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'A header name looks like X-Api-Key.')
        .optional()
        .or(z.literal('').transform(() => undefined)),
      tlsVerify: z.boolean().default(true),
      description: optionalText(500),
    })
    .strict(),
]);

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
  /**
   * The window's language (its switch): what main's calls into core word their text in where no
   * runbook names a language (a refusal, a pack's verification, a report, the War room's lines).
   */
  'ui.setLanguage': channel<{ lang: Lang }>()({
    input: z.object({ lang: z.enum(LANGUAGES, { error: `The window's language is one of ${LANGUAGES.join(', ')}.` }) }).strict(),
    activity: false,
  }),
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
  'identities.add': channel<IdentityRecord>()({
    input: z
      .object({
        name: identityName,
        roles: z.array(role).min(1, 'Choose at least one role.'),
        source: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('generate') }).strict(),
          z.object({ kind: z.literal('file'), path: absolutePath, passphrase: z.string().max(1024).optional() }).strict(),
          z.object({ kind: z.literal('agent'), key: z.string().trim().max(200).optional() }).strict(),
          /** The person's public key line (their .pub file): they keep the private side and prove it. */
          z.object({ kind: z.literal('public'), publicKey: z.string().trim().min(1, 'Paste the public key line (ssh-ed25519 AAAA…).').max(16 * 1024) }).strict(),
        ]),
        /** Who adds it; absent while the vault has no identity yet. */
        actor: actor.optional(),
      })
      .strict(),
  }),
  'identities.agentKeys': channel<{ fingerprint: string; comment: string }[]>()({ input: z.void() }),
  /** The exact bytes a person signs with `ssh-keygen -Y sign -n cutover-identity-v1` to prove their key. */
  'identities.statement': channel<IdentityStatementView>()({ input: z.object({ name: identityName }).strict() }),
  /** Writes the identity statement to a file for the person to sign. */
  'identities.saveStatement': channel<{ path: string; bytes: number }>()({ input: z.object({ name: identityName, path: absolutePath }).strict() }),
  /** Imports the person's signature over their statement (pasted, or the .sig file). */
  'identities.prove': channel<IdentityRecord>()({
    input: z
      .object({ name: identityName, signature: armoredSignature.optional(), signaturePath: absolutePath.optional(), actor: actor.optional() })
      .strict()
      .refine((v) => (v.signature === undefined) !== (v.signaturePath === undefined), { message: 'Give the signature, pasted or as its .sig file (one of them).' }),
  }),

  /** The keys usable at this workstation this session (only their people can sign here). */
  'keys.list': channel<SessionKeysView>()({ input: z.void(), activity: false }),
  /** A person brings their key file for this session: loaded into memory, never stored in the vault. */
  'keys.bring': channel<SessionKeysView>()({ input: z.object({ path: absolutePath, passphrase: z.string().max(1024).optional() }).strict() }),
  /** The owner's encrypted key file, unlocked once for the session. */
  'keys.unlockOwner': channel<SessionKeysView>()({ input: z.object({ passphrase: z.string().min(1, 'Enter the key passphrase.').max(1024) }).strict() }),
  /** Forgets a brought key (its person leaves the workstation). */
  'keys.forget': channel<SessionKeysView>()({ input: z.object({ fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/) }).strict() }),

  'secrets.list': channel<SecretView[]>()({ input: z.void() }),
  /** Stores a secret's value in the vault; nothing ever reads it back out to the renderer. */
  'secrets.set': channel<SecretView>()({
    input: z.object({ name: idName, value: z.string().min(1, 'Enter the value.').max(8192), actor: actor.optional() }).strict(),
  }),

  'targets.list': channel<SavedTargetView[]>()({ input: z.void() }),
  'targets.save': channel<SavedTargetView>()({ input: z.object({ name: idName, spec: targetSpecSchema, actor: actor.optional() }).strict() }),
  'targets.remove': channel<SavedTargetView[]>()({ input: z.object({ name: idName, actor: actor.optional() }).strict() }),
  /** Connects once and runs the test command; an unpinned SSH host key is pushed for confirmation first. */
  'targets.test': channel<TargetTestResult>()({ input: z.object({ name: idName, actor: actor.optional() }).strict() }),
  'targets.answerHostKey': channel<{ pending: boolean }>()({ input: z.object({ requestId: z.uuid(), accept: z.boolean() }).strict() }),

  /** A native file dialog where there is one ('pack': a returned decision pack .zip); null without one or when cancelled. */
  /** The chosen path (to show) and, for runbook and plan, the token runbook.open and plan.save take instead of a path. */
  /** 'markdown' opens a Markdown runbook to import; 'draft' is where its YAML draft is saved (`name`: the file name the save dialog suggests). */
  'files.choose': channel<{ path: string | null; token: string | null }>()({
    input: z
      .object({
        purpose: z.enum(['runbook', 'plan', 'key', 'pack', 'act', 'signature', 'markdown', 'draft']),
        name: z.string().trim().regex(/^[^/\\\0]{1,255}$/, 'A file name, without folders.').optional(),
      })
      .strict(),
  }),

  /** Validates a runbook (text, or a file main reads); problems come back as data with line:column. */
  'runbook.open': channel<RunbookOpenResult>()({
    input: z.union([
      z.object({ text: z.string().max(RUNBOOK_MAX_CHARS, 'The runbook is larger than 2 MiB.'), source: z.string().trim().min(1).max(4096) }).strict(),
      /** A runbook file picked in main's dialog: the token files.choose returned, never a path. */
      z.object({ token: dialogToken }).strict(),
    ], { error: 'Give the runbook’s text, or open the file with “Browse…”: the window opens only files picked in the system’s file dialog, never a typed path.' }),
  }),

  /** A Markdown runbook picked in main's dialog (files.choose 'markdown'), imported as `cutover runbook import` does: source, draft YAML, what each line became. */
  'runbook.importMarkdown': channel<MarkdownImportView>()({ input: z.object({ token: dialogToken }).strict() }),
  /** Writes that draft (imported again from the same file, and only if it is still the YAML shown) where the save dialog chose (files.choose 'draft'); an existing file only with `overwrite`. */
  'runbook.saveImportedDraft': channel<ImportedDraftSaved>()({
    input: z
      .object({
        source: dialogToken,
        token: dialogToken,
        yamlSha256: z.string().regex(/^[0-9a-f]{64}$/, 'The draft’s SHA-256 (64 hex digits) is missing: import the Markdown again.'),
        overwrite: z.boolean().default(false),
      })
      .strict(),
  }),

  'run.start': channel<RunView>()({
    input: z
      .object({
        text: z.string().min(1).max(RUNBOOK_MAX_CHARS),
        source: z.string().trim().min(1).max(4096),
        environment: z.enum(['rehearsal', 'production']),
        /** Runbook target name → override URI (postgresql://…, ssh://…, local[:DIR]). */
        targets: z.record(idName, z.string().trim().min(1).max(4096)).default({}),
        /** The planned T-0: HH:MM (today, local) or ISO 8601 with its zone; the core checks it. */
        t0: z.string().trim().min(1).max(64).optional(),
        /** Production only: the rehearsal's decision pack, chosen in main's dialog (files.choose, purpose "pack"). */
        rehearsal: dialogToken.optional(),
        actor,
      })
      .strict(),
  }),
  'run.list': channel<RunSummary[]>()({ input: z.void(), activity: false }),
  'run.status': channel<RunView>()({ input: z.object({ runId, actor: actor.optional() }).strict(), activity: false }),
  'run.decide': channel<RunView>()({
    input: z
      .object({ runId, decision: z.enum(['rollback', 'stop', 'retry']), reason: z.string().trim().min(1, 'Say why: the reason goes into the evidence.').max(4000), stepId: idName.optional(), actor })
      .strict(),
  }),

  /** Drafts an act for someone who is not at this workstation; they sign the file with `ssh-keygen -Y sign -n cutover-act-v1`. */
  'act.export': channel<ActExportView>()({
    input: z
      .object({
        runId,
        by: identityName,
        act: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('step.attest'), stepId: idName }).strict(),
          z.object({ kind: z.literal('step.record'), stepId: idName, values: z.record(idName, z.string().max(4000)) }).strict(),
          z.object({ kind: z.literal('step.done'), stepId: idName, note: z.string().trim().max(4000).optional() }).strict(),
          z.object({ kind: z.literal('step.skip'), stepId: idName, reason: z.string().trim().min(1, 'Say why the step is skipped.').max(4000) }).strict(),
          z.object({ kind: z.literal('run.decide'), decision: z.enum(['rollback', 'stop', 'retry']), reason: z.string().trim().min(1, 'Say why: the reason goes into the evidence.').max(4000), stepId: idName.optional() }).strict(),
        ]),
        path: absolutePath,
      })
      .strict(),
  }),
  /** Applies an act signed elsewhere (the act file and its .sig): the same checks as an act signed here. */
  'act.import': channel<RunView>()({ input: z.object({ runId, actPath: absolutePath, signaturePath: absolutePath, /** Who is signing in this window (the view's refusals are for them). */ actor: actor.optional() }).strict() }),

  /** Starts a check, command or monitor step and answers at once; output and the end arrive as pushes. */
  'step.execute': channel<RunView>()({ input: z.object(stepRef).strict() }),
  'step.cancel': channel<{ cancelled: boolean }>()({ input: z.object({ runId, stepId: idName }).strict() }),
  'step.attest': channel<RunView>()({ input: z.object(stepRef).strict() }),
  'step.record': channel<RunView>()({
    input: z.object({ ...stepRef, values: z.record(idName, z.string().max(4000)) }).strict(),
  }),
  'step.done': channel<RunView>()({ input: z.object({ ...stepRef, note: z.string().trim().max(4000).optional() }).strict() }),
  /** An operator skips a step on purpose; the reason goes into the evidence and the decision. */
  'step.skip': channel<RunView>()({
    input: z.object({ ...stepRef, reason: z.string().trim().min(1, 'Say why the step is skipped: the reason goes into the evidence.').max(4000) }).strict(),
  }),

  'plan.export': channel<PlanView>()({ input: z.object({ runId }).strict() }),
  /** Writes the exact signed bytes to a file (for an approver on another machine). */
  'plan.save': channel<{ path: string; bytes: number; digest: string }>()({ input: z.object({ runId, token: dialogToken }).strict() }),
  /** Signs the plan as `signer`, with their key from this session's keyring. */
  'approval.sign': channel<ApprovalView>()({ input: z.object({ runId, signer: identityName }).strict() }),
  'approval.import': channel<ApprovalView>()({
    input: z
      .object({
        runId,
        signature: armoredSignature,
        /** The plan text that was signed; default: this run's current plan. */
        planText: z.string().max(RUNBOOK_MAX_CHARS).optional(),
      })
      .strict(),
  }),

  'artifacts.list': channel<ArtifactView[]>()({ input: z.void(), activity: false }),
  'artifacts.readRange': channel<ArtifactRange>()({
    input: z
      .object({ id: z.uuid(), offset: z.number().int().min(0), length: z.number().int().min(1).max(4 * 1024 * 1024) })
      .strict(),
    activity: false,
  }),

  'alembic.inspect': channel<AlembicReportView>()({
    input: z
      .object({
        scripts: absolutePath,
        /** A saved postgres target to read alembic_version from; without it, only the scripts are read. */
        target: idName.optional(),
        revisionTarget: z.string().trim().max(200).optional(),
      })
      .strict(),
  }),
  'preflight.run': channel<PreflightReportView>()({ input: z.object({ target: idName }).strict() }),
  'preflight.diff': channel<FingerprintDiffView>()({ input: z.object({ left: idName, right: idName }).strict() }),

  'decision.get': channel<DecisionView>()({ input: z.object({ runId }).strict() }),
  /** A person's part of the formal decision; the engine checks who may authorize. */
  'decision.record': channel<DecisionView>()({
    input: z
      .object({
        runId,
        actor,
        rootCause: z.string().trim().max(500).optional(),
        riskTier: z.string().trim().max(100).optional(),
        drift: z.string().trim().max(500).optional(),
        authorization: z.enum(['Approved', 'Rejected']).optional(),
        note: z.string().trim().max(1000).optional(),
      })
      .strict(),
  }),
  /** Drafts a person's part of the decision as an act file they sign on their own machine. */
  'decision.exportAct': channel<ActExportView>()({
    input: z
      .object({
        runId,
        by: identityName,
        rootCause: z.string().trim().max(500).optional(),
        riskTier: z.string().trim().max(100).optional(),
        drift: z.string().trim().max(500).optional(),
        authorization: z.enum(['Approved', 'Rejected']).optional(),
        note: z.string().trim().max(1000).optional(),
        path: absolutePath,
      })
      .strict(),
  }),
  /** Records a decision act signed elsewhere (the act file and its .sig). */
  'decision.importAct': channel<DecisionView>()({ input: z.object({ runId, actPath: absolutePath, signaturePath: absolutePath }).strict() }),
  'pack.export': channel<PackExportView>()({ input: z.object({ runId, outDir: absolutePath, actor }).strict() }),
  'pack.verify': channel<PackVerifyView>()({ input: z.object({ path: absolutePath }).strict() }),
  'pack.sign': channel<PackSignView>()({
    input: z
      .object({ path: absolutePath, identity: identityName, decision: z.enum(['approve', 'reject']), reason: z.string().trim().max(4000).optional() })
      .strict(),
  }),
  /** Brings a signature made elsewhere (`cutover pack sign`) from the returned pack into the vault, checked against the vault's key for the identity. */
  'pack.importSignature': channel<PackSignatureImportView>()({ input: z.object({ runId, path: absolutePath, identity: identityName }).strict() }),
  /** Opens a PDF this session wrote (the pack's decision.pdf, an incident report) with the OS viewer. */
  'files.openPdf': channel<{ opened: boolean }>()({ input: z.object({ path: absolutePath }).strict() }),
  'incident.get': channel<IncidentView>()({ input: z.object({ runId }).strict() }),
  'incident.save': channel<{ markdown: string; pdf: string }>()({ input: z.object({ runId, dir: absolutePath }).strict() }),

  /** The War room: the shared run (given, or the newest) as this window's follower of the team ledger holds it. */
  'warRoom.view': channel<WarRoomView>()({ input: z.object({ runId: runId.optional() }).strict(), activity: false }),
  /** Follows the team ledger at `url` (no password: PGPASSWORD or ~/.pgpass), remembered for this vault; its history is read and checked first. */
  'warRoom.connect': channel<WarRoomView>()({ input: z.object({ url: ledgerUrl, runId: runId.optional() }).strict() }),
  'warRoom.disconnect': channel<WarRoomView>()({ input: z.void() }),
  /** This vault's owner approves the plan offered for the run, signed with their key and sent through the ledger (core's ledger approve). */
  'warRoom.approve': channel<WarRoomView>()({ input: z.object({ runId }).strict() }),
  /** This vault's owner signs a decision (the GO / NO-GO, or rollback / stop / retry) and sends it through the ledger (core's ledger decide). */
  'warRoom.decide': channel<WarRoomView>()({
    input: z
      .object({
        runId,
        decision: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('decision.record'), authorization: z.enum(['Approved', 'Rejected']), note: z.string().trim().max(1000).optional() }).strict(),
          z.object({ kind: z.literal('run.decide'), decision: z.enum(['rollback', 'stop', 'retry']), reason: z.string().trim().min(1, 'Say why: the reason goes into the evidence.').max(4000), stepId: idName.optional() }).strict(),
        ]),
      })
      .strict(),
  }),
  /** A step transcript of the ledger followed (`artifactId` as its step.started names it), checked chunk by chunk; the newest 256 KiB of its text. */
  'warRoom.transcript': channel<WarRoomTranscriptView>()({
    input: z
      .object({
        workstation: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'That is not a workstation name.'),
        artifactId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'That is not a transcript id.'),
      })
      .strict(),
    activity: false,
  }),
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

/** One function per channel: envelopes, as data. */
export type Calls = { [C in ChannelName]: (input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>> };

/** What the preload (or the test harness's bridge) exposes as `window.cutover`: the calls, and pushes from main. */
export type Bridge = Calls & { readonly subscribe: Subscribe };

type Namespace<C> = C extends `${infer N}.${string}` ? N : never;
type MethodOf<C, N extends string> = C extends `${N}.${infer M}` ? M : never;
type Unwrapped<R> = R extends { ok: true; value: infer V } ? V : never;

/** A channel as the renderer calls it: same parameters as the bridge, rethrows instead of returning errors. */
export type ClientMethod<C extends ChannelName> = (...args: Parameters<Calls[C]>) => Promise<Unwrapped<Awaited<ReturnType<Calls[C]>>>>;

/** The renderer's client, grouped by the channel's namespace: `client.vault.unlock(...)`. */
export type Client = {
  [N in Namespace<ChannelName>]: { [M in MethodOf<ChannelName, N>]: ClientMethod<`${N}.${M}` & ChannelName> };
};

export const channelNames = Object.keys(contract) as ChannelName[];

export function isChannelName(name: string): name is ChannelName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}
