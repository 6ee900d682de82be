// What is wrong with a runbook file, said so that the person holding it can fix it: where
// (line and column, 1-based, and the path inside the document) and what to change, in the
// runbook's language (the language of the messages, below). Imports nothing but the shared
// catalogue, so the CLI can load it before any command runs.
import { translate, translateCount, type Lang, type MessageKey } from '../../shared/i18n';
import type { PluralArg, PluralBase, VarsArg } from '../../shared/i18n/catalogue';

// ---- the language of the messages ----------------------------------------------------------
// The language a runbook's validation messages are written in. It is decided once per reading
// (the runbook's own top-level `language:`, else the caller's language, else English) and holds
// while load.ts runs the schema and the checks: zod runs the schema's refinements with no way to
// hand them a language, so they read it here, as withStoredPatterns() does for patterns.
// Outside a reading it is English, so the engine's run-time words (recorded in the chain) never change.
let current: Lang = 'en';

/** The language messages are written in now. */
export function runbookLanguage(): Lang {
  return current;
}

/** Runs `fn` with messages written in `lang`. */
export function inRunbookLanguage<T>(lang: Lang, fn: () => T): T {
  const previous = current;
  current = lang;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** The sentence `key` in the current language. */
export function say<K extends MessageKey>(key: K, ...vars: VarsArg<K>): string {
  return translate(current, key, ...vars);
}

/** `base.one` or `base.other` by `n`, in the current language. */
export function sayCount<B extends PluralBase>(base: B, n: number, ...vars: PluralArg<B>): string {
  return translateCount(current, base, n, ...vars);
}

/** `a or b or c` in the current language. */
export function orList(items: readonly string[]): string {
  return items.join(say('runbook.list.or'));
}

/**
 * The language a runbook text declares: a top-level `language: en` or `language: es` line (quoted
 * or not, a comment after it allowed), read before any YAML parsing, so a file YAML cannot parse
 * is still answered in its language. A top-level key always starts its line in block YAML.
 */
export function declaredLanguage(text: string): Lang | undefined {
  const m = /^language:[ \t]*(["']?)(en|es)\1[ \t]*(#.*)?\r?$/m.exec(text);
  return m ? (m[2] as Lang) : undefined;
}

export type RunbookIssueSeverity = 'error' | 'warning';

/**
 * Where a problem was found:
 * - `io`: the file cannot be read (missing, a folder, a device, too large, not UTF-8);
 * - `yaml`: not well-formed YAML, or YAML features a runbook refuses (tags, several documents,
 *   duplicate keys, alias bombs, excessive nesting, invisible or control characters);
 * - `schema`: the document does not match the runbook format (wrong type, unknown key, ...);
 * - `semantic`: the document matches the format but does not hang together (duplicate step
 *   ids, a step naming a target that does not exist, ...).
 */
export type RunbookIssueStage = 'io' | 'yaml' | 'schema' | 'semantic';

export interface RunbookIssue {
  severity: RunbookIssueSeverity;
  stage: RunbookIssueStage;
  /** 1-based. */
  line: number;
  /** 1-based, in characters (UTF-16 code units) from the start of the line. */
  column: number;
  /** The place in the document, e.g. "phases[2].steps[0].run"; "" for the document itself. */
  path: string;
  /** What is wrong and what to do about it. */
  message: string;
}

/** A path into the parsed document, as zod reports it. */
export type DocPath = ReadonlyArray<string | number>;

/** An issue before it has a position: load.ts maps `path` to the YAML node's line and column. */
export interface PathIssue {
  severity: RunbookIssueSeverity;
  path: DocPath;
  message: string;
  /** Point at the key of the last path element rather than at its value (unknown keys, bad names). */
  at?: 'key' | 'value';
}

/** "phases[2].steps[0].run" */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `FILE:LINE:COL: message` (the form editors and CI logs understand); `warning: ` in `lang`. */
export function formatIssue(source: string, issue: RunbookIssue, lang: Lang = 'en'): string {
  return `${source}:${issue.line}:${issue.column}: ${issue.severity === 'warning' ? translate(lang, 'runbook.issue.warning') : ''}${issue.message}`;
}

const MAX_ISSUES_IN_MESSAGE = 20;

/** A runbook that cannot be used: every error (and warning) found, each with its position. */
export class RunbookError extends Error {
  readonly code = 'RUNBOOK_INVALID';
  readonly source: string;
  readonly issues: readonly RunbookIssue[];
  /** The language the messages are written in (the runbook's, else the caller's). */
  readonly lang: Lang;

  constructor(source: string, issues: readonly RunbookIssue[], lang: Lang = 'en') {
    const errors = issues.filter((i) => i.severity === 'error');
    const shown = errors.slice(0, MAX_ISSUES_IN_MESSAGE).map((i) => formatIssue(source, i, lang));
    if (errors.length > shown.length) shown.push(translate(lang, 'runbook.invalid.more', { n: errors.length - shown.length }));
    super(translateCount(lang, 'runbook.invalid', errors.length, { source, list: shown.join('\n') }));
    this.name = 'RunbookError';
    this.source = source;
    this.issues = issues;
    this.lang = lang;
  }

  get errors(): RunbookIssue[] {
    return this.issues.filter((i) => i.severity === 'error');
  }

  get warnings(): RunbookIssue[] {
    return this.issues.filter((i) => i.severity === 'warning');
  }
}

// ---- zod issues in the words of a runbook author --------------------------------------------

/** The parts of a zod 4 issue this module reads (zod's own types are a wide union). */
export interface ZodIssueLike {
  code: string;
  path: ReadonlyArray<PropertyKey>;
  message: string;
  input?: unknown;
  expected?: string;
  origin?: string;
  format?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  keys?: string[];
  values?: unknown[];
  errors?: ZodIssueLike[][];
  issues?: ZodIssueLike[];
  note?: string;
  discriminator?: string;
  options?: unknown[];
}

/** Text that may hold a password is never repeated in a message (messages end up in CI logs). */
const LOOKS_SECRET = /password|passwd|secret|token|:\/\/[^\s/@]*:[^\s/@]*@/i;

/** How a YAML value is called in messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string' && LOOKS_SECRET.test(value)) return say('runbook.value.secretText');
  if (value === undefined) return say('runbook.value.nothing');
  if (value === null) return say('runbook.value.empty');
  if (Array.isArray(value)) return say('runbook.value.list');
  if (typeof value === 'object') return say('runbook.value.mapping');
  if (typeof value === 'string') return say('runbook.value.text', { text: JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value) });
  if (typeof value === 'number') return say('runbook.value.number', { n: value });
  if (typeof value === 'boolean') return `\`${value}\``;
  return typeof value;
}

const EXPECTED: Record<string, MessageKey> = {
  string: 'runbook.expected.string',
  number: 'runbook.expected.number',
  int: 'runbook.expected.int',
  boolean: 'runbook.expected.boolean',
  object: 'runbook.expected.object',
  array: 'runbook.expected.array',
  record: 'runbook.expected.record',
  null: 'runbook.expected.null',
};

function expectedName(expected: string | undefined): string {
  const key = expected ? EXPECTED[expected] : undefined;
  if (key) return say(key as 'runbook.expected.string');
  return expected ? say('runbook.expected.other', { type: expected }) : say('runbook.expected.unknown');
}

/** `steps[1]`, `title`: the last element of a path, as the author sees it. */
function label(path: DocPath): string {
  if (path.length === 0) return say('runbook.label.document');
  const last = path[path.length - 1]!;
  if (typeof last === 'number') {
    const parent = path[path.length - 2];
    return `\`${typeof parent === 'string' ? parent : ''}[${last}]\``;
  }
  return `\`${last}\``;
}

/** Zod's own messages start like this; anything else was written in schema.ts for people. */
function isDefaultMessage(message: string): boolean {
  return /^(Invalid|Too (small|big)|Unrecognized|Expected)\b/.test(message);
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest known key to a misspelt one, if any is close enough to be a likely typo. */
export function suggestKey(key: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = key.toLowerCase().replace(/-/g, '_');
  for (const candidate of known) {
    const d = lower === candidate ? 0 : editDistance(lower, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(key.length / 4)) ? best : undefined;
}

function isMissing(issue: ZodIssueLike): boolean {
  return issue.code === 'invalid_type' && issue.input === undefined;
}

/** For a union of alternatives: the keys each alternative requires but did not find. */
function missingKeys(branch: ZodIssueLike[]): string[] {
  return branch.filter((i) => isMissing(i) && i.path.length === 1).map((i) => String(i.path[0]));
}

/** True when a union alternative does not fit the shape at all (rather than failing inside). */
function isShapeMismatch(branch: ZodIssueLike[]): boolean {
  return branch.some((i) => i.path.length === 0 || (i.path.length === 1 && isMissing(i)));
}

/**
 * Turns zod issues (with `reportInput: true`) into issues a person can act on, each with the
 * path of the node to point at. `knownKeys` feeds "did you mean" for unknown keys.
 */
export function translateZodIssues(issues: readonly ZodIssueLike[], knownKeys: ReadonlySet<string>, base: DocPath = []): PathIssue[] {
  const out: PathIssue[] = [];
  for (const issue of issues) out.push(...translateOne(issue, knownKeys, base));
  return out;
}

function translateOne(issue: ZodIssueLike, knownKeys: ReadonlySet<string>, base: DocPath): PathIssue[] {
  const path: DocPath = [...base, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
  const what = label(path);
  const error = (message: string, at: 'key' | 'value' = 'value', where: DocPath = path): PathIssue[] => [{ severity: 'error', path: where, message, at }];

  switch (issue.code) {
    case 'invalid_type': {
      if (isMissing(issue)) return error(say('runbook.zod.missing', { what, expected: expectedName(issue.expected) }));
      if (issue.expected === 'int' && typeof issue.input === 'number') return error(say('runbook.zod.notWhole', { what, input: issue.input }));
      return error(say('runbook.zod.mustBe', { what, expected: expectedName(issue.expected), got: describeValue(issue.input) }));
    }
    case 'invalid_format': {
      const got = describeValue(issue.input);
      if (!isDefaultMessage(issue.message)) return error(say('runbook.zod.format', { what, rule: issue.message, got }));
      if (issue.format === 'url') return error(say('runbook.zod.url', { what, got }));
      return error(say('runbook.zod.formatOther', { what, message: issue.message, got }));
    }
    case 'too_small': {
      if (!isDefaultMessage(issue.message)) return error(say('runbook.zod.custom', { what, message: issue.message }));
      const min = Number(issue.minimum ?? 0);
      if (issue.origin === 'string') return error(min <= 1 ? say('runbook.zod.notEmpty', { what }) : sayCount('runbook.zod.minChars', min, { what }));
      if (issue.origin === 'array') return error(sayCount('runbook.zod.minEntries', min, { what }));
      return error(say(issue.inclusive === false ? 'runbook.zod.moreThan' : 'runbook.zod.atLeast', { what, n: min }));
    }
    case 'too_big': {
      if (!isDefaultMessage(issue.message)) return error(say('runbook.zod.custom', { what, message: issue.message }));
      const max = Number(issue.maximum ?? 0);
      if (issue.origin === 'string') return error(sayCount('runbook.zod.maxChars', max, { what }));
      if (issue.origin === 'array') return error(say('runbook.zod.maxEntries', { what, n: max }));
      return error(say(issue.inclusive === false ? 'runbook.zod.lessThan' : 'runbook.zod.atMost', { what, n: max }));
    }
    case 'invalid_value': {
      const values = (issue.values ?? []).map((v) => JSON.stringify(v));
      const allowed = values.length === 1 ? values[0]! : say('runbook.zod.oneOf', { values: values.join(', ') });
      if (issue.input === undefined) {
        if (path.length === 1 && path[0] === 'format') return error(say('runbook.zod.formatMissing'));
        return error(say('runbook.zod.missing', { what, expected: allowed }));
      }
      if (path.length === 1 && path[0] === 'format') return error(say('runbook.zod.formatWrong', { value: String(values[0]), got: describeValue(issue.input) }));
      return error(say('runbook.zod.mustBe', { what, expected: allowed, got: describeValue(issue.input) }));
    }
    case 'unrecognized_keys': {
      if (path.length === 1 && path[0] === 'roles') {
        return (issue.keys ?? []).flatMap((key) => error(say('runbook.zod.unknownRole', { key }), 'key', [...path, key]));
      }
      return (issue.keys ?? []).flatMap((key) => {
        const suggestion = suggestKey(key, knownKeys);
        const hint = suggestion && suggestion !== key ? say('runbook.zod.didYouMean', { key: suggestion }) : '';
        return error(say('runbook.zod.unknownKey', { key, hint }), 'key', [...path, key]);
      });
    }
    case 'invalid_key': {
      const name = String(path[path.length - 1]);
      const inner = issue.issues?.[0];
      const why = inner && !isDefaultMessage(inner.message) ? say('runbook.zod.badNameWhy', { rule: inner.message }) : '';
      const container = path.length >= 2 ? `\`${String(path[path.length - 2])}\`` : say('runbook.zod.thisMapping');
      return error(say('runbook.zod.badName', { name, container, why }), 'key');
    }
    case 'invalid_union': {
      if (issue.note === 'No matching discriminator' && issue.discriminator) {
        // zod points at the discriminator key itself (e.g. `kind`).
        const options = (issue.options ?? []).map(String).join(', ');
        const input = issue.input as Record<string, unknown> | undefined;
        const value = input && typeof input === 'object' ? input[issue.discriminator] : undefined;
        const isStep = path.includes('steps') || path[0] === 'preconditions';
        const key = issue.discriminator;
        if (value === undefined) return error(say(isStep ? 'runbook.zod.stepNeeds' : 'runbook.zod.entryNeeds', { key, options }), 'value', path.slice(0, -1));
        const shown = typeof value === 'string' ? JSON.stringify(value) : describeValue(value);
        return error(isStep ? say('runbook.zod.unknownStepKind', { value: shown, options }) : say('runbook.zod.unknownChoice', { key, value: shown, options }));
      }
      const branches = issue.errors ?? [];
      const fitting = branches.filter((b) => !isShapeMismatch(b));
      if (fitting.length > 0) {
        // The alternative the author meant fits the shape and fails inside: report its problems.
        const best = fitting.reduce((a, b) => (b.length < a.length ? b : a));
        return translateZodIssues(best, knownKeys, path);
      }
      const alternatives = branches.map(missingKeys).filter((keys) => keys.length > 0).map((keys) => keys.map((k) => `\`${k}\``).join(' + '));
      const input = issue.input;
      if (alternatives.length === branches.length && alternatives.length > 0 && input !== null && typeof input === 'object' && !Array.isArray(input)) {
        const got = Object.keys(input);
        const has = got.length ? say('runbook.zod.itHas', { keys: got.map((k) => `\`${k}\``).join(', ') }) : '';
        return error(say('runbook.zod.exactlyOne', { what, alternatives: alternatives.join(', '), has }));
      }
      const expected = [...new Set(branches.flatMap((b) => b.filter((i) => i.code === 'invalid_type' && i.path.length === 0).map((i) => expectedName(i.expected))))];
      if (expected.length > 0 && input === undefined) return error(say('runbook.zod.missing', { what, expected: orList(expected) }));
      if (expected.length > 0) return error(say('runbook.zod.mustBe', { what, expected: orList(expected), got: describeValue(input) }));
      return error(say('runbook.zod.noForm', { what }));
    }
    default:
      return error(say('runbook.zod.custom', { what, message: issue.message }));
  }
}

