// Replication and WAL archiving: the rollback plan of a cutover is usually "PITR to just
// before it", which only exists when WAL is archived, and replicas that fall behind during a
// big migration serve stale reads (or hold WAL on the primary until its disk fills).
import type { CheckContext, CheckDefinition, Verdict } from './preflight';
import { translator, type Lang, type Translator } from '../../shared/i18n';
import { formatBytes, formatSeconds } from './util';

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

/** The verdict on the replicas and slots, its summary in the context's language (English without one). */
export function judgeReplication(state: { in_recovery: boolean; replay_delay: number | null }, replicas: ReplicaRow[], slots: SlotRow[], ctx: Pick<CheckContext, 'options'> & { tr?: Translator }): Verdict {
  const { replicationLagSeconds, replicationLagBytes } = ctx.options;
  const tr = ctx.tr ?? translator('en');
  const seconds = (v: number) => formatSeconds(v, tr.lang);
  const size = (n: number) => formatBytes(n, tr.lang);
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
    ? ` ${tr.count('checks.slots', inactiveSlots.length, { list: inactiveSlots.map((s) => `${s.slot_name}${s.retained_bytes !== null ? tr.t('checks.slots.retaining', { size: size(s.retained_bytes) }) : ''}`).join('; ') })}`
    : '';
  if (state.in_recovery) {
    const delay = state.replay_delay === null ? tr.t('checks.replication.nothingReplayed') : tr.t('checks.replication.lastReplayed', { age: seconds(state.replay_delay) });
    return { status: 'INFO', summary: tr.t('checks.replication.standby', { delay }), details };
  }
  if (list.length === 0) {
    return { status: inactiveSlots.length ? 'WARN' : 'INFO', summary: `${tr.t('checks.replication.none')}${slotNote}`, details };
  }
  const problems: string[] = [];
  for (const r of list) {
    if (r.state !== 'streaming') problems.push(tr.t('checks.replication.notStreaming', { name: r.name, state: r.state ?? tr.t('checks.replication.unknownState') }));
    else if ((r.replayLagSeconds ?? 0) > replicationLagSeconds) problems.push(tr.t('checks.replication.replaysBehind', { name: r.name, lag: seconds(r.replayLagSeconds!) }));
    else if ((r.replayBytesBehind ?? 0) > replicationLagBytes) problems.push(tr.t('checks.replication.bytesBehind', { name: r.name, size: size(r.replayBytesBehind!) }));
  }
  const shown = list.map((r) => tr.t('checks.replication.shown', {
    name: r.name,
    state: `${r.state ?? '?'}${r.syncState ? `/${r.syncState}` : ''}`,
    lag: r.replayLagSeconds === null ? tr.t('checks.replication.noLag') : seconds(r.replayLagSeconds),
    behind: r.replayBytesBehind !== null ? tr.t('checks.replication.behind', { size: size(r.replayBytesBehind) }) : '',
  })).join('; ');
  if (problems.length || inactiveSlots.length) {
    return { status: 'WARN', summary: `${problems.length ? `${problems.join('; ')}.` : tr.count('checks.replicas', list.length, { shown })}${slotNote}`, details };
  }
  return { status: 'PASS', summary: tr.count('checks.replicas', list.length, { shown }), details };
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
    return judgeArchiving(row!, ctx.options.archiveMaxAgeSeconds, ctx.lang);
  },
};

/** The verdict on pg_stat_archiver (pure, so every branch is testable without a broken archive), its summary in `lang`. */
export function judgeArchiving(s: ArchiverState, maxAgeSeconds: number, lang: Lang = 'en'): Verdict {
  const tr = translator(lang);
  const seconds = (v: number) => formatSeconds(v, lang);
  const fiction = tr.t('checks.archive.fiction');
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
    return { status: 'INFO', summary: tr.t('checks.archive.standby', { mode: s.archive_mode }), details };
  }
  if (s.archive_mode === 'off') {
    return { status: 'WARN', summary: tr.t('checks.archive.off', { fiction }), details };
  }
  const nothingConfigured = s.archive_command !== null && (s.archive_command === '' || s.archive_command === '(disabled)') && !s.archive_library;
  if (nothingConfigured) {
    return { status: 'FAIL', summary: tr.t('checks.archive.nothingConfigured', { mode: s.archive_mode, fiction }), details };
  }
  // pg_stat_archiver counts failures since the stats reset; "failing now" is a failure more
  // recent than the last success.
  if (lastFail !== null && (lastOk === null || lastFail < lastOk)) {
    const since = lastOk === null ? tr.t('checks.archive.neverArchived') : tr.t('checks.archive.lastSuccess', { age: seconds(lastOk), wal: String(s.last_archived_wal) });
    return { status: 'FAIL', summary: tr.count('checks.archive.failing', s.failed_count, { wal: String(s.last_failed_wal), age: seconds(lastFail), since, fiction }), details };
  }
  if (lastOk === null || s.archived_count === 0) {
    return { status: 'FAIL', summary: tr.t('checks.archive.unproven', { mode: s.archive_mode, sinceReset: s.stats_reset_age !== null ? ` ${tr.t('checks.archive.sinceReset', { age: seconds(s.stats_reset_age) })}` : '' }), details };
  }
  if (lastOk > maxAgeSeconds) {
    const timeout = s.archive_timeout && s.archive_timeout !== '0' ? tr.t('checks.archive.timeout', { timeout: seconds(Number(s.archive_timeout)) }) : tr.t('checks.archive.timeoutZero');
    return { status: 'WARN', summary: tr.t('checks.archive.stale', { wal: String(s.last_archived_wal), age: seconds(lastOk), max: seconds(maxAgeSeconds), timeout }), details };
  }
  const failures = s.failed_count > 0 ? `; ${tr.count('checks.archive.earlier', s.failed_count)}` : '';
  return { status: 'PASS', summary: tr.count('checks.archive.works', s.archived_count, { wal: String(s.last_archived_wal), age: seconds(lastOk), failures }), details };
}
