// Gate results as the engine records them (the real GateWatcher, English words beside a typed
// check), worded again in Spanish for a Spanish run's documents, and left exactly as recorded
// in English or where the words are not the engine's.
import { describe, expect, it } from 'vitest';
import { GateWatcher, type GateResult } from '../../src/core/engine';
import { blockReasonText, gateDetailText, gateText } from '../../src/core/reports/gate-words';

function results(output: string, exitCode: number): GateResult[] {
  const watcher = new GateWatcher([
    { exit_code: 0 },
    { output_contains: 'listo' },
    { output_not_contains: 'ERROR' },
    { output_matches: '^rev \\w+' },
    { value: { pattern: '^rev (\\w+)', equals: 'abc', label: 'revisión' } },
  ], [{ pattern: 'DuplicateTable', on_match: 'block' }], () => {});
  watcher.push(Buffer.from(output));
  watcher.end();
  return watcher.results({ exitCode, rows: undefined });
}

describe('gate results in the run\'s language', () => {
  it('a passing and a failing run of the same gates, in Spanish', () => {
    const pass = results('rev abc\nlisto\n', 0);
    expect(pass.map((g) => [gateText('es', g), gateDetailText('es', g)])).toEqual([
      ['código de salida = 0', 'código de salida 0'],
      ['la salida contiene "listo"', 'encontrado en: listo'],
      ['la salida no contiene "ERROR"', 'ausente'],
      ['la salida coincide con /^rev \\w+/', 'coincidió: rev abc'],
      ['revisión = abc', 'valor abc'],
    ]);
    const fail = results('ERROR: DuplicateTable\n', 1);
    expect(fail.map((g) => [gateText('es', g), gateDetailText('es', g)])).toEqual([
      ['código de salida = 0', 'código de salida 1'],
      ['la salida contiene "listo"', 'no se encontró en la salida'],
      ['la salida no contiene "ERROR"', 'encontrado en: ERROR: DuplicateTable'],
      ['la salida coincide con /^rev \\w+/', 'ninguna línea coincidió'],
      ['revisión = abc', 'no se encontró ningún valor'],
      ['abortar si /DuplicateTable/', 'coincidió: ERROR: DuplicateTable'],
    ]);
    expect(blockReasonText('es', 'abort gate abort on /DuplicateTable/ matched', fail)).toBe('coincidió la compuerta de aborto: abortar si /DuplicateTable/');
  });

  it('English, and words that are not the engine\'s, stay as recorded', () => {
    for (const g of results('ERROR: DuplicateTable\n', 1)) {
      expect(gateText('en', g)).toBe(g.gate);
      expect(gateDetailText('en', g)).toBe(g.detail);
    }
    const reworded: GateResult = { gate: 'exit status is zero', kind: 'expect', passed: false, detail: 'it was 1', check: { type: 'exit_code', expected: 0, actual: 1, implicit: false } };
    expect([gateText('es', reworded), gateDetailText('es', reworded)]).toEqual(['exit status is zero', 'it was 1']);
    expect(blockReasonText('es', 'something the engine did not write', [])).toBe('something the engine did not write');
  });

  it('a monitor\'s threshold result, with a computed limit', () => {
    const g: GateResult = { gate: 'p95_ms <= ${value:base.p95} * 1.2', kind: 'expect', passed: true, detail: 'p95_ms = 80 over 12 samples; limit 120 = ${value:base.p95} * 1.2 with base.p95=100', check: { type: 'threshold', metric: 'p95_ms', op: '<=', limit: 120, actual: 80, limitExpr: '${value:base.p95} * 1.2', values: { 'base.p95': 100 } } };
    expect(gateDetailText('es', g)).toBe('p95_ms = 80 en 12 muestras; límite 120 = ${value:base.p95} * 1.2 con base.p95=100');
    expect(gateDetailText('es', { ...g, detail: 'p95_ms = 80 over 12 samples' })).toBe('p95_ms = 80 en 12 muestras');
  });
});
