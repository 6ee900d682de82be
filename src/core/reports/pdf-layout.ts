// A small layout kit over pdfkit for the decision record and the incident report: headings,
// paragraphs, key/value blocks, tables that break across pages with their header repeated, code
// excerpts, and a running header and "page N of M" footer on every page.
//
// Deterministic: the document's dates come from the caller (the run's chain head time), the
// file ID is derived by pdfkit from that info, fonts are the standard 14 (nothing embedded,
// nothing random), so the same input gives the same bytes. Text stays text: pdftotext finds
// every hash and fingerprint as one unbroken word.
import { createRequire } from 'node:module';
import { formatDecimal, formatTime, translator, type Lang, type Translator } from '../../shared/i18n';

export const FONT = { sans: 'Helvetica', bold: 'Helvetica-Bold', italic: 'Helvetica-Oblique', mono: 'Courier', monoBold: 'Courier-Bold' } as const;
export const COLOR = { text: '#1f2328', muted: '#57606a', rule: '#d0d7de', headFill: '#eaeef2', zebra: '#f6f8fa', pass: '#1a7f37', fail: '#cf222e', warn: '#9a6700', codeFill: '#f6f8fa', mark: '#fff1b8', rehearsal: '#8250df', production: '#0b3d91' } as const;

const PAGE = { size: 'A4', margins: { top: 54, bottom: 54, left: 46, right: 46 } };

// The standard fonts are WinAnsi-encoded: characters beyond it are spelled out or replaced, so
// nothing is ever drawn as a wrong glyph.
const WIN_ANSI_EXTRA = new Set([402, 8211, 8212, 8216, 8217, 8218, 8220, 8221, 8222, 8224, 8225, 8226, 8230, 8364, 8240, 8249, 8250, 710, 8482, 338, 339, 732, 352, 353, 376, 381, 382]);
const SPELLED: Record<string, string> = { '→': '->', '←': '<-', '⇒': '=>', '↔': '<->', '≤': '<=', '≥': '>=', '≠': '!=', '✔': 'v', '✓': 'v', '✘': 'x', '✗': 'x', '▶': '>', '·': '·', '−': '-', '─': '-', '│': '|', '…': '…', '\u00a0': ' ', '\u2009': ' ', '\u200b': '' };

/** Text the standard PDF fonts can show: tabs become spaces, control characters go, others are spelled out or become "?". */
export function pdfSafe(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\n') out += ch;
    else if (ch === '\t') out += '    ';
    else if (SPELLED[ch] !== undefined) out += SPELLED[ch];
    else if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa1 && cp <= 0xff) || WIN_ANSI_EXTRA.has(cp)) out += ch;
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0xa0)) out += cp === 0xa0 ? ' ' : '';
    else out += '?';
  }
  return out;
}

export interface Column {
  header: string;
  /** Width in points; the last column may be 0 to take the rest. */
  width: number;
  mono?: boolean;
  size?: number;
  align?: 'left' | 'right' | 'center';
}

export interface Cell {
  text: string;
  /** A second, smaller grey line (e.g. the evidence file under a step). */
  sub?: string;
  /** Set the second line in monospace (hashes). */
  subMono?: boolean;
  color?: string;
  bold?: boolean;
  mono?: boolean;
  /**
   * A mark drawn (as lines, in the cell's colour) before the text: a tick or a cross. Drawn, not
   * written: the standard fonts have no such glyph, and the text layer keeps the plain words.
   */
  icon?: 'check' | 'cross';
}

export interface Meta {
  title: string;
  subject: string;
  keywords: string;
  /** CreationDate and ModDate: the run's time, never "now". */
  date: Date;
  /** Running header on every page but the first. */
  header: string;
  /** Left part of the footer on every page. */
  footer: string;
  /** A word in a coloured box at the top right of every page, the first included (PRODUCTION, REHEARSAL). */
  badge?: { text: string; color: string };
  /** A large light diagonal mark across every page, drawn as lines (so the text layer stays the document's). */
  watermark?: string;
  /** The document's language (its own words: "page N of M", "(continued)"); default en. */
  lang?: Lang;
}

