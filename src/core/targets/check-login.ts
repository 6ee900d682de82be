// The login SQL checks run through, and what PostgreSQL says that login may do.
// BEGIN READ ONLY is not a sandbox: inside it a superuser still runs programs as the server's
// OS user (COPY … TO PROGRAM), writes server files (COPY … TO, lo_export), terminates other
// sessions (pg_terminate_backend), commits elsewhere through dblink and creates replication
// slots that hold WAL. PostgreSQL's answer is privileges, so a runbook can name a separate
// login for its checks (`check_login` on a postgres target) and the engine asks the server,
// before a check runs, whether that login holds any privilege that could change something.
import type pg from 'pg';
import { parseDsn, type PostgresTarget } from './pg-dsn';
import { PostgresExecutor, type PostgresExecutorOptions } from './postgres';
import { TargetError } from './types';
import { translate, translator, type Lang, type MessageKey } from '../../shared/i18n';
import type { Executor, TargetContext } from './types';

export type HarmfulPrivilege =
  | 'superuser'
  | 'pg_execute_server_program'
  | 'pg_write_server_files'
  | 'pg_signal_backend'
  | 'dblink'
  | 'lo_export'
  | 'replication'
  | 'createrole';

export interface LoginPrivilege {
  privilege: HarmfulPrivilege;
  /** What the login could do with it, and how it holds it, in a sentence (English). */
  detail: string;
  /** The same sentence's catalogue key and values, to say it in another language. */
  words: LoginWords;
  /** dblink: the functions the login may execute. */
  functions?: string[];
}

/** A sentence of login-words-en.ts with its values. */
export interface LoginWords {
  key: MessageKey;
  vars: Record<string, string>;
}

const say = (lang: Lang, words: LoginWords): string => (translate as (lang: Lang, key: MessageKey, vars: Record<string, string>) => string)(lang, words.key, words.vars);

/** A harmful privilege, its detail said in English from the catalogue. */
function privilegeOf(privilege: HarmfulPrivilege, key: MessageKey, vars: Record<string, string>, functions?: string[]): LoginPrivilege {
  const p = { privilege, detail: '', words: { key, vars }, ...(functions ? { functions } : {}) };
  return { ...p, detail: detailIn('en', p) };
}

export interface LoginAssessment {
  /** The role the session logged in as (session_user). */
  login: string;
  /** Privileges that let a statement inside BEGIN READ ONLY change something; empty when none. */
  harmful: LoginPrivilege[];
  /** How to make (or fix) a read-only login for checks; "" when nothing is harmful. */
  advice: string;
}

/** The login checks would use was named, but something it needs is missing (its secret). */
export class CheckLoginError extends TargetError {
  constructor(message: string) {
    super('auth_failed', message);
    this.name = 'CheckLoginError';
  }
}

// ---- the connection ------------------------------------------------------------------------

export interface CheckConnection {
  /** The postgres target SQL checks run through: the DSN's user and the target's secret are the check login's. */
  target: PostgresTarget;
  /** Who checks log in as: the check login, or the DSN's own user when the runbook names none. */
  user: string | undefined;
  /** True when the runbook names a separate `check_login`; false when checks use the target's own login. */
  separate: boolean;
  /** The DSN checks connect with (never a password in it). */
  dsn: string;
  /** The login's password from the vault, if it has one. */
  password: string | undefined;
}

/** The DSN with its user replaced (user=… in the query string, which libpq and parseDsn read first). */
function withUser(dsn: string, user: string): string {
  const url = new URL(dsn);
  url.username = '';
  url.searchParams.set('user', user);
  return url.toString();
}

/**
 * How SQL checks on this target connect: through `check_login` when the runbook names one (the
 * DSN's host, port, database and TLS stay; user and password are the check login's), else
 * through the target's own login. Throws CheckLoginError when the named secret is not among
 * `secrets` (the vault's values by name).
 */
export function checkLoginConnection(target: PostgresTarget, secrets: Readonly<Record<string, string>>, name = 'postgres'): CheckConnection {
  const login = target.check_login;
  if (!login) {
    const password = target.secret !== undefined ? secrets[target.secret] : undefined;
    if (target.secret !== undefined && password === undefined) {
      throw new CheckLoginError(`The password for target "${name}" is the secret "${target.secret}", which is not in the vault: add it with \`cutover secret set --name ${target.secret}\`.`);
    }
    return { target, user: parseDsn(target.dsn).user, separate: false, dsn: target.dsn, password };
  }
  const password = secrets[login.secret];
  if (password === undefined) {
    throw new CheckLoginError(
      `SQL checks on target "${name}" log in as "${login.user}" (check_login), whose password is the secret "${login.secret}", which is not in the vault: add it with \`cutover secret set --name ${login.secret}\`.`,
    );
  }
  const dsn = withUser(target.dsn, login.user);
  const { check_login: _named, secret: _own, ...rest } = target;
  return { target: { ...rest, dsn, secret: login.secret }, user: login.user, separate: true, dsn, password };
}

