// A doorbell for a publisher beside a vault (`ledger publish --follow`): the vault's folder
// watched (fs.watch), ringing when the vault file or its write-ahead log changes, so a new event
// is published as soon as it is appended rather than a poll later. Only a doorbell: the caller
// still looks at the vault's head at least every poll interval, and a folder that cannot be
// watched (a network share, no inotify left) costs only that.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Doorbell } from './doorbell';

export class VaultDoorbell {
  private watcher: FSWatcher | null = null;
  private readonly bell = new Doorbell();

  constructor(vaultPath: string) {
    const name = basename(vaultPath);
    try {
      this.watcher = watch(dirname(vaultPath), { persistent: false }, (_event, file) => {
        if (file === null || String(file).startsWith(name)) this.wake();
      });
      this.watcher.on('error', () => this.stopWatching());
    } catch {
      this.watcher = null;
    }
  }

  /** Whether the folder is watched (false: the poll alone). */
  get watching(): boolean {
    return this.watcher !== null;
  }

  /** Rings it (the vault changed, or the caller wants the waiter to look now). */
  wake(): void {
    this.bell.ring();
  }

  /** Resolves when the vault changed since the last wait, at once if it already has, or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    return this.bell.wait(timeoutMs);
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = null;
  }

  close(): void {
    this.stopWatching();
    this.wake();
  }
}
