// What the team has published, read and checked: every workstation's chain walked from genesis
// (links, hashes, signatures, as `ledger verify` does), in one snapshot. A chain that breaks is
// taken only up to the last event that held, and the break is named. What a workstation reads
// here to act on (a plan offered, an approval or an act sent to it) is only ever a checked event.
import { closeLedger, connectLedger, ledgerErrorFrom } from './connect';
import { readLedgerId, readMembers, readRows } from './reads';
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

export async function readTeam(url: string): Promise<TeamView> {
  const connection = await connectLedger(url, 'cutover-ledger-team');
  const { client, label } = connection;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const ledger = await readLedgerId(client, label);
    const view: TeamView = { ledger, label, workstations: new Map(), problems: [] };
    for (const member of await readMembers(client)) {
      const bad = memberProblem(member, ledger);
      if (bad) {
        view.problems.push({ workstation: member.name, seq: null, message: `the workstation's membership does not hold: ${bad}` });
        continue;
      }
      const walker = new ChainWalker(member, ledger);
      const events: PublishedEvent[] = [];
      let after = 0;
      walk: for (;;) {
        const rows = await readRows(client, member.name, after);
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