/**
 * The executor SQL checks on this target run through (not connected yet): a PostgresExecutor
 * logged in as the check login when the runbook names one. Run checks with `readOnly: true` on
 * it, and assess it first with assessExecutorLogin.
 */
export function createCheckExecutor(name: string, target: PostgresTarget, context: TargetContext, options?: PostgresExecutorOptions): PostgresExecutor {
  const connection = checkLoginConnection(target, context.secrets, name);
  return new PostgresExecutor(name, connection.target, context, options);
}

// ---- the assessment ------------------------------------------------------------------------

const SIGNAL_ROLES = ['pg_execute_server_program', 'pg_write_server_files', 'pg_signal_backend'] as const;
// dblink's functions that open a connection (and so can commit on any database the server reaches).
const DBLINK_CONNECTING = ['dblink', 'dblink_exec', 'dblink_connect', 'dblink_connect_u', 'dblink_open', 'dblink_send_query'];

/**
 * One read-only statement (so it runs as a check does, inside BEGIN READ ONLY) asking what the
 * session's login may do. MEMBER, not USAGE: a member without INHERIT can still SET ROLE.
 * Roles and functions missing from older servers are skipped (to_regrole, to_regprocedure).
 */
export const LOGIN_PRIVILEGES_SQL = `
SELECT session_user::text AS login,
  (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) AS is_superuser,
  ARRAY(SELECT r.rolname::text FROM pg_roles r WHERE r.rolsuper AND pg_has_role(session_user, r.oid, 'MEMBER') ORDER BY 1) AS superuser_via,
  ARRAY(SELECT r.rolname::text FROM pg_roles r WHERE r.rolreplication AND pg_has_role(session_user, r.oid, 'MEMBER') ORDER BY 1) AS replication_via,
  ARRAY(SELECT r.rolname::text FROM pg_roles r WHERE r.rolcreaterole AND pg_has_role(session_user, r.oid, 'MEMBER') ORDER BY 1) AS createrole_via,
  ARRAY(SELECT g.name FROM unnest(ARRAY['${SIGNAL_ROLES.join("','")}']) AS g(name)
        WHERE to_regrole(g.name) IS NOT NULL AND pg_has_role(session_user, to_regrole(g.name), 'MEMBER')) AS member_of,
  ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
          JOIN pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
          JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'dblink'
        WHERE p.proname IN ('${DBLINK_CONNECTING.join("','")}') AND has_function_privilege(session_user, p.oid, 'EXECUTE') ORDER BY 1) AS dblink_functions,
  COALESCE(has_function_privilege(session_user, to_regprocedure('pg_catalog.lo_export(oid, text)'), 'EXECUTE'), false) AS lo_export
`.trim();

