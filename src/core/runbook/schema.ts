// The runbook format: what a DBA brings to the workstation, as YAML validated by zod.
// Everything the engine, the approval digest and the decision pack need comes from here.
// `cutover runbook schema` exports this as JSON Schema so editors can complete it.
import { dsnCarriesPassword } from './dsn';
import { z } from 'zod';

/** Durations as people write them in runbooks: "90s", "5m", "2h", "1500ms". */
export const durationSchema = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'a duration like "30s", "5m" or "2h"');

export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * factor);
}

/** "verificación" → "verificacion", "Größe" → "Grosse": the ASCII form of a name written with accents. */
export function asciiForm(text: string): string {
  return text.replace(/ß/g, 'ss').replace(/[Ææ]/g, (c) => (c === 'Æ' ? 'AE' : 'ae')).replace(/[Øø]/g, (c) => (c === 'Ø' ? 'O' : 'o'))
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9_.-]+/g, '-');
}

/** The message for a name that breaks `rule`: accented letters get the ASCII form to use instead. */
function nameMessage(rule: string) {
  return (issue: { input?: unknown }): string => {
    const input = typeof issue.input === 'string' ? issue.input : '';
    // eslint-disable-next-line no-control-regex -- any character outside ASCII
    if (/[^\u0000-\u007f]/.test(input)) {
      const ascii = asciiForm(input);
      return `${rule}; "${input}" has letters outside ASCII (ids and evidence names are kept ASCII so every tool, file system and signature reads them alike): write "${ascii}"`;
    }
    return rule;
  };
}

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { error: nameMessage('an id: letters, digits, _ . -, up to 64') });
/** An evidence file name as it appears in the runbook's evidence pack list. */
const evidenceName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, { error: nameMessage('a plain file name like "prod_heads_preflight.log"') });
/** An environment variable name. */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name like "PGOPTIONS" (letters, digits, _)');
/** "T-60", "T-0", "T+30", optionally with a unit: "T-30m". */
const offset = z.string().regex(/^T[+-]\d+(m|h)?$/, 'a time offset like "T-60", "T-0" or "T+30"');

