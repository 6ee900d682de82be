// The signing module's reasons (why a signature does not verify, why a public key is not usable)
// in the reader's language. The module words each reason in English from the catalogue
// (signature-words-en.ts, word for word as before: --json reports and recorded text keep them);
// shown to a person, a reason that is exactly one of those sentences is said again in `lang`
// (reports/word-again.ts). Anything else (Node's own words) is kept as written.
import { translate, type Lang, type MessageKey } from '../../shared/i18n';
import type { VarsArg } from '../../shared/i18n/catalogue';
import { matchAgain } from '../reports/word-again';

/** A sentence of the signing module, in English (what it returns and throws). */
export function signingSay<K extends MessageKey>(key: K, ...vars: VarsArg<K>): string {
  return translate('en', key, ...vars);
}

/** Why an SSHSIG signature does not verify (sshsig.ts). */
export const SSHSIG_REASONS: readonly MessageKey[] = [
  'signature.sshsig.notArmored', 'signature.sshsig.base64', 'signature.sshsig.magic', 'signature.sshsig.version',
  'signature.sshsig.trailing', 'signature.sshsig.truncated', 'signature.sshsig.hash', 'signature.sshsig.keyType',
  'signature.sshsig.badKey', 'signature.sshsig.sha1', 'signature.sshsig.rsaAlgorithm', 'signature.sshsig.rsaLength',
  'signature.sshsig.algorithm', 'signature.sshsig.ecdsa', 'signature.sshsig.mismatch', 'signature.sshsig.namespace',
  'signature.sshsig.wrongKey', 'signature.sshsig.malformed', 'signature.sshsig.digest',
];

/** Why a public key is not usable (keys.ts: a PublicKeyFormatError's problem). */
export const KEY_PROBLEMS: readonly MessageKey[] = [
  'signature.key.type', 'signature.key.ed25519', 'signature.key.rsaNumbers', 'signature.key.rsaShort', 'signature.key.curve',
  'signature.key.point', 'signature.key.trailing', 'signature.key.truncated', 'signature.key.invalid', 'signature.key.empty',
  'signature.key.pem', 'signature.key.lines', 'signature.key.line', 'signature.key.base64', 'signature.key.otherType',
];

/** The sub-sentences inside a reason: a signature's public key that is not one ("Not a usable SSH public key: <problem>. …"). */
export const SIGNING_NESTED = { why: ['identity.key.publicFormat'], problem: KEY_PROBLEMS } as const;

/** A signature's reason (an SshsigVerifyResult's message) in `lang`; English, or a text it does not know, as written. */
export function signatureReasonIn(lang: Lang, message: string): string {
  if (lang === 'en') return message;
  return matchAgain(lang, message, SSHSIG_REASONS, SIGNING_NESTED) ?? message;
}

/** A public key's problem (a PublicKeyFormatError's `problem`) in `lang`; English, or a text it does not know, as written. */
export function keyProblemIn(lang: Lang, problem: string): string {
  if (lang === 'en') return problem;
  return matchAgain(lang, problem, KEY_PROBLEMS) ?? problem;
}
