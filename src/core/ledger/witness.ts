// `vault verify --ledger URL`: the vault's chain against what it published. The ledger is the
// witness the operator cannot rewrite: every event it holds for this vault's workstation must be
// in the vault, unchanged. A vault truncated or rewritten after publishing is named; events not
// yet published are counted, not a failure. The workstation is found by the vault id its owner
// signed into the join statement, so a vault truncated past its own `ledger.joined` is still found.
import { translate, type Lang, type MessageKey } from '../../shared/i18n';
import { warRoomEn } from '../../shared/i18n/war-room-en';
import { matchAgain, matchVars } from '../reports/word-again';
import { signingSay as say } from '../signing/words';
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
      if (!joined || joined.ledger !== ledger) throw new LedgerError(say('signature.witness.notMember', { vault: vault.id, label }));
      report.problem = say('signature.witness.noMembership', { workstation: joined.workstation, seq: joined.seq });
      return report;
    }
    report.workstation = member.name;
    const chain = await walkChain(client, member, ledger);
    if (chain.problem) {
      report.problem = say('signature.witness.damaged', { head: chain.head.seq, seq: chain.problem.seq ?? '?', finding: chain.problem.message });
    }
    let after = 0;
    while (after < chain.head.seq) {
      const rows = (await readRows(client, member.name, after)).filter((r) => r.seq <= chain.head.seq);
      if (rows.length === 0) break;
      const mine = vault.events({ afterSeq: after, limit: rows.length });
      for (const [i, row] of rows.entries()) {
        const event = mine[i];
        if (!event) {
          report.problem = say('signature.witness.truncated', { head: vaultHead, published: chain.head.seq, seq: row.seq });
          return report;
        }
        if (event.seq !== row.seq || event.hash !== row.hash) {
          report.problem = say('signature.witness.rewritten', { seq: row.seq, type: event.type, hash: event.hash.slice(0, 12), held: row.hash.slice(0, 12) });
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

const PROBLEMS: readonly MessageKey[] = ['signature.witness.noMembership', 'signature.witness.truncated', 'signature.witness.rewritten', 'signature.witness.notMember'];
/** The ledger's own findings about its copy (verify.ts), as the War room words them (war-room/finding-words.ts). */
const FINDINGS: readonly MessageKey[] = (Object.keys(warRoomEn) as MessageKey[]).filter((key) => key.startsWith('warRoom.finding.') && key !== 'warRoom.finding.at' && key !== 'warRoom.finding.of');

/**
 * A witness report's problem, or witnessVault's refusal, (English: the --json report keeps it) in
 * `lang` for a person to read; the ledger's own finding inside a damaged copy is worded as the
 * War room words it. Anything else as it is.
 */
export function witnessProblemIn(lang: Lang, problem: string): string {
  if (lang === 'en') return problem;
  const again = matchAgain(lang, problem, PROBLEMS);
  if (again !== null) return again;
  const damaged = matchVars(problem, 'signature.witness.damaged');
  return damaged ? translate(lang, 'signature.witness.damaged', { head: damaged.head!, seq: damaged.seq!, finding: matchAgain(lang, damaged.finding!, FINDINGS, { why: FINDINGS }) ?? damaged.finding! }) : problem;
}
