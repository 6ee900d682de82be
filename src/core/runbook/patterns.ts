// Runbook patterns (output_matches, value.pattern, abort_on, record fields, captures) run in
// RE2 (re2js): its matching time grows linearly with the text, so no pattern can freeze a step
// the way `^(a+)+$` freezes a backtracking engine on "aaaa…!". Linear time is bought by leaving
// out backreferences and lookaround; a pattern that uses them is refused when the runbook is
// validated, with what to write instead, never at run time.
import { RE2JS } from 're2js';
import { say } from './errors';

/** The flags a pattern may take (`flags: i`, or a leading `(?i)`). */
export const PATTERN_FLAGS = 'ims';

const FLAG_BITS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

/** Why a construct is refused, in the language messages are being written in. */
const why = () => say('runbook.pattern.why');

/** Why `flags` is not a set of pattern flags, or null. */
export function flagsProblem(flags: string): string | null {
  if (!/^[a-z]+$/i.test(flags)) return say('runbook.pattern.flagLetters');
  const unknown = [...flags].find((f) => !PATTERN_FLAGS.includes(f));
  if (unknown) return say('runbook.pattern.unknownFlag', { flag: unknown });
  if (new Set(flags).size !== flags.length) return say('runbook.pattern.flagTwice', { flags });
  return null;
}

/** What the pattern uses that RE2 does not have, in words that say what to write instead; null if nothing. */
function unsupportedConstruct(source: string): string | null {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return say('runbook.pattern.backreference', { n: next, why: why() });
      if (next === 'k' && source[i + 2] === '<') return say('runbook.pattern.namedBackreference', { why: why() });
      if (next === 'u') return say('runbook.pattern.uEscape', { escape: `\\x{${source.slice(i + 2, i + 6) || 'HHHH'}}` });
      if (next === 'Z') return say('runbook.pattern.bigZ');
      if (next === 'c') return say('runbook.pattern.controlEscape', { first: '\\x{01}', last: '\\x{1F}' });
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
    if (rest.startsWith('=') || rest.startsWith('!')) return say('runbook.pattern.lookahead', { group: rest[0]!, why: why() });
    if (rest.startsWith('<=') || rest.startsWith('<!')) return say('runbook.pattern.lookbehind', { group: rest.slice(0, 2), why: why() });
    if (rest.startsWith('P=') || rest.startsWith('P>')) return say('runbook.pattern.recursion', { group: rest.slice(0, 2), why: why() });
    if (rest.startsWith('>')) return say('runbook.pattern.atomic', { why: why() });
    if (rest.startsWith('#')) return say('runbook.pattern.comment', { why: why() });
    if (rest.startsWith(':') || rest.startsWith('<') || rest.startsWith('P<')) continue;
    const group = /^([A-Za-z-]*)([:)])?/.exec(rest)!;
    const letters = group[1]!.replace(/-/g, '');
    const bad = [...letters].find((f) => !PATTERN_FLAGS.includes(f));
    if (bad || !group[2]) return say('runbook.pattern.inlineGroup', { group: `${group[1]}${group[2] ?? ''}`, why: why() });
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
    return say('runbook.pattern.invalid', { message, why: why() });
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
