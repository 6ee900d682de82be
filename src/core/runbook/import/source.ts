// Reading a Markdown runbook to import: bounded in size before anything is parsed, refused
// when it is a folder, a device, binary bytes or not UTF-8, so a wrong file gets a clear
// message and never a crash or a hang.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** A Markdown runbook is a few hundred lines; anything past 1 MiB is not one. */
export const MAX_MARKDOWN_BYTES = 1024 * 1024;

/** Bad input to the importer: the CLI prints the message and exits 2. */
export class MarkdownImportError extends Error {
  override name = 'MarkdownImportError';
  /** The window's error envelope carries this code (bad input, not a failure of the app). */
  readonly code = 'NOT_A_MARKDOWN_RUNBOOK';
}

/** Reads FILE (at most MAX_MARKDOWN_BYTES + 1 bytes are ever read) and decodes it. */
export function readMarkdownFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MarkdownImportError(`${path}: cannot open the file (${code === 'ENOENT' ? 'no such file' : code ?? String(error)}): give the path of a Markdown runbook (.md)`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new MarkdownImportError(`${path}: this is a folder: give the path of a Markdown runbook (.md)`);
    if (!stat.isFile()) throw new MarkdownImportError(`${path}: not a regular file (a device, a pipe or a socket): give the path of a Markdown runbook (.md)`);
    if (stat.size > MAX_MARKDOWN_BYTES) throw tooLarge(path, stat.size);
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_MARKDOWN_BYTES) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) break;
    }
    if (length > MAX_MARKDOWN_BYTES) throw tooLarge(path, length);
    return decodeMarkdown(buffer.subarray(0, length), path);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string, size: number): MarkdownImportError {
  return new MarkdownImportError(`${path}: ${size} bytes is too large for a Markdown runbook (at most ${MAX_MARKDOWN_BYTES} bytes): give the runbook itself, not an export or a log`);
}

/** UTF-8 text with no NUL or other binary control bytes; a BOM is dropped. */
export function decodeMarkdown(bytes: Uint8Array, name: string): string {
  if (bytes.byteLength > MAX_MARKDOWN_BYTES) throw tooLarge(name, bytes.byteLength);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MarkdownImportError(`${name}: not UTF-8 text (binary bytes): give a Markdown runbook saved as UTF-8`);
  }
  // eslint-disable-next-line no-control-regex -- finding binary control bytes is the point
  const control = /[\u0000-\u0008\u000E-\u001F]/.exec(text);
  if (control) throw new MarkdownImportError(`${name}: contains the control byte U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}: this is binary data, not a Markdown runbook`);
  return text.replace(/^\uFEFF/, '');
}
