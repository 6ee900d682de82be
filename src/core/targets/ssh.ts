// The `ssh` target: commands on a remote host through ssh2, authenticated by ssh-agent, a key
// file or a password, with the host key pinned by its SHA256 fingerprint. A command that
// loses its connection FAILs as 'connection_lost' — it never passes for want of an exit code.
import type { ClientChannel } from 'ssh2';
import { checkStepVariables, StepEnvironmentError } from './child-env';
import { registerRemoteStep } from './process-groups';
import { redactingOutput, redactText, resolveSecretEnv, MissingSecretError } from './redact';
import { openSession, resolveEndpoint, seconds, type AcceptedHostKey, type HostKeySource, type SshSession, type SshTarget } from './ssh-connect';
import { holdStopper, type GroupState, type Stopper } from './ssh-stopper';
import { TargetError } from './types';
import type { ExecFailure, ExecRequest, ExecResult, Executor, TargetContext } from './types';

export { hostKeyFingerprint } from './ssh-connect';
export type { HostKeySource, SshTarget } from './ssh-connect';

export interface SshExecutorOptions {
  /** How long the TCP connect + SSH handshake + authentication may take (default 20 s). */
  readyTimeoutMs?: number;
  /** After the TERM signal, how long before KILL and closing the channel (default 5 s). */
  killGraceMs?: number;
  /**
   * After the KILL, how long the result waits for the host to say the command's process group
   * is gone (default 15 s: a slow login shell may start the stopper late). Past it the failure
   * says that nothing was confirmed.
   */
  stopConfirmMs?: number;
  /** SSH keepalives, so a silently dead network is noticed (default every 15 s, 3 missed). */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

/** A POSIX shell single-quoted word. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export class SshExecutor implements Executor {
  readonly kind = 'ssh';
  private accepted: AcceptedHostKey | undefined;
  private session: SshSession | null = null;
  private connecting: Promise<SshSession> | null = null;
  private readonly options: Required<SshExecutorOptions>;

  constructor(
    readonly name: string,
    readonly target: SshTarget,
    private readonly context: TargetContext,
    options: SshExecutorOptions = {},
  ) {
    this.options = {
      readyTimeoutMs: options.readyTimeoutMs ?? 20_000,
      killGraceMs: options.killGraceMs ?? 5_000,
      stopConfirmMs: options.stopConfirmMs ?? 15_000,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: options.keepaliveCountMax ?? 3,
    };
  }

  /** The fingerprint the host presented and that was accepted, once connected. */
  get hostKey(): string | undefined {
    return this.accepted?.fingerprint;
  }

  /** 'confirmed' when a person accepted it at first use: the engine records that as an event. */
  get hostKeySource(): HostKeySource | undefined {
    return this.accepted?.source;
  }

  get connected(): boolean {
    return this.session !== null && !this.session.closed;
  }

