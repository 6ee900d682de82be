// Input files and sizes in the language asked for (--lang / CUTOVER_LANG): a file named on the
// command line that is not there, not a file, or too large is refused by readBounded in Spanish
// (the noun too), exit 2 and the chain head unmoved; English word for word as before. Sizes shown
// to people follow the language (decimal comma in Spanish); sizes recorded in check findings
// keep the units and notation they have always had.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBytes as checkBytes } from '../../src/core/checks/util';
import { formatBytes } from '../../src/shared/bytes';
import { describeRun, expectRefusal, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { found } from './language-sentences';

describe('sizes in the language they are shown in', () => {
  it('Spanish writes the decimal comma; English and the checks\' recorded sizes as before', () => {
    expect(formatBytes(70_042, 'es')).toBe('68,4 KiB');
    expect(formatBytes(70_042, 'en')).toBe('68.4 KiB');
    expect(formatBytes(70_042)).toBe('68.4 KiB');
    expect(formatBytes(1023, 'es')).toBe('1023 B');
    expect(formatBytes(64 << 10, 'es')).toBe('64,0 KiB');
    expect(formatBytes(5e9, 'es')).toBe('4,7 GiB');
    // The window's notation: grouped digits, no ".0".
    expect(formatBytes(1023, 'en', { digits: 'grouped' })).toBe('1,023 B');
    expect(formatBytes(2048, 'en', { digits: 'grouped' })).toBe('2 KiB');
    expect(formatBytes(70_042, 'es', { digits: 'grouped' })).toBe('68,4 KiB');
    // A check's finding is evidence: kB/MB, a decimal point, in every language.
    expect(checkBytes(70_042)).toBe('68.4 kB');
    expect(checkBytes(5e9)).toBe('4.7 GB');
    expect(checkBytes(-2048)).toBe('-2.0 kB');
  });
});

describe('input files refused in the language asked for', () => {
  it('no file, not a file, too large: Spanish under --lang es and CUTOVER_LANG=es, English without, exit 2, the chain unmoved', async () => {
    const dir = useTempDir('cutover-input-lang-');
    const vault = join(dir, 'v.vault');
    const init = await runCli(['vault', 'init', '--vault', vault]);
    expect(init.code, describeRun(init)).toBe(0);
    const head = async () => (await runCli(['vault', 'log', '--vault', vault, '--json'])).stdout;
    const before = await head();
    const folder = join(dir, 'folder.act');
    mkdirSync(folder);
    const big = join(dir, 'big.act');
    writeFileSync(big, 'x'.repeat(70_042));
    const small = join(dir, 'small.act');
    writeFileSync(small, '{}');
    const importAct = (act: string, signature = `${act}.sig`) => ['act', 'import', '--vault', vault, '--act', act, '--signature', signature];

    const cases: { args: string[]; es: RegExp; en: RegExp }[] = [
      {
        args: importAct(join(dir, 'none.act')),
        es: /^cutover: No hay ningún archivo de acto en \S+none\.act\.\n$/,
        en: /^cutover: No act file at \S+none\.act\.\n$/,
      },
      {
        args: importAct(folder),
        es: /^cutover: El acto \S+folder\.act no es un archivo\.\n$/,
        en: /^cutover: The act \S+folder\.act is not a file\.\n$/,
      },
      {
        args: importAct(big),
        es: /^cutover: El archivo de acto \S+big\.act ocupa 68,4 KiB; un archivo de acto ocupa como mucho 64,0 KiB\. ¿Es el archivo correcto\?\n$/,
        en: /^cutover: The act file \S+big\.act is 68\.4 KiB; a act is at most 64\.0 KiB\. Is it the right file\?\n$/,
      },
      {
        args: importAct(small),
        es: /^cutover: No hay ningún archivo de firma en \S+small\.act\.sig\.\n$/,
        en: /^cutover: No signature file at \S+small\.act\.sig\.\n$/,
      },
      {
        args: importAct(small, folder),
        es: /^cutover: La firma \S+folder\.act no es un archivo\.\n$/,
        en: /^cutover: The signature \S+folder\.act is not a file\.\n$/,
      },
    ];
    for (const c of cases) {
      const es = await runCli([...c.args, '--lang', 'es']);
      expectRefusal(es, 2, c.es);
      expect(found(es.stderr, 'en')).toEqual([]);
      expectRefusal(await runCli(c.args, { env: { CUTOVER_LANG: 'es' } }), 2, c.es);
      expectRefusal(await runCli(c.args), 2, c.en);
    }
    expect(await head()).toBe(before);
  });
});
