// The PostgreSQL checks in the reader's language (issue 13 item 3): `cutover pg preflight` and
// `pg diff` under --lang es / CUTOVER_LANG=es word every check's summary and every difference's
// detail in Spanish, with no English catalogue sentence anywhere in stdout; English reads as it
// always did; --json stays English whatever the language. A real database the test creates and
// drops, with a real lock held by one session and waited for by another.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { preflight, type PreflightReport } from '../../src/core/checks';
import { translate } from '../../src/shared/i18n';
import { checksWordsEn } from '../../src/shared/i18n/checks-words-en';
import { startPrivateServer } from '../checks/cluster';
import { useCheckDatabase, waitFor } from '../checks/helpers';
import { describeRun, runCli } from '../helpers/cli';
import { PGURL, splitPassword } from '../helpers/pg';
import { freePort } from '../helpers/sshd';
import { useTempDir } from '../helpers/tmp';
import { found } from './language-sentences';

const password = splitPassword(PGURL).password;
const pgEnv: Record<string, string> = password !== undefined ? { PGPASSWORD: password } : {};

// Sessions and locks are cluster-wide: the blocking chain is made on a private server, so that it
// is not in other test files' preflights on the shared one (nor theirs in ours).
describe('the PostgreSQL checks in the reader\'s language, on a private server', () => {
  let server: Awaited<ReturnType<typeof startPrivateServer>> = null;
  let skipReason = '';
  beforeAll(async () => {
    try {
      server = await startPrivateServer();
      if (!server) skipReason = 'PostgreSQL server binaries (initdb) are not installed';
    } catch (error) {
      skipReason = `could not start a private PostgreSQL server: ${(error as Error).message}`;
    }
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('pg preflight: every summary in Spanish (a blocking chain, an idle transaction, objects missing or of another kind), English as before, --json English in both', async (ctx) => {
    if (!server) {
      ctx.skip(skipReason);
      return;
    }
    const db = await useCheckDatabase(onTestFinished, server.dsn());
    await db.query('CREATE TABLE parent (id int PRIMARY KEY); CREATE VIEW v_thing AS SELECT 1 AS one');
    // One session holds a lock in an open transaction; another waits for it.
    const holder = await db.other('holder');
    await holder.query('BEGIN; LOCK TABLE parent IN ACCESS EXCLUSIVE MODE');
    const waiter = await db.other('waiter');
    const waiting = waiter.query('SELECT count(*) FROM parent').catch(() => undefined);
    await waitFor('the waiter to wait', async () => {
      const r = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'waiter' AND wait_event_type = 'Lock'");
      return r.rows[0]!.n > 0 ? true : undefined;
    });
    const args = ['pg', 'preflight', '--db', db.bare, '--require-tables', 'parent,missing_t,v_thing', '--idle-in-transaction', '0s', '--long-query', '0s'];
    try {
      for (const es of [await runCli([...args, '--lang', 'es'], { env: pgEnv }), await runCli(args, { env: { ...pgEnv, CUTOVER_LANG: 'es' } })]) {
        expect(es.code, describeRun(es)).toBe(1);
        expect(found(es.stdout, 'en'), describeRun(es)).toEqual([]);
        expect(es.stdout).toMatch(/\n {2}INFO {2}server\.version +PostgreSQL .+, primario; conectado como \S+ \((superusuario|miembro de pg_monitor|ni superusuario ni miembro de pg_monitor: las sesiones de otros roles quedan en parte ocultas)\)\.\n/);
        // The size cannot be read while the table is locked: the check says so (PostgreSQL's own words inside are quoted as they came).
        expect(es.stdout).toMatch(/\n {2}FAIL {2}database\.size +No se pudo ejecutar: Al leer el tamaño de la base de datos en \S+ se esperó un bloqueo más de lo que permite lock_timeout \(2s\): canceling statement due to lock timeout\. Algo tiene un bloqueo fuerte sobre un catálogo o una tabla \(¿hay DDL en curso\?\); consulte la comprobación de bloqueos\.\n/);
        expect(es.stdout).toMatch(/\n {2}(PASS|WARN|FAIL) {2}connections +\d+ de \d+ conexiones utilizables en uso \(\d+ %; max_connections \d+, \d+ reservadas para superusuarios\), \d+ en esta base de datos/);
        expect(es.stdout).toMatch(/\n {2}WARN {2}sessions\.idle-in-transaction +\d+ sesi(ón inactiva|ones inactivas) dentro de una transacción desde hace más de 0s, con \d+ bloqueos? de relación; la más antigua: pid \d+ \(/);
        expect(es.stdout).toMatch(/\n {2}FAIL {2}locks\.blocking +1 sesión bloqueada por los bloqueos de otra; una migración quedaría en cola detrás de quien bloquea, y todas las consultas detrás de ella: pid \d+ \([^)]*holder, idle in transaction desde hace [\d,]+s, transacción abierta desde hace [\d,]+s\) «BEGIN; LOCK TABLE parent IN ACCESS EXCLUSIVE MODE» → pid \d+ \([^)]*waiter, esperando desde hace [\d,]+s por AccessShareLock on parent, transacción abierta desde hace [\d,]+s\) «SELECT count\(\*\) FROM parent»\.\n/);
        expect(es.stdout).toMatch(/\n {2}FAIL {2}objects\.required +Objetos requeridos que faltan: 2 de 3: tabla missing_t, tabla v_thing \(existe, pero como vista\)\.\n/);
        expect(es.stdout).toMatch(/\n {2}\S+ {2}wal\.archiving +/);
        expect(es.stdout).not.toMatch(/\n {2}\S+ {2}wal\.archiving +(WAL archiving|archive_mode is|This server|The last WAL)/);
      }

      const en = await runCli(args, { env: pgEnv });
      expect(en.code, describeRun(en)).toBe(1);
      expect(found(en.stdout, 'es'), describeRun(en)).toEqual([]);
      expect(en.stdout).toMatch(/\n {2}INFO {2}server\.version +PostgreSQL .+, primary; connected as \S+ \((superuser|member of pg_monitor|neither superuser nor pg_monitor: other roles' sessions are partly hidden)\)\.\n/);
      expect(en.stdout).toMatch(/\n {2}FAIL {2}database\.size +Could not run: Reading the database size waited longer than lock_timeout \(2s\) for a lock on \S+: canceling statement due to lock timeout\. Something holds a strong lock on a catalog or table \(DDL in progress\?\); see the blocking-locks check\.\n/);
      expect(en.stdout).toMatch(/\n {2}(PASS|WARN|FAIL) {2}connections +\d+ of \d+ usable connections in use \(\d+%; max_connections \d+, \d+ reserved for superusers\), \d+ in this database/);
      expect(en.stdout).toMatch(/\n {2}WARN {2}sessions\.idle-in-transaction +\d+ sessions? idle in a transaction for more than 0s, holding \d+ relation locks?; oldest: pid \d+ \(/);
      expect(en.stdout).toMatch(/\n {2}FAIL {2}locks\.blocking +1 session blocked by another's locks; a migration would queue behind the blocker and every query behind it: pid \d+ \([^)]*holder, idle in transaction for [\d.]+s, transaction open [\d.]+s\) «BEGIN; LOCK TABLE parent IN ACCESS EXCLUSIVE MODE» → pid \d+ \([^)]*waiter, waiting [\d.]+s for AccessShareLock on parent, transaction open [\d.]+s\) «SELECT count\(\*\) FROM parent»\.\n/);
      expect(en.stdout).toMatch(/\n {2}FAIL {2}objects\.required +2 of 3 required objects missing: table missing_t, table v_thing \(exists, but as view\)\.\n/);
      expect(en.stdout).toMatch(/\n {2}\S+ {2}wal\.archiving +(WAL archiving|archive_mode is|This server|The last WAL)/);

      // --json: English whatever the language (titles and summaries), the same checks and statuses.
      const [jsonEs, jsonEn] = [await runCli([...args, '--json', '--lang', 'es'], { env: pgEnv }), await runCli([...args, '--json'], { env: pgEnv })];
      const [reportEs, reportEn] = [JSON.parse(jsonEs.stdout) as PreflightReport, JSON.parse(jsonEn.stdout) as PreflightReport];
      expect(reportEs.checks.map((c) => [c.id, c.title, c.status])).toEqual(reportEn.checks.map((c) => [c.id, c.title, c.status]));
      for (const c of reportEs.checks) expect(c.title).toBe(checksWordsEn[`checks.title.${c.id}`]);
      expect(found(jsonEs.stdout, 'es')).toEqual([]);
      expect(reportEs.checks.find((c) => c.id === 'objects.required')!.summary).toBe('2 of 3 required objects missing: table missing_t, table v_thing (exists, but as view).');
    } finally {
      await holder.query('ROLLBACK');
      await waiting;
    }

    // The core itself (what the window shows): titles and summaries in the language asked for, English by default.
    const spanish = await preflight(db.bare, { lang: 'es', required: { tables: ['parent'] } }, db.sessionOptions);
    for (const c of spanish.checks) expect(c.title).toBe(translate('es', `checks.title.${c.id}`));
    expect(spanish.checks.find((c) => c.id === 'objects.required')!.summary).toBe('Está presente el objeto requerido (1).');
    expect(spanish.checks.find((c) => c.id === 'database.size')!.summary).toMatch(/^\S+ ocupa \d+(,\d)? (B|kB|MB|GB); la tabla más grande es public\.parent \(\d+(,\d)? (B|kB|MB|GB)\)\.$/);
    expect(spanish.checks.find((c) => c.id === 'locks.blocking')!.summary).toBe('Ninguna sesión espera un bloqueo que tenga otra sesión.');
    expect(found(spanish.checks.map((c) => `${c.title}\n${c.summary}`).join('\n'), 'en')).toEqual([]);
    const english = await preflight(db.bare, { required: { tables: ['parent'] } }, db.sessionOptions);
    expect(english.checks.find((c) => c.id === 'objects.required')!.summary).toBe('All 1 required object present.');
    expect(english.checks.find((c) => c.id === 'database.size')!.summary).toMatch(/^\S+ is \d+(\.\d)? (B|kB|MB|GB); largest public\.parent \(\d+(\.\d)? (B|kB|MB|GB)\)\.$/);
    expect(english.checks.find((c) => c.id === 'locks.blocking')!.summary).toBe('No session is waiting for a lock another session holds.');
    for (const c of english.checks) expect(c.title).toBe(checksWordsEn[`checks.title.${c.id}`]);
  });
});

describe('the PostgreSQL checks in the reader\'s language', () => {

  it('the session\'s and the DSN\'s refusals: nobody listening, a database that does not exist, a mysql:// DSN, parameters not supported, in Spanish; English as before', async () => {
    const port = await freePort();
    const cases = [
      { db: `postgresql://postgres@127.0.0.1:${port}/postgres`, es: `127.0.0.1:${port}/postgres rechazó la conexión: ¿está PostgreSQL en marcha y escuchando en esa dirección y ese puerto?`, en: `Connection refused by 127.0.0.1:${port}/postgres: is PostgreSQL running and listening on that address and port?` },
    ];
    const db = await useCheckDatabase();
    const missing = db.bare.replace(db.name, `${db.name}_nope`);
    const { hostname: host, port: pgPort } = new URL(missing);
    cases.push({ db: missing, es: `La base de datos "${db.name}_nope" no existe en ${host}:${pgPort || 5432}: revise el nombre de la base de datos en el DSN.`, en: `Database "${db.name}_nope" does not exist on ${host}:${pgPort || 5432}: check the database name in the DSN.` });
    for (const c of cases) {
      for (const command of ['preflight', 'fingerprint']) {
        for (const es of [await runCli(['pg', command, '--db', c.db, '--lang', 'es'], { env: pgEnv }), await runCli(['pg', command, '--db', c.db, '--json'], { env: { ...pgEnv, CUTOVER_LANG: 'es' } })]) {
          expect([es.code, es.stderr], describeRun(es)).toEqual([2, `cutover: ${c.es}\n`]);
          expect(found(es.stderr, 'en')).toEqual([]);
        }
        const en = await runCli(['pg', command, '--db', c.db], { env: pgEnv });
        expect([en.code, en.stderr], describeRun(en)).toEqual([2, `cutover: ${c.en}\n`]);
      }
    }
    // The DSN's own refusals, before anything connects.
    for (const command of ['preflight', 'fingerprint']) {
      const mysql = await runCli(['pg', command, '--db', 'mysql://app@db.example.com/prod', '--lang', 'es'], { env: pgEnv });
      expect([mysql.code, mysql.stderr], describeRun(mysql)).toEqual([2, 'cutover: Esto solo lee PostgreSQL (la verificación previa, las huellas, las comparaciones y el registro usan los catálogos de PostgreSQL): aquí no se puede usar un DSN mysql://. MySQL/MariaDB es un destino del runbook (kind: mysql) para comprobaciones y comandos SQL.\n']);
      const mysqlEn = await runCli(['pg', command, '--db', 'mysql://app@db.example.com/prod'], { env: pgEnv });
      expect([mysqlEn.code, mysqlEn.stderr], describeRun(mysqlEn)).toEqual([2, 'cutover: This reads PostgreSQL only (preflight, fingerprints, diffs and the ledger use PostgreSQL\'s catalogs): a mysql:// DSN cannot be used here. MySQL/MariaDB is a runbook target (kind: mysql) for SQL checks and commands.\n']);
      const params = await runCli(['pg', command, '--db', 'postgresql://db.example.com/prod?target_session_attrs=read-write&replication=database', '--lang', 'es'], { env: pgEnv });
      expect([params.code, params.stderr], describeRun(params)).toEqual([2, expect.stringMatching(/^cutover: Los parámetros del DSN target_session_attrs, replication no se admiten aquí \(se admiten: [^)]+\)\.\n$/)]);
      const paramsEn = await runCli(['pg', command, '--db', 'postgresql://db.example.com/prod?target_session_attrs=read-write'], { env: pgEnv });
      expect([paramsEn.code, paramsEn.stderr], describeRun(paramsEn)).toEqual([2, expect.stringMatching(/^cutover: The DSN parameter target_session_attrs is not supported here \(supported: [^)]+\)\.\n$/)]);
    }
  });

  it('pg diff with drift: every row\'s detail in Spanish, English as before, --json identical', async () => {
    const db = await useCheckDatabase();
    const dir = useTempDir('cutover-pg-checks-lang-');
    await db.query(`CREATE TYPE mood AS ENUM ('ok', 'sad');
      CREATE TYPE pair AS (x int, y int);
      CREATE TABLE parent (id int PRIMARY KEY);
      CREATE TABLE gone (id int, note text);
      CREATE SEQUENCE counter AS bigint;
      CREATE VIEW v_parent AS SELECT id FROM parent`);
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const fingerprint = async (out: string) => {
      const r = await runCli(['pg', 'fingerprint', '--db', db.bare, '--out', out], { env: pgEnv });
      expect(r.code, describeRun(r)).toBe(0);
    };
    await fingerprint(a);
    await db.query(`ALTER TYPE mood ADD VALUE 'glad';
      DROP TABLE gone;
      CREATE TABLE extra_t (id int);
      ALTER TABLE parent ADD COLUMN label text NOT NULL DEFAULT 'x';
      DROP VIEW v_parent; CREATE MATERIALIZED VIEW mv_parent AS SELECT id FROM parent;
      DROP TYPE pair; CREATE TYPE single AS (x int);
      ALTER SEQUENCE counter OWNED BY parent.id`);
    await fingerprint(b);

    for (const es of [await runCli(['pg', 'diff', a, b, '--lang', 'es'], { env: pgEnv }), await runCli(['pg', 'diff', a, b], { env: { ...pgEnv, CUTOVER_LANG: 'es' } })]) {
      expect(es.code, describeRun(es)).toBe(1);
      expect(found(es.stdout, 'en'), describeRun(es)).toEqual([]);
      expect(es.stdout).toMatch(/\n {2}missing +table +public\.gone: tabla, 2 columnas\n/);
      expect(es.stdout).toMatch(/\n {2}extra +table +public\.extra_t: tabla, 1 columna\n/);
      expect(es.stdout).toContain("public.mood: labels: (ok, sad) → (ok, sad, glad); añadidas 'glad'\n");
      expect(es.stdout).toMatch(/\n {2}missing +compositeType +public\.pair: 2 atributos\n/);
      expect(es.stdout).toMatch(/\n {2}extra +compositeType +public\.single: 1 atributo\n/);
      expect(es.stdout).toMatch(/public\.counter: ownedBy: ninguno → \S+\n/);
      expect(es.stdout).toMatch(/\n {2}extra +view +public\.mv_parent: vista materializada\n/);
      expect(es.stdout).toMatch(/\n {2}missing +view +public\.v_parent: vista\n/);
    }

    const en = await runCli(['pg', 'diff', a, b], { env: pgEnv });
    expect(en.code, describeRun(en)).toBe(1);
    expect(found(en.stdout, 'es'), describeRun(en)).toEqual([]);
    expect(en.stdout).toMatch(/\n {2}missing +table +public\.gone: table, 2 columns\n/);
    expect(en.stdout).toMatch(/\n {2}extra +table +public\.extra_t: table, 1 columns\n/);
    expect(en.stdout).toContain("public.mood: labels: (ok, sad) → (ok, sad, glad); added 'glad'\n");
    expect(en.stdout).toMatch(/\n {2}missing +compositeType +public\.pair: 2 attributes\n/);
    expect(en.stdout).toMatch(/\n {2}extra +compositeType +public\.single: 1 attributes\n/);
    expect(en.stdout).toMatch(/public\.counter: ownedBy: none → \S+\n/);
    expect(en.stdout).toMatch(/\n {2}extra +view +public\.mv_parent: materialized view\n/);
    expect(en.stdout).toMatch(/\n {2}missing +view +public\.v_parent: view\n/);

    const [jsonEs, jsonEn] = [await runCli(['pg', 'diff', a, b, '--json', '--lang', 'es'], { env: pgEnv }), await runCli(['pg', 'diff', a, b, '--json'], { env: pgEnv })];
    expect(jsonEs.code).toBe(1);
    expect(jsonEs.stdout, describeRun(jsonEs)).toBe(jsonEn.stdout);
    expect(found(jsonEs.stdout, 'es')).toEqual([]);
  });
});
