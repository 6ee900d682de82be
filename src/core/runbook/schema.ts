// The runbook format: what a DBA brings to the workstation, as YAML validated by zod.
// Everything the engine, the approval digest and the decision pack need comes from here.
// `cutover runbook schema` exports this as JSON Schema so editors can complete it.
import { dsnCarriesPassword } from './dsn';
import { flagsProblem, patternProblem } from './patterns';
import { ROLE_NAME } from '../identity/roles';
import { evaluateJsonPath, jsonPathProblem } from '../targets/json-path';
import { thresholdProblem } from './thresholds';
import { jsonPathProblemSaid } from './json-path-words';
import { LANGUAGES } from '../../shared/i18n/languages';
import { z } from 'zod';
import { say } from './errors';

/** Durations as people write them in runbooks: "90s", "5m", "2h", "1500ms". */
export const durationSchema = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, { error: () => say('runbook.rule.duration') });

export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * factor);
}

/** How a DSN from a parameter is written, in the DSN rules (a placeholder: `{…}` in a catalogue sentence is one). */
const PARAM_EXAMPLE = '${param:NAME}';

/** "verificación" → "verificacion", "Größe" → "Grosse": the ASCII form of a name written with accents. */
export function asciiForm(text: string): string {
  return text.replace(/ß/g, 'ss').replace(/[Ææ]/g, (c) => (c === 'Æ' ? 'AE' : 'ae')).replace(/[Øø]/g, (c) => (c === 'Ø' ? 'O' : 'o'))
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9_.-]+/g, '-');
}

/** The message for a name that breaks `rule`: accented letters get the ASCII form to use instead. */
function nameMessage(rule: 'runbook.rule.id' | 'runbook.rule.evidenceName') {
  return (issue: { input?: unknown }): string => {
    const input = typeof issue.input === 'string' ? issue.input : '';
    // eslint-disable-next-line no-control-regex -- any character outside ASCII
    if (/[^\u0000-\u007f]/.test(input)) return say('runbook.rule.ascii', { rule: say(rule), input, ascii: asciiForm(input) });
    return say(rule);
  };
}

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { error: nameMessage('runbook.rule.id') });
/** An evidence file name as it appears in the runbook's evidence pack list. */
const evidenceName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, { error: nameMessage('runbook.rule.evidenceName') });
/** An environment variable name. */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: () => say('runbook.rule.envName') });
/** "T-60", "T-0", "T+30", optionally with a unit: "T-30m". */
const offset = z.string().regex(/^T[+-]\d+(m|h)?$/, { error: () => say('runbook.rule.offset') });

/** A regular expression in RE2 syntax (patterns.ts): it must compile, with no construct RE2 lacks. */
const regex = z.string().min(1).superRefine((value, ctx) => {
  const problem = patternProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}).describe('A regular expression in RE2 syntax (linear-time matching, so no pattern can freeze a step): no backreferences, no lookahead or lookbehind. A leading (?i) ignores case.');

/** Flags of a pattern: i (ignore case), m, s. */
const patternFlags = z.string().superRefine((value, ctx) => {
  const problem = flagsProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}).optional().describe('Pattern flags: i (ignore case), m (^ and $ at every line), s (. matches a newline too). Example: flags: i');

/** block (default): a failing gate fails the step. warn: it is recorded and shown, and never blocks. */
const gateLevel = z.enum(['block', 'warn']).optional().describe('block (default): a failing gate fails the step and blocks the run. warn: recorded, shown and listed under Warnings in the decision, never blocking.');

/** operator, approver, observer, or any role the runbook declares under `roles:` (validate.ts checks it is declared). */
export const roleSchema = z.string().regex(ROLE_NAME, { error: () => say('runbook.rule.role') });
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
  dsn: z.string().regex(/^(postgres(ql)?:\/\/|\$\{param:)/, { error: () => say('runbook.rule.postgresDsn', { param: PARAM_EXAMPLE }) }).refine((dsn) => !dsnCarriesPassword(dsn), { error: () => say('runbook.rule.dsnPassword') }),
  secret: id.optional(),
  check_login: checkLogin.optional(),
  tls: z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']).default('prefer'),
  application_name: z.string().max(63).optional(),
  description: z.string().optional(),
}).strict();

