// `cutover runbook import` refuses a file that is missing, a folder, binary, empty or not a
// runbook in the language asked for (--lang), exit 2; English as before.
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

  it('a missing file, a folder and binary bytes: Spanish with --lang es, English without', async () => {
    writeFileSync(join(dir, 'binary.md'), Buffer.from([0x23, 0x20, 0x41, 0x00, 0x01, 0x0a]));
    const cases = ['missing.md', '.', 'binary.md'];
    const es = await Promise.all(cases.map((f) => cutover(['--lang', 'es', 'runbook', 'import', join(dir, f)])));
    const en = await Promise.all(cases.map((f) => cutover(['runbook', 'import', join(dir, f)])));
    expect([...es, ...en].map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(es[0]!.stderr).toContain('missing.md: no se puede abrir el archivo (no existe): da la ruta de un runbook en Markdown (.md)');
    expect(es[1]!.stderr).toContain(': es una carpeta: da la ruta de un runbook en Markdown (.md)');
    expect(es[2]!.stderr).toContain('binary.md: contiene el byte de control U+0000: son datos binarios, no un runbook en Markdown');
    expect(en[0]!.stderr).toContain('missing.md: cannot open the file (no such file): give the path of a Markdown runbook (.md)');
    expect(en[1]!.stderr).toContain(': this is a folder: give the path of a Markdown runbook (.md)');
    expect(en[2]!.stderr).toContain('binary.md: contains the control byte U+0000: this is binary data, not a Markdown runbook');
    expect(found(es.map((r) => r.stderr).join('\n'), 'en', 'importError.')).toEqual([]);
  });
});
