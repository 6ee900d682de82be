// `cutover ledger …`: the team ledger on PostgreSQL. init makes its tables, triggers and role;
// join makes a vault a workstation of it; publish pushes the vault's events not yet published;
// verify checks every chain in it; watch follows it, checking each read against the heads seen.
// The DSN carries no password (PGPASSWORD or ~/.pgpass give it).
import type { Command } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FollowRead, LedgerFollower, PublishResult } from '../../core/ledger';
import type { Vault } from '../../core/vault';
import { defaultActor } from '../actor';
import { CliUsageError, EXIT_FAILED, EXIT_OK } from '../errors';
import { cliWords } from '../lang';
import { type Lang } from '../../shared/i18n';
import { printJson } from '../format';
import { readPassphrase } from '../passphrase';
import { registerLedgerTeam } from './ledger-team';
import { publishTranscriptsOnce, registerLedgerTranscript, transcriptTicker } from './ledger-transcript';
import { WatchTranscripts } from './ledger-watch-transcripts';

const ledgerCore = () => import('../../core/ledger');

async function openVault(path: string) {
  const { openVault: open } = await import('./vault');
  return open(path);
}

const keyPassphrase = () => readPassphrase('CUTOVER_KEY_PASSPHRASE', cliWords().t('cli.passphrase.ownerKey'));

/** A ledger finding in `lang` for a person to read (the War room's words); English is describeProblem's. */
async function problemIn(lang: Lang, p: import('../../core/ledger').LedgerProblem): Promise<string> {
  const { describeProblemIn } = await import('../../core/war-room/finding-words');
  return describeProblemIn(lang, p);
}

function parseBatch(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) throw new CliUsageError(cliWords().t('ledgerCmd.batch', { value }));
  return Number(value);
}

function parseInterval(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 50 || Number(value) > 600_000) throw new CliUsageError(cliWords().t('ledgerCmd.poll', { value }));
  return Number(value);
}

