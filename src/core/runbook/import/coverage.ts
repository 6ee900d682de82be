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

/** The importer's own words in the report (why a line maps to nothing, what a TODO wants, what a line became), worded again in the reader's language. */
const WHY: readonly MessageKey[] = ['import.why.listItem', 'import.why.code', 'import.why.description', 'import.why.emptyHeading', 'import.why.noStep', 'import.why.noFile', 'import.why.comment'];
const TO: readonly MessageKey[] = [
  'import.to.titleOfSteps', 'import.to.preconditions', 'import.to.tableHeader', 'import.to.leadIn', 'import.to.step', 'import.to.expect',
  'import.to.patternTodo', 'import.to.passwordRemoved', 'import.to.phaseAt', 'import.to.attestProducing',
];
const LISTS: readonly MessageKey[] = ['import.to.list.steps', 'import.to.list.expectations', 'import.to.list.abortGates', 'import.to.list.attestSteps'];
const TODO: readonly MessageKey[] = ['import.todo.target', 'import.todo.baseUrl', 'import.todo.probeHost', 'import.todo.window', 'import.todo.pattern', 'import.todo.stepTarget', 'import.todo.placeholder'];

/** What a source line became (`mapped`, places joined by "; "), in `lang`; the draft's paths stay as the YAML writes them. */
export function mappedText(lang: Lang, mapped: string): string {
  return mapped.split('; ').map((to) => wordAgain(lang, to, TO, { what: LISTS })).join('; ');
}

/** Why a source line became nothing, in `lang`. */
export const whyText = (lang: Lang, why: string): string => wordAgain(lang, why, WHY);

/** What a TODO of the draft wants, in `lang`. */
export const todoText = (lang: Lang, what: string): string => wordAgain(lang, what, TODO);

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
    out.push(l.mapped ? `${where}  ${mappedWord}  ${mappedText(lang, l.mapped)}    | ${l.text}` : `${where}  ${unmappedWord}  ${whyText(lang, l.why ?? '')}    | ${l.text}`);
  }
  out.push('');
  out.push(tr.t('import.toFill', { n: report.todos.length }));
  for (const t of report.todos) out.push(`  ${report.source}:${t.line}  ${t.where}: ${todoText(lang, t.what)}`);
  return `${out.join('\n')}\n`;
}
