// The watcher skips a run of whole lines after one test over all of it when no gate can match
// any of them, and stops reading once nothing is left to watch. What a gate matches must stay
// what the line-by-line reading before found: checked here against that reading (lineByLine)
// over awkward outputs and chunkings, abort gates fired in the same order on the same lines.
import { describe, expect, it } from 'vitest';
import { GateWatcher } from '../../src/core/engine/gates';
import { compilePattern } from '../../src/core/runbook/patterns';
import type { Expectation } from '../../src/core/runbook/schema';

const MAX_LINE = 64 * 1024;

/**
 * The reference: the watcher as it read output before blocks, line by line. Per chunk: decode,
 * split on '\n', keep the unfinished line; an unfinished line over 64 KiB is judged cut and
 * dropped (its rest starts a new line) before the chunk's whole lines; each line loses a final
 * '\r' and is cut at 64 KiB. Returns the first match (group 1 or the match) per pattern and the
 * abort gates fired, each once, on the line that fired it.
 */
function lineByLine(pieces: Buffer[], patterns: string[]) {
  const res = patterns.map((p) => compilePattern(p, '', 'm'));
  const found: (string | null)[] = patterns.map(() => null);
  const fired: string[] = [];
  const judge = (raw: string) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    res.forEach((re, i) => {
      const m = re.exec(line);
      if (!m) return;
      if (!fired.some((f) => f.startsWith(`${patterns[i]} @ `))) fired.push(`${patterns[i]} @ ${line.slice(0, 500)}`);
      found[i] ??= (m[1] ?? m[0] ?? '').slice(0, 200);
    });
  };
  const decoder = new TextDecoder('utf-8');
  let partial = '';
  for (const chunk of pieces) {
    const lines = (partial + decoder.decode(chunk, { stream: true })).split('\n');
    partial = lines.pop() ?? '';
    if (partial.length > MAX_LINE) {
      judge(partial.slice(0, MAX_LINE));
      partial = '';
    }
    for (const line of lines) judge(line.slice(0, MAX_LINE));
  }
  const rest = partial + decoder.decode();
  if (rest) judge(rest);
  return { found, fired };
}

function chunks(output: string, cuts: number[]): Buffer[] {
  const bytes = Buffer.from(output);
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    const to = Math.max(at, Math.min(cut, bytes.length));
    out.push(bytes.subarray(at, to));
    at = to;
  }
  return out;
}

/** What the watcher found for each pattern (as output_matches) and which abort gates fired on which line, with the output cut into `cuts`. */
function watched(pieces: Buffer[], patterns: string[]) {
  const fired: string[] = [];
  const expectations: Expectation[] = patterns.map((p) => ({ output_matches: p }));
  const w = new GateWatcher(expectations, patterns.map((pattern) => ({ pattern, on_match: 'block' as const })), (m) => fired.push(`${m.pattern} @ ${m.line}`));
  for (const chunk of pieces) w.push(chunk);
  w.end();
  const results = w.results({ exitCode: 0 });
  const found = patterns.map((p) => {
    const r = results.find((x) => x.check?.type === 'output_matches' && x.check.pattern === p);
    return r?.check?.type === 'output_matches' ? r.check.matched : null;
  });
  return { found, fired };
}

const PATTERNS = [
  'DuplicateTable', '^$', 'foo$', '^bar', '\\Afoo', 'x\\z', '(?i)ERROR', '\\bid=(\\d+)\\b', 'café', 'NEEDLE', 'a.b', '(?s)a.b', '^\\s*$', '(\\d)$', '\\x{FEFF}(\\w*)',
];

