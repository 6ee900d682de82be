// `cutover alembic`: read-only Alembic checks. `inspect` reads the scripts natively (and the
// database's alembic_version, read-only) and prints the graph, the upgrade path in Alembic's
// own order, and every finding; `sql` runs the real `alembic upgrade FROM:TO --sql` for a
// preview (with --vault and --run, also stored as evidence of that run). Exit 0 when nothing is
// an error, 1 when a finding is (or the preview failed), 2 for bad input.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { AlembicFinding, FileOrder, InspectReport } from '../../core/alembic';
import type { Vault } from '../../core/vault';
// Only what the command definitions need up front (both files import nothing heavy); the rest of
// core/alembic (pg, the script parser) loads inside the actions.
import { AlembicConfigError, AlembicDbError } from '../../core/alembic/errors';
import { DEFAULT_ALEMBIC_COMMAND } from '../../core/alembic/offline-sql';
import { defaultActor } from '../actor';
import { CliUsageError, EXIT_FAILED, EXIT_OK } from '../errors';
import { printJson } from '../format';
import { outputLang, cliWords } from '../lang';
import { translator, type Lang } from '../../shared/i18n';


interface InspectFlags {
  scripts: string;
  db?: string;
  from?: string;
  target: string;
  expectPath?: string;
  versionTable?: string;
  versionSchema?: string;
  fileOrder: string;
  json?: boolean;
}

interface SqlFlags {
  scripts: string;
  db?: string;
  from?: string;
  to: string;
  alembic?: string;
  out?: string;
  vault?: string;
  run?: string;
  label?: string;
  json?: boolean;
}

/** The vault module (SQLCipher, drizzle) loads only when a command uses a vault. */
async function openVault(path: string): Promise<Vault> {
  const { openVault: open } = await import('./vault');
  return open(path);
}

function idList(value: string, flag: string): string[] {
  const ids = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (ids.length === 0) throw new CliUsageError(cliWords().t('cmd.alembic.idList', { flag, value }));
  return ids;
}

function fileOrder(value: string): FileOrder {
  if (value !== 'directory' && value !== 'name') throw new CliUsageError(cliWords().t('cmd.alembic.fileOrder', { value }));
  return value;
}

function checkDsn(dsn: string, redactDsn: (dsn: string) => string): string {
  if (!/^postgres(?:ql)?(?:\+[\w-]+)?:\/\//.test(dsn)) throw new CliUsageError(cliWords().t('cmd.alembic.dsn', { dsn: redactDsn(dsn) }));
  return dsn;
}

/** Project-level problems the user fixes (no alembic.ini, no script_location) are usage errors. */
async function asUsage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AlembicConfigError) throw new CliUsageError(error.message);
    throw error;
  }
}

/** The preview store's refusals (an unknown run) are usage errors: exit 2, nothing stored. */
function asPreviewUsage<T>(preview: typeof import('../../core/alembic/sql-preview'), fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof preview.SqlPreviewInputError) throw new CliUsageError(error.message);
    throw error;
  }
}

/** The inspect report as people read it, in `lang` (the findings' messages are worded by the core, in the language inspectAlembic was given). */
export function formatInspect(r: InspectReport, lang: Lang = 'en'): string {
  const tr = translator(lang);
  const label: Record<AlembicFinding['severity'], string> = { error: tr.t('cmd.alembic.inspect.error'), warning: tr.t('cmd.alembic.inspect.warning'), info: tr.t('cmd.alembic.inspect.info') };
  const none = tr.t('cmd.alembic.inspect.none');
  const lines: string[] = [];
  lines.push(tr.t('cmd.alembic.inspect.project', { project: r.project.iniPath ?? r.project.scriptLocation, n: r.revisionCount }));
  lines.push(tr.t('cmd.alembic.inspect.heads', { list: r.heads.join(', ') || none }));
  lines.push(tr.t('cmd.alembic.inspect.bases', { list: r.bases.join(', ') || none }));
  for (const b of r.branchPoints) lines.push(tr.t('cmd.alembic.inspect.branchPoint', { revision: b.revision, next: b.next.join(', ') }));
  for (const m of r.mergePoints) lines.push(tr.t('cmd.alembic.inspect.mergePoint', { revision: m.revision, down: m.down.join(', ') }));
  if (r.database) {
    const d = r.database;
    if (!d.exists) lines.push(tr.t('cmd.alembic.inspect.noTable', { database: d.database, user: d.user, table: d.table, n: d.otherTables }));
    else lines.push(tr.t('cmd.alembic.inspect.table', { database: d.database, user: d.user, schema: String(d.schema), table: d.table, type: d.columnType ?? '?', n: d.revisions.length, rows: d.revisions.length ? `: ${d.revisions.join(', ')}` : '' }));
  }
  if (r.plan) {
    // "base" is Alembic's own name for the empty starting point, in every language.
    const from = r.plan.from.length ? r.plan.from.join(', ') : 'base';
    lines.push(tr.t('cmd.alembic.inspect.upgrade', { from, target: r.plan.target, n: r.plan.revisions.length }));
    r.plan.revisions.forEach((id, i) => lines.push(`  ${String(i + 1).padStart(3)}. ${id}`));
  } else {
    lines.push(tr.t('cmd.alembic.inspect.noPath'));
  }
  lines.push(r.findings.length ? tr.t('cmd.alembic.inspect.findings') : tr.t('cmd.alembic.inspect.noFindings'));
  for (const f of r.findings) lines.push(`  ${label[f.severity]} ${f.code}: ${f.message}`);
  lines.push(r.ok ? tr.t('cmd.alembic.inspect.ok') : tr.t('cmd.alembic.inspect.failed', { n: r.findings.filter((f) => f.severity === 'error').length }));
  return lines.join('\n');
}

