// Replication and WAL archiving: the rollback plan of a cutover is usually "PITR to just
// before it", which only exists when WAL is archived, and replicas that fall behind during a
// big migration serve stale reads (or hold WAL on the primary until its disk fills).
import type { CheckContext, CheckDefinition, Verdict } from './preflight';
import { formatBytes, formatSeconds, plural } from './util';

interface ReplicaRow {
  application: string | null;
  client: string | null;
  state: string | null;
  sync_state: string | null;
  write_lag: number | null;
  flush_lag: number | null;
  replay_lag: number | null;
  replay_bytes: number | null;
  reply_age: number | null;
}

interface SlotRow {
  slot_name: string;
  slot_type: string;
  active: boolean;
  retained_bytes: number | null;
  wal_status: string | null;
}

export const replicationCheck: CheckDefinition = {
  id: 'replication',
  title: 'Replication lag',
  reads: 'pg_stat_replication',
  async run(query, ctx): Promise<Verdict> {
    const [state] = await query<{ in_recovery: boolean; replay_delay: number | null }>(`
      SELECT pg_is_in_recovery() AS in_recovery,
             CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS replay_delay`);
    // pg_current_wal_lsn() fails on a standby: only asked for on a primary.
    const replicas = await query<ReplicaRow>(`
      SELECT application_name AS application, client_addr::text AS client, state, sync_state,
             extract(epoch FROM write_lag)::float8 AS write_lag, extract(epoch FROM flush_lag)::float8 AS flush_lag,
             extract(epoch FROM replay_lag)::float8 AS replay_lag,
             CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 END AS replay_bytes,
             extract(epoch FROM now() - reply_time)::float8 AS reply_age
        FROM pg_stat_replication ORDER BY application_name, client_addr::text`);
    const slots = await query<SlotRow>(`
      SELECT slot_name::text, slot_type, active, wal_status,
             CASE WHEN pg_is_in_recovery() OR restart_lsn IS NULL THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 END AS retained_bytes
        FROM pg_replication_slots ORDER BY slot_name`);
    return judgeReplication(state!, replicas, slots, ctx);
  },
};

export function judgeReplication(state: { in_recovery: boolean; replay_delay: number | null }, replicas: ReplicaRow[], slots: SlotRow[], ctx: Pick<CheckContext, 'options'>): Verdict {
  const { replicationLagSeconds, replicationLagBytes } = ctx.options;
  const list = replicas.map((r) => ({
    name: r.application || r.client || 'replica',
    client: r.client,
    state: r.state,
    syncState: r.sync_state,
    writeLagSeconds: r.write_lag,
    flushLagSeconds: r.flush_lag,
    replayLagSeconds: r.replay_lag,
    replayBytesBehind: r.replay_bytes,
    lastReplySecondsAgo: r.reply_age,
  }));
  const inactiveSlots = slots.filter((s) => !s.active);
  const details = { inRecovery: state.in_recovery, replayDelaySeconds: state.replay_delay, replicas: list, slots, thresholds: { replicationLagSeconds, replicationLagBytes } };
  const slotNote = inactiveSlots.length
    ? ` ${plural(inactiveSlots.length, 'inactive replication slot')} (${inactiveSlots.map((s) => `${s.slot_name}${s.retained_bytes !== null ? `, retaining ${formatBytes(s.retained_bytes)} of WAL` : ''}`).join('; ')}): WAL piles up on the primary until its consumer returns.`
    : '';
  if (state.in_recovery) {
    const delay = state.replay_delay === null ? 'nothing replayed yet' : `last replayed transaction ${formatSeconds(state.replay_delay)} old`;
    return { status: 'INFO', summary: `This server is a standby (${delay}); replication lag is measured on the primary.`, details };
  }
  if (list.length === 0) {
    return { status: inactiveSlots.length ? 'WARN' : 'INFO', summary: `No replicas connected (pg_stat_replication is empty).${slotNote}`, details };
  }
  const problems: string[] = [];
  for (const r of list) {
    if (r.state !== 'streaming') problems.push(`${r.name} is ${r.state ?? 'in an unknown state'}, not streaming`);
    else if ((r.replayLagSeconds ?? 0) > replicationLagSeconds) problems.push(`${r.name} replays ${formatSeconds(r.replayLagSeconds!)} behind`);
    else if ((r.replayBytesBehind ?? 0) > replicationLagBytes) problems.push(`${r.name} is ${formatBytes(r.replayBytesBehind!)} of WAL behind`);
  }
  const shown = list.map((r) => `${r.name} ${r.state ?? '?'}${r.syncState ? `/${r.syncState}` : ''}, replay lag ${r.replayLagSeconds === null ? 'none' : formatSeconds(r.replayLagSeconds)}${r.replayBytesBehind !== null ? `, ${formatBytes(r.replayBytesBehind)} behind` : ''}`).join('; ');
  if (problems.length || inactiveSlots.length) {
    return { status: 'WARN', summary: `${problems.length ? `${problems.join('; ')}.` : `${plural(list.length, 'replica')}: ${shown}.`}${slotNote}`, details };
  }
  return { status: 'PASS', summary: `${plural(list.length, 'replica')}: ${shown}.`, details };
}

export interface ArchiverState {
  archive_mode: string;
  archive_command: string | null;
  archive_library: string | null;
  archive_timeout: string | null;
  wal_level: string;
  in_recovery: boolean;
  archived_count: number;
  last_archived_wal: string | null;
  last_archived_age: number | null;
  failed_count: number;
  last_failed_wal: string | null;
  last_failed_age: number | null;
  stats_reset_age: number | null;
}

