// More CLI commands' own refusals and lines in the language asked for (--lang / CUTOVER_LANG, or
// the run's runbook `language:` where the command speaks about a run): run decision, report
// incident|decision, act export, pg preflight|fingerprint|diff and identity list's warning.
// Spanish holds no English catalogue sentence; English is word for word what the commands always
// printed; every refusal is exit 2 and, where a vault is involved, leaves its chain head where it
// was. The pg lines come from a real PostgreSQL database the test makes and drops.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, expectRefusal, openVaultFile, PASSPHRASE, runCli, unwrapDataKey, type CliResult } from '../helpers/cli';
import { PGURL, splitPassword } from '../helpers/pg';
import { useTempDir } from '../helpers/tmp';
import { useCheckDatabase } from '../checks/helpers';
import { found } from './language-sentences';

interface Case { args: string[]; es: string; en: string }

const ENV = { CUTOVER_ACTOR: 'ana' };

/** Each case refused in Spanish (--lang es, then CUTOVER_LANG=es) and in English, exit 2, the exact text both times. */
async function refusedInBoth(cases: Case[], env: Record<string, string> = ENV): Promise<void> {
  for (const c of cases) {
    for (const es of [await runCli([...c.args, '--lang', 'es'], { env }), await runCli(c.args, { env: { ...env, CUTOVER_LANG: 'es' } })]) {
      expectRefusal(es, 2, /^cutover: /);
      expect(es.stderr, describeRun(es)).toBe(`cutover: ${c.es}\n`);
      expect(found(es.stderr, 'en'), c.args.join(' ')).toEqual([]);
    }
    const en = await runCli(c.args, { env });
    expectRefusal(en, 2, /^cutover: /);
    expect(en.stderr, describeRun(en)).toBe(`cutover: ${c.en}\n`);
    expect(found(en.stderr, 'es'), c.args.join(' ')).toEqual([]);
  }
}

const RUNBOOK = (language: string) => `
format: cutover-runbook/v1
id: mas
title: Mas
version: "1"
${language}
targets: { ws: { kind: local } }
phases:
  - id: P1
    title: Uno
    steps:
      - { id: falla, kind: check, title: Falla, target: ws, run: "exit 3", read_only: true }
      - { id: hecho, kind: attest, title: Hecho, statement: Hecho }
      - { id: ticket, kind: record, title: Ticket, fields: [ { name: ticket, label: Ticket } ] }
`;

async function ok(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await runCli(args, { env: { ...ENV, ...env } });
  expect(r.code, describeRun(r)).toBe(0);
  return r;
}