  async connect(): Promise<void> {
    const session = this.session && !this.session.closed ? this.session : await this.open();
    const probe = await this.run(session, { command: 'true', timeoutMs: this.options.readyTimeoutMs, onOutput: () => undefined });
    if (probe.failure) throw new TargetError(probe.failure.kind, probe.failure.message);
    if (probe.exitCode !== 0) {
      throw new TargetError('connect_failed', `Connected to ${this.describe()}, but running \`true\` there ended with ${probe.exitCode ?? probe.signal}: the account's shell does not run commands.`);
    }
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    const started = performance.now();
    if (request.signal?.aborted) return this.failedBeforeStart(started, 'cancelled', 'Cancelled before the command started.');
    let session: SshSession;
    try {
      session = this.session && !this.session.closed ? this.session : await this.open();
    } catch (error) {
      if (error instanceof TargetError) return this.failedBeforeStart(started, error.kind, error.message);
      throw error;
    }
    return this.run(session, request, started);
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (!session || session.closed) return;
    session.closing = true;
    // Stop what still runs (TERM to its process group) before the connection goes: a closed
    // connection alone leaves a command without a terminal running on the host.
    if (session.running.size > 0) {
      const finished = [...session.running].map((r) => {
        r.stop();
        return r.finished;
      });
      await Promise.race([Promise.all(finished), new Promise((r) => setTimeout(r, this.options.killGraceMs + 1_000))]);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      session.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      session.client.end();
    });
  }

  // ---- connecting ----------------------------------------------------------------------

  private describe(): string {
    try {
      const e = resolveEndpoint(this.target, this.context);
      return `${e.user}@${e.label}`;
    } catch {
      return this.target.host;
    }
  }

  private open(): Promise<SshSession> {
    this.connecting ??= Promise.resolve()
      .then(() => openSession({ name: this.name, target: this.target, context: this.context, accepted: this.accepted, ...this.options }))
      .then((session) => {
        this.accepted = session.hostKey;
        this.session = session;
        session.lost.add(() => {
          if (this.session === session) this.session = null;
        });
        return session;
      })
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }

  // ---- running a command ---------------------------------------------------------------

  private failedBeforeStart(started: number, kind: ExecFailure, message: string): ExecResult {
    return { exitCode: null, signal: null, failure: { kind, message }, durationMs: performance.now() - started };
  }

  /**
   * The environment and working directory travel on the channel's stdin, not on the command
   * line: sshd rarely accepts `env` requests, and a secret in a command line is visible to
   * everyone on the host in `ps`. The remote shell evals them, then runs the command as given.
   * Only the step's own variables travel (never a `CUTOVER_*` one: refused); nothing of the
   * workstation's environment is sent (no `env` request), so the remote command sees the
   * environment sshd gives the account plus these.
   */
  private preamble(request: ExecRequest): string | null {
    const env = resolveSecretEnv(request.env, this.context.secrets);
    checkStepVariables(env);
    const lines: string[] = [];
    for (const [name, value] of Object.entries(env)) lines.push(`export ${name}=${shellQuote(value)}`);
    for (const dir of [this.target.cwd, request.cwd]) {
      if (dir) lines.push(`cd -- ${shellQuote(dir)} || exit 1`);
    }
    return lines.length > 0 ? lines.join('\n') + '\n' : null;
  }

  private run(session: SshSession, request: ExecRequest, started = performance.now()): Promise<ExecResult> {
    let preamble: string | null;
    try {
      preamble = this.preamble(request);
    } catch (error) {
      if (error instanceof MissingSecretError || error instanceof StepEnvironmentError) return Promise.resolve(this.failedBeforeStart(started, 'spawn_failed', error.message));
      throw error;
    }
    // The first line on stdout is the remote shell's pid (the session's process group, since
    // sshd starts it with setsid): a timeout or cancel can then signal the whole group with
    // `kill` even where sshd refuses "signal" requests (OpenSSH does for root logins).
    const command = `echo $$\n${preamble === null ? '' : 'eval "$(cat)"\n'}${request.command}`;
    const out = redactingOutput(Object.values(this.context.secrets), request.onOutput);
    const where = this.describe();

    let stopNow: () => void = () => undefined;
    const finished = new Promise<ExecResult>((resolve) => {
      let done = false;
      let channel: ClientChannel | null = null;
      let exit: { code: number | null; signal: string | null } | null = null;
      let stopping: { kind: 'timeout' | 'cancelled'; message: string } | null = null;
      let lost: string | null = null;
      let refused: string | null = null;
      let remotePid: number | null = null;
      // The last signal sent, so a stop that came before the pid line reaches the group once
      // it arrives; and whether the channel is to be closed then (after KILL).
      let sentSignal: 'TERM' | 'KILL' | null = null;
      let closeOnPid: ClientChannel | null = null;
      let pidLine: Buffer | null = Buffer.alloc(0);
      const timers: NodeJS.Timeout[] = [];
      // The connection's stopper (ssh-stopper.ts), held from shortly after the pid line so its
      // login shell has started by the time a stop needs it. What the host said after the KILL
      // (or after the command's shell ended on TERM), and the answers the result waits for.
      let held: { stopper: Stopper; release: () => void } | null = null;
      let hostSays: GroupState | null = null;
      let leftovers = false;
      let awaiting = 0;
      let wantFinish = false;
      const warmStopper = () => {
        if (held !== null || done || remotePid === null) return;
        held = holdStopper(session.client);
      };
      const waitForHost = (answer: Promise<GroupState | null>, word: 'KILL' | 'CHECK') => {
        awaiting++;
        let counted = true;
        const release = () => {
          if (!counted) return;
          counted = false;
          awaiting--;
          if (wantFinish) finish();
        };
        void answer.then((state) => {
          if (word === 'KILL' || state !== null) hostSays = state;
          if (word === 'CHECK' && state === 'alive') leftovers = true;
          release();
        });
        timers.push(setTimeout(release, this.options.stopConfirmMs));
      };

      const stdout = (chunk: Buffer) => {
        if (pidLine === null) {
          out.write(chunk, 'stdout');
          return;
        }
        const data = Buffer.concat([pidLine, chunk]);
        const newline = data.indexOf(0x0a);
        if (newline === -1 && data.length < 24) {
          pidLine = data;
          return;
        }
        pidLine = null;
        const line = newline === -1 ? '' : data.subarray(0, newline).toString('latin1');
        if (/^\d+$/.test(line)) {
          remotePid = Number(line);
          if (sentSignal !== null) signalGroup(sentSignal);
          // A command that ends within this costs no second session.
          else timers.push(setTimeout(warmStopper, STOPPER_DELAY_MS));
          if (closeOnPid !== null) {
            const ch = closeOnPid;
            closeOnPid = null;
            safely(() => ch.close());
          }
          if (data.length > newline + 1) out.write(data.subarray(newline + 1), 'stdout');
        } else {
          // Not a POSIX login shell: pass everything on, and rely on the signal request alone.
          out.write(data, 'stdout');
        }
      };

      // `force`: the connection is gone, no answer can come.
      const finish = (force = false) => {
        if (done) return;
        if (!force && (awaiting > 0 || (leftovers && sentSignal !== 'KILL' && stopping))) {
          wantFinish = true;
          return;
        }
        done = true;
        for (const t of timers) clearTimeout(t);
        held?.release();
        request.signal?.removeEventListener('abort', onAbort);
        session.lost.delete(onLost);
        if (pidLine !== null && pidLine.length > 0) out.write(pidLine, 'stdout');
        out.end();
        let failure: ExecResult['failure'] = null;
        if (stopping) failure = { kind: stopping.kind, message: `${stopping.message}${sentSignal === 'KILL' ? unconfirmed(hostSays) : ''}.` };
        else if (refused !== null) failure = { kind: 'spawn_failed', message: refused };
        else if (lost !== null || !exit) failure = { kind: 'connection_lost', message: redactText(`Connection lost during the command on ${where}: ${lost ?? 'the session channel closed without an exit status'}. The command's outcome on the host is unknown; the output received so far is kept.`, Object.values(this.context.secrets)) };
        resolve({ exitCode: exit?.code ?? null, signal: exit?.signal ?? null, failure, durationMs: performance.now() - started });
      };

      // TERM or KILL to the command's process group through the stopper (opened now if it is
      // not yet); the result waits for the host's answer to a KILL.
      const signalGroup = (name: 'TERM' | 'KILL') => {
        warmStopper();
        if (held === null || remotePid === null) return;
        // (Its session refused or gone: the word goes in a session of its own, as before.)
        const answer = held.stopper.signal(remotePid, name);
        if (name === 'KILL') waitForHost(answer, 'KILL');
      };
      const signalRemote = (ch: ClientChannel, name: 'TERM' | 'KILL') => {
        sentSignal = name;
        safely(() => sendSignal(ch, name));
        if (remotePid !== null) signalGroup(name);
      };
      const stop = (kind: 'timeout' | 'cancelled', reason: string) => {
        if (stopping || done) return;
        stopping = { kind, message: `${reason}: sent SIGTERM to the remote command` };
        if (!channel) {
          finish();
          return;
        }
        const ch = channel;
        signalRemote(ch, 'TERM');
        timers.push(setTimeout(() => {
          if (done || !stopping) return;
          stopping.message += `, then SIGKILL after ${seconds(this.options.killGraceMs)} and closed the channel`;
          signalRemote(ch, 'KILL');
          // Closing the channel before the shell said its pid would leave what it started
          // running on the host (only a write to the closed pipe would stop it): wait one more
          // grace period for the pid line, then close regardless.
          let closeAfterMs = 0;
          if (remotePid !== null || pidLine === null) safely(() => ch.close());
          else {
            closeOnPid = ch;
            closeAfterMs = this.options.killGraceMs;
            timers.push(setTimeout(() => safely(() => ch.close()), closeAfterMs));
          }
          // If the channel never confirms its close (a dead connection), give up waiting.
          timers.push(setTimeout(finish, closeAfterMs + 2_000));
        }, this.options.killGraceMs));
      };
      const onAbort = () => stop('cancelled', 'Cancelled by the operator');
      const onLost = (reason: string, closedByUs: boolean) => {
        if (closedByUs) stopping ??= { kind: 'cancelled', message: 'Stopped because the target session was closed' };
        else lost = reason;
        finish(true);
      };

      stopNow = () => stop('cancelled', 'Stopped because the target session was closed');
      request.signal?.addEventListener('abort', onAbort, { once: true });
      session.lost.add(onLost);
      if (request.timeoutMs !== undefined && request.timeoutMs > 0) {
        const timeoutMs = request.timeoutMs;
        timers.push(setTimeout(() => stop('timeout', `Timed out after ${seconds(timeoutMs)}`), timeoutMs));
      }

      // A host that allows one session per connection (MaxSessions 1) refuses a new session
      // until it has finished closing the last one, a moment after its channel closed (or while
      // the connection's stopper, opened just as a command ended, closes): the session is asked
      // for again, for at most SESSION_RETRY_MS, before the command counts as refused.
      const askedAt = performance.now();
      const openChannel = (): void => {
        try {
          session.client.exec(command, (error, stream) => {
            if (done) {
              if (stream) safely(() => stream.close());
              return;
            }
            if (error) {
              if (session.closed) lost ??= error.message;
              else if (performance.now() - askedAt < SESSION_RETRY_MS) {
                timers.push(setTimeout(openChannel, SESSION_RETRY_EVERY_MS));
                return;
              } else refused = `${where} refused to open a session for the command (${error.message}): too many sessions (MaxSessions), or the account may not run commands.`;
              finish();
              return;
            }
            channel = stream;
            stream.on('data', stdout);
            stream.stderr.on('data', (chunk: Buffer) => out.write(chunk, 'stderr'));
            stream.on('exit', (code: number | null, signal?: string) => {
              exit = { code: typeof code === 'number' ? code : null, signal: signal ? signal.replace(/^SIG/, '') : null };
            });
            stream.on('close', () => {
              // The command's shell ended on the TERM: ask the stopper whether anything of its
              // group is left (a child that ignores TERM); if so, the KILL after the grace period.
              if (stopping && sentSignal === 'TERM' && held?.stopper.usable && remotePid !== null) waitForHost(held.stopper.signal(remotePid, 'CHECK'), 'CHECK');
              // A close that comes with the connection's end is reported by onLost; wait a tick.
              setImmediate(finish);
            });
            stream.on('error', () => undefined);
            // stdin: the preamble (if any), then EOF, so a command that reads stdin does not hang.
            if (preamble !== null) stream.end(preamble);
            else stream.end();
          });
        } catch (error) {
          lost = (error as Error).message;
          finish();
        }
      };
      openChannel();
    });
    const entry = { stop: () => stopNow(), finished };
    session.running.add(entry);
    // So the CLI or the app, told to end, can stop it on the host (see process-groups.ts).
    const forget = registerRemoteStep(() => {
      stopNow();
      return finished;
    });
    void finished.finally(() => {
      session.running.delete(entry);
      forget();
    });
    return finished;
  }
}

