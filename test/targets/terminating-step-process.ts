// Starts terminating-step.ts as a real process (node --import tsx) and follows it: when its step
// has started, what it printed, and how it exited. Also the liveness checks the tests share.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TerminatingStep {
  /** Resolves once the step printed "started"; rejects if the process exits first. */
  started: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
}

export function startTerminatingStep(pidFile: string, ssh?: { target: unknown; sshConfigPath: string }): TerminatingStep {
  const args = ['--import', 'tsx', join(import.meta.dirname, 'terminating-step.ts'), pidFile, ...(ssh ? [JSON.stringify(ssh)] : [])];
  const cli = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => cli.once('exit', (code, signal) => resolve({ code, signal })));
  const started = new Promise<void>((resolve, reject) => {
    cli.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('started')) resolve();
    });
    void exited.then(() => reject(new Error(`exited before the step started: ${stderr}`)));
  });
  return { started, exited, stdout: () => stdout, stderr: () => stderr, kill: (signal) => cli.kill(signal) };
}

/** Whether `pid` runs (a zombie waiting to be reaped counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

/** Polls `condition` until it holds or `ms` pass (bounded; for states no event announces). */
export async function eventually(condition: () => boolean, ms = 5_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

export const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
