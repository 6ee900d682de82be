// The language a runbook's validation messages are written in. It is decided once per reading
// (the runbook's own top-level `language:`, else the caller's language, else English) and holds
// while load.ts runs the schema and the checks: zod runs the schema's refinements with no way to
// hand them a language, so they read it here, as withStoredPatterns() does for patterns.
// Outside a reading it is English, so the engine's run-time words (recorded in the chain) never change.
import { translate, translateCount, type Lang, type MessageKey } from '../../shared/i18n';
import type { PluralArg, PluralBase, VarsArg } from '../../shared/i18n/catalogue';

let current: Lang = 'en';

/** The language messages are written in now. */
export function runbookLanguage(): Lang {
  return current;
}

/** Runs `fn` with messages written in `lang`. */
export function inRunbookLanguage<T>(lang: Lang, fn: () => T): T {
  const previous = current;
  current = lang;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** The sentence `key` in the current language. */
export function say<K extends MessageKey>(key: K, ...vars: VarsArg<K>): string {
  return translate(current, key, ...vars);
}

/** `base.one` or `base.other` by `n`, in the current language. */
export function sayCount<B extends PluralBase>(base: B, n: number, ...vars: PluralArg<B>): string {
  return translateCount(current, base, n, ...vars);
}

/** `a or b or c` in the current language. */
export function orList(items: readonly string[]): string {
  return items.join(say('runbook.list.or'));
}

/**
 * The language a runbook text declares: a top-level `language: en` or `language: es` line (quoted
 * or not, a comment after it allowed), read before any YAML parsing, so a file YAML cannot parse
 * is still answered in its language. A top-level key always starts its line in block YAML.
 */
export function declaredLanguage(text: string): Lang | undefined {
  const m = /^language:[ \t]*(["']?)(en|es)\1[ \t]*(#.*)?\r?$/m.exec(text);
  return m ? (m[2] as Lang) : undefined;
}
