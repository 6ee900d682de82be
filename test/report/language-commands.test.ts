// The CLI commands' own refusals and lines in the language asked for (--lang / CUTOVER_LANG):
// --lang itself, note add, artifact add|list|cat, demo, alembic inspect|sql. Spanish holds no
// English catalogue sentence; English is word for word what the commands always printed; every
// refusal is exit 2 and, where a vault is involved, leaves its chain head where it was.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeRun, expectRefusal, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { found } from './language-sentences';

const FIXTURE = fileURLToPath(new URL('../../examples/alembic-governance-host/backend', import.meta.url));
const ANCHOR = '0019_nav_snapshots_and_investor_statements';

interface Case { args: string[]; es: string; en: string; input?: string }

/** Each case refused in Spanish (--lang es, then CUTOVER_LANG=es) and in English, exit 2, the exact text both times. */
async function refusedInBoth(cases: Case[]): Promise<void> {
  for (const c of cases) {
    for (const es of [await runCli([...c.args, '--lang', 'es'], { input: c.input }), await runCli(c.args, { input: c.input, env: { CUTOVER_LANG: 'es' } })]) {
      expectRefusal(es, 2, /^cutover: /);
      expect(es.stderr, describeRun(es)).toBe(`cutover: ${c.es}\n`);
      expect(found(es.stderr, 'en'), c.args.join(' ')).toEqual([]);
    }
    const en = await runCli(c.args, { input: c.input });
    expectRefusal(en, 2, /^cutover: /);
    expect(en.stderr, describeRun(en)).toBe(`cutover: ${c.en}\n`);
    expect(found(en.stderr, 'es'), c.args.join(' ')).toEqual([]);
  }
}

describe('--lang refused in a language the person reads', () => {
  it('a wrong --lang: in CUTOVER_LANG\'s language when that one is right, in the language a locale names, else English as before', async () => {
    const english = (where: string, value: string) => `cutover: ${where} is the language of the output: en or es, got "${value}".\n`;
    const spanish = (where: string, value: string) => `cutover: ${where} es el idioma de la salida: en o es; se recibió "${value}".\n`;
    const status = ['run', 'status', '--vault', '/nonexistent/v.vault', 'r1'];
    const cases: { args: string[]; env?: Record<string, string>; text: string }[] = [
      { args: [...status, '--lang', 'fr'], text: english('--lang', 'fr') },
      { args: [...status, '--lang', 'fr'], env: { CUTOVER_LANG: 'es' }, text: spanish('--lang', 'fr') },
      { args: [...status, '--lang', 'es-ES'], text: spanish('--lang', 'es-ES') },
      { args: [...status, '--lang', 'es_MX.UTF-8'], env: { CUTOVER_LANG: 'en' }, text: spanish('--lang', 'es_MX.UTF-8') },
      { args: status, env: { CUTOVER_LANG: 'fr' }, text: english('CUTOVER_LANG', 'fr') },
      { args: status, env: { CUTOVER_LANG: 'es_ES.UTF-8' }, text: spanish('CUTOVER_LANG', 'es_ES.UTF-8') },
      { args: [...status, '--lang', 'en-GB'], env: { CUTOVER_LANG: 'es' }, text: english('--lang', 'en-GB') },
    ];
    for (const c of cases) {
      const r = await runCli(c.args, { env: c.env });
      expect([r.code, r.stderr, r.stdout], describeRun(r)).toEqual([2, c.text, '']);
    }
  });
});

