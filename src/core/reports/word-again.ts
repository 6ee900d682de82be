// Words the engine and its targets record in English (a step's failure, a gate's detail), said
// again in another language. The English catalogue holds each sentence exactly as the engine
// writes it, with {placeholders} where its values go; a recorded text that is exactly one of
// those sentences is written again with the other language's sentence and the same values.
// Anything else (an older engine's words, a database's own error text) is kept as recorded,
// never guessed at. Some placeholders hold a sentence of their own (a failure's reason, a
// capture's source): those are worded again too, from the keys given for them.
import { CATALOGUES, translate, type Lang, type MessageKey } from '../../shared/i18n';

interface Template { key: MessageKey; names: string[]; pattern: RegExp; fixed: number }

const compiled = new Map<MessageKey, Template>();

function templateOf(key: MessageKey): Template {
  let t = compiled.get(key);
  if (!t) {
    const text = CATALOGUES.en[key];
    const names: string[] = [];
    const source = text.split(/(\{\w+\})/).map((part) => {
      const m = /^\{(\w+)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      names.push(m[1]!);
      return '([\\s\\S]*?)';
    }).join('');
    t = { key, names, pattern: new RegExp(`^${source}$`), fixed: text.replace(/\{\w+\}/g, '').length };
    compiled.set(key, t);
  }
  return t;
}

/** Sub-sentences: a placeholder's value worded again from these keys (kept as it is when none fits). */
export type Nested = Readonly<Record<string, readonly MessageKey[]>>;

/**
 * `text` in `lang` when it is exactly the English sentence of one of `keys` (the one with the
 * most fixed words first, so a longer sentence wins over a shorter one it contains); null when
 * none fits.
 */
export function matchAgain(lang: Lang, text: string, keys: readonly MessageKey[], nested: Nested = {}): string | null {
  const templates = keys.map(templateOf).sort((a, b) => b.fixed - a.fixed);
  for (const t of templates) {
    const m = t.pattern.exec(text);
    if (!m) continue;
    const vars: Record<string, string> = {};
    t.names.forEach((name, i) => {
      const value = m[i + 1]!;
      const inner = nested[name];
      vars[name] = inner && value !== '' ? (matchAgain(lang, value, inner, nested) ?? value) : value;
    });
    return (translate as (lang: Lang, key: MessageKey, vars: Record<string, string>) => string)(lang, t.key, vars);
  }
  return null;
}

/** The values of `key`'s {placeholders} when `text` is exactly its English sentence, else null. */
export function matchVars(text: string, key: MessageKey): Record<string, string> | null {
  const t = templateOf(key);
  const m = t.pattern.exec(text);
  return m ? Object.fromEntries(t.names.map((name, i) => [name, m[i + 1]!])) : null;
}

/** `text` in `lang` when it is one of `keys`' English sentences, else as recorded (English: always as recorded). */
export function wordAgain(lang: Lang, text: string, keys: readonly MessageKey[], nested: Nested = {}): string {
  if (lang === 'en') return text;
  return matchAgain(lang, text, keys, nested) ?? text;
}