const mysqlTarget = z.object({
  kind: z.literal('mysql'),
  dsn: z.string().regex(/^(mysql:\/\/|\$\{param:)/, { error: () => say('runbook.rule.mysqlDsn', { param: PARAM_EXAMPLE }) }).refine((dsn) => !dsnCarriesPassword(dsn) && !/^mysql:\/\/[^/@:]*:[^/@]*@/i.test(dsn), { error: () => say('runbook.rule.dsnPassword') })
    .describe('MySQL or MariaDB, without the password: mysql://user@host:3306/database. Optional parameters: sslmode (or MySQL\'s ssl-mode), ssl-ca, ssl-cert, ssl-key, socket.'),
  secret: id.optional().describe('The secret (a name under `secrets:`) holding the password of the DSN\'s user.'),
  check_login: z.object({
    /** The MySQL user to log in as, e.g. "cutover_check". */
    user: z.string().min(1).max(80),
    secret: id,
  }).strict().optional().describe('The login SQL checks use instead of the DSN\'s user (user and secret; host, port and database stay). Give it SELECT only: CREATE USER cutover_check IDENTIFIED BY \'…\'; GRANT SELECT ON sales.* TO cutover_check. Command steps keep the DSN\'s user.'),
  tls: z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']).default('prefer').describe('As for postgres, with libpq\'s meaning: require encrypts without checking the certificate; verify-ca checks it against ssl-ca; verify-full also checks the host name. The DSN\'s sslmode may only make it stricter.'),
  description: z.string().optional(),
}).strict().describe('A MySQL or MariaDB database (mysql2). Checks run as one statement in a read-only session inside START TRANSACTION READ ONLY; command steps may send several statements.');

const sshTarget = z.object({
  kind: z.literal('ssh'),
  /** A host name, an address, or a ~/.ssh/config alias. */
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().optional(),
  /** The pinned host key, "SHA256:…". Absent: shown at first use for confirmation, then pinned. */
  host_key: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, { error: () => say('runbook.rule.hostKey') }).optional(),
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

/** An HTTP header name (RFC 9110 token). */
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { error: () => say('runbook.rule.headerName') });
/** Header values may name a vault secret as ${secret:NAME}: the plan shows the name, the request carries the value. */
const httpHeaders = z.record(headerName, z.string()).describe('HTTP headers sent with every request. A value may be ${secret:NAME} (filled from the vault, redacted everywhere); never write a token in clear.');
/** An http(s) URL, or one built from a parameter (`${param:api_url}`). */
const httpUrl = z.string().min(1).refine((v) => /^https?:\/\/[^\s]+$/.test(v) || v.startsWith('${param:'), { error: () => say('runbook.rule.httpUrl') });

const httpTarget = z.object({
  kind: z.literal('http'),
  base_url: httpUrl.describe('Where requests go: scheme, host, port and an optional base path, e.g. https://sync.example/api. `--target NAME=URL` replaces it at run start.'),
  headers: httpHeaders.default({}),
  auth: z.union([
    z.object({ bearer: id.describe('The secret holding the bearer token (sent as Authorization: Bearer …).') }).strict(),
    z.object({ header: headerName, secret: id }).strict(),
  ]).optional().describe('A token from a vault secret: {bearer: SECRET} or {header: X-Api-Key, secret: SECRET}. The value is redacted from every transcript.'),
  tls_verify: z.boolean().default(true).describe('Verify the server\'s TLS certificate (default true). false accepts any certificate: validation warns, and it is for rehearsals with self-signed certificates.'),
  timeout: durationSchema.optional().describe('Default timeout of each request (a step\'s own timeout wins). Default 30s.'),
  description: z.string().optional(),
}).strict();

