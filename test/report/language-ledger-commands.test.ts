// The ledger commands' own refusals and lines in the language asked for (--lang / CUTOVER_LANG):
// option clashes refused before any database (exit 2, the vault's chain unmoved), and init, join,
// publish, verify, watch, sent and offer against a ledger on the real PostgreSQL. Spanish holds no
// English catalogue sentence; English is word for word what the commands always printed; --json
// is never translated.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, expectRefusal, runCli, type CliResult } from '../helpers/cli';
import { useTestDatabase } from '../helpers/pg';
import { useTempDir } from '../helpers/tmp';
import { asSuperuserBypassingTriggers, vaultWithRun } from '../ledger/fixture';
import { found } from './language-sentences';

interface Case { args: string[]; es: string; en: string }

/** `text` as a regular expression matching it literally. */
const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const ES = { CUTOVER_ACTOR: 'op', CUTOVER_LANG: 'es' };
const EN = { CUTOVER_ACTOR: 'op' };

/** Each case refused in Spanish (--lang es, then CUTOVER_LANG=es) and in English, exit 2, the exact text each time. */
async function refusedInBoth(cases: Case[]): Promise<void> {
  for (const c of cases) {
    for (const es of [await runCli([...c.args, '--lang', 'es'], { env: EN }), await runCli(c.args, { env: ES })]) {
      expectRefusal(es, 2, /^cutover: /);
      expect(es.stderr, describeRun(es)).toBe(`cutover: ${c.es}\n`);
      expect(found(es.stderr, 'en'), c.args.join(' ')).toEqual([]);
    }
    const en = await runCli(c.args, { env: EN });
    expectRefusal(en, 2, /^cutover: /);
    expect(en.stderr, describeRun(en)).toBe(`cutover: ${c.en}\n`);
    expect(found(en.stderr, 'es'), c.args.join(' ')).toEqual([]);
  }
}

async function ok(args: string[], env: Record<string, string> = EN): Promise<CliResult> {
  const r = await runCli(args, { env });
  expect(r.code, describeRun(r)).toBe(0);
  return r;
}

describe('the ledger commands refuse in the language asked for', () => {
  it('option clashes and bad values: Spanish, English as before, exit 2, before any database; the chain head unmoved', async () => {
    const dir = useTempDir('cutover-ledger-lang-');
    const vault = join(dir, 'v.vault');
    expect((await runCli(['vault', 'init', '--vault', vault])).code).toBe(0);
    const head = async () => (await runCli(['vault', 'log', '--vault', vault, '--json'])).stdout;
    const before = await head();
    const nowhere = 'postgresql://nobody@127.0.0.1:1/none';
    const decide = ['ledger', 'decide', 'r1', '--vault', vault];
    const record = ['ledger', 'record', 'r1', 'snap', '--vault', vault, '--runbook', join(dir, 'none.yaml')];
    await refusedInBoth([
      { args: ['ledger', 'publish', '--vault', vault, '--receive'], es: '--receive va con --follow (una sola vez: `cutover ledger receive`).', en: '--receive goes with --follow (once: `cutover ledger receive`).' },
      { args: ['ledger', 'publish', '--vault', vault, '--batch', '0'], es: '--batch recibe un número del 1 al 1000; se recibió "0".', en: '--batch takes a number from 1 to 1000, got "0".' },
      { args: ['ledger', 'publish', '--vault', vault, '--poll', '10'], es: '--poll recibe milisegundos, de 50 a 600000; se recibió "10".', en: '--poll takes milliseconds from 50 to 600000, got "10".' },
      { args: ['ledger', 'watch', '--db', nowhere, '--poll', 'soon'], es: '--poll recibe milisegundos, de 50 a 600000; se recibió "soon".', en: '--poll takes milliseconds from 50 to 600000, got "soon".' },
      { args: ['ledger', 'transcript', '--db', nowhere, 'ops-1', 'a1', '--poll', '1'], es: '--poll recibe milisegundos, de 50 a 600000; se recibió "1".', en: '--poll takes milliseconds from 50 to 600000, got "1".' },
      { args: decide, es: 'Diga qué se decide: --authorization Approved|Rejected (el GO / NO-GO), --root-cause, --risk-tier, --drift; o --decision rollback|stop|retry con --reason.', en: 'Say what is decided: --authorization Approved|Rejected (the GO / NO-GO), --root-cause, --risk-tier, --drift; or --decision rollback|stop|retry with --reason.' },
      { args: [...decide, '--decision', 'stop', '--drift', 'none'], es: '--decision (rollback, stop, retry) es un acto y la decisión formal (--authorization, --root-cause, …) es otro: indique solo uno de los dos.', en: '--decision (rollback, stop, retry) is one act and the formal decision (--authorization, --root-cause, …) another: give one of them.' },
      { args: [...decide, '--decision', 'jump'], es: '--decision es rollback, stop o retry.', en: '--decision is rollback, stop or retry.' },
      { args: [...decide, '--decision', 'stop'], es: '--decision necesita --reason (queda en la evidencia).', en: '--decision needs --reason (it goes into the evidence).' },
      { args: [...decide, '--drift', 'none', '--reason', 'x'], es: '--reason y --step van con --decision.', en: '--reason and --step go with --decision.' },
      { args: [...decide, '--authorization', 'maybe'], es: '--authorization es Approved o Rejected; se recibió "maybe".', en: '--authorization is Approved or Rejected, got "maybe".' },
      { args: [...record, '--value', 'snap'], es: '--value recibe NOMBRE=VALOR; se recibió "snap".', en: '--value takes NAME=VALUE, got "snap".' },
      { args: [...record, '--value', 'id=1', '--value', 'id=2'], es: '--value id aparece dos veces; indique cada campo una sola vez.', en: '--value id is given twice; give each field once.' },
      { args: ['ledger', 'skip', 'r1', 'look', '--vault', vault, '--runbook', join(dir, 'none.yaml'), '--reason', ' '], es: '--reason está vacío; diga por qué se omite el paso (queda en la evidencia).', en: '--reason is empty; say why the step is skipped (it goes into the evidence).' },
    ]);
    expect(await head()).toBe(before);
  });
});

