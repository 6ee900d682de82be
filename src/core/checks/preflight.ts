// The PostgreSQL preflight: read-only checks that catch a cutover that would fail before its
// first mutating command. Each check runs in its own `BEGIN READ ONLY` transaction with a
// short statement_timeout; a check that cannot run (permission, timeout) is a FAIL that says
// why, and the others still run; a lost connection ends the run with a PgCheckError.
import { blockingLocksCheck, CLIENT_BACKEND, idleInTransactionCheck, longRunningCheck } from './activity';
import { PgCheckError } from './errors';
import { invalidIndexesCheck, requiredObjectsCheck } from './objects';
import { PgSession, type Query, type SessionOptions } from './session';
import type { CheckId, CheckResult, CheckStatus, PreflightOptions, PreflightReport } from './types';
import { translator, type Lang, type Translator } from '../../shared/i18n';
import { formatBytes, formatSeconds } from './util';
import { archivingCheck, replicationCheck } from './wal';

export type Verdict = Omit<CheckResult, 'id' | 'title'>;

export interface CheckContext {
  options: Required<Omit<PreflightOptions, 'required' | 'only' | 'lang'>> & Pick<PreflightOptions, 'required'>;
  /** The language the summaries are worded in (the options' lang, default English). */
  lang: Lang;
  tr: Translator;
  /** Our own backend, left out of the session checks. */
  backendPid: number;
  serverVersionNum: number;
}

export interface CheckDefinition {
  id: CheckId;
  applies?: (ctx: CheckContext) => boolean;
  run: (query: Query, ctx: CheckContext) => Promise<Verdict>;
}

const DEFAULTS = {
  longQuerySeconds: 300,
  idleInTransactionSeconds: 60,
  connectionsWarnRatio: 0.8,
  connectionsFailRatio: 0.95,
  replicationLagSeconds: 60,
  replicationLagBytes: 1024 ** 3,
  archiveMaxAgeSeconds: 3600,
  statementTimeoutMs: 5_000,
};

const RANK: Record<CheckStatus, number> = { INFO: 0, PASS: 1, WARN: 2, FAIL: 3 };

export function worstStatus(statuses: CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>((worst, s) => (RANK[s] > RANK[worst] ? s : worst), 'INFO');
}

// ---- server, size, connections ----------------------------------------------------------

const serverVersionCheck: CheckDefinition = {
  id: 'server.version',
  async run(query, { tr }) {
    const [row] = await query<{ version: string; num: number; full: string; in_recovery: boolean; started: Date; role: string; superuser: boolean; monitor: boolean }>(`
      SELECT current_setting('server_version') AS version, current_setting('server_version_num')::int AS num, version() AS full,
             pg_is_in_recovery() AS in_recovery, pg_postmaster_start_time() AS started, current_user AS role,
             (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
             pg_has_role(current_user, 'pg_monitor', 'USAGE') AS monitor`);
    const r = row!;
    const details = { version: r.version, versionNum: r.num, full: r.full, inRecovery: r.in_recovery, startedAt: r.started.toISOString(), role: r.role, superuser: r.superuser, pgMonitor: r.monitor };
    const privilege = tr.t(r.superuser ? 'checks.server.superuser' : r.monitor ? 'checks.server.monitor' : 'checks.server.neither');
    if (r.in_recovery) return { status: 'WARN', summary: tr.t('checks.server.standby', { version: r.version }), details };
    return { status: 'INFO', summary: tr.t('checks.server.primary', { version: r.version, role: r.role, privilege }), details };
  },
};

const SETTINGS = ['lock_timeout', 'statement_timeout', 'idle_in_transaction_session_timeout', 'max_connections', 'superuser_reserved_connections',
  'wal_level', 'archive_mode', 'archive_timeout', 'max_wal_senders', 'default_transaction_read_only'];

function settingText(value: string, unit: string | null, tr: Translator): string {
  if (unit === 'ms' || unit === 's' || unit === 'min') {
    const n = Number(value);
    if (n === 0) return tr.t('checks.settings.off');
    const secondsValue = unit === 'ms' ? n / 1000 : unit === 'min' ? n * 60 : n;
    return formatSeconds(secondsValue, tr.lang);
  }
  return value;
}

