// `cutover runbook import` refuses a Markdown file that is empty or not a runbook in the language
// asked for (--lang), exit 2; English as before.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cutover } from '../pack/fixture';
import { found } from './language-sentences';

const dir = mkdtempSync(join(tmpdir(), 'cutover-import-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runbook import refusals in the language asked for', () => {
  it('an empty file and one that is not a runbook: Spanish with --lang es, English without', async () => {
    writeFileSync(join(dir, 'empty.md'), '\n\n');
    writeFileSync(join(dir, 'notes.md'), '# Shopping\n\n- milk\n- bread\n');
    const run = (lang: string[], file: string) => cutover([...lang, 'runbook', 'import', join(dir, file)]);
    const [emptyEs, notesEs, emptyEn, notesEn] = await Promise.all([run(['--lang', 'es'], 'empty.md'), run(['--lang', 'es'], 'notes.md'), run([], 'empty.md'), run([], 'notes.md')]);
    expect([emptyEs.code, notesEs.code, emptyEn.code, notesEn.code]).toEqual([2, 2, 2, 2]);
    expect(emptyEs.stderr).toContain('empty.md: el archivo está vacío: da un runbook en Markdown con encabezados y pasos');
    expect(notesEs.stderr).toContain('notes.md: esto no parece un runbook: se encontraron');
    expect(emptyEn.stderr).toContain('empty.md: the file is empty: give a Markdown runbook with headings and steps');
    expect(notesEn.stderr).toMatch(/notes\.md: this does not look like a runbook: found \d+ step\(s\) and \d+ runbook marker\(s\)/);
    expect(found(emptyEs.stderr + notesEs.stderr, 'en', 'importError.')).toEqual([]);
  });
});