/**
 * Capital letters as strokes on a box 0.6 wide and 1 high (y down): enough for the marks
 * used. Each path is a list of commands: [x, y] moves or lines, [x1, y1, x2, y2, x, y] curves.
 */
const STROKE_LETTERS: Record<string, number[][][]> = {
  R: [[[0, 1], [0, 0], [0.38, 0], [0.64, 0, 0.64, 0.5, 0.38, 0.5], [0, 0.5]], [[0.3, 0.5], [0.6, 1]]],
  E: [[[0.6, 0], [0, 0], [0, 1], [0.6, 1]], [[0, 0.5], [0.45, 0.5]]],
  H: [[[0, 0], [0, 1]], [[0.6, 0], [0.6, 1]], [[0, 0.5], [0.6, 0.5]]],
  A: [[[0, 1], [0.3, 0], [0.6, 1]], [[0.1, 0.66], [0.5, 0.66]]],
  S: [[[0.58, 0.12], [0.48, -0.04, 0.02, -0.04, 0.04, 0.26], [0.06, 0.5, 0.6, 0.44, 0.6, 0.72], [0.6, 1.04, 0.1, 1.06, 0, 0.86]]],
  L: [[[0, 0], [0, 1], [0.6, 1]]],
  P: [[[0, 1], [0, 0], [0.38, 0], [0.64, 0, 0.64, 0.5, 0.38, 0.5], [0, 0.5]]],
  O: [[[0.3, 0], [0.7, 0, 0.7, 1, 0.3, 1], [-0.1, 1, -0.1, 0, 0.3, 0]]],
  D: [[[0, 0], [0, 1], [0.25, 1], [0.68, 1, 0.68, 0, 0.25, 0], [0, 0]]],
  U: [[[0, 0], [0, 0.7], [0, 1.05, 0.6, 1.05, 0.6, 0.7], [0.6, 0]]],
  C: [[[0.6, 0.15], [0.45, -0.08, 0, -0.05, 0, 0.5], [0, 1.05, 0.45, 1.08, 0.6, 0.85]]],
  T: [[[0, 0], [0.6, 0]], [[0.3, 0], [0.3, 1]]],
  I: [[[0.3, 0], [0.3, 1]], [[0.1, 0], [0.5, 0]], [[0.1, 1], [0.5, 1]]],
  N: [[[0, 1], [0, 0], [0.6, 1], [0.6, 0]]],
};

const MAX_CELL = 2400;
const PAD = 3.5;
/** Room an icon takes before a cell's text. */
const ICON = 11;

/** PDFKit and its fonts, loaded on first use: only the commands that write a PDF pay for them (about 170 ms of CPU at start). */
let pdfkit: typeof import('pdfkit') | null = null;
function newPdfDocument(options: PDFKit.PDFDocumentOptions): PDFKit.PDFDocument {
  pdfkit ??= createRequire(import.meta.url)('pdfkit') as typeof import('pdfkit');
  return new pdfkit(options);
}

export class PdfLayout {
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private readonly tr: Translator;

