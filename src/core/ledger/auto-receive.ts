// Automatic receive: while a run waits on someone who is not at this workstation (the plan's
// approvals, another role's attestation, a decision on a BLOCKED run, the GO / NO-GO), the
// operator's workstation takes what the team sends through the ledger as it arrives and records
// it exactly as `ledger receive` does (receive.ts: every check of a file signed elsewhere), and
// the run goes on. What the run waits on goes out first (the plan offered, the steps so far), so
// the team sees it. A NOTIFY only wakes the inbox sooner; it reads again every poll anyway and
// a lost ledger is retried until the wait's time is up, so nothing depends on a notification.
import type { RunEngine, TeamNeed } from '../engine';
import type { OwnerKeyOptions } from '../identity';
import type { Signer } from '../signing';
import { operatorDecisionFor } from '../reports/decision';
import type { Vault } from '../vault';
import { closeLedger, connectLedger, type LedgerConnection } from './connect';
import { Doorbell } from './doorbell';
import { LedgerConnectionError } from './errors';
import { LEDGER_CHANNEL } from './limits';
import { membershipOf, type Membership } from './membership';
import { offerPlan } from './offer';
import { DEFAULT_DRAIN_TIMEOUT_MS, drainOutbox } from './outbox';
import { LedgerPublisher, publisherKey } from './publish';
import { receiveFromLedger, type ReceivedItem } from './receive';
import { describeProblem } from './verify';
import { runStateIn } from '../engine/state';
import { translator, type Lang } from '../../shared/i18n';

export interface InboxOptions extends OwnerKeyOptions {
  /** The owner's key, when the caller holds it already (publishing while it waits). */
  signer?: Signer;
  /** The longest one wait lasts (ms); past it the run stops as it would without the ledger. */
  timeoutMs: number;
  /** Read again at least this often with no doorbell (default 2 s). */
  pollMs?: number;
  /** Who offers the plan (the operator's name, as `ledger offer` takes it). */
  actor: string;
  /** A line for the person watching; `refusal` marks what the ledger sent and this vault refused. */
  say?: (line: string, refusal?: boolean) => void;
}

