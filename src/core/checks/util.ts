// Small formatting helpers for check summaries (people read them in a terminal and a PDF).
import { formatBytes as sharedFormatBytes } from '../../shared/bytes';
import { translator, type Lang } from '../../shared/i18n';

/** 42 → "42s", 192 → "3m12s", 7500 → "2h05m", 0.4 → "0.4s" ("0,4s" in Spanish). */
export function formatSeconds(value: number, lang: Lang = 'en'): string {
  if (!Number.isFinite(value)) return String(value);
  if (value < 10) return `${translator(lang).number(Math.max(0, Math.round(value * 10) / 10))}s`;
  const s = Math.round(value);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
}

/**
 * A size in a check: "68.4 kB" (kB, MB, GB: powers of 1024, as the findings have always recorded
 * them). What is recorded (a finding's details) is written in English whatever the language of the
 * run; a summary a person reads passes its `lang` ("68,4 kB" in Spanish).
 */
export function formatBytes(n: number, lang: Lang = 'en'): string {
  return sharedFormatBytes(n, lang, { units: 'kB' });
}

/** Query text on one line, cut to `max` characters. */
export function oneLine(text: string | null | undefined, max = 120): string {
  if (text === null || text === undefined) return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
