import { lang } from './i18n';

export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
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