/** A regular expression given as text; it must compile. */
const regex = z.string().min(1).superRefine((value, ctx) => {
  try {
    new RegExp(value, 'm');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, '')})` });
  }
});

export const roleSchema = z.enum(['operator', 'approver', 'observer']);
export type RunbookRole = z.output<typeof roleSchema>;

/** Who may decide (rollback, stop, retry, and the formal decision) when the runbook names nobody. */
export const DEFAULT_DECIDERS: readonly RunbookRole[] = ['operator', 'approver'];

/** One role or a list of them, normalised to a list without repeats. */
const deciders = z.union([roleSchema, z.array(roleSchema).min(1)]).transform((value): RunbookRole[] => [...new Set(Array.isArray(value) ? value : [value])]);

// ---- targets ---------------------------------------------------------------------------

export { dsnCarriesPassword };

/**
 * The login SQL checks use instead of the target's own user: BEGIN READ ONLY is not a sandbox
 * (a superuser can still run programs, write server files, signal backends, commit through
 * dblink), so checks run through a login whose privileges cannot. The DSN's host, port and
 * database stay; the user and the password (the named secret) are this login's.
 */
const checkLogin = z.object({
  /** The PostgreSQL role to log in as, e.g. "cutover_check". */
  user: z.string().min(1).max(63),
  /** The secret holding that login's password (a name under `secrets:`). */
  secret: id,
}).strict().describe('The login SQL checks use instead of the DSN\'s user (user and secret; host, port and database stay). Make it read-only: CREATE ROLE cutover_check LOGIN PASSWORD \'…\'; GRANT pg_read_all_data, pg_monitor TO cutover_check. A superuser, or a login that can run programs, write server files, signal backends or use dblink, is refused in production.');

const postgresTarget = z.object({
  kind: z.literal('postgres'),
  /** DSN without the password: the secret lives in the vault (see `secret`). */
  dsn: z.string().regex(/^postgres(ql)?:\/\//, 'a postgresql:// DSN').refine((dsn) => !dsnCarriesPassword(dsn), 'the DSN carries a password: remove it and name a secret instead (the secret lives in the vault)'),
  secret: id.optional(),
  check_login: checkLogin.optional(),
  tls: z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']).default('prefer'),
  application_name: z.string().max(63).optional(),
  description: z.string().optional(),
}).strict();

const sshTarget = z.object({
  kind: z.literal('ssh'),
  /** A host name, an address, or a ~/.ssh/config alias. */
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().optional(),
  /** The pinned host key, "SHA256:…". Absent: shown at first use for confirmation, then pinned. */
  host_key: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a host key fingerprint like "SHA256:…" (43 base64 characters)').optional(),
  auth: z.enum(['agent', 'key', 'password']).default('agent'),
  key_file: z.string().optional(),
  secret: id.optional(),
  cwd: z.string().optional(),
  description: z.string().optional(),
}).strict();

const localTarget = z.object({
  kind: z.literal('local'),
  cwd: z.string().optional(),
  shell: z.string().default('/bin/sh'),
  description: z.string().optional(),
}).strict();

export const targetSchema = z.discriminatedUnion('kind', [postgresTarget, sshTarget, localTarget]);

// ---- gates -----------------------------------------------------------------------------

const expectation = z.union([
  z.object({ exit_code: z.number().int() }).strict(),
  z.object({ output_contains: z.string().min(1) }).strict(),
  z.object({ output_not_contains: z.string().min(1) }).strict(),
  z.object({ output_matches: regex }).strict(),
  z.object({
    /** A value pulled out of the output (first capture group) or an SQL result column. */
    value: z.object({
      pattern: regex.optional(),
      column: z.string().optional(),
      equals: z.union([z.string(), z.number(), z.boolean()]),
      label: z.string().optional(),
    }).strict(),
  }).strict(),
  z.object({
    threshold: z.object({
      metric: z.string().min(1),
      op: z.enum(['<', '<=', '>', '>=', '==', '!=']),
      value: z.number(),
    }).strict(),
  }).strict(),
]);

const abortGate = z.object({
  /** A regex evaluated on the streaming output. */
  pattern: regex,
  label: z.string().optional(),
  /** block (default): the step finishes, the run becomes BLOCKED. cancel: stop the command at once. */
  on_match: z.enum(['block', 'cancel']).default('block'),
}).strict();

// ---- steps -----------------------------------------------------------------------------

const stepBase = {
  id,
  title: z.string().min(1),
  instructions: z.string().optional(),
  /** The evidence file this step produces, e.g. "prod_upgrade_0019_to_head.log". */
  evidence: evidenceName.optional(),
  at: offset.optional(),
};

const execCommon = {
  target: id,
  expect: z.array(expectation).default([]),
  abort_on: z.array(abortGate).default([]),
  timeout: durationSchema.optional(),
  env: z.record(envName, z.string()).default({}),
  cwd: z.string().optional(),
  statement_timeout: durationSchema.optional(),
  lock_timeout: durationSchema.optional(),
  /**
   * Environment variables whose values come from declared secrets, e.g. `PGPASSWORD: prod_db_password`
   * for a shell command (alembic, psql) that connects to the database itself. The value is read
   * from the vault when the step runs, never written in the runbook, and redacted from all output.
   */
  secret_env: z.record(envName, id).default({}),
  must_match_rehearsal: z.boolean().optional().describe('Production bound to a rehearsal: whether a difference from the rehearsal\'s same step is a deviation (policy rehearsal.deviation says what it does). Default: true for command steps, false for checks (a differing check is shown, never blocks).'),
};

const attestStep = z.object({ ...stepBase, kind: z.literal('attest'), statement: z.string().min(1), by: roleSchema.default('operator') }).strict();

const recordStep = z.object({
  ...stepBase,
  kind: z.literal('record'),
  fields: z.array(z.object({ name: id, label: z.string().min(1), pattern: regex.optional(), required: z.boolean().default(true), same_as_rehearsal: z.boolean().optional().describe('Production bound to a rehearsal: the value must equal the one the rehearsal recorded (the migration commit, the release tag), or recording it is refused with both values shown.') }).strict()).min(1),
}).strict();

const checkStep = z.object({
  ...stepBase,
  ...execCommon,
  kind: z.literal('check'),
  /** SQL, run inside BEGIN READ ONLY on a postgres target. */
  sql: z.string().min(1).optional(),
  /** A shell command on an ssh or local target; must be declared read_only: true. */
  run: z.string().min(1).optional(),
  read_only: z.boolean().optional(),
}).strict().superRefine((step, ctx) => {
  if (Boolean(step.sql) === Boolean(step.run)) ctx.addIssue({ code: 'custom', message: 'a check has exactly one of `sql` or `run`' });
  if (step.run && step.read_only !== true) ctx.addIssue({ code: 'custom', path: ['read_only'], message: 'a shell check must be declared `read_only: true` (it is shown as "declared read-only"); a command that changes anything is a `command` step' });
});

const commandStep = z.object({ ...stepBase, ...execCommon, kind: z.literal('command'), run: z.string().min(1) }).strict();

const manualStep = z.object({ ...stepBase, kind: z.literal('manual'), instructions: z.string().min(1) }).strict();

const monitorStep = z.object({
  ...stepBase,
  kind: z.literal('monitor'),
  probe: z.object({
    url: z.string().url(),
    method: z.enum(['GET', 'HEAD']).default('GET'),
    every: durationSchema,
    for: durationSchema,
    timeout: durationSchema.default('5s'),
    /** A response counts as an error when its status is outside this list (default 2xx/3xx). */
    ok_status: z.array(z.number().int()).optional(),
  }).strict(),
  /** e.g. "error_rate_pct <= 2.0", "p95_ms <= 1200". */
  thresholds: z.array(z.string().regex(/^(error_rate_pct|p50_ms|p95_ms|p99_ms|max_ms)\s*(<=|<|>=|>)\s*\d+(\.\d+)?$/, 'a threshold like "error_rate_pct <= 2.0" or "p95_ms <= 1200"')).min(1),
}).strict();

export const stepSchema = z.discriminatedUnion('kind', [attestStep, recordStep, checkStep, commandStep, manualStep, monitorStep]);

const phaseSchema = z.object({
  id,
  title: z.string().min(1),
  at: offset.optional(),
  purpose: z.string().optional(),
  steps: z.array(stepSchema).min(1),
}).strict();

// ---- the runbook -----------------------------------------------------------------------

export const runbookSchema = z.object({
  format: z.literal('cutover-runbook/v1'),
  id,
  title: z.string().min(1),
  version: z.union([z.string().min(1), z.number()]).transform(String),
  description: z.string().optional(),
  status: z.string().optional(),
  roles: z.partialRecord(roleSchema, z.object({ min: z.number().int().min(0).default(1), description: z.string().optional() }).strict()).default({}),
  policy: z.object({
    approvals: z.object({
      /** Approver signatures over the plan a command step needs. The operator never counts. */
      quorum: z.number().int().min(1).default(1),
      role: roleSchema.default('approver'),
    }).strict().default({ quorum: 1, role: 'approver' }),
    /** The role(s) that may decide: rollback, stop, retry and the formal decision. */
    decide: deciders.default(() => [...DEFAULT_DECIDERS]).describe('The role, or list of roles, that may decide: rollback, stop, retry and the formal decision. Default: operator and approver.'),
  }).strict().default(() => ({ approvals: { quorum: 1, role: 'approver' as const }, decide: [...DEFAULT_DECIDERS] })),
  targets: z.record(id, targetSchema).refine((t) => Object.keys(t).length > 0, 'name at least one target'),
  /** Named secrets (values entered into the vault, never written in the runbook). */
  secrets: z.array(z.object({ name: id, description: z.string().optional() }).strict()).default([]),
  env: z.record(envName, z.string()).default({}),
  preconditions: z.array(attestStep.or(recordStep)).default([]),
  phases: z.array(phaseSchema).min(1),
  rollback: z.object({
    triggers: z.array(z.string()).default([]),
    instructions: z.string().optional(),
    steps: z.array(stepSchema).default([]),
  }).strict().optional(),
  evidence_pack: z.array(evidenceName).default([]),
  rehearsal: z.object({
    required: z.boolean().default(false).describe('true: a production run starts only bound to a rehearsal pack (run start --rehearsal PACK).'),
    deviation: z.enum(['block', 'warn']).default('block').describe('What a step that must match its rehearsal and differs does: block (the run is BLOCKED until a quorum of approvers signs a deviation.accept act naming the step and the diff, or it rolls back) or warn (shown, recorded, not blocking).'),
  }).strict().optional().describe('How a production run follows its rehearsal (issue 14).'),
  normalize: z.array(z.union([regex, z.object({ pattern: regex, replace: z.string().max(200) }).strict()])).default([]).describe('Extra masks applied to both transcripts before production is compared with its rehearsal (after the built-in ones: timestamps, durations, PIDs, host names, temporary paths). A pattern alone is replaced by <masked>.'),
  decision: z.object({
    template: z.enum(['governance', 'go-no-go']).default('governance'),
    target: z.string().optional(),
    statement: z.string().optional(),
  }).strict().optional(),
}).strict();

export type Runbook = z.output<typeof runbookSchema>;
export type RunbookInput = z.input<typeof runbookSchema>;
export type Step = z.output<typeof stepSchema>;
export type Phase = z.output<typeof phaseSchema>;
export type Target = z.output<typeof targetSchema>;
export type CheckLogin = z.output<typeof checkLogin>;
export type Expectation = z.output<typeof expectation>;
export type AbortGate = z.output<typeof abortGate>;
export type ExecStep = Extract<Step, { kind: 'check' | 'command' }>;
