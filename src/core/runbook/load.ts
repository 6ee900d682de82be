// Reading a runbook file: bytes → text → YAML (with positions) → zod → semantic checks.
// Whatever is wrong comes back as a RunbookError listing every problem with its line and
// column. Hostile files (YAML bombs, absurd nesting, huge files, devices) are refused quickly
// with a clear message; nothing here can hang or crash the process on bad input. Messages are
// in the runbook's `language:`, else the caller's language, else English (errors.ts).
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Composer, isAlias, isMap, isScalar, isSeq, LineCounter, Parser, type CST, type Document, type Node as YamlNode, type Pair } from 'yaml';
import { runbookSchema, type Runbook } from './schema';
import { declaredLanguage, formatPath, inRunbookLanguage, runbookLanguage, RunbookError, say, translateZodIssues, type DocPath, type PathIssue, type RunbookIssue, type RunbookIssueStage, type ZodIssueLike } from './errors';
import { describeCharacter, validateRunbook, type SemanticIssue } from './validate';
import type { Lang } from '../../shared/i18n/languages';

/** A runbook is a text document; anything larger is not one (or is an attack). */
export const MAX_RUNBOOK_BYTES = 2 * 1024 * 1024;
/** Deepest collection nesting accepted (a real runbook needs about 10). */
export const MAX_NESTING_DEPTH = 64;
/** Most entries accepted in one mapping or list. */
export const MAX_COLLECTION_ITEMS = 10_000;
/** Alias expansions accepted (yaml's measure: uses of an anchor × aliases inside it). */
export const MAX_ALIAS_COUNT = 100;

export interface LoadedRunbook {
  runbook: Runbook;
  /** SHA-256 (hex) of the exact bytes of the file. */
  hash: string;
  /** The text as decoded from those bytes. */
  text: string;
  /** Where the runbook came from (a file path, or a name given by the caller). */
  source: string;
  /** Things worth fixing that do not make the runbook invalid. */
  warnings: RunbookIssue[];
}

/**
 * Parses and validates a runbook. `input` is the text, or better the file's bytes (the hash is
 * then exactly theirs). Throws RunbookError listing every problem found, with positions, in the
 * runbook's `language:` (else `lang`, the caller's language).
 */
export function loadRunbook(input: string | Uint8Array, sourceName = '<runbook>', lang: Lang = 'en'): LoadedRunbook {
  return inRunbookLanguage(lang, () => {
    const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    if (bytes.byteLength > MAX_RUNBOOK_BYTES) throw tooLarge(sourceName, bytes.byteLength);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const text = typeof input === 'string' ? input : decodeUtf8(input, sourceName);
    const language = declaredLanguage(text) ?? lang;
    return inRunbookLanguage(language, () => {
      let issues: Analysis;
      try {
        issues = analyse(text);
      } catch (error) {
        // The limits above should make this unreachable; if a pathological input still exhausts
        // the stack, it is bad input, not a crash.
        if (!(error instanceof RangeError)) throw error;
        throw invalid(sourceName, [issueAt('yaml', say('runbook.load.tooComplex', { message: error.message }))]);
      }
      const errors = issues.list.filter((i) => i.severity === 'error');
      if (errors.length > 0 || !issues.runbook) throw new RunbookError(sourceName, issues.list, issues.lang ?? runbookLanguage());
      return { runbook: issues.runbook, hash, text, source: sourceName, warnings: issues.list };
    });
  });
}

/** Reads a runbook file (refusing anything but a regular file of at most 2 MB) and loads it; `lang` as for loadRunbook. */
export function loadRunbookFile(path: string, lang: Lang = 'en'): LoadedRunbook {
  return inRunbookLanguage(lang, () => readRunbookFile(path, lang));
}

function readRunbookFile(path: string, lang: Lang): LoadedRunbook {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw fileError(path, say('runbook.load.cannotOpen', { reason: describeFsError(error) }));
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw fileError(path, say('runbook.load.folder'));
    if (!stat.isFile()) throw fileError(path, say('runbook.load.notRegular'));
    if (stat.size > MAX_RUNBOOK_BYTES) throw tooLarge(path, stat.size);
    // Read at most one byte more than allowed, whatever the size said: the file may be growing.
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_RUNBOOK_BYTES) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) {
        if (length > MAX_RUNBOOK_BYTES) throw tooLarge(path, length);
        break;
      }
    }
    return loadRunbook(buffer.subarray(0, length), path, lang);
  } catch (error) {
    if (error instanceof RunbookError) throw error;
    throw fileError(path, say('runbook.load.cannotRead', { reason: describeFsError(error) }));
  } finally {
    closeSync(fd);
  }
}

