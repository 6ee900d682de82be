// A Spanish runbook (`language: es`, with `broadcast:` checkpoints) run end to end on a local
// target: its decision pack's PDF (read with pdftotext), VERIFY.txt and its incident report are
// in Spanish, with no English sentence of the catalogue left in them; the same runbook without
// `language:` gives English documents with no Spanish sentence of the catalogue. Broadcasts
// fire on the declared checkpoints, whatever the step titles say.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunEngine } from '../../src/core/engine';
import { buildPack } from '../../src/core/pack';
import { broadcasts, formatBroadcasts } from '../../src/core/reports/broadcasts';
import { decisionContext, formatDecision, recordDecisionHere } from '../../src/core/reports/decision';
import { buildIncidentReport, incidentMarkdown, renderIncidentPdf } from '../../src/core/reports/incident';
import type { Keyring } from '../../src/core/signing';
import { createExecutor } from '../../src/core/targets';
import { Vault } from '../../src/core/vault';
import { CATALOGUES, type MessageKey } from '../../src/shared/i18n';
import { addPeople } from '../helpers/people';
import { overlappingWords } from './runs';
import { cutover } from '../pack/fixture';
import { auditorShell, verifyBlocks } from '../pack/auditor-tools';
import { found, sentences } from './language-sentences';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

const runbook = (language: string, upgrade: string) => `
format: cutover-runbook/v1
id: corte-cartera
title: Corte de la base de cartera
version: "3"
${language}
targets:
  ws: { kind: local }
preconditions:
  - { id: pre-congelacion, kind: attest, title: Congelación de escrituras, statement: "Congelación de escrituras confirmada", broadcast: window, evidence: atestacion_congelacion.log }
  - { id: pre-respaldo, kind: record, title: Copia de la base, broadcast: backup, fields: [ { name: id_copia, label: ID de la copia, pattern: "^snap-" } ] }
phases:
  - id: P0
    at: T-30
    title: Verificación previa
    steps:
      - id: p0-cabezas
        kind: check
        title: Cabezas de alembic
        target: ws
        run: "printf '70a79686336c (head)\\\\n'"
        read_only: true
        expect: [ { exit_code: 0 }, { output_contains: "(head)" } ]
        evidence: cabezas_previas.log
  - id: P1
    title: Migración
    steps:
      - id: p1-migrar
        kind: command
        title: Migrar a la última revisión
        target: ws
        run: "${upgrade}"
        expect: [ { output_contains: listo } ]
        abort_on: [ { pattern: DuplicateTable, label: tabla duplicada } ]
        evidence: migracion.log
  - id: P2
    title: Comprobación final
    steps:
      - { id: p2-ciclo, kind: check, title: Ciclo de dinero, target: ws, run: "echo ok", read_only: true, broadcast: canary, evidence: ciclo.log }
      - { id: p2-revision, kind: check, title: Revisión actual, target: ws, run: "echo rev", read_only: true, evidence: revision.log }
rollback:
  triggers: [ "Fallo de la migración" ]
  steps:
    - { id: rb-restaurar, kind: record, title: Restauración desde la copia, fields: [ { name: id_restauracion, label: ID de la restauración } ] }
evidence_pack: [ atestacion_congelacion.log, cabezas_previas.log, migracion.log, ciclo.log, revision.log ]
decision: { template: governance, target: local / cartera }
`;
const PASSES = "echo 'Running upgrade 0019 -> 70a79686336c'; echo listo";
const FAILS = "echo 'Running upgrade 0019 -> 70a79686336c'; echo 'psycopg2.errors.DuplicateTable: relation x already exists'; exit 1";

interface Outputs { runId: string; packFolder: string; pdfBytes: Buffer; pdf: string; verify: string; incidentMd: string; incidentPdf: string; decision: string; broadcasts: ReturnType<typeof broadcasts>; broadcastsText: string }