/**
 * Sends a "signal" channel request. ssh2's Channel.signal() does nothing once the channel's
 * stdin is ended (we end it at once, so commands see EOF), so send it as that method would.
 */
function sendSignal(channel: ClientChannel, name: 'TERM' | 'KILL'): void {
  const internals = channel as unknown as { outgoing?: { id: number; state: string }; _client?: { _protocol?: { signal(id: number, signal: string): void } } };
  const protocol = internals._client?._protocol;
  if ((internals.outgoing?.state === 'open' || internals.outgoing?.state === 'eof') && protocol) protocol.signal(internals.outgoing.id, name);
  else channel.signal(name);
}

/** How long a refused session is asked for again, and how often. */
const SESSION_RETRY_MS = 2000;
const SESSION_RETRY_EVERY_MS = 50;

/** Opening the stopper waits this long after the pid line. */
const STOPPER_DELAY_MS = 250;

/** What the failure adds when the host did not confirm that the KILL ended the command. */
function unconfirmed(hostSays: GroupState | null): string {
  if (hostSays === 'gone') return '';
  if (hostSays === 'alive') return '; its process group was still running on the host after that: check the host';
  return '; not confirmed that its processes on the host have ended (no answer from the host): check the host';
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // The channel or connection is already gone.
  }
}