describe('note add and artifact add|list|cat in the language asked for', () => {
  it('refusals in Spanish and English, exit 2, the chain unmoved; the lines they print in both', async () => {
    const dir = useTempDir('cutover-commands-lang-');
    const vault = join(dir, 'v.vault');
    expect((await runCli(['vault', 'init', '--vault', vault])).code).toBe(0);
    const head = async () => (await runCli(['vault', 'log', '--vault', vault, '--json'])).stdout;
    const before = await head();
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    await refusedInBoth([
      { args: ['note', 'add', '--vault', vault], es: 'Indique --text "..." o --lines (notas desde la entrada estándar).', en: 'Give --text "..." or --lines (notes from standard input).' },
      { args: ['artifact', 'add', '--vault', vault, join(dir, 'none.log')], es: `No hay ningún archivo en ${join(dir, 'none.log')}.`, en: `No file at ${join(dir, 'none.log')}.` },
      { args: ['artifact', 'add', '--vault', vault, folder], es: `${folder} es una carpeta: añada sus archivos uno a uno (o un tar de ella); no se guardó nada.`, en: `${folder} is a folder: add its files one by one (or a tar of it), nothing was stored.` },
      { args: ['artifact', 'add', '--vault', vault], input: 'x', es: 'Dé un nombre al artefacto con --name cuando lo lea de la entrada estándar.', en: 'Name the artifact with --name when reading standard input.' },
      { args: ['artifact', 'cat', '--vault', vault, 'nope'], es: 'Esta bóveda no tiene ningún artefacto nope; consulte `cutover artifact list`.', en: 'No artifact nope in this vault; see `cutover artifact list`.' },
    ]);
    expect(await head()).toBe(before);

    // What they print: a count of notes (one and several), an artifact's size in the language's notation.
    const one = await runCli(['note', 'add', '--vault', vault, '--lines', '--lang', 'es'], { input: 'una\n' });
    expect([one.code, one.stdout], describeRun(one)).toEqual([0, '1 nota añadida; cabeza de la cadena #2\n']);
    const three = await runCli(['note', 'add', '--vault', vault, '--lines'], { input: 'a\nb\nc\n', env: { CUTOVER_LANG: 'es' } });
    expect([three.code, three.stdout], describeRun(three)).toEqual([0, '3 notas añadidas; cabeza de la cadena #5\n']);
    const enOne = await runCli(['note', 'add', '--vault', vault, '--lines'], { input: 'one\n' });
    expect([enOne.code, enOne.stdout], describeRun(enOne)).toEqual([0, '1 notes appended; chain head #6\n']);
    const file = join(dir, 'out.log');
    writeFileSync(file, 'y'.repeat(2500));
    const added = await runCli(['artifact', 'add', '--vault', vault, file, '--lang', 'es']);
    expect(added.code, describeRun(added)).toBe(0);
    expect(added.stdout).toMatch(/^out\.log: 2,4 KiB, sha256 [0-9a-f]{64} \(artefacto [\w-]+\)\n$/);
    const addedEn = await runCli(['artifact', 'add', '--vault', vault, file, '--name', 'again.log']);
    expect(addedEn.stdout, describeRun(addedEn)).toMatch(/^again\.log: 2\.4 KiB, sha256 [0-9a-f]{64} \(artifact [\w-]+\)\n$/);
    const listed = await runCli(['artifact', 'list', '--vault', vault, '--lang', 'es']);
    expect(listed.stdout, describeRun(listed)).toMatch(/^\S+ {2}complete\s+2,4 KiB {2}[0-9a-f]{64} {2}out\.log\n/);
    const listedEn = await runCli(['artifact', 'list', '--vault', vault]);
    expect(listedEn.stdout, describeRun(listedEn)).toMatch(/^\S+ {2}complete\s+2\.4 KiB {2}[0-9a-f]{64} {2}out\.log\n/);
    for (const r of [one, three, added, listed]) expect(found(r.stdout, 'en')).toEqual([]);
  });
});

describe('demo refusals in the language asked for', () => {
  it('the five option clashes: Spanish, English as before, exit 2, nothing made', async () => {
    const out = join(useTempDir('cutover-demo-lang-'), 'demo');
    await refusedInBoth([
      { args: ['demo', '--out', out, '--deviation'], es: '--deviation va con --production.', en: '--deviation goes with --production.' },
      { args: ['demo', '--out', out, '--db', 'postgresql://x@127.0.0.1/x'], es: '--db va con --team.', en: '--db goes with --team.' },
      { args: ['demo', '--out', out, '--team', '--blocked'], es: '--team ejecuta el ejemplo alembic-governance a través del libro mayor del equipo; no va con --blocked, --example ni --production.', en: '--team runs the alembic-governance example through the team ledger; it does not go with --blocked, --example or --production.' },
      { args: ['demo', '--out', out, '--team'], es: '--team necesita la URL del libro mayor del equipo: --db postgresql://USUARIO@HOST:5432/BASE_DE_DATOS.', en: '--team needs the team ledger\'s URL: --db postgresql://USER@HOST:5432/DATABASE.' },
      { args: ['demo', '--out', out, '--production', '--example', 'go-live'], es: '--production ejecuta el ensayo y la producción del ejemplo alembic-governance; no va con --blocked ni --example.', en: '--production runs the alembic-governance example\'s rehearsal and production; it does not go with --blocked or --example.' },
    ]);
  });
});

