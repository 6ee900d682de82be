// A follower of the ledger (`cutover ledger watch`). It reads each workstation's rows by seq
// (a NOTIFY only wakes it sooner; a missed one costs at most the poll interval), checks every
// row like `ledger verify`, and checks each read against the heads it has seen, kept in its own
// file: a head that is gone, rewritten or behind what it saw before (rows deleted, a ledger
// restored from an older dump) is named. The first read of a process walks every chain from
// genesis, so an edit anywhere below the heads is caught too; later reads go on from the heads.
// A read is one round trip once the chains are walked (the ledger's id, its members and each
// chain's rows from the head it holds, which is checked unchanged, in one snapshot). The heads are saved
// after each read in the background (one save at a time, the newest waiting), so the disk's fsync
// does not hold up the next read; the first read's save, and close(), wait for it.
import { Doorbell } from './doorbell';
import { LEDGER_CHANNEL } from './limits';
import { closeLedger, connectLedger, ledgerErrorFrom, type LedgerConnection } from './connect';
import { LedgerError } from './errors';
import { HEADS_FORMAT, readHeads, saveHeads, type SeenHeads } from './heads';
import { PAGE_ROWS, readHead, readRows, readSnapshot } from './reads';
import { ChainWalker, memberProblem, type LedgerMember, type LedgerRow, type PublishedEvent } from './record';
import type { LedgerProblem } from './verify';

export interface FollowRead {
  events: PublishedEvent[];
  problems: LedgerProblem[];
}

export class LedgerFollower {
  private readonly walkers = new Map<string, ChainWalker>();
  private readonly broken = new Set<string>();
  private readonly bell = new Doorbell();
  /** The save in flight, the heads waiting for it, and a save that failed (said by the next read). */
  private saving: Promise<void> | null = null;
  private unsaved: SeenHeads | null = null;
  private saveFailed: unknown = null;
  private reads = 0;
  /** Whether this read began a transaction of its own (for chains beyond the first round trip). */
  private inTransaction = false;

  private constructor(private readonly connection: LedgerConnection, private readonly headsPath: string, private heads: SeenHeads | null) {
    const wake = () => this.bell.ring();
    connection.client.on('notification', wake);
    // A lost connection wakes the follower too, so its next read finds out at once, not a poll later.
    connection.client.on('end', wake);
    connection.client.on('error', wake);
  }

  static async open(url: string, headsPath: string): Promise<LedgerFollower> {
    // A damaged heads file is bad input: refused before anything connects.
    const heads = readHeads(headsPath);
    const connection = await connectLedger(url, 'cutover-ledger-follower');
    try {
      await connection.client.query(`LISTEN ${LEDGER_CHANNEL}`);
    } catch (error) {
      await closeLedger(connection);
      throw ledgerErrorFrom(error, connection.label, 'listening for new events');
    }
    return new LedgerFollower(connection, headsPath, heads);
  }

  get label(): string {
    return this.connection.label;
  }

  /** Waits for a doorbell or `timeoutMs`, whichever is first. */
  waitForDoorbell(timeoutMs: number): Promise<void> {
    return this.bell.wait(timeoutMs);
  }

  /** Reads what is new since the last read, checked; saves the heads that held. */
  async read(): Promise<FollowRead> {
    const { client, label } = this.connection;
    if (this.saveFailed) {
      const failed = this.saveFailed;
      this.saveFailed = null;
      throw new LedgerError(`Could not save the heads this follower has seen to ${this.headsPath}: ${(failed as Error).message ?? String(failed)}.`, { cause: failed });
    }
    const out: FollowRead = { events: [], problems: [] };
    let ledger: string;
    this.inTransaction = false;
    try {
      // One round trip in the common case: the ledger's id, its members and each walked chain's
      // rows from its head, in one snapshot. A chain not walked yet, or more than a page, is read
      // on in a transaction of its own (a later snapshot: the rows are checked one by one anyway).
      const walked = [...this.walkers].filter(([name]) => !this.broken.has(name)).map(([workstation, w]) => ({ workstation, afterSeq: w.head.seq > 0 ? w.head.seq - 1 : 0 }));
      const snapshot = await readSnapshot(client, label, walked);
      ledger = snapshot.ledger;
      if (this.heads && this.heads.ledger !== ledger) {
        out.problems.push({ workstation: '*', seq: null, message: `this is not the ledger this follower followed (ledger id ${ledger}, its heads are of ${this.heads.ledger}): the ledger was re-created or replaced; nothing it holds is taken as a continuation` });
        return out;
      }
      const members = snapshot.members;
      const seen = this.heads?.heads ?? {};
      for (const name of Object.keys(seen)) {
        if (!members.some((m) => m.name === name) && !this.broken.has(name)) {
          this.broken.add(name);
          out.problems.push({ workstation: name, seq: seen[name]!.seq, message: `the workstation is gone from the ledger, which this follower saw up to #${seen[name]!.seq}: its membership was deleted, or the ledger was restored from a backup older than its joining` });
        }
      }
      for (const member of members) {
        if (this.broken.has(member.name)) continue;
        const problem = await this.readChain(member, ledger, seen[member.name], out.events, snapshot.pages.get(member.name));
        if (problem) {
          this.broken.add(member.name);
          out.problems.push(problem);
        }
      }
      if (this.inTransaction) await client.query('COMMIT');
    } catch (error) {
      if (this.inTransaction) await client.query('ROLLBACK').catch(() => undefined);
      throw ledgerErrorFrom(error, label, 'following the ledger');
    }
    const heads: SeenHeads = { format: HEADS_FORMAT, ledger, heads: { ...(this.heads?.heads ?? {}) } };
    for (const [name, walker] of this.walkers) if (!this.broken.has(name) && walker.head.seq >= (heads.heads[name]?.seq ?? 0)) heads.heads[name] = walker.head;
    this.heads = heads;
    this.reads += 1;
    this.save(heads);
    // The first read's save is waited for: a heads file that cannot be written is said at once.
    if (this.reads === 1) await this.flush(true);
    return out;
  }

