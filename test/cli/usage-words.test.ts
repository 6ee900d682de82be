// The CLI's own words outside any command follow --lang / CUTOVER_LANG: commander's usage errors
// (worded again from their code and values, its "did you mean" kept) and a file-system error on
// a path the user named. English is commander's and fs-errors' text as before, byte for byte:
// each English case is also the English catalogue sentence, so both languages say the same.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { translate, translateCount } from '../../src/shared/i18n';
import { describeRun, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { found } from '../report/language-sentences';

interface Case {
  args: string[];
  /** What English says (commander's own output), line by line. */
  en: string;
  /** The same in Spanish, from the catalogue. */
  es: string;
}

const HELP = { en: '(run with --help for usage)', es: '(ejecute con --help para ver cómo se usa)' };

const CASES: Case[] = [
  { args: ['demo'], en: "error: required option '--out <dir>' not specified", es: "error: no se indicó la opción obligatoria '--out <dir>'" },
  { args: ['demo', '--out'], en: "error: option '--out <dir>' argument missing", es: "error: a la opción '--out <dir>' le falta su valor" },
  { args: ['runbook', 'validate'], en: "error: missing required argument 'file'", es: "error: falta el argumento obligatorio 'file'" },
  { args: ['runbook', 'validate', 'a.yaml', 'b.yaml'], en: "error: too many arguments for 'validate'. Expected 1 argument but got 2.", es: "error: demasiados argumentos para 'validate': se esperaba 1 y se recibieron 2." },
  { args: ['demox'], en: "error: unknown command 'demox'\n(Did you mean demo?)", es: "error: orden desconocida 'demox'\n(¿Quiso decir demo?)" },
  { args: ['runbook', 'validate', '--jsn', 'a.yaml'], en: "error: unknown option '--jsn'\n(Did you mean --json?)", es: "error: opción desconocida '--jsn'\n(¿Quiso decir --json?)" },
  { args: ['runbook', 'validate', '--zzzzzz', 'a.yaml'], en: "error: unknown option '--zzzzzz'", es: "error: opción desconocida '--zzzzzz'" },
];

describe('commander usage errors in the language asked for', () => {
  for (const c of CASES) {
    it(`cutover ${c.args.join(' ')}`, async () => {
      const en = await runCli(c.args);
      expect(en.code, describeRun(en)).toBe(2);
      expect(en.stderr).toBe(`${c.en}\n${HELP.en}\n`);
      for (const how of [{ args: ['--lang', 'es', ...c.args], env: {} }, { args: c.args, env: { CUTOVER_LANG: 'es' } }]) {
        const es = await runCli(how.args, { env: how.env });
        expect(es.code, describeRun(es)).toBe(2);
        expect(es.stderr).toBe(`${c.es}\n${HELP.es}\n`);
        expect(found(es.stderr, 'en')).toEqual([]);
      }
    });
  }

  it('the English catalogue says what commander says', () => {
    expect(translate('en', 'cli.usage.missingMandatoryOptionValue', { flags: '--out <dir>' })).toBe(CASES[0]!.en);
    expect(translateCount('en', 'cli.usage.excessArguments', 1, { where: translate('en', 'cli.usage.excessWhere', { command: 'validate' }), got: 2 })).toBe(CASES[3]!.en);
    expect(translate('en', 'cli.usage.unknownCommand', { name: 'demox', suggestion: translate('en', 'cli.usage.didYouMean', { candidate: 'demo' }) })).toBe(CASES[4]!.en);
    expect(translate('en', 'cli.usage.help')).toBe(HELP.en);
  });
});

describe('a file-system error on a path the user named', () => {
  it('is worded in the language asked for, exit 2, English as before', async () => {
    const dir = useTempDir('cutover-usage-words-');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const out = join(file, 'pack');
    const en = await runCli(['demo', '--out', out]);
    expect(en.code, describeRun(en)).toBe(2);
    expect(en.stderr).toBe(`cutover: A part of ${out} is a file, where a folder is needed: give a folder (a new or existing one).\n`);
    const es = await runCli(['--lang', 'es', 'demo', '--out', out]);
    expect(es.code, describeRun(es)).toBe(2);
    expect(es.stderr).toBe(`cutover: Una parte de ${out} es un archivo, donde hace falta una carpeta: indique una carpeta (nueva o existente).\n`);
  });
});
