// The languages the core writes its evidence in (a runbook's `language:`, `--lang`, the
// window's choice). Shared by the runbook schema, the CLI and the renderer.

export const LANGUAGES = ['en', 'es'] as const;
export type Lang = (typeof LANGUAGES)[number];

export const DEFAULT_LANG: Lang = 'en';

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}
