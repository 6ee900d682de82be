// The UI language: ?lang=xx wins at start-up, then the language the person chose with the
// switch (remembered in this profile's localStorage), then the browser's preferences. The
// switch changes it in place (no reload: Electron's main refuses every navigation of the window).
import { en, type Strings } from '../../../shared/i18n/window/en';
import { es } from '../../../shared/i18n/window/es';

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

/** The current language's code (a live binding: it changes when the person switches). */
export let lang = pickLanguage();

/** The current language's strings; every read goes to the language in use now. */
export const t: Strings = new Proxy({} as Strings, {
  get: (_target, key: string) => (languages[lang] ?? en)[key as keyof Strings],
  has: (_target, key: string) => key in en,
  ownKeys: () => Reflect.ownKeys(en),
  getOwnPropertyDescriptor: (_target, key: string) => ({ configurable: true, enumerable: true, value: (languages[lang] ?? en)[key as keyof Strings] }),
});

const listeners = new Set<() => void>();

/** Calls `listener` after every switch; returns the function that stops it. */
export function onLanguageChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Switches to `code` and remembers it for the next start. */
export function switchLanguage(code: string): void {
  if (!(code in languages) || code === lang) return;
  try {
    window.localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // No storage (a locked-down profile): the switch still holds until the window closes.
  }
  lang = code;
  document.documentElement.lang = code;
  // A ?lang= in the address would win over the choice at the next start: drop it (no navigation).
  const url = new URL(window.location.href);
  if (url.searchParams.has('lang')) {
    url.searchParams.delete('lang');
    window.history.replaceState(null, '', url.toString());
  }
  for (const listener of [...listeners]) listener();
}

/** Fills {name} placeholders. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => (key in values ? String(values[key]) : match));
}

/** A role's name for people: the built-in ones translated, a role a runbook declares (payments_owner) as "payments owner". */
export function roleLabel(role: string): string {
  const known: Record<string, string> = t.identities.role;
  return known[role] ?? role.replace(/_/g, ' ');
}
