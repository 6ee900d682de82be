// `cutover run …` in the run's language, through the real `cutover` process: a Spanish runbook's
// refusals from the engine (a step of another kind, a T-0 that is not a time, an approver not in
// the vault) and the next step's kind are Spanish with no --lang at all; the command line's own
// mistakes (--env, --decision, --accept-host-key, a run compare of no run, an answers file that
// is a list) follow --lang / CUTOVER_LANG; English word for word as before without them; nothing
// is appended.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../src/core/vault';
import { describeRun, expectRefusal, PASSPHRASE, runCli, type CliResult } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { found } from './language-sentences';

const RUNBOOK = `
format: cutover-runbook/v1
id: motor-cli
title: Motor por CLI
version: "1"
language: es
targets:
  ws: { kind: local }
preconditions:
  - { id: pre, kind: attest, title: Congelación, statement: "Congelación confirmada" }
phases:
  - id: P1
    title: Pasos
    steps:
      - { id: snap, kind: record, title: Instantánea, fields: [ { name: id, label: ID de instantánea } ] }
`;

function head(vault: string): { seq: number; hash: string } {
  const v = Vault.open(vault, { passphrase: PASSPHRASE });
  try {
    return v.head();
  } finally {
    v.close();
  }
}

/** Refused with exit 2 in Spanish: the message given, and no English catalogue sentence. */
function spanish(r: CliResult, message: RegExp): void {
  expectRefusal(r, 2, message);
  expect(found(r.stderr, 'en'), describeRun(r)).toEqual([]);
}

describe('cutover run in the run\'s language', () => {
  it('a Spanish runbook refuses in Spanish without --lang; the command line\'s mistakes follow --lang / CUTOVER_LANG; English as before; nothing is appended', async () => {
    const dir = useTempDir('cutover-engine-cli-lang-');
    const vault = join(dir, 'v.vault');
    const file = join(dir, 'runbook.yaml');
    const answers = join(dir, 'answers.yaml');
    writeFileSync(file, RUNBOOK);
    writeFileSync(answers, '- pre\n- snap\n');
    const env = { CUTOVER_ACTOR: 'op' };
    const es = { ...env, CUTOVER_LANG: 'es' };
    for (const args of [['vault', 'init', '--vault', vault], ['identity', 'add', '--vault', vault, '--name', 'op', '--role', 'operator', '--generate']]) {
      const r = await runCli(args, { env });
      expect(r.code, describeRun(r)).toBe(0);
    }
    const started = await runCli(['run', 'start', '--vault', vault, '--runbook', file, '--env', 'rehearsal', '--json'], { env });
    expect(started.code, describeRun(started)).toBe(0);
    const { runId } = JSON.parse(started.stdout) as { runId: string };
    const before = head(vault);

    // The engine, in the runbook's language, with nothing asked for.
    spanish(await runCli(['run', 'attest', '--vault', vault, runId, 'snap'], { env }), /El paso snap es un paso de tipo registro, no una atestación\./);
    spanish(await runCli(['run', 'start', '--vault', vault, '--runbook', file, '--env', 'rehearsal', '--t0', 'esta-noche'], { env }), /T-0 "esta-noche" no es una hora: indique HH:MM/);
    spanish(await runCli(['approve', '--vault', vault, runId, '--identity', 'nadie'], { env }), /No hay ninguna identidad llamada "nadie" en esta bóveda; consulte `cutover identity list`\./);

    // What comes next names the step's kind in the run's language.
    const next = await runCli(['run', 'next', '--vault', vault, runId], { env });
    expect(next.code, describeRun(next)).toBe(0);
    expect(next.stdout).toContain(' / pre (atestación): Congelación');

    // The command line's own mistakes: --lang / CUTOVER_LANG.
    const badEnv = ['run', 'start', '--vault', vault, '--runbook', file, '--env', 'ensayo'];
    spanish(await runCli(badEnv, { env: es }), /--env es rehearsal \(ensayo\) o production \(producción\)\./);
    expectRefusal(await runCli(badEnv, { env }), 2, /cutover: --env is rehearsal or production\./);
    const badDecision = ['run', 'decide', '--vault', vault, runId, '--decision', 'quizás', '--reason', 'x'];
    spanish(await runCli([...badDecision, '--lang', 'es'], { env }), /--decision es retry, rollback o stop \(reintentar, revertir o detener\)\./);
    expectRefusal(await runCli(badDecision, { env }), 2, /--decision is retry, rollback or stop\./);
    spanish(await runCli(['run', 'compare', '--vault', vault, 'nada'], { env: es }), /No hay ninguna ejecución nada en esta bóveda; consulte `cutover run list`\./);
    expectRefusal(await runCli(['run', 'compare', '--vault', vault, 'nada'], { env }), 2, /No run nada in this vault; see `cutover run list`\./);
    const step = ['run', 'step', '--vault', vault, runId, 'snap', '--accept-host-key', 'nada'];
    spanish(await runCli(step, { env: es }), /--accept-host-key espera DESTINO=SHA256:…, se recibió "nada"\./);
    expectRefusal(await runCli(step, { env }), 2, /--accept-host-key takes TARGET=SHA256:…, got "nada"\./);
    const play = ['run', 'play', '--vault', vault, runId, '--answers', answers, '--wait', '0'];
    spanish(await runCli(play, { env: es }), /El archivo de respuestas \S+ debe asociar identificadores de paso con respuestas \(p\. ej\. "freeze: true"\), no contener una lista\./);
    expectRefusal(await runCli(play, { env }), 2, /The answers file \S+ must map step ids to answers \(e\.g\. "freeze: true"\), not hold a list\./);
    expect(head(vault)).toEqual(before);
  });
});