  constructor(private readonly meta: Meta) {
    this.tr = translator(meta.lang);
    this.doc = newPdfDocument({
      size: PAGE.size,
      margins: PAGE.margins,
      bufferPages: true,
      compress: true,
      pdfVersion: '1.4',
      lang: this.tr.lang,
      displayTitle: true,
      info: { Title: pdfSafe(meta.title), Subject: pdfSafe(meta.subject), Keywords: pdfSafe(meta.keywords), Author: 'Cutover Workstation', Creator: 'Cutover Workstation', Producer: 'Cutover Workstation (PDFKit)', CreationDate: meta.date, ModDate: meta.date },
    });
    this.done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('data', (c: Buffer) => this.chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    this.doc.fillColor(COLOR.text).font(FONT.sans).fontSize(9.5);
    // Under everything else on the page: drawn as each page begins.
    const mark = meta.watermark;
    if (mark) {
      this.watermark(mark);
      this.doc.on('pageAdded', () => this.watermark(mark));
    }
  }

  get left(): number {
    return this.doc.page.margins.left;
  }

  get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  get y(): number {
    return this.doc.y;
  }

  /** Room left on this page. */
  room(): number {
    return this.bottom - this.doc.y;
  }

  newPage(): void {
    this.doc.addPage();
    this.doc.x = this.left;
    this.doc.y = this.doc.page.margins.top;
  }

  /** Starts a new page unless `height` points still fit on this one. */
  ensure(height: number): void {
    if (this.room() < height) this.newPage();
  }

  space(points: number): void {
    if (this.room() > points) this.doc.y += points;
    else this.newPage();
  }

  height(text: string, font: string, size: number, width: number): number {
    return this.doc.font(font).fontSize(size).heightOfString(pdfSafe(text) || ' ', { width, lineBreak: true });
  }

  /** The longest start of `text` that fits in `maxHeight` (marked as cut), so one block never outgrows a page. */
  fit(text: string, font: string, size: number, width: number, maxHeight: number): string {
    if (this.height(text, font, size, width) <= maxHeight) return text;
    let lo = 0;
    let hi = text.length;
    const cut = (n: number) => `${text.slice(0, n)}${this.tr.t('pdf.moreCharacters', { n: text.length - n })}`;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.height(cut(mid), font, size, width) <= maxHeight) lo = mid;
      else hi = mid - 1;
    }
    return cut(lo);
  }

  /** Height a single block may take: most of a page. */
  private get maxBlock(): number {
    return (this.doc.page.height - this.doc.page.margins.top - this.doc.page.margins.bottom) * 0.8;
  }

  /** Writes text at the current position; the caller has made room. */
  private write(text: string, x: number, width: number, font: string, size: number, color: string = COLOR.text, align: 'left' | 'right' | 'center' = 'left'): void {
    this.doc.font(font).fontSize(size).fillColor(color).text(pdfSafe(text) || ' ', x, this.doc.y, { width, lineBreak: true, align });
  }

  /** The document title block on the first page. */
  titleBlock(kicker: string, title: string, subtitle: string): void {
    this.write(kicker.toUpperCase(), this.left, this.width, FONT.bold, 8.5, COLOR.muted);
    this.doc.y += 3;
    this.write(title, this.left, this.width, FONT.bold, 16);
    this.doc.y += 3;
    this.write(subtitle, this.left, this.width, FONT.sans, 9, COLOR.muted);
    this.doc.y += 8;
    this.rule();
  }

  rule(color: string = COLOR.rule): void {
    this.doc.moveTo(this.left, this.doc.y).lineTo(this.left + this.width, this.doc.y).lineWidth(0.7).strokeColor(color).stroke();
    this.doc.y += 8;
  }

  /** A section heading, kept with at least `keep` points of what follows; also a bookmark. */
  heading(text: string, options: { level?: 1 | 2; keep?: number; bookmark?: boolean } = {}): void {
    const level = options.level ?? 1;
    const size = level === 1 ? 13 : 10.5;
    const h = this.height(text, FONT.bold, size, this.width);
    if (this.doc.y > this.doc.page.margins.top + 1) this.space(level === 1 ? 10 : 6);
    this.ensure(h + (options.keep ?? 60));
    if (options.bookmark !== false && level === 1) this.doc.outline.addItem(pdfSafe(text));
    this.write(text, this.left, this.width, FONT.bold, size, level === 1 ? COLOR.text : '#24292f');
    this.doc.y += level === 1 ? 5 : 3;
  }

  paragraph(text: string, options: { font?: string; size?: number; color?: string; indent?: number } = {}): void {
    const font = options.font ?? FONT.sans;
    const size = options.size ?? 9.5;
    const indent = options.indent ?? 0;
    // Paragraph by paragraph so a page break never splits inside a measured block.
    for (const para of text.split('\n')) {
      const h = this.height(para, font, size, this.width - indent);
      if (h > this.room()) {
        if (h <= this.bottom - this.doc.page.margins.top) this.newPage();
        else {
          this.writeLines(para, font, size, options.color ?? COLOR.text, indent);
          continue;
        }
      }
      this.write(para, this.left + indent, this.width - indent, font, size, options.color ?? COLOR.text);
    }
    this.doc.y += 4;
  }

  /** Very long text: word-wrapped by hand and written line by line across pages. */
  private writeLines(text: string, font: string, size: number, color: string, indent: number): void {
    const words = pdfSafe(text).split(/(\s+)/);
    let line = '';
    const flush = () => {
      const h = this.height(line, font, size, this.width - indent);
      this.ensure(h);
      this.write(line, this.left + indent, this.width - indent, font, size, color);
      line = '';
    };
    this.doc.font(font).fontSize(size);
    for (const w of words) {
      if (line && this.doc.widthOfString(line + w) > this.width - indent) flush();
      line += line ? w : w.trimStart();
    }
    if (line) flush();
  }

  /** A coloured banner (the GO / NO-GO call). */
  banner(label: string, detail: string, color: string): void {
    const h = 46;
    this.ensure(h + 6);
    const y = this.doc.y;
    this.doc.save().roundedRect(this.left, y, this.width, h, 4).fill(color).restore();
    this.doc.font(FONT.bold).fontSize(20).fillColor('#ffffff').text(pdfSafe(label), this.left + 14, y + 12, { width: 160, lineBreak: false });
    this.doc.font(FONT.bold).fontSize(10.5).fillColor('#ffffff').text(pdfSafe(detail), this.left + 180, y + 10, { width: this.width - 194, height: h - 12, lineBreak: true, ellipsis: true });
    this.doc.x = this.left;
    this.doc.y = y + h + 8;
    this.doc.fillColor(COLOR.text);
  }

  /**
   * A boxed notice in the document's flow: a short bold label over a paragraph, in `color`,
   * as tall as its text needs (the rehearsal's first block).
   */
  notice(label: string, text: string, color: string, lines: string[] = []): void {
    const inner = this.width - 28;
    const body = [text, ...lines];
    const sizes = body.map((t, i) => (i === 0 ? 13 : 9.5));
    const fonts = body.map((_, i) => (i === 0 ? FONT.bold : FONT.sans));
    const h = 14 + this.height(label, FONT.bold, 22, inner) + 4 + body.reduce((n, t, i) => n + this.height(t, fonts[i]!, sizes[i]!, inner) + 4, 0) + 8;
    this.ensure(h + 6);
    const y = this.doc.y;
    this.doc.save().roundedRect(this.left, y, this.width, h, 4).lineWidth(2).fillAndStroke('#ffffff', color).restore();
    this.doc.y = y + 12;
    this.write(label, this.left + 14, inner, FONT.bold, 22, color);
    this.doc.y += 4;
    body.forEach((t, i) => {
      this.write(t, this.left + 14, inner, fonts[i]!, sizes[i]!, i === 0 ? COLOR.text : COLOR.muted);
      this.doc.y += 4;
    });
    this.doc.x = this.left;
    this.doc.y = y + h + 8;
    this.doc.fillColor(COLOR.text);
  }

  /** A word in a filled box whose right edge is at `right`; returns its width. */
  private badge(badge: { text: string; color: string }, right: number, y: number): number {
    const text = pdfSafe(badge.text);
    this.doc.font(FONT.bold).fontSize(8);
    const width = this.doc.widthOfString(text) + 12;
    this.doc.save().roundedRect(right - width, y, width, 13, 2).fill(badge.color).restore();
    this.doc.font(FONT.bold).fontSize(8).fillColor('#ffffff').text(text, right - width + 6, y + 3, { width: width - 12, lineBreak: false });
    return width;
  }

  /** `word` drawn large, light and diagonal across the page, as strokes (letters STROKE_LETTERS knows). */
  private watermark(word: string): void {
    const { width, height } = this.doc.page;
    const letters = [...word.toUpperCase()].filter((c) => STROKE_LETTERS[c]);
    if (!letters.length) return;
    const size = Math.min(110, (Math.hypot(width, height) * 0.7) / (letters.length * 0.85));
    const advance = size * 0.85;
    const total = letters.length * advance - size * 0.25;
    this.doc.save();
    this.doc.rotate(-Math.atan2(height, width) * (180 / Math.PI), { origin: [width / 2, height / 2] });
    this.doc.lineWidth(size * 0.09).lineCap('round').lineJoin('round').strokeColor('#b4bac2').strokeOpacity(0.45);
    letters.forEach((c, i) => {
      const x0 = width / 2 - total / 2 + i * advance;
      const y0 = height / 2 - size / 2;
      const at = (x: number, y: number): [number, number] => [x0 + x * size, y0 + y * size];
      for (const path of STROKE_LETTERS[c]!) {
        path.forEach((cmd, j) => {
          if (j === 0) this.doc.moveTo(...at(cmd[0]!, cmd[1]!));
          else if (cmd.length === 2) this.doc.lineTo(...at(cmd[0]!, cmd[1]!));
          else this.doc.bezierCurveTo(...at(cmd[0]!, cmd[1]!), ...at(cmd[2]!, cmd[3]!), ...at(cmd[4]!, cmd[5]!));
        });
        this.doc.stroke();
      }
    });
    this.doc.restore();
  }

  /** Label / value rows (the formal decision, the run's identification). */
  keyValues(rows: { label: string; value: string; note?: string; color?: string; mono?: boolean }[], options: { labelWidth?: number; size?: number } = {}): void {
    const labelWidth = options.labelWidth ?? 150;
    const size = options.size ?? 9.5;
    const valueWidth = this.width - labelWidth - 2 * PAD;
    for (const input of rows) {
      const valueFont = input.mono ? FONT.mono : FONT.sans;
      const valueSize = input.mono ? size - 1.5 : size;
      const row = { ...input, value: this.fit(input.value, valueFont, valueSize, valueWidth, this.maxBlock * 0.75), note: input.note === undefined ? undefined : this.fit(input.note, FONT.italic, 7.5, valueWidth, this.maxBlock * 0.2) };
      const hv = this.height(row.value, valueFont, valueSize, valueWidth) + (row.note ? this.height(row.note, FONT.italic, 7.5, valueWidth) + 1.5 : 0);
      const h = Math.max(this.height(row.label, FONT.bold, size, labelWidth - PAD), hv) + 2 * PAD;
      this.ensure(h + 1);
      const y = this.doc.y;
      this.doc.y = y + PAD;
      this.write(row.label, this.left, labelWidth - PAD, FONT.bold, size, COLOR.muted);
      this.doc.y = y + PAD;
      this.write(row.value, this.left + labelWidth, valueWidth, valueFont, valueSize, row.color ?? COLOR.text);
      if (row.note) {
        this.doc.y += 1.5;
        this.write(row.note, this.left + labelWidth, valueWidth, FONT.italic, 7.5, COLOR.muted);
      }
      this.doc.y = y + h;
      this.doc.moveTo(this.left, this.doc.y).lineTo(this.left + this.width, this.doc.y).lineWidth(0.4).strokeColor(COLOR.rule).stroke();
    }
    this.doc.x = this.left;
    this.doc.y += 6;
  }

  private widths(columns: Column[]): number[] {
    const fixed = columns.reduce((n, c) => n + c.width, 0);
    return columns.map((c) => (c.width === 0 ? Math.max(40, this.width - fixed) : c.width));
  }

  private cellHeight(cell: Cell, column: Column, width: number): number {
    const size = column.size ?? 8.5;
    const font = cell.mono || column.mono ? FONT.mono : cell.bold ? FONT.bold : FONT.sans;
    const inner = width - 2 * PAD - (cell.icon ? ICON : 0);
    let h = this.height(cell.text.slice(0, MAX_CELL), font, size, inner);
    if (cell.sub) h += 1 + this.height(cell.sub.slice(0, MAX_CELL), cell.subMono ? FONT.mono : FONT.sans, Math.max(6.5, size - 1.5), inner);
    return h + 2 * PAD;
  }

  /** A tick or a cross, `size` points high, its top left at (x, y). */
  private icon(kind: 'check' | 'cross', x: number, y: number, size: number, color: string): void {
    const s = size * 0.8;
    const top = y + size * 0.12;
    this.doc.save().lineWidth(1.3).lineCap('round').lineJoin('round').strokeColor(color);
    if (kind === 'check') this.doc.moveTo(x, top + s * 0.55).lineTo(x + s * 0.38, top + s * 0.92).lineTo(x + s, top + s * 0.08).stroke();
    else this.doc.moveTo(x + s * 0.1, top + s * 0.1).lineTo(x + s * 0.9, top + s * 0.9).moveTo(x + s * 0.9, top + s * 0.1).lineTo(x + s * 0.1, top + s * 0.9).stroke();
    this.doc.restore();
  }

  private tableHeader(columns: Column[], widths: number[], caption: string | null): void {
    if (caption) {
      this.write(caption, this.left, this.width, FONT.italic, 7.5, COLOR.muted);
      this.doc.y += 2;
    }
    const h = Math.max(...columns.map((c, i) => this.height(c.header, FONT.bold, 8, widths[i]! - 2 * PAD))) + 2 * PAD;
    const y = this.doc.y;
    this.doc.save().rect(this.left, y, this.width, h).fill(COLOR.headFill).restore();
    let x = this.left;
    columns.forEach((c, i) => {
      this.doc.y = y + PAD;
      this.write(c.header, x + PAD, widths[i]! - 2 * PAD, FONT.bold, 8, COLOR.text, c.align ?? 'left');
      x += widths[i]!;
    });
    this.doc.y = y + h;
  }

  /**
   * A table: rows never split; on a page break the header row is drawn again (with the caption
   * "<title> (continued)").
   */
  table(columns: Column[], rows: (string | Cell)[][], options: { title?: string; zebra?: boolean } = {}): void {
    const widths = this.widths(columns);
    const headerH = Math.max(...columns.map((c, i) => this.height(c.header, FONT.bold, 8, widths[i]! - 2 * PAD))) + 2 * PAD;
    const cells = rows.map((r) => r.map((c, i): Cell => {
      const cell = typeof c === 'string' ? { text: c } : c;
      const column = columns[i]!;
      const size = column.size ?? 8.5;
      const font = cell.mono || column.mono ? FONT.mono : cell.bold ? FONT.bold : FONT.sans;
      const inner = widths[i]! - 2 * PAD - (cell.icon ? ICON : 0);
      return { ...cell, text: this.fit(cell.text.slice(0, MAX_CELL), font, size, inner, this.maxBlock * 0.7), ...(cell.sub ? { sub: this.fit(cell.sub.slice(0, MAX_CELL), cell.subMono ? FONT.mono : FONT.sans, Math.max(6.5, size - 1.5), inner, this.maxBlock * 0.2) } : {}) };
    }));
    const firstH = cells[0] ? Math.max(...cells[0].map((c, i) => this.cellHeight(c, columns[i]!, widths[i]!))) : 0;
    this.ensure(headerH + firstH + 2);
    this.tableHeader(columns, widths, null);
    cells.forEach((row, r) => {
      const h = Math.max(...row.map((c, i) => this.cellHeight(c, columns[i]!, widths[i]!)));
      if (this.room() < h + 1) {
        this.newPage();
        this.tableHeader(columns, widths, this.tr.t('pdf.continued', { title: options.title ?? this.tr.t('pdf.table') }));
      }
      const y = this.doc.y;
      if (options.zebra !== false && r % 2 === 1) this.doc.save().rect(this.left, y, this.width, h).fill(COLOR.zebra).restore();
      let x = this.left;
      row.forEach((cell, i) => {
        const column = columns[i]!;
        const size = column.size ?? 8.5;
        const font = cell.mono || column.mono ? FONT.mono : cell.bold ? FONT.bold : FONT.sans;
        const indent = cell.icon ? ICON : 0;
        if (cell.icon) this.icon(cell.icon, x + PAD, y + PAD, size, cell.color ?? COLOR.text);
        this.doc.y = y + PAD;
        this.write(cell.text.slice(0, MAX_CELL), x + PAD + indent, widths[i]! - 2 * PAD - indent, font, size, cell.color ?? COLOR.text, column.align ?? 'left');
        if (cell.sub) {
          this.doc.y += 1;
          this.write(cell.sub.slice(0, MAX_CELL), x + PAD + indent, widths[i]! - 2 * PAD - indent, cell.subMono ? FONT.mono : FONT.sans, Math.max(6.5, size - 1.5), cell.subMono ? COLOR.text : COLOR.muted, column.align ?? 'left');
        }
        x += widths[i]!;
      });
      this.doc.y = y + h;
      this.doc.moveTo(this.left, this.doc.y).lineTo(this.left + this.width, this.doc.y).lineWidth(0.4).strokeColor(COLOR.rule).stroke();
    });
    this.doc.x = this.left;
    this.doc.y += 6;
  }

  /** A monospace excerpt with line numbers; `mark` lines are highlighted. Breaks across pages line by line. */
  code(lines: { n: number | null; text: string; mark?: boolean }[], options: { size?: number } = {}): void {
    const size = options.size ?? 7;
    // Line numbers need a gutter; commands without them get the width (so they do not wrap).
    const gutter = lines.some((l) => l.n !== null) ? 30 : 8;
    const textWidth = this.width - gutter - 2 * PAD;
    for (const line of lines) {
      const text = line.text.length ? line.text : ' ';
      const h = this.height(text, FONT.mono, size, textWidth) + 1.2;
      this.ensure(h);
      const y = this.doc.y;
      this.doc.save().rect(this.left, y, this.width, h).fill(line.mark ? COLOR.mark : COLOR.codeFill).restore();
      if (line.n !== null) this.write(String(line.n), this.left, gutter - 4, FONT.mono, size, COLOR.muted, 'right');
      this.doc.y = y + 0.6;
      this.write(text, this.left + gutter, textWidth, line.mark ? FONT.monoBold : FONT.mono, size, COLOR.text);
      this.doc.y = y + h;
    }
    this.doc.x = this.left;
    this.doc.y += 6;
  }

  /** Ends the document: running header and "page N of M" on every page; resolves to the bytes. */
  async finish(): Promise<Buffer> {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const { margins } = this.doc.page;
      const bottom = margins.bottom;
      margins.bottom = 0;
      const w = this.doc.page.width - margins.left - margins.right;
      const footY = this.doc.page.height - 34;
      this.doc.moveTo(margins.left, footY - 5).lineTo(margins.left + w, footY - 5).lineWidth(0.4).strokeColor(COLOR.rule).stroke();
      this.doc.font(FONT.sans).fontSize(7.5).fillColor(COLOR.muted);
      this.doc.text(pdfSafe(this.meta.footer), margins.left, footY, { width: w - 90, lineBreak: false, ellipsis: true });
      this.doc.text(pdfSafe(this.tr.t('pdf.page', { page: i - range.start + 1, pages: range.count })), margins.left + w - 90, footY, { width: 90, align: 'right', lineBreak: false });
      const badgeWidth = this.meta.badge ? this.badge(this.meta.badge, margins.left + w, 26) + 8 : 0;
      this.doc.font(FONT.sans).fontSize(7.5).fillColor(COLOR.muted);
      if (i > range.start) {
        this.doc.text(pdfSafe(this.meta.header), margins.left, 30, { width: w - badgeWidth, height: 10, lineBreak: false, ellipsis: true });
        this.doc.moveTo(margins.left, 42).lineTo(margins.left + w, 42).lineWidth(0.4).strokeColor(COLOR.rule).stroke();
      }
      margins.bottom = bottom;
    }
    this.doc.end();
    return this.done;
  }
}

/** Bytes as people read them: "5.7 KiB" ("5,7 KiB" in Spanish). */
export function sizeText(n: number, lang: Lang = 'en'): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${formatDecimal(lang, v, 1)} ${units[u]}`;
}

/** "2026-11-22 14:58:47Z" ("22/11/2026 14:58:47 UTC" in Spanish). */
export function timeText(at: string | null | undefined, lang: Lang = 'en'): string {
  return formatTime(lang, at);
}
