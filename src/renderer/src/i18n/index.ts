// Picks the UI language once at start-up: ?lang=xx wins, then the browser's preferences.
import { en, type Strings } from './en';
import { es } from './es';

const languages: Record<string, Strings> = { en, es };

function pickLanguage(): string {
  const forced = new URLSearchParams(window.location.search).get('lang');
  if (forced && forced in languages) return forced;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0] ?? '';
    if (base in languages) return base;
  }
  return 'en';
}

export const lang = pickLanguage();
export const t: Strings = languages[lang] ?? en;

/** Fills {name} placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => (key in values ? String(values[key]) : match));
}
