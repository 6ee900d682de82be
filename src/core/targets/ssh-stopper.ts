// A running SSH command's stopper: a second session on the same connection, opened as soon as
// the command's shell has said its pid, running a tiny POSIX sh loop that signals the command's
// process group for each word it reads (TERM, KILL) and answers whether the group is still
// there. Its login shell (slow where ~/.bashrc is: pyenv, conda …) starts while the command
// runs, so a stop does not wait for a shell starting at stop time. EOF on its stdin (the command
// ended, or the connection went) ends the loop: nothing of it stays on the host.
import type { Client as SshClient, ClientChannel } from 'ssh2';

export type GroupState = 'gone' | 'alive';
/** TERM or KILL to the group; CHECK only asks whether it is still there. */
export type StopperWord = 'TERM' | 'KILL' | 'CHECK';

// $1: the process group. For each word read: TERM or KILL to the group (CHECK: nothing); after KILL, wait (at
// most ~5 s) for its processes to end; then say "<word> gone" or "<word> alive". Zombies (ended,
// not yet reaped) do not count where /proc tells them apart. No single quote in it: it travels
// single-quoted, which every login shell (sh, bash, zsh, csh, fish) reads as is.
const LOOP = [
  'g=$1',
  'live() { kill -s 0 -- "-$g" 2>/dev/null || return 1; [ -r /proc/self/stat ] || return 0; for f in /proc/[0-9]*/stat; do { read -r l < "$f"; } 2>/dev/null || continue; set -- ${l##*")"}; [ "$3" = "$g" ] && [ "$1" != Z ] && return 0; done; return 1; }',
  'while read -r s; do case $s in TERM|KILL) kill -s "$s" -- "-$g" 2>/dev/null;; esac; n=0; while [ "$s" = KILL ] && [ $n -lt 50 ] && live; do sleep 0.1 2>/dev/null || sleep 1; n=$((n+1)); done; if live; then echo "$s alive"; else echo "$s gone"; fi; done',
].join('; ');

/** The command that starts the loop for group `pgid` (its cmdline names it: cutover-stopper). */
export function stopperCommand(pgid: number): string {
  return `exec /bin/sh -c '${LOOP}' cutover-stopper ${pgid}`;
}

export class Stopper {
  private channel: ClientChannel | null = null;
  private queued: StopperWord[] = [];
  private readonly waiting: Array<{ word: StopperWord; resolve: (state: GroupState | null) => void }> = [];
  private buffered = '';
  private ended = false;
  /** False once the session was refused or has ended: signal() then resolves null at once. */
  usable = true;

  /**
   * Opens the stopper's session. `onRefused` is told (once) when the server refuses it or it
   * ends before it was closed: the caller then falls back to a session per signal.
   */
  constructor(client: SshClient, pgid: number, private readonly onRefused: (unanswered: StopperWord[]) => void) {
    try {
      client.exec(stopperCommand(pgid), (error, stream) => {
        if (error || !stream) return this.fail();
        if (this.ended) {
          safely(() => stream.end());
          return;
        }
        this.channel = stream;
        stream.on('error', () => undefined);
        stream.stderr.resume();
        stream.on('data', (chunk: Buffer) => this.read(chunk));
        stream.on('close', () => this.fail());
        for (const word of this.queued) stream.write(`${word}\n`);
        this.queued = [];
      });
    } catch {
      this.fail();
    }
  }

  /** Sends a word; resolves with what the loop saw after it, or null if it never answers. */
  signal(word: StopperWord): Promise<GroupState | null> {
    if (!this.usable) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiting.push({ word, resolve });
      if (this.channel) safely(() => this.channel?.write(`${word}\n`));
      else this.queued.push(word);
    });
  }

  /** EOF to the loop, which ends it (the command is over). */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.usable = false;
    const ch = this.channel;
    if (ch) safely(() => ch.end());
    this.answerAll(null);
  }

  private read(chunk: Buffer): void {
    this.buffered += chunk.toString('latin1');
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) !== -1) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      const match = /^(TERM|KILL|CHECK) (gone|alive)$/.exec(line);
      if (!match) continue;
      const at = this.waiting.findIndex((w) => w.word === match[1]);
      if (at === -1) continue;
      const [w] = this.waiting.splice(at, 1);
      w?.resolve(match[2] as GroupState);
    }
  }

  private fail(): void {
    if (!this.usable) return;
    this.usable = false;
    const unanswered = this.waiting.map((w) => w.word);
    this.answerAll(null);
    if (!this.ended) this.onRefused(unanswered);
  }

  private answerAll(state: GroupState | null): void {
    for (const w of this.waiting.splice(0)) w.resolve(state);
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // The channel or connection is already gone.
  }
}

/**
 * One word in a session of its own, then EOF: the fallback when the stopper's session was
 * refused (MaxSessions) or ended. Its shell starts now, so its answer may come late.
 */
export function signalOnce(client: SshClient, pgid: number, word: StopperWord): Promise<GroupState | null> {
  const once = new Stopper(client, pgid, () => undefined);
  const answer = once.signal(word);
  void answer.then(() => once.close());
  return answer;
}