/** A vault whose owner ana (operator, approver) started a run of RUNBOOK without a language and one with `language: es`. */
async function vaultWithRuns(dir: string): Promise<{ vault: string; plain: string; spanish: string; head: () => Promise<string> }> {
  const vault = join(dir, 'v.vault');
  writeFileSync(join(dir, 'none.yaml'), RUNBOOK(''));
  writeFileSync(join(dir, 'es.yaml'), RUNBOOK('language: es'));
  await ok(['vault', 'init', '--vault', vault]);
  await ok(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--role', 'approver', '--generate']);
  const start = async (file: string) => (JSON.parse((await ok(['run', 'start', '--vault', vault, '--runbook', join(dir, file), '--env', 'rehearsal', '--json'])).stdout) as { runId: string }).runId;
  const plain = await start('none.yaml');
  const spanish = await start('es.yaml');
  const head = async () => (await runCli(['vault', 'log', '--vault', vault, '--json'])).stdout;
  return { vault, plain, spanish, head };
}

describe('run decision and report incident|decision in the language asked for', () => {
  it('the refusals: Spanish, English as before, exit 2, the chain unmoved; the run\'s own runbook language wins', async () => {
    const dir = useTempDir('cutover-report-lang-');
    const { vault, plain, spanish, head } = await vaultWithRuns(dir);
    const before = await head();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const out = join(dir, 'incident');
    await refusedInBoth([
      { args: ['run', 'decision', plain, '--vault', vault, '--authorization', 'maybe'], es: '--authorization es Approved o Rejected (aprobada o rechazada); se recibió "maybe".', en: '--authorization is Approved or Rejected, got "maybe".' },
      { args: ['run', 'decision', plain, '--vault', vault, '--act', file], es: '--act y --signature van juntas.', en: '--act and --signature go together.' },
      { args: ['run', 'decision', plain, '--vault', vault, '--act', file, '--signature', file, '--root-cause', 'bug'], es: '--act registra lo que dice el acto firmado; no indique ninguna otra opción de decisión con ella.', en: '--act records what the signed act says; give no other decision options with it.' },
      { args: ['run', 'decision', plain, '--vault', vault, '--export', join(dir, 'act.json')], es: '--export escribe una decisión: indique lo que se decide (--authorization, --root-cause, …).', en: '--export writes a decision: give what is decided (--authorization, --root-cause, …).' },
      { args: ['report', 'incident', plain, '--vault', vault, '--out', file], es: `${file} es un archivo, no una carpeta.`, en: `${file} is a file, not a folder.` },
      { args: ['report', 'incident', plain, '--vault', vault, '--out', out], es: `La ejecución ${plain} no tiene ningún paso fallido, bloqueo ni decisión de reversión o detención: no hay ningún incidente del que informar (consulte \`cutover run decision\`).`, en: `Run ${plain} has no failed step, block or rollback/stop decision: there is no incident to report (see \`cutover run decision\`).` },
      { args: ['report', 'decision', plain, '--vault', vault, '--out', file], es: `${file} ya existe; elimínelo o añada --force.`, en: `${file} already exists; remove it or add --force.` },
    ]);
    // A run whose runbook says `language: es` is refused in Spanish with no --lang at all.
    const es = await runCli(['report', 'incident', spanish, '--vault', vault, '--out', out], { env: ENV });
    expectRefusal(es, 2, /^cutover: La ejecución \S+ no tiene ningún paso fallido/);
    expect(existsSync(join(dir, 'act.json'))).toBe(false);
    expect(existsSync(out)).toBe(false);
    expect(await head()).toBe(before);
  });

  it('what they print: the exported act, a recorded part, decision.pdf and the incident report, in Spanish and as before in English', async () => {
    const dir = useTempDir('cutover-report-lang-');
    const { vault, plain } = await vaultWithRuns(dir);
    const act = join(dir, 'act.json');
    const exported = await ok(['run', 'decision', plain, '--vault', vault, '--export', act, '--root-cause', 'bug', '--lang', 'es']);
    expect(exported.stdout).toBe(`Acto de decisión para ana escrito en ${act}. ana lo firma sin cambiarlo: ssh-keygen -Y sign -n cutover-act-v1 -f CLAVE ${act}\ndespués: cutover run decision --vault ${vault} ${plain} --act ${act} --signature ${act}.sig\n`);
    const exportedEn = await ok(['run', 'decision', plain, '--vault', vault, '--export', act, '--root-cause', 'bug']);
    expect(exportedEn.stdout).toBe(`Decision act for ana written to ${act}. ana signs it unchanged: ssh-keygen -Y sign -n cutover-act-v1 -f KEY ${act}\nthen: cutover run decision --vault ${vault} ${plain} --act ${act} --signature ${act}.sig\n`);

    const recorded = await ok(['run', 'decision', plain, '--vault', vault, '--root-cause', 'bug'], { CUTOVER_LANG: 'es' });
    expect(recorded.stdout).toMatch(/^Registrado por ana \(evento #\d+\)\.\n\n/);
    const recordedEn = await ok(['run', 'decision', plain, '--vault', vault, '--risk-tier', 'low']);
    expect(recordedEn.stdout).toMatch(/^Recorded by ana \(event #\d+\)\.\n\n/);

    const pdf = join(dir, 'd.pdf');
    const decision = await ok(['report', 'decision', plain, '--vault', vault, '--out', pdf, '--lang', 'es']);
    expect(decision.stdout).toMatch(new RegExp(`^decision\\.pdf de la ejecución ${plain} \\(NO-GO, estado BLOCKER\\) escrito en ${pdf.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(\\d+ bytes\\)\\.\\n$`));
    const decisionEn = await ok(['report', 'decision', plain, '--vault', vault, '--out', pdf, '--force']);
    expect(decisionEn.stdout).toMatch(new RegExp(`^decision\\.pdf for run ${plain} \\(NO-GO, status BLOCKER\\) written to \\S+d\\.pdf \\(\\d+ bytes\\)\\.\\n$`));

    // A failed check blocks the run: the incident report's line, the run's status in the language's words.
    const step = await runCli(['run', 'step', plain, 'falla', '--vault', vault], { env: ENV });
    expect(step.code, describeRun(step)).toBe(1);
    const out = join(dir, 'inc');
    const incident = await ok(['report', 'incident', plain, '--vault', vault, '--out', out, '--lang', 'es']);
    expect(incident.stdout).toBe(`Informe de incidente de la ejecución ${plain} (BLOQUEADA, NO-GO): falló en falla\n  ${join(out, `incident-${plain}.md`)}\n  ${join(out, `incident-${plain}.pdf`)}\n`);
    const incidentEn = await ok(['report', 'incident', plain, '--vault', vault, '--out', out, '--force']);
    expect(incidentEn.stdout).toBe(`Incident report for run ${plain} (BLOCKED, NO-GO): failed at falla\n  ${join(out, `incident-${plain}.md`)}\n  ${join(out, `incident-${plain}.pdf`)}\n`);
    for (const r of [exported, recorded, decision, incident]) expect(found(r.stdout.split('\n\n')[0]!, 'en')).toEqual([]);
    for (const r of [exportedEn, recordedEn, decisionEn, incidentEn]) expect(found(r.stdout.split('\n\n')[0]!, 'es')).toEqual([]);
  });
});

describe('act export refused in the run\'s language', () => {
  it('each refusal: Spanish, English as before, exit 2, no act written, the chain unmoved; a Spanish runbook refuses in Spanish unasked', async () => {
    const dir = useTempDir('cutover-act-lang-');
    const { vault, plain, spanish, head } = await vaultWithRuns(dir);
    const before = await head();
    const out = join(dir, 'act.json');
    const exp = (run: string, ...rest: string[]) => ['act', 'export', run, ...rest, '--vault', vault, '--as', 'ana', '--out', out];
    await refusedInBoth([
      { args: exp(plain, 'ticket', '--value', 'novalue'), es: '--value recibe NOMBRE=VALOR; se recibió "novalue".', en: '--value takes NAME=VALUE, got "novalue".' },
      { args: exp(plain, 'falla'), es: 'El paso falla es de tipo comprobación: las comprobaciones, los comandos y los monitores los ejecuta su operador en esta estación de trabajo; no se firman en otro lugar.', en: 'Step falla is a check step: a check, command or monitor is executed at this workstation by its operator, not signed elsewhere.' },
      { args: exp(plain, 'nope'), es: 'El runbook no tiene ningún paso "nope".', en: 'The runbook has no step "nope".' },
      { args: exp(plain), es: 'Indique el PASO, o dé --decision para una decisión sobre la ejecución.', en: 'Name the STEP, or give --decision for a decision on the run.' },
      { args: exp(plain, 'hecho', '--decision', 'nah'), es: '--decision es retry, rollback o stop (reintentar, revertir o detener).', en: '--decision is retry, rollback or stop.' },
      { args: exp(plain, 'hecho', '--decision', 'stop'), es: 'Una decisión necesita --reason (queda en la evidencia).', en: 'A decision needs --reason (it goes into the evidence).' },
      { args: exp(plain, 'hecho', '--skip'), es: 'Para omitir un paso hace falta --reason.', en: 'Skipping a step needs --reason.' },
      { args: exp(plain, 'hecho', '--accept-deviation', 'xyz'), es: '--accept-deviation recibe el sha256 del diff en el que está bloqueada la ejecución (64 dígitos hexadecimales; `cutover run compare` lo muestra).', en: '--accept-deviation takes the sha256 of the diff the run is blocked on (64 hex digits; `cutover run compare` shows it).' },
    ]);
    const es = await runCli(exp(spanish, 'nope'), { env: ENV });
    expectRefusal(es, 2, /^cutover: El runbook no tiene ningún paso "nope"\.\n$/);
    expect(existsSync(out)).toBe(false);
    expect(await head()).toBe(before);
  });
});

describe('identity list\'s warning in the language asked for', () => {
  it('an identities row that differs from the chain: "aviso:" in Spanish, "warning:" as before', async () => {
    const dir = useTempDir('cutover-identity-lang-');
    const vault = join(dir, 'v.vault');
    await ok(['vault', 'init', '--vault', vault]);
    await ok(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate']);
    const db = openVaultFile(vault, unwrapDataKey(vault, PASSPHRASE).dataKey);
    try {
      expect(db.prepare('UPDATE identities SET roles = ? WHERE name = ?').run('["operator","approver"]', 'ana').changes).toBe(1);
    } finally {
      db.close();
    }
    for (const es of [await ok(['identity', 'list', '--vault', vault, '--lang', 'es']), await ok(['identity', 'list', '--vault', vault], { CUTOVER_LANG: 'es' })]) {
      expect(es.stderr).toMatch(/^cutover: aviso: En la tabla de identidades, el conjunto de roles de ana es operator,approver, pero la cadena \(evento \d+\) tiene operator\.\n$/);
      expect(found(es.stderr, 'en')).toEqual([]);
    }
    const en = await ok(['identity', 'list', '--vault', vault]);
    expect(en.stderr).toMatch(/^cutover: warning: ana's roles in the identities table is operator,approver, but the chain \(event \d+\) holds operator\.\n$/);
  });
});

describe('pg preflight|fingerprint|diff in the language asked for', () => {
  const password = splitPassword(PGURL).password;
  const pgEnv: Record<string, string> = password !== undefined ? { PGPASSWORD: password } : {};
  const DSN = 'postgresql://postgres@127.0.0.1/x';

  it('the refusals before any database is read: Spanish, English as before, exit 2, the vault\'s chain unmoved', async () => {
    const dir = useTempDir('cutover-pg-lang-');
    const vault = join(dir, 'v.vault');
    await ok(['vault', 'init', '--vault', vault]);
    const head = async () => (await runCli(['vault', 'log', '--vault', vault, '--json'])).stdout;
    const before = await head();
    await refusedInBoth([
      { args: ['pg', 'preflight', '--db', DSN, '--long-query', 'soon'], es: '--long-query recibe una duración como 30s, 5m o 2h; se recibió "soon".', en: '--long-query takes a duration like 30s, 5m or 2h, got "soon".' },
      { args: ['pg', 'fingerprint', '--db', DSN, '--connections', '0'], es: '--connections recibe un número del 1 al 16; se recibió "0".', en: '--connections takes a number from 1 to 16, got "0".' },
      { args: ['pg', 'fingerprint', '--db', DSN, '--vault', vault], es: '--vault y --label van juntas: la etiqueta es el nombre con el que se guarda la huella.', en: '--vault and --label go together: the label is the name the fingerprint is stored under.' },
      { args: ['pg', 'fingerprint', '--db', DSN, '--run', 'r1'], es: '--run va con --vault y --label: la huella se guarda en la bóveda como evidencia de esa ejecución.', en: '--run goes with --vault and --label: the fingerprint is stored in the vault as evidence of that run.' },
      { args: ['pg', 'diff', 'vault:rehearsal', join(dir, 'b.json')], es: 'vault:rehearsal designa una huella guardada en una bóveda: indique la bóveda con --vault <ruta>.', en: 'vault:rehearsal names a fingerprint in a vault: give the vault with --vault <path>.' },
    ]);
    expect(await head()).toBe(before);
  });

  it('a real database: the fingerprint, the diff (identical, drift, one kept in the vault) and the preflight\'s frame in Spanish; English as before; --json the same in both', async () => {
    const db = await useCheckDatabase();
    await db.query('CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE child (id int, parent_id int REFERENCES parent(id))');
    const dir = useTempDir('cutover-pg-lang-');
    const vault = join(dir, 'v.vault');
    await ok(['vault', 'init', '--vault', vault]);
    const a = join(dir, 'a.json');
    const es = await ok(['pg', 'fingerprint', '--db', db.bare, '--out', a, '--schema', 'public', '--schema', 'nope', '--lang', 'es'], pgEnv);
    expect(es.stdout).toMatch(new RegExp(`^Huella de \\S+/${db.name} \\(PostgreSQL .+\\): sha256 [0-9a-f]{64}\\n {2}esquemas: public\\n {2}tablas: 2, columnas: 3, restricciones: \\d+, claves foráneas: 1, índices: \\d+, disparadores: 0, vistas: 0, secuencias: 0, enums: 0, dominios: 0, tipos compuestos: 0, extensiones: 0\\n {2}leída en \\d+,\\d+ s\\n {2}escrita en ${a.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\n$`));
    expect(es.stderr).toMatch(new RegExp(`^cutover: aviso: el esquema "nope" no existe en \\S+/${db.name}; la huella lo registra como ausente\\.\\n$`));
    expect(found(es.stdout + es.stderr, 'en')).toEqual([]);
    const en = await ok(['pg', 'fingerprint', '--db', db.bare, '--out', join(dir, 'a-en.json'), '--schema', 'public', '--schema', 'nope'], pgEnv);
    expect(en.stdout).toMatch(new RegExp(`^Fingerprint of \\S+/${db.name} \\(PostgreSQL .+\\): sha256 [0-9a-f]{64}\\n {2}schemas: public\\n {2}2 tables, 3 columns, \\d+ constraints, 1 foreign keys, \\d+ indexes, 0 triggers, 0 views, 0 sequences, 0 enums, 0 domains, 0 composite types, 0 extensions\\n {2}read in \\d+\\.\\d+s\\n {2}written to \\S+a-en\\.json\\n$`));
    expect(en.stderr).toMatch(new RegExp(`^cutover: warning: schema "nope" does not exist in \\S+/${db.name}; it is fingerprinted as absent\\.\\n$`));
    expect(found(en.stdout + en.stderr, 'es')).toEqual([]);

    // An --out that cannot be written: refused after the read, exit 2, in both languages.
    const nowhere = join(dir, 'no', 'such', 'f.json');
    const cannot = await runCli(['pg', 'fingerprint', '--db', db.bare, '--out', nowhere, '--lang', 'es'], { env: pgEnv });
    expect([cannot.code, cannot.stderr], describeRun(cannot)).toEqual([2, `cutover: No se puede escribir ${nowhere} (ENOENT).\n`]);
    const cannotEn = await runCli(['pg', 'fingerprint', '--db', db.bare, '--out', nowhere], { env: pgEnv });
    expect([cannotEn.code, cannotEn.stderr], describeRun(cannotEn)).toEqual([2, `cutover: Cannot write ${nowhere} (ENOENT).\n`]);

    // Stored in the vault: the line that says so, then a diff naming it with its event and time in the language's notation.
    const stored = await ok(['pg', 'fingerprint', '--db', db.bare, '--vault', vault, '--label', 'rehearsal', '--lang', 'es'], pgEnv);
    expect(stored.stdout).toMatch(new RegExp(`\\n {2}guardada en \\S+v\\.vault como "rehearsal" \\(artefacto rehearsal\\.fingerprint\\.json, evento #\\d+\\)\\n$`));
    const same = await runCli(['pg', 'diff', 'vault:rehearsal', a, '--vault', vault, '--lang', 'es'], { env: pgEnv });
    expect(same.code, describeRun(same)).toBe(0);
    expect(same.stdout).toMatch(/^Idénticas: la misma huella de esquema\.\n {2}A: vault:rehearsal \(\S+, evento #\d+ del \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} UTC\) {2}sha256 [0-9a-f]{64}\n {2}B: \S+a\.json {2}sha256 [0-9a-f]{64}\n$/);
    const sameEn = await runCli(['pg', 'diff', 'vault:rehearsal', a, '--vault', vault], { env: pgEnv });
    expect(sameEn.stdout).toMatch(/^Identical: same schema fingerprint\.\n {2}A: vault:rehearsal \(\S+, event #\d+ at \d{4}-\d{2}-\d{2}T\S+\) {2}sha256 [0-9a-f]{64}\n/);
    const [jsonEs, jsonEn] = [await runCli(['pg', 'diff', 'vault:rehearsal', a, '--vault', vault, '--json', '--lang', 'es']), await runCli(['pg', 'diff', 'vault:rehearsal', a, '--vault', vault, '--json'])];
    expect(jsonEs.stdout, describeRun(jsonEs)).toBe(jsonEn.stdout);
    expect((JSON.parse(jsonEn.stdout) as { a: string }).a).toMatch(/^vault:rehearsal \(\S+, event #\d+ at \d{4}-/);

    // Drift: a column added.
    await db.query('ALTER TABLE child ADD COLUMN note text');
    const b = join(dir, 'b.json');
    await ok(['pg', 'fingerprint', '--db', db.bare, '--out', b], pgEnv);
    const drift = await runCli(['pg', 'diff', a, b], { env: { ...pgEnv, CUTOVER_LANG: 'es' } });
    expect(drift.code, describeRun(drift)).toBe(1);
    expect(drift.stdout).toMatch(/^DERIVA: 1 diferencia\(s\)\.\n[^]*\n {2}\(missing: en A y no en B; extra: en B y no en A\)\n {2}extra {2}column {2}/);
    const driftEn = await runCli(['pg', 'diff', a, b], { env: pgEnv });
    expect(driftEn.stdout).toMatch(/^DRIFT: 1 difference\(s\)\.\n[^]*\n {2}\(missing: in A, not in B; extra: in B, not in A\)\n {2}extra {2}column {2}/);
    const frame = (text: string) => text.split('\n').filter((line) => !/^ {2}extra /.test(line)).join('\n');
    expect(found(frame(same.stdout + drift.stdout), 'en')).toEqual([]);
    expect(found(frame(sameEn.stdout + driftEn.stdout), 'es')).toEqual([]);

    // The preflight's frame (its checks' summaries are the core's).
    const pre = await runCli(['pg', 'preflight', '--db', db.bare, '--lang', 'es'], { env: pgEnv });
    expect([0, 1]).toContain(pre.code);
    const first = pre.stdout.split('\n')[0]!;
    expect(first, describeRun(pre)).toMatch(new RegExp(`^Verificación previa de \\S+/${db.name}: (PASS|WARN|FAIL) \\(\\d+ \\w+(, \\d+ \\w+)*\\) en \\d+,\\d+ s$`));
    expect(found(first, 'en')).toEqual([]);
    const preEn = await runCli(['pg', 'preflight', '--db', db.bare], { env: pgEnv });
    expect(preEn.stdout.split('\n')[0]!, describeRun(preEn)).toMatch(new RegExp(`^Preflight of \\S+/${db.name}: (PASS|WARN|FAIL) \\(\\d+ \\w+(, \\d+ \\w+)*\\) in \\d+\\.\\d+s$`));
  });
});
