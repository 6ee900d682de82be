// What the engine asks of a target, whatever it is (PostgreSQL, SSH, local shell).
import type { Target } from '../runbook/schema';

export type OutputStream = 'stdout' | 'stderr';

export interface ExecRequest {
  /** Shell command (ssh, local) or SQL (postgres). */
  command: string;
  /** SQL only: run inside BEGIN READ ONLY (every check). */
  readOnly?: boolean;
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  /** postgres: per-step settings. */
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  /**
   * SQL only: values bound to the statement's placeholders ($1, $2… on postgres; ? on mysql),
   * never spliced into its text. `${param:NAME}` and `${value:STEP.NAME}` in a step's SQL become these.
   */
  params?: ReadonlyArray<string | number | boolean | null>;
  /** http: the request to send (`command` is then its request line, as the plan shows it). */
  http?: HttpRequestSpec;
  /** Aborting cancels the command (ssh/local: signal; postgres: pg_cancel_backend). */
  signal?: AbortSignal;
  /** Output as it arrives, already redacted. Called often; keep it cheap. */
  onOutput(chunk: Buffer, stream: OutputStream): void;
}

export type ExecFailure =
  | 'connection_lost'   // sshd died, backend terminated, socket closed mid-command
  | 'connect_failed'    // refused, unreachable, DNS
  | 'auth_failed'       // wrong credentials
  | 'host_key_mismatch' // pinned fingerprint differs
  | 'host_key_unconfirmed' // first use, and nobody confirmed the fingerprint
  | 'timeout'
  | 'cancelled'
  | 'sql_error'         // PostgreSQL refused the statement (incl. writes in READ ONLY)
  | 'tls_failed'        // https: the certificate did not verify (self-signed, expired, wrong host)
  | 'spawn_failed';

export interface ExecResult {
  /** Process exit code (ssh, local); 0/1 for SQL success/error. null if none was received. */
  exitCode: number | null;
  /** Signal that ended the process, e.g. "TERM", if any. */
  signal: string | null;
  failure: { kind: ExecFailure; message: string; sqlState?: string } | null;
  durationMs: number;
  /** SQL checks: the rows returned (first result), for value gates. */
  rows?: Record<string, unknown>[];
  /** SQL checks: the column names. */
  fields?: string[];
  /** http: the response, for expectations and captured values (`capture: {json: PATH}`). */
  http?: HttpResponseFacts;
}

/** One HTTP request, its path relative to the target's base_url; header values already expanded. */
export interface HttpRequestSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Sent as is (a YAML object was already turned into JSON text by the step). */
  body?: string;
}

export interface HttpResponseFacts {
  status: number;
  /** Time from sending the request to the last byte of the response. */
  latencyMs: number;
  /** The body parsed as JSON, when it is JSON (absent otherwise, or when the body was cut). */
  json?: unknown;
  /** The body as text, at most 1 MiB (bodyTruncated says when it was cut). */
  bodyText: string;
  bodyTruncated?: boolean;
}

/** Everything a connection needs beyond the runbook: secrets and host-key decisions. */
export interface TargetContext {
  /** Secret values by name (from the vault). Every one is also redacted from output. */
  secrets: Record<string, string>;
  /** ssh: called at first use (no pinned key) with the server's fingerprint; true pins it. */
  confirmHostKey?: (fingerprint: string) => boolean | Promise<boolean>;
  /** ssh: the pinned fingerprint from the vault, when the runbook has none. */
  pinnedHostKey?: string;
  /** ssh-agent socket (default SSH_AUTH_SOCK). */
  agentSocket?: string;
  /** ~/.ssh/config path for host aliases (default ~/.ssh/config). */
  sshConfigPath?: string;
  /** application_name for postgres sessions. */
  applicationName?: string;
}

export interface Executor {
  readonly target: Target;
  /** The fingerprint the host presented and was accepted (ssh only), after connect(). */
  readonly hostKey?: string;
  /** Connects and runs a test (ssh: `true`; postgres: SELECT 1). Throws TargetError. */
  connect(): Promise<void>;
  exec(request: ExecRequest): Promise<ExecResult>;
  close(): Promise<void>;
}

export class TargetError extends Error {
  constructor(readonly kind: ExecFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TargetError';
  }
}
