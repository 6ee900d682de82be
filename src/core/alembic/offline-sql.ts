// Offline SQL preview: the real `alembic upgrade FROM:TO --sql` run as a child process in the
// project folder, so the script kept as evidence is exactly what Alembic would send. Nothing
// connects to a database (offline mode). A migration that needs a live connection (it reads
// rows, reflects tables, calls op.get_bind()) cannot be rendered; the result says which one
// and why instead of returning a partial script as if it were whole.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

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

function lastError(stderr: string, failed: string | null): string {
  if (failed) return failed;
  const lines = stderr.trim().split('\n').map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('INFO '));
  const tail = [...lines].reverse().find((l) => /^[\w.]+(Error|Exception|Exit)\b|^FAILED:|^ERROR/.test(l));
  return tail ?? lines[lines.length - 1] ?? 'no error output';
}

export function renderOfflineSql(options: OfflineSqlOptions): Promise<OfflineSqlResult> {
  const projectDir = resolve(options.projectDir);
  const ini = resolve(projectDir, options.iniPath ?? 'alembic.ini');
  const command = options.command ?? DEFAULT_ALEMBIC_COMMAND;
  if (!existsSync(projectDir)) {
    return Promise.resolve({ ok: false, sql: '', stderr: '', exitCode: null, argv: [...command], rendered: [], failedAt: null, reason: `The project folder ${projectDir} does not exist.` });
  }
  let argv: string[];
  if (options.from.length <= 1) {
    const range = options.from.length === 1 ? `${options.from[0]}:${options.to}` : options.to;
    argv = [...command, '-c', ini, 'upgrade', range, '--sql'];
  } else {
    const [python, flag, mod] = command;
    if (flag !== '-m' || mod !== 'alembic' || !python) {
      return Promise.resolve({ ok: false, sql: '', stderr: '', exitCode: null, argv: [...command], rendered: [], failedAt: null, reason: `The database is on ${options.from.length} branches (${options.from.join(', ')}), and \`alembic upgrade FROM:TO --sql\` takes one starting revision; rendering from several needs the Python interpreter, so give the command as "<python> -m alembic".` });
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
        resolve({ ok: false, sql, stderr, exitCode, argv, rendered, failedAt: null, reason: `Could not start ${argv[0]}: ${spawnError.message}. Is Alembic installed there? Pass the command that runs it (e.g. /usr/bin/python3 -m alembic).` });
        return;
      }
      if (exitCode === 0 && !timedOut) {
        resolve({ ok: true, sql, stderr, exitCode, argv, rendered, failedAt: null, reason: null });
        return;
      }
      // The marker of a migration is written before its upgrade() runs: the last one is the one that failed.
      const failedAt = rendered[rendered.length - 1] ?? null;
      const cause = timedOut ? `it did not finish within ${options.timeoutMs ?? 120_000} ms` : lastError(stderr, failedLine ? failedLine[1]!.trim() : null);
      const reason = failedAt
        ? `Alembic could not render migration ${failedAt} offline: ${cause}. A migration that reads the database (a SELECT, reflection, op.get_bind()) cannot run in --sql mode; review that migration by hand and rehearse it on a clone. The script above it is incomplete.`
        : `Alembic could not render the upgrade offline (exit ${exitCode ?? 'killed'}): ${cause}.${existsSync(ini) ? '' : ` (${ini} does not exist.)`}`;
      resolve({ ok: false, sql, stderr, exitCode, argv, rendered, failedAt, reason });
    };
    child.on('error', (e) => finish(null, e));
    child.on('close', (code) => finish(code));
  });
}
