// The ledger follower's tamper findings in the War room's language. The ledger code words each
// finding in English (it is also what `ledger verify` and `ledger watch` print); every English
// sentence has a key in the catalogue (src/shared/i18n/war-room-en.ts), so a finding is worded
// again with the other language's sentence and the same values (reports/word-again.ts). A
// finding the catalogue does not know is shown as the ledger code wrote it.
import { translate, type Lang, type MessageKey } from '../../shared/i18n';
import { warRoomEn } from '../../shared/i18n/war-room-en';
import { describeProblem, type LedgerProblem } from '../ledger';
import { wordAgain } from '../reports/word-again';

/** Every finding's sentence (not the frame that names the workstation and event). */
const FINDINGS: readonly MessageKey[] = (Object.keys(warRoomEn) as MessageKey[]).filter((key) => key.startsWith('warRoom.finding.') && key !== 'warRoom.finding.at' && key !== 'warRoom.finding.of');

/** A finding's message (the ledger code's English) in `lang`; "its membership does not hold: <why>" words its why too. */
export function findingText(lang: Lang, message: string): string {
  return wordAgain(lang, message, FINDINGS, { why: FINDINGS });
}

/** A finding as the War room names it ("ops-1 event #6: …") in `lang`; English is describeProblem's. */
export function describeProblemIn(lang: Lang, p: LedgerProblem): string {
  if (lang === 'en') return describeProblem(p);
  const message = findingText(lang, p.message);
  return p.seq === null ? translate(lang, 'warRoom.finding.of', { workstation: p.workstation, message }) : translate(lang, 'warRoom.finding.at', { workstation: p.workstation, seq: p.seq, message });
}
