// A Spanish run whose steps fail in the engine's own ways — a check that times out, a host
// that refuses the connection, an HTTP endpoint with nothing listening, a capture that finds
// nothing and a `that:` without its value — said in Spanish wherever the run is shown (the
// failure summary, the gates, the formal decision, the incident report, the CLI's run status),
// with no English sentence of the catalogue left; the same failures of an English run are
// shown exactly as the engine recorded them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunEngine, type StepOutcome } from '../../src/core/engine';
import { decisionContext, failureSummary, formatDecision } from '../../src/core/reports/decision';
import { gateDetailText, gateText } from '../../src/core/reports/gate-words';
import { buildIncidentReport, incidentMarkdown } from '../../src/core/reports/incident';
import type { PackStep } from '../../src/core/reports/pack-model';
import type { Keyring } from '../../src/core/signing';
import { createExecutor } from '../../src/core/targets';
import { Vault } from '../../src/core/vault';
import { addPeople } from '../helpers/people';
import { cutover, PASSPHRASE } from '../pack/fixture';
import { found } from './language-sentences';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

// Port 9 (discard) on loopback: nothing listens there on this machine, so a connection is refused at once.
const runbook = (language: string, keyFile: string) => `
format: cutover-runbook/v1
id: fallos
title: Fallos del motor
version: "1"
${language}
targets:
  ws: { kind: local }
  ops: { kind: ssh, host: 127.0.0.1, port: 9, user: nadie, auth: key, key_file: "${keyFile}" }
  api: { kind: http, base_url: "http://127.0.0.1:9" }
phases:
  - id: P1
    title: Comprobaciones
    steps:
      - { id: base, kind: check, title: Estado del servicio, target: ops, run: "systemctl is-active cartera", read_only: true }
      - id: captura
        kind: check
        title: Marca de agua
        target: ws
        run: "echo sin json"
        read_only: true
        capture: { marca: { json: "$.watermark" } }
      - id: comparar
        kind: check
        title: Comparar
        target: ws
        run: "echo ok"
        read_only: true
        expect: [ { that: "\${value:captura.marca} > 0" } ]
      - { id: salud, kind: http, title: Salud del servicio, target: api, request: { method: GET, path: /api/v1/health } }
      - { id: lento, kind: check, title: Comprobación lenta, target: ws, run: "sleep 30", read_only: true, timeout: 1s }
`;

const dir = mkdtempSync(join(tmpdir(), 'cutover-failures-'));
const vaultPath = join(dir, 'ev.vault');
const runs: Record<'es' | 'en', { runId: string; outcomes: Map<string, StepOutcome> }> = {} as never;
let keyring: Keyring;