// ---- the pipeline -----------------------------------------------------------------------

function issueAt(stage: RunbookIssueStage, message: string, line = 1, column = 1, path = '', severity: RunbookIssue['severity'] = 'error'): RunbookIssue {
  return { severity, stage, line, column, path, message };
}

/** The error listing `issues`, in the language messages are being written in. */
function invalid(source: string, issues: RunbookIssue[]): RunbookError {
  return new RunbookError(source, issues, runbookLanguage());
}

function fileError(source: string, message: string): RunbookError {
  return invalid(source, [issueAt('io', message)]);
}

function tooLarge(source: string, size: number): RunbookError {
  const mb = (size / 1024 / 1024).toFixed(1);
  return fileError(source, say('runbook.load.tooLarge', { size: runbookLanguage() === 'en' ? mb : mb.replace('.', ','), max: MAX_RUNBOOK_BYTES / 1024 / 1024 }));
}

function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return say('runbook.load.noSuchFile');
    case 'EACCES':
    case 'EPERM':
      return say('runbook.load.permissionDenied');
    case 'EISDIR':
      return say('runbook.load.folder');
    default:
      return e?.message ?? String(error);
  }
}

function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const lossy = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    // The first replacement character that is not a genuine U+FFFD in the file.
    let index = lossy.indexOf('\uFFFD');
    while (index >= 0) {
      const at = Buffer.byteLength(lossy.slice(0, index), 'utf8');
      if (!(bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd)) break;
      index = lossy.indexOf('\uFFFD', index + 1);
    }
    const { line, col } = positionIn(lossy, Math.max(index, 0));
    throw invalid(source, [issueAt('io', say('runbook.load.notUtf8'), line, col)]);
  }
}

