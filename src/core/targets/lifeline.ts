// A step's lifeline: a tiny watcher process that outlives the workstation. It holds the read end
// of a pipe whose only writer is this process; when this process ends without releasing it
// (SIGKILL, a crash, the OOM killer — nothing a handler can catch), the pipe closes and the
// watcher stops the step's process group: SIGTERM, then SIGKILL after a grace period. An
// approved command therefore never finishes a write after the process that records it is gone.
import { spawn } from 'node:child_process';

/** Seconds between the watcher's SIGTERM and SIGKILL to the group. */
const GRACE_SECONDS = 3;

// $1: the process group. "done" on the pipe: the step ended normally, nothing to do. Anything
// else, or end of file (the writer is gone): stop the group.
const WATCHER = `read -r word; [ "$word" = done ] && exit 0; kill -TERM "-$1" 2>/dev/null || exit 0; sleep ${GRACE_SECONDS}; kill -KILL "-$1" 2>/dev/null; exit 0`;

/**
 * Starts the lifeline of process group `pgid` (a leader spawned with `detached: true`). Returns
 * the function to call once the command is over, which lets the watcher exit quietly. POSIX
 * only (like process groups); where no /bin/sh can be started the step runs without one.
 */
export function holdLifeline(pgid: number): () => void {
  let watcher;
  try {
    watcher = spawn('/bin/sh', ['-c', WATCHER, 'cutover-lifeline', String(pgid)], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  } catch {
    return () => undefined;
  }
  watcher.on('error', () => undefined);
  watcher.stdin.on('error', () => undefined);
  // Neither the watcher nor its pipe keeps this process alive.
  watcher.unref();
  (watcher.stdin as unknown as { unref?: () => void }).unref?.();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    watcher.stdin.end('done\n');
  };
}
