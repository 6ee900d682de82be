// Reading a Markdown runbook to import: bounded in size before anything is parsed, refused
// when it is a folder, a device, binary bytes or not UTF-8, so a wrong file gets a clear
// message and never a crash or a hang.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { translator, type Lang, type Translator } from '../../../shared/i18n';

/** A Markdown runbook is a few hundred lines; anything past 1 MiB is not one. */
export const MAX_MARKDOWN_BYTES = 1024 * 1024;

/** Bad input to the importer: the CLI prints the message and exits 2. */
export class MarkdownImportError extends Error {
  override name = 'MarkdownImportError';
  /** The window's error envelope carries this code (bad input, not a failure of the app). */
  readonly code = 'NOT_A_MARKDOWN_RUNBOOK';
}

/** Reads FILE (at most MAX_MARKDOWN_BYTES + 1 bytes are ever read) and decodes it; refusals in `lang`. */
export function readMarkdownFile(path: string, lang: Lang = 'en'): string {
  const tr = translator(lang);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MarkdownImportError(tr.t('importError.cannotOpen', { path, why: code === 'ENOENT' ? tr.t('importError.noSuchFile') : code ?? String(error) }));
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new MarkdownImportError(tr.t('importError.folder', { path }));
    if (!stat.isFile()) throw new MarkdownImportError(tr.t('importError.notRegular', { path }));
    if (stat.size > MAX_MARKDOWN_BYTES) throw tooLarge(path, stat.size, tr);
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_MARKDOWN_BYTES) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) break;
    }
    if (length > MAX_MARKDOWN_BYTES) throw tooLarge(path, length, tr);
    return decodeMarkdown(buffer.subarray(0, length), path, lang);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string, size: number, tr: Translator): MarkdownImportError {
  return new MarkdownImportError(tr.t('importError.tooLarge', { path, size, max: MAX_MARKDOWN_BYTES }));
}

/** UTF-8 text with no NUL or other binary control bytes; a BOM is dropped. */
export function decodeMarkdown(bytes: Uint8Array, name: string, lang: Lang = 'en'): string {
  const tr = translator(lang);
  if (bytes.byteLength > MAX_MARKDOWN_BYTES) throw tooLarge(name, bytes.byteLength, tr);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MarkdownImportError(tr.t('importError.notUtf8', { path: name }));
  }
  // eslint-disable-next-line no-control-regex -- finding binary control bytes is the point
  const control = /[\u0000-\u0008\u000E-\u001F]/.exec(text);
  if (control) throw new MarkdownImportError(tr.t('importError.controlByte', { path: name, code: control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0') }));
  return text.replace(/^\uFEFF/, '');
}
