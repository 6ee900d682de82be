// A size in bytes as people read it, in their language: the CLI, the window and the checks all
// write sizes through this one function (powers of 1024; Spanish with the decimal comma).
import type { Lang } from './i18n/languages';

export interface BytesStyle {
  /**
   * `KiB` (the default): B, KiB, MiB, GiB, TiB. `kB`: B, kB, MB, GB, TB, still powers of 1024:
   * the units the checks' findings have always recorded in the chain (kept, so recorded evidence
   * reads the same from one version to the next).
   */
  units?: 'KiB' | 'kB';
  /**
   * `fixed` (the default): one decimal always and whole bytes as they are ("2.0 KiB", "1023 B"),
   * the CLI's and the checks'. `grouped`: at most one decimal and thousands grouped the language's
   * way ("2 KiB", "1,023 B"; "68,4 KiB"), the window's.
   */
  digits?: 'fixed' | 'grouped';
}

const UNITS = { KiB: ['B', 'KiB', 'MiB', 'GiB', 'TiB'], kB: ['B', 'kB', 'MB', 'GB', 'TB'] } as const;

/** 70042 → "68.4 KiB" (en) or "68,4 KiB" (es); 512 → "512 B". */
export function formatBytes(n: number, lang: Lang = 'en', style: BytesStyle = {}): string {
  const units = UNITS[style.units ?? 'KiB'];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (style.digits === 'grouped') return `${new Intl.NumberFormat(lang, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
  if (unit === 0) return `${n} B`;
  const text = value.toFixed(1);
  return `${lang === 'es' ? text.replace('.', ',') : text} ${units[unit]}`;
}
