// Binds every contract channel to the vault core. Plain TypeScript with no Electron import:
// Electron's main process and the loopback test harness both run exactly this code, with
// their own keychain and file dialog injected.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { listAgentKeys, parsePublicKey } from '../core/signing';
import { addIdentityFrom, identityStatementFor, IDENTITY_NAMESPACE, proveIdentity, registryOf, type ChainIdentity } from '../core/identity';
import { loadRunbook, loadRunbookFile, RunbookError } from '../core/runbook';
import { setSecret, Vault, type VaultEvent, type VerifyReport } from '../core/vault';
import { verifyReportIn } from '../core/vault/verify';
import { contract, isChannelName, type Handlers, type IdentityRecord, type RunbookOpenResult, type TimelineEvent, type VaultStatus, type VerifyResult } from '../shared/contract';
import { DEFAULT_LANG, type Lang } from '../shared/i18n';
import type { PushListener } from '../shared/push';
import { fail, ok, type ErrorData, type Result } from '../shared/result';
import { readRange } from './artifacts';
import { alembicReport, parityDiff, preflightReport } from './db-tools';
import { decisionView, exportDecisionAct, exportPack, importDecisionAct, importPackSignature, incidentView, recordDecisionInput, saveIncident, signPackAs, verifyPackAt } from './evidence';
import { SessionKeys } from './keys';
import { DEFAULT_HOST_KEY_TIMEOUT_MS, HostKeyBroker } from './host-keys';
import { LedgerOutbox } from './ledger-outbox';
import { PathGrants } from './path-grants';
import { PushHub } from './push';
import { importMarkdownView, saveImportedDraft } from './runbook-import';
import { RunService, StepRunningError } from './runs';
import { VaultSession } from './session';
import { listSecrets, TargetStore } from './targets';
import { WarRoom } from './war-room';
import { english, mainText, worded, wordedMessage, type MainKey } from './worded';
import { coreErrorText, openingVault, wordMissingRun } from './core-refusals';
import { issueView, runbookView } from './views';

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
  /** Opens a file with the OS's viewer (Electron: shell.openPath), where there is one. */
  openPath?: (path: string) => Promise<boolean>;
  /** A native file dialog for runbooks, plan files and keys, where there is one; `name` is what a save dialog suggests. */
  chooseFile?: (purpose: 'runbook' | 'plan' | 'key' | 'pack' | 'act' | 'signature' | 'markdown' | 'draft', name?: string) => Promise<string | null>;
  /** Idle time before the open vault locks itself; null never locks. Default 15 minutes. */
  autoLockMs?: number | null;
  /** The ssh-agent for SSH targets and agent identities (default SSH_AUTH_SOCK). */
  agentSocket?: string;
  /** ~/.ssh/config for host aliases (default ~/.ssh/config). */
  sshConfigPath?: string;
  /** How long a first-use host key waits for a person's answer. Default 5 minutes. */
  hostKeyTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface ContractService {
  readonly handlers: Handlers;
  /** Validates and runs one call; never throws: errors come back as data. */
  dispatch(channel: string, input: unknown): Promise<Result<unknown>>;
  /** The answer to a call from a frame that is not the app's own window (index.ts), in the window's language. */
  forbiddenSender(): Result<never>;
  /** Messages main sends without being asked (step output, run changes, host keys to confirm). */
  subscribe(listener: PushListener): () => void;
  /** Stops running steps, closes the open vault and lets the ledger connection go (app quit, harness shutdown). */
  dispose(): void;
}

export const DEFAULT_AUTO_LOCK_MS = 15 * 60_000;

/** An error raised by the handlers themselves (not by core), with a stable code, worded from main's catalogue. */
class HandlerError extends Error {
  constructor(
    name: string,
    readonly code: string,
    key: MainKey,
    vars: Record<string, string> = {},
  ) {
    super(english(key, vars));
    this.name = name;
    worded(this, key, vars);
  }
}

function keychainUnavailable(): HandlerError {
  return new HandlerError('KeychainUnavailableError', 'KEYCHAIN_UNAVAILABLE', 'main.keychain.unavailable');
}

/** zod's expected types that main's catalogue names (main.input.type.*); any other is shown as zod names it. */
const EXPECTED_TYPES = new Set(['string', 'number', 'boolean', 'object', 'array']);

