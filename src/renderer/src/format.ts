import { formatBytes as sharedFormatBytes } from '../../shared/bytes';
import { isLang } from '../../shared/i18n/languages';
import { lang } from './i18n';

export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A size in the window's language: "1,023 B", "68.4 KiB"; "68,4 KiB" in Spanish (src/shared/bytes.ts). */
export function formatBytes(bytes: number): string {
  return sharedFormatBytes(bytes, isLang(lang) ? lang : 'en', { digits: 'grouped' });
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat(lang).format(n);
}

export function formatMinutes(minutes: number): string {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(minutes);
}

/** The time of day only (a scribe's column): "16:04:07". */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