const dir = mkdtempSync(join(tmpdir(), 'cutover-language-'));
let vault: Vault;
let keyring: Keyring;
const runs: Record<'esPass' | 'esBlocked' | 'enBlocked', Outputs> = {} as never;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `pdftotext -raw`: the text in the order it was written, so each sentence stays whole. */
function pdfText(bytes: Buffer): string {
  const path = join(dir, `t${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(path, bytes);
  const r = spawnSync('pdftotext', ['-raw', '-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout;
}

async function play(language: string, upgrade: string, name: string): Promise<Outputs> {
  const engine = (actor: string) => new RunEngine(vault, { actor, keyring, executors: createExecutor });
  const op = engine('op');
  const { runId } = await op.startRun({ text: runbook(language, upgrade), source: `${name}.yaml`, environment: 'rehearsal' });
  await op.attest(runId, 'pre-congelacion');
  await op.record(runId, 'pre-respaldo', { id_copia: 'snap-0a1b2c' });
  await op.executeStep(runId, 'p0-cabezas');
  await engine('ap1').approve(runId, 'ap1', keyring.signerFor(keyring.fingerprints()[1]!)!);
  await op.executeStep(runId, 'p1-migrar');
  if (upgrade === PASSES) {
    await op.executeStep(runId, 'p2-ciclo');
    await op.executeStep(runId, 'p2-revision');
    await recordDecisionHere(vault, runId, 'ap1', { authorization: 'Approved' }, keyring);
  } else {
    await op.decide(runId, 'rollback', 'tabla duplicada en la migración');
    await op.record(runId, 'rb-restaurar', { id_restauracion: 'pitr-42' });
  }
  const pack = await buildPack(vault, runId, { outDir: join(dir, name) });
  const { model, decision } = decisionContext(vault, runId);
  const report = buildIncidentReport(vault, runId);
  const list = broadcasts(model, decision);
  const pdfBytes = readFileSync(join(pack.folder, 'decision.pdf'));
  return {
    runId,
    packFolder: pack.folder,
    pdfBytes,
    pdf: pdfText(pdfBytes),
    verify: readFileSync(join(pack.folder, 'VERIFY.txt'), 'utf8'),
    incidentMd: incidentMarkdown(report),
    incidentPdf: pdfText(await renderIncidentPdf(report)),
    decision: formatDecision(decision),
    broadcasts: list,
    broadcastsText: formatBroadcasts(list, decision.language),
  };
}

beforeAll(async () => {
  vault = Vault.create(join(dir, 'ev.vault'), 'correct horse battery staple');
  ({ keyring } = await addPeople(vault, [['op', ['operator']], ['ap1', ['approver']]]));
  runs.esPass = await play('language: es', PASSES, 'es-pass');
  runs.esBlocked = await play('language: es', FAILS, 'es-blocked');
  runs.enBlocked = await play('', FAILS, 'en-blocked');
  // Everything below reads what was produced; the CLI opens the vault itself.
  vault.close();
}, 240_000);

const flat = (text: string) => text.replace(/\s+/g, ' ');

const es = (key: MessageKey) => CATALOGUES.es[key];

describe('a Spanish runbook run to its decision pack', () => {
  it('the catalogue check has something to find: hundreds of sentences of each language', () => {
    expect(sentences('en').length).toBeGreaterThan(300);
    expect(sentences('es').length).toBeGreaterThan(300);
    // And it finds them: the English run's PDF holds English sentences of the catalogue.
    expect(found(runs.enBlocked.pdf, 'en').length).toBeGreaterThan(40);
  });

  it('decision.pdf is in Spanish, with no English sentence of the catalogue', () => {
    for (const run of [runs.esPass, runs.esBlocked]) {
      expect(run.pdf).toContain('ACTA DE DECISIÓN DE GOBERNANZA');
      for (const heading of ['Evidencia exigida', 'Cronología (formato del escriba)', 'Compuertas de aborto por fase', 'Cómo se aprueba esta decisión', 'Personas y claves']) expect(run.pdf).toContain(heading);
      expect(run.pdf).toMatch(/página 1 de \d+/);
      expect(found(run.pdf, 'en')).toEqual([]);
      // Longer words, same layout: nothing drawn over anything else.
      expect(overlappingWords(run.pdfBytes)).toEqual([]);
      // Instants as Spanish writes them, always UTC; never the English form.
      expect(run.pdf).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} UTC/);
      expect(run.pdf).not.toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z/);
    }
    expect(flat(runs.esPass.pdf)).toContain('Autorización del cutover en producción: Aprobada por ap1');
    expect(flat(runs.esBlocked.pdf)).toContain('bloqueada en p1-migrar (coincidió la compuerta de aborto: abortar si /DuplicateTable/)');
    expect(flat(runs.esBlocked.pdf)).toContain('BLOQUEADO en p1-migrar (Migrar a la última revisión)');
  });

  it('the same runbook without language: gives English, with no Spanish sentence of the catalogue', () => {
    expect(runs.enBlocked.pdf).toContain('GOVERNANCE DECISION RECORD');
    expect(found(runs.enBlocked.pdf, 'es')).toEqual([]);
    expect(found(runs.enBlocked.incidentPdf, 'es')).toEqual([]);
    expect(found(runs.enBlocked.incidentMd, 'es')).toEqual([]);
    expect(found(runs.enBlocked.verify, 'es')).toEqual([]);
  });

  it('the incident report, Markdown and PDF, is in Spanish', () => {
    const r = runs.esBlocked;
    expect(r.incidentMd).toContain('# Informe posterior al incidente: Corte de la base de cartera');
    for (const heading of ['## Resumen', '## Clasificación', '## Paso que falló', '## Contención', '## Acciones de seguimiento']) expect(r.incidentMd).toContain(heading);
    expect(r.incidentPdf).toContain('INFORME POSTERIOR AL INCIDENTE');
    expect(found(r.incidentMd, 'en')).toEqual([]);
    expect(found(r.incidentPdf, 'en')).toEqual([]);
    // The declared backup is the containment's snapshot, though its title says "Copia".
    expect(r.incidentMd).toContain('Instantánea / respaldo registrado en pre-respaldo por op');
  });

  it('VERIFY.txt explains itself in Spanish; its sh blocks run with stock tools and say OK / FAILED in Spanish', async () => {
    const { verify } = runs.esPass;
    expect(verify.startsWith(`${es('verify.title')}\n`)).toBe(true);
    expect(verify).toContain('1. Los archivos son los que lista el manifiesto');
    expect(found(verify, 'en', 'verify.')).toEqual([]);
    const blocks = (text: string) => text.split('\n').filter((l) => l.startsWith('    ')).filter((l) => !/sha256 |#\d+|seq /.test(l));
    expect(blocks(verify).length).toBeGreaterThan(100);
    expect(blocks(runs.enBlocked.verify).filter((l) => l.includes('BEGIN STEP'))).toEqual(blocks(verify).filter((l) => l.includes('BEGIN STEP')));
    // Pasted into sh with only coreutils, unzip and ssh-keygen on PATH, steps 1 to 5 pass and speak Spanish after OK:.
    const sh = auditorShell(mkdtempSync(join(dir, 'auditor-')));
    const printed: string[] = [];
    for (const [name, block] of verifyBlocks(verify)) {
      if (name === 'STEP 6' || name === 'SIGNING') continue;
      const r = await sh.run(block, runs.esPass.packFolder);
      expect(r.code, `${name}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/== STEP \d \(\w[\w ]*\): OK ==\n$/);
      printed.push(r.stdout);
    }
    const out = printed.join('');
    expect(out).toContain('OK: cada archivo que lista SHA256SUMS tiene el sha256 que indica\n');
    expect(out).toMatch(/OK: chain\/events\.jsonl tiene \d+ líneas\n/);
    expect(out).toMatch(/OK: acts\/\S+: firmado por op \(SHA256:\S+\), sha256 en el evento #\d+ de la cadena\n/);
    expect(out).toContain('Aún no hay firmas en signatures/: nada que comprobar (A LA ESPERA DE FIRMAS)\n');
    expect(found(out, 'en')).toEqual([]);
    // Step 6 without a roster refuses in Spanish (exit 2); a changed file fails step 1 in Spanish.
    const quorum = await sh.run(verifyBlocks(verify).get('STEP 6')!, runs.esPass.packFolder);
    expect([quorum.code, quorum.stdout]).toEqual([2, 'FAILED: pon primero en ROSTER el archivo allowed_signers de tu organización (ROSTER=/ruta/a/allowed_signers) y pega de nuevo este bloque\n']);
    const changed = join(dir, 'es-pass-sh');
    cpSync(runs.esPass.packFolder, changed, { recursive: true });
    appendFileSync(join(changed, 'evidence', 'ciclo.log'), 'x\n');
    const files = await sh.run(verifyBlocks(verify).get('STEP 1')!, changed);
    expect(files.code).toBe(1);
    expect(files.stdout).toContain('FAILED: los archivos nombrados arriba no coinciden con SHA256SUMS (cambiados o ausentes)\n');
    expect(files.stdout.endsWith('== STEP 1 (files): FAILED ==\n')).toBe(true);
  });

  it('broadcasts fire on the declared checkpoints and speak Spanish', () => {
    const pass = runs.esPass.broadcasts;
    // The smoke checks are the read-only steps after the command that declare nothing else (p2-revision, after the canary).
    expect(pass.map((b) => b.kind)).toEqual(['cutover-start', 'backup', 'preflight', 'canary', 'deploy-smoke', 'decision']);
    expect(pass.find((b) => b.kind === 'deploy-smoke')!.steps).toEqual(['p1-migrar', 'p2-revision']);
    expect(pass.find((b) => b.kind === 'backup')!.text).toBe('Respaldo PASS. Instantánea/respaldo: id_copia=snap-0a1b2c. Ref.: pre-respaldo (pre-respaldo_record.json).');
    expect(pass[0]!.text).toContain('Ventana de mantenimiento activa.');
    expect(pass.find((b) => b.kind === 'canary')!.steps).toEqual(['p2-ciclo']);
    expect(found(runs.esPass.broadcastsText, 'en')).toEqual([]);
    expect(found(runs.esBlocked.broadcastsText, 'en')).toEqual([]);
    expect(runs.esBlocked.broadcasts.find((b) => b.kind === 'rollback')!.text).toMatch(/^Reversión en marcha\. Motivo: tabla duplicada en la migración \(bloqueada en p1-migrar: coincidió la compuerta de aborto: abortar si \/DuplicateTable\/\)/);
  });

  it('the formal decision as text is Spanish', () => {
    expect(runs.esBlocked.decision).toMatch(/^Decisión formal \(tras la ejecución\)\n/);
    expect(found(runs.esBlocked.decision, 'en')).toEqual([]);
    expect(found(runs.esPass.decision, 'en')).toEqual([]);
  });
});