/** One thing wrong in an IPC message, in `lang`: English keeps the contract's sentence; others say it from what zod found, after the field's path. */
function inputIssueText(issue: z.core.$ZodIssue, lang: Lang): string {
  if (lang === 'en') return issue.message;
  const problem = ((): string => {
    switch (issue.code) {
      case 'invalid_type': return mainText(lang, 'main.input.invalidType', { expected: EXPECTED_TYPES.has(issue.expected) ? mainText(lang, `main.input.type.${issue.expected}` as MainKey) : issue.expected });
      case 'too_small': return mainText(lang, 'main.input.tooSmall', { minimum: String(issue.minimum) });
      case 'too_big': return mainText(lang, 'main.input.tooBig', { maximum: String(issue.maximum) });
      case 'invalid_format': return mainText(lang, 'main.input.invalidFormat', { format: issue.format });
      case 'invalid_value': return mainText(lang, 'main.input.invalidValue', { values: issue.values.map((v) => JSON.stringify(v)).join(', ') });
      case 'unrecognized_keys': return mainText(lang, 'main.input.unrecognizedKeys', { keys: issue.keys.join(', ') });
      default: return mainText(lang, 'main.input.other');
    }
  })();
  const path = issue.path.map(String).join('.');
  return path ? mainText(lang, 'main.input.field', { path, problem }) : mainText(lang, 'main.input.whole', { problem });
}

/** Turns anything thrown into the error envelope's data, main's own words in `lang`; never leaks a stack. */
export function toErrorData(error: unknown, lang: Lang = DEFAULT_LANG): ErrorData {
  if (error instanceof z.ZodError) {
    const messages = [...new Set(error.issues.map((issue) => inputIssueText(issue, lang)))];
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
    return { name: error.name || 'Error', code: typeof code === 'string' ? code : 'INTERNAL', message: wordedMessage(error, lang) ?? coreErrorText(error, lang) };
  }
  return { name: 'Error', code: 'INTERNAL', message: String(error) };
}

/** A person as the chain holds them; `createdAt` is when the chain added them. */
function toIdentityRecord(vault: Vault, identity: ChainIdentity, usable: boolean): IdentityRecord {
  const added = vault.events({ afterSeq: identity.addedSeq - 1, limit: 1 })[0];
  return {
    name: identity.name,
    roles: [...identity.roles],
    publicKey: identity.publicKey,
    fingerprint: identity.fingerprint,
    keySource: identity.keySource,
    createdAt: added?.at ?? '',
    owner: identity.owner,
    proven: identity.proven,
    custodial: identity.custodial,
    usable,
  };
}

/** Lines shown around each problem of an invalid runbook. */
const EXCERPT_LINES = 2;

