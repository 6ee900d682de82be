// A small reader for the part of Python a migration's header uses: module-level assignments
// of literals (`revision = "x"`, `revision: str = 'x'`, `down_revision: Union[str, None] =
// ("a",\n "b")`). It tokenizes the whole file the way Python does (strings of every kind,
// comments, brackets, line continuations), so a `revision = ...` inside a function, a class,
// or a triple-quoted SQL string is never mistaken for the header, and then evaluates only
// literal values. Anything computed (a name, a call, an f-string) is reported, not guessed,
// in `lang` (English by default).
import { translate, type Lang } from '../../shared/i18n';

export type PyLiteral = string | null | PyLiteral[];

export class PythonReadError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
    this.name = 'PythonReadError';
  }
}

interface Token {
  kind: 'name' | 'number' | 'string' | 'op' | 'newline';
  text: string;
  /** For strings: the prefix letters (lower case) and the body between the quotes, undecoded. */
  prefix?: string;
  body?: string;
  line: number;
  /** Column of the first token of its logical line (0 = module level). */
  indent: number;
}

const OPERATORS3 = new Set(['**=', '//=', '>>=', '<<=', '...']);
const OPERATORS2 = new Set(['->', ':=', '==', '!=', '<=', '>=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=', '**', '//', '<<', '>>']);
const WORD = /[A-Za-z_\u00C0-\uFFFF][\w\u00C0-\uFFFF]*/y;
const NUMBER = /(?:0[xXoObB][\da-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?[jJ]?|\.\d+)/y;
const PREFIX = /[rRbBuUfF]{1,2}(?=['"])/y;

function decodeEscapes(body: string): string {
  if (!body.includes('\\')) return body;
  return body.replace(/\\(\n|\\|'|"|a|b|f|n|r|t|v|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3})/g, (_m, e: string) => {
    switch (e[0]) {
      case '\n': return '';
      case 'a': return '\x07';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'v': return '\v';
      case 'x': case 'u': case 'U': return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
      default: return /^[0-7]/.test(e) ? String.fromCodePoint(Number.parseInt(e, 8)) : e;
    }
  });
}

/** A string token's text, or why it has none (bytes, f-strings). */
function stringValue(t: Token, lang: Lang = 'en'): { value: string } | { problem: string } {
  const prefix = t.prefix ?? '';
  if (prefix.includes('b')) return { problem: translate(lang, 'alembic.python.bytes') };
  if (prefix.includes('f')) return { problem: translate(lang, 'alembic.python.fString') };
  return { value: prefix.includes('r') ? t.body! : decodeEscapes(t.body!) };
}

/** Python's tokenizer, reduced to what locating and reading module-level assignments needs. */
export function tokenize(source: string, lang: Lang = 'en'): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let depth = 0;
  let lineStart = true;
  let indent = 0;
  let column = 0;
  const n = source.length;
  const push = (kind: Token['kind'], text: string, atLine: number, prefix?: string, body?: string) => {
    if (lineStart) {
      indent = column;
      lineStart = false;
    }
    tokens.push(prefix === undefined ? { kind, text, line: atLine, indent } : { kind, text, line: atLine, indent, prefix, body });
  };
  while (i < n) {
    const code = source.charCodeAt(i);
    const c = source[i]!;
    if (code === 10) {
      if (depth === 0 && !lineStart) tokens.push({ kind: 'newline', text: '\n', line, indent });
      if (depth === 0) lineStart = true;
      i += 1;
      line += 1;
      column = 0;
      continue;
    }
    if (code === 32 || code === 9 || code === 12 || code === 13) {
      column += code === 9 ? 8 - (column % 8) : 1;
      i += 1;
      continue;
    }
    if (code === 35) {
      const end = source.indexOf('\n', i);
      i = end < 0 ? n : end;
      continue;
    }
    if (code === 92) {
      if (source[i + 1] === '\n' || (source[i + 1] === '\r' && source[i + 2] === '\n')) {
        i += source[i + 1] === '\n' ? 2 : 3;
        line += 1;
        continue;
      }
      throw new PythonReadError(translate(lang, 'alembic.python.backslash'), line);
    }
    let prefix = '';
    if (code !== 34 && code !== 39) {
      PREFIX.lastIndex = i;
      const m = PREFIX.exec(source);
      if (m) prefix = m[0];
    }
    if (code === 34 || code === 39 || prefix) {
      const q = i + prefix.length;
      const quoteChar = source[q]!;
      const quote = source.startsWith(quoteChar.repeat(3), q) ? quoteChar.repeat(3) : quoteChar;
      const startLine = line;
      const bodyStart = q + quote.length;
      let j = bodyStart;
      for (;;) {
        if (j >= n) throw new PythonReadError(translate(lang, 'alembic.python.neverClosed', { quote }), startLine);
        const d = source.charCodeAt(j);
        if (d === 92) {
          if (source[j + 1] === '\n') line += 1;
          j += 2;
          continue;
        }
        if (d === quoteChar.charCodeAt(0) && (quote.length === 1 || source.startsWith(quote, j))) break;
        if (d === 10) {
          if (quote.length === 1) throw new PythonReadError(translate(lang, 'alembic.python.notClosedOnLine'), startLine);
          line += 1;
        }
        j += 1;
      }
      const end = j + quote.length;
      push('string', source.slice(i, end), startLine, prefix.toLowerCase(), source.slice(bodyStart, j));
      column += end - i;
      i = end;
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(source);
    if (word) {
      push('name', word[0], line);
      i += word[0].length;
      column += word[0].length;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(source);
    if (num) {
      push('number', num[0], line);
      i += num[0].length;
      column += num[0].length;
      continue;
    }
    const three = source.slice(i, i + 3);
    const op = OPERATORS3.has(three) ? three : OPERATORS2.has(three.slice(0, 2)) ? three.slice(0, 2) : c;
    if (op === '(' || op === '[' || op === '{') depth += 1;
    if (op === ')' || op === ']' || op === '}') {
      if (depth === 0) throw new PythonReadError(translate(lang, 'alembic.python.unmatched', { op }), line);
      depth -= 1;
    }
    push('op', op, line);
    i += op.length;
    column += op.length;
  }
  if (depth > 0) throw new PythonReadError(translate(lang, 'alembic.python.bracket'), line);
  if (!lineStart) tokens.push({ kind: 'newline', text: '\n', line, indent });
  return tokens;
}

/** A module-level `name = literal` (or `name: annotation = literal`), last one wins as in Python. */
export interface ModuleAssignment {
  /** The evaluated literal, or undefined when the value is not a literal. */
  value: PyLiteral | undefined;
  /** Why value is undefined. */
  problem?: string;
  line: number;
}

export interface ModuleHeader {
  assignments: Map<string, ModuleAssignment>;
  /** First line of the module docstring. */
  doc: string | null;
}

class LiteralParser {
  private pos = 0;
  constructor(private readonly tokens: Token[], private readonly lang: Lang) {}

  private fail(why: string): never {
    throw new Error(why);
  }

  /** value := item (',' item)* [','] — a bare tuple when there is a comma. */
  parseValue(): PyLiteral {
    const first = this.parseItem();
    if (this.peek()?.text !== ',') {
      if (this.pos < this.tokens.length) this.fail(translate(this.lang, 'alembic.python.afterValue', { token: this.tokens[this.pos]!.text }));
      return first;
    }
    const items = [first];
    while (this.peek()?.text === ',') {
      this.pos += 1;
      if (this.pos >= this.tokens.length) break;
      items.push(this.parseItem());
    }
    if (this.pos < this.tokens.length) this.fail(translate(this.lang, 'alembic.python.afterValue', { token: this.tokens[this.pos]!.text }));
    return items;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private parseItem(): PyLiteral {
    const t = this.peek();
    if (!t) this.fail(translate(this.lang, 'alembic.python.nothingAfter'));
    if (t.kind === 'string') {
      let text = '';
      while (this.peek()?.kind === 'string') {
        const v = stringValue(this.peek()!, this.lang);
        if ('problem' in v) this.fail(v.problem);
        text += v.value;
        this.pos += 1;
      }
      return text;
    }
    if (t.kind === 'name' && t.text === 'None') {
      this.pos += 1;
      return null;
    }
    if (t.kind === 'op' && (t.text === '(' || t.text === '[' || t.text === '{')) {
      const close = t.text === '(' ? ')' : t.text === '[' ? ']' : '}';
      this.pos += 1;
      const items: PyLiteral[] = [];
      let sawComma = false;
      while (this.peek()?.text !== close) {
        items.push(this.parseItem());
        if (this.peek()?.text === ',') {
          sawComma = true;
          this.pos += 1;
        } else if (this.peek()?.text !== close) {
          this.fail(translate(this.lang, 'alembic.python.inside', { token: this.peek()?.text ?? translate(this.lang, 'alembic.python.endOfLine'), open: t.text, close }));
        }
      }
      this.pos += 1;
      // (x) is x; (x,) and [x] are sequences.
      if (t.text === '(' && items.length === 1 && !sawComma) return items[0]!;
      return items;
    }
    this.fail(t.kind === 'name' ? translate(this.lang, 'alembic.python.notLiteralName', { name: t.text }) : translate(this.lang, 'alembic.python.notLiteral', { token: t.text }));
  }
}

/** Splits a logical line's tokens on top-level semicolons (`a = 1; b = 2`). */
function statements(line: Token[]): Token[][] {
  const out: Token[][] = [[]];
  let depth = 0;
  for (const t of line) {
    if (t.kind === 'op' && '([{'.includes(t.text)) depth += 1;
    if (t.kind === 'op' && ')]}'.includes(t.text)) depth -= 1;
    if (depth === 0 && t.kind === 'op' && t.text === ';') out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out.filter((s) => s.length > 0);
}

/**
 * Reads the module-level assignments of `names` (and the docstring). Throws PythonReadError
 * when the file cannot be tokenized (an unclosed string or bracket).
 */
export function readModuleHeader(source: string, names: readonly string[], lang: Lang = 'en'): ModuleHeader {
  const tokens = tokenize(source.replace(/\r\n/g, '\n'), lang);
  const assignments = new Map<string, ModuleAssignment>();
  let doc: string | null = null;
  let start = 0;
  let first = true;
  for (let k = 0; k < tokens.length; k += 1) {
    if (tokens[k]!.kind !== 'newline') continue;
    const line = tokens.slice(start, k);
    start = k + 1;
    if (line.length === 0 || line[0]!.indent !== 0) continue;
    for (const stmt of statements(line)) {
      if (first) {
        first = false;
        const v = stmt.length === 1 && stmt[0]!.kind === 'string' ? stringValue(stmt[0]!) : null;
        if (v && 'value' in v) doc = v.value.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? null;
      }
      const head = stmt[0]!;
      if (head.kind !== 'name' || !names.includes(head.text)) continue;
      // Targets are split on top-level "=": `name = value`, `name: T = value`, `a = name = value`.
      const parts: Token[][] = [[]];
      let depth = 0;
      for (const t of stmt) {
        if (t.kind === 'op' && '([{'.includes(t.text)) depth += 1;
        if (t.kind === 'op' && ')]}'.includes(t.text)) depth -= 1;
        if (depth === 0 && t.kind === 'op' && t.text === '=') parts.push([]);
        else parts[parts.length - 1]!.push(t);
      }
      if (parts.length < 2) continue; // an annotation without a value, or an expression
      const target = parts[0]!;
      const plainTarget = target.length === 1 || (target.length >= 2 && target[1]!.kind === 'op' && target[1]!.text === ':');
      if (!plainTarget) continue; // e.g. revision += "x", revision.attr = ..., revision[0] = ...
      const valueTokens = parts[parts.length - 1]!;
      let entry: ModuleAssignment;
      try {
        entry = { value: new LiteralParser(valueTokens, lang).parseValue(), line: head.line };
      } catch (error) {
        entry = { value: undefined, problem: (error as Error).message, line: head.line };
      }
      for (const part of parts.slice(0, -1)) {
        const name = part[0];
        if (name?.kind === 'name' && names.includes(name.text)) assignments.set(name.text, entry);
      }
    }
  }
  return { assignments, doc };
}

/** The source lines of a module-level `def name(...)` (header and body), or null. */
export function functionSource(source: string, name: string): string | null {
  const text = source.replace(/\r\n/g, '\n');
  const tokens = tokenize(text);
  // The first token of every module-level logical line: where a top-level block starts.
  const starts: number[] = [];
  let atStart = true;
  tokens.forEach((t, k) => {
    if (t.kind === 'newline') {
      atStart = true;
      return;
    }
    if (atStart && t.indent === 0) starts.push(k);
    atStart = false;
  });
  const index = starts.findIndex((k) => {
    const t = tokens[k]!;
    if (t.kind !== 'name') return false;
    if (t.text === 'def') return tokens[k + 1]?.text === name;
    return t.text === 'async' && tokens[k + 1]?.text === 'def' && tokens[k + 2]?.text === name;
  });
  if (index < 0) return null;
  const lines = text.split('\n');
  const from = tokens[starts[index]!]!.line - 1;
  const next = starts[index + 1];
  const to = next === undefined ? lines.length : tokens[next]!.line - 1;
  return lines.slice(from, to).join('\n');
}