export function registerAlembic(program: Command, setExit: (code: number) => void): void {
  const alembic = program.command('alembic').description('read-only Alembic checks: revision graph, upgrade path, alembic_version, offline SQL');

  alembic.command('inspect')
    .description('read the scripts (and alembic_version, read-only) and report heads, the upgrade path and findings (exit 1 on any error finding)')
    .requiredOption('--scripts <dir>', 'the folder holding alembic.ini (or the ini file, or the script directory)')
    .option('--db <dsn>', 'postgresql:// URL of the database (password from PGPASSWORD)')
    .option('--from <ids>', 'without --db: the revision(s) the database is at, comma-separated (default: the base)')
    .option('--target <rev>', 'head, heads, or a revision id', 'head')
    .option('--expect-path <ids>', "the runbook's expected upgrade path, comma-separated, checked against Alembic's order")
    .option('--version-table <name>', "Alembic's version_table", 'alembic_version')
    .option('--version-schema <schema>', "Alembic's version_table_schema (default: search_path)")
    .option('--file-order <order>', 'load order of revision files: directory (Alembic 1.8) or name (newer Alembic)', 'directory')
    .option('--json', 'print JSON')
    .action(async (opts: InspectFlags) => {
      if (opts.db !== undefined && opts.from !== undefined) throw new CliUsageError(cliWords().t('cmd.alembic.inspect.dbOrFrom'));
      const { inspectAlembic, readScriptDirectory, redactDsn } = await import('../../core/alembic');
      const report = await asUsage(() => inspectAlembic({
        scripts: opts.scripts,
        db: opts.db === undefined ? undefined : checkDsn(opts.db, redactDsn),
        from: opts.from === undefined ? undefined : idList(opts.from, '--from'),
        target: opts.target,
        expectPath: opts.expectPath === undefined ? undefined : idList(opts.expectPath, '--expect-path'),
        versionTable: opts.versionTable,
        versionTableSchema: opts.versionSchema,
        fileOrder: fileOrder(opts.fileOrder),
        // The findings' messages in the reader's language; --json keeps them in English.
        lang: opts.json ? 'en' : outputLang(),
      }).catch((error: unknown) => {
        // A project that cannot be read is a refusal, in the reader's language even with --json: the
        // scripts are read before anything else (no database yet), so reading them again says it in words.
        if (opts.json && error instanceof AlembicConfigError) readScriptDirectory(opts.scripts, { fileOrder: fileOrder(opts.fileOrder), lang: outputLang() });
        throw error;
      }));
      if (opts.json) printJson(report);
      else console.log(formatInspect(report, outputLang()));
      setExit(report.ok ? EXIT_OK : EXIT_FAILED);
    });

  alembic.command('sql')
    .description('preview: run the real `alembic upgrade FROM:TO --sql` and print the script (exit 1 when it cannot be rendered offline)')
    .requiredOption('--scripts <dir>', 'the folder holding alembic.ini (or the ini file)')
    .option('--db <dsn>', 'read the starting revision(s) from this database (read-only)')
    .option('--from <ids>', 'the starting revision(s), comma-separated (default: the base)')
    .option('--to <rev>', 'head, heads or a revision id', 'head')
    .option('--alembic <command>', 'how to run Alembic', DEFAULT_ALEMBIC_COMMAND.join(' '))
    .option('--out <file>', 'also write the script to this file')
    .option('--vault <path>', "also store the script in this vault as evidence of a run (with --run; it goes in that run's decision pack)")
    .option('--run <run>', 'with --vault: the run the preview is evidence of')
    .option('--label <label>', 'with --vault: the stored file is <label>.sql (default upgrade-<from>-to-<to>)')
    .option('--json', 'print JSON')
    .action(async (opts: SqlFlags) => {
      if (opts.db !== undefined && opts.from !== undefined) throw new CliUsageError(cliWords().t('cmd.alembic.sql.dbOrFrom'));
      if ((opts.vault === undefined) !== (opts.run === undefined)) throw new CliUsageError(cliWords().t('cmd.alembic.sql.vaultRun'));
      if (opts.label !== undefined && opts.vault === undefined) throw new CliUsageError(cliWords().t('cmd.alembic.sql.label'));
      const { locateProject, readVersionTable, redactDsn, renderOfflineSql } = await import('../../core/alembic');
      const project = await asUsage(async () => locateProject(opts.scripts, { lang: outputLang() }));
      if (!project.iniPath) throw new CliUsageError(cliWords().t('cmd.alembic.sql.noIni', { scripts: opts.scripts }));
      const command = (opts.alembic ?? '').split(/\s+/).filter((s) => s.length > 0);
      if (command.length === 0) throw new CliUsageError(cliWords().t('cmd.alembic.sql.noCommand'));
      let from: string[] = [];
      if (opts.from !== undefined) from = idList(opts.from, '--from');
      const preview = opts.vault !== undefined ? await import('../../core/alembic/sql-preview') : null;
      if (preview && opts.label !== undefined) asPreviewUsage(preview, () => preview.assertPreviewLabel(opts.label!));
      // The vault and the run are checked before Alembic runs: an unknown run stores nothing.
      const vault = opts.vault !== undefined ? await openVault(opts.vault) : null;
      try {
        if (vault && preview) asPreviewUsage(preview, () => preview.assertRunExists(vault, opts.run!, outputLang()));
        if (opts.db !== undefined) {
          try {
            from = (await readVersionTable(checkDsn(opts.db, redactDsn), { lang: outputLang() })).revisions;
          } catch (error) {
            if (!(error instanceof AlembicDbError)) throw error;
            process.stderr.write(`cutover: ${cliWords().t('cmd.alembic.sql.noVersion', { db: redactDsn(opts.db), message: error.message })}\n`);
            setExit(EXIT_FAILED);
            return;
          }
        }
        // Why a preview failed, in the reader's language; --json keeps it in English.
        const result = await renderOfflineSql({ projectDir: project.projectDir, iniPath: project.iniPath, from, to: opts.to, command, lang: opts.json ? 'en' : outputLang() });
        if (opts.out) writeFileSync(opts.out, result.sql);
        // A preview Alembic could not finish is not stored (it is not what would run); the exit is 1 as without --vault.
        const stored = vault && preview && result.ok
          ? asPreviewUsage(preview, () => preview.storeSqlPreview(vault, result, {
            runId: opts.run!,
            actor: defaultActor(),
            scriptsDir: project.projectDir,
            iniPath: project.iniPath,
            from,
            to: opts.to,
            ...(opts.db !== undefined ? { database: redactDsn(opts.db) } : {}),
            ...(opts.label !== undefined ? { label: opts.label } : {}),
            lang: outputLang(),
          }))
          : null;
        if (opts.json) printJson(vault ? { ...result, stored: stored ? { run: opts.run, label: stored.label, artifact: stored.artifact.id, name: stored.artifact.name, sha256: stored.artifact.sha256, event: stored.event.seq } : null } : result);
        else {
          process.stdout.write(result.sql);
          if (!result.ok) process.stderr.write(`cutover: ${result.reason}\n`);
        }
        if (vault && !opts.json) {
          const tr = cliWords();
          process.stderr.write(`cutover: ${stored
            ? tr.t('cmd.alembic.sql.stored', { vault: opts.vault!, name: stored.artifact.name, sha256: String(stored.artifact.sha256), seq: stored.event.seq, run: opts.run! })
            : tr.t('cmd.alembic.sql.notStored', { vault: opts.vault! })}\n`);
        }
        setExit(result.ok ? EXIT_OK : EXIT_FAILED);
      } finally {
        vault?.close();
      }
    });
}