const serverSettingsCheck: CheckDefinition = {
  id: 'server.settings',
  async run(query, { tr }) {
    // reset_val: what a new session of this role in this database starts with (our own SET
    // LOCALs do not show there).
    const rows = await query<{ name: string; value: string; unit: string | null; source: string }>(
      'SELECT name, reset_val AS value, unit, source FROM pg_settings WHERE name = ANY($1::text[])', [SETTINGS]);
    const settings: Record<string, { value: string; text: string; source: string }> = {};
    for (const r of rows) settings[r.name] = { value: r.value, text: settingText(r.value, r.unit, tr), source: r.source };
    const value = (name: string) => settings[name]?.value;
    const problems: string[] = [];
    const notes: string[] = [];
    if (value('lock_timeout') === '0') problems.push(tr.t('checks.settings.lockTimeout'));
    if (value('default_transaction_read_only') === 'on') problems.push(tr.t('checks.settings.readOnly'));
    if (value('wal_level') === 'minimal') problems.push(tr.t('checks.settings.walMinimal'));
    if (value('statement_timeout') === '0') notes.push(tr.t('checks.settings.statementTimeout'));
    if (value('idle_in_transaction_session_timeout') === '0') notes.push(tr.t('checks.settings.idleTimeout'));
    const shown = ['lock_timeout', 'statement_timeout', 'idle_in_transaction_session_timeout', 'max_connections', 'wal_level', 'archive_mode']
      .filter((n) => settings[n]).map((n) => `${n}=${settings[n]!.text}`).join(', ');
    const details = { settings, problems, notes };
    if (problems.length > 0) return { status: 'WARN', summary: `${problems.join('; ')}. (${shown})`, details };
    return { status: 'PASS', summary: notes.length ? tr.t('checks.settings.note', { shown, notes: notes.join('; ') }) : shown, details };
  },
};

const databaseSizeCheck: CheckDefinition = {
  id: 'database.size',
  async run(query, { tr }) {
    // The five biggest by the planner's page count; their exact size only for those five.
    const [row] = await query<{ name: string; bytes: number; largest: Array<{ name: string; bytes: number }> | null }>(`
      SELECT current_database() AS name, pg_database_size(current_database())::float8 AS bytes,
             (SELECT json_agg(json_build_object('name', x.name, 'bytes', pg_total_relation_size(x.oid)::float8) ORDER BY x.relpages DESC)
                FROM (SELECT c.oid, c.relpages, n.nspname || '.' || c.relname AS name
                        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
                       ORDER BY c.relpages DESC LIMIT 5) x) AS largest`);
    const r = row!;
    const largest = (r.largest ?? []).map((t) => ({ ...t, size: formatBytes(t.bytes) }));
    const top = largest[0] ? tr.t('checks.size.largest', { name: largest[0].name, size: formatBytes(largest[0].bytes, tr.lang) }) : '';
    return { status: 'INFO', summary: tr.t('checks.size.summary', { database: r.name, size: formatBytes(r.bytes, tr.lang), largest: top }), details: { database: r.name, bytes: r.bytes, size: formatBytes(r.bytes), largest } };
  },
};

const connectionsCheck: CheckDefinition = {
  id: 'connections',
  async run(query, ctx) {
    const [row] = await query<{ in_use: number; max: number; reserved: number; this_db: number; by_state: Record<string, number> | null }>(`
      SELECT count(*)::int AS in_use,
             current_setting('max_connections')::int AS max,
             current_setting('superuser_reserved_connections')::int AS reserved,
             (count(*) FILTER (WHERE a.datname = current_database()))::int AS this_db,
             (SELECT json_object_agg(coalesce(s.state, 'not visible'), s.n)
                FROM (SELECT a.state, count(*) AS n FROM pg_stat_activity a WHERE ${CLIENT_BACKEND} GROUP BY a.state) s) AS by_state
        FROM pg_stat_activity a WHERE ${CLIENT_BACKEND}`);
    const r = row!;
    const usable = Math.max(1, r.max - r.reserved);
    const ratio = r.in_use / usable;
    const details = { inUse: r.in_use, maxConnections: r.max, superuserReserved: r.reserved, usable, ratio: Math.round(ratio * 1000) / 1000, inThisDatabase: r.this_db, byState: r.by_state ?? {} };
    const text = ctx.tr.t('checks.connections.text', { inUse: r.in_use, usable, percent: Math.round(ratio * 100), max: r.max, reserved: r.reserved, here: r.this_db });
    if (ratio >= ctx.options.connectionsFailRatio) return { status: 'FAIL', summary: ctx.tr.t('checks.connections.fail', { text }), details };
    if (ratio >= ctx.options.connectionsWarnRatio) return { status: 'WARN', summary: ctx.tr.t('checks.connections.warn', { text }), details };
    return { status: 'PASS', summary: `${text}.`, details };
  },
};

