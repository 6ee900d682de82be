// What the window shows of a Markdown runbook being imported: the source, the draft YAML, what
// each source line became, and where each draft element came from. Plain data over the boundary.

export type ImportLineKind = 'heading' | 'list-item' | 'code' | 'paragraph' | 'table-row';

export interface ImportCoverageLineView {
  line: number;
  kind: ImportLineKind;
  /** What the line became in the draft ("phases[P0].steps[heads] (check)"), when it did. */
  mapped: string | null;
  /** Why it did not, when it did not. */
  why: string | null;
  /** The draft element it leads to (an index into `elements`), or null. */
  element: number | null;
}

export interface ImportElementView {
  /** "phases[P0].steps[prod-heads]". */
  where: string;
  /** 1-based line of the draft YAML where it starts. */
  yamlLine: number;
  /** The source lines it came from. */
  sourceLines: number[];
}

export interface MarkdownImportView {
  /** The file name used in the draft's `# from FILE.md:N` comments (as `cutover runbook import` names it). */
  source: string;
  /** The Markdown, line N at index N - 1. */
  lines: string[];
  yaml: string;
  /** SHA-256 of the YAML's UTF-8 bytes: saving checks the draft is still this one. */
  yamlSha256: string;
  /** Lines that count (headings, list items, code, paragraphs kept), each mapped or not. */
  coverage: ImportCoverageLineView[];
  elements: ImportElementView[];
  listItems: { total: number; mapped: number };
  codeLines: { total: number; mapped: number };
  /** Mapped list items and code lines over all of them, in percent. */
  percent: number;
  todos: Array<{ where: string; what: string; line: number }>;
}

export interface ImportedDraftSaved {
  path: string;
  bytes: number;
  sha256: string;
}
