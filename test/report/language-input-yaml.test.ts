// The YAML parser's reasons in the runbook's language (issue 13, item 3): in a Spanish reading each
// code the yaml library gives (a tag, a character a value cannot start with, a tab, a missing
// character, the indentation, an unexpected token, an escape, two anchors) is said in Spanish at its
// line and column, with none of the parser's English words; English keeps the parser's words byte
// for byte as before (the expected lines below are what the previous code printed). Through
// `cutover runbook validate` too: exit 2, in Spanish under --lang es or a `language: es` line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue, loadRunbook, RunbookError } from '../../src/core/runbook';
import { describeRun, expectNoCrash, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { found } from './language-sentences';

const HEAD = 'format: cutover-runbook/v1\nid: roto\ntitle: Corte roto\nversion: "1"\n';

/** One YAML mistake each after HEAD's four lines, by the code the yaml library gives it. */
const CASES: { code: string; yaml: string; en: string; es: string }[] = [
  {
    code: 'TAG_RESOLVE_FAILED',
    yaml: 'targets: !raro { ws: { kind: local } }\n',
    en: 'FILE:5:10: Unresolved tag: !raro: a runbook uses no YAML tags (`!something`); write the value as plain text',
    es: 'FILE:5:10: etiqueta sin resolver !raro: un runbook no usa etiquetas YAML (`!algo`); escriba el valor como texto simple',
  },
  {
    code: 'BAD_SCALAR_START',
    yaml: 'targets:\n  ws: { kind: local }\nowner: @ana\n',
    en: 'FILE:7:8: Plain value cannot start with reserved character @: put the value in quotes',
    es: 'FILE:7:8: un valor sin comillas no puede empezar con `@`: ponga el valor entre comillas',
  },
  {
    code: 'TAB_AS_INDENT',
    yaml: 'targets:\n\tws: { kind: local }\n',
    en: 'FILE:6:1: tabs are not allowed as indentation in YAML: indent with spaces',
    es: 'FILE:6:1: YAML no admite tabuladores como sangría: sangre con espacios',
  },
  {
    code: 'MISSING_CHAR',
    yaml: 'targets:\n  ws: { kind: local }\nowner: "ana\n',
    en: 'FILE:8:1: Missing closing "quote',
    es: 'FILE:8:1: falta un carácter aquí: la comilla, `]` o `}` que cierra un valor, la `,` entre elementos, los `:` tras una clave, o un espacio tras `:`, `#`, una etiqueta o un ancla',
  },
  {
    code: 'BAD_INDENT',
    yaml: 'targets:\n  ws: { kind: local }\n prod: { kind: local }\n',
    en: 'FILE:7:1: All mapping items must start at the same column',
    es: 'FILE:7:1: la sangría no encaja con la estructura: los elementos de un mismo mapa o lista empiezan en la misma columna, y una lista `[ ]` o un mapa `{ }` va más sangrado que su clave y se cierra',
  },
  {
    code: 'UNEXPECTED_TOKEN',
    yaml: 'targets: ]\n',
    en: 'FILE:5:10: Unexpected flow-seq-end token in YAML stream: "]"',
    es: 'FILE:5:10: el YAML no esperaba esto aquí: revise la sangría, las comas y los `-` y `:` de esta línea y de la anterior',
  },
  {
    code: 'BAD_DQ_ESCAPE',
    yaml: 'targets:\n  ws: { kind: local }\nowner: "ana\\q"\n',
    en: 'FILE:7:12: Invalid escape sequence \\q',
    es: 'FILE:7:12: secuencia de escape no válida entre comillas dobles: use comillas simples, o escriba `\\\\` para una barra invertida',
  },
  {
    code: 'MULTIPLE_ANCHORS',
    yaml: 'targets: &a &b\n  ws: { kind: local }\n',
    en: 'FILE:5:13: A node can have at most one anchor',
    es: 'FILE:5:13: un valor puede tener como mucho un ancla (`&nombre`): deje solo una',
  },
  {
    code: 'UNEXPECTED_TOKEN (a comma)',
    yaml: 'phases: [1,,2]\n',
    en: 'FILE:5:12: Unexpected , in flow sequence',
    es: 'FILE:5:12: el YAML no esperaba esto aquí: revise la sangría, las comas y los `-` y `:` de esta línea y de la anterior',
  },
];

function issues(text: string, lang: 'en' | 'es'): string[] {
  try {
    loadRunbook(text, 'FILE', lang);
  } catch (error) {
    if (error instanceof RunbookError) return error.issues.map((i) => formatIssue('FILE', i, error.lang));
    throw error;
  }
  throw new Error('the runbook was read without an error');
}

/** What the parser says in English, in any of the cases (none of it may reach a Spanish reading). */
const PARSER_WORDS = /Unresolved tag|reserved character|Missing closing|mapping items|Unexpected|escape sequence|at most one anchor|flow sequence|analizador YAML dice/;

describe('the YAML parser\'s reasons in the runbook\'s language', () => {
  for (const c of CASES) {
    it(`${c.code}: Spanish at its line and column, English as before`, () => {
      const es = issues(HEAD + c.yaml, 'es');
      expect(es[0]).toBe(c.es);
      for (const line of es) {
        expect(line).not.toMatch(PARSER_WORDS);
        expect(found(line, 'en'), line).toEqual([]);
      }
      expect(issues(HEAD + c.yaml, 'en')[0]).toBe(c.en);
      // A runbook that states its language is read in it whatever the caller's.
      expect(issues(`language: es\n${HEAD}${c.yaml}`, 'en')[0]?.replace(/^FILE:(\d+)/, (_, l: string) => `FILE:${Number(l) - 1}`)).toBe(c.es);
    });
  }

  it('cutover runbook validate: Spanish under --lang es and with language: es, English without, exit 2', async () => {
    const dir = useTempDir('cutover-input-yaml-');
    const file = join(dir, 'roto.yaml');
    writeFileSync(file, `${HEAD}targets:\n  ws: { kind: local }\nowner: @ana\n`);
    const es = await runCli(['runbook', 'validate', file, '--lang', 'es']);
    expectNoCrash(es);
    expect(es.code, describeRun(es)).toBe(2);
    expect(es.stderr).toBe(`${file}:7:8: un valor sin comillas no puede empezar con \`@\`: ponga el valor entre comillas\ncutover: ${file}: no es un runbook válido (1 error).\n`);
    expect(found(es.stderr, 'en')).toEqual([]);
    const declared = join(dir, 'declarado.yaml');
    writeFileSync(declared, `language: es\n${HEAD}targets: ]\n`);
    const es2 = await runCli(['runbook', 'validate', declared]);
    expect(es2.code, describeRun(es2)).toBe(2);
    expect(es2.stderr).toContain(`${declared}:6:10: el YAML no esperaba esto aquí: revise la sangría`);
    expect(es2.stderr).not.toMatch(PARSER_WORDS);
    const en = await runCli(['runbook', 'validate', file]);
    expect(en.code, describeRun(en)).toBe(2);
    expect(en.stderr).toBe(`${file}:7:8: Plain value cannot start with reserved character @: put the value in quotes\ncutover: ${file}: not a valid runbook (1 error).\n`);
  });
});
