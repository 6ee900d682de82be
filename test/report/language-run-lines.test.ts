// `run list`, `plan export`'s line on stderr and `run watch`'s lines in the language asked for:
// `run list` shows many runs, so it follows --lang / CUTOVER_LANG; plan export and watch follow
// the run's language (its runbook's `language:`, else --lang). No English catalogue sentence in
// the Spanish output; English as before; --json unchanged.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchSchedules } from '../../src/core/engine/watch';
import { useEngineFixture } from '../engine/setup';
import { describeRun, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { found } from './language-sentences';

const MIN = 60_000;

const RUNBOOK = (language: string) => `
format: cutover-runbook/v1
id: lineas
title: Lineas
version: "1"
${language}
targets: { ws: { kind: local } }
phases:
  - id: P1
    title: Uno
    steps:
      - { id: hecho, kind: attest, title: Hecho, statement: Hecho }
`;

describe('run list, plan export and run watch in the language asked for', () => {
  it('run list follows --lang, plan export the run\'s language; English and --json as before', async () => {
    const dir = useTempDir('cutover-run-lines-');
    const vault = join(dir, 'ev.vault');
    const ok = async (args: string[], env: Record<string, string> = {}) => {
      const r = await runCli(args, { env: { CUTOVER_ACTOR: 'ana', ...env } });
      expect(r.code, describeRun(r)).toBe(0);
      return r;
    };
    writeFileSync(join(dir, 'none.yaml'), RUNBOOK(''));
    writeFileSync(join(dir, 'es.yaml'), RUNBOOK('language: es'));
    await ok(['vault', 'init', '--vault', vault]);
    await ok(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate']);
    const start = async (file: string) => (JSON.parse((await ok(['run', 'start', '--vault', vault, '--runbook', join(dir, file), '--env', 'rehearsal', '--json'])).stdout) as { runId: string }).runId;
    const plain = await start('none.yaml');
    const spanish = await start('es.yaml');

    const [es, en, envEs] = await Promise.all([ok(['--lang', 'es', 'run', 'list', '--vault', vault]), ok(['run', 'list', '--vault', vault]), ok(['run', 'list', '--vault', vault], { CUTOVER_LANG: 'es' })]);
    expect(es.stdout).toMatch(new RegExp(`^${plain}  ACTIVA +ensayo +lineas v1  \\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}:\\d{2} UTC$`, 'm'));
    expect(en.stdout).toMatch(new RegExp(`^${plain}  ACTIVE    rehearsal  lineas v1  \\d{4}-\\d{2}-\\d{2}T`, 'm'));
    expect(envEs.stdout).toBe(es.stdout);
    const [jsonEs, jsonEn] = await Promise.all([ok(['--lang', 'es', 'run', 'list', '--vault', vault, '--json']), ok(['run', 'list', '--vault', vault, '--json'])]);
    expect(jsonEs.stdout).toBe(jsonEn.stdout);

    // plan export: the run's language: a Spanish runbook's plan line is Spanish without --lang; one naming none follows --lang.
    const out = (name: string) => join(dir, name);
    const fromRunbook = await ok(['plan', 'export', '--vault', vault, spanish, '--out', out('es.json')]);
    const asked = await ok(['--lang', 'es', 'plan', 'export', '--vault', vault, plain, '--out', out('asked.json')]);
    const english = await ok(['plan', 'export', '--vault', vault, plain, '--out', out('en.json')]);
    expect(fromRunbook.stderr).toMatch(new RegExp(`^Plan de la ejecución ${spanish} escrito en .*es\\.json \\(sha256 [0-9a-f]{64}\\)\\.\\nFírmalo: cutover approve`));
    expect(asked.stderr).toMatch(/^Plan de la ejecución .* escrito en .*asked\.json/);
    expect(english.stderr).toMatch(new RegExp(`^Plan for run ${plain} written to .*en\\.json \\(sha256 [0-9a-f]{64}\\)\\.\\nSign it: cutover approve --vault … ${plain} --identity NAME, or offline: ssh-keygen -Y sign -n cutover-plan-v1 -f KEY .*en\\.json\\n$`));
    for (const text of [es.stdout, fromRunbook.stderr, asked.stderr]) expect(found(text, 'en')).toEqual([]);
    expect(found(en.stdout + english.stderr, 'es')).toEqual([]);
  });

  it('run watch\'s lines in a Spanish run: what is due, the occurrence and why it failed', async () => {
    const fx = await useEngineFixture();
    const flag = join(fx.dir, 'kpi.txt');
    writeFileSync(flag, 'totales iguales\n');
    let clock = Date.now();
    const op = fx.engine('op', { now: () => clock });
    const run = await op.startRun({
      text: `
format: cutover-runbook/v1
id: hipercuidado
title: Hipercuidado
version: "1"
language: es
targets: { ws: { kind: local } }
phases:
  - id: h
    title: Hipercuidado
    steps:
      - { id: kpi, kind: check, title: KPI, target: ws, run: "cat ${flag}", read_only: true, expect: [ { output_contains: iguales } ], repeat: { every: 30m, for: 2h } }
`, source: 'h.yaml', environment: 'rehearsal' });
    const origin = clock;
    expect((await op.executeStep(run.runId, 'kpi')).status).toBe('PASS');
    const lines: string[] = [];
    clock = origin + 10 * MIN;
    await watchSchedules(op, run.runId, { once: true, now: () => clock, lang: 'es', onLine: (l) => lines.push(l) });
    writeFileSync(flag, 'difieren\n');
    clock = origin + 95 * MIN;
    const failed = await watchSchedules(op, run.runId, { once: true, now: () => clock, lang: 'es', onLine: (l) => lines.push(l) });
    expect(failed.outcomes.map((o) => o.status)).toEqual(['FAIL']);
    clock = origin + 200 * MIN;
    await watchSchedules(op, run.runId, { once: true, now: () => clock, lang: 'es', onLine: (l) => lines.push(l) });
    const text = lines.join('\n');
    expect(text).toMatch(/^kpi: 1 ejecución\(es\); la ocurrencia 2 toca el \d{2}\/\d{2}\/\d{4} [\d:]+ UTC; la ventana termina el /m);
    expect(text).toMatch(/^kpi: 1 ejecución\(es\); la ocurrencia 2 está ATRASADA desde el /m);
    expect(text).toMatch(/^kpi, ocurrencia 2: FAIL; transcripción kpi\.occurrence-2\.log$/m);
    expect(text).toMatch(/^kpi: calendario terminado \(2 ejecuciones; la ventana terminó el /m);
    expect(found(text, 'en')).toEqual([]);
    // English, as the engine has always worded it.
    const english: string[] = [];
    await watchSchedules(op, run.runId, { once: true, now: () => clock, onLine: (l) => english.push(l) });
    expect(english).toEqual([expect.stringMatching(/^kpi: schedule over \(2 runs, window ended \d{4}-\d{2}-\d{2}T[\d:.]+Z\)$/)]);
  });
});
