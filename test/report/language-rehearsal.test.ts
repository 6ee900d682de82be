// Production against its rehearsal in the run's language: a step's comparison made by the real
// compareStep (a different exit code, captured value and transcript), shown by `run compare`'s
// formatter and the decision PDF's rows in Spanish with no English sentence of the catalogue,
// and in English exactly as before.
import { describe, expect, it } from 'vitest';
import { compareStep, type StepFacts } from '../../src/core/rehearsal/compare';
import { formatComparison, rowDetails, verdictWords, type RunComparison, type StepComparisonRow } from '../../src/core/rehearsal/report';
import { found } from './language-sentences';

const facts = (over: Partial<StepFacts>): StepFacts => ({ stepId: 'migrar', status: 'PASS', command: 'alembic upgrade head', exitCode: 0, gates: [{ gate: 'exit code = 0', passed: true }], captured: { filas: '42' }, durationMs: 1000, transcriptArtifactId: 'a1', ...over });

function comparison(): RunComparison {
  const compared = compareStep({ facts: facts({}), transcript: 'Running upgrade 0019 -> 0020\nlisto\n' }, { facts: facts({ exitCode: 1, status: 'FAIL', captured: { filas: '41' }, durationMs: 2500 }), transcript: 'Running upgrade 0019 -> 0020\nDuplicateTable\n' });
  const row = (over: Partial<StepComparisonRow>): StepComparisonRow => ({ stepId: 'migrar', title: 'Migrar', kind: 'command', phaseId: 'P1', verdict: 'matches', differences: [], durationRatio: null, mustMatch: false, deviation: 'none', diff: null, accepted: [], ...over });
  const steps = [
    row({ stepId: 'previo', verdict: 'matches', durationRatio: 1.25 }),
    row({ verdict: compared.verdict, differences: compared.differences, durationRatio: compared.durationRatio, mustMatch: true, deviation: 'block', diff: { artifactId: 'd1', name: 'migrar.diff', sha256: 'e'.repeat(64), size: 10 }, accepted: [{ signer: 'ap1', fingerprint: 'SHA256:ap1', at: '2026-03-01T22:10:00.000Z' }] }),
    row({ stepId: 'nuevo', verdict: 'not_in_rehearsal' }),
    row({ stepId: 'final', verdict: 'not_compared' }),
  ];
  return { format: 'cutover-rehearsal-comparison/v1', runId: 'prod-1', rehearsal: { runId: 'ens-1', manifestSha256: 'f'.repeat(64) }, steps, counts: { matches: 1, differs: 1, notInRehearsal: 1, notCompared: 1, accepted: 1 }, firstDeviation: 'migrar' };
}

describe('production against rehearsal in the run\'s language', () => {
  it('compareStep finds the differences the words are about', () => {
    expect(comparison().steps[1]!.differences.map((d) => d.what)).toEqual(['status', 'exit code', 'captured value filas', 'transcript']);
  });

  it('run compare and the PDF\'s rows are Spanish for a Spanish run', () => {
    const text = formatComparison(comparison(), 'es');
    expect(text.split('\n')).toEqual([
      `Ejecución de producción prod-1 frente a la ejecución de ensayo ens-1 (sha256 del manifiesto del paquete ${'f'.repeat(64)})`,
      '',
      '✔ previo: coincide con el ensayo, duración 1,25×',
      '✘ migrar: DIFIERE del ensayo (desviación: bloquea), duración 2,5×',
      '    estado: ensayo PASS; producción FAIL',
      '    código de salida: ensayo 0; producción 1',
      '    valor capturado filas: ensayo 42; producción 41',
      '    transcripción: ensayo 3 líneas; producción 2 línea(s) difieren tras normalizar',
      `    diferencias: migrar.diff (sha256 ${'e'.repeat(64)})`,
      '    aceptada por ap1 (SHA256:ap1) el 01/03/2026 22:10:00 UTC',
      '· nuevo: no está en el ensayo',
      '· final: sin comparar (no se ejecutó)',
      '',
      '1 coinciden, 1 difieren (1 aceptadas), 1 no están en el ensayo, 1 sin comparar. Producción dejó por primera vez el camino ensayado en migrar.',
    ]);
    expect(found(text, 'en')).toEqual([]);
    const row = comparison().steps[1]!;
    expect(found([verdictWords(row, 'es'), ...rowDetails(row, 'es')].join('\n'), 'en')).toEqual([]);
    expect(formatComparison({ ...comparison(), rehearsal: null }, 'es')).toBe('La ejecución prod-1 no está vinculada a un ensayo (inicia producción con --rehearsal PACK para compararla).');
  });

  it('English is word for word as before', () => {
    expect(formatComparison(comparison()).split('\n')).toEqual([
      `Production run prod-1 against rehearsal run ens-1 (pack manifest sha256 ${'f'.repeat(64)})`,
      '',
      '✔ previo: matches rehearsal, duration 1.25×',
      '✘ migrar: DIFFERS from rehearsal (deviation: blocks), duration 2.5×',
      '    status: rehearsal PASS; production FAIL',
      '    exit code: rehearsal 0; production 1',
      '    captured value filas: rehearsal 42; production 41',
      '    transcript: rehearsal 3 lines; production 2 line(s) differ after normalisation',
      `    diff: migrar.diff (sha256 ${'e'.repeat(64)})`,
      '    accepted by ap1 (SHA256:ap1) at 2026-03-01T22:10:00.000Z',
      '· nuevo: not in rehearsal',
      '· final: not compared (not run)',
      '',
      '1 match, 1 differ (1 accepted), 1 not in rehearsal, 1 not compared. Production first left the rehearsed path at migrar.',
    ]);
    expect(found(formatComparison(comparison()), 'es')).toEqual([]);
  });
});
