// A file-system error on a path the user named (an --out folder that is a file, an input that
// is a folder, a missing directory, a full disk) is bad input or a fact of the machine, never
// an internal error: it becomes a message that names the path and what to do, and exit 2.

interface ErrnoLike {
  code: string;
  path?: string;
  dest?: string;
  syscall?: string;
}

function errnoOf(error: unknown): ErrnoLike | null {
  if (!(error instanceof Error)) return null;
  const e = error as Error & Partial<ErrnoLike>;
  return typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code) && typeof e.syscall === 'string' ? (e as unknown as ErrnoLike) : null;
}

const WRITES = new Set(['open', 'mkdir', 'write', 'rename', 'copyfile', 'symlink', 'link', 'utime', 'futime', 'fsync', 'close']);

/** The message for a file-system error on a user's path, or null when `error` is not one. */
export function fileSystemMessage(error: unknown): string | null {
  const e = errnoOf(error);
  if (!e) return null;
  const path = e.path ?? e.dest ?? 'a path';
  switch (e.code) {
    case 'ENOENT':
      return `No such file or folder: ${path}. Check the path${WRITES.has(e.syscall ?? '') ? ' (to write a file, its folder must exist)' : ''}.`;
    case 'EISDIR':
      return `${path} is a folder, where a file is needed: give a file name.`;
    case 'ENOTDIR':
      return `A part of ${path} is a file, where a folder is needed: give a folder (a new or existing one).`;
    case 'EEXIST':
      return `${path} already exists${e.syscall === 'mkdir' ? ' and is not a folder' : ''}: give another name, or move it away first.`;
    case 'EACCES':
    case 'EPERM':
      return `Permission denied on ${path}: check who owns it and its mode.`;
    case 'EROFS':
      return `${path} is on a read-only file system: write somewhere else.`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `The disk holding ${path} is full (or over quota): nothing more could be written there. Free some space and run the command again; files it had finished are intact.`;
    case 'ENAMETOOLONG':
      return `The name ${path} is too long for this file system.`;
    case 'ELOOP':
      return `${path} is a loop of symbolic links.`;
    default:
      return null;
  }
}
