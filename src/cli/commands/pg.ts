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
  if (!m) throw new CliUsageError(`${flag} takes a duration like 30s, 5m or 2h, got "${value}".`);
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * factor;
}

function parseConnections(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 16) throw new CliUsageError(`--connections takes a number from 1 to 16, got "${value}".`);
  return Number(value);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
}

const STATUS_ORDER = ['FAIL', 'WARN', 'PASS', 'INFO'] as const;

export function formatPreflight(report: PreflightReport): string {
  const counts = STATUS_ORDER.map((s) => [s, report.checks.filter((c) => c.status === s).length] as const).filter(([, n]) => n > 0);
  const lines = [`Preflight of ${report.target}: ${report.status} (${counts.map(([s, n]) => `${n} ${s}`).join(', ')}) in ${seconds(report.durationMs)}`];
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const c of report.checks) {
    lines.push(`  ${c.status.padEnd(4)}  ${c.id.padEnd(width)}  ${c.summary}`);
    for (const extra of extraLines(c)) lines.push(`  ${' '.repeat(4)}  ${' '.repeat(width)}    ${extra}`);
  }
  return lines.join('\n');
}

/** The facts a person needs beyond the summary: every blocking chain, every missing object. */
function extraLines(c: CheckResult): string[] {
  if (c.id === 'locks.blocking') return ((c.details.chains as Array<{ text: string }> | undefined) ?? []).map((chain) => `chain: ${chain.text}`);
  if (c.id === 'sessions.long-running' || c.id === 'sessions.idle-in-transaction') {
    return ((c.details.sessions as Array<{ pid: number; query: string }> | undefined) ?? []).slice(1, 10).map((s) => `also pid ${s.pid}: ${s.query}`);
  }
  return [];
}

function formatDiff(diff: FingerprintDiff, a: string, b: string): string {
  const lines: string[] = [];
  if (diff.identical) lines.push('Identical: same schema fingerprint.');
  else if (!diff.drift) lines.push(`No drift: the only differences are ${diff.namingEquivalent.length} foreign key name(s) with matching definitions (naming-equivalent, allowed).`);
  else lines.push(`DRIFT: ${diff.differences.length} difference(s)${diff.namingEquivalent.length ? `, plus ${diff.namingEquivalent.length} naming-equivalent foreign key(s) (allowed)` : ''}.`);
  lines.push(`  A: ${a}  sha256 ${diff.sha256A}`);
  lines.push(`  B: ${b}  sha256 ${diff.sha256B}`);
  if (diff.differences.length) {
    lines.push('  (missing: in A, not in B; extra: in B, not in A)');
    const kindWidth = Math.max(...diff.differences.map((d) => d.kind.length));
    const typeWidth = Math.max(...diff.differences.map((d) => d.objectType.length));
    for (const d of diff.differences) lines.push(`  ${d.kind.padEnd(kindWidth)}  ${d.objectType.padEnd(typeWidth)}  ${d.name}: ${d.detail}`);
  }
  for (const n of diff.namingEquivalent) lines.push(`  naming-equivalent foreign key on ${n.table}: ${n.nameA} (A) = ${n.nameB} (B): ${n.definition}`);
  return lines.join('\n');
}

async function readFingerprintArg(arg: string, vault: Vault | null): Promise<{ fingerprint: SchemaFingerprint; source: string }> {
  const { loadFingerprint, parseFingerprint } = await checks();
  if (arg.startsWith('vault:')) {
    const label = arg.slice('vault:'.length);
    if (!vault) throw new CliUsageError(`${arg} names a fingerprint in a vault: give the vault with --vault <path>.`);
    const stored = loadFingerprint(vault, label);
    return { fingerprint: stored.fingerprint, source: `vault:${label} (${stored.database}, event #${stored.seq} at ${stored.at})` };
  }
  const text = readBounded(arg, 64 << 20, 'fingerprint').toString('utf8');
  return { fingerprint: parseFingerprint(text, `The file ${arg}`), source: arg };
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
      await guarded(async () => parseDsn(opts.db));
      const options = preflightOptions(opts);
      const report = await guarded(() => preflight(opts.db, options));
      if (opts.json) printJson(report);
      else console.log(formatPreflight(report));
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
      if ((opts.vault === undefined) !== (opts.label === undefined)) throw new CliUsageError('--vault and --label go together: the label is the name the fingerprint is stored under.');
      if (opts.run !== undefined && opts.vault === undefined) throw new CliUsageError('--run goes with --vault and --label: the fingerprint is stored in the vault as evidence of that run.');
      const { assertLabel, fingerprintDatabase, parseDsn, serializeFingerprint, storeFingerprint } = await checks();
      await guarded(async () => {
        parseDsn(opts.db);
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
        }));
        const { fingerprint, meta } = taken;
        if (opts.out) {
          try {
            writeFileSync(opts.out, serializeFingerprint(fingerprint));
          } catch (error) {
            throw new CliUsageError(`Cannot write ${opts.out} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
          }
        }
        const stored = vault && opts.label
          ? await guarded(async () => storeFingerprint(vault, fingerprint, { label: opts.label!, database: meta.target, actor: defaultActor(), meta, ...(opts.run !== undefined ? { runId: opts.run } : {}) }))
          : null;
        for (const s of meta.missingSchemas) process.stderr.write(`cutover: warning: schema "${s}" does not exist in ${meta.target}; it is fingerprinted as absent.\n`);
        if (opts.json) {
          printJson({ ...meta, sha256: fingerprint.sha256, out: opts.out ?? null, stored: stored ? { label: opts.label, run: opts.run ?? null, event: stored.event.seq, artifact: stored.artifact.id } : null, fingerprint });
          return;
        }
        const c = meta.counts;
        console.log(`Fingerprint of ${meta.target} (PostgreSQL ${meta.serverVersion}): sha256 ${fingerprint.sha256}`);
        console.log(`  schemas: ${fingerprint.schemas.join(', ') || '(none)'}`);
        console.log(`  ${c.tables} tables, ${c.columns} columns, ${c.constraints} constraints, ${c.foreignKeys} foreign keys, ${c.indexes} indexes, ${c.triggers} triggers, ${c.views} views, ${c.sequences} sequences, ${c.enums} enums, ${c.domains} domains, ${c.compositeTypes} composite types, ${c.extensions} extensions`);
        console.log(`  read in ${seconds(meta.durationMs)}`);
        if (opts.out) console.log(`  written to ${opts.out}`);
        if (stored) console.log(`  stored in ${opts.vault} as "${opts.label}" (artifact ${stored.artifact.name}, event #${stored.event.seq})${opts.run !== undefined ? `, evidence of run ${opts.run}` : ''}`);
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
        const [fa, fb] = await guarded(async () => [await readFingerprintArg(a, vault), await readFingerprintArg(b, vault)] as const);
        const { diffFingerprints } = await checks();
        const diff = diffFingerprints(fa.fingerprint, fb.fingerprint);
        if (opts.json) printJson({ a: fa.source, b: fb.source, ...diff });
        else console.log(formatDiff(diff, fa.source, fb.source));
        setExit(diff.drift ? EXIT_FAILED : EXIT_OK);
      } finally {
        vault?.close();
      }
    });
}