describe('alembic inspect|sql in the language asked for', () => {
  it('the refusals: Spanish, English as before, exit 2; a refused --vault --run leaves the chain where it was', async () => {
    const dir = useTempDir('cutover-alembic-lang-');
    const vault = join(dir, 'v.vault');
    expect((await runCli(['vault', 'init', '--vault', vault])).code).toBe(0);
    const head = async () => (await runCli(['vault', 'log', '--vault', vault, '--json'])).stdout;
    const before = await head();
    const inspect = ['alembic', 'inspect', '--scripts', FIXTURE];
    const sql = ['alembic', 'sql', '--scripts', FIXTURE];
    await refusedInBoth([
      { args: [...inspect, '--from', ' , '], es: '--from recibe una lista de identificadores de revisión separados por comas; se recibió " , ".', en: '--from takes a comma-separated list of revision ids, got " , ".' },
      { args: [...inspect, '--file-order', 'random'], es: '--file-order recibe "directory" (Alembic 1.8: el orden de os.listdir) o "name" (Alembic más reciente: ordenado); se recibió "random".', en: '--file-order takes "directory" (Alembic 1.8: os.listdir order) or "name" (newer Alembic: sorted), got "random".' },
      { args: [...inspect, '--db', 'mysql://u:secret@h/x'], es: '--db recibe una URL postgresql:// (la contraseña, de PGPASSWORD); se recibió "mysql://u:***@h/x".', en: '--db takes a postgresql:// URL (the password from PGPASSWORD), got "mysql://u:***@h/x".' },
      { args: [...inspect, '--db', 'postgresql://x@h/x', '--from', ANCHOR], es: 'Indique --db (leer la revisión de la base de datos) o --from (decirla usted), no ambas.', en: 'Give --db (read the revision from the database) or --from (say it), not both.' },
      { args: [...sql, '--db', 'postgresql://x@h/x', '--from', ANCHOR], es: 'Indique --db o --from, no ambas.', en: 'Give --db or --from, not both.' },
      { args: [...sql, '--vault', vault], es: '--vault y --run van juntas: la vista previa se guarda en la bóveda como evidencia de esa ejecución.', en: '--vault and --run go together: the preview is stored in the vault as evidence of that run.' },
      { args: [...sql, '--label', 'x'], es: '--label va con --vault y --run: da nombre a la vista previa guardada.', en: '--label goes with --vault and --run: it names the stored preview.' },
      { args: ['alembic', 'sql', '--scripts', join(FIXTURE, 'migrations')], es: `${join(FIXTURE, 'migrations')} no tiene alembic.ini; la CLI real de alembic lo necesita.`, en: `${join(FIXTURE, 'migrations')} has no alembic.ini; the real alembic CLI needs one.` },
      { args: [...sql, '--alembic', ' '], es: '--alembic necesita un comando, p. ej. "/usr/bin/python3 -m alembic".', en: '--alembic needs a command, e.g. "/usr/bin/python3 -m alembic".' },
    ]);
    expect(await head()).toBe(before);
  });

  it('inspect\'s report: in Spanish, its findings too, English as before', async () => {
    const args = ['alembic', 'inspect', '--scripts', FIXTURE, '--from', ANCHOR, '--expect-path', '0020_ai_engine_wave_ai1'];
    const es = await runCli([...args, '--lang', 'es']);
    expect(es.code, describeRun(es)).toBe(1);
    expect(es.stdout).toMatch(/^Proyecto Alembic \S+alembic\.ini: 7 revisión\(es\)\n {2}heads: {2}70a79686336c\n {2}bases: {2}\S+\n/);
    expect(es.stdout).toContain('  punto de fusión  70a79686336c <- 0023_ai_engine_wave_ai4_portfolio_intelligence, 0009b_expand_alembic_version\n');
    expect(es.stdout).toContain(`Actualización ${ANCHOR} -> head: 6 revisión(es)\n    1. 0009b_expand_alembic_version\n`);
    expect(es.stdout).toMatch(/\nHallazgos:\n {2}ERROR {3}expected-path-mismatch: /);
    expect(es.stdout).toMatch(/\nResultado: FALLIDO \(\d+ hallazgo\(s\) de error\)\n$/);
    // The whole report, the findings' messages too, holds no English sentence.
    expect(found(es.stdout, 'en')).toEqual([]);
    const en = await runCli(args);
    expect(en.code, describeRun(en)).toBe(1);
    expect(en.stdout).toMatch(/^Alembic project \S+alembic\.ini: 7 revision\(s\)\n {2}heads: {2}70a79686336c\n {2}bases: {2}\S+\n/);
    expect(en.stdout).toContain('  merge point  70a79686336c <- 0023_ai_engine_wave_ai4_portfolio_intelligence, 0009b_expand_alembic_version\n');
    expect(en.stdout).toContain(`Upgrade ${ANCHOR} -> head: 6 revision(s)\n    1. 0009b_expand_alembic_version\n`);
    expect(en.stdout).toMatch(/\nFindings:\n {2}ERROR {3}expected-path-mismatch: /);
    expect(en.stdout).toMatch(/\nResult: FAILED \(\d+ error finding\(s\)\)\n$/);
    expect(found(en.stdout, 'es')).toEqual([]);
    // The same report line for line: only the words differ, never the data.
    expect(es.stdout.split('\n').length).toBe(en.stdout.split('\n').length);
  });
});
