// Open target sessions, keyed by target name: one place that connects, disconnects and closes
// them all when a run ends or the app quits. Errors leave as plain data (name, kind, message)
// so they cross IPC and are rebuilt into a TargetError on the other side.
import type { Target } from '../runbook/schema';
import { HttpExecutor } from './http';
import { LocalExecutor, type LocalExecutorOptions } from './local';
import { MysqlExecutor, type MysqlExecutorOptions } from './mysql';
import { PostgresExecutor, type PostgresExecutorOptions } from './postgres';
import { SshExecutor, type SshExecutorOptions } from './ssh';
import { TargetError } from './types';
import type { ExecFailure, Executor, TargetContext } from './types';

export interface ExecutorOptions {
  ssh?: SshExecutorOptions;
  postgres?: PostgresExecutorOptions;
  mysql?: MysqlExecutorOptions;
  local?: LocalExecutorOptions;
}

/** The executor for a target (not connected yet). */
export function createExecutor(name: string, target: Target, context: TargetContext, options: ExecutorOptions = {}): Executor {
  switch (target.kind) {
    case 'postgres':
      return new PostgresExecutor(name, target, context, options.postgres);
    case 'mysql':
      return new MysqlExecutor(name, target, context, options.mysql);
    case 'ssh':
      return new SshExecutor(name, target, context, options.ssh);
    case 'local':
      return new LocalExecutor(name, target, context, options.local);
    case 'http':
      return new HttpExecutor(name, target, context);
  }
}

/** A TargetError (or anything thrown) as plain data. */
export interface TargetErrorData {
  name: 'TargetError' | 'Error';
  /** 'internal' when the error was not a TargetError (a bug, not a target problem). */
  kind: ExecFailure | 'internal';
  message: string;
}

const KINDS = new Set<string>(['connection_lost', 'connect_failed', 'auth_failed', 'host_key_mismatch', 'host_key_unconfirmed', 'timeout', 'cancelled', 'sql_error', 'spawn_failed', 'tls_failed']);

export function toErrorData(error: unknown): TargetErrorData {
  if (error instanceof TargetError) return { name: 'TargetError', kind: error.kind, message: error.message };
  return { name: 'Error', kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** Rebuilds the error on the receiving side: a TargetError for target problems, else an Error. */
export function fromErrorData(data: TargetErrorData): Error {
  if (data.name === 'TargetError' && KINDS.has(data.kind)) return new TargetError(data.kind as ExecFailure, data.message);
  return new Error(data.message);
}

export type ConnectOutcome =
  | { ok: true; name: string; kind: Target['kind']; hostKey?: string; hostKeySource?: string }
  | { ok: false; name: string; kind: Target['kind']; error: TargetErrorData };

type Factory = (name: string, target: Target, context: TargetContext) => Executor;

export class TargetSessions {
  private readonly sessions = new Map<string, Executor>();

  constructor(private readonly factory: Factory = createExecutor) {}

  /**
   * Registers the executor for `name`, replacing (and closing) one already there, e.g. when a
   * run's targets change. Not connected yet: call connect().
   */
  async createExecutor(name: string, target: Target, context: TargetContext): Promise<Executor> {
    await this.disconnect(name);
    const executor = this.factory(name, target, context);
    this.sessions.set(name, executor);
    return executor;
  }

  get(name: string): Executor | undefined {
    return this.sessions.get(name);
  }

  names(): string[] {
    return [...this.sessions.keys()];
  }

  /** Connects and runs the target's test command; failures come back as data, never thrown. */
  async connect(name: string): Promise<ConnectOutcome> {
    const executor = this.sessions.get(name);
    if (!executor) return { ok: false, name, kind: 'local', error: { name: 'Error', kind: 'internal', message: `No session for target "${name}": create it first.` } };
    const kind = executor.target.kind;
    try {
      await executor.connect();
      const source = (executor as { hostKeySource?: string }).hostKeySource;
      return { ok: true, name, kind, ...(executor.hostKey ? { hostKey: executor.hostKey } : {}), ...(source ? { hostKeySource: source } : {}) };
    } catch (error) {
      return { ok: false, name, kind, error: toErrorData(error) };
    }
  }

  /** Closes and forgets one session (running commands on it are stopped). */
  async disconnect(name: string): Promise<void> {
    const executor = this.sessions.get(name);
    if (!executor) return;
    this.sessions.delete(name);
    await executor.close().catch(() => undefined);
  }

  /** Closes every session: at the end of a run, and when the app quits. */
  async closeAll(): Promise<void> {
    const all = [...this.sessions.keys()];
    await Promise.all(all.map((name) => this.disconnect(name)));
  }
}
