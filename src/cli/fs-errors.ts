// A file-system error on a path the user named (an --out folder that is a file, an input that
// is a folder, a missing directory, a full disk) is bad input or a fact of the machine, never
// an internal error: it becomes a message that names the path and what to do, and exit 2, in
// the language asked for (cli-words-{en,es}.ts).
import type { Translator } from '../shared/i18n/translator';

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

/** The message for a file-system error on a user's path, in `tr`'s language, or null when `error` is not one. */
export function fileSystemMessage(error: unknown, tr: Translator): string | null {
  const e = errnoOf(error);
  if (!e) return null;
  const path = e.path ?? e.dest ?? tr.t('cli.fs.aPath');
  switch (e.code) {
    case 'ENOENT':
      return tr.t('cli.fs.ENOENT', { path, writing: WRITES.has(e.syscall ?? '') ? tr.t('cli.fs.ENOENT.writing') : '' });
    case 'EISDIR':
    case 'ENOTDIR':
    case 'EROFS':
    case 'ENAMETOOLONG':
    case 'ELOOP':
      return tr.t(`cli.fs.${e.code}`, { path });
    case 'EEXIST':
      return tr.t('cli.fs.EEXIST', { path, notFolder: e.syscall === 'mkdir' ? tr.t('cli.fs.EEXIST.notFolder') : '' });
    case 'EACCES':
    case 'EPERM':
      return tr.t('cli.fs.EACCES', { path });
    case 'ENOSPC':
    case 'EDQUOT':
      return tr.t('cli.fs.ENOSPC', { path });
    default:
      return null;
  }
}
