// `cutover --lang es demo`: a Spanish-speaking team trying the workstation gets the whole demo in
// Spanish — what it says as it goes, what its people record, and the evidence it leaves (the
// decision, the incident report, the pack's decision.pdf and VERIFY.txt) — with no English
// sentence of the catalogue in any of them, and the pack still checks with the stock tools. The
// example runs as a Spanish team would declare it (`language: es`), so its pack is Spanish by the
// runbook, the same bytes whoever exports it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { found } from '../report/language-sentences';

const pdfText = (path: string) => spawnSync('pdftotext', [path, '-'], { encoding: 'utf8' }).stdout;
// The example runbook is written in English: its own titles and purposes are the team's words, not the core's.
const runbook = readFileSync(join(__dirname, '../../examples/alembic-governance-cutover.yaml'), 'utf8').replace(/\s+/g, ' ');
const english = (text: string) => found(text, 'en').filter((hit) => !runbook.includes(hit.slice(hit.indexOf(': ') + 2)));

describe.concurrent('cutover --lang es demo', () => {
  it('--blocked: the narrative, the decision and the incident report in Spanish; the people\'s records too', async ({ onTestFinished }) => {
    const out = join(useTempDir('cutover-demo-es-', onTestFinished), 'blocked');
    const r = await runCli(['--lang', 'es', 'demo', '--out', out, '--blocked']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/Base de datos desechable cutover_demo_\w+/);
    expect(r.stdout).toMatch(/decisión: ruta de rollback/);
    expect(r.stdout).toMatch(/Ejecución BLOQUEADA en la compuerta de aborto\. Informe del incidente:/);
    expect(english(r.stdout), 'English sentences in the demo\'s output').toEqual([]);
    const incident = /^ {2}(\S+\.md)\n {2}(\S+\.pdf)$/m.exec(r.stdout);
    expect(incident, r.stdout).not.toBeNull();
    const markdown = readFileSync(incident![1]!, 'utf8');
    expect(markdown).toMatch(/La migración 0023 crea una tabla que ya existe \(DuplicateTable\)/);
    expect(english(markdown), 'English sentences in the incident report').toEqual([]);
    expect(english(pdfText(incident![2]!)), 'English sentences in the incident PDF').toEqual([]);
  });

  it('the signed pack: decision.pdf and VERIFY.txt in Spanish, and it verifies', async ({ onTestFinished }) => {
    const out = join(useTempDir('cutover-demo-es-', onTestFinished), 'go');
    const r = await runCli(['demo', '--out', out, '--json'], { env: { CUTOVER_LANG: 'es' } });
    expect(r.code, describeRun(r)).toBe(0);
    const result = JSON.parse(r.stdout) as { pack: { folder: string; zip: string }; verify: { ok: boolean } };
    expect(result.verify.ok).toBe(true);
    const folder = result.pack.folder;
    const pdf = pdfText(join(folder, 'decision.pdf'));
    expect(pdf).toMatch(/Ninguna: todas las condiciones pasaron/);
    expect(english(pdf), 'English sentences in decision.pdf').toEqual([]);
    expect(english(readFileSync(join(folder, 'VERIFY.txt'), 'utf8')), 'English sentences in VERIFY.txt').toEqual([]);
    const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: folder, encoding: 'utf8' });
    expect(sums.status, sums.stdout + sums.stderr).toBe(0);
    const verify = await runCli(['--lang', 'es', 'pack', 'verify', result.pack.zip]);
    expect(verify.code, describeRun(verify)).toBe(0);
    expect(english(verify.stdout), 'English sentences in pack verify').toEqual([]);
  });

  it('--production --deviation: the binding, the deviation block and the comparison in Spanish', async ({ onTestFinished }) => {
    const out = join(useTempDir('cutover-demo-es-', onTestFinished), 'production');
    const r = await runCli(['--lang', 'es', 'demo', '--production', '--deviation', '--out', out]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^ {2}BLOQUEADA: desviación respecto al ensayo: difieren camino de revisiones de Alembic, transcripción \(diff sha256 [0-9a-f]{64}\); continúa solo cuando 2 aprobador\(es\) firmen/m);
    expect(r.stdout).toMatch(/vinculada a la ejecución de ensayo/);
    expect(r.stdout).toMatch(/decision\.pdf "Producción frente al ensayo"/);
    expect(english(r.stdout), 'English sentences in the demo\'s output').toEqual([]);
  });
});