export const targetSchema = z.discriminatedUnion('kind', [postgresTarget, mysqlTarget, sshTarget, localTarget, httpTarget]);

// ---- gates -----------------------------------------------------------------------------

const expectation = z.union([
  z.object({ exit_code: z.number().int(), level: gateLevel }).strict(),
  z.object({ output_contains: z.string().min(1), level: gateLevel }).strict(),
  z.object({ output_not_contains: z.string().min(1), level: gateLevel }).strict(),
  z.object({ output_matches: regex, flags: patternFlags, level: gateLevel }).strict(),
  z.object({
    /** A value pulled out of the output (first capture group) or an SQL result column. */
    value: z.object({
      pattern: regex.optional(),
      flags: patternFlags,
      column: z.string().optional(),
      equals: z.union([z.string(), z.number(), z.boolean()]),
      label: z.string().optional(),
    }).strict(),
    level: gateLevel,
  }).strict(),
  z.object({
    threshold: z.object({
      metric: z.string().min(1),
      op: z.enum(['<', '<=', '>', '>=', '==', '!=']),
      value: z.number(),
    }).strict(),
    level: gateLevel,
  }).strict(),
  z.object({
    that: z.string().min(1).describe('A CEL comparison judged when the step ends, over params and captured values (this step\'s own included): "${value:after.p95_ms} <= ${value:baseline.p95_ms} * 1.2".'),
    label: z.string().optional(),
    level: gateLevel,
  }).strict(),
]);

const abortGate = z.object({
  /** A regex evaluated on the streaming output. */
  pattern: regex,
  flags: patternFlags,
  /** A line that also matches this is not a match (RE2 has no lookahead: "X but not Y"). */
  unless: regex.optional().describe('A line matching `pattern` that also matches this is not a match: "a line like X but not Y" (RE2 has no lookahead). Takes the same flags.'),
  label: z.string().optional(),
  /** block (default): the step finishes, the run becomes BLOCKED. cancel: stop the command at once. */
  on_match: z.enum(['block', 'cancel']).default('block'),
  level: gateLevel,
}).strict().superRefine((gate, ctx) => {
  if (gate.level === 'warn' && gate.on_match === 'cancel') ctx.addIssue({ code: 'custom', path: ['level'], message: say('runbook.rule.warnCancel') });
});

// ---- parameters, captured values and conditions -----------------------------------------

/** A parameter's or captured value's name: a plain identifier, so expressions can name it. */
export const valueName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { error: () => say('runbook.rule.valueName') });
const paramScalar = z.union([z.string(), z.number(), z.boolean()]);
const paramSchema = z.union([
  paramScalar,
  z.object({
    rehearsal: paramScalar.optional(),
    production: paramScalar.optional(),
    default: paramScalar.optional(),
    description: z.string().optional(),
  }).strict(),
]).describe('A value the runbook uses as ${param:NAME}: one value, or {rehearsal: V, production: V, default: V, description: TEXT}. `cutover run start --param NAME=VALUE` overrides it; the resolved values are signed in the run\'s start and in the plan.');

/** Where a step takes a named value from its result. */
const captureAs = { as: z.enum(['string', 'number', 'boolean']).optional().describe('The value\'s type in expressions (default: a JSON value keeps its type; a column or pattern is a string).') };
export const captureSchema = z.union([
  z.object({ json: z.string().min(1).describe('A JSON path ($.job_id, $.items[0].id) into the HTTP body, or into the step\'s output when it is JSON.'), ...captureAs }).strict(),
  z.object({ column: z.union([z.string().min(1), z.number().int().min(1)]).describe('An SQL result column of the first row: its name, or its position counting from 1.'), ...captureAs }).strict(),
  z.object({ pattern: z.string().min(1).describe('A regular expression (RE2 syntax) over the output; its first group (or the whole match) is the value.'), ...captureAs }).strict(),
]);
export const captures = z.record(valueName, captureSchema).describe('Named values taken from this step\'s result after it PASSes; later steps use them as ${value:STEP.NAME}. A capture that finds nothing fails the step.');