function minutes(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

/** What the run waits on, in `lang` (the run's: the engine's reasons in `detail` are in it too). */
export function needText(need: TeamNeed | { kind: 'authorization'; runId: string }, lang: Lang = 'en'): string {
  const tr = translator(lang);
  switch (need.kind) {
    // The engine's reason ends with how to sign by file; through the ledger only its first sentence holds.
    case 'approval': return tr.t('inbox.need.approval', { step: need.stepId, why: need.detail.split('. ')[0]!.replace(/\.$/, '') });
    case 'act': return tr.t('inbox.need.act', { role: need.detail, step: need.stepId });
    case 'decision': return tr.t('inbox.need.decision');
    case 'authorization': return tr.t('inbox.need.authorization');
  }
}

export class LedgerInbox {
  private listener: LedgerConnection | null = null;
  /** The owner's key, to sign the refusals sent back (none usable: they are only said here). */
  private signer: Signer | undefined;
  /** One connection for every publish of every wait (opened again when lost), closed with the inbox. */
  private readonly publisher: LedgerPublisher;
  private readonly bell = new Doorbell();
  /** Refusals, problems and notes already said: each is said once, not at every read. */
  private readonly told = new Set<string>();
  private readonly say: (line: string, refusal?: boolean) => void;

  private constructor(private readonly vault: Vault, private readonly membership: Membership, private readonly options: InboxOptions) {
    this.say = options.say ?? (() => {});
    this.publisher = new LedgerPublisher(vault, { ...(options.signer ? { signer: options.signer } : {}), ...(options.passphrase ? { passphrase: options.passphrase } : {}), ...(options.sock ? { sock: options.sock } : {}), timeoutMs: DEFAULT_DRAIN_TIMEOUT_MS });
  }

  /** The inbox of a vault that joined a ledger; null for one that did not. */
  static async open(vault: Vault, options: InboxOptions): Promise<LedgerInbox | null> {
    const membership = membershipOf(vault);
    if (!membership) return null;
    const inbox = new LedgerInbox(vault, membership, options);
    await inbox.listen();
    return inbox;
  }

  get workstation(): string {
    return this.membership.workstation;
  }

  /** The doorbell: LISTEN on a connection of its own. Failing, the inbox polls and tries again at the next wait. */
  private async listen(): Promise<void> {
    let connection: LedgerConnection | null = null;
    try {
      connection = await connectLedger(this.membership.db, 'cutover-ledger-inbox', { timeoutMs: 5_000 });
      const { client } = connection;
      const wake = () => this.bell.ring();
      client.on('notification', (message) => {
        // Our own publishing rings too; only another workstation's event can be for us.
        try {
          if ((JSON.parse(message.payload ?? '{}') as { workstation?: unknown }).workstation === this.membership.workstation) return;
        } catch {
          // A doorbell we cannot read still wakes us: we read and check anyway.
        }
        wake();
      });
      const lost = () => {
        this.listener = null;
        wake();
      };
      client.on('end', lost);
      client.on('error', lost);
      await client.query(`LISTEN ${LEDGER_CHANNEL}`);
      this.listener = connection;
    } catch {
      if (connection) await closeLedger(connection);
      this.listener = null;
    }
  }

  private once(key: string, line: string, refusal = false): void {
    if (this.told.has(key)) return;
    this.told.add(key);
    this.say(line, refusal);
  }

  /** Publishes what the vault holds and the ledger does not yet: the team sees what the run waits on. */
  private async publish(): Promise<void> {
    const outcome = await drainOutbox(this.vault, { publisher: this.publisher });
    if (outcome.state === 'behind') this.once(`behind:${outcome.reason}`, `the team ledger is behind this vault: ${outcome.reason.replace(/ Nothing half-done.*$/, '')} (retrying while waiting)`);
    else if (outcome.state === 'diverged') this.once(`diverged:${outcome.reason}`, `NOT PUBLISHED: ${outcome.reason}`, true);
  }

  /** One receive: records what the team sent, says what is new; returns how many were recorded. */
  private async receive(): Promise<number> {
    let items: ReceivedItem[];
    try {
      this.signer ??= this.options.signer ?? (await publisherKey(this.vault, this.options).catch(() => undefined));
      const result = await receiveFromLedger(this.vault, this.signer ? { signer: this.signer } : {});
      items = result.items;
      for (const p of result.problems) this.once(`problem:${describeProblem(p)}`, `LEDGER PROBLEM: ${describeProblem(p)} (nothing after it is taken)`, true);
    } catch (error) {
      if (!(error instanceof LedgerConnectionError)) throw error;
      this.once(`away:${error.message}`, `${error.message.replace(/ Nothing half-done.*$/, '')} (retrying while waiting)`);
      return 0;
    }
    let recorded = 0;
    for (const i of items) {
      if (i.status === 'recorded') {
        recorded += 1;
        this.say(`received from ${i.from} #${i.seq}: ${i.message}`);
      } else if (i.status === 'refused') {
        this.once(`refused:${i.from}:${i.seq}`, `refused ${i.kind} from ${i.from} event #${i.seq} (run ${i.runId}, by ${i.by}): ${i.message}`, true);
      }
    }
    return recorded;
  }

  /**
   * Publishes, receives and waits for the doorbell until `done()` holds (true) or the wait's
   * time is up (false). Refusals are said and change nothing; the run goes on only on what holds.
   */
  async waitFor(need: TeamNeed | { kind: 'authorization'; runId: string }, done: () => boolean): Promise<boolean> {
    const deadline = Date.now() + this.options.timeoutMs;
    const poll = this.options.pollMs ?? 2_000;
    let announced = false;
    for (;;) {
      await this.publish();
      if (await this.receive()) await this.publish();
      if (done()) return true;
      const left = deadline - Date.now();
      const tr = translator(runStateIn(this.vault, need.runId)?.runbook.language ?? 'en');
      if (left <= 0) {
        this.say(tr.t('inbox.none', { need: needText(need, tr.lang), time: minutes(this.options.timeoutMs) }));
        return false;
      }
      if (!announced) {
        this.say(tr.t('inbox.waiting', { need: needText(need, tr.lang), workstation: this.membership.workstation, time: minutes(this.options.timeoutMs) }));
        announced = true;
      }
      if (!this.listener) await this.listen();
      await this.bell.wait(Math.min(left, poll));
    }
  }

  /** The hook autoplay calls when the run waits on the team; offers the plan when it waits on approvals. */
  waiter(engine: RunEngine): (need: TeamNeed) => Promise<boolean> {
    return async (need) => {
      if (need.kind === 'approval') {
        const offer = offerPlan(this.vault, need.runId, this.options.actor);
        if (offer.offered) this.say(`offered the plan of run ${need.runId} to the team (sha256 ${offer.planDigest.slice(0, 12)}…, ${offer.entries} step(s) that execute)`);
        return this.waitFor(need, () => engine.authorization(need.runId, need.stepId)?.authorized !== false);
      }
      if (need.kind === 'act') return this.waitFor(need, () => engine.status(need.runId).steps.get(need.stepId)?.status !== 'pending');
      return this.waitFor(need, () => engine.status(need.runId).status !== 'BLOCKED');
    };
  }

  private lastReceive = 0;

  /**
   * For a publisher that keeps following (`ledger publish --follow --receive`): receives when
   * another workstation rang, or every `everyMs` anyway; returns how many were recorded.
   */
  async receiveIfDue(everyMs = 10_000): Promise<number> {
    if (!this.bell.take() && Date.now() - this.lastReceive < everyMs) return 0;
    if (!this.listener) await this.listen();
    this.lastReceive = Date.now();
    return this.receive();
  }

  /** After the last step: waits for the GO / NO-GO (an authorization, always another person's). */
  waitForAuthorization(runId: string): Promise<boolean> {
    const decided = () => operatorDecisionFor(this.vault, runId).authorization !== undefined;
    if (decided()) return Promise.resolve(true);
    return this.waitFor({ kind: 'authorization', runId }, decided);
  }

  async close(): Promise<void> {
    this.bell.ring();
    const listener = this.listener;
    this.listener = null;
    if (listener) await closeLedger(listener);
    await this.publisher.close();
  }
}
