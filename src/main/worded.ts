// main's own refusals in the window's language: an error main throws carries the catalogue key
// and values it was worded from (English in its message, as before), and the envelope words it
// again in the language the window chose (ui.setLanguage) when it crosses to the renderer.
import { translate, type Lang } from '../shared/i18n';
import type { mainEn } from '../shared/i18n/main-en';

export type MainKey = keyof typeof mainEn;
type Vars = Record<string, string | number>;

const WORDS = Symbol('main words');

interface Worded {
  [WORDS]?: { key: MainKey; vars: Vars };
}

/** The sentence `key` of main's catalogue in `lang`. */
export function mainText(lang: Lang, key: MainKey, vars: Vars = {}): string {
  return (translate as (lang: Lang, key: MainKey, vars: Vars) => string)(lang, key, vars);
}

/** `error` (its message already the English sentence), remembering what it was worded from. */
export function worded<E extends Error>(error: E, key: MainKey, vars: Vars = {}): E {
  (error as E & Worded)[WORDS] = { key, vars };
  return error;
}

/** Whether main already worded `error`. */
export const isWorded = (error: unknown): boolean => error instanceof Error && (error as Error & Worded)[WORDS] !== undefined;

/** The English sentence `key`, for an error's message; worded() on the error keeps the key. */
export const english = (key: MainKey, vars: Vars = {}): string => mainText('en', key, vars);

/**
 * The error's message in `lang` if main worded it, else null (core's and others' as they are).
 * English is the error's own message: main's sentence, or core's when main words a core error
 * it recognises (a vault that will not open, a run that is not in the vault).
 */
export function wordedMessage(error: unknown, lang: Lang): string | null {
  const words = error instanceof Error ? (error as Error & Worded)[WORDS] : undefined;
  if (!words || lang === 'en') return null;
  const vars = { ...words.vars };
  // A file purpose is itself a word of the catalogue.
  if (words.key === 'main.file.notChosen' && typeof vars.purpose === 'string') vars.what = mainText(lang, `main.file.purpose.${vars.purpose}` as MainKey);
  return mainText(lang, words.key, vars);
}
