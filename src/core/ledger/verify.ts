// `cutover ledger verify`: every chain in the ledger, checked from its bytes: each member's join
// statement and signature, then each workstation's events in seq order (contiguous from 1,
// linked, hashes recomputed from the canonical bytes, signed by that workstation's key).
// Reads only; pages through rows so a large ledger does not fill memory.
import type pg from 'pg';
import { closeLedger, connectLedger, ledgerErrorFrom } from './connect';
import { readLedgerId, readMembers, readRows, readStrangers } from './reads';
import { ChainWalker, memberProblem, type LedgerMember } from './record';

export interface LedgerProblem {
  workstation: string;
  /** The event named, or null for a problem with the membership itself. */
  seq: number | null;
  message: string;
}

export interface ChainReport {
  workstation: string;
  fingerprint: string;
  /** Events checked and found good. */
  events: number;
  head: { seq: number; hash: string };
  problem: LedgerProblem | null;
}

export interface LedgerVerifyReport {
  ok: boolean;
  ledger: string;
  label: string;
  chains: ChainReport[];
  /** The first problem found (chains in name order), or null. */
  firstProblem: LedgerProblem | null;
}

/** Walks one workstation's chain from genesis; stops at the first row that does not hold. */
export async function walkChain(client: pg.Client, member: LedgerMember, ledger: string): Promise<ChainReport> {
  const report: ChainReport = { workstation: member.name, fingerprint: member.fingerprint, events: 0, head: { seq: 0, hash: '' }, problem: null };
  const bad = memberProblem(member, ledger);
  const walker = new ChainWalker(member, ledger);
  if (bad) report.problem = { workstation: member.name, seq: null, message: `the workstation's membership does not hold: ${bad}` };
  let after = 0;
  while (!report.problem) {
    const rows = await readRows(client, member.name, after);
    if (rows.length === 0) break;
    for (const row of rows) {
      const accepted = walker.accept(row);
      if (typeof accepted === 'string') {
        const missing = /^event #(\d+) is missing/.exec(accepted);
        report.problem = { workstation: member.name, seq: missing ? Number(missing[1]) : row.seq, message: accepted };
        break;
      }
      report.events += 1;
    }
    after = rows.at(-1)!.seq;
  }
  report.head = walker.head;
  return report;
}

export async function verifyLedger(url: string): Promise<LedgerVerifyReport> {
  const connection = await connectLedger(url, 'cutover-ledger-verify');
  const { client, label } = connection;
  try {
    // One snapshot: every chain as of the same instant, even while workstations publish.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const ledger = await readLedgerId(client, label);
    const chains: ChainReport[] = [];
    for (const member of await readMembers(client)) chains.push(await walkChain(client, member, ledger));
    for (const stranger of await readStrangers(client)) {
      chains.push({ workstation: stranger, fingerprint: '', events: 0, head: { seq: 0, hash: '' }, problem: { workstation: stranger, seq: null, message: 'it has events in the ledger but never joined (no membership row): rows were inserted around the ledger\'s rules' } });
    }
    await client.query('COMMIT');
    const firstProblem = chains.find((c) => c.problem)?.problem ?? null;
    return { ok: firstProblem === null, ledger, label, chains, firstProblem };
  } catch (error) {
    throw ledgerErrorFrom(error, label, 'reading the ledger');
  } finally {
    await closeLedger(connection);
  }
}

export function describeProblem(p: LedgerProblem): string {
  return p.seq === null ? `${p.workstation}: ${p.message}` : `${p.workstation} event #${p.seq}: ${p.message}`;
}
