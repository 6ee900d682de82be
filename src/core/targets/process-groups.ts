// Every step command running on this workstation, by its process group, so that the process
// that started it (the CLI, the app) can stop them all when it is itself told to end. A command
// outliving the workstation would finish a mutating write that the evidence then records as
// interrupted, and that could run again. Commands on SSH hosts are here too, by the function
// that stops them (a signal can only reach them over their connection, so not synchronously).

const groups = new Set<number>();
const drainedWaiters = new Set<() => void>();

/**
 * Records a running step's process group (the pid of a leader started with `detached: true`).
 * Returns the function that forgets it once the command is over.
 */
export function registerStepProcessGroup(pgid: number): () => void {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new RangeError(`Not a process group id: ${pgid}`);
  groups.add(pgid);
  return () => {
    if (!groups.delete(pgid)) return;
    if (groups.size === 0) {
      for (const wake of [...drainedWaiters]) wake();
    }
  };
}

/** The process groups of the step commands running now. */
export function liveStepProcessGroups(): number[] {
  return [...groups];
}

/** Whether any process is left in group `pgid` (zombies included). */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else; it is alive all the same.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Sends `signal` to every registered step process group, synchronously (safe in a signal
 * handler or an 'exit' listener). Groups stay registered until their command is over.
 * Returns how many groups were signalled.
 */
export function killStepProcessGroups(signal: NodeJS.Signals = 'SIGTERM'): number {
  let signalled = 0;
  for (const pgid of groups) {
    try {
      process.kill(-pgid, signal);
      signalled++;
    } catch {
      // ESRCH: the group is gone already; its executor forgets it when it sees the exit.
    }
  }
  return signalled;
}

/** Resolves once no step process group is registered (at once when none is). */
export function stepProcessGroupsDrained(): Promise<void> {
  if (groups.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const wake = () => {
      drainedWaiters.delete(wake);
      resolve();
    };
    drainedWaiters.add(wake);
  });
}

const remoteSteps = new Set<() => Promise<unknown>>();

/**
 * Records how to stop a step command running on another host (TERM to its process group
 * there, KILL after a grace period; the promise settles when it has ended). Returns the
 * function that forgets it once the command is over.
 */
export function registerRemoteStep(stop: () => Promise<unknown>): () => void {
  remoteSteps.add(stop);
  return () => {
    remoteSteps.delete(stop);
  };
}

/** Stops every registered remote step command; settles once each has ended (or failed to stop). */
export async function stopRemoteSteps(): Promise<void> {
  await Promise.allSettled([...remoteSteps].map((stop) => stop()));
}
