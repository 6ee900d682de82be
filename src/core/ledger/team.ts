// What the team has published, read and checked: every workstation's chain walked from genesis
// (links, hashes, signatures, as `ledger verify` does), in one snapshot. A chain that breaks is
// taken only up to the last event that held, and the break is named. What a workstation reads
// here to act on (a plan offered, an approval or an act sent to it) is only ever a checked event.
import { closeLedger, connectLedger, ledgerErrorFrom } from './connect';
import { readLedgerId, readMembers, readRowAt, readRows } from './reads';
import { ChainWalker, memberProblem, type LedgerMember, type PublishedEvent } from './record';
import type { LedgerProblem } from './verify';

export interface TeamWorkstation {
  member: LedgerMember;
  /** The vault id its owner signed into the join statement. */
  vault: string;
  /** Its last event that held. */
  head: { seq: number; hash: string };
  events: PublishedEvent[];
}

export interface TeamView {
  ledger: string;
  label: string;
  workstations: Map<string, TeamWorkstation>;
  problems: LedgerProblem[];
}

function vaultOf(member: LedgerMember): string {
  try {
    const vault = (JSON.parse(member.statement) as { vault?: unknown }).vault;
    return typeof vault === 'string' ? vault : '';
  } catch {
    return '';
  }
}

export interface TeamReadOptions {
  /** Heads already read and checked, per workstation: each chain is read from there (its row there must be unchanged; rowsRead counts only the rows after it). */
  from?: Record<string, { seq: number; hash: string }>;
  /** Workstations not to read at all (a receiver's own). */
  skip?: string[];
}

export async function readTeam(url: string, options: TeamReadOptions = {}): Promise<TeamView & { rowsRead: number }> {
  const connection = await connectLedger(url, 'cutover-ledger-team');
  const { client, label } = connection;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const ledger = await readLedgerId(client, label);
    const view: TeamView & { rowsRead: number } = { ledger, label, workstations: new Map(), problems: [], rowsRead: 0 };
    for (const member of await readMembers(client)) {
      if (options.skip?.includes(member.name)) continue;
      const bad = memberProblem(member, ledger);
      if (bad) {
        view.problems.push({ workstation: member.name, seq: null, message: `the workstation's membership does not hold: ${bad}` });
        continue;
      }
      const kept = options.from?.[member.name];
      const walker = new ChainWalker(member, ledger, kept);
      const events: PublishedEvent[] = [];
      let after = kept?.seq ?? 0;
      if (kept && kept.seq > 0) {
        // The row at the kept head is read again with what is new: it must be the one read before.
        const row = await readRowAt(client, member.name, kept.seq);
        if (row?.hash !== kept.hash) {
          view.problems.push({ workstation: member.name, seq: kept.seq, message: row ? `event #${kept.seq} is not the one read before (hash ${row.hash.slice(0, 12)}…, read as ${kept.hash.slice(0, 12)}…): the row was rewritten` : `event #${kept.seq}, read before, is gone: rows were deleted or the ledger was restored from an older backup` });
          continue;
        }
      }
      walk: for (;;) {
        const rows = await readRows(client, member.name, after);
        view.rowsRead += rows.length;
        if (rows.length === 0) break;
        for (const row of rows) {
          const accepted = walker.accept(row);
          if (typeof accepted === 'string') {
            view.problems.push({ workstation: member.name, seq: row.seq, message: accepted });
            break walk;
          }
          events.push(accepted);
        }
        after = rows.at(-1)!.seq;
      }
      view.workstations.set(member.name, { member, vault: vaultOf(member), head: walker.head, events });
    }
    await client.query('COMMIT');
    return view;
  } catch (error) {
    throw ledgerErrorFrom(error, label, 'reading what the team published');
  } finally {
    await closeLedger(connection);
  }
}
