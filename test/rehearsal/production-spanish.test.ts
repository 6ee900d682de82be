// Production bound to its rehearsal, in a runbook that says `language: es`: what the engine
// refuses there (an acceptance of another diff or step, a second acceptance by the same approver,
// a value recorded unlike the rehearsal's, a production run without its rehearsal) is said in
// Spanish with no English sentence of the catalogue, and the chain does not move. English runs
// keep their words (production.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_RUNBOOK, ProductionDemo } from '../../src/core/demo/production';
import { exampleIn } from '../../src/core/demo/language';
import type { BuiltPack } from '../../src/core/pack';
import { blockingDeviation } from '../../src/core/rehearsal/follow';
import { found } from '../report/language-sentences';
import { describeRun, runCli } from '../helpers/cli';
import { writeFileSync } from 'node:fs';
import { useTempDir } from '../helpers/tmp';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

/** The reference example in Spanish, its migration commit marked same_as_rehearsal. */
const RUNBOOK = exampleIn(readFileSync(EXAMPLE_RUNBOOK, 'utf8').replace("        pattern: '^[0-9a-f]{7,40}$'\n", (line) => `${line}        same_as_rehearsal: true\n`), 'es');

let d: ProductionDemo;
let rehearsal: { runId: string; pack: BuiltPack };

beforeAll(async () => {
  expect(RUNBOOK).toMatch(/^language: es$/m);
  d = await ProductionDemo.create({ out: join(useTempDir('cutover-rehearsal-es-', afterAll), 'demo'), passphrase: 'correct horse battery staple', runbookText: RUNBOOK, language: 'es' });
  rehearsal = await d.rehearse();
}, 300_000);

afterAll(async () => {
  await d?.close();
});

/** The refusal's message; the chain head did not move. */
async function refusal(act: () => Promise<unknown>): Promise<string> {
  const before = d.vault.head();
  const error = await act().then(() => null, (e: Error) => e);
  expect(error, 'refused').not.toBeNull();
  expect(d.vault.head()).toEqual(before);
  expect(found(error!.message, 'en'), `English in: ${error!.message}`).toEqual([]);
  return error!.message;
}

describe('production bound to a Spanish rehearsal', () => {
  it('a deviation\'s acceptances are refused in Spanish: another diff, another step, the same approver twice; the status and block reason too', { timeout: 300_000 }, async () => {
    const run = await d.start('production', await d.database('deviation'), d.host('deviation', { extraRevision: true }), rehearsal.pack.folder);
    d.approvePlan(run.runId);
    expect((await d.play(run.runId)).stopped?.stepId).toBe('p3-upgrade-head');
    const blocking = blockingDeviation(d.vault, d.engine.status(run.runId))!;
    expect(await refusal(() => d.acceptDeviationAs(run.runId, 'approver-1', 'p3-upgrade-head', '0'.repeat(64)))).toBe(`Este acto acepta el diff ${'0'.repeat(64)}, no aquel en el que está bloqueada la ejecución (${blocking.diffSha256}): lea ese diff (\`cutover run compare\`) y firme un acto que lo nombre.`);
    expect(await refusal(() => d.acceptDeviationAs(run.runId, 'approver-1', 'p4-current', blocking.diffSha256))).toBe('La ejecución está bloqueada por una desviación en p3-upgrade-head, no en p4-current.');
    await d.acceptDeviationAs(run.runId, 'approver-1', 'p3-upgrade-head', blocking.diffSha256);
    expect(await refusal(() => d.acceptDeviationAs(run.runId, 'approver-1', 'p3-upgrade-head', blocking.diffSha256))).toBe('approver-1 ya aceptó esta desviación.');
    // Once accepted by both, nothing is blocked: a third acceptance names the run's status in Spanish.
    await d.acceptDeviationAs(run.runId, 'approver-2', 'p3-upgrade-head', blocking.diffSha256);
    expect(await refusal(() => d.acceptDeviationAs(run.runId, 'approver-1', 'p3-upgrade-head', blocking.diffSha256))).toMatch(/^La ejecución está ACTIVA, no bloqueada por una desviación respecto a su ensayo: no hay nada que aceptar\.$/);
  });

  it('a value recorded unlike the rehearsal\'s, and production without its rehearsal, are refused in Spanish', { timeout: 120_000 }, async () => {
    const run = await d.start('production', await d.database('commit'), d.host('commit'), rehearsal.pack.folder);
    expect(await refusal(() => d.engine.record(run.runId, 'pre-migration-commit', { commit: 'deadbee', tag: 'demo' }))).toMatch(/^El paso pre-migration-commit difiere del ensayo con el que debe coincidir \(same_as_rehearsal\): .* \(commit\) es "deadbee" aquí y "70a7968" en la ejecución de ensayo [0-9a-f-]{36}\. Producción sigue lo que se ensayó/);
    const text = `${RUNBOOK}\nrehearsal:\n  required: true\n  deviation: block\n`;
    expect(await refusal(() => d.engine.startRun({ text, source: 'required.yaml', environment: 'production' }))).toMatch(/^Este runbook exige que producción siga a un ensayo \(rehearsal\.required: true\): iníciela con --rehearsal PAQUETE/);
  });

  it('run start of production bound to a pack of other runbook bytes is refused in the runbook\'s language; the chain does not move', { timeout: 120_000 }, async () => {
    const other = join(d.out, 'other.yaml');
    writeFileSync(other, `${RUNBOOK}\n# another version of the runbook\n`);
    const before = d.vault.head();
    const r = await runCli(['run', 'start', '--vault', d.vault.path, '--runbook', other, '--env', 'production', '--rehearsal', rehearsal.pack.folder], { env: { CUTOVER_PASSPHRASE: 'correct horse battery staple', CUTOVER_ACTOR: 'operator' } });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/El paquete de ensayo .* no puede vincular esta ejecución de producción: ensayó otros bytes de runbook/);
    expect(found(r.stderr, 'en'), r.stderr).toEqual([]);
    expect(d.vault.head()).toEqual(before);
  });
});
