// Sessions that would get in a migration's way: long-running queries, transactions left
// idle (they hold their locks), and blocking lock chains (pg_blocking_pids): a migration's
// ACCESS EXCLUSIVE lock queues behind the blocker, and every query after it queues behind the
// migration.
import type { CheckDefinition, Verdict } from './preflight';
import type { Query } from './session';
import { translator, type Lang, type Translator } from '../../shared/i18n';
import { formatSeconds, oneLine } from './util';

interface ActivityRow {
  pid: number;
  user: string | null;
  database: string | null;
  application: string | null;
  client: string | null;
  backend_type: string | null;
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  query: string | null;
  query_seconds: number | null;
  xact_seconds: number | null;
  state_seconds: number | null;
  blocked_by: number[] | null;
  waiting_for: string | null;
  relation_locks: number;
}

/** A session as the checks report it. */
export interface SessionInfo {
  pid: number;
  user: string | null;
  database: string | null;
  application: string | null;
  client: string | null;
  state: string | null;
  /** "Lock:relation", "IO:DataFileRead" … */
  waitEvent: string | null;
  /** For a session waiting on a lock: the lock mode and what it is on. */
  waitingFor: string | null;
  queryDurationSeconds: number | null;
  transactionDurationSeconds: number | null;
  stateDurationSeconds: number | null;
  /** Relation locks it holds. */
  relationLocks: number;
  /** On one line, cut to 200 characters. */
  query: string;
}

const HIDDEN = '<insufficient privilege>';

/** A client session; one of another role is hidden from an unprivileged role (backend_type null too), but it has a database. */
export const CLIENT_BACKEND = "(a.backend_type = 'client backend' OR (a.backend_type IS NULL AND a.datid IS NOT NULL))";

/** Every client session but ours, with what it waits for and who blocks it, in one read. */
async function readActivity(query: Query, ownPid: number): Promise<ActivityRow[]> {
  return query<ActivityRow>(`
    WITH locks AS MATERIALIZED (SELECT pid, locktype, mode, granted, relation, database FROM pg_locks),
         here AS (SELECT oid FROM pg_database WHERE datname = current_database())
    SELECT a.pid, a.usename::text AS user, a.datname::text AS database, a.application_name AS application,
           a.client_addr::text AS client, a.backend_type, a.state, a.wait_event_type, a.wait_event, left(a.query, 2000) AS query,
           extract(epoch FROM now() - a.query_start)::float8 AS query_seconds,
           extract(epoch FROM now() - a.xact_start)::float8 AS xact_seconds,
           extract(epoch FROM now() - a.state_change)::float8 AS state_seconds,
           CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) END AS blocked_by,
           (SELECT string_agg(l.mode || ' on ' || CASE WHEN l.relation IS NOT NULL AND l.database = (SELECT oid FROM here)
                                                      THEN l.relation::regclass::text ELSE l.locktype END, ', ')
              FROM locks l WHERE l.pid = a.pid AND NOT l.granted) AS waiting_for,
           (SELECT count(*) FROM locks l WHERE l.pid = a.pid AND l.granted AND l.locktype = 'relation')::int AS relation_locks
      FROM pg_stat_activity a
     WHERE a.pid <> $1 AND ${CLIENT_BACKEND}`, [ownPid]);
}

function info(r: ActivityRow): SessionInfo {
  return {
    pid: r.pid,
    user: r.user,
    database: r.database,
    application: r.application || null,
    client: r.client,
    state: r.state,
    waitEvent: r.wait_event_type ? `${r.wait_event_type}:${r.wait_event ?? ''}` : null,
    waitingFor: r.waiting_for,
    queryDurationSeconds: round(r.query_seconds),
    transactionDurationSeconds: round(r.xact_seconds),
    stateDurationSeconds: round(r.state_seconds),
    relationLocks: r.relation_locks,
    query: oneLine(r.query, 200),
  };
}

function round(v: number | null): number | null {
  return v === null ? null : Math.round(v * 10) / 10;
}

/** "pid 123 (alice@app, idle in transaction for 3m12s) «UPDATE …»" (its words in `lang`; the state is PostgreSQL's). */
export function describeSession(s: SessionInfo, lang: Lang = 'en'): string {
  const tr = translator(lang);
  const seconds = (v: number) => formatSeconds(v, lang);
  const who = [s.user ?? '?', s.database ? `@${s.database}` : ''].join('');
  const parts: string[] = [who];
  if (s.application) parts.push(s.application);
  if (s.state === 'active') {
    parts.push(s.waitingFor
      ? tr.t('checks.session.waiting', { duration: seconds(s.stateDurationSeconds ?? 0), lock: s.waitingFor })
      : tr.t('checks.session.running', { duration: seconds(s.queryDurationSeconds ?? 0) }));
  } else if (s.state) {
    parts.push(tr.t('checks.session.state', { state: s.state, duration: seconds(s.stateDurationSeconds ?? 0) }));
  }
  if (s.transactionDurationSeconds !== null) parts.push(tr.t('checks.session.transaction', { duration: seconds(s.transactionDurationSeconds) }));
  return `pid ${s.pid} (${parts.join(', ')})${s.query ? ` «${oneLine(s.query, 80)}»` : ''}`;
}

function hiddenNote(rows: ActivityRow[], tr: Translator): { hidden: number; note: string } {
  const hidden = rows.filter((r) => r.query === HIDDEN).length;
  return { hidden, note: hidden ? ` ${tr.count('checks.hidden', hidden)}` : '' };
}

