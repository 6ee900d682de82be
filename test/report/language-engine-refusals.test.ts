// The engine's own refusals in the run's language (issue 13, item 3): a run whose runbook says
// `language: es` refuses in Spanish — no run by that id, a T-0 that is not a time, a --target
// the runbook does not have, a rehearsal bound to a rehearsal run, a step of another kind, a
// record field that is unknown, missing or does not match, a value not there yet (a check, an
// HTTP request's path, a monitor's probe, a condition), a value a shell would misread, a secret
// not in the vault, a key not usable here, an act that attests another statement, a malformed
// act (each field's problem), an execute or decision.record act brought in, a decision that is
// none of the three, a step that does not apply, a step already attested or recorded, a stopped
// run — with no English catalogue sentence; an English runbook gets the same refusals word for
// word as before; and each refusal leaves the vault's chain head where it was. Real engine, real
// vault, real local commands.
import { describe, expect, it } from 'vitest';
import { ACT_NAMESPACE, actBytes, type ActDocument } from '../../src/core/acts';
import type { RehearsalRef } from '../../src/core/engine/types';
import { sshsigSign } from '../../src/core/signing';
import { useEngineFixture, type EngineFixture } from '../engine/setup';
import { found } from './language-sentences';

const runbook = (language: string) => `
format: cutover-runbook/v1
id: motor
title: Motor
version: "1"
${language}
targets:
  ws: { kind: local }
  api: { kind: http, base_url: "http://127.0.0.1:9" }
preconditions:
  - { id: pre, kind: attest, title: Congelación, statement: "Congelación confirmada" }
phases:
  - id: P1
    title: Pasos
    steps:
      - { id: snap, kind: record, title: Instantánea, fields: [ { name: id, label: ID de instantánea, pattern: "^snap-[0-9]+$" }, { name: nota, label: Nota } ] }
      - { id: usa, kind: check, title: Usa la nota, target: ws, read_only: true, run: "echo \${value:snap.nota}" }
      - { id: solo, kind: manual, title: Solo con ID, instructions: Nada, when: "\${value:snap.id} == 'snap-1'" }
      - { id: prod, kind: attest, title: Solo producción, statement: "Producción lista", environments: [production] }
      - { id: clave, kind: check, title: Usa un secreto, target: ws, read_only: true, run: "true", env: { TOKEN: "\${secret:falta}" } }
      - { id: pide, kind: http, title: Pide, target: api, request: { method: GET, path: "/v/\${value:snap.id}" } }
      - { id: watch, kind: monitor, title: Vigila, probe: { url: "http://127.0.0.1:9/\${value:snap.nota}", every: 100ms, for: 400ms }, thresholds: [ "error_rate_pct <= 0" ] }
`;

type Lang = 'es' | 'en';
/** Each refusal: what the Spanish run says (a part of it) and what an English one says (a part of it, as before). */
type Expected = Record<Lang, string>;

/** Expects `act` refused with `expected[lang]`, the chain head unmoved, and in Spanish no English catalogue sentence. */
async function refused(fx: EngineFixture, lang: Lang, act: () => Promise<unknown>, expected: Expected): Promise<string> {
  const head = fx.vault.head();
  const error = await act().then(() => null, (e: unknown) => e as Error);
  expect(error, expected[lang]).toBeInstanceOf(Error);
  const message = error!.message;
  expect(message).toContain(expected[lang]);
  if (lang === 'es') expect(found(message, 'en'), message).toEqual([]);
  expect(fx.vault.head()).toEqual(head);
  return message;
}

