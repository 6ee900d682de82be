// `vault verify --ledger URL`: the vault's chain against what it published. The ledger is the
// witness the operator cannot rewrite: every event it holds for this vault's workstation must be
// in the vault, unchanged. A vault truncated or rewritten after publishing is named; events not
// yet published are counted, not a failure. The workstation is found by the vault id its owner
// signed into the join statement, so a vault truncated past its own `ledger.joined` is still found.
import type { ReadOnlyVault } from '../vault';
import { closeLedger, connectLedger, ledgerErrorFrom } from './connect';
import { LedgerError } from './errors';
import { membershipOf } from './membership';
import { readLedgerId, readMembers, readRows } from './reads';
import type { LedgerMember } from './record';
import { walkChain } from './verify';

export interface WitnessReport {
  ok: boolean;
  ledger: string;
  label: string;
  workstation: string | null;
  /** How far the ledger holds this vault's chain (and it checked out). */
  witnessed: number;
  vaultHead: number;
  /** Vault events after the ledger's head: not yet published. */
  unpublished: number;
  problem: string | null;
}

function memberOfVault(members: LedgerMember[], vaultId: string): LedgerMember | undefined {
  return members.find((m) => {
    try {
      return (JSON.parse(m.statement) as { vault?: unknown }).vault === vaultId;
    } catch {
      return false;
    }
  });
}

export async function witnessVault(vault: ReadOnlyVault, url: string): Promise<WitnessReport> {
  const connection = await connectLedger(url, 'cutover-ledger-witness');
  const { client, label } = connection;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const ledger = await readLedgerId(client, label);
    const vaultHead = vault.head().seq;
    const report: WitnessReport = { ok: false, ledger, label, workstation: null, witnessed: 0, vaultHead, unpublished: 0, problem: null };
    const member = memberOfVault(await readMembers(client), vault.id);
    const joined = membershipOf(vault);
    if (!member) {
      if (!joined || joined.ledger !== ledger) throw new LedgerError(`This vault (${vault.id}) is not a workstation of the ledger at ${label}; nothing there witnesses it.`);
      report.problem = `the vault says it joined this ledger as ${joined.workstation} (event #${joined.seq}), but the ledger holds no membership for it`;
      return report;
    }
    report.workstation = member.name;
    const chain = await walkChain(client, member, ledger);
    if (chain.problem) {
      report.problem = `the ledger's copy is itself damaged, so it witnesses the vault only up to #${chain.head.seq}: event #${chain.problem.seq ?? '?'}: ${chain.problem.message}`;
    }
    let after = 0;
    while (after < chain.head.seq) {
      const rows = (await readRows(client, member.name, after)).filter((r) => r.seq <= chain.head.seq);
      if (rows.length === 0) break;
      const mine = vault.events({ afterSeq: after, limit: rows.length });
      for (const [i, row] of rows.entries()) {
        const event = mine[i];
        if (!event) {
          report.problem = `the vault ends at #${vaultHead}, but it published events up to #${chain.head.seq}: its chain was truncated after publishing (event #${row.seq} onwards is gone)`;
          return report;
        }
        if (event.seq !== row.seq || event.hash !== row.hash) {
          report.problem = `event #${row.seq} of the vault (${event.type}) differs from the one it published (hash ${event.hash.slice(0, 12)}…, the ledger holds ${row.hash.slice(0, 12)}…): its chain was rewritten after publishing`;
          return report;
        }
        report.witnessed = row.seq;
      }
      after = rows.at(-1)!.seq;
    }
    await client.query('COMMIT');
    report.unpublished = Math.max(0, vaultHead - report.witnessed);
    report.ok = report.problem === null;
    return report;
  } catch (error) {
    throw ledgerErrorFrom(error, label, 'checking the vault against the ledger');
  } finally {
    await closeLedger(connection);
  }
}
