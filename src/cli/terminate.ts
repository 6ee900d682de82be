// What the CLI does when it is told to end (SIGTERM, SIGHUP, SIGINT) while a step runs: stop
// the step's commands at once, so an approved command never finishes its write after the
// process that records it is gone; let the caller record what it can; then exit with the
// conventional 128 + signal number.
import { constants } from 'node:os';
import { killStepProcessGroups, stepProcessGroupsDrained, stopRemoteSteps } from '../core/targets/process-groups';

const HANDLED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];

export interface TerminationOptions {
  /**
   * How long the callback's work and the commands' own exit may take before what is left of
   * the step process groups gets SIGKILL and the process exits anyway (default 8 s: longer than
   * the SSH executor's default 5 s between TERM and KILL on the host).
   */
  graceMs?: number;
}

const DEFAULT_GRACE_MS = 8_000;

/**
 * On SIGTERM, SIGHUP or SIGINT: SIGTERM to every registered step process group (synchronously,
 * first) and to every registered remote step (over its connection), then `onTerminate()`; once
 * its work is done (a returned promise settles) and the commands have exited, or after
 * `graceMs`, SIGKILL to any group still registered and exit with 128 + the signal's number. A second signal exits at once, after the SIGKILL. Any exit of the
 * process while a step runs SIGKILLs the groups too. Returns the function that removes the
 * handlers again.
 */
export function installTerminationHandlers(onTerminate: () => void | Promise<void>, options: TerminationOptions = {}): () => void {
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  let terminating = false;

  const exitWith = (signal: NodeJS.Signals): never => {
    killStepProcessGroups('SIGKILL');
    process.exit(128 + constants.signals[signal]);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (terminating) exitWith(signal);
    terminating = true;
    killStepProcessGroups('SIGTERM');
    const remote = stopRemoteSteps();
    let work: Promise<void>;
    try {
      work = Promise.resolve(onTerminate()).catch(reportFailure);
    } catch (error) {
      reportFailure(error);
      work = Promise.resolve();
    }
    let deadline: NodeJS.Timeout | undefined;
    const bounded = new Promise<void>((resolve) => {
      deadline = setTimeout(resolve, graceMs);
    });
    void Promise.race([Promise.all([work, stepProcessGroupsDrained(), remote]), bounded]).then(() => {
      clearTimeout(deadline);
      exitWith(signal);
    });
  };

  const onExit = () => {
    killStepProcessGroups('SIGKILL');
  };

  for (const signal of HANDLED) process.on(signal, onSignal);
  process.on('exit', onExit);
  return () => {
    for (const signal of HANDLED) process.off(signal, onSignal);
    process.off('exit', onExit);
  };
}

function reportFailure(error: unknown): void {
  process.stderr.write(`cutover: while stopping: ${error instanceof Error ? error.message : String(error)}\n`);
}
