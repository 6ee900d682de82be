// The stopper of an SSH connection's running commands: one more session on the connection,
// opened shortly after a command's shell has said its pid, running a tiny POSIX sh loop that, for
// each line "WORD PGID" it reads, signals that process group (TERM, KILL; CHECK: nothing) and
// answers whether the group is still there. Its login shell (slow where ~/.bashrc is: pyenv,
// conda …) starts while the commands run, so a stop does not wait for a shell starting at stop
// time. One per connection, shared by the commands running on it (MaxSessions counts sessions);
// EOF on its stdin (the last command ended, or the connection went) ends the loop: nothing of it
// stays on the host. Where its session is refused or ends, each word goes in a session of its
// own, as before it existed.
import type { Client as SshClient, ClientChannel } from 'ssh2';

export type GroupState = 'gone' | 'alive';
/** TERM or KILL to the group; CHECK only asks whether it is still there. */
export type StopperWord = 'TERM' | 'KILL' | 'CHECK';

// For each line "WORD PGID": TERM or KILL to the group; after KILL, wait (at most ~5 s) for its
// processes to end; then say "WORD PGID gone" or "WORD PGID alive". Zombies (ended, not yet
// reaped) do not count where /proc tells them apart. No single quote in it: it travels
// single-quoted, which every login shell (sh, bash, zsh, csh, fish) reads as is.
const LOOP = [
  'live() { kill -s 0 -- "-$g" 2>/dev/null || return 1; [ -r /proc/self/stat ] || return 0; for f in /proc/[0-9]*/stat; do { read -r l < "$f"; } 2>/dev/null || continue; set -- ${l##*")"}; [ "$3" = "$g" ] && [ "$1" != Z ] && return 0; done; return 1; }',
  'while read -r s g; do case $s in TERM|KILL) kill -s "$s" -- "-$g" 2>/dev/null;; esac; n=0; while [ "$s" = KILL ] && [ $n -lt 50 ] && live; do sleep 0.1 2>/dev/null || sleep 1; n=$((n+1)); done; if live; then echo "$s $g alive"; else echo "$s $g gone"; fi; done',
].join('; ');

/** The command that starts the loop (its cmdline names it: cutover-stopper). */
export const STOPPER_COMMAND = `exec /bin/sh -c '${LOOP}' cutover-stopper`;

interface Waiting { word: StopperWord; pgid: number; resolve: (state: GroupState | null | PromiseLike<GroupState | null>) => void }

export class Stopper {
  private channel: ClientChannel | null = null;
  private queued: string[] = [];
  private readonly waiting: Waiting[] = [];
  private buffered = '';
  private ended = false;
  /** False once the session was refused or has ended (or was closed). */
  usable = true;

  /** Opens the stopper's session. `fallback`: when it is refused or ends, each unanswered word in a session of its own. */
  constructor(private readonly client: SshClient, private readonly fallback = true) {
    try {
      client.exec(STOPPER_COMMAND, (error, stream) => {
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
        for (const line of this.queued) stream.write(line);
        this.queued = [];
      });
    } catch {
      this.fail();
    }
  }

  /** Sends a word for group `pgid`; resolves with what the loop saw after it, or null if no answer can come. */
  signal(pgid: number, word: StopperWord): Promise<GroupState | null> {
    if (!this.usable) return this.fallback ? signalOnce(this.client, pgid, word) : Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiting.push({ word, pgid, resolve });
      const line = `${word} ${pgid}\n`;
      if (this.channel) safely(() => this.channel?.write(line));
      else this.queued.push(line);
    });
  }

  /** EOF to the loop, which ends it (no command on the connection needs it any more). */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.usable = false;
    const ch = this.channel;
    if (ch) safely(() => ch.end());
    for (const w of this.waiting.splice(0)) w.resolve(null);
  }

  private read(chunk: Buffer): void {
    this.buffered += chunk.toString('latin1');
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) !== -1) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      const match = /^(TERM|KILL|CHECK) (\d+) (gone|alive)$/.exec(line);
      if (!match) continue;
      const at = this.waiting.findIndex((w) => w.word === match[1] && w.pgid === Number(match[2]));
      if (at === -1) continue;
      const [w] = this.waiting.splice(at, 1);
      w?.resolve(match[3] as GroupState);
    }
  }

  private fail(): void {
    if (!this.usable) return;
    this.usable = false;
    for (const w of this.waiting.splice(0)) w.resolve(this.fallback ? signalOnce(this.client, w.pgid, w.word) : null);
  }
}

/**
 * One word in a session of its own, then EOF: the fallback when the stopper's session was
 * refused (MaxSessions) or ended. Its shell starts now, so its answer may come late.
 */
export function signalOnce(client: SshClient, pgid: number, word: StopperWord): Promise<GroupState | null> {
  const once = new Stopper(client, false);
  const answer = once.signal(pgid, word);
  void answer.then(() => once.close());
  return answer;
}

// The connection's stopper, shared by the commands that hold it; closed when the last lets go.
const shared = new WeakMap<SshClient, { stopper: Stopper; holders: number }>();

/** The connection's stopper (opened now if it has none that works); call the returned release when the command is over. */
export function holdStopper(client: SshClient): { stopper: Stopper; release: () => void } {
  let entry = shared.get(client);
  if (!entry || !entry.stopper.usable) {
    entry = { stopper: new Stopper(client), holders: 0 };
    shared.set(client, entry);
  }
  const held = entry;
  held.holders++;
  let released = false;
  return {
    stopper: held.stopper,
    release: () => {
      if (released) return;
      released = true;
      held.holders--;
      if (held.holders === 0) {
        held.stopper.close();
        if (shared.get(client) === held) shared.delete(client);
      }
    },
  };
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // The channel or connection is already gone.
  }
}