describe('the CLI in the run\'s language', () => {
  const vaultPath = () => join(dir, 'ev.vault');

  it('run status of a Spanish run is Spanish, without --lang', async () => {
    const r = await cutover(['run', 'status', '--vault', vaultPath(), runs.esBlocked.runId]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Estado: EN REVERSIÓN en p1-migrar: coincidió la compuerta de aborto: abortar si /DuplicateTable/');
    expect(r.stdout).toContain('\nPrecondiciones\n');
    expect(r.stdout).toMatch(/pendiente +p2-ciclo +comprobación/);
  });

  it('--lang es words the broadcasts of a runbook that names no language', async () => {
    const r = await cutover(['--lang', 'es', 'run', 'broadcasts', '--vault', vaultPath(), runs.enBlocked.runId]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/UTC T[-+0-9:]*\] Reversión en marcha\. Motivo: tabla duplicada en la migración/);
    expect(found(r.stdout, 'en')).toEqual([]);
  });

  it('pack verify of a Spanish pack says its verdict in Spanish (exit 3: awaiting signatures)', async () => {
    const r = await cutover(['pack', 'verify', runs.esPass.packFolder]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^Paquete .*: A LA ESPERA DE FIRMAS: intacto, sin firmas rotas ni rechazos/);
    expect(r.stdout).toContain('  política: NO CUMPLIDA: necesita 1 aprobación(es)');
    expect(found(r.stdout, 'en', 'cli.')).toEqual([]);
  });

  it('pack verify of a changed Spanish pack names each problem in Spanish (exit 1)', async () => {
    const folder = join(dir, 'es-pass-changed');
    cpSync(runs.esPass.packFolder, folder, { recursive: true });
    appendFileSync(join(folder, 'evidence', 'migracion.log'), 'una línea añadida\n');
    const chain = readFileSync(join(folder, 'chain', 'events.jsonl'), 'utf8').split('\n');
    chain[2] = chain[2]!.replace('"actor":"', '"actor":"x');
    writeFileSync(join(folder, 'chain', 'events.jsonl'), chain.join('\n'));
    writeFileSync(join(folder, 'notas.txt'), 'hola\n');
    const r = await cutover(['pack', 'verify', folder]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^ {4}FAIL mismatch +evidence\/migracion\.log: el sha256 [0-9a-f]{64} no coincide con manifest\.json \([0-9a-f]{64}\); el tamaño 63 no coincide con manifest\.json \(43\); el sha256 [0-9a-f]{64} no coincide con SHA256SUMS \([0-9a-f]{64}\)$/m);
    expect(r.stdout).toMatch(/^ {4}FAIL mismatch +chain\/events\.jsonl: el sha256 /m);
    expect(r.stdout).toMatch(/^ {4}FAIL extra +notas\.txt: no está en manifest\.json: un archivo que no pertenece al paquete \(5 bytes; no se leyó\)$/m);
    expect(r.stdout).toContain('\n  cadena: chain/events.jsonl, 27 evento(s) hasta #27: ROTA\n');
    expect(found(r.stdout, 'en')).toEqual([]);
    // The same pack's --json keeps the checks' own words.
    const json = await cutover(['pack', 'verify', '--json', folder]);
    const messages = (JSON.parse(json.stdout) as { problems: { message: string }[] }).problems.map((p) => p.message);
    expect(messages.some((m) => /^chain\/events\.jsonl line 4: its prevHash [0-9a-f]{64} is not the sha256 of line 3 \([0-9a-f]{64}\): line 3 was changed/.test(m))).toBe(true);
  });

  it('run start, attest, record and step of a Spanish runbook print Spanish', async () => {
    const file = join(dir, 'corte.yaml');
    writeFileSync(file, runbook('language: es', PASSES));
    const started = await cutover(['run', 'start', '--vault', vaultPath(), '--runbook', file, '--env', 'rehearsal'], { env: { CUTOVER_ACTOR: 'op' } });
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain('— ensayo, operador op\nEstado: ACTIVA\n');
    const runId = /^Ejecución iniciada (\S+)/.exec(started.stdout)![1]!;
    const attested = await cutover(['run', 'attest', '--vault', vaultPath(), runId, 'pre-congelacion'], { env: { CUTOVER_ACTOR: 'op' } });
    expect([attested.code, attested.stdout], attested.stderr).toEqual([0, 'pre-congelacion: atestiguado por op\n']);
    const recorded = await cutover(['run', 'record', '--vault', vaultPath(), runId, 'pre-respaldo', '--value', 'id_copia=snap-1'], { env: { CUTOVER_ACTOR: 'op' } });
    expect([recorded.code, recorded.stdout], recorded.stderr).toEqual([0, 'pre-respaldo: registrado id_copia=snap-1\n']);
    for (const out of [started.stdout, attested.stdout, recorded.stdout]) expect(found(out, 'en')).toEqual([]);
    const step = await cutover(['run', 'step', '--vault', vaultPath(), runId, 'p0-cabezas'], { env: { CUTOVER_ACTOR: 'op' } });
    expect(step.code, step.stderr).toBe(0);
    expect(step.stdout).toContain('p0-cabezas: PASS (salida 0)\n  PASS  código de salida = 0: código de salida 0\n  PASS  la salida contiene "(head)": encontrado en: 70a79686336c (head)\n  transcripción cabezas_previas.log:');
  });

  it('--lang with a language it does not have is bad input: exit 2, saying which it has', async () => {
    const r = await cutover(['run', 'status', '--lang', 'fr', '--vault', vaultPath(), runs.esPass.runId]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('cutover: --lang is the language of the output: en or es, got "fr".\n');
    expect(r.stdout).toBe('');
  });
});