const environments = z.array(z.enum(['rehearsal', 'production'])).min(1).describe('The environments this applies to; elsewhere it is N/A (not applicable), neither a skip nor a deviation.');
const condition = z.string().min(1).describe('A CEL expression; false makes this N/A. ${param:NAME} and ${value:STEP.NAME} are typed values, e.g. "${param:domain} == \'cartera\'".');

// ---- steps -----------------------------------------------------------------------------

/**
 * The checkpoints of the war-room broadcasts a step can declare (`broadcast: backup`): the
 * pre-flight, the maintenance window attestation, the backup, the deploy, the smoke checks after
 * it and the canary (src/core/reports/broadcasts.ts).
 */
export const BROADCAST_CHECKPOINTS = ['preflight', 'window', 'backup', 'deploy', 'smoke', 'canary'] as const;
export type BroadcastCheckpoint = (typeof BROADCAST_CHECKPOINTS)[number];

const stepBase = {
  id,
  title: z.string().min(1),
  instructions: z.string().optional(),
  /** The evidence file this step produces, e.g. "prod_upgrade_0019_to_head.log". */
  evidence: evidenceName.optional(),
  at: offset.optional(),
  when: condition.optional(),
  environments: environments.optional(),
  skippable: z.boolean().optional().describe('false: the runbook forbids skipping this step ("No skipping"); a skip is refused. Default true.'),
  broadcast: z.enum(BROADCAST_CHECKPOINTS).optional()
    .describe('The checkpoint broadcast this step belongs to (preflight, window, backup, deploy, smoke, canary). Once any step declares one, the broadcasts follow the declarations instead of words in step titles; a runbook that declares none keeps the built-in guesses.'),
};

/** Who signs a record or manual step: a role (default operator). */
const by = roleSchema.optional().describe('The role whose holder signs this step (a built-in role, or one declared under roles:). Default: operator.');

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
  capture: captures.optional(),
  must_match_rehearsal: z.boolean().optional().describe('Production bound to a rehearsal: whether a difference from the rehearsal\'s same step is a deviation (policy rehearsal.deviation says what it does). Default: true for command steps, false for checks (a differing check is shown, never blocks).'),
};

const attestStep = z.object({ ...stepBase, kind: z.literal('attest'), statement: z.string().min(1), by: roleSchema.default('operator') }).strict();

const recordStep = z.object({
  ...stepBase,
  kind: z.literal('record'),
  fields: z.array(z.object({ name: id, label: z.string().min(1), pattern: regex.optional(), flags: patternFlags, required: z.boolean().default(true), same_as_rehearsal: z.boolean().optional().describe('Production bound to a rehearsal: the value must equal the one the rehearsal recorded (the migration commit, the release tag), or recording it is refused with both values shown.') }).strict()).min(1),
  by,
}).strict();

/** Hypercare: the step runs again every `every` for `for` after its first run; a GO does not wait for it. */
const repeatSchema = z.object({
  every: durationSchema.describe('How often the step runs again, e.g. "30m".'),
  for: durationSchema.describe('How long after its first run, e.g. "72h".'),
}).strict().describe('Run this read-only step again every `every` for `for` (hypercare). Each occurrence is evidence in the run; the run completes, and a GO is taken, without waiting for the schedule; `cutover run watch` runs the occurrences that are due.');

