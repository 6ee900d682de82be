// The ledger follower's tamper findings in the War room's language. The ledger code words each
// finding in English (it is also what `ledger verify` and `ledger watch` print); every English
// shape has a key in the catalogue (src/shared/i18n/war-room-en.ts), so a finding is worded
// again by matching its shape and filling the other language's sentence with the same values.
// A finding whose shape the catalogue does not know is shown as the ledger code wrote it.
import { translate, type Lang, type MessageKey } from '../../shared/i18n';
import { warRoomEn } from '../../shared/i18n/war-room-en';
import { describeProblem, type LedgerProblem } from '../ledger';

type FindingKey = Extract<keyof typeof warRoomEn, `warRoom.finding.${string}`>;
type Vars = Record<string, string>;

/** translate() for a key chosen at run time (its placeholders come from the matched English). */
const say = translate as (lang: Lang, key: MessageKey, vars?: Vars) => string;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each finding's English sentence as a pattern: its text literally, each {placeholder} a group. */
const SHAPES = (Object.keys(warRoomEn) as (keyof typeof warRoomEn)[])
  .filter((key): key is FindingKey => key.startsWith('warRoom.finding.') && key !== 'warRoom.finding.at' && key !== 'warRoom.finding.of')
  .map((key) => {
    const names: string[] = [];
    const source = warRoomEn[key].split(/\{(\w+)\}/).map((part, i) => (i % 2 ? (names.push(part), '([\\s\\S]*?)') : escape(part))).join('');
    return { key, names, pattern: new RegExp(`^${source}$`) };
  });

/** A finding's message (the ledger code's English) in `lang`. */
export function findingText(lang: Lang, message: string): string {
  if (lang === 'en') return message;
  for (const shape of SHAPES) {
    const match = shape.pattern.exec(message);
    if (!match) continue;
    const vars: Vars = {};
    // A value that is itself a finding ("its membership does not hold: <why>") is worded again too.
    shape.names.forEach((name, i) => (vars[name] = name === 'why' ? findingText(lang, match[i + 1] ?? '') : (match[i + 1] ?? '')));
    return say(lang, shape.key, vars);
  }
  return message;
}

/** A finding as the War room names it ("ops-1 event #6: …") in `lang`; English is describeProblem's. */
export function describeProblemIn(lang: Lang, p: LedgerProblem): string {
  if (lang === 'en') return describeProblem(p);
  const message = findingText(lang, p.message);
  return p.seq === null ? say(lang, 'warRoom.finding.of', { workstation: p.workstation, message }) : say(lang, 'warRoom.finding.at', { workstation: p.workstation, seq: String(p.seq), message });
}
