// The core's own words in every language it writes: one catalogue per language (en.ts, es.ts),
// shared with the renderer. A key missing from a language's catalogue is a compile error (each
// is typed as a Catalogue), and a sentence's placeholders are typed from the English one, so a
// caller that forgets a value does not compile either.
import { en } from './en';
import { es } from './es';
import { DEFAULT_LANG, type Lang } from './languages';

export type MessageKey = keyof typeof en;
/** Every key of the English catalogue, each with its sentence in one language. */
export type Catalogue = { readonly [K in MessageKey]: string };

type Placeholders<S> = S extends `${string}{${infer V}}${infer Rest}` ? V | Placeholders<Rest> : never;
/** The values a sentence needs: one per {placeholder} of its English text. */
export type VarsOf<K extends MessageKey> = Record<Placeholders<(typeof en)[K]>, string | number>;
export type VarsArg<K extends MessageKey> = [Placeholders<(typeof en)[K]>] extends [never] ? [] : [vars: VarsOf<K>];

/** Keys that come in a singular (`.one`) and a plural (`.other`) form. */
type BaseOf<K> = K extends `${infer B}.one` ? (`${B}.other` extends MessageKey ? B : never) : never;
export type PluralBase = BaseOf<MessageKey>;
type PluralVars<B extends PluralBase> = Omit<VarsOf<`${B}.other` & MessageKey>, 'n'>;
export type PluralArg<B extends PluralBase> = [keyof PluralVars<B>] extends [never] ? [] : [vars: PluralVars<B>];

export const CATALOGUES: Readonly<Record<Lang, Catalogue>> = { en, es };

const PLACEHOLDER = /\{(\w+)\}/g;

function fill(template: string, vars: Record<string, string | number> | undefined): string {
  if (!vars) return template;
  return template.replace(PLACEHOLDER, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The sentence `key` in `lang`, its {placeholders} filled (values are inserted as they are, never read as templates). */
export function translate<K extends MessageKey>(lang: Lang, key: K, ...vars: VarsArg<K>): string {
  const template = (CATALOGUES[lang] ?? CATALOGUES[DEFAULT_LANG])[key];
  return fill(template, vars[0] as Record<string, string | number> | undefined);
}

/** `base.one` for a count of 1, `base.other` otherwise, with {n} set to the count. */
export function translateCount<B extends PluralBase>(lang: Lang, base: B, n: number, ...vars: PluralArg<B>): string {
  const key = `${base}.${n === 1 ? 'one' : 'other'}` as MessageKey;
  return fill((CATALOGUES[lang] ?? CATALOGUES[DEFAULT_LANG])[key], { ...(vars[0] as Record<string, string | number> | undefined), n });
}

/** The placeholder names of a sentence (for the test that every language keeps them). */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).sort();
}