const checkStep = z.object({
  ...stepBase,
  ...execCommon,
  kind: z.literal('check'),
  /** SQL, run inside BEGIN READ ONLY on a postgres target. */
  sql: z.string().min(1).optional(),
  /** A shell command on an ssh or local target; must be declared read_only: true. */
  run: z.string().min(1).optional(),
  read_only: z.boolean().optional(),
  repeat: repeatSchema.optional(),
}).strict().superRefine((step, ctx) => {
  if (Boolean(step.sql) === Boolean(step.run)) ctx.addIssue({ code: 'custom', message: say('runbook.rule.checkSqlOrRun') });
  if (step.run && step.read_only !== true) ctx.addIssue({ code: 'custom', path: ['read_only'], message: say('runbook.rule.shellCheckReadOnly') });
});

const commandStep = z.object({ ...stepBase, ...execCommon, kind: z.literal('command'), run: z.string().min(1) }).strict();

const manualStep = z.object({ ...stepBase, kind: z.literal('manual'), instructions: z.string().min(1), by }).strict();

// ---- HTTP steps --------------------------------------------------------------------------

/** GET and HEAD only read; any other method changes something and needs the plan's quorum like a command. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const READ_ONLY_HTTP_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);
const compareOp = z.enum(['<', '<=', '>', '>=', '==', '!=']);
const jsonPath = z.string().min(1).superRefine((value, ctx) => {
  const problem = jsonPathProblemSaid(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const statusCode = z.number().int().min(100).max(599);

const httpExpectation = z.union([
  z.object({ status: z.union([statusCode, z.array(statusCode).min(1)]).describe('The response status, or a list of accepted ones. Without a status expectation, 2xx is required.'), level: gateLevel }).strict(),
  z.object({
    json: z.object({
      path: jsonPath.describe('A JSON path into the response body: $.job_id, $.items[0].count, $[\'odd key\'].'),
      op: z.enum(['<', '<=', '>', '>=', '==', '!=', 'exists']).default('=='),
      value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
      label: z.string().optional(),
    }).strict(),
    level: gateLevel,
  }).strict(),
  z.object({ latency_ms: z.object({ op: compareOp, value: z.number().min(0) }).strict().describe('The time to the full response, in milliseconds.'), level: gateLevel }).strict(),
  expectation,
]);

const httpStep = z.object({
  ...stepBase,
  kind: z.literal('http'),
  target: id.describe('An http target (kind: http).'),
  request: z.object({
    method: z.enum(HTTP_METHODS).default('GET').describe('GET and HEAD are read-only checks; any other method changes something and needs the plan\'s quorum, like a command.'),
    path: z.string().regex(/^\//, { error: () => say('runbook.rule.requestPath') }).default('/'),
    headers: httpHeaders.default({}),
    body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional().describe('Text sent as is, or a YAML mapping or list sent as JSON (Content-Type: application/json).'),
  }).strict().default({ method: 'GET', path: '/', headers: {} }),
  /** status, json, latency_ms, and the usual gates over the body text. */
  expect: z.array(httpExpectation).default([]),
  abort_on: z.array(abortGate).default([]),
  capture: captures.optional(),
  timeout: durationSchema.optional(),
  /** Declares the request a read-only check: a mutating method is then refused. */
  read_only: z.boolean().optional(),
  repeat: repeatSchema.optional(),
}).strict();

// ---- monitors --------------------------------------------------------------------------

/** e.g. "error_rate_pct <= 2.0", "p95_ms <= 1200", "p95_ms <= ${value:baseline.p95_ms} * 1.2" (thresholds.ts). */
const thresholdText = z.string().superRefine((value, ctx) => {
  const problem = thresholdProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}).describe('METRIC OP LIMIT: error_rate_pct, p50_ms, p95_ms, p99_ms or max_ms; <=, <, >= or >; a number, or arithmetic over ${param:NAME} and ${value:STEP.NAME} that gives one ("p95_ms <= ${value:baseline.p95_ms} * 1.2"), resolved when the monitor starts.');
const monitorThreshold = z.union([
  thresholdText,
  z.object({ threshold: thresholdText, level: gateLevel }).strict(),
]).describe('A threshold as text ("p95_ms <= 1200"), or {threshold: TEXT, level: warn} for one that is recorded and shown under Warnings, never blocking.');

