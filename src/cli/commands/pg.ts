// `cutover pg …`: the PostgreSQL preflight, schema fingerprints and their diff. Every query is
// read-only. The DSN never carries a password (PGPASSWORD or ~/.pgpass give it).
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import type { CheckResult, FingerprintDiff, PreflightOptions, PreflightReport, RequiredObjects, SchemaFingerprint } from '../../core/checks';
import { PgCheckError } from '../../core/checks/errors';
import type { Vault } from '../../core/vault';
import { defaultActor } from '../actor';
import { CliUsageError, EXIT_FAILED, EXIT_OK } from '../errors';
import { printJson, readBounded } from '../format';
import { outputLang, cliWords } from '../lang';
import { translator, type Lang, type Translator } from '../../shared/i18n';


/** The checks (pg, the fingerprint's zod schema) load only when a command runs, not for --help. */
const checks = () => import('../../core/checks');

/** The vault module (SQLCipher, drizzle) loads only when a command uses a vault. */
async function openVault(path: string): Promise<Vault> {
  const { openVault: open } = await import('./vault');
  return open(path);
}

/** A PgCheckError is something the user can act on: printed as is, exit 2. */
async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof PgCheckError) throw new CliUsageError(error.message);
    throw error;
  }
}

/** "a,b" (repeatable): every name once, in order. */
function names(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** "90s", "5m", "2h", "1500ms" or plain seconds. */
export function parseSeconds(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new CliUsageError(cliWords().t('cmd.pg.duration', { flag, value }));
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * factor;
}

function parseConnections(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 16) throw new CliUsageError(cliWords().t('cmd.pg.connections', { value }));
  return Number(value);
}

function seconds(ms: number, tr: Translator): string {
  return tr.t('cmd.pg.seconds', { n: tr.decimal(ms / 1000, ms < 10_000 ? 2 : 1) });
}

const STATUS_ORDER = ['FAIL', 'WARN', 'PASS', 'INFO'] as const;

/** The preflight as people read it, in `lang` (the checks' summaries are worded by the core, in the language preflight was given). */
export function formatPreflight(report: PreflightReport, lang: Lang = 'en'): string {
  const tr = translator(lang);
  const counts = STATUS_ORDER.map((s) => [s, report.checks.filter((c) => c.status === s).length] as const).filter(([, n]) => n > 0);
  const lines = [tr.t('cmd.pg.preflight.head', { target: report.target, status: report.status, counts: counts.map(([s, n]) => `${n} ${s}`).join(', '), duration: seconds(report.durationMs, tr) })];
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const c of report.checks) {
    lines.push(`  ${c.status.padEnd(4)}  ${c.id.padEnd(width)}  ${c.summary}`);
    for (const extra of extraLines(c, tr)) lines.push(`  ${' '.repeat(4)}  ${' '.repeat(width)}    ${extra}`);
  }
  return lines.join('\n');
}

/** The facts a person needs beyond the summary: every blocking chain, every missing object. */
function extraLines(c: CheckResult, tr: Translator): string[] {
  if (c.id === 'locks.blocking') return ((c.details.chains as Array<{ text: string }> | undefined) ?? []).map((chain) => tr.t('cmd.pg.preflight.chain', { text: chain.text }));
  if (c.id === 'sessions.long-running' || c.id === 'sessions.idle-in-transaction') {
    return ((c.details.sessions as Array<{ pid: number; query: string }> | undefined) ?? []).slice(1, 10).map((s) => tr.t('cmd.pg.preflight.alsoPid', { pid: s.pid, query: s.query }));
  }
  return [];
}

