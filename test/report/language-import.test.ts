// `cutover runbook import` follows --lang: a Markdown file names no language, so the coverage
// report (why a line maps to nothing, what each TODO wants, the totals) is in the language asked
// for, with no English sentence of the catalogue; the YAML draft and --json are the same bytes
// whatever the language, and English is as before.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cutover } from '../pack/fixture';
import { found } from './language-sentences';

const SOURCE = join(__dirname, '../../../shared/runbooks/postgres-primary-cutover.md');
const dir = mkdtempSync(join(tmpdir(), 'cutover-import-lang-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runbook import in the language asked for', () => {
  it('--lang es: the coverage report in Spanish, the draft and --json unchanged', async () => {
    const es = await cutover(['--lang', 'es', 'runbook', 'import', SOURCE, '--out', join(dir, 'es.yaml')]);
    const en = await cutover(['runbook', 'import', SOURCE, '--out', join(dir, 'en.yaml')]);
    expect([es.code, en.code], es.stderr + en.stderr).toEqual([0, 0]);
    expect(readFileSync(join(dir, 'es.yaml'))).toEqual(readFileSync(join(dir, 'en.yaml')));
    expect(es.stdout).toMatch(/^postgres-primary-cutover\.md: [\d,]+ % de los elementos de lista y líneas de código asignados \(/);
    expect(es.stdout).toMatch(/\n {2}postgres-primary-cutover\.md:\d+ +targets\.TODO: nombra y describe el destino/);
    expect(es.stdout).toMatch(/Borrador escrito en .*es\.yaml: rellena los \d+ valores TODO de arriba/);
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
});
