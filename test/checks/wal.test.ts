// Replication and WAL archiving on a private server (archive_mode needs a restart, so the
// shared test server cannot be used): archiving never proven, failing, then fixed; a real hot
// standby streaming from it, then held back; the standby's own view. Every verdict branch of
// the archiver judgment is also checked on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintDatabase, judgeArchiving, judgeReplication, PgSession, runPreflight, type ArchiverState, type CheckId, type CheckResult, type PreflightOptions } from '../../src/core/checks';
import { withClient } from '../helpers/pg';
import { startPrivateServer, startStandby, type PrivateServer } from './cluster';
import { waitFor } from './helpers';

type Primary = NonNullable<Awaited<ReturnType<typeof startPrivateServer>>>;

async function check(dsn: string, id: CheckId, options: PreflightOptions = {}): Promise<CheckResult> {
  const session = await PgSession.connect(dsn, { applicationName: 'cutover-wal-test' });
  try {
    return (await runPreflight(session, { ...options, only: [id] })).checks[0]!;
  } finally {
    await session.close();
  }
}

let primary: Primary | null = null;
let standby: PrivateServer | null = null;
let skipReason = '';

beforeAll(async () => {
  try {
    // archive_command through ALTER SYSTEM, not -c: a command-line setting would outrank the
    // ALTER SYSTEM that fixes it later.
    primary = await startPrivateServer({ archive_mode: 'on', wal_level: 'replica', max_wal_senders: '5' });
    if (!primary) skipReason = 'PostgreSQL server binaries (initdb) are not installed';
    else await withClient(primary.dsn(), async (c) => {
      await c.query("ALTER SYSTEM SET archive_command = 'false'");
      await c.query('SELECT pg_reload_conf()');
    });
  } catch (error) {
    skipReason = `could not start a private PostgreSQL server: ${(error as Error).message}`;
  }
}, 180_000);

afterAll(async () => {
  await standby?.stop();
  await primary?.stop();
}, 60_000);

describe('WAL archiving on a private server', () => {
  it('is unproven before any segment, FAIL while the archive command fails, PASS once it works', async ({ skip }) => {
    if (!primary) return skip(skipReason);
    const dsn = primary.dsn();
    await waitFor('the new archive_command', async () => {
      const r = await withClient(dsn, (c) => c.query<{ v: string }>("SELECT setting AS v FROM pg_settings WHERE name = 'archive_command'"));
      return r.rows[0]!.v === 'false' ? true : undefined;
    });
    const before = await check(dsn, 'wal.archiving');
    expect(before.status).toBe('FAIL');
    expect(before.summary).toMatch(/archive_mode is on but no WAL segment has been archived/);

    await withClient(dsn, (c) => c.query('CREATE TABLE t (id int); SELECT pg_switch_wal()'));
    await waitFor('a failed archive attempt', async () => {
      const r = await withClient(dsn, (c) => c.query<{ n: number }>('SELECT failed_count::int AS n FROM pg_stat_archiver'));
      return r.rows[0]!.n > 0 ? true : undefined;
    }, 30_000);
    const failing = await check(dsn, 'wal.archiving');
    expect(failing.status).toBe('FAIL');
    expect(failing.summary).toMatch(/^WAL archiving is failing: the last attempt, for [0-9A-F]{24} [\d.]+s ago, failed and no segment has ever been archived; \d+ failures? since the statistics were reset\. Until it is fixed, a point-in-time restore to just before the cutover is a fiction/);
    expect(failing.details.failedCount as number).toBeGreaterThan(0);

    await withClient(dsn, async (c) => {
      await c.query(`ALTER SYSTEM SET archive_command = 'cp %p ${primary!.archiveDir}/%f'`);
      await c.query('SELECT pg_reload_conf()');
      await c.query('CREATE TABLE t2 (id int); SELECT pg_switch_wal()');
    });
    await waitFor('a successful archive', async () => {
      const r = await withClient(dsn, (c) => c.query<{ n: number }>('SELECT archived_count::int AS n FROM pg_stat_archiver'));
      return r.rows[0]!.n > 0 ? true : undefined;
    }, 90_000);
    const working = await check(dsn, 'wal.archiving');
    expect(working.status).toBe('PASS');
    expect(working.summary).toMatch(/^WAL archiving works: [0-9A-F]{24} archived [\d.]+s ago; \d+ segments? archived; \d+ earlier failures?, none since the last success\.$/);

    const stale = await check(dsn, 'wal.archiving', { archiveMaxAgeSeconds: 0 });
    expect(stale.status).toBe('WARN');
    expect(stale.summary).toMatch(/run SELECT pg_switch_wal\(\) and check that it is archived/);
  });
});