/** Where a follower keeps its heads by default: one file per ledger URL under the user's state folder. */
function defaultHeadsPath(label: string): string {
  const state = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'cutover', 'ledger-heads', `${label.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

/**
 * `publish --follow`: publishes whenever the vault's head moves, until SIGINT/SIGTERM. A lost
 * ledger is said once and retried with back-off; the ledger's head stays the only cursor.
 * `doorbell` (the vault's folder watched) wakes it as soon as the vault changes; the poll stays.
 */
/** `publish --follow`: how long it lets appends gather after the vault's doorbell rang (adds at most this to the publish lag). */
const GATHER_MS = 20;

async function followVault(vault: Vault, pollMs: number, publish: (progress: (n: number, head: number) => void) => Promise<PublishResult>, json?: boolean, receive?: () => Promise<unknown>, doorbell?: { wait(ms: number): Promise<void>; wake(): void }): Promise<void> {
  const { LedgerConnectionError } = await ledgerCore();
  let stopping = false;
  let wake: (() => void) | null = null;
  const stop = () => {
    stopping = true;
    wake?.();
    doorbell?.wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  const say = (value: Record<string, unknown>, text: string) => (json ? process.stdout.write(`${JSON.stringify(value)}\n`) : console.log(text));
  const tr = cliWords();
  let publishedHead = -1;
  let failures = 0;
  try {
    while (!stopping) {
      const head = vault.head().seq;
      if (head !== publishedHead) {
        try {
          const result = await publish((n, at) => say({ published: n, head: at }, tr.t('ledgerCmd.follow.published', { head: at })));
          publishedHead = result.head;
          if (failures > 0) say({ reconnected: true, head: result.head }, tr.t('ledgerCmd.follow.back', { head: result.head }));
          failures = 0;
        } catch (error) {
          if (!(error instanceof LedgerConnectionError)) throw error;
          if (failures === 0) process.stderr.write(`cutover: ${tr.t('ledgerCmd.follow.lost', { message: error.message.replace(/ Nothing half-done.*$/, '') })}\n`);
          failures += 1;
          await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
          continue;
        }
      }
      if (receive) await receive();
      if (doorbell) await doorbell.wait(pollMs);
      else await sleep(pollMs);
      // Woken by an append: a moment for the appends right behind it, so a burst goes out as one
      // batch (one signature pass, one commit) rather than one publish each.
      if (!stopping && vault.head().seq !== publishedHead) await sleep(GATHER_MS);
    }
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

/** The transcript a step.started names (its artifact id), for `watch --transcripts`. */
function startedTranscript(e: { type: string; payload: unknown }): string | null {
  const id = e.type === 'step.started' ? (e.payload as { transcript?: { artifactId?: unknown } } | null)?.transcript?.artifactId : undefined;
  return typeof id === 'string' ? id : null;
}

/** Opens again until it works, waiting 0.5 s, 1 s, 2 s … up to 30 s between tries. */
async function reconnect<T>(open: () => Promise<T>, retryable: abstract new (...args: never[]) => Error): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await open();
    } catch (error) {
      if (!(error instanceof retryable)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt)));
    }
  }
}

export function registerLedger(program: Command, setExit: (code: number) => void): void {
  const ledger = program.command('ledger').description('the team ledger on PostgreSQL: workstations publish their signed chains; every reader checks what it reads (the DSN carries no password: use PGPASSWORD or ~/.pgpass)');

  ledger.command('init')
    .description('create the ledger in a database: its append-only tables (triggers refuse UPDATE, DELETE and TRUNCATE) and a role that may only INSERT and SELECT; idempotent')
    .requiredOption('--db <dsn>', 'postgresql://user@host:port/dbname (a role that may create schemas and roles)')
    .option('--role <name>', 'the INSERT-and-SELECT role to create', 'cutover_ledger_writer')
    .option('--json', 'print JSON')
    .action(async (opts: { db: string; role: string; json?: boolean }) => {
      const { initLedger } = await ledgerCore();
      const result = await initLedger(opts.db, opts.role);
      if (opts.json) printJson(result);
      else {
        const tr = cliWords();
        console.log(tr.t(result.created ? 'ledgerCmd.init.created' : 'ledgerCmd.init.already', { ledger: result.ledgerId, label: result.label }));
        console.log(tr.t('ledgerCmd.init.role', { role: result.role }));
        console.log(tr.t('ledgerCmd.init.password', { db: opts.db, role: result.role }));
        console.log(tr.t('ledgerCmd.init.use', { role: result.role }));
      }
    });

  ledger.command('join')
    .description("make this vault a workstation of the ledger: its owner's key (proven in the vault) signs the membership and every event it publishes; records ledger.joined in the vault")
    .requiredOption('--vault <path>', 'vault file')
    .requiredOption('--db <dsn>', 'the ledger: postgresql://user@host:port/dbname')
    .requiredOption('--name <workstation>', 'this workstation\'s name in the ledger (letters, digits, . _ -)')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; db: string; name: string; json?: boolean }) => {
      const { joinLedger } = await ledgerCore();
      const vault = await openVault(opts.vault);
      try {
        const result = await joinLedger(vault, { db: opts.db, workstation: opts.name, actor: defaultActor(), passphrase: keyPassphrase });
        if (opts.json) printJson(result);
        else {
          const tr = cliWords();
          console.log(`${tr.t(result.joined ? 'ledgerCmd.join.joined' : 'ledgerCmd.join.already', { ledger: result.ledger, workstation: result.workstation, owner: result.owner, fingerprint: result.fingerprint })}\n${tr.t('ledgerCmd.join.publish', { vault: opts.vault })}`);
        }
      } finally {
        vault.close();
      }
    });

  ledger.command('publish')
    .description("push the vault's events the ledger does not hold yet, in order, each signed by the owner's key; safe to repeat and to interrupt (it goes on from the ledger's head); exit 1 if the vault no longer holds what it published")
    .requiredOption('--vault <path>', 'vault file')
    .option('--db <dsn>', 'the ledger URL (default: the one the vault joined)')
    .option('--batch <n>', 'events per transaction (1-1000)', '100')
    .option('--follow', 'keep publishing as the vault grows (run it beside the window or the CLI during the cutover); a lost ledger is retried, nothing is lost or duplicated; stop with Ctrl-C')
    .option('--poll <ms>', "with --follow: how often to look for new events even when the vault's folder does not say it changed (a change wakes it at once)", '500')
    .option('--receive', 'with --follow: also receive what the team sends this vault through the ledger (approvals of its plans, signed acts, decisions) as it arrives, checked and recorded as `ledger receive` does; refusals are said once on stderr and append nothing')
    .option('--json', 'print JSON')
    .action(async (opts: { vault: string; db?: string; batch: string; follow?: boolean; poll: string; receive?: boolean; json?: boolean }) => {
      if (opts.receive && !opts.follow) throw new CliUsageError(cliWords().t('ledgerCmd.publish.receive'));
      const batch = parseBatch(opts.batch);
      const poll = parseInterval(opts.poll);
      const { publishVault, publisherKey, LedgerDivergedError } = await ledgerCore();
      const vault = await openVault(opts.vault);
      try {
        const signer = await publisherKey(vault, { passphrase: keyPassphrase });
        const options = { ...(opts.db ? { db: opts.db } : {}), batch, signer };
        if (opts.follow) {
          const inbox = opts.receive ? await (await ledgerCore()).LedgerInbox.open(vault, {
            timeoutMs: 0, actor: defaultActor(), signer,
            say: (line, refusal) => (opts.json ? process.stdout.write(`${JSON.stringify(refusal ? { refused: line } : { received: line })}\n`) : refusal ? process.stderr.write(`cutover: ${line}\n`) : console.log(line)),
          }) : null;
          // Transcripts follow the events that name them, while a step writes them too (issue 15).
          const transcripts = await transcriptTicker(vault, signer, opts.db, opts.json);
          const tick = async () => {
            if (inbox) await inbox.receiveIfDue();
            await transcripts();
          };
          // One connection for the whole follow, woken by the vault's folder changing.
          const { LedgerPublisher, VaultDoorbell } = await ledgerCore();
          const publisher = new LedgerPublisher(vault, options);
          const doorbell = new VaultDoorbell(vault.path);
          try {
            await followVault(vault, poll, (progress) => publisher.publish(progress), opts.json, tick, doorbell);
          } finally {
            doorbell.close();
            await publisher.close();
            await inbox?.close();
          }
          return;
        }
        const result = await publishVault(vault, options);
        const transcripts = await publishTranscriptsOnce(vault, signer, opts.db);
        if (opts.json) printJson({ ...result, transcripts });
        else {
          const tr = cliWords();
          console.log(tr.count('ledgerCmd.publish.done', result.published, { workstation: result.workstation, head: result.head }));
          if (!transcripts.needsInit) console.log(tr.t('ledgerCmd.publish.transcripts', { chunks: transcripts.chunks, bytes: transcripts.bytes, shared: transcripts.shared, withheld: transcripts.withheld }));
        }
      } catch (error) {
        if (!(error instanceof LedgerDivergedError)) throw error;
        if (opts.json) printJson({ ok: false, diverged: error.message });
        else console.error(`cutover: ${error.message}`);
        setExit(EXIT_FAILED);
      } finally {
        vault.close();
      }
    });

  registerLedgerTeam(ledger, setExit);
  registerLedgerTranscript(ledger, setExit);

  ledger.command('verify')
    .description('check every chain in the ledger: memberships, seq contiguous from 1, links, hashes recomputed from the canonical bytes, each signature by its workstation\'s key (exit 1 naming the first bad event)')
    .requiredOption('--db <dsn>', 'the ledger: postgresql://user@host:port/dbname')
    .option('--json', 'print JSON')
    .action(async (opts: { db: string; json?: boolean }) => {
      const { verifyLedger } = await ledgerCore();
      const report = await verifyLedger(opts.db);
      if (opts.json) printJson(report);
      else {
        const tr = cliWords();
        const where = { ledger: report.ledger, label: report.label };
        console.log(report.ok ? tr.count('ledgerCmd.verify.ok', report.chains.length, where) : tr.t('ledgerCmd.verify.bad', { ...where, problem: await problemIn(tr.lang, report.firstProblem!) }));
        for (const c of report.chains) {
          const chain = { workstation: c.workstation, fingerprint: c.fingerprint };
          console.log(c.problem ? tr.count('ledgerCmd.verify.chainBad', c.events, { ...chain, problem: await problemIn(tr.lang, c.problem) }) : tr.count('ledgerCmd.verify.chainOk', c.events, { ...chain, seq: c.head.seq }));
        }
      }
      setExit(report.ok ? EXIT_OK : EXIT_FAILED);
    });

  ledger.command('watch')
    .description('follow the ledger: print each run event as a timeline line as it arrives (NOTIFY wakes it; it reads by seq, so nothing depends on a notification); checks each read against the heads it has seen and exits 1 naming an edited, deleted or reordered event or a ledger that went backwards; reconnects when the connection is lost')
    .argument('[run]', 'only this run\'s events')
    .requiredOption('--db <dsn>', 'the ledger: postgresql://user@host:port/dbname')
    .option('--heads <file>', 'where this follower keeps the heads it has seen (default: ~/.local/state/cutover/ledger-heads/HOST_PORT_DB.json)')
    .option('--once', 'read what is there now, print it and exit')
    .option('--poll <ms>', 'read at least this often even without a notification', '2000')
    .option('--transcripts', "under each step started, its transcript's text as it follows through the ledger by chunk (lines `    STEP | text`), each chunk checked as `ledger transcript` checks it, then a line saying it verified or why there is no text (share_transcripts: false); a transcript that does not hold stops the watch (exit 1). With --json, the step.started line carries the artifact id and each chunk is a {transcript: …} line")
    .option('--json', 'print one JSON object per line')
    .action(async (run: string | undefined, opts: { db: string; heads?: string; once?: boolean; poll: string; transcripts?: boolean; json?: boolean }) => {
      const poll = parseInterval(opts.poll);
      const core = await ledgerCore();
      const { ledgerLabel } = await import('../../core/ledger/connect');
      const headsPath = opts.heads ?? defaultHeadsPath(ledgerLabel(opts.db));
      let follower: LedgerFollower = await core.LedgerFollower.open(opts.db, headsPath);
      // A save of the heads that failed is said, and the command fails: the next watch would not know what this one saw.
      const closed = (failed: string | null): boolean => {
        if (failed) process.stderr.write(`cutover: ${failed}\n`);
        return failed === null;
      };
      const stop = () => void follower.close().then((failed) => process.exit(closed(failed) ? EXIT_OK : EXIT_FAILED));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const tr = cliWords();
      const transcripts = opts.transcripts ? new WatchTranscripts(opts.db, Boolean(opts.json), tr.lang) : null;
      // With --once a step's transcript is printed right under it; when following, as its chunks arrive.
      const show = async (read: FollowRead): Promise<boolean> => {
        for (const e of read.events) {
          if (run && core.runOf(e) !== run) continue;
          // The line's words in the CLI's language (the War room's); --json's text stays English.
          const text = core.timelineText(e, tr);
          if (text === null) continue;
          const transcript = opts.transcripts ? startedTranscript(e) : null;
          if (opts.json) process.stdout.write(`${JSON.stringify({ workstation: e.workstation, seq: e.seq, at: e.at, actor: e.actor, type: e.type, runId: core.runOf(e), text: core.timelineText(e), ...(transcript ? { transcript } : {}) })}\n`);
          else process.stdout.write(`${e.at.slice(11, 19)}  ${e.workstation} #${e.seq}  ${text}\n`);
          if (transcript) transcripts?.add(e.workstation, transcript, String((e.payload as { stepId?: unknown } | null)?.stepId ?? '?'));
          if (transcript && opts.once && transcripts && !(await transcripts.poll(true))) return false;
        }
        for (const p of read.problems) {
          if (opts.json) process.stdout.write(`${JSON.stringify({ problem: p, text: core.describeProblem(p) })}\n`);
          process.stderr.write(`cutover: ${tr.t('ledgerCmd.problem', { problem: await problemIn(tr.lang, p) })}\n`);
        }
        return read.problems.length === 0;
      };
      try {
        for (;;) {
          let read: FollowRead;
          try {
            read = await follower.read();
          } catch (error) {
            if (opts.once || !(error instanceof core.LedgerConnectionError)) throw error;
            // Following goes on: reconnect, and the new follower starts again from the heads file.
            process.stderr.write(`cutover: ${tr.t('ledgerCmd.reconnecting', { message: error.message.replace(/ Nothing half-done.*$/, '') })}\n`);
            if (!closed(await follower.close())) setExit(EXIT_FAILED);
            follower = await reconnect(() => core.LedgerFollower.open(opts.db, headsPath), core.LedgerConnectionError);
            process.stderr.write(`cutover: ${tr.t('ledgerCmd.watch.reconnected', { label: follower.label })}\n`);
            continue;
          }
          if (!(await show(read)) || (transcripts && !opts.once && !(await transcripts.poll(false)))) {
            setExit(EXIT_FAILED);
            return;
          }
          if (opts.once) return;
          await (transcripts?.active ? Promise.race([follower.waitForDoorbell(poll), transcripts.wait(poll)]) : follower.waitForDoorbell(poll));
        }
      } finally {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
        await transcripts?.close();
        if (!closed(await follower.close())) setExit(EXIT_FAILED);
      }
    });
}
