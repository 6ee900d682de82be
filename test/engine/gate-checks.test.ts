// Each gate result carries what it checked and found as typed data beside its words, so reports
// never parse the words: every kind of expectation, the implicit exit-code gate, an abort gate,
// and a monitor's thresholds.
import { describe, expect, it } from 'vitest';
import { GateWatcher } from '../../src/core/engine/gates';
import { judge, summarize } from '../../src/core/engine/monitor';
import type { Expectation } from '../../src/core/runbook/schema';

function watch(expectations: Expectation[], output: string, exec: { exitCode: number | null; rows?: Record<string, unknown>[] }) {
  const aborts: string[] = [];
  const w = new GateWatcher(expectations, [{ pattern: 'Duplicate\\w+', label: 'a table that exists already', on_match: 'block' }, { pattern: 'LockNotAvailable', on_match: 'cancel' }], (m) => aborts.push(m.pattern));
  // Split mid-line: the watcher joins chunks into lines.
  const bytes = Buffer.from(output);
  w.push(bytes.subarray(0, 7));
  w.push(bytes.subarray(7));
  w.end();
  return { results: w.results(exec), aborts };
}

describe('typed gate results', () => {
  it('every kind of expectation records its typed check, found or not', () => {
    const expectations: Expectation[] = [
      { exit_code: 0 },
      { output_contains: '70a79686336c (head)' },
      { output_not_contains: 'ERROR' },
      { output_matches: 'rows=(\\d+)' },
      { value: { pattern: '^current: (\\w+)$', equals: '70a79686336c', label: 'revision now' } },
      { value: { column: 'objects', equals: 6 } },
      { threshold: { metric: 'lag_ms', op: '<=', value: 50 } },
      { output_contains: 'never printed' },
    ];
    const { results } = watch(expectations, 'current: 70a79686336c\n70a79686336c (head)\nrows=12\nlag_ms: 75\n', { exitCode: 0, rows: [{ objects: 6 }] });
    expect(results.map((r) => [r.passed, r.check])).toEqual([
      [true, { type: 'exit_code', expected: 0, actual: 0, implicit: false }],
      [true, { type: 'output_contains', text: '70a79686336c (head)', line: '70a79686336c (head)' }],
      [true, { type: 'output_not_contains', text: 'ERROR', line: null }],
      [true, { type: 'output_matches', pattern: 'rows=(\\d+)', matched: '12' }],
      [true, { type: 'value', label: 'revision now', column: null, pattern: '^current: (\\w+)$', expected: '70a79686336c', actual: '70a79686336c' }],
      [true, { type: 'value', label: null, column: 'objects', pattern: null, expected: '6', actual: '6' }],
      [false, { type: 'threshold', metric: 'lag_ms', op: '<=', limit: 50, actual: 75 }],
      [false, { type: 'output_contains', text: 'never printed', line: null }],
    ]);
    // The words are still there for people.
    expect(results[4]).toMatchObject({ gate: 'revision now = 70a79686336c', detail: 'value 70a79686336c' });
  });

  it('the implicit exit gate and a matched abort gate are typed too', () => {
    const { results, aborts } = watch([{ output_contains: 'done' }], 'psycopg2.errors.DuplicateTable: relation "x" already exists\n', { exitCode: 1 });
    expect(aborts).toEqual(['Duplicate\\w+']);
    expect(results[0]).toMatchObject({ kind: 'expect', passed: false, check: { type: 'exit_code', expected: 0, actual: 1, implicit: true } });
    expect(results.at(-1)).toEqual({
      gate: 'abort on /Duplicate\\w+/',
      kind: 'abort',
      passed: false,
      detail: 'matched: psycopg2.errors.DuplicateTable: relation "x" already exists',
      check: { type: 'abort_on', pattern: 'Duplicate\\w+', label: 'a table that exists already', onMatch: 'block', line: 'psycopg2.errors.DuplicateTable: relation "x" already exists' },
    });
    // A value never found is typed as not found.
    const missing = watch([{ value: { pattern: '^current: (\\w+)$', equals: 'x' } }], 'nothing\n', { exitCode: 0 }).results;
    expect(missing.find((r) => r.check?.type === 'value')!.check).toMatchObject({ actual: null, expected: 'x' });
  });

  it('a monitor\'s thresholds carry the metric, the limit and what was measured', () => {
    const samples = [0, 1, 2, 3].map((i) => ({ at: `2026-01-01T00:00:0${i}Z`, status: i === 3 ? 500 : 200, ms: 100 + i * 10, ok: i !== 3 }));
    const [errors, p95] = judge(['error_rate_pct <= 2.0', 'p95_ms <= 1200'], summarize(samples));
    expect(errors).toMatchObject({ passed: false, check: { type: 'threshold', metric: 'error_rate_pct', op: '<=', limit: 2, actual: 25 } });
    expect(p95).toMatchObject({ passed: true, check: { type: 'threshold', metric: 'p95_ms', op: '<=', limit: 1200, actual: 130 } });
    expect(judge(['p95_ms <= 1200'], summarize([]))[0]).toMatchObject({ passed: false, check: { actual: null } });
  });
});
