// Offline SQL preview: the real `alembic upgrade FROM:TO --sql` run as a child process in the
// project folder, so the script kept as evidence is exactly what Alembic would send. Nothing
// connects to a database (offline mode). A migration that needs a live connection (it reads
// rows, reflects tables, calls op.get_bind()) cannot be rendered; the result says which one
// and why instead of returning a partial script as if it were whole.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { translate, type Lang } from '../../shared/i18n';

export const DEFAULT_ALEMBIC_COMMAND = ['/usr/bin/python3', '-m', 'alembic'];

export interface OfflineSqlOptions {
  /** The folder alembic runs in (where alembic.ini is). */
  projectDir: string;
  /** alembic.ini (default <projectDir>/alembic.ini). */
  iniPath?: string;
  /** The database's current revisions; empty = from the base (the script then creates alembic_version). */
  from: string[];
  /** "head", "heads" or a revision id. */
  to: string;
  /** How to run Alembic (default /usr/bin/python3 -m alembic). */
  command?: string[];
  /** Added to the child's environment (e.g. DATABASE_URL for env.py; never needed to connect). */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** The language of `reason` (default English, what --json and recorded text keep). */
  lang?: Lang;
}

export interface OfflineSqlResult {
  ok: boolean;
  /** The SQL script (stdout); on failure, what was rendered before the failure. */
  sql: string;
  stderr: string;
  exitCode: number | null;
  /** The command line that ran, for the evidence record. */
  argv: string[];
  /** The revisions whose "-- Running upgrade" markers appear, in order. */
  rendered: string[];
  /** On failure: the migration being rendered when it failed (null if none had started). */
  failedAt: string | null;
  /** On failure: a sentence for the operator. */
  reason: string | null;
}

// Alembic 1.8 cannot take several starting revisions on the command line (`upgrade a:b` takes
// one). For a database on several branches this runs command.upgrade's own code with a tuple.
const MULTI_FROM_DRIVER = `
import sys
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
ini, dest, starts = sys.argv[1], sys.argv[2], tuple(sys.argv[3:])
config = Config(ini)
script = ScriptDirectory.from_config(config)
def upgrade(rev, context):
    return script._upgrade_revs(dest, rev)
with EnvironmentContext(config, script, fn=upgrade, as_sql=True, starting_rev=starts, destination_rev=dest):
    script.run_env()
`;

function runningMarkers(sql: string): string[] {
  return [...sql.matchAll(/^-- Running upgrade .*?-> (\S+)\s*$/gm)].map((m) => m[1]!);
}

function lastError(stderr: string, failed: string | null, lang: Lang): string {
  if (failed) return failed;
  const lines = stderr.trim().split('\n').map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('INFO '));
  const tail = [...lines].reverse().find((l) => /^[\w.]+(Error|Exception|Exit)\b|^FAILED:|^ERROR/.test(l));
  return tail ?? lines[lines.length - 1] ?? translate(lang, 'alembic.sql.noErrorOutput');
}

export function renderOfflineSql(options: OfflineSqlOptions): Promise<OfflineSqlResult> {
  const projectDir = resolve(options.projectDir);
  const ini = resolve(projectDir, options.iniPath ?? 'alembic.ini');
  const command = options.command ?? DEFAULT_ALEMBIC_COMMAND;
  const lang = options.lang ?? 'en';
  if (!existsSync(projectDir)) {
    return Promise.resolve({ ok: false, sql: '', stderr: '', exitCode: null, argv: [...command], rendered: [], failedAt: null, reason: translate(lang, 'alembic.sql.noProject', { folder: projectDir }) });
  }
  let argv: string[];
  if (options.from.length <= 1) {
    const range = options.from.length === 1 ? `${options.from[0]}:${options.to}` : options.to;
    argv = [...command, '-c', ini, 'upgrade', range, '--sql'];
  } else {
    const [python, flag, mod] = command;
    if (flag !== '-m' || mod !== 'alembic' || !python) {
      return Promise.resolve({ ok: false, sql: '', stderr: '', exitCode: null, argv: [...command], rendered: [], failedAt: null, reason: translate(lang, 'alembic.sql.multiFrom', { n: options.from.length, revisions: options.from.join(', ') }) });
    }
    argv = [python, '-c', MULTI_FROM_DRIVER, ini, options.to, ...options.from];
  }
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: projectDir,
      // Never the workstation's own secrets (CUTOVER_PASSPHRASE, CUTOVER_KEY_PASSPHRASE, …).
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toUpperCase().startsWith('CUTOVER_'))), PYTHONDONTWRITEBYTECODE: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000);
    let done = false;
    const finish = (exitCode: number | null, spawnError?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      let sql = Buffer.concat(out).toString('utf8');
      // Alembic reports a CommandError as "FAILED: ..." on stdout, after the SQL so far.
      const failedLine = /^FAILED: (.*)$/m.exec(sql);
      if (failedLine) sql = sql.slice(0, failedLine.index);
      const stderr = Buffer.concat(err).toString('utf8');
      const rendered = runningMarkers(sql);
      if (spawnError) {
        resolve({ ok: false, sql, stderr, exitCode, argv, rendered, failedAt: null, reason: translate(lang, 'alembic.sql.cannotStart', { command: argv[0]!, message: spawnError.message }) });
        return;
      }
      if (exitCode === 0 && !timedOut) {
        resolve({ ok: true, sql, stderr, exitCode, argv, rendered, failedAt: null, reason: null });
        return;
      }
      // The marker of a migration is written before its upgrade() runs: the last one is the one that failed.
      const failedAt = rendered[rendered.length - 1] ?? null;
      const cause = timedOut ? translate(lang, 'alembic.sql.timedOut', { ms: options.timeoutMs ?? 120_000 }) : lastError(stderr, failedLine ? failedLine[1]!.trim() : null, lang);
      const reason = failedAt
        ? translate(lang, 'alembic.sql.migrationFailed', { revision: failedAt, cause })
        : `${translate(lang, 'alembic.sql.failed', { exit: exitCode ?? translate(lang, 'alembic.sql.killed'), cause })}${existsSync(ini) ? '' : ` ${translate(lang, 'alembic.sql.noIni', { ini })}`}`;
      resolve({ ok: false, sql, stderr, exitCode, argv, rendered, failedAt, reason });
    };
    child.on('error', (e) => finish(null, e));
    child.on('close', (code) => finish(code));
  });
}