describe('replication with a real hot standby', () => {
  it('lists the streaming replica, warns when it falls behind, and knows a standby when it sees one', async ({ skip }) => {
    if (!primary) return skip(skipReason);
    standby = await startStandby(primary);
    const dsn = primary.dsn();
    await waitFor('the standby to stream', async () => {
      const r = await withClient(dsn, (c) => c.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'"));
      return r.rows[0]!.n === 1 ? true : undefined;
    }, 60_000);
    const streaming = await check(dsn, 'replication');
    expect(streaming.status).toBe('PASS');
    expect(streaming.summary).toMatch(/^1 replica: \S+ streaming\/async, replay lag /);
    const replicas = streaming.details.replicas as Array<{ state: string; client: string }>;
    expect(replicas).toHaveLength(1);
    expect(replicas[0]!.client).toBe('127.0.0.1/32');

    // Hold the standby's replay back and write on the primary: it falls behind.
    await withClient(standby.dsn(), (c) => c.query('SELECT pg_wal_replay_pause()'));
    await withClient(dsn, (c) => c.query('CREATE TABLE behind AS SELECT g FROM generate_series(1, 20000) g'));
    await waitFor('the replica to report what it received', async () => {
      const r = await withClient(dsn, (c) => c.query<{ b: number }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 AS b FROM pg_stat_replication'));
      return (r.rows[0]?.b ?? 0) > 0 ? true : undefined;
    });
    const behind = await check(dsn, 'replication', { replicationLagBytes: 1 });
    expect(behind.status).toBe('WARN');
    expect(behind.summary).toMatch(/is [\d.]+ (B|kB|MB) of WAL behind/);

    const standbySession = await PgSession.connect(standby.dsn());
    const onStandby = await runPreflight(standbySession, { only: ['server.version', 'replication', 'wal.archiving'] }).finally(() => standbySession.close());
    const byId = Object.fromEntries(onStandby.checks.map((c) => [c.id, c]));
    expect(byId['server.version']!.status).toBe('WARN');
    expect(byId['server.version']!.summary).toMatch(/is a standby \(in recovery\)/);
    expect(byId.replication!.status).toBe('INFO');
    expect(byId.replication!.summary).toMatch(/^This server is a standby/);
    expect(byId['wal.archiving']!.status).toBe('INFO');
    await withClient(standby.dsn(), (c) => c.query('SELECT pg_wal_replay_resume()'));

    // Once the standby has replayed everything, its schema is the primary's: same fingerprint.
    await waitFor('the standby to catch up', async () => {
      const r = await withClient(dsn, (c) => c.query<{ b: number }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 AS b FROM pg_stat_replication'));
      return r.rows[0]?.b === 0 ? true : undefined;
    }, 30_000);
    const [onPrimary, onReplica] = await Promise.all([fingerprintDatabase(dsn), fingerprintDatabase(standby.dsn())]);
    expect(onPrimary.fingerprint.tables.map((t) => t.name)).toEqual(['behind', 't', 't2']);
    expect(onReplica.fingerprint.sha256).toBe(onPrimary.fingerprint.sha256);
  });
});

describe('the archiver verdict, branch by branch', () => {
  const base: ArchiverState = {
    archive_mode: 'on', archive_command: 'cp %p /archive/%f', archive_library: '', archive_timeout: '60', wal_level: 'replica', in_recovery: false,
    archived_count: 10, last_archived_wal: '000000010000000000000010', last_archived_age: 30, failed_count: 0, last_failed_wal: null, last_failed_age: null, stats_reset_age: 86_400,
  };
  it('judges each state', () => {
    expect(judgeArchiving(base, 3600).status).toBe('PASS');
    expect(judgeArchiving({ ...base, archive_mode: 'off' }, 3600)).toMatchObject({ status: 'WARN', summary: expect.stringMatching(/PITR|point-in-time restore .* is a fiction/) });
    expect(judgeArchiving({ ...base, archive_command: '' }, 3600)).toMatchObject({ status: 'FAIL', summary: expect.stringMatching(/neither archive_command nor archive_library is set/) });
    expect(judgeArchiving({ ...base, archive_command: null }, 3600).status).toBe('PASS');
    expect(judgeArchiving({ ...base, failed_count: 3, last_failed_wal: '000000010000000000000011', last_failed_age: 5 }, 3600))
      .toMatchObject({ status: 'FAIL', summary: expect.stringMatching(/^WAL archiving is failing: .* the last success was 30s ago \(000000010000000000000010\); 3 failures/) });
    expect(judgeArchiving({ ...base, failed_count: 3, last_failed_wal: '000000010000000000000009', last_failed_age: 500 }, 3600))
      .toMatchObject({ status: 'PASS', summary: expect.stringMatching(/3 earlier failures, none since the last success/) });
    expect(judgeArchiving({ ...base, archived_count: 0, last_archived_wal: null, last_archived_age: null }, 3600).status).toBe('FAIL');
    expect(judgeArchiving({ ...base, last_archived_age: 7200, archive_timeout: '0' }, 3600))
      .toMatchObject({ status: 'WARN', summary: expect.stringMatching(/archive_timeout is 0/) });
    expect(judgeArchiving({ ...base, in_recovery: true }, 3600).status).toBe('INFO');
    expect(judgeArchiving({ ...base, in_recovery: true, archive_mode: 'always' }, 3600).status).toBe('PASS');
  });

  it('judges replicas and slots', () => {
    const ctx = { options: { replicationLagSeconds: 60, replicationLagBytes: 1024 } } as Parameters<typeof judgeReplication>[3];
    const replica = { application: 'standby1', client: '10.0.0.2/32', state: 'streaming', sync_state: 'async', write_lag: 0.1, flush_lag: 0.1, replay_lag: 0.2, replay_bytes: 0, reply_age: 1 };
    expect(judgeReplication({ in_recovery: false, replay_delay: null }, [], [], ctx).status).toBe('INFO');
    expect(judgeReplication({ in_recovery: false, replay_delay: null }, [replica], [], ctx).status).toBe('PASS');
    expect(judgeReplication({ in_recovery: false, replay_delay: null }, [{ ...replica, replay_lag: 120 }], [], ctx).summary).toMatch(/standby1 replays 2m00s behind/);
    expect(judgeReplication({ in_recovery: false, replay_delay: null }, [{ ...replica, state: 'catchup' }], [], ctx).summary).toMatch(/standby1 is catchup, not streaming/);
    const slot = { slot_name: 'old_consumer', slot_type: 'physical', active: false, retained_bytes: 5 * 1024 ** 3, wal_status: 'extended' };
    const withSlot = judgeReplication({ in_recovery: false, replay_delay: null }, [], [slot], ctx);
    expect(withSlot.status).toBe('WARN');
    expect(withSlot.summary).toMatch(/1 inactive replication slot \(old_consumer, retaining 5\.0 GB of WAL\)/);
  });
});
