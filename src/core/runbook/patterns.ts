// Runbook patterns (output_matches, value.pattern, abort_on, record fields, captures) run in
// RE2 (re2js): its matching time grows linearly with the text, so no pattern can freeze a step
// the way `^(a+)+$` freezes a backtracking engine on "aaaa…!". Linear time is bought by leaving
// out backreferences and lookaround; a pattern that uses them is refused when the runbook is
// validated, with what to write instead, never at run time.
import { RE2JS } from 're2js';

/** The flags a pattern may take (`flags: i`, or a leading `(?i)`). */
export const PATTERN_FLAGS = 'ims';

const FLAG_BITS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

const WHY = 'runbook patterns use RE2 syntax, which matches in time linear in the output so that no pattern can freeze a step';

/** Why `flags` is not a set of pattern flags, or null. */
export function flagsProblem(flags: string): string | null {
  if (!/^[a-z]+$/i.test(flags)) return 'flags are letters: i (ignore case), m (^ and $ at every line), s (. matches a newline too)';
  const unknown = [...flags].find((f) => !PATTERN_FLAGS.includes(f));
  if (unknown) return `unknown flag "${unknown}": the flags are i (ignore case), m (^ and $ at every line) and s (. matches a newline too)`;
  if (new Set(flags).size !== flags.length) return `a flag is given twice in "${flags}"`;
  return null;
}

/** What the pattern uses that RE2 does not have, in words that say what to write instead; null if nothing. */
function unsupportedConstruct(source: string): string | null {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `the backreference \`\\${next}\` is not supported: ${WHY}, and backreferences cannot be matched in linear time. Match the repeated text itself, or capture it and compare values with an expectation`;
      if (next === 'k' && source[i + 2] === '<') return `the named backreference \`\\k<…>\` is not supported: ${WHY}, and backreferences cannot be matched in linear time`;
      if (next === 'u') return `\`\\u\` escapes are not RE2 syntax: write \`\\x{${source.slice(i + 2, i + 6) || 'HHHH'}}\` for a code point`;
      if (next === 'Z') return '`\\Z` is not RE2 syntax: write `\\z` (end of text) or `$`';
      if (next === 'c') return '`\\c` control escapes are not RE2 syntax: write `\\x{01}`…`\\x{1F}`';
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++;
      continue;
    }
    if (c !== '(' || source[i + 1] !== '?') continue;
    const rest = source.slice(i + 2);
    if (rest.startsWith('=') || rest.startsWith('!')) return `the lookahead \`(?${rest[0]}\` is not supported: ${WHY}, and lookahead cannot be matched in linear time. Match the line you mean directly; for "a line like X but not Y" on an abort gate, write \`pattern: X\` and \`unless: Y\``;
    if (rest.startsWith('<=') || rest.startsWith('<!')) return `the lookbehind \`(?${rest.slice(0, 2)}\` is not supported: ${WHY}, and lookbehind cannot be matched in linear time. Match the text before it as part of the pattern; for "a line like X but not Y" on an abort gate, write \`pattern: X\` and \`unless: Y\``;
    if (rest.startsWith('P=') || rest.startsWith('P>')) return `\`(?${rest.slice(0, 2)}\` (a backreference or recursion) is not supported: ${WHY}`;
    if (rest.startsWith('>')) return `the atomic group \`(?>\` is not supported: ${WHY} (RE2 never backtracks, so a plain group does the same)`;
    if (rest.startsWith('#')) return `the comment group \`(?#\` is not supported: ${WHY}; put the explanation in the gate's \`label\``;
    if (rest.startsWith(':') || rest.startsWith('<') || rest.startsWith('P<')) continue;
    const group = /^([A-Za-z-]*)([:)])?/.exec(rest)!;
    const letters = group[1]!.replace(/-/g, '');
    const bad = [...letters].find((f) => !PATTERN_FLAGS.includes(f));
    if (bad || !group[2]) return `the inline group \`(?${group[1]}${group[2] ?? ''}\` is not supported: ${WHY}; the inline flags it understands are (?i), (?m) and (?s) (or say \`flags: i\` beside the pattern)`;
  }
  return null;
}

let storedDepth = 0;

/**
 * Reads a runbook a run already stored in a vault (engine/state.ts). Runs started before patterns
 * moved to RE2 were validated with JavaScript's engine; their runbook must still load, so inside
 * `fn` a pattern JavaScript accepts is accepted. Runbooks being validated or started never are.
 */
export function withStoredPatterns<T>(fn: () => T): T {
  storedDepth++;
  try {
    return fn();
  } finally {
    storedDepth--;
  }
}

function compilesInJavaScript(source: string): boolean {
  try {
    new RegExp(source, 'm');
    return true;
  } catch {
    return false;
  }
}

/** Why a runbook pattern cannot be used (not RE2 syntax, or invalid), or null. */
export function patternProblem(source: string): string | null {
  if (storedDepth > 0 && compilesInJavaScript(source)) return null;
  const unsupported = unsupportedConstruct(source);
  if (unsupported) return unsupported;
  try {
    RE2JS.compile(source);
    return null;
  } catch (error) {
    const message = (error as Error).message.replace(/^error parsing regexp: /, '');
    return `not a valid regular expression (${message}; ${WHY})`;
  }
}

/** A pattern compiled once: test and exec run in time linear in the text. */
export interface CompiledPattern {
  readonly source: string;
  test(text: string): boolean;
  /** The first match and its groups, as RegExp.exec returns them, or null. */
  exec(text: string): (string | undefined)[] | null;
}

/**
 * Compiles a runbook pattern with its flags (`extra` adds flags the caller needs, e.g. m for
 * gates that read line by line). The runbook was validated, so this does not throw for a
 * pattern that loaded; anything else is a bug and throws.
 */
export function compilePattern(source: string, flags = '', extra = ''): CompiledPattern {
  let bits = 0;
  for (const f of new Set(flags + extra)) bits |= FLAG_BITS[f] ?? 0;
  let re: RE2JS;
  try {
    re = RE2JS.compile(source, bits);
  } catch (error) {
    // Only a runbook stored by a run started before RE2 (withStoredPatterns) gets here: that run
    // keeps the JavaScript engine it was validated with. A pattern nothing accepts is a bug.
    if (!compilesInJavaScript(source)) throw error;
    const legacy = new RegExp(source, [...new Set(flags + extra)].filter((f) => PATTERN_FLAGS.includes(f)).join(''));
    return { source, test: (text) => legacy.test(text), exec: (text) => legacy.exec(text) };
  }
  return {
    source,
    test: (text) => re.test(text),
    exec: (text) => {
      const m = re.exec(text);
      return m ? [...m] : null;
    },
  };
}
