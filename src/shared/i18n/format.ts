// Dates and numbers as each language writes them in the evidence: the instant is always UTC
// (so every document agrees with the chain's `at`), only its notation changes.
import type { Lang } from './languages';

/** "2026-11-22 14:58:47Z" (en) or "22/11/2026 14:58:47 UTC" (es) from an ISO 8601 instant; "—" for none. */
export function formatTime(lang: Lang, at: string | null | undefined): string {
  if (!at) return '—';
  const en = at.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  if (lang === 'en') return en;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(at);
  return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]} UTC` : en;
}

/** A number with `digits` decimals: "5.7" (en) or "5,7" (es). */
export function formatDecimal(lang: Lang, n: number, digits: number): string {
  const text = n.toFixed(digits);
  return lang === 'es' ? text.replace('.', ',') : text;
}
