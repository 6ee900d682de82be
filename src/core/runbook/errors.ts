// What is wrong with a runbook file, said so that the person holding it can fix it: where
// (line and column, 1-based, and the path inside the document) and what to change.

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

/** `FILE:LINE:COL: message` (the form editors and CI logs understand). */
export function formatIssue(source: string, issue: RunbookIssue): string {
  return `${source}:${issue.line}:${issue.column}: ${issue.severity === 'warning' ? 'warning: ' : ''}${issue.message}`;
}

const MAX_ISSUES_IN_MESSAGE = 20;

/** A runbook that cannot be used: every error (and warning) found, each with its position. */
export class RunbookError extends Error {
  readonly code = 'RUNBOOK_INVALID';
  readonly source: string;
  readonly issues: readonly RunbookIssue[];

  constructor(source: string, issues: readonly RunbookIssue[]) {
    const errors = issues.filter((i) => i.severity === 'error');
    const shown = errors.slice(0, MAX_ISSUES_IN_MESSAGE).map((i) => formatIssue(source, i));
    if (errors.length > shown.length) shown.push(`... and ${errors.length - shown.length} more`);
    super(`${source} is not a valid runbook (${errors.length} ${errors.length === 1 ? 'error' : 'errors'}):\n${shown.join('\n')}`);
    this.name = 'RunbookError';
    this.source = source;
    this.issues = issues;
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
  if (typeof value === 'string' && LOOKS_SECRET.test(value)) return 'text (not repeated here: it looks like it holds a password)';
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `text ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `\`${value}\``;
  return typeof value;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (`key: value` lines)',
  array: 'a list (`- item` lines)',
  record: 'a mapping (`name: value` lines)',
  null: 'an empty value',
};

function expectedName(expected: string | undefined): string {
  return (expected && EXPECTED[expected]) ?? (expected ? `a ${expected}` : 'something else');
}

/** `steps[1]`, `title`: the last element of a path, as the author sees it. */
function label(path: DocPath): string {
  if (path.length === 0) return 'the document';
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

function plural(n: number | bigint, word: string): string {
  return `${n} ${word}${Number(n) === 1 ? '' : 's'}`;
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
      if (isMissing(issue)) return error(`${what} is missing: add it (${expectedName(issue.expected)})`);
      if (issue.expected === 'int' && typeof issue.input === 'number') return error(`${what} must be a whole number, not ${issue.input}`);
      return error(`${what} must be ${expectedName(issue.expected)}, not ${describeValue(issue.input)}`);
    }
    case 'invalid_format': {
      const got = describeValue(issue.input);
      if (!isDefaultMessage(issue.message)) return error(`${what} must be ${issue.message} (got ${got})`);
      if (issue.format === 'url') return error(`${what} must be a URL like "https://host/health" (got ${got})`);
      return error(`${what} is not in the expected form (${issue.message}; got ${got})`);
    }
    case 'too_small': {
      if (!isDefaultMessage(issue.message)) return error(`${what}: ${issue.message}`);
      const min = issue.minimum ?? 0;
      if (issue.origin === 'string') return error(Number(min) <= 1 ? `${what} must not be empty` : `${what} must be at least ${plural(min, 'character')} long`);
      if (issue.origin === 'array') return error(`${what} needs at least ${plural(min, 'entry').replace('entrys', 'entries')}`);
      return error(`${what} must be ${issue.inclusive === false ? 'more than' : 'at least'} ${min}`);
    }
    case 'too_big': {
      if (!isDefaultMessage(issue.message)) return error(`${what}: ${issue.message}`);
      const max = issue.maximum ?? 0;
      if (issue.origin === 'string') return error(`${what} must be at most ${plural(max, 'character')} long`);
      if (issue.origin === 'array') return error(`${what} has too many entries (at most ${max})`);
      return error(`${what} must be ${issue.inclusive === false ? 'less than' : 'at most'} ${max}`);
    }
    case 'invalid_value': {
      const values = (issue.values ?? []).map((v) => JSON.stringify(v));
      if (issue.input === undefined) {
        if (path.length === 1 && path[0] === 'format') return error('`format` is missing: the first line of a runbook is `format: cutover-runbook/v1`');
        return error(`${what} is missing: add it (${values.length === 1 ? values[0] : `one of ${values.join(', ')}`})`);
      }
      if (path.length === 1 && path[0] === 'format') return error(`\`format\` must be ${values[0]} (the first line of a runbook is \`format: cutover-runbook/v1\`), not ${describeValue(issue.input)}`);
      if (values.length === 1) return error(`${what} must be ${values[0]}, not ${describeValue(issue.input)}`);
      return error(`${what} must be one of ${values.join(', ')}, not ${describeValue(issue.input)}`);
    }
    case 'unrecognized_keys': {
      if (path.length === 1 && path[0] === 'roles') {
        return (issue.keys ?? []).flatMap((key) => error(`unknown role \`${key}\`: the roles are operator, approver and observer`, 'key', [...path, key]));
      }
      return (issue.keys ?? []).flatMap((key) => {
        const suggestion = suggestKey(key, knownKeys);
        const hint = suggestion && suggestion !== key ? ` (did you mean \`${suggestion}\`?)` : '';
        return error(`unknown key \`${key}\`${hint}: the runbook format is strict; remove it or fix its spelling`, 'key', [...path, key]);
      });
    }
    case 'invalid_key': {
      const name = String(path[path.length - 1]);
      const inner = issue.issues?.[0];
      const why = inner && !isDefaultMessage(inner.message) ? `: it must be ${inner.message}` : '';
      const container = path.length >= 2 ? `\`${String(path[path.length - 2])}\`` : 'this mapping';
      return error(`\`${name}\` is not a valid name in ${container}${why}`, 'key');
    }
    case 'invalid_union': {
      if (issue.note === 'No matching discriminator' && issue.discriminator) {
        // zod points at the discriminator key itself (e.g. `kind`).
        const options = (issue.options ?? []).map(String).join(', ');
        const input = issue.input as Record<string, unknown> | undefined;
        const value = input && typeof input === 'object' ? input[issue.discriminator] : undefined;
        const isStep = path.includes('steps') || path[0] === 'preconditions';
        const thing = isStep ? 'step kind' : `\`${issue.discriminator}\``;
        if (value === undefined) return error(`a ${isStep ? 'step' : 'entry'} needs \`${issue.discriminator}\`: one of ${options}`, 'value', path.slice(0, -1));
        return error(`unknown ${thing} ${typeof value === 'string' ? JSON.stringify(value) : describeValue(value)}: use one of ${options}`);
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
        return error(`${what} must have exactly one of ${alternatives.join(', ')}${got.length ? ` (it has ${got.map((k) => `\`${k}\``).join(', ')})` : ''}`);
      }
      const expected = [...new Set(branches.flatMap((b) => b.filter((i) => i.code === 'invalid_type' && i.path.length === 0).map((i) => expectedName(i.expected))))];
      if (expected.length > 0 && input === undefined) return error(`${what} is missing: add it (${expected.join(' or ')})`);
      if (expected.length > 0) return error(`${what} must be ${expected.join(' or ')}, not ${describeValue(input)}`);
      return error(`${what} does not match any allowed form`);
    }
    case 'custom':
      return error(`${what}: ${issue.message}`);
    default:
      return error(`${what}: ${issue.message}`);
  }
}