  /** Saves `heads` after the save in flight, if any; a newer call replaces what waits. */
  private save(heads: SeenHeads): void {
    this.unsaved = heads;
    this.saving ??= (async () => {
      while (this.unsaved) {
        const next = this.unsaved;
        this.unsaved = null;
        try {
          await saveHeads(this.headsPath, next);
        } catch (error) {
          this.saveFailed ??= error;
        }
      }
      this.saving = null;
    })();
  }

  /** Waits until the heads read so far are saved; `raise`: a failed save is thrown here. */
  private async flush(raise: boolean): Promise<void> {
    while (this.saving) await this.saving;
    if (raise && this.saveFailed) {
      const failed = this.saveFailed;
      this.saveFailed = null;
      throw new LedgerError(`Could not save the heads this follower has seen to ${this.headsPath}: ${(failed as Error).message ?? String(failed)}.`, { cause: failed });
    }
  }

  /** A workstation's rows after `afterSeq`, in this read's own transaction (begun on first use). */
  private async rowsAfter(name: string, afterSeq: number): Promise<LedgerRow[]> {
    if (!this.inTransaction) {
      await this.connection.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      this.inTransaction = true;
    }
    return readRows(this.connection.client, name, afterSeq);
  }

  private async readChain(member: LedgerMember, ledger: string, known: { seq: number; hash: string } | undefined, events: PublishedEvent[], prefetched: LedgerRow[] | undefined): Promise<LedgerProblem | null> {
    const name = member.name;
    const problem = (seq: number | null, message: string): LedgerProblem => ({ workstation: name, seq, message });
    let walker = this.walkers.get(name);
    if (!walker) {
      const bad = memberProblem(member, ledger);
      if (bad) return problem(null, `the workstation's membership does not hold: ${bad}`);
      walker = new ChainWalker(member, ledger);
      this.walkers.set(name, walker);
    }
    const knownSeq = known?.seq ?? 0;
    for (let first = true; ; first = false) {
      const head = walker.head;
      // The first page starts at the head already checked: its row must be there, unchanged.
      const withHead = first && head.seq > 0;
      const rows = first && prefetched ? [...prefetched] : await this.rowsAfter(name, withHead ? head.seq - 1 : head.seq);
      const full = rows.length === PAGE_ROWS;
      if (withHead) {
        const row = rows.shift();
        if (!row || row.seq !== head.seq || row.hash !== head.hash) return this.wentWrong(name, head, row && row.seq === head.seq ? row.hash : undefined);
      }
      for (const row of rows) {
        const accepted = walker.accept(row);
        if (typeof accepted === 'string') {
          const missing = /^event #(\d+) is missing/.exec(accepted);
          return problem(missing ? Number(missing[1]) : row.seq, accepted);
        }
        if (known && accepted.seq === known.seq && accepted.hash !== known.hash) return this.wentWrong(name, known, accepted.hash);
        if (accepted.seq > knownSeq) events.push(accepted);
      }
      // In one snapshot a page that is not full is the end.
      if (!full) break;
    }
    if (known && walker.head.seq < known.seq) return this.wentWrong(name, known, undefined);
    return null;
  }

  /** The head this follower saw is gone, rewritten, or the ledger is behind it: say which. */
  private async wentWrong(name: string, seen: { seq: number; hash: string }, hashNow: string | undefined): Promise<LedgerProblem> {
    if (hashNow !== undefined) {
      return { workstation: name, seq: seen.seq, message: `event #${seen.seq} was rewritten after this follower read it (hash then ${seen.hash.slice(0, 12)}…, now ${hashNow.slice(0, 12)}…)` };
    }
    const head = await readHead(this.connection.client, name);
    if (head.seq < seen.seq) {
      return { workstation: name, seq: seen.seq, message: `the ledger went backwards: it holds ${name}'s events up to #${head.seq}, but this follower saw #${seen.seq}: it was restored from an older backup, or its newest rows were deleted` };
    }
    return { workstation: name, seq: seen.seq, message: `event #${seen.seq}, which this follower read, was deleted` };
  }

  /**
   * Stops following; the heads read so far are saved first. Never throws (callers close in
   * cleanup paths): a save that failed is returned, as the message to show, else null.
   */
  async close(): Promise<string | null> {
    this.bell.ring();
    await closeLedger(this.connection);
    try {
      await this.flush(true);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }
}
