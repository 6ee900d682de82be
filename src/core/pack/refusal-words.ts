// A pack refusal (PackError, thrown, never recorded) in the reader's language. The pack code
// words each refusal in English (the catalogue's `pack.*` sentences, word for word); shown to a
// person, a line that is exactly one of those sentences is said again in `lang`
// (reports/word-again.ts), with its reasons (a zip's fault, an unsafe name, the vault's damage)
// worded too. A line of a problem list ("  - …") is worded as `pack verify` words its problems;
// anything else (the signing module's or the file system's own words) is kept as written.
import { translate, type Lang, type MessageKey } from '../../shared/i18n';
import { matchAgain, matchVars, type Nested } from '../reports/word-again';
import { SSHSIG_REASONS } from '../signing/words';
import { verdictProblemIn } from './manifest';
import { packProblemText } from './problem-words';
import { UNSAFE_ZIP, ZIP_REASONS } from './zip-words';

const BROKEN: readonly MessageKey[] = [
  'pack.build.noEvent', 'pack.build.eventHash', 'pack.build.anchor', 'pack.build.approvalDigest', 'pack.build.actFields',
  'pack.build.actJson', 'pack.build.actKind', 'pack.build.actDigest',
];

/** Whole lines: what a pack refusal says. */
const REFUSALS: readonly MessageKey[] = [
  'pack.exists', 'pack.build.noRun', 'pack.build.artifactChanged', 'pack.build.broken',
  'pack.source.notFile', 'pack.source.tooBig', 'pack.source.notInZip', 'pack.source.none', 'pack.source.cannotRead',
  'pack.source.cannotReadCheck', 'pack.source.symlink', 'pack.source.neither', 'pack.source.notZip',
  ...UNSAFE_ZIP,
  'pack.roster.cannotRead', 'pack.roster.noLine', 'pack.roster.noKeys', 'pack.roster.listEach',
  'pack.sign.badIdentity', 'pack.sign.needsReason', 'pack.sign.longReason', 'pack.sign.doesNotVerify', 'pack.sign.andMore',
  'pack.sign.notInPack', 'pack.sign.wrongKey', 'pack.sign.operator', 'pack.sign.role',
  'pack.import.never', 'pack.import.stale', 'pack.import.differs', 'pack.import.noIdentity', 'pack.import.noManifest',
  'pack.import.notSigned', 'pack.import.badSignature',
  'pack.rehearsal.refused',
  // Whether the vault's identity may have a verdict imported at all (acts/verify.ts's standingRefusal).
  'refusal.act.notIdentity', 'refusal.act.custodial', 'refusal.act.notProven',
];

const NESTED: Nested = {
  reason: ZIP_REASONS,
  what: [...BROKEN, 'pack.import.overManifest', 'pack.import.overVerdict'],
  why: [
    'pack.roster.folder', 'pack.roster.notFile', 'pack.roster.larger', 'pack.import.notManifest', 'pack.import.otherVault', 'pack.import.otherRun',
    'pack.import.people', 'pack.import.version', 'pack.rehearsal.noManifest', 'pack.rehearsal.notRehearsal', 'pack.rehearsal.otherRunbook',
    'pack.rehearsal.notCompleted', 'pack.rehearsal.notGo',
  ],
  differs: ['pack.import.theirBytes'],
  // Why a signature does not verify (the signing module's reason).
  message: SSHSIG_REASONS,
};

function lineIn(lang: Lang, line: string): string {
  const verdict = matchVars(line, 'signature.verdict.inPack');
  if (verdict) return translate(lang, 'signature.verdict.inPack', { identity: verdict.identity!, problem: verdictProblemIn(lang, verdict.problem!) });
  const again = matchAgain(lang, line, REFUSALS, NESTED);
  if (again !== null) return again;
  const item = /^ {2}- (.*)$/.exec(line);
  return item ? `  - ${packProblemText(lang, item[1]!)}` : line;
}

/** A pack refusal's message in `lang`, line by line (English: as written). */
export function packRefusalText(lang: Lang, message: string): string {
  if (lang === 'en') return message;
  return message.split('\n').map((line) => lineIn(lang, line)).join('\n');
}