async function provokeAll(lang: Lang): Promise<void> {
  const fx = await useEngineFixture();
  const op = fx.engine('op', lang === 'es' ? { language: 'es' } : {});
  const text = runbook(lang === 'es' ? 'language: es' : '');
  const no = (act: () => Promise<unknown>, expected: Expected) => refused(fx, lang, act, expected);

  // Before a run: the asker's language (no run), then the runbook's.
  await no(async () => op.status('nada'), { es: 'No hay ninguna ejecución nada en esta bóveda; consulte `cutover run list`.', en: 'No run nada in this vault; see `cutover run list`.' });
  await no(() => op.startRun({ text, source: 'm.yaml', environment: 'rehearsal', t0: 'esta noche' }), { es: 'T-0 "esta noche" no es una hora: indique HH:MM', en: 'T-0 "esta noche" is not a time: give HH:MM (today, local time) or an ISO 8601 date and time with its zone' });
  await no(() => op.startRun({ text, source: 'm.yaml', environment: 'rehearsal', targets: { nada: 'local' } }), { es: '--target nada=…: el runbook no tiene ningún destino "nada" (tiene ws, api).', en: '--target nada=…: the runbook has no target "nada" (it has ws, api).' });
  await no(() => op.startRun({ text, source: 'm.yaml', environment: 'rehearsal', rehearsal: { manifestSha256: 'a'.repeat(64), runId: 'r' } satisfies RehearsalRef }), { es: 'Solo una ejecución de producción se vincula a un ensayo', en: 'Only a production run is bound to a rehearsal (--rehearsal PACK goes with --env production).' });

  const { runId } = await op.startRun({ text, source: 'm.yaml', environment: 'rehearsal' });
  // A step of another kind, and a record step's fields.
  await no(() => op.attest(runId, 'snap'), { es: 'El paso snap es un paso de tipo registro, no una atestación.', en: 'Step snap is a record step, not an attestation.' });
  await no(() => op.done(runId, 'pre'), { es: 'El paso pre es un paso de tipo atestación, no un paso manual.', en: 'Step pre is a attest step, not a manual step.' });
  await no(() => op.record(runId, 'snap', { otro: 'x' }), { es: 'El paso snap no tiene ningún campo "otro" (tiene id, nota).', en: 'Step snap has no field "otro" (it has id, nota).' });
  await no(() => op.record(runId, 'snap', { id: 'mal', nota: 'a' }), { es: 'ID de instantánea "mal" no coincide con /^snap-[0-9]+$/.', en: 'ID de instantánea "mal" does not match /^snap-[0-9]+$/.' });
  await no(() => op.record(runId, 'snap', { nota: 'a' }), { es: 'El paso snap necesita ID de instantánea (id).', en: 'Step snap needs ID de instantánea (id).' });
  // A value not recorded yet: in a check's command, a monitor's probe and a condition.
  await no(() => op.executeStep(runId, 'usa'), { es: '${value:snap.nota} aún no tiene valor: el paso snap aún no se ha ejecutado.', en: '${value:snap.nota} has no value yet: step snap has not run yet.' });
  await no(() => op.executeStep(runId, 'watch'), { es: 'Paso watch: ${value:snap.nota} aún no tiene valor: el paso snap aún no se ha ejecutado.', en: 'Step watch: ${value:snap.nota} has no value yet: step snap has not run yet.' });
  await no(() => op.executeStep(runId, 'clave'), { es: 'El secreto "falta" (que usa TOKEN) no está en la bóveda: guárdelo con `cutover secret set --name falta`.', en: 'The secret "falta" (used by TOKEN) is not in the vault: set it with `cutover secret set --name falta`.' });
  await no(() => op.executeStep(runId, 'pide'), { es: '${value:snap.id} aún no tiene valor: el paso snap aún no se ha ejecutado.', en: '${value:snap.id} has no value yet: step snap has not run yet.' });
  await no(() => op.done(runId, 'solo'), { es: 'La condición del paso solo aún no se puede decidir: ${value:snap.id} aún no tiene valor: el paso snap aún no se ha ejecutado.', en: 'Step solo\'s condition cannot be decided yet: ${value:snap.id} has no value yet: step snap has not run yet.' });
  // The operator's key not usable at this workstation.
  await no(() => fx.engine('op', { keyring: undefined, ...(lang === 'es' ? { language: 'es' as const } : {}) }).attest(runId, 'pre'), { es: 'no se puede usar en esta estación de trabajo, así que no se hizo nada en su nombre.', en: 'is not usable at this workstation, so nothing was done in their name. Either bring the key' });

  // Acts signed elsewhere and brought in (`cutover act import`).
  const sign = async (doc: ActDocument) => {
    const bytes = actBytes(doc);
    return { text: bytes.toString(), signature: await sshsigSign(fx.signer('op'), bytes, ACT_NAMESPACE) };
  };
  const attest = op.exportAct(runId, 'op', { kind: 'step.attest', stepId: 'pre' }).doc;
  await no(async () => op.importAct(await sign({ ...attest, what: { statement: 'Otra cosa' } })), { es: 'El acto atestigua "Otra cosa", no la declaración de este paso, "Congelación confirmada".', en: 'The act attests "Otra cosa", not this step\'s statement "Congelación confirmada".' });
  await no(async () => op.importAct(await sign({ ...attest, act: 'step.execute' })), { es: 'Un acto step.execute se firma en la estación de trabajo que lo realiza', en: 'A step.execute act is signed at the workstation that does it, by its operator; it cannot be imported.' });
  await no(async () => op.importAct(await sign({ ...attest, act: 'decision.record', step: null })), { es: 'Un acto decision.record se importa con `cutover run decision --act`.', en: 'A decision.record act is imported with `cutover run decision --act`.' });
  const decide = op.exportAct(runId, 'op', { kind: 'run.decide', decision: 'stop', reason: 'porque' }).doc;
  await no(async () => op.importAct(await sign({ ...decide, what: { decision: 'quizás', reason: 'porque' } })), { es: 'Una decisión es rollback, stop o retry (revertir, detener o reintentar).', en: 'A decision is rollback, stop or retry.' });
  // A malformed act: each field's problem in the run's language (English: zod's words, as before).
  const malformed = async (doc: unknown) => {
    const text = JSON.stringify(doc);
    return { text, signature: await sshsigSign(fx.signer('op'), Buffer.from(text), ACT_NAMESPACE) };
  };
  const shape = { es: 'El acto no es un documento cutover-act/v1: ', en: 'The act is not a cutover-act/v1 document: ' };
  const zodWords = /Invalid|expected|received|Unrecognized|Too small/;
  for (const doc of [{ run: runId, act: 'step.attest' }, { ...attest, by: { name: 'op', fingerprint: 'nope' }, extra: 1 }, { ...attest, act: 'step.nada', follows: { ...attest.follows, seq: -1 } }]) {
    const message = await no(async () => op.importAct(await malformed(doc)), shape);
    if (lang === 'es') expect(message).not.toMatch(zodWords);
    else expect(message).toMatch(zodWords);
  }
  expect(await no(async () => op.importAct(await malformed({ ...attest, by: { name: 'op', fingerprint: 'nope' }, extra: 1 })), shape)).toContain(lang === 'es' ? 'by.fingerprint: no coincide con el patrón /^SHA256:[A-Za-z0-9+/]{43}$/; acto: campos que un acto no lleva: extra.' : 'by.fingerprint: Invalid string: must match pattern');
  const prod = op.exportAct(runId, 'op', { kind: 'step.attest', stepId: 'prod' }).doc;
  await no(async () => op.importAct(await sign(prod)), { es: 'El paso prod no aplica en esta ejecución (el paso prod se aplica a producción, y esta ejecución es de ensayo): se registra como N/A cuando la ejecución llega a él, no como atestiguado.', en: 'Step prod does not apply in this run (step prod applies to production, and this run is rehearsal): it is recorded N/A when the run reaches it, not attested.' });

  // Done once, refused twice; a value a shell would read as more than one word.
  await op.attest(runId, 'pre');
  await no(() => op.attest(runId, 'pre'), { es: 'El paso pre ya está atestiguado.', en: 'Step pre is already attested.' });
  await op.record(runId, 'snap', { id: 'snap-1', nota: 'dos palabras' });
  await no(() => op.record(runId, 'snap', { id: 'snap-2', nota: 'otra' }), { es: 'El paso snap ya está registrado.', en: 'Step snap is already recorded.' });
  await no(() => op.executeStep(runId, 'usa'), { es: 'El paso usa insertaría ${value:snap.nota} = "dos palabras" en un comando de shell, y un shell no lo leería como una sola palabra simple', en: 'Step usa would splice ${value:snap.nota} = "dos palabras" into a shell command, and a shell would not read it as one plain word (spaces, quotes, ; $ & | and the like, or empty). Pass it through the step\'s env instead (`env: { NAME: "${value:snap.nota}" }`) and write "$NAME" in the command.' });

  // A stopped run: an act signed before the stop changes nothing.
  const done = await sign(op.exportAct(runId, 'op', { kind: 'step.done', stepId: 'solo' }).doc);
  await op.decide(runId, 'stop', lang === 'es' ? 'fin del ensayo' : 'end of the rehearsal');
  await no(() => op.importAct(done), { es: 'La ejecución está DETENIDA; ya no cambia nada en ella.', en: 'The run is STOPPED; nothing more changes in it.' });
}

