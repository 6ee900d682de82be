// The core's catalogues (src/shared/i18n): Spanish has every English key with the same
// placeholders, values are filled as given, counts pick their form, and dates and numbers are
// written the language's way. A catalogue missing a key does not compile (checked by tsc).
import { describe, expect, it } from 'vitest';
import { CATALOGUES, placeholdersOf, translate, translateCount, translator, type Catalogue } from '../../src/shared/i18n';
import { es } from '../../src/shared/i18n/es';

const { 'pdf.page': _dropped, ...withoutOne } = es;
// @ts-expect-error a language's catalogue without one of the keys does not compile
const incomplete: Catalogue = withoutOne;

describe('the catalogues', () => {
  it('Spanish keeps every English key and each sentence\'s placeholders', () => {
    expect(Object.keys(incomplete)).not.toContain('pdf.page');
    const { en } = CATALOGUES;
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    const differ = Object.entries(en).filter(([key, text]) => placeholdersOf(text).join() !== placeholdersOf(es[key as keyof typeof es]).join()).map(([key]) => key);
    expect(differ).toEqual([]);
  });

  it('what VERIFY.txt\'s sh blocks echo holds no character sh would read inside double quotes, in any language', () => {
    for (const catalogue of Object.values(CATALOGUES)) {
      const unsafe = Object.entries(catalogue).filter(([key, text]) => key.startsWith('verify.sh.') && /["$`\\]/.test(text.replace(/\{\w+\}/g, '')));
      expect(unsafe).toEqual([]);
    }
  });

  it('fills placeholders with the values as given, never reading a value as a template', () => {
    expect(translate('en', 'pdf.page', { page: 2, pages: 9 })).toBe('page 2 of 9');
    expect(translate('es', 'pdf.page', { page: 2, pages: 9 })).toBe('página 2 de 9');
    expect(translate('es', 'decision.st.rootCause', { cause: '{cause} sin rellenar' })).toBe('Causa raíz: {cause} sin rellenar.');
    expect(translate('en', 'decision.st.checks', { n: 3 })).toBe('Read-only checks PASS (3/3).');
  });

  it('counts pick the singular or the plural', () => {
    expect(translateCount('en', 'files', 1)).toBe('1 file');
    expect(translateCount('es', 'files', 3)).toBe('3 archivos');
    expect(translateCount('es', 'decision.error.notRun', 1, { steps: 'p1' })).toBe('no ejecutado: 1 paso pendiente (p1)');
  });

  it('writes instants and numbers the language\'s way (always UTC)', () => {
    const en = translator('en');
    const es = translator('es');
    expect(en.time('2026-11-22T14:58:47.123Z')).toBe('2026-11-22 14:58:47Z');
    expect(es.time('2026-11-22T14:58:47.123Z')).toBe('22/11/2026 14:58:47 UTC');
    expect(es.time(null)).toBe('—');
    expect(en.stamp('2026-11-22T14:58:47.123Z')).toBe('2026-11-22T14:58:47.123Z');
    expect(es.stamp('2026-11-22T14:58:47.123Z')).toBe('22/11/2026 14:58:47 UTC');
    expect(en.decimal(5.66, 1)).toBe('5.7');
    expect(es.decimal(5.66, 1)).toBe('5,7');
    expect(es.number(1.25)).toBe('1,25');
  });
});
