// The coverage report: every source line with content, what it became in the draft or why it
// became nothing, and the share of list items and code lines mapped (the lines that carry steps).
import type { MarkdownDocument, ListItem } from './blocks';
import type { CoverageLine, DraftBuilder, TodoEntry } from './draft';

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

export function formatCoverage(report: CoverageReport): string {
  const out: string[] = [];
  out.push(`${report.source}: ${report.percent}% of list items and code lines mapped (${report.listItems.mapped}/${report.listItems.total} list items, ${report.codeLines.mapped}/${report.codeLines.total} code lines; ${report.descriptionOnly} of them kept only as text in the description)`);
  out.push('');
  const width = String(report.lines.at(-1)?.line ?? 1).length;
  for (const l of report.lines) {
    const where = `${report.source}:${String(l.line).padEnd(width)}`;
    out.push(l.mapped ? `${where}  mapped    ${l.mapped}    | ${l.text}` : `${where}  UNMAPPED  ${l.why ?? ''}    | ${l.text}`);
  }
  out.push('');
  out.push(`To fill (${report.todos.length}): replace each TODO in the draft, then run \`cutover runbook validate\` on it.`);
  for (const t of report.todos) out.push(`  ${report.source}:${t.line}  ${t.where}: ${t.what}`);
  return `${out.join('\n')}\n`;
}