beforeAll(async () => {
  const keyFile = join(dir, 'id_ed25519');
  const made = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`ssh-keygen failed: ${made.stderr}`);
  const vault = Vault.create(vaultPath, PASSPHRASE);
  ({ keyring } = await addPeople(vault, [['op', ['operator']], ['ap1', ['approver']]]));
  for (const [lang, language] of [['es', 'language: es'], ['en', '']] as const) {
    const op = new RunEngine(vault, { actor: 'op', keyring, executors: createExecutor });
    const { runId } = await op.startRun({ text: runbook(language, keyFile), source: `fallos-${lang}.yaml`, environment: 'rehearsal' });
    await new RunEngine(vault, { actor: 'ap1', keyring, executors: createExecutor }).approve(runId, 'ap1', keyring.signerFor(keyring.fingerprints()[1]!)!);
    const outcomes = new Map<string, StepOutcome>();
    for (const step of ['base', 'captura', 'comparar', 'salud', 'lento']) outcomes.set(step, await op.executeStep(runId, step));
    runs[lang] = { runId, outcomes };
  }
  vault.close();
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function steps(lang: 'es' | 'en'): PackStep[] {
  const vault = Vault.open(vaultPath, { passphrase: PASSPHRASE });
  try {
    return decisionContext(vault, runs[lang].runId).model.steps;
  } finally {
    vault.close();
  }
}

describe('engine failures in the run\'s language', () => {
  it('each step failed the way it should (the words recorded are the engine\'s English)', () => {
    const o = runs.es.outcomes;
    expect([...o.values()].map((s) => s.status)).toEqual(['FAIL', 'FAIL', 'FAIL', 'FAIL', 'FAIL']);
    // Whether something of the group outlived SIGTERM is the machine's business: either ending is the engine's sentence.
    expect(o.get('lento')!.failure).toMatchObject({ kind: 'timeout', message: expect.stringMatching(/^Timed out after 1s: sent SIGTERM to the command's process group(, then SIGKILL to what was left of the group)?\.$/) });
    expect(o.get('base')!.failure).toMatchObject({ kind: 'connect_failed', message: expect.stringMatching(/^Connection refused by .*: nothing listens on that port\. Is sshd running there, and is the port right\?$/) });
    expect(o.get('salud')!.failure?.kind).toBe('connect_failed');
  });

  it('a Spanish run says why each step failed in Spanish', () => {
    const byId = new Map(steps('es').map((s) => [s.stepId, s]));
    expect(failureSummary(byId.get('lento')!, 'es')).toMatch(/^tiempo agotado: Tiempo agotado tras 1s: se envió SIGTERM al grupo de procesos del comando(, y SIGKILL a lo que quedaba del grupo)?\.$/);
    expect(failureSummary(byId.get('base')!, 'es')).toMatch(/^no se pudo conectar: .* rechazó la conexión: nadie escucha en ese puerto\. ¿Está sshd en marcha allí, y es el puerto correcto\?$/);
    const gates = (id: string) => runs.es.outcomes.get(id)!.gates.filter((g) => !g.passed).map((g) => `${gateText('es', g)}: ${gateDetailText('es', g)}`);
    expect(gates('captura')).toEqual(['capturar marca: ruta JSON $.watermark: no se capturó nada: se buscó ruta JSON $.watermark en la salida; la salida no es JSON (empieza por "sin json")']);
    expect(gates('comparar')[0]).toMatch(/^\$\{value:captura\.marca\} > 0: .*\$\{value:captura\.marca\} aún no tiene valor: el paso captura /);
    expect(gates('salud')[0]).toMatch(/^estado 2xx \(no se espera un estado concreto, así que se exige 2xx\): sin respuesta \(GET http:\/\/127\.0\.0\.1:9/);
    for (const id of byId.keys()) {
      expect(found(failureSummary(byId.get(id)!, 'es'), 'en')).toEqual([]);
      expect(found(gates(id).join('\n'), 'en')).toEqual([]);
    }
  });

  it('the formal decision and the incident report of the Spanish run hold no English sentence', () => {
    const vault = Vault.open(vaultPath, { passphrase: PASSPHRASE });
    try {
      const { decision } = decisionContext(vault, runs.es.runId);
      const text = formatDecision(decision);
      expect(text).toContain('tiempo agotado: Tiempo agotado tras 1s');
      expect(text).toContain('aún no tiene valor: el paso captura está FAIL.');
      expect(found(text, 'en')).toEqual([]);
      const md = incidentMarkdown(buildIncidentReport(vault, runs.es.runId));
      expect(found(md, 'en')).toEqual([]);
    } finally {
      vault.close();
    }
  });

  it('run status of the Spanish run words the block reason in Spanish', async () => {
    const r = await cutover(['run', 'status', '--vault', vaultPath, runs.es.runId], { env: { CUTOVER_ACTOR: 'op' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('\nEstado: BLOQUEADA en lento: tiempo agotado: Tiempo agotado tras 1s: se envió SIGTERM al grupo de procesos del comando');
    expect(found(r.stdout, 'en')).toEqual([]);
  });

  it('an English run shows each failure exactly as recorded', () => {
    const byId = new Map(steps('en').map((s) => [s.stepId, s]));
    for (const [id, o] of runs.en.outcomes) {
      if (o.failure) expect(failureSummary(byId.get(id)!, 'en').startsWith(`${o.failure.kind}: ${o.failure.message}`)).toBe(true);
      for (const g of o.gates) expect([gateText('en', g), gateDetailText('en', g)]).toEqual([g.gate, g.detail]);
    }
  });
});