export const CHECKS: CheckDefinition[] = [
  serverVersionCheck,
  serverSettingsCheck,
  databaseSizeCheck,
  connectionsCheck,
  longRunningCheck,
  idleInTransactionCheck,
  blockingLocksCheck,
  replicationCheck,
  archivingCheck,
  invalidIndexesCheck,
  requiredObjectsCheck,
];

/** Runs the preflight on an open session. Throws PgCheckError only when the session is lost. */
export async function runPreflight(session: PgSession, options: PreflightOptions = {}): Promise<PreflightReport> {
  const started = Date.now();
  const lang = options.lang ?? 'en';
  const ctx: CheckContext = {
    lang,
    tr: translator(lang),
    options: {
      longQuerySeconds: options.longQuerySeconds ?? DEFAULTS.longQuerySeconds,
      idleInTransactionSeconds: options.idleInTransactionSeconds ?? DEFAULTS.idleInTransactionSeconds,
      connectionsWarnRatio: options.connectionsWarnRatio ?? DEFAULTS.connectionsWarnRatio,
      connectionsFailRatio: options.connectionsFailRatio ?? DEFAULTS.connectionsFailRatio,
      replicationLagSeconds: options.replicationLagSeconds ?? DEFAULTS.replicationLagSeconds,
      replicationLagBytes: options.replicationLagBytes ?? DEFAULTS.replicationLagBytes,
      archiveMaxAgeSeconds: options.archiveMaxAgeSeconds ?? DEFAULTS.archiveMaxAgeSeconds,
      statementTimeoutMs: options.statementTimeoutMs ?? DEFAULTS.statementTimeoutMs,
      ...(options.required ? { required: options.required } : {}),
    },
    backendPid: session.backendPid,
    serverVersionNum: session.serverVersionNum,
  };
  const checks: CheckResult[] = [];
  for (const check of CHECKS) {
    if (options.only && !options.only.includes(check.id)) continue;
    if (check.applies && !check.applies(ctx)) continue;
    checks.push(await runCheck(session, check, ctx));
  }
  return {
    target: session.label,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    status: worstStatus(checks.map((c) => c.status)),
    checks,
  };
}

async function runCheck(session: PgSession, check: CheckDefinition, ctx: CheckContext): Promise<CheckResult> {
  try {
    const verdict = await session.readOnly({ what: ctx.tr.t(`checks.reads.${check.id}`), statementTimeoutMs: ctx.options.statementTimeoutMs, lang: ctx.lang }, (query) => check.run(query, ctx));
    return { id: check.id, title: ctx.tr.t(`checks.title.${check.id}`), ...verdict };
  } catch (error) {
    if (!(error instanceof PgCheckError) || error.kind === 'lost') throw error;
    // A check that could not look cannot pass.
    return { id: check.id, title: ctx.tr.t(`checks.title.${check.id}`), status: 'FAIL', summary: ctx.tr.t('checks.couldNotRun', { message: error.message }), details: { error: { kind: error.kind, sqlState: error.sqlState ?? null, message: error.message } } };
  }
}

/** Connects, runs the preflight and closes. */
export async function preflight(dsn: string, options: PreflightOptions = {}, sessionOptions: SessionOptions = {}): Promise<PreflightReport> {
  const session = await PgSession.connect(dsn, { applicationName: 'cutover-preflight', ...sessionOptions });
  try {
    return await runPreflight(session, options);
  } finally {
    await session.close();
  }
}
