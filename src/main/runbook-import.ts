// The window's Markdown import: the core importer (the one `cutover runbook import` runs) on a
// file picked in main's dialog, shown as the source beside its draft, and the draft written where
// the save dialog chose. The draft is imported again from the same file when it is saved, and
// written only if it is still the YAML the person saw; an existing file is replaced only when
// they confirmed it. Never a half-written file.
import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { elementOfLine, importMarkdownFile, mappedText, todoText, whyText, type ImportedRunbook } from '../core/runbook/import';
import type { Lang } from '../shared/i18n';
import type { ImportedDraftSaved, MarkdownImportView } from '../shared/views-import';
import { english, worded, type MainKey } from './worded';

/** A save the person must confirm, or cannot make: the error envelope's code says which. */
export class DraftSaveError extends Error {
  constructor(
    readonly code: 'DRAFT_EXISTS' | 'DRAFT_CHANGED' | 'BAD_INPUT',
    key: MainKey,
    vars: Record<string, string>,
  ) {
    super(english(key, vars));
    this.name = 'DraftSaveError';
    worded(this, key, vars);
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What `cutover runbook import FILE` writes, named as the CLI names it (the file's base name); refusals in `lang`. */
function importFile(path: string, lang: Lang = 'en'): ImportedRunbook {
  return importMarkdownFile(path, basename(path), lang);
}

/** The import as the window shows it: what each line became, why not, and what each TODO wants in the window's language (the draft's bytes are the same in any). */
export function importMarkdownView(path: string, lang: Lang = 'en'): MarkdownImportView {
  const imported = importFile(path, lang);
  const { coverage, elements } = imported;
  return {
    source: coverage.source,
    // A final newline ends the last line; it does not start another.
    lines: imported.lines.at(-1) === '' ? imported.lines.slice(0, -1) : imported.lines,
    yaml: imported.yaml,
    yamlSha256: sha256(imported.yaml),
    coverage: coverage.lines.map((l) => ({
      line: l.line,
      kind: l.kind,
      mapped: l.mapped ? mappedText(lang, l.mapped) : null,
      why: l.mapped || l.why === undefined ? null : whyText(lang, l.why),
      element: elementOfLine(elements, l) ?? null,
    })),
    elements: elements.map((e) => ({ where: e.where, yamlLine: e.yamlLine, sourceLines: [...e.sourceLines] })),
    listItems: { ...coverage.listItems },
    codeLines: { ...coverage.codeLines },
    percent: coverage.percent,
    todos: coverage.todos.map((t) => ({ ...t, what: todoText(lang, t.what) })),
  };
}

export function saveImportedDraft(markdownPath: string, out: string, input: { yamlSha256: string; overwrite: boolean }): ImportedDraftSaved {
  if (resolve(out) === resolve(markdownPath)) {
    throw new DraftSaveError('BAD_INPUT', 'main.draft.isSource', { file: basename(out), example: basename(markdownPath).replace(/\.(md|markdown)$/i, '') });
  }
  const { yaml } = importFile(markdownPath);
  const digest = sha256(yaml);
  if (digest !== input.yamlSha256) {
    throw new DraftSaveError('DRAFT_CHANGED', 'main.draft.changed', { file: basename(markdownPath) });
  }
  if (existsSync(out)) {
    if (!statSync(out).isFile()) throw new DraftSaveError('BAD_INPUT', 'main.draft.notAFile', { path: out });
    if (!input.overwrite) throw new DraftSaveError('DRAFT_EXISTS', 'main.draft.exists', { path: out });
  }
  const partial = `${out}.partial`;
  try {
    writeFileSync(partial, yaml, { flag: 'w' });
    renameSync(partial, out);
  } catch (error) {
    rmSync(partial, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new DraftSaveError('BAD_INPUT', 'main.draft.cannotWrite', { path: out, why: code ?? (error as Error).message });
  }
  return { path: out, bytes: Buffer.byteLength(yaml, 'utf8'), sha256: digest };
}