/** Line and column (1-based) of a character offset, for text without a LineCounter. */
function positionIn(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

interface Analysis {
  list: RunbookIssue[];
  runbook?: Runbook;
  /** The language the document states, when it differs from the one the reading started in. */
  lang?: Lang;
}

function analyse(text: string): Analysis {
  const list: RunbookIssue[] = [];

  if (text.replace(/^\uFEFF/, '').trim() === '') {
    list.push(issueAt('yaml', say('runbook.load.empty')));
    return { list };
  }

  // Characters that make displayed text differ from what runs, anywhere in the file.
  const rawHidden = scanHiddenCharacters(text, list);

  // A cheap bound before the YAML parser, which is slow (seconds) on megabytes of nesting.
  const bound = nestingBound(text);
  if (bound) {
    const { line, col } = positionIn(text, bound.offset);
    list.push(issueAt('yaml', say('runbook.load.nested', { max: MAX_NESTING_DEPTH }), line, col));
    return { list };
  }

  const lineCounter = new LineCounter();
  const tokens: CST.Token[] = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const pos = (offset: number) => lineCounter.linePos(offset);

  const shape = checkTokenShape(tokens);
  if (shape) {
    const { line, col } = pos(shape.offset);
    list.push(issueAt('yaml', shape.message, line, col));
    return { list };
  }

  // uniqueKeys is off because yaml checks it pairwise (quadratic); duplicateKeys() below does it linearly.
  const composer = new Composer({ version: '1.2', schema: 'core', strict: true, stringKeys: true, uniqueKeys: false, merge: false, resolveKnownTags: false, logLevel: 'error' });
  let doc: Document.Parsed | undefined;
  for (const d of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = d;
    else {
      const { line, col } = pos(d.range[0]);
      list.push(issueAt('yaml', say('runbook.load.secondDocument'), line, col));
      break;
    }
  }
  if (!doc) {
    list.push(issueAt('yaml', say('runbook.load.noDocument')));
    return { list };
  }
  // A language the line scan could not see (flow style, JSON) but the document states at its top.
  const stated = statedLanguage(doc);
  if (stated && stated !== runbookLanguage()) return inRunbookLanguage(stated, () => ({ ...analyseDocument(text, doc, list, pos, rawHidden), lang: stated }));
  return analyseDocument(text, doc, list, pos, rawHidden);
}

/** The top-level `language:` of a parsed document, when it is one the core writes. */
function statedLanguage(doc: Document.Parsed): Lang | undefined {
  if (!isMap(doc.contents)) return undefined;
  const value = doc.contents.items.find((p) => keyText(p) === 'language')?.value;
  return isScalar(value) && (value.value === 'en' || value.value === 'es') ? value.value : undefined;
}

/** The document's YAML problems, then the format and the checks over the whole runbook. */
function analyseDocument(text: string, doc: Document.Parsed, list: RunbookIssue[], pos: (offset: number) => { line: number; col: number }, rawHidden: boolean): Analysis {
  for (const e of [...doc.errors, ...doc.warnings]) {
    const { line, col } = pos(e.pos[0]);
    list.push(issueAt('yaml', yamlMessage(e.code, e.message, text.slice(e.pos[0], Math.min(e.pos[1], e.pos[0] + 80))), line, col));
  }
  if (hasErrors(list)) return { list };

  for (const dup of duplicateKeys(doc)) {
    const { line, col } = pos(dup.offset);
    const first = pos(dup.firstOffset);
    list.push(issueAt('yaml', say('runbook.load.duplicateKey', { key: dup.key, line: first.line }), line, col));
  }
  if (hasErrors(list)) return { list };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const alias = firstAlias(doc);
    const { line, col } = pos(alias ?? 0);
    const message = error instanceof ReferenceError && /resource exhaustion/.test(error.message)
      ? say('runbook.load.aliases', { max: MAX_ALIAS_COUNT })
      : say('runbook.load.cannotResolve', { message: (error as Error).message });
    list.push(issueAt('yaml', message, line, col));
    return { list };
  }
  if (data === null || data === undefined) {
    list.push(issueAt('yaml', say('runbook.load.onlyComments')));
    return { list };
  }

  const locate = (issue: PathIssue & { related?: DocPath }, stage: RunbookIssueStage): RunbookIssue => {
    const offset = offsetOf(doc, issue.path, issue.at ?? 'value');
    const { line, col } = pos(offset);
    let message = issue.message;
    if (issue.related) message += say('runbook.load.seeLine', { line: pos(offsetOf(doc, issue.related, 'value')).line });
    return issueAt(stage, message, line, col, formatPath(issue.path), issue.severity);
  };

  const parsed = runbookSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    for (const issue of translateZodIssues(parsed.error.issues as unknown as ZodIssueLike[], knownKeys())) list.push(locate(issue, 'schema'));
    return { list: sortIssues(list) };
  }

  const semantic: SemanticIssue[] = validateRunbook(parsed.data);
  for (const issue of semantic) {
    // A raw invisible character was already reported at its exact place; do not report its value again.
    if (rawHidden && issue.code === 'hidden-character') continue;
    list.push(locate(issue, 'semantic'));
  }
  const versionWarning = versionLint(doc);
  if (versionWarning) list.push(locate(versionWarning, 'schema'));
  return { list: sortIssues(list), runbook: parsed.data };
}

function hasErrors(list: RunbookIssue[]): boolean {
  return list.some((i) => i.severity === 'error');
}

