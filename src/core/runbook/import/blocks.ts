// The Markdown source as the importer sees it: sections (a heading and what follows it up to
// the next heading), each a list of blocks (paragraphs, lists with nested items, code lines,
// table rows), every one with its 1-based source line. Parsed by markdown-it (CommonMark plus
// tables), never by regular expressions over lines.
import { createRequire } from 'node:module';
import type MarkdownIt from 'markdown-it';
type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

export interface ListItem {
  line: number;
  /** The item's own text (its first paragraph), emphasis removed, code spans kept in backticks. */
  text: string;
  /** Code spans in that text. */
  codes: string[];
  /** Lines of code blocks inside the item. */
  code: CodeLine[];
  children: ListItem[];
  /** Lines of further paragraphs inside the item. */
  extra: Array<{ line: number; text: string }>;
}

export interface CodeLine { line: number; text: string }

export type Block =
  | { kind: 'paragraph'; line: number; text: string }
  | { kind: 'list'; line: number; items: ListItem[] }
  | { kind: 'code'; line: number; lines: CodeLine[] }
  | { kind: 'table'; line: number; rows: Array<{ line: number; cells: string[] }> };

export interface Section {
  /** 0 for what comes before the first heading. */
  level: number;
  line: number;
  title: string;
  /** Titles of the enclosing headings, outermost first. */
  parents: string[];
  blocks: Block[];
}

export interface MarkdownDocument {
  sections: Section[];
  lines: string[];
}

/** markdown-it, made on first use: only `runbook import` pays for loading it. */
let parser: InstanceType<typeof MarkdownIt> | null = null;
function md(): InstanceType<typeof MarkdownIt> {
  parser ??= new (createRequire(import.meta.url)('markdown-it') as typeof MarkdownIt)('default', { html: false, linkify: false });
  return parser;
}

interface Node { token: Token; children: Node[] }

/** Nests markdown-it's flat token stream by its _open/_close pairs. */
function tree(tokens: Token[]): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  for (const token of tokens) {
    const node: Node = { token, children: [] };
    if (token.nesting === 1) {
      stack[stack.length - 1]!.push(node);
      stack.push(node.children);
    } else if (token.nesting === -1) {
      stack.pop();
    } else {
      stack[stack.length - 1]!.push(node);
    }
  }
  return root;
}

function inlineText(token: Token | undefined): { text: string; codes: string[] } {
  const codes: string[] = [];
  let text = '';
  for (const child of token?.children ?? []) {
    if (child.type === 'text') text += child.content;
    else if (child.type === 'code_inline') {
      codes.push(child.content);
      text += `\`${child.content}\``;
    } else if (child.type === 'softbreak' || child.type === 'hardbreak') text += ' ';
  }
  return { text: text.replace(/\s+/g, ' ').trim(), codes };
}

function startLine(token: Token): number {
  return (token.map?.[0] ?? 0) + 1;
}

function codeLines(token: Token): CodeLine[] {
  const first = startLine(token) + (token.type === 'fence' ? 1 : 0);
  return token.content.replace(/\n$/, '').split('\n').map((text, i) => ({ line: first + i, text })).filter((l) => l.text.trim() !== '');
}

function listItems(list: Node): ListItem[] {
  return list.children.filter((n) => n.token.type === 'list_item_open').map((item) => {
    const out: ListItem = { line: startLine(item.token), text: '', codes: [], code: [], children: [], extra: [] };
    let first = true;
    for (const child of item.children) {
      const type = child.token.type;
      if (type === 'paragraph_open') {
        const { text, codes } = inlineText(child.children[0]?.token);
        if (first) Object.assign(out, { text, codes });
        else out.extra.push({ line: startLine(child.token), text });
        first = false;
      } else if (type === 'bullet_list_open' || type === 'ordered_list_open') {
        out.children.push(...listItems(child));
      } else if (type === 'fence' || type === 'code_block') {
        out.code.push(...codeLines(child.token));
      }
    }
    return out;
  });
}

function tableRows(table: Node): Array<{ line: number; cells: string[] }> {
  const rows: Array<{ line: number; cells: string[] }> = [];
  const visit = (nodes: Node[]) => {
    for (const n of nodes) {
      if (n.token.type === 'tr_open') {
        const cells = n.children.filter((c) => c.token.type === 'th_open' || c.token.type === 'td_open').map((c) => inlineText(c.children[0]?.token).text);
        rows.push({ line: startLine(n.token), cells });
      } else visit(n.children);
    }
  };
  visit(table.children);
  return rows;
}

export function parseMarkdown(text: string): MarkdownDocument {
  const nodes = tree(md().parse(text, {}));
  const sections: Section[] = [{ level: 0, line: 1, title: '', parents: [], blocks: [] }];
  const open: Array<{ level: number; title: string }> = [];
  for (const node of nodes) {
    const token = node.token;
    const current = sections[sections.length - 1]!;
    switch (token.type) {
      case 'heading_open': {
        const level = Number(token.tag.slice(1));
        const title = inlineText(node.children[0]?.token).text;
        while (open.length && open[open.length - 1]!.level >= level) open.pop();
        sections.push({ level, line: startLine(token), title, parents: open.map((o) => o.title), blocks: [] });
        open.push({ level, title });
        break;
      }
      case 'paragraph_open':
        current.blocks.push({ kind: 'paragraph', line: startLine(token), text: inlineText(node.children[0]?.token).text });
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        current.blocks.push({ kind: 'list', line: startLine(token), items: listItems(node) });
        break;
      case 'fence':
      case 'code_block':
        current.blocks.push({ kind: 'code', line: startLine(token), lines: codeLines(token) });
        break;
      case 'table_open':
        current.blocks.push({ kind: 'table', line: startLine(token), rows: tableRows(node) });
        break;
      default:
        break;
    }
  }
  return { sections, lines: text.split(/\r?\n/) };
}