describe('gates over blocks of lines', () => {
  it('awkward lines match as line by line: CRLF ends, \\A and \\z, empty lines, a cut long line, UTF-8 split across chunks, no final newline', () => {
    const long = `${'y'.repeat(MAX_LINE - 5)}NEEDLE at the cut, DuplicateTable after it`;
    const output = ['plain', 'foo 1\r', '', 'bar baz', 'id=42 here', long, 'café crème', 'a\rb', 'ERROR: late', 'foo', 'tail x'].join('\n');
    // Read whole: \A and x\z match on lines alone, (\d)$ on the CRLF line, NEEDLE and DuplicateTable are past the cut.
    expect(watched(chunks(output, []), PATTERNS).found).toEqual([null, '', 'foo', 'bar', 'foo', 'x', 'ERROR', '42', 'café', null, 'a\rb', 'a\rb', '', '1', null]);
    for (const cuts of [[], [1], [7, 8, 9], [output.indexOf('é') + 1], [MAX_LINE, MAX_LINE + 10], Array.from({ length: 40 }, (_, i) => i * 2000 + 3)]) {
      expect(watched(chunks(output, cuts), PATTERNS)).toEqual(lineByLine(chunks(output, cuts), PATTERNS));
      // Each gate alone too: no other gate's match makes its block read line by line.
      for (const p of PATTERNS) expect(watched(chunks(output, cuts), [p]), p).toEqual(lineByLine(chunks(output, cuts), [p]));
    }
  });

  it('random outputs and random chunkings agree with the line-by-line reference', () => {
    let seed = 17;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pieces = ['foo', 'bar', '\r', '\n', '\n', ' ', 'a', 'b', 'x', 'é', 'id=7', 'ERROR', 'DuplicateTable', 'NEEDLE', '\uFEFF', '€'];
    for (let round = 0; round < 40; round += 1) {
      let output = '';
      const n = rnd(400);
      // Half the outputs begin with a byte order mark (dropped), which later in the stream is text.
      if (rnd(2) === 0) output += '\uFEFF';
      for (let i = 0; i < n; i += 1) output += rnd(50) === 0 ? 'z'.repeat(20_000 + rnd(60_000)) : pieces[rnd(pieces.length)];
      const size = Buffer.byteLength(output);
      const cuts = Array.from({ length: rnd(12) }, () => rnd(size + 1)).sort((a, b) => a - b);
      expect(watched(chunks(output, cuts), PATTERNS), `round ${round}`).toEqual(lineByLine(chunks(output, cuts), PATTERNS));
    }
  });

  it('bytes that are not whole characters, and byte order marks, decode as one decoder reading the stream would', () => {
    const b = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    const cases: Buffer[][] = [
      // An unfinished character, then plain ASCII: the decoder's U+FFFD comes before 'abc', not at the end.
      [b('x ', [0xc3]), b('abc\n')],
      [b('x ', [0xe2, 0x82]), b('abc\ntail')],
      // A character split across chunks, then ASCII.
      [b('caf', [0xc3]), b([0xa9], '\n'), b('abc\n')],
      // A BOM at the start is dropped; after ASCII, a BOM that starts a chunk is text.
      [b([0xef, 0xbb, 0xbf], 'first\n')],
      [b('abc\n'), b([0xef, 0xbb, 0xbf], 'def\n')],
      [b('abc'), b([0xef, 0xbb]), b([0xbf], 'def\n')],
      // An invalid byte alone, then ASCII.
      [b('p', [0xff]), b('q\n')],
    ];
    const patterns = ['\\x{FFFD}abc', '\\x{FFFD}(\\w*)', '\\x{FEFF}(\\w*)', '^first', '^abc', 'café', '^p\\x{FFFD}q$', 'tail$'];
    for (const pieces of cases) {
      expect(watched(pieces, patterns), pieces.map((p) => p.toString('hex')).join('|')).toEqual(lineByLine(pieces, patterns));
    }
    // And what that is, read whole.
    expect(watched(cases[0]!, patterns).found.slice(0, 2)).toEqual(['\uFFFDabc', 'abc']);
    expect(watched(cases[4]!, patterns).found[2]).toBe('def');
    expect(watched(cases[3]!, patterns).found[3]).toBe('first');
  });

  it('once every gate has fired and every expectation is found, later output changes nothing', () => {
    const fired: string[] = [];
    const w = new GateWatcher([{ output_matches: 'rows=(\\d+)' }, { output_contains: 'done' }], [{ pattern: 'Duplicate\\w+', on_match: 'cancel' }], (m) => fired.push(m.line));
    w.push(Buffer.from('rows=1\nDuplicateTable one\ndone\n'));
    w.push(Buffer.from('rows=2\nDuplicateObject two\ndone again\nrows='));
    w.push(Buffer.from('3\n'));
    w.end();
    const results = w.results({ exitCode: 0 });
    expect(fired).toEqual(['DuplicateTable one']);
    expect(results.map((r) => r.detail)).toEqual(['exit code 0', 'matched: 1', 'found in: done', 'matched: DuplicateTable one']);
  });
});