/** In file order; one issue per place and message (a node reached through several aliases is reported once). */
function sortIssues(list: RunbookIssue[]): RunbookIssue[] {
  const seen = new Set<string>();
  return [...list]
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .filter((i) => {
      const key = `${i.line}:${i.column}:${i.severity}:${i.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

function scanHiddenCharacters(text: string, list: RunbookIssue[]): boolean {
  // Tabs, newlines and carriage returns are fine in the file; a leading BOM is fine.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const hidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;
  let reported = 0;
  for (const m of text.matchAll(hidden)) {
    if (m.index === 0 && m[0] === '\uFEFF') continue;
    const { line, col } = positionIn(text, m.index);
    list.push(issueAt('yaml', say('runbook.load.hiddenCharacter', { character: describeCharacter(m[0]) }), line, col));
    if (++reported >= 10) break;
  }
  return reported > 0;
}

/**
 * An upper bound on nesting found without parsing: flow brackets still open, or block
 * indicators ("- - - x") on one line. Quoted text is not excluded, so this only catches
 * absurd depths (10× the real limit); checkTokenShape() applies the real limit.
 */
function nestingBound(text: string): { offset: number } | undefined {
  const limit = MAX_NESTING_DEPTH * 10;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return { offset: i };
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth -= 1;
  }
  // Block indicators at the start of a line ("- - - - x", "? ? x"), counted by hand.
  let lineStart = true;
  let indicators = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      lineStart = true;
      indicators = 0;
    } else if (!lineStart || c === 0x20 || c === 0x09) {
      continue;
    } else if ((c === 0x2d || c === 0x3f || c === 0x3a) && (text.charCodeAt(i + 1) === 0x20 || text.charCodeAt(i + 1) === 0x09)) {
      if (++indicators > limit) return { offset: i };
    } else {
      lineStart = false;
    }
  }
  return undefined;
}

/** Nesting depth and collection sizes on the parser's tokens, before anything recursive runs. */
function checkTokenShape(tokens: CST.Token[]): { offset: number; message: string } | undefined {
  const stack: Array<{ token: CST.Token; depth: number }> = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    switch (token.type) {
      case 'document':
        if (token.value) stack.push({ token: token.value, depth });
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth + 1 > MAX_NESTING_DEPTH) return { offset: token.offset, message: say('runbook.load.nestedHere', { max: MAX_NESTING_DEPTH }) };
        if (token.items.length > MAX_COLLECTION_ITEMS) return { offset: token.offset, message: say(token.type === 'block-seq' ? 'runbook.load.longList' : 'runbook.load.longCollection', { n: token.items.length, max: MAX_COLLECTION_ITEMS }) };
        for (const item of token.items) {
          if (item.key) stack.push({ token: item.key, depth: depth + 1 });
          if (item.value) stack.push({ token: item.value, depth: depth + 1 });
        }
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}

/**
 * The parser's reason for a problem in the runbook's language: its `code` said in words of the
 * catalogue, with the text it points at (`excerpt`, the source at the error's position) where that
 * helps. English keeps the parser's own words, byte for byte as before (yamlMessage below), and so
 * does an unknown code; undefined where yamlMessage's sentence is already the same in every language.
 */
function yamlReason(code: string, excerpt: string): string | undefined {
  switch (code) {
    case 'TAG_RESOLVE_FAILED':
      return say('input.yaml.tag', { tag: excerpt });
    case 'BAD_ALIAS':
    case 'BAD_ANCHOR':
      return say('input.yaml.alias');
    case 'MULTIPLE_ANCHORS':
      return say('input.yaml.anchors');
    case 'MULTIPLE_TAGS':
      return say('input.yaml.tags');
    case 'ALIAS_PROPS':
      return say('input.yaml.aliasProps');
    case 'BAD_PROP_ORDER':
      return say('input.yaml.propOrder');
    case 'BAD_SCALAR_START':
      return say('input.yaml.scalarStart', { character: excerpt.charAt(0) });
    case 'MISSING_CHAR':
      return say('input.yaml.missingChar');
    case 'BAD_INDENT':
      return say('input.yaml.badIndent');
    case 'MULTILINE_IMPLICIT_KEY':
      return say('input.yaml.multilineKey');
    case 'UNEXPECTED_TOKEN':
      return say('input.yaml.unexpected');
    case 'BAD_DQ_ESCAPE':
      return say('input.yaml.badEscape');
    case 'BLOCK_IN_FLOW':
      return say('input.yaml.blockInFlow');
    case 'KEY_OVER_1024_CHARS':
      return say('input.yaml.longKey');
    case 'BAD_DIRECTIVE':
      return say('input.yaml.directive', { directive: excerpt.split(/\s/)[0] ?? '' });
    case 'DUPLICATE_KEY':
      return say('input.yaml.duplicateKey');
    case 'BAD_COLLECTION_TYPE':
      return say('input.yaml.collectionType');
    default:
      return undefined;
  }
}

function yamlMessage(code: string, message: string, excerpt: string): string {
  if (runbookLanguage() !== 'en') {
    const reason = yamlReason(code, excerpt);
    if (reason !== undefined) return reason;
  }
  // The parser's own words, without the position and the excerpt it appends (the issue has both).
  const said = message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
  switch (code) {
    case 'TAG_RESOLVE_FAILED':
      return say('runbook.yaml.tag', { message });
    case 'BAD_ALIAS':
    case 'BAD_ANCHOR':
      return say('runbook.yaml.anchor', { message });
    case 'NON_STRING_KEY':
      return say('runbook.yaml.complexKey');
    case 'BLOCK_AS_IMPLICIT_KEY':
      return say('runbook.yaml.colonInValue');
    case 'BAD_SCALAR_START':
      return say('runbook.yaml.scalarStart', { message });
    case 'TAB_AS_INDENT':
      return say('runbook.yaml.tabs');
    case 'MULTIPLE_DOCS':
      return say('runbook.load.secondDocument');
    case 'MISSING_CHAR':
      return say('runbook.yaml.missingChar', { message: said });
    case 'BAD_INDENT':
      return say('runbook.yaml.badIndent', { message: said });
    case 'MULTILINE_IMPLICIT_KEY':
      return say('runbook.yaml.multilineKey', { message: said });
    case 'UNEXPECTED_TOKEN':
      return say('runbook.yaml.unexpected', { message: said });
    case 'BAD_DQ_ESCAPE':
      return say('runbook.yaml.badEscape', { message: said });
    case 'BLOCK_IN_FLOW':
      return say('runbook.yaml.blockInFlow', { message: said });
    default:
      return say('runbook.yaml.other', { message: said });
  }
}

interface DuplicateKey {
  key: string;
  offset: number;
  firstOffset: number;
}

/** Every duplicate key of every mapping, in one pass (yaml's own check is quadratic per mapping). */
function duplicateKeys(doc: Document.Parsed): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = keyText(pair);
        const offset = (pair.key as YamlNode | null)?.range?.[0] ?? 0;
        const first = key === undefined ? undefined : seen.get(key);
        if (key !== undefined && first !== undefined) out.push({ key, offset, firstOffset: first });
        else if (key !== undefined) seen.set(key, offset);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

function firstAlias(doc: Document.Parsed): number | undefined {
  let first: number | undefined;
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      const at = node.range?.[0];
      if (at !== undefined && (first === undefined || at < first)) first = at;
    } else if (isMap(node)) {
      for (const pair of node.items) stack.push(pair.value);
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return first;
}

/**
 * The offset of the node at `path`: its value, or its key with at = 'key'. Where the path
 * leaves the document (a missing key), the deepest node that exists.
 */
function offsetOf(doc: Document.Parsed, path: DocPath, at: 'key' | 'value'): number {
  let node: unknown = doc.contents;
  let offset = (node as YamlNode | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p) === String(seg));
      if (!pair) return offset;
      const keyOffset = (pair.key as YamlNode | null)?.range?.[0] ?? offset;
      if (last && at === 'key') return keyOffset;
      node = pair.value;
      offset = (node as YamlNode | null)?.range?.[0] ?? keyOffset;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return offset;
      node = item;
      offset = (item as YamlNode | null)?.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

let knownKeysCache: Set<string> | undefined;

/** Every key any object in the runbook schema accepts (for "did you mean"). */
function knownKeys(): Set<string> {
  if (knownKeysCache) return knownKeysCache;
  const keys = new Set<string>();
  const seen = new Set<unknown>();
  const stack: unknown[] = [runbookSchema];
  while (stack.length > 0) {
    const schema = stack.pop() as { def?: Record<string, unknown> } | undefined;
    if (!schema || seen.has(schema) || !schema.def) continue;
    seen.add(schema);
    const def = schema.def;
    if (def.type === 'object' && def.shape) {
      for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) {
        keys.add(key);
        stack.push(value);
      }
    }
    for (const field of ['innerType', 'element', 'valueType', 'in', 'out']) if (def[field]) stack.push(def[field]);
    if (Array.isArray(def.options)) stack.push(...def.options);
  }
  knownKeysCache = keys;
  return keys;
}

/** `version: 1.10` is the number 1.1: say so, and suggest quoting it. */
function versionLint(doc: Document.Parsed): PathIssue | undefined {
  if (!isMap(doc.contents)) return undefined;
  const pair = doc.contents.items.find((p) => keyText(p) === 'version');
  const value = pair?.value;
  if (!isScalar(value) || typeof value.value !== 'number' || !value.source) return undefined;
  if (String(value.value) === value.source) return undefined;
  return { severity: 'warning', path: ['version'], message: say('runbook.load.versionNumber', { source: value.source, number: String(value.value) }) };
}