/** Thresholds as the engine reads them: their texts, and their levels when any is `warn`. */
function thresholdLevels<T extends { thresholds: Array<z.output<typeof monitorThreshold>> }>(owner: T): Omit<T, 'thresholds'> & { thresholds: string[]; threshold_levels?: Array<'block' | 'warn'> } {
  const levels = owner.thresholds.map((t) => (typeof t === 'string' ? 'block' : (t.level ?? 'block')));
  return { ...owner, thresholds: owner.thresholds.map((t) => (typeof t === 'string' ? t : t.threshold)), ...(levels.includes('warn') ? { threshold_levels: levels } : {}) };
}

const monitorProbe = z.object({
  name: id.optional().describe('How the probe is named in the evidence (default: its URL).'),
  target: id.optional().describe('An http target: its base_url, headers and token are used.'),
  url: httpUrl.optional(),
  path: z.string().regex(/^\//, { error: () => say('runbook.rule.probePath') }).optional(),
  method: z.enum(['GET', 'HEAD']).default('GET'),
  headers: httpHeaders.default({}),
  timeout: durationSchema.optional(),
  ok_status: z.array(z.number().int()).optional(),
  thresholds: z.array(monitorThreshold).default([]).describe('Thresholds judged on this probe\'s samples alone.'),
}).strict().superRefine((probe, ctx) => {
  if (Boolean(probe.target) === Boolean(probe.url)) ctx.addIssue({ code: 'custom', message: say('runbook.rule.probeTargetOrUrl') });
  if (probe.path && !probe.target) ctx.addIssue({ code: 'custom', path: ['path'], message: say('runbook.rule.probePathWithUrl') });
}).transform(thresholdLevels);

const monitorStep = z.object({
  ...stepBase,
  kind: z.literal('monitor'),
  probe: z.object({
    url: httpUrl,
    method: z.enum(['GET', 'HEAD']).default('GET'),
    every: durationSchema,
    for: durationSchema,
    timeout: durationSchema.default('5s'),
    /** A response counts as an error when its status is outside this list (default 2xx/3xx). */
    ok_status: z.array(z.number().int()).optional(),
  }).strict().optional(),
  probes: z.array(monitorProbe).min(1).optional().describe('Several probes, run in parallel every interval; each is judged on its own thresholds, and all of them together on the step\'s.'),
  every: durationSchema.optional().describe('With probes: the interval.'),
  for: durationSchema.optional().describe('With probes: the window.'),
  timeout: durationSchema.optional().describe('With probes: each request\'s timeout (default 5s).'),
  /** Judged over every sample of every probe. */
  thresholds: z.array(monitorThreshold).default([]),
  capture: z.record(valueName, z.object({
    json: z.string().min(1).describe('A JSON path into the monitor\'s summary: $.p95_ms, $.error_rate_pct, $.probes.NAME.p95_ms (a probe\'s own).'),
    ...captureAs,
  }).strict()).optional().describe('Named values taken from the monitor\'s summary after it PASSes ({p95_ms: {json: $.p95_ms}}), e.g. a T-60 baseline that a later monitor\'s threshold compares against: "p95_ms <= ${value:baseline.p95_ms} * 1.2".'),
}).strict().superRefine((step, ctx) => {
  if (Boolean(step.probe) === Boolean(step.probes)) ctx.addIssue({ code: 'custom', message: say('runbook.rule.monitorProbeOrProbes') });
  if (step.probes && (!step.every || !step.for)) ctx.addIssue({ code: 'custom', message: say('runbook.rule.monitorProbesWindow') });
  if (step.probe && (step.every || step.for || step.timeout)) ctx.addIssue({ code: 'custom', message: say('runbook.rule.monitorProbeInside') });
  const perProbe = step.probes?.every((p) => p.thresholds.length > 0) ?? false;
  if (step.thresholds.length === 0 && !perProbe) ctx.addIssue({ code: 'custom', path: ['thresholds'], message: say('runbook.rule.monitorThreshold') });
  // A capture reads the summary the monitor will have: its fields, and with probes each probe's (by name).
  const fields = Object.fromEntries(['samples', 'errors', 'error_rate_pct', 'p50_ms', 'p95_ms', 'p99_ms', 'max_ms'].map((f) => [f, 0]));
  const names = (step.probes ?? []).map((p) => p.name ?? (p.target ? `${p.target}${p.path ?? '/'}` : p.url!));
  const summary = step.probes ? { ...fields, probes: Object.fromEntries(names.map((n) => [n, fields])) } : fields;
  for (const [name, spec] of Object.entries(step.capture ?? {})) {
    if (jsonPathProblem(spec.json) || evaluateJsonPath(summary, spec.json).found) continue;
    ctx.addIssue({ code: 'custom', path: ['capture', name, 'json'], message: say('runbook.rule.monitorCapture', { path: spec.json, fields: `$.${Object.keys(fields).join(', $.')}`, probes: names.length ? say('runbook.rule.monitorCaptureProbes', { names: names.map((n) => (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(n) ? n : `['${n}']`)).join(', ') }) : '' }) });
  }
}).transform(thresholdLevels);

export const stepSchema = z.discriminatedUnion('kind', [attestStep, recordStep, checkStep, commandStep, manualStep, monitorStep, httpStep]);

const phaseSchema = z.object({
  id,
  title: z.string().min(1),
  at: offset.optional(),
  purpose: z.string().optional(),
  when: condition.optional(),
  environments: environments.optional(),
  skippable: z.boolean().optional().describe('false: no step of this phase may be skipped ("No skipping").'),
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
  language: z.enum(LANGUAGES).optional()
    .describe('The language the core writes this run\'s evidence in: the decision PDF, VERIFY.txt, the incident report, the broadcasts, gate descriptions, refusals and the CLI\'s human output. en (default) or es.'),
  share_transcripts: z.boolean().default(true)
    .describe('Whether the step transcripts of this runbook\'s runs follow through the team ledger by chunk (already redacted), for followers to read live. false: only their hash and size are published. Default true.'),
  params: z.record(valueName, paramSchema).default({}),
  roles: z.record(roleSchema, z.object({ min: z.number().int().min(0).default(1), description: z.string().optional() }).strict()).default({}).describe('The roles of this cutover, each with its minimum number of people: the built-in operator, approver and observer, and any other (incident_commander, scribe, payments_owner, db_owner, …). `by:`, `policy.decide` and `policy.approvals.role` name them.'),
  policy: z.object({
    approvals: z.object({
      /** Approver signatures over the plan a command step needs. The operator never counts. */
      quorum: z.number().int().min(1).default(1),
      role: roleSchema.default('approver'),
    }).strict().default({ quorum: 1, role: 'approver' }),
    /** The role(s) that may decide: rollback, stop, retry and the formal decision. */
    decide: deciders.default(() => [...DEFAULT_DECIDERS]).describe('The role, or list of roles, that may decide: rollback, stop, retry and the formal decision. Default: operator and approver.'),
  }).strict().default(() => ({ approvals: { quorum: 1, role: 'approver' as const }, decide: [...DEFAULT_DECIDERS] })),
  targets: z.record(id, targetSchema).refine((t) => Object.keys(t).length > 0, { error: () => say('runbook.rule.noTarget') }),
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
export type Capture = z.output<typeof captureSchema>;
export type ParamSpec = z.output<typeof paramSchema>;
export type HttpStep = Extract<Step, { kind: 'http' }>;
export type HttpTarget = Extract<Target, { kind: 'http' }>;
export type MonitorProbe = z.output<typeof monitorProbe>;
export type HttpExpectation = z.output<typeof httpExpectation>;