export const archivingCheck: CheckDefinition = {
  id: 'wal.archiving',
  title: 'WAL archiving (point-in-time recovery)',
  reads: 'pg_stat_archiver',
  async run(query, ctx): Promise<Verdict> {
    // pg_settings, not current_setting(): archive_command is hidden from roles without
    // pg_read_all_settings, and pg_settings then simply has no row.
    const [row] = await query<ArchiverState>(`
      SELECT (SELECT setting FROM pg_settings WHERE name = 'archive_mode') AS archive_mode,
             (SELECT setting FROM pg_settings WHERE name = 'archive_command') AS archive_command,
             (SELECT setting FROM pg_settings WHERE name = 'archive_library') AS archive_library,
             (SELECT setting FROM pg_settings WHERE name = 'archive_timeout') AS archive_timeout,
             (SELECT setting FROM pg_settings WHERE name = 'wal_level') AS wal_level,
             pg_is_in_recovery() AS in_recovery,
             s.archived_count::float8 AS archived_count, s.last_archived_wal,
             extract(epoch FROM now() - s.last_archived_time)::float8 AS last_archived_age,
             s.failed_count::float8 AS failed_count, s.last_failed_wal,
             extract(epoch FROM now() - s.last_failed_time)::float8 AS last_failed_age,
             extract(epoch FROM now() - s.stats_reset)::float8 AS stats_reset_age
        FROM pg_stat_archiver s`);
    return judgeArchiving(row!, ctx.options.archiveMaxAgeSeconds);
  },
};

const FICTION = 'a point-in-time restore to just before the cutover is a fiction: only a full backup or a storage snapshot can bring the database back, to the moment it was taken';

/** The verdict on pg_stat_archiver (pure, so every branch is testable without a broken archive). */
export function judgeArchiving(s: ArchiverState, maxAgeSeconds: number): Verdict {
  const lastOk = s.last_archived_age;
  const lastFail = s.last_failed_age;
  const details = {
    archiveMode: s.archive_mode,
    archiveCommand: s.archive_command,
    archiveLibrary: s.archive_library,
    archiveTimeoutSeconds: s.archive_timeout === null ? null : Number(s.archive_timeout),
    walLevel: s.wal_level,
    inRecovery: s.in_recovery,
    archivedCount: s.archived_count,
    lastArchivedWal: s.last_archived_wal,
    lastArchivedSecondsAgo: lastOk === null ? null : Math.round(lastOk),
    failedCount: s.failed_count,
    lastFailedWal: s.last_failed_wal,
    lastFailedSecondsAgo: lastFail === null ? null : Math.round(lastFail),
    statsResetSecondsAgo: s.stats_reset_age === null ? null : Math.round(s.stats_reset_age),
    maxAgeSeconds,
  };
  if (s.in_recovery && s.archive_mode !== 'always') {
    return { status: 'INFO', summary: `This server is a standby (archive_mode=${s.archive_mode}): it does not archive WAL; check archiving on the primary.`, details };
  }
  if (s.archive_mode === 'off') {
    return { status: 'WARN', summary: `archive_mode is off: no WAL is archived, so ${FICTION}.`, details };
  }
  const nothingConfigured = s.archive_command !== null && (s.archive_command === '' || s.archive_command === '(disabled)') && !s.archive_library;
  if (nothingConfigured) {
    return { status: 'FAIL', summary: `archive_mode is ${s.archive_mode} but neither archive_command nor archive_library is set: WAL accumulates in pg_wal and nothing is archived, so ${FICTION}.`, details };
  }
  // pg_stat_archiver counts failures since the stats reset; "failing now" is a failure more
  // recent than the last success.
  if (lastFail !== null && (lastOk === null || lastFail < lastOk)) {
    const since = lastOk === null ? 'no segment has ever been archived' : `the last success was ${formatSeconds(lastOk)} ago (${s.last_archived_wal})`;
    return { status: 'FAIL', summary: `WAL archiving is failing: the last attempt, for ${s.last_failed_wal} ${formatSeconds(lastFail)} ago, failed and ${since}; ${plural(s.failed_count, 'failure')} since the statistics were reset. Until it is fixed, ${FICTION}.`, details };
  }
  if (lastOk === null || s.archived_count === 0) {
    return { status: 'FAIL', summary: `archive_mode is ${s.archive_mode} but no WAL segment has been archived${s.stats_reset_age !== null ? ` since the statistics were reset ${formatSeconds(s.stats_reset_age)} ago` : ''}: archiving is unproven (force a segment with SELECT pg_switch_wal() and check again).`, details };
  }
  if (lastOk > maxAgeSeconds) {
    const timeout = s.archive_timeout && s.archive_timeout !== '0' ? `archive_timeout is ${formatSeconds(Number(s.archive_timeout))}` : 'archive_timeout is 0, so a quiet database may not switch segments for a long time';
    return { status: 'WARN', summary: `The last WAL segment (${s.last_archived_wal}) was archived ${formatSeconds(lastOk)} ago, more than ${formatSeconds(maxAgeSeconds)} (${timeout}); run SELECT pg_switch_wal() and check that it is archived.`, details };
  }
  const failures = s.failed_count > 0 ? `; ${plural(s.failed_count, 'earlier failure')}, none since the last success` : '';
  return { status: 'PASS', summary: `WAL archiving works: ${s.last_archived_wal} archived ${formatSeconds(lastOk)} ago; ${plural(s.archived_count, 'segment')} archived${failures}.`, details };
}