/** A runbook's validation problems are an answer, not a failure: the screen shows them at their lines. */
function openRunbook(load: () => ReturnType<typeof loadRunbook>, text: () => string, source: string, lang: Lang): RunbookOpenResult {
  try {
    const loaded = load();
    return { ok: true, runbook: runbookView(loaded.runbook, { hash: loaded.hash, source: loaded.source, warnings: loaded.warnings }, lang), text: loaded.text, source: loaded.source };
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    let all: string[] = [];
    try {
      all = error.issues.some((i) => i.stage === 'io') ? [] : text().split('\n');
    } catch {
      all = [];
    }
    const wanted = new Set<number>();
    for (const issue of error.issues.slice(0, 50)) for (let n = issue.line - EXCERPT_LINES; n <= issue.line + EXCERPT_LINES; n++) if (n >= 1 && n <= all.length) wanted.add(n);
    const lines = [...wanted].sort((a, b) => a - b).map((line) => ({ line, text: (all[line - 1] ?? '').slice(0, 500) }));
    return { ok: false, issues: error.issues.map(issueView), lines, source };
  }
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
  const hub = new PushHub(log);
  const hostKeys = new HostKeyBroker(hub, host.hostKeyTimeoutMs ?? DEFAULT_HOST_KEY_TIMEOUT_MS);
  const agentSocket = host.agentSocket ?? process.env.SSH_AUTH_SOCK;
  const connection = { agentSocket, sshConfigPath: host.sshConfigPath };
  const keys = new SessionKeys(agentSocket);
  /** The window's language (ui.setLanguage): core words its text in it where no runbook names one. */
  let language: Lang = DEFAULT_LANG;
  const runs = new RunService({ hub, hostKeys, keys, ...connection, language: () => language, log });
  const targets = new TargetStore(hostKeys, connection);
  session.setBusyCheck(() => runs.busy || hostKeys.waiting > 0);
  const warRoom = new WarRoom(hub, log);
  // Locking (or switching) the vault ends its session keys and its War room follower with it.
  session.setCloseListener(() => {
    keys.drop();
    warRoom.stop();
  });
  const ledgerOutbox = new LedgerOutbox((vault, fingerprint) => keys.keyringFor(vault).signerFor(fingerprint), log);
  /** PDFs this session wrote: the only files the window may ask the OS to open. */
  const openable = new Set<string>();
  /** Paths main's own dialogs returned; runbook.open and plan.save take only these. */
  const grants = new PathGrants();
  /** Who an event is recorded as when the person acting has no identity yet (the very first one). */
  const actorOr = (actor: string | undefined) => actor ?? 'workstation';

  /** Locking, or opening another vault, would pull the vault from under a running step. */
  function refuseWhileRunning(): void {
    if (runs.busy) throw worded(new StepRunningError(english('main.vault.stepRunning')), 'main.vault.stepRunning');
  }

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

  /** Closes whatever is open first: reopening the same file must not meet our own handle. The session's keys are built once, here. */
  async function openWith(open: () => Vault): Promise<VaultStatus> {
    refuseWhileRunning();
    hostKeys.refuseAll();
    session.close();
    const vault = open();
    session.adopt(vault);
    try {
      await keys.open(vault);
    } catch (error) {
      // A vault whose owner's key cannot be reached still opens: nothing signs in their name until it can.
      log(`session keys for ${vault.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return status();
  }

  function identityRecord(vault: Vault, name: string): IdentityRecord {
    const identity = registryOf(vault).get(name);
    if (!identity) throw new HandlerError('IdentityNotFoundError', 'IDENTITY_NOT_FOUND', 'main.identity.notFound', { name });
    return toIdentityRecord(vault, identity, keys.usable(vault, name));
  }

  const handlers: Handlers = {
    'ui.setLanguage': ({ lang }) => {
      language = lang;
      return { lang };
    },

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
        return openingVault(path, () => Vault.create(path, passphrase));
      }),

    'vault.unlock': ({ path, passphrase }) => openWith(() => openingVault(path, () => Vault.open(path, { passphrase }))),

    'vault.unlockWithKeychain': ({ path }) => {
      const kc = keychain();
      if (!kc) throw keychainUnavailable();
      return openWith(() => openingVault(path, () => Vault.open(path, { keychain: { unwrap: (wrapped) => kc.unwrap(wrapped) } })));
    },

    'vault.lock': () => {
      refuseWhileRunning();
      hostKeys.refuseAll();
      session.close();
      keys.drop();
      // The next person at the window picks their own files again.
      grants.clear();
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
      // Its findings in the window's language (verify computes them in English, as --json keeps them).
      return toVerifyResult(verifyReportIn(language, report), performance.now() - started);
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

    'identities.list': () => {
      const vault = session.require();
      return registryOf(vault)
        .all()
        .map((i) => toIdentityRecord(vault, i, keys.usable(vault, i.name)));
    },

    'identities.add': async ({ name, roles, source, actor }) => {
      const vault = session.require();
      const keySource =
        source.kind === 'file'
          ? { kind: 'file' as const, path: source.path, ...(source.passphrase ? { passphrase: async () => source.passphrase ?? '' } : {}) }
          : source.kind === 'agent'
            ? { kind: 'agent' as const, ...(source.key ? { key: source.key } : {}), ...(agentSocket ? { sock: agentSocket } : {}) }
            : source.kind === 'public'
              ? { kind: 'public' as const, publicKey: source.publicKey }
              : { kind: 'generate' as const };
      await addIdentityFrom(vault, { name, roles, source: keySource, actor: actorOr(actor) });
      // The vault's owner was just added: their key is this session's from now on (unlocked once).
      if (source.kind !== 'public') await keys.open(vault, source.kind === 'file' ? source.passphrase : undefined);
      return identityRecord(vault, name);
    },

    'identities.statement': ({ name }) => {
      const vault = session.require();
      const identity = identityRecord(vault, name);
      return { name, fingerprint: identity.fingerprint, statement: identityStatementFor(vault, name), namespace: IDENTITY_NAMESPACE };
    },

    'identities.saveStatement': ({ name, path }) => {
      const bytes = Buffer.from(identityStatementFor(session.require(), name), 'utf8');
      writeFileSync(path, bytes, { mode: 0o644 });
      return { path, bytes: bytes.length };
    },

    'identities.prove': ({ name, signature, signaturePath, actor }) => {
      const vault = session.require();
      const statement = Buffer.from(identityStatementFor(vault, name), 'utf8');
      const armored = signature ?? readFileSync(signaturePath!, 'utf8');
      proveIdentity(vault, { name, statement, signature: `${armored.trim()}\n`, actor: actorOr(actor) });
      return identityRecord(vault, name);
    },

    'keys.list': () => keys.view(session.require()),
    'keys.bring': ({ path, passphrase }) => keys.bring(session.require(), path, passphrase),
    'keys.unlockOwner': ({ passphrase }) => keys.unlockOwner(session.require(), passphrase),
    'keys.forget': ({ fingerprint }) => keys.forget(session.require(), fingerprint),

    'identities.agentKeys': async () =>
      (await listAgentKeys(agentSocket)).map((line) => ({ fingerprint: parsePublicKey(line).fingerprint, comment: line.split(' ').slice(2).join(' ') })),

    'secrets.list': () => listSecrets(session.require()),

    'secrets.set': ({ name, value, actor }) => {
      const vault = session.require();
      setSecret(vault, name, value, actorOr(actor));
      const saved = listSecrets(vault).find((s) => s.name === name);
      return saved ?? { name, setAt: null, setBy: null };
    },

    'targets.list': () => targets.list(session.require()),
    'targets.save': ({ name, spec, actor }) => targets.save(session.require(), name, spec, actorOr(actor)),
    'targets.remove': ({ name, actor }) => targets.remove(session.require(), name, actorOr(actor)),
    'targets.test': ({ name, actor }) => targets.test(session.require(), name, actorOr(actor)),
    'targets.answerHostKey': ({ requestId, accept }) => ({ pending: hostKeys.answer(requestId, accept) }),

    'files.choose': async ({ purpose, name }) => {
      const path = host.chooseFile ? await host.chooseFile(purpose, name) : null;
      return { path, token: path && (purpose === 'runbook' || purpose === 'plan' || purpose === 'pack' || purpose === 'markdown' || purpose === 'draft') ? grants.grant(purpose, path) : null };
    },

    'runbook.open': (input) => {
      if (!('token' in input)) return openRunbook(() => loadRunbook(input.text, input.source, language), () => input.text, input.source, language);
      const path = grants.resolve('runbook', input.token);
      return openRunbook(
        () => loadRunbookFile(path, language),
        () => readFileSync(path, 'utf8'),
        path,
        language,
      );
    },

    'runbook.importMarkdown': ({ token }) => importMarkdownView(grants.resolve('markdown', token), language),
    'runbook.saveImportedDraft': ({ source, token, ...input }) => saveImportedDraft(grants.resolve('markdown', source), grants.resolve('draft', token), input),

    'run.start': ({ rehearsal, ...input }) => runs.start(session.require(), { ...input, ...(rehearsal ? { rehearsalPack: grants.resolve('pack', rehearsal) } : {}) }),
    'run.list': () => runs.list(session.require()),
    'run.status': ({ runId, actor }) => runs.status(session.require(), runId, actor),
    'run.decide': (input) => runs.decide(session.require(), input),
    'act.export': (input) => runs.exportAct(session.require(), input),
    'act.import': (input) => runs.importAct(session.require(), input),

    'step.execute': (input) => runs.execute(session.require(), input),
    'step.cancel': ({ runId, stepId }) => ({ cancelled: runs.cancel(runId, stepId) }),
    'step.attest': (input) => runs.attest(session.require(), input),
    'step.record': (input) => runs.record(session.require(), input),
    'step.done': (input) => runs.done(session.require(), input),
    'step.skip': (input) => runs.skip(session.require(), input),

    'plan.export': ({ runId }) => runs.plan(session.require(), runId),
    'plan.save': ({ runId, token }) => runs.savePlan(session.require(), runId, grants.resolve('plan', token)),
    'approval.sign': (input) => runs.sign(session.require(), input),
    'approval.import': (input) => runs.importApproval(session.require(), input),

    'artifacts.list': () =>
      session
        .require()
        .artifacts()
        .map((a) => ({ id: a.id, name: a.name, mediaType: a.mediaType, state: a.state, size: a.size, sha256: a.sha256, createdAt: a.createdAt })),

    'artifacts.readRange': ({ id, offset, length }) => readRange(session.require(), id, offset, length),

    'alembic.inspect': (input) => alembicReport(session.require(), targets, input, language),
    'preflight.run': ({ target }) => preflightReport(session.require(), targets, target, language),
    'preflight.diff': ({ left, right }) => parityDiff(session.require(), targets, left, right, language),

    'decision.get': ({ runId }) => decisionView(session.require(), runId, language),
    'decision.record': ({ runId, actor, ...input }) => recordDecisionInput(session.require(), runId, actor, input, keys, language),
    'decision.exportAct': ({ runId, by, path, ...input }) => exportDecisionAct(session.require(), runId, by, input, path),
    'decision.importAct': ({ runId, actPath, signaturePath }) => importDecisionAct(session.require(), runId, actPath, signaturePath, language),
    'pack.export': async ({ runId, outDir }) => {
      const built = await exportPack(session.require(), runId, outDir);
      if (built.pdf) openable.add(built.pdf);
      return built;
    },
    'pack.verify': ({ path }) => verifyPackAt(path, language),
    'pack.sign': (input) => signPackAs(session.require(), input, keys),
    'pack.importSignature': (input) => importPackSignature(session.require(), input),
    'files.openPdf': async ({ path }) => {
      if (!openable.has(path)) throw new HandlerError('NotOpenableError', 'BAD_INPUT', 'main.file.notOpenable');
      return { opened: host.openPath ? await host.openPath(path) : false };
    },
    'incident.get': ({ runId }) => incidentView(session.require(), runId, language),
    'incident.save': async ({ runId, dir }) => {
      const written = await saveIncident(session.require(), runId, dir, language);
      openable.add(written.pdf);
      return written;
    },

    'warRoom.view': ({ runId }) => warRoom.view(session.require(), runId ?? null, language),
    'warRoom.connect': async ({ url, runId }) => {
      const vault = session.require();
      await warRoom.connect(vault, url);
      return warRoom.view(vault, runId ?? null, language);
    },
    'warRoom.disconnect': () => {
      warRoom.stop();
      return warRoom.view(session.require(), null, language);
    },
    'warRoom.approve': async ({ runId }) => {
      const vault = session.require();
      await warRoom.act(vault, runId, { kind: 'approve' }, (fingerprint) => keys.keyringFor(vault).signerFor(fingerprint));
      return warRoom.view(vault, runId, language);
    },
    'warRoom.decide': async ({ runId, decision }) => {
      const vault = session.require();
      const what = decision.kind === 'decision.record'
        ? { kind: 'decision.record' as const, input: { authorization: decision.authorization, ...(decision.note ? { note: decision.note } : {}) } }
        : { kind: 'run.decide' as const, decision: decision.decision, reason: decision.reason, ...(decision.stepId ? { stepId: decision.stepId } : {}) };
      await warRoom.act(vault, runId, { kind: 'decide', decision: what }, (fingerprint) => keys.keyringFor(vault).signerFor(fingerprint));
      return warRoom.view(vault, runId, language);
    },
    'warRoom.transcript': ({ workstation, artifactId }) => warRoom.transcript(session.require(), workstation, artifactId),
  };

  return {
    handlers,

    async dispatch(channel, input) {
      if (!isChannelName(channel)) {
        return fail({ name: 'UnknownChannelError', code: 'UNKNOWN_CHANNEL', message: mainText(language, 'main.channel.unknown', { channel }) });
      }
      const spec = contract[channel];
      try {
        const parsed: unknown = spec.input.parse(input);
        if (spec.activity) session.touch();
        const handler = handlers[channel] as (input: unknown) => unknown;
        const value = await handler(parsed);
        // A vault that joined a team ledger publishes what the call appended, in the background.
        ledgerOutbox.kick(session.current);
        return ok(value);
      } catch (error) {
        // A shared run's War room channels name runs of the ledger, not of this vault.
        if (!channel.startsWith('warRoom.')) wordMissingRun(error, session.current, input);
        const data = toErrorData(error, language);
        if (data.code === 'INTERNAL') log(`${channel} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return fail(data);
      }
    },

    forbiddenSender: () => fail({ name: 'ForbiddenSenderError', code: 'FORBIDDEN_SENDER', message: mainText(language, 'main.sender.forbidden') }),

    subscribe: (listener) => hub.subscribe(listener),

    dispose() {
      runs.cancelAll();
      hostKeys.refuseAll();
      warRoom.stop();
      // The ledger connection the outbox keeps goes with the service, once a drain running ends.
      ledgerOutbox.close().catch((error: unknown) => log(`ledger: closing the outbox: ${error instanceof Error ? error.message : String(error)}`));
      session.close();
      keys.drop();
    },
  };
}
