// pack verify's problems in the reader's language. The checks word each problem in English
// (the --json report keeps those words); a problem that is exactly one of the checks' sentences
// is said again in `lang` (reports/word-again.ts), anything else is printed as the check wrote it.
import type { Lang, MessageKey } from '../../shared/i18n';
import { matchAgain } from '../reports/word-again';
import { UNSAFE_ZIP, ZIP_REASONS } from './zip-words';

/** What can be wrong with one file of the pack (verify.ts), several joined by "; ". */
const FILE: readonly MessageKey[] = [
  'cli.pack.problem.missing', 'cli.pack.problem.missingSums', 'cli.pack.problem.symlink', 'cli.pack.problem.special',
  'cli.pack.problem.extra', 'cli.pack.problem.zipSize', 'cli.pack.problem.unreadable', 'cli.pack.problem.shaManifest',
  'cli.pack.problem.sizeManifest', 'cli.pack.problem.notInSums', 'cli.pack.problem.shaSums', 'cli.pack.problem.notInPack',
  'cli.pack.problem.badSignature', 'cli.pack.problem.actDigest',
];

/** Problems of the pack as a whole: the chain, the trust file, a file that cannot be read (verify.ts, verify-contents.ts). */
const PACK: readonly MessageKey[] = [
  'cli.pack.problem.noTrust', 'cli.pack.problem.fileMissing', 'cli.pack.problem.cannotRead', 'cli.pack.problem.chainMissing',
  'cli.pack.problem.notEvent', 'cli.pack.problem.notCanonical', 'cli.pack.problem.seq', 'cli.pack.problem.firstPrev',
  'cli.pack.problem.prev', 'cli.pack.problem.moreLines', 'cli.pack.problem.unterminated', 'cli.pack.problem.lines',
  'cli.pack.problem.endsAt', 'cli.pack.problem.headHash', 'cli.pack.problem.anchor',
];

/** Why a good signature does not count toward the policy (signatures.ts), and the notes about the contents (verify-contents.ts). */
const NOTES: readonly MessageKey[] = ['cli.pack.notCounted.operator', 'cli.pack.notCounted.role', 'cli.pack.notCounted.sameKey', 'cli.pack.note.outsideRoster'];

/** A signature's "not counted" reason or a note about the pack's contents, in `lang` where it is the checks' own sentence. */
export function packNoteText(lang: Lang, text: string): string {
  return lang === 'en' ? text : (matchAgain(lang, text, NOTES) ?? text);
}

/** One file's problem ("missing (manifest.json lists it)", "sha256 … does not match …; SHA256SUMS does not list it"). */
export function fileProblemText(lang: Lang, message: string): string {
  if (lang === 'en') return message;
  // Each of several problems first (a value never holds "; "), then the whole (one problem whose words hold "; ").
  const parts = message.split('; ').map((part) => matchAgain(lang, part, FILE));
  return parts.every((p) => p !== null) ? parts.join('; ') : (matchAgain(lang, message, FILE) ?? message);
}

/** A problem as `pack verify` lists it: the pack's own sentences, a zip refused, or "PATH: <a file's problem>". */
export function packProblemText(lang: Lang, message: string): string {
  if (lang === 'en') return message;
  const whole = matchAgain(lang, message, PACK) ?? matchAgain(lang, message, UNSAFE_ZIP, { reason: ZIP_REASONS });
  if (whole !== null) return whole;
  const colon = message.indexOf(': ');
  if (colon < 0) return message;
  const problem = fileProblemText(lang, message.slice(colon + 2));
  return problem === message.slice(colon + 2) ? message : `${message.slice(0, colon)}: ${problem}`;
}
