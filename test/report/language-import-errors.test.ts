// `cutover runbook import` refuses a file that is missing, a folder, binary, empty or not a
// runbook in the language asked for (--lang), exit 2; English as before.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importMarkdownBytes, MAX_MARKDOWN_BYTES } from '../../src/core/runbook/import';
import { cutover } from '../pack/fixture';
import { REPO_ROOT } from '../helpers/cli';
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
    expect(emptyEs.stderr).toContain('empty.md: el archivo está vacío: indique un runbook en Markdown con encabezados y pasos');
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
    expect(es[0]!.stderr).toContain('missing.md: no se puede abrir el archivo (no existe): indique la ruta de un runbook en Markdown (.md)');
    expect(es[1]!.stderr).toContain(': es una carpeta: indique la ruta de un runbook en Markdown (.md)');
    expect(es[2]!.stderr).toContain('binary.md: contiene el byte de control U+0000: son datos binarios, no un runbook en Markdown');
    expect(en[0]!.stderr).toContain('missing.md: cannot open the file (no such file): give the path of a Markdown runbook (.md)');
    expect(en[1]!.stderr).toContain(': this is a folder: give the path of a Markdown runbook (.md)');
    expect(en[2]!.stderr).toContain('binary.md: contains the control byte U+0000: this is binary data, not a Markdown runbook');
    expect(found(es.map((r) => r.stderr).join('\n'), 'en', 'importError.')).toEqual([]);
  });

  it('--out onto the Markdown itself, or into a missing folder: Spanish with --lang es, English as before', async () => {
    const source = join(dir, 'source.md');
    copyFileSync(join(REPO_ROOT, 'test/runbook/markdown/postgres-primary-cutover.md'), source);
    const missing = join(dir, 'no-such-folder', 'draft.yaml');
    const [selfEs, missingEs, selfEn, missingEn] = await Promise.all([
      cutover(['--lang', 'es', 'runbook', 'import', source, '--out', source]),
      cutover(['--lang', 'es', 'runbook', 'import', source, '--out', missing]),
      cutover(['runbook', 'import', source, '--out', source]),
      cutover(['runbook', 'import', source, '--out', missing]),
    ]);
    expect([selfEs.code, missingEs.code, selfEn.code, missingEn.code]).toEqual([2, 2, 2, 2]);
    expect(selfEs.stderr).toBe(`cutover: --out ${source} es el propio archivo Markdown: indique otra ruta para el borrador YAML\n`);
    expect(missingEs.stderr).toBe(`cutover: no se puede escribir ${missing}: ENOENT: indique una ruta con permiso de escritura para el borrador YAML\n`);
    expect(selfEn.stderr).toBe(`cutover: --out ${source} is the Markdown file itself: give another path for the YAML draft\n`);
    expect(missingEn.stderr).toBe(`cutover: cannot write ${missing}: ENOENT: give a writable path for the YAML draft\n`);
    expect(found(selfEs.stderr + missingEs.stderr, 'en')).toEqual([]);
  });

  it('importMarkdownBytes (the window, tests) refuses in the language asked for; English as before', () => {
    const refusal = (bytes: Uint8Array, lang?: 'en' | 'es') => {
      try {
        importMarkdownBytes(bytes, 'x.md', lang);
      } catch (error) {
        expect((error as Error).name).toBe('MarkdownImportError');
        return (error as Error).message;
      }
      throw new Error('not refused');
    };
    const text = (s: string) => new TextEncoder().encode(s);
    const cases = [new Uint8Array([0x23, 0x20, 0x41, 0x00]), new Uint8Array([0x23, 0xff, 0xfe]), new Uint8Array(MAX_MARKDOWN_BYTES + 1).fill(0x61), text('\n \n'), text('# Shopping\n\n- milk\n- bread\n')];
    const es = cases.map((c) => refusal(c, 'es'));
    expect(es).toEqual([
      'x.md: contiene el byte de control U+0000: son datos binarios, no un runbook en Markdown',
      'x.md: no es texto UTF-8 (bytes binarios): indique un runbook en Markdown guardado como UTF-8',
      `x.md: ${MAX_MARKDOWN_BYTES + 1} bytes es demasiado para un runbook en Markdown (como mucho ${MAX_MARKDOWN_BYTES} bytes): indique el runbook mismo, no una exportación ni un registro`,
      'x.md: el archivo está vacío: indique un runbook en Markdown con encabezados y pasos',
      expect.stringMatching(/^x\.md: esto no parece un runbook: se encontraron \d+ paso\(s\)/),
    ]);
    expect(found(es.join('\n'), 'en')).toEqual([]);
    const en = cases.map((c) => refusal(c));
    expect(en.slice(0, 4)).toEqual([
      'x.md: contains the control byte U+0000: this is binary data, not a Markdown runbook',
      expect.stringMatching(/^x\.md: not UTF-8 text/),
      `x.md: ${MAX_MARKDOWN_BYTES + 1} bytes is too large for a Markdown runbook (at most ${MAX_MARKDOWN_BYTES} bytes): give the runbook itself, not an export or a log`,
      'x.md: the file is empty: give a Markdown runbook with headings and steps',
    ]);
    expect(en[4]).toMatch(/^x\.md: this does not look like a runbook/);
  });
});