function formatDiff(diff: FingerprintDiff, a: string, b: string, tr: Translator): string {
  const lines: string[] = [];
  if (diff.identical) lines.push(tr.t('cmd.pg.diff.identical'));
  else if (!diff.drift) lines.push(tr.t('cmd.pg.diff.noDrift', { n: diff.namingEquivalent.length }));
  else lines.push(tr.t('cmd.pg.diff.drift', { n: diff.differences.length, plus: diff.namingEquivalent.length ? tr.t('cmd.pg.diff.plus', { n: diff.namingEquivalent.length }) : '' }));
  lines.push(`  A: ${a}  sha256 ${diff.sha256A}`);
  lines.push(`  B: ${b}  sha256 ${diff.sha256B}`);
  if (diff.differences.length) {
    lines.push(tr.t('cmd.pg.diff.legend'));
    const kindWidth = Math.max(...diff.differences.map((d) => d.kind.length));
    const typeWidth = Math.max(...diff.differences.map((d) => d.objectType.length));
    for (const d of diff.differences) lines.push(`  ${d.kind.padEnd(kindWidth)}  ${d.objectType.padEnd(typeWidth)}  ${d.name}: ${d.detail}`);
  }
  for (const n of diff.namingEquivalent) lines.push(tr.t('cmd.pg.diff.naming', { table: n.table, nameA: n.nameA, nameB: n.nameB, definition: n.definition }));
  return lines.join('\n');
}

/** source: where it came from, in English for --json (never translated); shown: the same for people, in `tr`'s language. */
async function readFingerprintArg(arg: string, vault: Vault | null, tr: Translator): Promise<{ fingerprint: SchemaFingerprint; source: string; shown: string }> {
  const { loadFingerprint, parseFingerprint } = await checks();
  if (arg.startsWith('vault:')) {
    const label = arg.slice('vault:'.length);
    if (!vault) throw new CliUsageError(tr.t('cmd.pg.diff.needsVault', { arg }));
    const stored = loadFingerprint(vault, label);
    const where = (words: Translator) => words.t('cmd.pg.diff.stored', { label, database: stored.database, seq: stored.seq, at: words.stamp(stored.at) });
    return { fingerprint: stored.fingerprint, source: where(translator('en')), shown: where(tr) };
  }
  const text = readBounded(arg, 64 << 20, 'fingerprint').toString('utf8');
  // "The file …" begins the core's own (English) refusal of a document that is not a fingerprint.
  return { fingerprint: parseFingerprint(text, `The file ${arg}`), source: arg, shown: arg };
}

interface PreflightFlags {
  db: string;
  requireTables?: string[];
  requireViews?: string[];
  requireIndexes?: string[];
  requireEnums?: string[];
  requireTypes?: string[];
  requireFks?: string[];
  longQuery?: string;
  idleInTransaction?: string;
  replicationLag?: string;
  archiveMaxAge?: string;
  statementTimeout?: string;
  json?: boolean;
}

function preflightOptions(opts: PreflightFlags): PreflightOptions {
  const required: RequiredObjects = {};
  if (opts.requireTables?.length) required.tables = opts.requireTables;
  if (opts.requireViews?.length) required.views = opts.requireViews;
  if (opts.requireIndexes?.length) required.indexes = opts.requireIndexes;
  if (opts.requireEnums?.length) required.enums = opts.requireEnums;
  if (opts.requireTypes?.length) required.types = opts.requireTypes;
  if (opts.requireFks?.length) required.foreignKeys = opts.requireFks;
  const options: PreflightOptions = {};
  if (Object.keys(required).length) options.required = required;
  if (opts.longQuery !== undefined) options.longQuerySeconds = parseSeconds(opts.longQuery, '--long-query');
  if (opts.idleInTransaction !== undefined) options.idleInTransactionSeconds = parseSeconds(opts.idleInTransaction, '--idle-in-transaction');
  if (opts.replicationLag !== undefined) options.replicationLagSeconds = parseSeconds(opts.replicationLag, '--replication-lag');
  if (opts.archiveMaxAge !== undefined) options.archiveMaxAgeSeconds = parseSeconds(opts.archiveMaxAge, '--archive-max-age');
  if (opts.statementTimeout !== undefined) options.statementTimeoutMs = Math.max(1, Math.round(parseSeconds(opts.statementTimeout, '--statement-timeout') * 1000));
  return options;
}

