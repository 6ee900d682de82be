// The engine's refusals in the run's language: a Spanish runbook's run refuses in Spanish (a
// skip without a reason, a command out of order, an act by the wrong role, a mutating step on a
// blocked run, a retry of the wrong step, an approval by the operator, by the wrong role or twice,
// a signed act for another vault, with a bad signature or brought twice), an English one word for
// word as before; each refusal
// leaves the vault's chain head where it was.
import { describe, expect, it } from 'vitest';
import { ACT_NAMESPACE, actBytes } from '../../src/core/acts';
import { autoplay } from '../../src/core/engine';
import { sshsigSign } from '../../src/core/signing';
import { useEngineFixture } from '../engine/setup';

const runbook = (language: string) => `
format: cutover-runbook/v1
id: rechazos
title: Rechazos
version: "1"
${language}
targets:
  ws: { kind: local }
preconditions:
  - { id: pre, kind: attest, title: Congelación, statement: "Congelación confirmada" }
phases:
  - id: P1
    title: Migración
    steps:
      - { id: migrar, kind: command, title: Migrar, target: ws, run: "echo 'DuplicateTable'; exit 1", abort_on: [ { pattern: DuplicateTable } ] }
      - { id: segundo, kind: command, title: Segundo, target: ws, run: "echo ok" }
rollback:
  steps:
    - { id: rb, kind: manual, title: Restaurar, instructions: Restaurar la copia }
`;

