// Picks the UI language once at start-up: ?lang=xx wins, then the language the person chose
// with the switch (remembered in this profile's localStorage), then the browser's preferences.
import { en, type Strings } from './en';
import { es } from './es';

const languages: Record<string, Strings> = { en, es };

/** The languages the switch offers, each named in itself. */
export const LANGUAGES: { code: string; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Español' },
];

const STORAGE_KEY = 'cutover.language';

function storedLanguage(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function pickLanguage(): string {
  const forced = new URLSearchParams(window.location.search).get('lang');
  if (forced && forced in languages) return forced;
  const stored = storedLanguage();
  if (stored && stored in languages) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0] ?? '';
    if (base in languages) return base;
  }
  return 'en';
}

export const lang = pickLanguage();
export const t: Strings = languages[lang] ?? en;

/**
 * Remembers `code` and reloads the page in it (the strings are read once at start-up). Main keeps
 * the vault open across the reload, so the person lands back in the workspace.
 */
export function switchLanguage(code: string): void {
  if (!(code in languages)) return;
  try {
    window.localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // No storage (a locked-down profile): the switch still works for this page load.
  }
  const remembered = storedLanguage() === code;
  const url = new URL(window.location.href);
  if (remembered && !url.searchParams.has('lang')) {
    // A reload, not a navigation: Electron's main refuses every navigation of the window.
    window.location.reload();
    return;
  }
  url.searchParams.delete('lang');
  if (!remembered) url.searchParams.set('lang', code);
  window.location.replace(url.toString());
}

/** Fills {name} placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => (key in values ? String(values[key]) : match));
}
