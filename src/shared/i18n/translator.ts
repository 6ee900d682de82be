// One language's words, numbers and dates, bound once and handed to whatever writes text
// (the decision PDF, the incident report, the broadcasts, VERIFY.txt, the CLI).
import { translate, translateCount, type MessageKey, type PluralArg, type PluralBase, type VarsArg } from './catalogue';
import { formatDecimal, formatTime } from './format';
import { DEFAULT_LANG, type Lang } from './languages';

export interface Translator {
  readonly lang: Lang;
  /** The sentence `key`, its placeholders filled. */
  t<K extends MessageKey>(key: K, ...vars: VarsArg<K>): string;
  /** `base.one` or `base.other` by `n`. */
  count<B extends PluralBase>(base: B, n: number, ...vars: PluralArg<B>): string;
  /** An ISO 8601 instant as this language writes it ("—" for none). */
  time(at: string | null | undefined): string;
  /** A number with `digits` decimals. */
  decimal(n: number, digits: number): string;
  /** A number as it is, with this language's decimal sign. */
  number(n: number): string;
  /**
   * An instant inside a sentence: English sentences have always carried the ISO 8601 text as
   * recorded (kept, so English output stays as it was); other languages write it as time() does.
   */
  stamp(at: string): string;
}

const made = new Map<Lang, Translator>();

export function translator(lang: Lang = DEFAULT_LANG): Translator {
  let tr = made.get(lang);
  if (!tr) {
    tr = {
      lang,
      t: (key, ...vars) => translate(lang, key, ...vars),
      count: (base, n, ...vars) => translateCount(lang, base, n, ...vars),
      time: (at) => formatTime(lang, at),
      decimal: (n, digits) => formatDecimal(lang, n, digits),
      number: (n) => (lang === 'en' ? String(n) : String(n).replace('.', ',')),
      stamp: (at) => (lang === 'en' ? at : formatTime(lang, at)),
    };
    made.set(lang, tr);
  }
  return tr;
}
