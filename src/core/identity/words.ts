// Identity refusals in the language asked for: thrown, never recorded, so built in that language
// directly (English word for word as before, from the catalogue's `identity.*` sentences).
import { translate, type Lang, type MessageKey } from '../../shared/i18n';
import type { VarsArg } from '../../shared/i18n/catalogue';
import { matchAgain } from '../reports/word-again';
import { EvidenceKeyError } from '../signing/errors';
import { KEY_PROBLEMS } from '../signing/words';
import { VaultInputError } from '../vault/errors';

export type IdentityKey = Extract<MessageKey, `identity.${string}`>;

/** A sentence of the identity catalogue in `lang`. */
export function identityWords<K extends IdentityKey>(lang: Lang, key: K, ...vars: VarsArg<K>): string {
  return translate(lang, key, ...vars);
}

/** A refusal of bad input (VaultInputError, exit 2) worded in `lang`. */
export function refused<K extends IdentityKey>(lang: Lang, key: K, ...vars: VarsArg<K>): VaultInputError {
  return new VaultInputError(translate(lang, key, ...vars));
}

const KEY_WORDS: readonly MessageKey[] = [
  'identity.key.notFound', 'identity.key.unreadable', 'identity.key.passphraseRequired', 'identity.key.wrongPassphrase',
  'identity.key.format', 'identity.key.publicFormat',
];

/**
 * A key error from the signing module (a key file missing, unreadable, encrypted, not OpenSSH; a
 * public key line that is not one), its message said again in `lang`: the same error, class and
 * code. A public key's problem ("the base64 part is damaged") is said again too; any other inner
 * reason ("not an OpenSSH private key") stays as the signing module wrote it.
 */
export function keyErrorIn<E>(lang: Lang, error: E): E {
  if (lang === 'en' || !(error instanceof EvidenceKeyError)) return error;
  const again = matchAgain(lang, error.message, KEY_WORDS, { problem: KEY_PROBLEMS });
  if (again !== null) error.message = again;
  return error;
}
