// `cutover runbook import` follows --lang: a Markdown file names no language, so the coverage
// report (what each line became, why a line maps to nothing, what each TODO wants, the totals)
// is in the language asked for, with no English sentence of the catalogue; the YAML draft and
// --json are the same bytes whatever the language, and English is as before. The window's view
// of an import (main's importMarkdownView) words the same descriptions in the window's language.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importMarkdownView } from '../../src/main/runbook-import';
import { cutover } from '../pack/fixture';
import { found } from './language-sentences';

const RUNBOOKS = join(__dirname, '../../../shared/runbooks');
const SOURCE = join(RUNBOOKS, 'postgres-primary-cutover.md');
const ALL = readdirSync(RUNBOOKS).filter((f) => f.endsWith('.md')).sort();
const dir = mkdtempSync(join(tmpdir(), 'cutover-import-lang-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Coverage {
  lines: Array<{ line: number; mapped?: string; why?: string }>;
  todos: Array<{ where: string; what: string; line: number }>;
}

/** The report without the quoted Markdown after each line's " | ": the team's own words are not the importer's. */
const ownWords = (report: string) => report.split('\n').map((l) => l.replace(/ {4}\| .*$/, '')).join('\n');

/** The importer's English words that must not stay in a Spanish report (paths such as phases[P0].steps[x] are the YAML's). */
const ENGLISH = /lead-in|the list below becomes|\((?:attest|check|command|manual|record|monitor|http)\)|\(pattern TODO\)|password removed|attest producing|\] at T|not recognised|kept in the description|a heading with no steps|no step before it|title of the steps|table header|a comment in the code/;

describe('runbook import in the language asked for', () => {
  it('--lang es: the coverage report in Spanish, the draft and --json unchanged', async () => {
    const es = await cutover(['--lang', 'es', 'runbook', 'import', SOURCE, '--out', join(dir, 'es.yaml')]);
    const en = await cutover(['runbook', 'import', SOURCE, '--out', join(dir, 'en.yaml')]);
    expect([es.code, en.code], es.stderr + en.stderr).toEqual([0, 0]);
    expect(readFileSync(join(dir, 'es.yaml'))).toEqual(readFileSync(join(dir, 'en.yaml')));
    expect(es.stdout).toMatch(/^postgres-primary-cutover\.md: [\d,]+ % de los elementos de lista y líneas de código asignados \(/);
    expect(es.stdout).toMatch(/\n {2}postgres-primary-cutover\.md:\d+ +targets\.TODO: nombre y describa el destino/);
    expect(es.stdout).toMatch(/Borrador escrito en .*es\.yaml: rellene los \d+ valores TODO de arriba/);
    expect(en.stdout).toMatch(/^postgres-primary-cutover\.md: [\d.]+% of list items and code lines mapped \(/);
    expect(found(es.stdout, 'en')).toEqual([]);
    expect(found(en.stdout, 'es')).toEqual([]);
    // Both reports list the same lines, the same number of each.
    const count = (text: string, word: RegExp) => text.split('\n').filter((l) => word.test(l)).length;
    expect(count(en.stdout, / UNMAPPED /)).toBeGreaterThan(0);
    expect(count(es.stdout, / SIN ASIGNAR /)).toBe(count(en.stdout, / UNMAPPED /));
    const [jsonEs, jsonEn] = await Promise.all([cutover(['--lang', 'es', 'runbook', 'import', SOURCE, '--json']), cutover(['runbook', 'import', SOURCE, '--json'])]);
    expect(jsonEs.stdout).toBe(jsonEn.stdout);
  });

  it.each(ALL)('%s: what each line became, in Spanish; the draft the same bytes; English as the importer records it', async (file) => {
    const source = join(RUNBOOKS, file);
    const stem = file.replace(/\.md$/, '');
    const [es, en, json] = await Promise.all([
      cutover(['--lang', 'es', 'runbook', 'import', source, '--out', join(dir, `${stem}.es.yaml`)]),
      cutover(['runbook', 'import', source, '--out', join(dir, `${stem}.en.yaml`)]),
      cutover(['runbook', 'import', source, '--json']),
    ]);
    expect([es.code, en.code, json.code], es.stderr + en.stderr + json.stderr).toEqual([0, 0, 0]);
    expect(readFileSync(join(dir, `${stem}.es.yaml`))).toEqual(readFileSync(join(dir, `${stem}.en.yaml`)));
    const spanish = ownWords(es.stdout);
    expect(found(spanish, 'en')).toEqual([]);
    expect(spanish).not.toMatch(ENGLISH);
    expect(spanish).toMatch(/ \(paso (?:attest|check|command|manual|record)\)/);
    expect(found(ownWords(en.stdout), 'es')).toEqual([]);

    // English: each line's description is the importer's own words, as --json records them.
    const coverage = (JSON.parse(json.stdout) as { coverage: Coverage }).coverage;
    const enLines = en.stdout.split('\n');
    const esLines = es.stdout.split('\n');
    for (const l of coverage.lines) {
      const at = new RegExp(`^${file.replace(/\./g, '\\.')}:${l.line} +`);
      const shownEn = enLines.find((x) => at.test(x))!;
      const shownEs = esLines.find((x) => at.test(x))!;
      expect(shownEn, `line ${l.line}`).toContain(`  ${l.mapped ?? l.why}    | `);
      // Spanish says the same places of the draft (the YAML's paths are not translated).
      for (const path of (l.mapped ?? '').match(/(?:phases|preconditions|rollback\.steps)\[[^\]]*\](?:\.steps\[[^\]]*\])?/g) ?? []) expect(shownEs, `line ${l.line}`).toContain(path);
    }
    // The window's view of the same import: Spanish descriptions, the same draft.
    const viewEs = importMarkdownView(source, 'es');
    const viewEn = importMarkdownView(source, 'en');
    expect(viewEs.yaml).toBe(viewEn.yaml);
    expect(viewEn.coverage.map((l) => l.mapped ?? l.why)).toEqual(coverage.lines.map((l) => l.mapped ?? l.why));
    expect(viewEn.todos).toEqual(coverage.todos);
    const words = [...viewEs.coverage.map((l) => l.mapped ?? l.why ?? ''), ...viewEs.todos.map((t) => t.what)].join('\n');
    expect(found(words, 'en')).toEqual([]);
    expect(words).not.toMatch(ENGLISH);
  });
});
