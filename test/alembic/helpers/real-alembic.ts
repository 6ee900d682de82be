// The real Alembic (Debian's python3-alembic 1.8) as a child process: its CLI, and the oracle
// script that asks its ScriptDirectory API many questions in one process.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
const ORACLE = fileURLToPath(new URL('./alembic_oracle.py', import.meta.url));

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(argv: string[], options: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...options.env }, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** `python3 -m alembic ARGS` in the project folder. */
export function alembic(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return run([PYTHON, '-m', 'alembic', ...args], { cwd, env });
}

/** First token of each line of `alembic heads`. */
export function parseHeads(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.trim()).map((l) => l.trim().split(/[\s,]/)[0]!);
}

/** The revision of each line of `alembic history` ("down -> rev (head), doc"), newest first. */
export function parseHistory(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.includes('->')).map((l) => /-> ([^\s,]+)/.exec(l)![1]!);
}

/** The order of "-- Running upgrade X -> Y" markers in an `upgrade --sql` script. */
export function parseRunning(sql: string): string[] {
  return [...sql.matchAll(/^-- Running upgrade .*?-> (\S+)\s*$/gm)].map((m) => m[1]!);
}

export interface OracleCase {
  from: string[];
  to: string;
}

export interface OracleAnswer {
  heads: string[];
  bases: string[];
  realHeads: string[];
  realBases: string[];
  history: string[];
  loadOrder: string[];
  branchPoints: string[];
  mergePoints: string[];
  dependencyOrder: Record<string, string[]>;
  cases: Array<{ order: string[]; rows: string[] } | { order: string[]; bookkeepingFailure: { step: number; revision: string; error: string } } | { error: string; message: string }>;
  seconds: number;
  loadError?: string;
  message?: string;
}

/** Asks real Alembic's ScriptDirectory about many projects in one Python process. */
export async function askAlembic(projects: Array<{ dir: string; cases: OracleCase[] }>, env: Record<string, string> = {}): Promise<OracleAnswer[]> {
  const r = await run([PYTHON, ORACLE], { input: JSON.stringify(projects), env });
  if (r.code !== 0) throw new Error(`the Alembic oracle failed (exit ${r.code}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as OracleAnswer[];
}