const hypercare = (language: string) => `
format: cutover-runbook/v1
id: vigilancia
title: Vigilancia
version: "1"
${language}
targets: { ws: { kind: local } }
phases:
  - id: hc
    title: Vigilancia
    steps:
      - { id: kpi, kind: check, title: KPI, target: ws, run: "echo igual", read_only: true, repeat: { every: 30m, for: 1h } }
`;

/** A repeating step's occurrence refused before it is due and after its window. */
async function provokeSchedule(lang: Lang): Promise<void> {
  const fx = await useEngineFixture();
  let clock = Date.now();
  const op = fx.engine('op', { now: () => clock });
  const { runId } = await op.startRun({ text: hypercare(lang === 'es' ? 'language: es' : ''), source: 'h.yaml', environment: 'rehearsal' });
  expect((await op.executeStep(runId, 'kpi')).status).toBe('PASS');
  const origin = Date.parse(op.status(runId).steps.get('kpi')!.firstPassAt!);
  const due = new Date(origin + 30 * 60_000).toISOString();
  const dueEs = `${due.slice(8, 10)}/${due.slice(5, 7)}/${due.slice(0, 4)} ${due.slice(11, 19)} UTC`;
  await refused(fx, lang, () => op.executeStep(runId, 'kpi'), { es: `La ocurrencia 2 de kpi toca el ${dueEs}; todavía no.`, en: `Occurrence 2 of kpi is due at ${due}, not yet.` });
  clock = origin + 2 * 3600_000;
  await refused(fx, lang, () => op.executeStep(runId, 'kpi'), { es: 'El calendario de kpi ha terminado (cada 30m durante 1h desde el ', en: 'The schedule of kpi is over (every 30m for 1h from ' });
}

describe('the engine\'s refusals in the run\'s language', () => {
  it('a repeating step\'s occurrence is refused in the run\'s language (Spanish, then English as before)', async () => {
    await provokeSchedule('es');
    await provokeSchedule('en');
  });

  it('a Spanish run refuses in Spanish, with no English sentence, and nothing is appended', async () => {
    await provokeAll('es');
  });

  it('an English run refuses word for word as before, and nothing is appended', async () => {
    await provokeAll('en');
  });
});