interface PrivilegeRow {
  login: string;
  is_superuser: boolean | null;
  superuser_via: string[];
  replication_via: string[];
  createrole_via: string[];
  member_of: string[];
  dblink_functions: string[];
  lo_export: boolean;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const quoted = (roles: string[]) => roles.map((r) => `"${r}"`).join(', ');

/** The roles other than the login itself it holds a privilege through ("" when directly). */
function throughRoles(login: string, roles: string[]): string {
  return quoted(roles.filter((r) => r !== login));
}

/** The harmful privileges in a row of LOGIN_PRIVILEGES_SQL. */
export function judgePrivileges(row: PrivilegeRow): LoginAssessment {
  const login = row.login;
  const harmful: LoginPrivilege[] = [];
  if (row.is_superuser === true) {
    // A superuser can do everything below; naming the rest would only hide the point.
    harmful.push(privilegeOf('superuser', 'login.superuser', { login }));
    return { login, harmful, advice: adviceFor('en', login, harmful) };
  }
  if (row.superuser_via.length > 0) {
    harmful.push(privilegeOf('superuser', row.superuser_via.length > 1 ? 'login.superuserViaMany' : 'login.superuserVia', { login, roles: quoted(row.superuser_via) }));
  }
  for (const role of SIGNAL_ROLES) {
    if (row.member_of.includes(role)) harmful.push(privilegeOf(role, 'login.memberOf', { login, role, what: `login.what.${role}` }));
  }
  if (row.dblink_functions.length > 0) {
    harmful.push(privilegeOf('dblink', 'login.dblink', { login, functions: row.dblink_functions.join(', ') }, row.dblink_functions));
  }
  if (row.lo_export) {
    harmful.push(privilegeOf('lo_export', 'login.loExport', { login }));
  }
  if (row.replication_via.length > 0) {
    harmful.push(privilegeOf('replication', 'login.replication', { login, through: throughRoles(login, row.replication_via) }));
  }
  if (row.createrole_via.length > 0) {
    harmful.push(privilegeOf('createrole', 'login.createrole', { login, through: throughRoles(login, row.createrole_via) }));
  }
  return { login, harmful, advice: harmful.length > 0 ? adviceFor('en', login, harmful) : '' };
}

/** How to make a read-only login for checks, and, for the login assessed, what to revoke, in `lang`. */
function adviceFor(lang: Lang, login: string, harmful: LoginPrivilege[]): string {
  const tr = translator(lang);
  const dblinkFunctions = harmful.find((h) => h.privilege === 'dblink')?.functions ?? [];
  const lines = [
    tr.t('login.advice.intro'),
    '  CREATE ROLE cutover_check LOGIN PASSWORD \'…\';',
    '  GRANT pg_read_all_data, pg_monitor TO cutover_check;',
  ];
  if (dblinkFunctions.length > 0) {
    lines.push(`  REVOKE EXECUTE ON FUNCTION ${dblinkFunctions.join(', ')} FROM PUBLIC;  -- ${tr.t('login.advice.dblink')}`);
  }
  lines.push(`  ${tr.t('login.advice.then')} check_login: { user: cutover_check, secret: <${tr.t('login.advice.secret')}> }`);
  const kinds = new Set(harmful.map((h) => h.privilege));
  if (kinds.has('superuser')) return lines.join('\n');
  const fixes: string[] = [];
  const who = quoteIdent(login);
  for (const role of SIGNAL_ROLES) if (kinds.has(role)) fixes.push(`REVOKE ${role} FROM ${who};`);
  if (kinds.has('dblink') && dblinkFunctions.length > 0) fixes.push(`REVOKE EXECUTE ON FUNCTION ${dblinkFunctions.join(', ')} FROM PUBLIC, ${who};`);
  if (kinds.has('lo_export')) fixes.push(`REVOKE EXECUTE ON FUNCTION lo_export(oid, text) FROM PUBLIC, ${who};`);
  if (kinds.has('replication')) fixes.push(`ALTER ROLE ${who} NOREPLICATION;`);
  if (kinds.has('createrole')) fixes.push(`ALTER ROLE ${who} NOCREATEROLE;`);
  if (fixes.length > 0) {
    lines.push(tr.t('login.advice.revoke', { login }));
    for (const fix of fixes) lines.push(`  ${fix}`);
  }
  return lines.join('\n');
}

/** Asks PostgreSQL what the login of this session may do (run it on the session checks use). */
export async function assessLogin(client: pg.ClientBase): Promise<LoginAssessment> {
  const result = await client.query<PrivilegeRow>(LOGIN_PRIVILEGES_SQL);
  const row = result.rows[0];
  if (!row) throw new Error('The login privilege query returned no row.');
  return judgePrivileges(row);
}

/**
 * The same question asked through an executor, on the very session (and login) its checks use,
 * inside BEGIN READ ONLY like a check. Throws a TargetError when the statement cannot run
 * (connection, authentication), with the executor's own message.
 */
export async function assessExecutorLogin(executor: Executor): Promise<LoginAssessment> {
  const result = await executor.exec({ command: LOGIN_PRIVILEGES_SQL, readOnly: true, onOutput: () => undefined });
  if (result.failure) throw new TargetError(result.failure.kind, `Could not ask PostgreSQL what the check login may do: ${result.failure.message}`);
  const row = result.rows?.[0] as PrivilegeRow | undefined;
  if (!row) throw new TargetError('sql_error', 'Could not ask PostgreSQL what the check login may do: the privilege query returned no row.');
  return judgePrivileges(row);
}

/**
 * One message naming the login, each harmful privilege and the advice: for a refusal
 * (production) or a warning (rehearsal). "" when nothing is harmful.
 */
export function describeAssessment(assessment: LoginAssessment, target?: string, lang: Lang = 'en'): string {
  if (assessment.harmful.length === 0) return '';
  const tr = translator(lang);
  const where = target ? tr.t('login.where', { target }) : '';
  const names = assessment.harmful.map((h) => h.privilege).join(', ');
  return [
    tr.t('login.summary', { where, login: assessment.login, names }),
    ...assessment.harmful.map((h) => `- ${h.privilege}: ${detailIn(lang, h)}.`),
    adviceFor(lang, assessment.login, assessment.harmful),
  ].join('\n');
}

/** A privilege's detail in `lang`: its {what} and {through} are sentences of their own. */
function detailIn(lang: Lang, h: LoginPrivilege): string {
  const vars = { ...h.words.vars };
  if (vars.what) vars.what = say(lang, { key: vars.what as MessageKey, vars: {} });
  if (vars.through !== undefined) vars.through = vars.through ? say(lang, { key: 'login.through', vars: { roles: vars.through } }) : '';
  return say(lang, { key: h.words.key, vars });
}
