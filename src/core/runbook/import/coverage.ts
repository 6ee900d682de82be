// The coverage report: every source line with content, what it became in the draft or why it
// became nothing, and the share of list items and code lines mapped (the lines that carry steps).
import type { MarkdownDocument, ListItem } from './blocks';
import type { CoverageLine, DraftBuilder, TodoEntry } from './draft';
import { wordAgain } from '../../reports/word-again';
import { translator, type Lang, type MessageKey } from '../../../shared/i18n';

export interface CoverageReport {
  source: string;
  listItems: { total: number; mapped: number };
  codeLines: { total: number; mapped: number };
  /** Mapped list items and code lines over all of them, in percent (one decimal). */
  percent: number;
  /** Of the mapped list items and code lines, those kept only as text in the runbook's description (not steps, gates or evidence). */
  descriptionOnly: number;
  lines: CoverageLine[];
  todos: TodoEntry[];
}

export function coverageReport(source: string, doc: MarkdownDocument, b: DraftBuilder): CoverageReport {
  const items: number[] = [];
  const code: number[] = [];
  const visitItems = (list: ListItem[]) => list.forEach((i) => {
    items.push(i.line);
    code.push(...i.code.map((c) => c.line));
    visitItems(i.children);
  });
  for (const section of doc.sections) {
    for (const block of section.blocks) {
      if (block.kind === 'list') visitItems(block.items);
      else if (block.kind === 'code') code.push(...block.lines.map((l) => l.line));
    }
  }
  for (const line of items) b.unmapped(line, 'list-item', 'not recognised as a step, gate, expectation or evidence');
  for (const line of code) b.unmapped(line, 'code', 'not recognised as a command');
  const isMapped = (line: number) => Boolean(b.coverage.get(line)?.mapped);
  const listItems = { total: items.length, mapped: items.filter(isMapped).length };
  const codeLines = { total: code.length, mapped: code.filter(isMapped).length };
  const total = listItems.total + codeLines.total;
  const percent = total ? Math.round(((listItems.mapped + codeLines.mapped) / total) * 1000) / 10 : 0;
  const descriptionOnly = [...items, ...code].filter((line) => b.coverage.get(line)?.mapped === 'description').length;
  const lines = [...b.coverage.values()].sort((x, y) => x.line - y.line);
  return { source, listItems, codeLines, percent, descriptionOnly, lines, todos: b.todos };
}

/** The importer's own words in the report (why a line maps to nothing, what a TODO wants), worded again in the reader's language. */
const WHY: readonly MessageKey[] = ['import.why.listItem', 'import.why.code', 'import.why.description', 'import.why.emptyHeading', 'import.why.noStep', 'import.why.noFile', 'import.why.comment'];
const TO: readonly MessageKey[] = ['import.to.titleOfSteps', 'import.to.preconditions', 'import.to.tableHeader'];
const TODO: readonly MessageKey[] = ['import.todo.target', 'import.todo.baseUrl', 'import.todo.probeHost', 'import.todo.window', 'import.todo.pattern', 'import.todo.stepTarget', 'import.todo.placeholder'];

/** The coverage report for people, in `lang` (--lang / CUTOVER_LANG: a Markdown file names no language); --json keeps the importer's words. */
export function formatCoverage(report: CoverageReport, lang: Lang = 'en'): string {
  const tr = translator(lang);
  const out: string[] = [];
  out.push(tr.t('import.header', { source: report.source, percent: tr.number(report.percent), items: report.listItems.mapped, itemsTotal: report.listItems.total, code: report.codeLines.mapped, codeTotal: report.codeLines.total, description: report.descriptionOnly }));
  out.push('');
  const width = String(report.lines.at(-1)?.line ?? 1).length;
  const mappedWord = tr.t('import.mapped').padEnd(Math.max(8, tr.t('import.unmapped').length));
  const unmappedWord = tr.t('import.unmapped').padEnd(mappedWord.length);
  for (const l of report.lines) {
    const where = `${report.source}:${String(l.line).padEnd(width)}`;
    out.push(l.mapped ? `${where}  ${mappedWord}  ${l.mapped.split('; ').map((to) => wordAgain(lang, to, TO)).join('; ')}    | ${l.text}` : `${where}  ${unmappedWord}  ${wordAgain(lang, l.why ?? '', WHY)}    | ${l.text}`);
  }
  out.push('');
  out.push(tr.t('import.toFill', { n: report.todos.length }));
  for (const t of report.todos) out.push(`  ${report.source}:${t.line}  ${t.where}: ${wordAgain(lang, t.what, TODO)}`);
  return `${out.join('\n')}\n`;
}