describe('the ledger commands\' lines in the language asked for, against a real PostgreSQL ledger', () => {
  it('init, join, publish, verify (holding and not), watch (--transcripts too), transcript, sent, offer, approve --dry-run, receive, checkpoint: Spanish under --lang es and CUTOVER_LANG=es, English as before, --json as before', async () => {
    const db = await useTestDatabase();
    const role = 'cutover_ledger_writer';
    const spanish: CliResult[] = [];

    const created = await ok(['ledger', 'init', '--db', db.dsn, '--lang', 'es']);
    expect(created.stdout).toMatch(new RegExp(`^Se creó el libro mayor del equipo [0-9a-f-]{36} en \\S+\\.\\nRol para las estaciones de trabajo: ${role} \\(solo INSERT y SELECT; inicia sesión sin contraseña hasta que usted le asigne una\\):\\n`));
    expect(created.stdout).toContain(`  psql "${db.dsn}" -c "ALTER ROLE ${role} PASSWORD '…'"   (o \\password ${role} en psql)\nDespués, las estaciones de trabajo usan postgresql://${role}@HOST:PUERTO/BD con PGPASSWORD o ~/.pgpass.\n`);
    spanish.push(created);
    const again = await ok(['ledger', 'init', '--db', db.dsn]);
    const ledgerId = /the team ledger ([0-9a-f-]{36}) on (\S+)\.\n/.exec(again.stdout);
    expect(ledgerId, describeRun(again)).not.toBeNull();
    const [, id, label] = ledgerId!;
    expect(again.stdout).toBe([
      `Already there: the team ledger ${id} on ${label}.`,
      `Role for workstations: ${role} (INSERT and SELECT only; it logs in without a password until you give it one):`,
      `  psql "${db.dsn}" -c "ALTER ROLE ${role} PASSWORD '…'"   (or \\password ${role} in psql)`,
      `Workstations then use postgresql://${role}@HOST:PORT/DB with PGPASSWORD or ~/.pgpass.`,
      '',
    ].join('\n'));
    const againEs = await ok(['ledger', 'init', '--db', db.dsn], ES);
    expect(againEs.stdout).toMatch(new RegExp(`^Ya existía: el libro mayor del equipo ${id} en ${esc(label!)}\\.\\n`));
    spanish.push(againEs);

    // A vault with a run joins (its hook publishes at once) and publishes.
    const v = await vaultWithRun();
    const joined = await ok(['ledger', 'join', '--vault', v.path, '--db', db.dsn, '--name', 'ops-1'], ES);
    expect(joined.stdout).toMatch(new RegExp(`^Esta bóveda se unió al libro mayor ${id} como ops-1 \\(firmado por op, SHA256:\\S+\\)\\.\\nPublique con \`cutover ledger publish --vault ${esc(v.path)}\`\\.\\n$`));
    spanish.push(joined);
    const rejoined = await ok(['ledger', 'join', '--vault', v.path, '--db', db.dsn, '--name', 'ops-1']);
    expect(rejoined.stdout).toMatch(new RegExp(`^Already joined ledger ${id} as ops-1 \\(signed by op, SHA256:\\S+\\)\\.\\nPublish with \`cutover ledger publish --vault .+\`\\.\\n$`));
    v.addNotes(3);
    const published = await ok(['ledger', 'publish', '--vault', v.path, '--lang', 'es']);
    const headMatch = /^Se publicaron 3 eventos de ops-1; el libro mayor contiene su cadena hasta #(\d+)\.\nTranscripciones: \d+ fragmento\(s\) y \d+ byte\(s\) publicados; \d+ compartida\(s\), 0 retenida\(s\) en la estación \(share_transcripts: false\)\.\n$/.exec(published.stdout);
    expect(headMatch, describeRun(published)).not.toBeNull();
    const head = Number(headMatch![1]);
    spanish.push(published);
    v.addNotes(1);
    const one = await ok(['ledger', 'publish', '--vault', v.path], ES);
    expect(one.stdout).toMatch(new RegExp(`^Se publicó 1 evento de ops-1; el libro mayor contiene su cadena hasta #${head + 1}\\.\\n`));
    spanish.push(one);
    v.addNotes(2);
    const publishedEn = await ok(['ledger', 'publish', '--vault', v.path]);
    expect(publishedEn.stdout).toMatch(new RegExp(`^Published 2 event\\(s\\) of ops-1; the ledger holds its chain up to #${head + 3}\\.\\nTranscripts: \\d+ chunk\\(s\\), \\d+ byte\\(s\\) published; \\d+ shared, 0 kept home \\(share_transcripts: false\\)\\.\\n$`));
    const json = await ok(['ledger', 'publish', '--vault', v.path, '--json', '--lang', 'es']);
    expect(JSON.parse(json.stdout)).toMatchObject({ published: 0, workstation: 'ops-1', head: head + 3 });

    // verify: the whole report in Spanish, English as before.
    const verified = await ok(['ledger', 'verify', '--db', db.dsn, '--lang', 'es']);
    expect(verified.stdout).toMatch(new RegExp(`^OK: libro mayor ${id} en \\S+: 1 cadena íntegra\\.\\n {2}ok {5}ops-1 {2}SHA256:\\S+ {2}${head + 3} eventos comprobados, cabeza #${head + 3}\\n$`));
    spanish.push(verified);
    const verifiedEn = await ok(['ledger', 'verify', '--db', db.dsn]);
    expect(verifiedEn.stdout).toMatch(new RegExp(`^OK: ledger ${id} on \\S+: 1 chain\\(s\\) hold\\.\\n {2}ok {3}ops-1 {2}SHA256:\\S+ {2}${head + 3} event\\(s\\) checked, head #${head + 3}\\n$`));

    // watch --once: the run's timeline in the War room's Spanish words; --json's text stays English.
    const heads = join(v.dir, 'heads');
    const watched = await ok(['ledger', 'watch', '--db', db.dsn, '--once', '--heads', join(heads, 'es.json'), v.runId], ES);
    const lines = watched.stdout.trim().split('\n');
    expect(lines.length).toBe(5);
    expect(lines.every((l) => /^\d\d:\d\d:\d\d {2}ops-1 #\d+ {2}\S/.test(l))).toBe(true);
    expect(watched.stdout).toContain('(ensayo)');
    spanish.push(watched);
    const watchedEn = await ok(['ledger', 'watch', '--db', db.dsn, '--once', '--heads', join(heads, 'en.json'), v.runId]);
    expect(watchedEn.stdout).toMatch(/^\d\d:\d\d:\d\d {2}ops-1 #\d+ {2}run started by op \(rehearsal\), runbook ledger-test v1\n/);
    const frame = (l: string) => /^\S+ {2}\S+ #\d+/.exec(l)?.[0];
    expect(watchedEn.stdout.trim().split('\n').map(frame)).toEqual(lines.map(frame));
    const watchedJson = await ok(['ledger', 'watch', '--db', db.dsn, '--once', '--heads', join(heads, 'json.json'), '--transcripts', '--json', '--lang', 'es', v.runId]);
    const jsonLines = watchedJson.stdout.trim().split('\n').map((l) => JSON.parse(l) as { text?: string; transcript?: string; transcriptState?: { text: string } });
    expect(jsonLines[0]!.text).toBe('run started by op (rehearsal), runbook ledger-test v1');
    expect(jsonLines.find((l) => l.transcriptState)!.transcriptState!.text).toMatch(/^transcript complete: \d+ bytes, sha256 [0-9a-f]{12}… as event #\d+ \([\w.]+\) records, every chunk checked$/);
    const artifactId = jsonLines.find((l) => typeof l.transcript === 'string')!.transcript!;

    // The step's transcript under it (watch --transcripts), and `ledger transcript`'s last line.
    const withText = await ok(['ledger', 'watch', '--db', db.dsn, '--once', '--heads', join(heads, 'text-es.json'), '--transcripts', v.runId], ES);
    expect(withText.stdout).toMatch(/\n {4}look \| looking\n {4}look \| — transcripción completa: \d+ bytes, sha256 [0-9a-f]{12}…, como registra el evento #\d+ \([\w.]+\); se comprobaron todos los fragmentos\n/);
    spanish.push(withText);
    const withTextEn = await ok(['ledger', 'watch', '--db', db.dsn, '--once', '--heads', join(heads, 'text-en.json'), '--transcripts', v.runId]);
    expect(withTextEn.stdout).toMatch(/\n {4}look \| looking\n {4}look \| — transcript complete: \d+ bytes, sha256 [0-9a-f]{12}… as event #\d+ \([\w.]+\) records, every chunk checked\n/);
    const transcript = await ok(['ledger', 'transcript', '--db', db.dsn, 'ops-1', artifactId, '--lang', 'es']);
    expect([transcript.stdout, transcript.stderr]).toEqual(['looking\n', expect.stringMatching(new RegExp(`^cutover: transcripción ${artifactId} de ops-1: completa: 8 bytes, sha256 [0-9a-f]{12}…, como registra el evento #\\d+ \\([\\w.]+\\)\\.\\n$`))]);
    spanish.push(transcript);
    const transcriptEn = await ok(['ledger', 'transcript', '--db', db.dsn, 'ops-1', artifactId]);
    expect([transcriptEn.stdout, transcriptEn.stderr]).toEqual(['looking\n', expect.stringMatching(new RegExp(`^cutover: ops-1 transcript ${artifactId}: complete: 8 bytes, sha256 [0-9a-f]{12}… as event #\\d+ \\([\\w.]+\\) records\\.\\n$`))]);

    // sent: nothing sent yet; offer: the run's plan (the runbook names no language: --lang's).
    const sent = await ok(['ledger', 'sent', '--vault', v.path, '--lang', 'es']);
    expect(sent.stdout).toBe('Esta bóveda no ha enviado nada a través del libro mayor.\n');
    spanish.push(sent);
    expect((await ok(['ledger', 'sent', '--vault', v.path])).stdout).toBe('This vault has sent nothing through the ledger.\n');
    const offered = await ok(['ledger', 'offer', '--vault', v.path, v.runId], ES);
    expect(offered.stdout).toMatch(new RegExp(`^Se ofreció el plan de la ejecución ${v.runId} \\(\\d+ paso\\(s\\) que se ejecutan, sha256 [0-9a-f]{64}\\) como evento #\\d+\\.\\nLos aprobadores lo firman en sus propias estaciones de trabajo: cutover ledger approve --vault SU_BOVEDA ${v.runId}\\n$`));
    spanish.push(offered);
    const offeredEn = await ok(['ledger', 'offer', '--vault', v.path, v.runId]);
    expect(offeredEn.stdout).toMatch(new RegExp(`^Already offered the plan of run ${v.runId} \\(\\d+ step\\(s\\) that execute, sha256 [0-9a-f]{64}\\) as event #\\d+\\.\\nApprovers sign it on their own workstations: cutover ledger approve --vault THEIR_VAULT ${v.runId}\\n$`));

    // Another workstation looks at the offered plan (--dry-run signs nothing); the operator receives (nothing yet) and records a checkpoint.
    const v2 = await vaultWithRun();
    await ok(['ledger', 'join', '--vault', v2.path, '--db', db.dsn, '--name', 'ops-2']);
    const looked = await ok(['ledger', 'approve', '--vault', v2.path, '--dry-run', v.runId, '--lang', 'es']);
    expect(looked.stdout).toMatch(new RegExp(`^Plan de la ejecución ${v.runId}: runbook ledger-test v1 \\(sha256 [0-9a-f]{12}…\\), ensayo, operador op, quórum 1\\n {2}look {2}check {2}en ws \\(local\\): echo looking\\n`));
    expect(looked.stdout).toMatch(/\nNo se firmó \(--dry-run\)\. Plan sha256 [0-9a-f]{64}, ofrecido por ops-1\.\n$/);
    spanish.push(looked);
    const lookedEn = await ok(['ledger', 'approve', '--vault', v2.path, '--dry-run', v.runId]);
    expect(lookedEn.stdout).toMatch(new RegExp(`^Plan of run ${v.runId}: runbook ledger-test v1 \\(sha256 [0-9a-f]{12}…\\), rehearsal, operator op, quorum 1\\n {2}look {2}check {2}on ws \\(local\\): echo looking\\n`));
    expect(lookedEn.stdout).toMatch(/\nNot signed \(--dry-run\)\. Plan sha256 [0-9a-f]{64}, offered by ops-1\.\n$/);
    const received = await ok(['ledger', 'receive', '--vault', v.path], ES);
    expect(received.stdout).toBe('0 registrado(s), 0 ya registrado(s), 0 rechazado(s).\n');
    spanish.push(received);
    expect((await ok(['ledger', 'receive', '--vault', v.path, '--from-start'])).stdout).toBe('0 recorded, 0 already recorded, 0 refused.\n');
    const checkpoint = await ok(['ledger', 'checkpoint', '--vault', v.path, '--lang', 'es']);
    expect(checkpoint.stdout).toMatch(new RegExp(`^Punto de control registrado como evento #\\d+: el libro mayor ${id} contiene el evento #\\d+ de ops-1 \\(hash [0-9a-f]{12}…, publicado .+\\)\\.\\n$`));
    spanish.push(checkpoint);
    const checkpointEn = await ok(['ledger', 'checkpoint', '--vault', v.path]);
    expect(checkpointEn.stdout).toMatch(new RegExp(`^Checkpoint recorded as event #\\d+: ledger ${id} holds ops-1's event #\\d+ \\(hash [0-9a-f]{12}…, published \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)\\.\\n$`));

    // A row deleted behind the ledger's back: verify names it in Spanish (the War room's finding words), exit 1.
    await asSuperuserBypassingTriggers(db, `DELETE FROM cutover_ledger.events WHERE workstation = 'ops-1' AND seq = 6`);
    const bad = await runCli(['ledger', 'verify', '--db', db.dsn, '--lang', 'es'], { env: EN });
    expect(bad.code, describeRun(bad)).toBe(1);
    expect(bad.stdout).toMatch(new RegExp(`^FALLO: libro mayor ${id} en \\S+: ops-1 evento #6: .+\\n {2}FALLO {2}ops-1 {2}SHA256:\\S+ {2}\\d+ eventos? comprobados?; ops-1 evento #6: `));
    spanish.push(bad);
    const badEn = await runCli(['ledger', 'verify', '--db', db.dsn], { env: EN });
    expect(badEn.code, describeRun(badEn)).toBe(1);
    expect(badEn.stdout).toMatch(new RegExp(`^BAD: ledger ${id} on \\S+: ops-1 event #6: event #6 is missing: the chain jumps from #5 to #7 \\(a row was deleted\\)\\n {2}BAD {2}ops-1 {2}SHA256:\\S+ {2}\\d+ event\\(s\\) checked; ops-1 event #6: event #6 is missing`));

    for (const r of spanish) expect(found(`${r.stdout}\n${r.stderr}`, 'en'), describeRun(r)).toEqual([]);
    for (const r of [again, rejoined, publishedEn, verifiedEn, watchedEn, withTextEn, transcriptEn, offeredEn, lookedEn, checkpointEn, badEn]) expect(found(`${r.stdout}\n${r.stderr}`, 'es'), describeRun(r)).toEqual([]);
  });
});
