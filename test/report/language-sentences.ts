// The "no sentence of the other language" check shared by the language tests: the fixed parts
// of a catalogue's sentences (between placeholders, line by line) of more than two words, and
// which of them a text holds.
import { CATALOGUES } from '../../src/shared/i18n';

const flat = (text: string) => text.replace(/\s+/g, ' ');

/** The fixed parts of `lang`'s sentences of more than two words, optionally only of keys starting with `prefix`. */
export function sentences(lang: 'en' | 'es', prefix = ''): { key: string; text: string }[] {
  const other = CATALOGUES[lang === 'en' ? 'es' : 'en'];
  return Object.entries(CATALOGUES[lang]).filter(([key]) => key.startsWith(prefix)).flatMap(([key, value]) =>
    value.split(/\{\w+\}|\n/).map((part) => flat(part).trim()).filter((part) => part.split(' ').filter((w) => /\p{L}/u.test(w)).length > 2)
      // A part both languages write alike (a command line such as `--decision rollback|stop`) is no one language's sentence.
      .filter((part) => !flat(other[key as keyof typeof other]).includes(part)).map((text) => ({ key, text })));
}

/** The catalogue sentences of `lang` found in `text` ("key: sentence"). */
export function found(text: string, lang: 'en' | 'es', prefix = ''): string[] {
  const haystack = flat(text);
  return sentences(lang, prefix).filter((s) => haystack.includes(s.text)).map((s) => `${s.key}: ${s.text}`);
}