describe('refusals in the run\'s language', () => {
  it('a Spanish run refuses in Spanish, and nothing is appended', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const { runId } = await op.startRun({ text: runbook('language: es'), source: 'r.yaml', environment: 'rehearsal' });
    const refused = async (act: Promise<unknown>, message: string | RegExp) => {
      const head = fx.vault.head();
      await expect(act).rejects.toThrow(message);
      expect(fx.vault.head()).toEqual(head);
    };
    await refused(op.skip(runId, 'pre', '  '), 'Omitir un paso exige un motivo (queda en la evidencia y en la decisión).');
    await refused(fx.engine('obs').attest(runId, 'pre'), 'obs tiene el rol observer; solo operator puede atestiguar este paso (pre).');
    await fx.engine('ap1').approve(runId, 'ap1', fx.signer('ap1'));
    await refused(op.executeStep(runId, 'migrar'), 'El paso migrar cambia el sistema, así que solo se ejecuta cuando cada precondición y cada paso anterior está en PASS u omitido con un motivo; aún abiertos: pre.');
    await op.attest(runId, 'pre');
    await op.executeStep(runId, 'migrar');
    await refused(op.executeStep(runId, 'segundo'), 'La ejecución está BLOQUEADA en migrar (coincidió la compuerta de aborto: abortar si /DuplicateTable/). Ningún paso que cambie el sistema se ejecuta hasta que una persona registre una decisión');
    await refused(op.decide(runId, 'retry', 'otra vez', 'segundo'), 'El paso segundo está pending; solo se reintenta un paso fallido o interrumpido.');
    await refused(op.decide(runId, 'rollback', ''), 'Una decisión exige un motivo (queda en la evidencia).');
    await op.decide(runId, 'stop', 'tabla duplicada');
    await refused(op.decide(runId, 'rollback', 'demasiado tarde'), 'La ejecución ya está DETENIDA.');
  });

  it('a Spanish run refuses an approval and a signed act in Spanish, and nothing is appended', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const { runId } = await op.startRun({ text: runbook('language: es'), source: 'r.yaml', environment: 'rehearsal' });
    const refused = async (act: Promise<unknown>, message: string) => {
      const head = fx.vault.head();
      await expect(act).rejects.toThrow(message);
      expect(fx.vault.head()).toEqual(head);
    };
    await refused(op.approve(runId, 'op', fx.signer('op')), 'op es el operador de esta ejecución y no puede aprobarla.');
    await refused(fx.engine('obs').approve(runId, 'obs', fx.signer('obs')), 'obs no tiene el rol approver; su firma no puede aprobar el plan.');
    await fx.engine('ap1').approve(runId, 'ap1', fx.signer('ap1'));
    await refused(fx.engine('ap1').approve(runId, 'ap1', fx.signer('ap1')), 'ap1 ya aprobó exactamente este plan.');
    // An act signed elsewhere and brought in (`cutover act import`).
    const { bytes, doc } = op.exportAct(runId, 'op', { kind: 'step.attest', stepId: 'pre' });
    const sign = async (b: Buffer) => ({ text: b.toString(), signature: await sshsigSign(fx.signer('op'), b, ACT_NAMESPACE) });
    const other = actBytes({ ...doc, vault: 'otra-boveda' });
    await refused(op.importAct(await sign(other)), 'Este acto se hizo para la bóveda otra-boveda, no para esta (');
    await refused(op.importAct({ text: bytes.toString(), signature: (await sign(other)).signature }), 'La firma de op sobre este acto no se verifica (');
    const signed = await sign(bytes);
    await op.importAct(signed);
    await refused(op.importAct(signed), 'Este mismo acto ya está en la cadena; un acto cuenta una sola vez. Exporte uno nuevo.');
  });

  it('a Spanish run says in Spanish what a step still needs, and run play\'s lines and stops are Spanish', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const { runId } = await op.startRun({ text: runbook('language: es'), source: 'r.yaml', environment: 'rehearsal' });
    const refused = async (act: Promise<unknown>, message: string) => {
      const head = fx.vault.head();
      await expect(act).rejects.toThrow(message);
      expect(fx.vault.head()).toEqual(head);
    };
    await refused(op.executeStep(runId, 'pre'), 'El paso pre es un paso de tipo atestación: use `cutover run attest`.');
    // Played without an answer for the precondition: it stops there, saying why in Spanish.
    const lines: string[] = [];
    const first = await autoplay(op, runId, { answers: {}, onStep: (line) => lines.push(line) });
    expect(first.stopped).toEqual({ stepId: 'pre', reason: 'no hay respuesta para el paso pre de tipo atestación' });
    const second = await autoplay(op, runId, { answers: { pre: true }, onStep: (line) => lines.push(line) });
    expect(lines[0]).toBe('pre: PASS (atestación)');
    // The command needs the plan's approval: nobody signed it yet.
    expect(second.stopped).toEqual({ stepId: 'migrar', reason: 'necesita 1 firma(s) de aprobador sobre este paso, tiene 0. Exporte el plan (`cutover plan export`) y haga que los aprobadores lo firmen.' });
    await refused(op.executeStep(runId, 'migrar'), 'El paso migrar no está aprobado: necesita 1 firma(s) de aprobador sobre este paso, tiene 0.');
    await fx.engine('ap1').approve(runId, 'ap1', fx.signer('ap1'));
    const third = await autoplay(op, runId, { answers: {}, onStep: (line) => lines.push(line) });
    expect(third.stopped).toEqual({ stepId: 'migrar', reason: 'la ejecución está BLOQUEADA' });
  });

  it('a Spanish run refuses a step before it starts in Spanish: an unpinned host, a database that refuses the login check', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const text = `
format: cutover-runbook/v1
id: antes
title: Antes de empezar
version: "1"
language: es
targets:
  ops: { kind: ssh, host: 127.0.0.1, port: 9, user: nadie }
  db: { kind: postgres, dsn: "postgresql://nadie@127.0.0.1:9/cartera", tls: disable }
phases:
  - id: P1
    title: Pasos
    steps:
      - { id: reiniciar, kind: command, title: Reiniciar, target: ops, run: "systemctl restart cartera" }
      - { id: base, kind: check, title: Base, target: db, sql: "SELECT 1" }
`;
    const { runId } = await op.startRun({ text, source: 'antes.yaml', environment: 'rehearsal' });
    const head = fx.vault.head();
    // Port 9 on loopback: nothing listens, so PostgreSQL refuses at once.
    await expect(op.executeStep(runId, 'base')).rejects.toThrow(/^Antes de ejecutar una comprobación se pregunta a PostgreSQL qué puede hacer su usuario, y eso falló: 127\.0\.0\.1:9\S* rechazó la conexión: ¿está PostgreSQL en marcha y escuchando en esa dirección y puerto\?$/);
    expect(fx.vault.head()).toEqual(head);
    await fx.engine('ap1').approve(runId, 'ap1', fx.signer('ap1'));
    const approved = fx.vault.head();
    expect(approved.seq).toBeGreaterThan(head.seq);
    await expect(op.executeStep(runId, 'reiniciar')).rejects.toThrow('La clave de host del destino ops no está fijada: conéctese una vez con una comprobación de solo lectura (o ponga host_key en el runbook) antes de ejecutar un comando en él.');
    expect(fx.vault.head()).toEqual(approved);
  });

  it('an English run refuses word for word as before', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const { runId } = await op.startRun({ text: runbook(''), source: 'r.yaml', environment: 'rehearsal' });
    const head = fx.vault.head();
    await expect(op.skip(runId, 'pre', '')).rejects.toThrow('Skipping a step needs a reason (it goes into the evidence and the decision).');
    await expect(fx.engine('obs').attest(runId, 'pre')).rejects.toThrow('obs is observer; only operator may attest this step (pre).');
    await expect(op.decide(runId, 'retry', 'again', 'migrar')).rejects.toThrow('Step migrar is pending; only a failed or interrupted step is retried.');
    await expect(op.executeStep(runId, 'pre')).rejects.toThrow('Step pre is a attest step: use `cutover run attest`.');
    expect((await autoplay(op, runId, { answers: {} })).stopped).toEqual({ stepId: 'pre', reason: 'no answer for attest step pre' });
    await expect(op.approve(runId, 'op', fx.signer('op'))).rejects.toThrow('op is the operator of this run and cannot approve it.');
    await expect(fx.engine('obs').approve(runId, 'obs', fx.signer('obs'))).rejects.toThrow('obs does not have the approver role; their signature cannot approve the plan.');
    const { doc } = op.exportAct(runId, 'op', { kind: 'step.attest', stepId: 'pre' });
    const other = actBytes({ ...doc, vault: 'another-vault' });
    await expect(op.importAct({ text: other.toString(), signature: await sshsigSign(fx.signer('op'), other, ACT_NAMESPACE) })).rejects.toThrow(`This act was made for vault another-vault, not this one (`);
    expect(fx.vault.head()).toEqual(head);
  });
});