export function registerPg(program: Command, setExit: (code: number) => void): void {
  const pg = program.command('pg').description('read-only PostgreSQL checks: preflight, schema fingerprint, structural diff (the DSN carries no password: use PGPASSWORD or ~/.pgpass)');

  pg.command('preflight')
    .description('read-only checks before a cutover: version and settings, size, connections, long and idle-in-transaction sessions, blocking locks, replication, WAL archiving, invalid indexes, required objects (exit 1 if any FAIL)')
    .requiredOption('--db <dsn>', 'postgresql://user@host:port/dbname?sslmode=… (no password)')
    .option('--require-tables <names>', 'tables that must exist (comma-separated; schema.name or name; repeatable)', names)
    .option('--require-views <names>', 'views that must exist', names)
    .option('--require-indexes <names>', 'indexes that must exist', names)
    .option('--require-enums <names>', 'enum types that must exist', names)
    .option('--require-types <names>', 'types (enum, domain, composite, range) that must exist', names)
    .option('--require-fks <names>', 'foreign keys that must exist (name, table.name or schema.table.name)', names)
    .option('--long-query <duration>', 'report active queries running longer than this (default 5m)')
    .option('--idle-in-transaction <duration>', 'report sessions idle in a transaction longer than this (default 60s)')
    .option('--replication-lag <duration>', 'WARN when a replica replays further behind than this (default 60s)')
    .option('--archive-max-age <duration>', 'WARN when the last archived WAL segment is older than this (default 1h)')
    .option('--statement-timeout <duration>', 'statement_timeout of each check (default 5s)')
    .option('--json', 'print JSON')
    .action(async (opts: PreflightFlags) => {
      const { parseDsn, preflight } = await checks();
      await guarded(async () => parseDsn(opts.db, { lang: outputLang() }));
      // The checks' titles and summaries in the reader's language; --json keeps them in English.
      const options: PreflightOptions = { ...preflightOptions(opts), lang: opts.json ? 'en' : outputLang() };
      // The session's own refusals (cannot connect, no password) in the reader's language, --json or not.
      const report = await guarded(() => preflight(opts.db, options, { lang: outputLang() }));
      if (opts.json) printJson(report);
      else console.log(formatPreflight(report, outputLang()));
      setExit(report.checks.some((c) => c.status === 'FAIL') ? EXIT_FAILED : EXIT_OK);
    });

  pg.command('fingerprint')
    .description('a deterministic fingerprint of the schema from pg_catalog (tables, columns, constraints, indexes, foreign keys, enums, sequences, views)')
    .requiredOption('--db <dsn>', 'postgresql://user@host:port/dbname?sslmode=… (no password)')
    .option('--schema <name...>', 'only these schemas (default: every non-system schema)')
    .option('--out <file>', 'write the fingerprint document to this file')
    .option('--vault <path>', 'also store it in this vault (with --label)')
    .option('--label <label>', 'the name it is stored under, e.g. rehearsal-0019 or prod')
    .option('--run <run>', "with --vault: the run it is evidence of (it goes in that run's decision pack)")
    .option('--statement-timeout <duration>', 'statement_timeout of each catalog query (default 60s)')
    .option('--connections <n>', 'read-only connections reading side by side on one snapshot (default 4; 1 for a single session)')
    .option('--json', 'print JSON (the summary and the whole document)')
    .action(async (opts: { db: string; schema?: string[]; out?: string; vault?: string; label?: string; run?: string; statementTimeout?: string; connections?: string; json?: boolean }) => {
      if ((opts.vault === undefined) !== (opts.label === undefined)) throw new CliUsageError(cliWords().t('cmd.pg.fingerprint.vaultLabel'));
      if (opts.run !== undefined && opts.vault === undefined) throw new CliUsageError(cliWords().t('cmd.pg.fingerprint.runVault'));
      const { assertLabel, fingerprintDatabase, parseDsn, serializeFingerprint, storeFingerprint } = await checks();
      await guarded(async () => {
        parseDsn(opts.db, { lang: outputLang() });
        if (opts.label !== undefined) assertLabel(opts.label);
      });
      const statementTimeoutMs = opts.statementTimeout === undefined ? undefined : Math.max(1, Math.round(parseSeconds(opts.statementTimeout, '--statement-timeout') * 1000));
      const connections = opts.connections === undefined ? undefined : parseConnections(opts.connections);
      const vault = opts.vault ? await openVault(opts.vault) : null;
      try {
        // An unknown run is refused before the database is read: nothing is stored, no --out is written.
        if (vault && opts.run !== undefined) {
          const { assertRunInVault } = await import('../../core/checks/store');
          await guarded(async () => assertRunInVault(vault, opts.run!));
        }
        const taken = await guarded(() => fingerprintDatabase(opts.db, {
          ...(opts.schema ? { schemas: opts.schema } : {}),
          ...(statementTimeoutMs ? { statementTimeoutMs } : {}),
          ...(connections ? { connections } : {}),
        }, { lang: outputLang() }));
        const { fingerprint, meta } = taken;
        if (opts.out) {
          try {
            writeFileSync(opts.out, serializeFingerprint(fingerprint));
          } catch (error) {
            throw new CliUsageError(cliWords().t('cmd.pg.fingerprint.cannotWrite', { out: opts.out, why: (error as NodeJS.ErrnoException).code ?? (error as Error).message }));
          }
        }
        const stored = vault && opts.label
          ? await guarded(async () => storeFingerprint(vault, fingerprint, { label: opts.label!, database: meta.target, actor: defaultActor(), meta, ...(opts.run !== undefined ? { runId: opts.run } : {}) }))
          : null;
        for (const s of meta.missingSchemas) process.stderr.write(`cutover: ${cliWords().t('cmd.pg.fingerprint.missingSchema', { schema: s, target: meta.target })}\n`);
        if (opts.json) {
          printJson({ ...meta, sha256: fingerprint.sha256, out: opts.out ?? null, stored: stored ? { label: opts.label, run: opts.run ?? null, event: stored.event.seq, artifact: stored.artifact.id } : null, fingerprint });
          return;
        }
        const c = meta.counts;
        const tr = cliWords();
        console.log(tr.t('cmd.pg.fingerprint.head', { target: meta.target, version: meta.serverVersion, sha256: fingerprint.sha256 }));
        console.log(tr.t('cmd.pg.fingerprint.schemas', { list: fingerprint.schemas.join(', ') || tr.t('cmd.pg.fingerprint.none') }));
        console.log(tr.t('cmd.pg.fingerprint.counts', { tables: c.tables, columns: c.columns, constraints: c.constraints, foreignKeys: c.foreignKeys, indexes: c.indexes, triggers: c.triggers, views: c.views, sequences: c.sequences, enums: c.enums, domains: c.domains, compositeTypes: c.compositeTypes, extensions: c.extensions }));
        console.log(tr.t('cmd.pg.fingerprint.readIn', { duration: seconds(meta.durationMs, tr) }));
        if (opts.out) console.log(tr.t('cmd.pg.fingerprint.written', { out: opts.out }));
        if (stored) console.log(tr.t('cmd.pg.fingerprint.stored', { vault: String(opts.vault), label: String(opts.label), name: stored.artifact.name, seq: stored.event.seq, run: opts.run !== undefined ? tr.t('cmd.pg.fingerprint.evidenceOf', { run: opts.run }) : '' }));
      } finally {
        vault?.close();
      }
    });

  pg.command('diff')
    .description('compare two fingerprints, A the reference (e.g. the rehearsal clone) and B (e.g. prod): files, or vault:LABEL with --vault (exit 1 on drift; naming-equivalent foreign keys are not drift)')
    .argument('<fingerprint-a>', 'a fingerprint file, or vault:LABEL')
    .argument('<fingerprint-b>', 'a fingerprint file, or vault:LABEL')
    .option('--vault <path>', 'the vault holding vault:LABEL fingerprints')
    .option('--json', 'print JSON')
    .action(async (a: string, b: string, opts: { vault?: string; json?: boolean }) => {
      const needsVault = a.startsWith('vault:') || b.startsWith('vault:');
      const vault = needsVault && opts.vault ? await openVault(opts.vault) : null;
      try {
        const tr = cliWords();
        const [fa, fb] = await guarded(async () => [await readFingerprintArg(a, vault, tr), await readFingerprintArg(b, vault, tr)] as const);
        const { diffFingerprints } = await checks();
        // The rows' details in the reader's language; --json keeps them in English.
        const diff = diffFingerprints(fa.fingerprint, fb.fingerprint, { lang: opts.json ? 'en' : tr.lang });
        if (opts.json) printJson({ a: fa.source, b: fb.source, ...diff });
        else console.log(formatDiff(diff, fa.shown, fb.shown, tr));
        setExit(diff.drift ? EXIT_FAILED : EXIT_OK);
      } finally {
        vault?.close();
      }
    });
}
