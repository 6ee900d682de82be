// `cutover alembic inspect`'s findings in the language asked for (--lang / CUTOVER_LANG): every
// finding's message and fix is the core's catalogue sentence, so Spanish output holds no English
// catalogue sentence, while English is word for word what inspect always printed and --json keeps
// English whatever the language. The findings that need a database are read from a real
// PostgreSQL database this test creates (and drops).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InspectReport } from '../../src/core/alembic';
import { createTestDatabase } from '../alembic/helpers/pg';
import { describeRun, expectNoCrash, expectRefusal, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';
import { found } from './language-sentences';

const FIXTURE = fileURLToPath(new URL('../../examples/alembic-governance-host/backend', import.meta.url));
const ANCHOR = '0019_nav_snapshots_and_investor_statements';
const PATH = ['0009b_expand_alembic_version', '0020_ai_engine_wave_ai1', '0021_ai_engine_wave_ai2', '0022_ai_engine_wave_ai3_pipeline_intelligence', '0023_ai_engine_wave_ai4_portfolio_intelligence', '70a79686336c'];
const LONG = '0023_ai_engine_wave_ai4_portfolio_intelligence';
const numbered = (ids: string[]) => ids.map((id, i) => `${i + 1}. ${id}`).join('; ');
const FROM_BASE = [ANCHOR, ...PATH];
const LONG_IDS = `${LONG} (46), ${ANCHOR} (42), 0022_ai_engine_wave_ai3_pipeline_intelligence (45)`;

/** Runs inspect in Spanish (--lang es) and in English; both exit `code`, Spanish holds no English sentence and English no Spanish one. */
async function both(args: string[], code: number): Promise<{ es: string; en: string }> {
  const es = await runCli([...args, '--lang', 'es']);
  expectNoCrash(es);
  expect(es.code, describeRun(es)).toBe(code);
  expect(found(es.stdout, 'en'), describeRun(es)).toEqual([]);
  const en = await runCli(args);
  expectNoCrash(en);
  expect(en.code, describeRun(en)).toBe(code);
  expect(found(en.stdout, 'es'), describeRun(en)).toEqual([]);
  // The same report line for line: only the words differ, never the data.
  expect(es.stdout.split('\n').length).toBe(en.stdout.split('\n').length);
  return { es: es.stdout, en: en.stdout };
}

describe('alembic inspect\'s findings in the language asked for', () => {
  it('without a database: the expected path, the assumed width and the pending path in Spanish; English as before; --json in English', async () => {
    const args = ['alembic', 'inspect', '--scripts', FIXTURE, '--from', ANCHOR, '--expect-path', '0020_ai_engine_wave_ai1'];
    const { es, en } = await both(args, 1);
    expect(en).toContain(`\n  ERROR   expected-path-mismatch: The runbook's expected path differs from what Alembic would apply (first difference at position 1: expected 0020_ai_engine_wave_ai1, Alembic runs 0009b_expand_alembic_version). Not in the runbook: ${PATH.filter((id) => id !== '0020_ai_engine_wave_ai1').join(', ')}. Alembic would run: ${PATH.join(', ')}. Correct the runbook or the scripts and re-approve.\n`);
    expect(en).toContain(`\n  WARNING revision-id-too-long: No database was read, so this assumes version_num is VARCHAR(42), but the upgrade path writes revision ids up to 46 characters (${LONG}); 2 of the 6 pending ids are longer than 42. Revision 0009b_expand_alembic_version (step 1) appears to widen version_num to VARCHAR(64) before the first long id is recorded, so the upgrade should get through. That is read from its source, not run: confirm it, or widen the column before the upgrade as an approved step, e.g. ALTER TABLE alembic_version ALTER COLUMN version_num TYPE VARCHAR(64) (the path needs at least 46).\n`);
    expect(en).toContain(`\n  info    pending-revisions: 6 revision(s) to apply from ${ANCHOR} to head, in the order Alembic runs them: ${numbered(PATH)}.\n`);
    expect(es).toContain(`\n  ERROR   expected-path-mismatch: La ruta esperada del runbook difiere de lo que aplicaría Alembic (primera diferencia en la posición 1: se esperaba 0020_ai_engine_wave_ai1, Alembic ejecuta 0009b_expand_alembic_version). No están en el runbook: ${PATH.filter((id) => id !== '0020_ai_engine_wave_ai1').join(', ')}. Alembic ejecutaría: ${PATH.join(', ')}. Corrija el runbook o los scripts y vuelva a aprobarlo.\n`);
    expect(es).toContain('  AVISO   revision-id-too-long: No se leyó ninguna base de datos, así que se supone que version_num es VARCHAR(42),');
    expect(es).toContain('p. ej. ALTER TABLE alembic_version ALTER COLUMN version_num TYPE VARCHAR(64) (la ruta necesita al menos 46).\n');
    expect(es).toContain(`\n  info    pending-revisions: 6 revisión(es) que aplicar desde ${ANCHOR} hasta head, en el orden en que Alembic las ejecuta: ${numbered(PATH)}.\n`);

    // CUTOVER_LANG=es says the same as --lang es.
    const env = await runCli(args, { env: { CUTOVER_LANG: 'es' } });
    expect(env.stdout).toBe(es);
    // --json is data: the findings' messages stay English under --lang es.
    const jsonEs = await runCli([...args, '--json', '--lang', 'es']);
    const jsonEn = await runCli([...args, '--json']);
    expect(jsonEs.code, describeRun(jsonEs)).toBe(1);
    const reportEs = JSON.parse(jsonEs.stdout) as InspectReport;
    expect(reportEs).toEqual(JSON.parse(jsonEn.stdout) as InspectReport);
    expect(found(reportEs.findings.map((f) => f.message).join('\n'), 'es')).toEqual([]);
    expect(reportEs.findings.map((f) => f.code)).toEqual(['expected-path-mismatch', 'revision-id-too-long', 'pending-revisions']);
  });

  it('a target that cannot be planned, and from the base: the width that fails, in Spanish; English as before', async () => {
    const unknown = await both(['alembic', 'inspect', '--scripts', FIXTURE, '--target', 'nothere', '--expect-path', 'x'], 1);
    expect(unknown.en).toContain('\n  ERROR   target-unresolved: Cannot plan the upgrade to "nothere": No revision or branch label "nothere" in the scripts.\n');
    expect(unknown.en).toContain('\n  ERROR   expected-path-mismatch: The runbook\'s expected path (x) cannot be confirmed: no upgrade path could be computed (see the other findings).\n');
    expect(unknown.es).toContain('\n  ERROR   target-unresolved: No se puede planificar la actualización a "nothere": Ninguna revisión ni etiqueta de rama se llama "nothere" en los scripts.\n');

    const base = await both(['alembic', 'inspect', '--scripts', FIXTURE], 0);
    expect(base.en).toContain(`\n  WARNING revision-id-too-long: No database was read, so this assumes version_num is VARCHAR(32), but the upgrade path writes revision ids up to 46 characters (${LONG}); 3 of the 7 pending ids are longer than 32. PostgreSQL will raise StringDataRightTruncation ("value too long for type character varying(32)") when Alembic records ${ANCHOR}, step 1 of 7, after its upgrade() has already run: the upgrade fails halfway (in one transaction everything rolls back; with transaction_per_migration the earlier steps stay applied). Widen the column first, e.g. ALTER TABLE alembic_version ALTER COLUMN version_num TYPE VARCHAR(64) (the path needs at least 46).\n`);
    expect(base.en).toContain(`\n  info    pending-revisions: 7 revision(s) to apply from the base to head, in the order Alembic runs them: ${numbered(FROM_BASE)}.\n`);
    expect(base.es).toContain(`PostgreSQL lanzará StringDataRightTruncation ("value too long for type character varying(32)") cuando Alembic registre ${ANCHOR}, paso 1 de 7,`);
    expect(base.es).toContain(`\n  info    pending-revisions: 7 revisión(es) que aplicar desde la base hasta head, en el orden en que Alembic las ejecuta: ${numbered(FROM_BASE)}.\n`);
  });

  it('with a real database: no alembic_version, an empty one, an unknown revision, a database that does not exist, each in Spanish; English as before', async () => {
    const db = await createTestDatabase('cutover_lang_alembic');
    const args = ['alembic', 'inspect', '--scripts', FIXTURE, '--db', db.url];

    // An empty database: Alembic builds it from the base, in a VARCHAR(32) table it creates.
    const empty = await both(args, 1);
    expect(empty.en).toContain(`\n  ERROR   revision-id-too-long: The alembic_version table Alembic will create has version_num is VARCHAR(32), but the upgrade path writes revision ids up to 46 characters (${LONG}); 3 of the 7 pending ids are longer than 32. PostgreSQL will raise`);
    expect(empty.en).toContain(`\n  info    no-version-table: Database ${db.name} is empty (no alembic_version, no other tables): an upgrade builds it from the base revision. Note: Alembic creates version_num as VARCHAR(32), and 3 revision id(s) here are longer (up to 46 characters: ${LONG_IDS}); create alembic_version with a wider version_num before stamping one of them, or the stamp itself fails with StringDataRightTruncation.\n`);
    expect(empty.es).toContain(`\n  ERROR   revision-id-too-long: La tabla alembic_version que creará Alembic tiene version_num de tipo VARCHAR(32),`);
    expect(empty.es).toContain(`\n  info    no-version-table: La base de datos ${db.name} está vacía (sin alembic_version ni otras tablas): una actualización la construye desde la revisión base. Nota: Alembic crea version_num como VARCHAR(32), y 3 identificador(es) de revisión de aquí son más largos (hasta 46 caracteres: ${LONG_IDS});`);

    // Tables but no alembic_version: a stamp is needed first.
    await db.query('CREATE TABLE customers (id int)');
    const noTable = await both(args, 1);
    expect(noTable.en).toContain(`\n  ERROR   no-version-table: Database ${db.name} has 1 table(s) but no alembic_version table: it has no Alembic lineage. \`alembic upgrade\` would start from the base and re-run every migration against the existing schema (DuplicateTable). A stamp at the approved anchor revision is needed first (\`alembic stamp <revision>\`, with approval). Note: Alembic creates`);
    expect(noTable.es).toContain(`\n  ERROR   no-version-table: La base de datos ${db.name} tiene 1 tabla(s) pero ninguna tabla alembic_version: no tiene linaje de Alembic.`);

    // An alembic_version with no rows next to other tables.
    await db.query('CREATE TABLE alembic_version (version_num varchar(64) NOT NULL PRIMARY KEY)');
    const noRows = await both(args, 1);
    expect(noRows.en).toContain(`\n  ERROR   version-table-empty: ${db.name} (public.alembic_version): alembic_version exists but has no rows, so Alembic treats the database as being at the base although it holds 1 other table(s): an upgrade would re-run every migration (DuplicateTable). Stamp the approved anchor revision first.\n`);
    expect(noRows.es).toContain(`\n  ERROR   version-table-empty: ${db.name} (public.alembic_version): alembic_version existe pero no tiene filas, así que Alembic considera que la base de datos está en la base aunque contiene 1 tabla(s) más:`);

    // Two rows, one a revision no file defines.
    await db.query(`INSERT INTO alembic_version VALUES ('${ANCHOR}'), ('deadbeef01')`);
    const stray = await both(args, 1);
    expect(stray.en).toContain(`\n  ERROR   db-revision-unknown: ${db.name} (public.alembic_version) is stamped at revision deadbeef01, which no revision file defines. Alembic stops with "Can't locate revision identified by 'deadbeef01'". The database was migrated by other code (another branch or release), or the revision file was renamed or deleted: check out the code the database was migrated with, or, with approval, stamp the revision that matches its schema.\n`);
    expect(stray.en).toContain(`\n  info    db-multiple-revisions: ${db.name} (public.alembic_version): alembic_version has 2 rows (${ANCHOR}, deadbeef01): the database sits on 2 branches, and Alembic upgrades each of them.\n`);
    expect(stray.es).toContain(`\n  ERROR   db-revision-unknown: ${db.name} (public.alembic_version) está sellada en la revisión deadbeef01, que ningún archivo de revisión define. Alembic se detiene con "Can't locate revision identified by 'deadbeef01'".`);
    expect(stray.es).toContain(`\n  info    db-multiple-revisions: ${db.name} (public.alembic_version): alembic_version tiene 2 filas (${ANCHOR}, deadbeef01): la base de datos está en 2 ramas, y Alembic actualiza cada una de ellas.\n`);

    // A database that does not exist: PostgreSQL's own words inside the workstation's sentence.
    const missingUrl = db.url.replace(db.name, `${db.name}_gone`);
    const missingArgs = ['alembic', 'inspect', '--scripts', FIXTURE, '--db', missingUrl];
    const missing = { es: (await runCli([...missingArgs, '--lang', 'es'])).stdout, en: (await runCli(missingArgs)).stdout };
    const pgSays = `database "${db.name}_gone" does not exist`;
    expect(missing.en).toContain(`\n  ERROR   db-error: Could not read alembic_version from ${missingUrl}: ${pgSays}. Check the database name in the DSN.\n`);
    expect(missing.es).toContain(`\n  ERROR   db-error: No se pudo leer alembic_version de ${missingUrl}: ${pgSays}. Compruebe el nombre de la base de datos en la DSN.\n`);
    // What PostgreSQL itself says is its data, quoted as it says it; the rest is Spanish.
    expect(found(missing.es.replace(pgSays, ''), 'en')).toEqual([]);
  });

  it('a project that cannot be read is refused in Spanish (with --json too), and a revision file that cannot be read is a finding in Spanish; English as before', async () => {
    const dir = useTempDir('cutover-alembic-findings-lang-');
    const nowhere = join(dir, 'nowhere');
    for (const args of [['alembic', 'inspect', '--scripts', nowhere], ['alembic', 'inspect', '--scripts', nowhere, '--json'], ['alembic', 'sql', '--scripts', nowhere]]) {
      const es = await runCli([...args, '--lang', 'es']);
      expectRefusal(es, 2, /^cutover: /);
      expect(es.stderr, describeRun(es)).toBe(`cutover: ${nowhere} no existe. Apunte --scripts a la carpeta que contiene alembic.ini (o al propio archivo ini).\n`);
      const en = await runCli(args);
      expectRefusal(en, 2, /^cutover: /);
      expect(en.stderr, describeRun(en)).toBe(`cutover: ${nowhere} does not exist. Point --scripts at the folder holding alembic.ini (or at the ini file itself).\n`);
    }
    const noSection = join(dir, 'no-section');
    mkdirSync(noSection);
    writeFileSync(join(noSection, 'alembic.ini'), '[loggers]\nkeys = root\n');
    const ini = join(noSection, 'alembic.ini');
    const es = await runCli(['alembic', 'inspect', '--scripts', noSection, '--lang', 'es']);
    expectRefusal(es, 2, /^cutover: /);
    expect(es.stderr).toBe(`cutover: ${ini} no tiene sección [alembic]. Alembic lee su configuración de [alembic].\n`);
    const en = await runCli(['alembic', 'inspect', '--scripts', noSection]);
    expect(en.stderr).toBe(`cutover: ${ini} has no [alembic] section. Alembic reads its settings from [alembic].\n`);

    // Revision files Alembic would fail on (or that this reader cannot place without running them), next to a good one.
    const project = join(dir, 'project');
    mkdirSync(join(project, 'versions'), { recursive: true });
    writeFileSync(join(project, 'env.py'), '');
    writeFileSync(join(project, 'versions', 'a_base.py'), 'revision = "a1"\ndown_revision = None\n');
    writeFileSync(join(project, 'versions', 'b_nodown.py'), 'revision = "b1"\n');
    writeFileSync(join(project, 'versions', 'c_none.py'), 'revision = "c1"\ndown_revision = ("a1", None)\n');
    writeFileSync(join(project, 'versions', 'd_computed.py'), 'revision = make_id()\ndown_revision = "a1"\n');
    writeFileSync(join(project, 'versions', 'e_unclosed.py'), 'revision = "e1\ndown_revision = "a1"\n');
    const files = await both(['alembic', 'inspect', '--scripts', project], 1);
    const file = (name: string) => join(project, 'versions', name);
    expect(files.en).toContain(`\n  ERROR   unreadable-revision-file: ${file('b_nodown.py')}: it sets no module-level \`down_revision\` (use down_revision = None for a base revision). Alembic loads every .py file in the versions folder, so it would fail on this one too. Fix or remove the file.\n`);
    expect(files.en).toContain(`\n  ERROR   unreadable-revision-file: ${file('c_none.py')}: down_revision holds None, where Alembic expects revision ids. Alembic loads every .py file in the versions folder, so it would fail on this one too. Fix or remove the file.\n`);
    expect(files.es).toContain(`\n  ERROR   unreadable-revision-file: ${file('b_nodown.py')}: no define \`down_revision\` a nivel de módulo (use down_revision = None para una revisión base). Alembic carga todos los archivos .py de la carpeta versions, así que también fallaría con este. Corríjalo o elimínelo.\n`);
    expect(files.es).toContain(`\n  ERROR   unreadable-revision-file: ${file('c_none.py')}: down_revision contiene None, donde Alembic espera identificadores de revisión.`);
    expect(files.en).toContain(`\n  ERROR   unreadable-revision-file: ${file('d_computed.py')}, line 1: revision is not a literal: the name make_id, which is not a literal Python value (only strings, None, tuples and lists are read without running Python). Alembic may load it (it runs the file), but without running project code its place in the revision graph is unknown, so heads and the upgrade path here leave it out. Write the value as a literal string (or tuple of strings).\n`);
    expect(files.en).toContain(`\n  ERROR   unreadable-revision-file: ${file('e_unclosed.py')}, line 1: not readable as Python: a string that is not closed on its line. Alembic loads every .py file in the versions folder, so it would fail on this one too. Fix or remove the file.\n`);
    expect(files.es).toContain(`\n  ERROR   unreadable-revision-file: ${file('d_computed.py')}, línea 1: revision no es un literal: el nombre make_id, que no es un valor literal de Python (sin ejecutar Python solo se leen cadenas, None, tuplas y listas). Puede que Alembic lo cargue`);
    expect(files.es).toContain(`\n  ERROR   unreadable-revision-file: ${file('e_unclosed.py')}, línea 1: no se puede leer como Python: una cadena que no se cierra en su línea. Alembic carga`);
  });

  it('alembic sql: why a preview failed, an unreachable database and an unknown run in Spanish; English as before; --json keeps English', async () => {
    const bad = ['alembic', 'sql', '--scripts', FIXTURE, '--from', 'nope0000'];
    const es = await runCli([...bad, '--lang', 'es']);
    expectNoCrash(es);
    expect(es.code, describeRun(es)).toBe(1);
    expect(es.stderr).toMatch(/^cutover: Alembic no pudo generar la actualización sin conexión \(código de salida \d+\): Can't locate revision identified by 'nope0000'\.\n$/);
    expect(found(es.stderr, 'en')).toEqual([]);
    const en = await runCli(bad);
    expect(en.code, describeRun(en)).toBe(1);
    expect(en.stderr).toMatch(/^cutover: Alembic could not render the upgrade offline \(exit \d+\): Can't locate revision identified by 'nope0000'\.\n$/);
    const json = await runCli([...bad, '--json', '--lang', 'es']);
    expect(json.code, describeRun(json)).toBe(1);
    expect((JSON.parse(json.stdout) as { reason: string }).reason).toMatch(/^Alembic could not render the upgrade offline \(exit \d+\): Can't locate revision identified by 'nope0000'\.$/);

    const noDb = ['alembic', 'sql', '--scripts', FIXTURE, '--db', 'postgresql://postgres@127.0.0.1:1/x'];
    const noDbEs = await runCli([...noDb, '--lang', 'es']);
    expect(noDbEs.code, describeRun(noDbEs)).toBe(1);
    expect(noDbEs.stderr).toBe('cutover: no se pudo leer alembic_version de postgresql://postgres@127.0.0.1:1/x: No se puede conectar con la base de datos (connect ECONNREFUSED 127.0.0.1:1). Compruebe el host, el puerto y que PostgreSQL está en marcha y es accesible desde aquí.\n');
    const noDbEn = await runCli(noDb);
    expect(noDbEn.stderr).toBe('cutover: could not read alembic_version from postgresql://postgres@127.0.0.1:1/x: Cannot connect to the database (connect ECONNREFUSED 127.0.0.1:1). Check the host, port and that PostgreSQL is running and reachable from here.\n');

    const vault = join(useTempDir('cutover-alembic-sql-lang-'), 'v.vault');
    expect((await runCli(['vault', 'init', '--vault', vault])).code).toBe(0);
    const noRun = ['alembic', 'sql', '--scripts', FIXTURE, '--from', ANCHOR, '--vault', vault, '--run', 'nope'];
    const noRunEs = await runCli([...noRun, '--lang', 'es']);
    expectRefusal(noRunEs, 2, /^cutover: /);
    expect(noRunEs.stderr).toBe('cutover: No hay ninguna ejecución nope en esta bóveda; vea `cutover run list`. No se guardó nada.\n');
    const noRunEn = await runCli(noRun);
    expectRefusal(noRunEn, 2, /^cutover: /);
    expect(noRunEn.stderr).toBe('cutover: No run nope in this vault; see `cutover run list`. Nothing was stored.\n');
  });
});