export const longRunningCheck: CheckDefinition = {
  id: 'sessions.long-running',
  async run(query, ctx): Promise<Verdict> {
    const threshold = ctx.options.longQuerySeconds;
    const rows = await readActivity(query, ctx.backendPid);
    const long = rows.filter((r) => r.state === 'active' && (r.query_seconds ?? 0) > threshold).sort((a, b) => (b.query_seconds ?? 0) - (a.query_seconds ?? 0));
    const { tr } = ctx;
    const { hidden, note } = hiddenNote(rows, tr);
    const sessions = long.map(info);
    const details = { thresholdSeconds: threshold, sessions, hiddenSessions: hidden };
    const limit = formatSeconds(threshold, tr.lang);
    if (long.length > 0) {
      return { status: 'WARN', summary: `${tr.count('checks.long.found', long.length, { threshold: limit, session: describeSession(sessions[0]!, tr.lang) })}${note}`, details };
    }
    if (hidden) return { status: 'WARN', summary: `${tr.t('checks.long.hidden', { threshold: limit })}${note}`, details };
    return { status: 'PASS', summary: tr.count('checks.long.none', rows.length, { threshold: limit }), details };
  },
};

export const idleInTransactionCheck: CheckDefinition = {
  id: 'sessions.idle-in-transaction',
  async run(query, ctx): Promise<Verdict> {
    const threshold = ctx.options.idleInTransactionSeconds;
    const rows = await readActivity(query, ctx.backendPid);
    const idle = rows.filter((r) => (r.state === 'idle in transaction' || r.state === 'idle in transaction (aborted)') && (r.state_seconds ?? 0) > threshold)
      .sort((a, b) => (b.xact_seconds ?? 0) - (a.xact_seconds ?? 0));
    const { tr } = ctx;
    const { hidden, note } = hiddenNote(rows, tr);
    const sessions = idle.map(info);
    const details = { thresholdSeconds: threshold, sessions, hiddenSessions: hidden };
    const limit = formatSeconds(threshold, tr.lang);
    if (idle.length > 0) {
      const locks = sessions.reduce((n, s) => n + s.relationLocks, 0);
      return { status: 'WARN', summary: `${tr.count('checks.idle.found', idle.length, { threshold: limit, locks: tr.count('checks.idle.locks', locks), session: describeSession(sessions[0]!, tr.lang) })}${note}`, details };
    }
    if (hidden) return { status: 'WARN', summary: `${tr.t('checks.idle.hidden', { threshold: limit })}${note}`, details };
    return { status: 'PASS', summary: tr.t('checks.idle.none', { threshold: limit }), details };
  },
};

export interface BlockingChain {
  /** Root blocker first, then each session it blocks, down to one that blocks nobody. */
  pids: number[];
  text: string;
}

/** Chains from root blockers (blocking, not blocked) down to each blocked leaf, described in `lang`. */
export function blockingChains(edges: Array<{ blocker: number; blocked: number }>, sessions: Map<number, SessionInfo>, lang: Lang = 'en'): BlockingChain[] {
  const tr = translator(lang);
  const children = new Map<number, number[]>();
  const blocked = new Set<number>();
  for (const e of edges) {
    children.set(e.blocker, [...(children.get(e.blocker) ?? []), e.blocked]);
    blocked.add(e.blocked);
  }
  let roots = [...children.keys()].filter((pid) => !blocked.has(pid));
  // A cycle (a deadlock the detector has not broken yet) has no root: start anywhere in it.
  if (roots.length === 0 && children.size > 0) roots = [Math.min(...children.keys())];
  const describe = (pid: number): string => {
    if (pid === 0) return tr.t('checks.session.prepared');
    const s = sessions.get(pid);
    return s ? describeSession(s, lang) : tr.t('checks.session.notVisible', { pid });
  };
  const chains: BlockingChain[] = [];
  const walk = (path: number[]): void => {
    const next = (children.get(path[path.length - 1]!) ?? []).filter((pid) => !path.includes(pid));
    if (next.length === 0) {
      chains.push({ pids: path, text: path.map(describe).join(' → ') });
      return;
    }
    for (const pid of next.sort((a, b) => a - b)) walk([...path, pid]);
  };
  for (const root of roots.sort((a, b) => a - b)) walk([root]);
  return chains;
}

export const blockingLocksCheck: CheckDefinition = {
  id: 'locks.blocking',
  async run(query, ctx): Promise<Verdict> {
    const rows = await readActivity(query, ctx.backendPid);
    const sessions = new Map(rows.map((r) => [r.pid, info(r)]));
    const edges = rows.flatMap((r) => (r.blocked_by ?? []).map((blocker) => ({ blocker, blocked: r.pid })));
    const { tr } = ctx;
    const chains = blockingChains(edges, sessions, tr.lang);
    const involved = [...new Set(edges.flatMap((e) => [e.blocker, e.blocked]))].sort((a, b) => a - b);
    const details = {
      chains,
      edges,
      sessions: involved.filter((pid) => sessions.has(pid)).map((pid) => sessions.get(pid)!),
    };
    if (edges.length === 0) return { status: 'PASS', summary: tr.t('checks.locks.none'), details };
    const waiting = new Set(edges.map((e) => e.blocked)).size;
    return {
      status: 'FAIL',
      summary: tr.count('checks.locks.blocked', waiting, { chain: chains[0]!.text, more: chains.length > 1 ? ` ${tr.count('checks.locks.more', chains.length - 1)}` : '' }),
      details,
    };
  },
};
