// The preflight checks against real PostgreSQL: each check on a database of its own, with the
// situations it exists to catch made for real (a transaction holding a lock, a migration
// queued behind it, a failed CREATE INDEX CONCURRENTLY, missing objects).
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { PgSession, runPreflight, type CheckId, type CheckResult, type PreflightOptions } from '../../src/core/checks';
import { startPrivateServer } from './cluster';
import { useCheckDatabase, waitFor, type CheckDatabase } from './helpers';

async function check(db: CheckDatabase, id: CheckId, options: PreflightOptions = {}, session?: PgSession): Promise<CheckResult> {
  const s = session ?? (await db.session());
  const report = await runPreflight(s, { ...options, only: [id] });
  expect(report.checks).toHaveLength(1);
  return report.checks[0]!;
}

describe('preflight: server, size, connections', () => {
  it('reports the version and the settings that matter, and warns when lock_timeout is off', async () => {
    const db = await useCheckDatabase();
    const report = await runPreflight(await db.session());
    expect(report.target).toMatch(new RegExp(`/${db.name}$`));
    const ids = report.checks.map((c) => c.id);
    expect(ids).toEqual(['server.version', 'server.settings', 'database.size', 'connections', 'sessions.long-running', 'sessions.idle-in-transaction',
      'locks.blocking', 'replication', 'wal.archiving', 'indexes.invalid']);
    for (const c of report.checks) {
      expect(['PASS', 'WARN', 'FAIL', 'INFO']).toContain(c.status);
      expect(c.summary.length).toBeGreaterThan(10);
      expect(c.title.length).toBeGreaterThan(3);
    }
    const version = report.checks.find((c) => c.id === 'server.version')!;
    expect(version.status).toBe('INFO');
    expect(version.summary).toMatch(/^PostgreSQL \d+/);
    expect(version.details.versionNum).toBeGreaterThanOrEqual(120000);

    const settings = report.checks.find((c) => c.id === 'server.settings')!;
    const values = settings.details.settings as Record<string, { value: string }>;
    for (const name of ['lock_timeout', 'statement_timeout', 'idle_in_transaction_session_timeout', 'max_connections', 'wal_level', 'archive_mode']) {
      expect(values[name], name).toBeDefined();
    }
    if (values.lock_timeout!.value === '0') {
      expect(settings.status).toBe('WARN');
      expect(settings.summary).toMatch(/lock_timeout is 0/);
    }
    // The database's own default is what a new session (the migration's) gets.
    await db.query(`ALTER DATABASE ${db.name} SET lock_timeout = '4s'`);
    const after = await check(db, 'server.settings');
    expect((after.details.settings as Record<string, { value: string }>).lock_timeout!.value).toBe('4000');
    expect(after.summary).toMatch(/lock_timeout=4\.0s|lock_timeout=4s/);
    expect(after.summary).not.toMatch(/lock_timeout is 0/);
  });

  it('measures the database and names its largest tables', async () => {
    const db = await useCheckDatabase();
    await db.query('CREATE TABLE big (id int, pad text); INSERT INTO big SELECT g, repeat(\'x\', 200) FROM generate_series(1, 5000) g; ANALYZE big');
    const c = await check(db, 'database.size');
    expect(c.status).toBe('INFO');
    expect(c.details.bytes as number).toBeGreaterThan(1_000_000);
    expect((c.details.largest as Array<{ name: string }>)[0]!.name).toBe('public.big');
    expect(c.summary).toMatch(/largest public\.big/);
  });

});

describe('preflight: objects', () => {
  it('finds the invalid index a failed CREATE UNIQUE INDEX CONCURRENTLY leaves behind', async () => {
    const db = await useCheckDatabase();
    await db.query('CREATE TABLE investors (id int, email text); INSERT INTO investors VALUES (1, \'a@x\'), (2, \'a@x\')');
    expect((await check(db, 'indexes.invalid')).status).toBe('PASS');
    await expect(db.query('CREATE UNIQUE INDEX CONCURRENTLY investors_email_key ON investors (email)')).rejects.toThrow(/could not create unique index/);
    const c = await check(db, 'indexes.invalid');
    expect(c.status).toBe('FAIL');
    expect(c.summary).toMatch(/1 invalid index: public\.investors_email_key on public\.investors\./);
    expect(c.summary).toMatch(/DROP INDEX CONCURRENTLY/);
    expect((c.details.indexes as Array<{ definition: string }>)[0]!.definition).toMatch(/CREATE UNIQUE INDEX investors_email_key ON public\.investors USING btree \(email\)/);
  });

  it('checks the required objects by name: present, missing, and present as the wrong kind', async () => {
    const db = await useCheckDatabase();
    await db.query(`
      CREATE SCHEMA ai;
      CREATE TYPE ai.drift_kind AS ENUM ('performance', 'covenant');
      CREATE TABLE ai.active_investments (id int PRIMARY KEY);
      CREATE TABLE ai.performance_drift_flags (id int PRIMARY KEY, investment_id int CONSTRAINT fk_drift_investment REFERENCES ai.active_investments(id), kind ai.drift_kind);
      CREATE INDEX ix_drift_investment ON ai.performance_drift_flags (investment_id);
      CREATE VIEW ai.board_monitoring_briefs AS SELECT id FROM ai.active_investments;`);
    const all = await check(db, 'objects.required', {
      required: {
        tables: ['active_investments', 'ai.performance_drift_flags'],
        indexes: ['ix_drift_investment'],
        enums: ['ai.drift_kind'],
        foreignKeys: ['fk_drift_investment', 'performance_drift_flags.fk_drift_investment', 'ai.performance_drift_flags.fk_drift_investment'],
        views: ['board_monitoring_briefs'],
      },
    });
    expect(all.status).toBe('PASS');
    expect(all.summary).toBe('All 8 required objects present.');
    expect((all.details.objects as Array<{ foundAs: string[] }>)[0]!.foundAs).toEqual(['ai.active_investments']);

    const missing = await check(db, 'objects.required', {
      required: {
        tables: ['active_investments', 'covenant_status_register', 'board_monitoring_briefs', 'public.active_investments'],
        enums: ['drift_kind', 'ai.nope'],
        foreignKeys: ['fk_drift_investment', 'active_investments.fk_drift_investment'],
        indexes: ['ix_drift_investment', 'ix_nope'],
      },
    });
    expect(missing.status).toBe('FAIL');
    expect(missing.summary).toBe('6 of 10 required objects missing: table covenant_status_register, table board_monitoring_briefs (exists, but as view), '
      + 'table public.active_investments, index ix_nope, enum ai.nope, foreign key active_investments.fk_drift_investment.');
  });

  it('does not run the required-objects check when nothing is required', async () => {
    const db = await useCheckDatabase();
    const report = await runPreflight(await db.session(), { required: { tables: [] } });
    expect(report.checks.map((c) => c.id)).not.toContain('objects.required');
  });
});

describe('preflight: replication and archiving on the shared test server', () => {
  it('says INFO when there are no replicas, and that PITR is a fiction when archive_mode is off', async () => {
    const db = await useCheckDatabase();
    const [row] = (await db.query<{ archive_mode: string; replicas: number }>("SELECT current_setting('archive_mode') AS archive_mode, (SELECT count(*)::int FROM pg_stat_replication) AS replicas")).rows;
    const replication = await check(db, 'replication');
    if (row!.replicas === 0) {
      expect(replication.status).toBe('INFO');
      expect(replication.summary).toMatch(/^No replicas connected/);
    }
    const archiving = await check(db, 'wal.archiving');
    if (row!.archive_mode === 'off') {
      expect(archiving.status).toBe('WARN');
      expect(archiving.summary).toMatch(/archive_mode is off: no WAL is archived, so a point-in-time restore to just before the cutover is a fiction/);
    }
  });
});

// Connections and other sessions' queries are cluster-wide: on the shared test server, anything
// else running there (another test file, another project) would change what the check sees. These
// run on a private server of their own.
describe('preflight: cluster-wide state, on a private server', () => {
  let server: Awaited<ReturnType<typeof startPrivateServer>> = null;
  let skipReason = '';
  beforeAll(async () => {
    try {
      server = await startPrivateServer();
      if (!server) skipReason = 'PostgreSQL server binaries (initdb) are not installed';
    } catch (error) {
      skipReason = `could not start a private PostgreSQL server: ${(error as Error).message}`;
    }
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });
  const privateDatabase = async (ctx: { skip: (note?: string) => void }): Promise<CheckDatabase | null> => {
    if (!server) {
      ctx.skip(skipReason);
      return null;
    }
    return useCheckDatabase(onTestFinished, server.dsn());
  };

  // On the private server: the shared one serves other test files at the same time, whose own
  // lock waits (a held publish lock, say) would be in the chains, and in the final check.
  it('sees a transaction holding a lock, the migration queued behind it and a reader queued behind that', async (ctx) => {
    const db = await privateDatabase(ctx);
    if (!db) return;
    await db.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int); INSERT INTO accounts VALUES (1, 10)');
    const holder = await db.other('app-holder');
    const [{ pid: holderPid }] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
    await holder.query('BEGIN');
    await holder.query('UPDATE accounts SET balance = balance + 1 WHERE id = 1');

    const migration = await db.other('alembic');
    const [{ pid: migrationPid }] = (await migration.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
    const migrating = migration.query('ALTER TABLE accounts ADD COLUMN note text').catch((e: Error) => e);
    const reader = await db.other('app-reader');
    const [{ pid: readerPid }] = (await reader.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
    await waitFor('the migration to wait for its lock', async () => {
      const r = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'alembic' AND wait_event_type = 'Lock'");
      return r.rows[0]!.n === 1 ? true : undefined;
    });
    const reading = reader.query('SELECT count(*) FROM accounts').catch((e: Error) => e);
    await waitFor('the reader to queue', async () => {
      const r = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'app-reader' AND wait_event_type = 'Lock'");
      return r.rows[0]!.n === 1 ? true : undefined;
    });
    // The checks below use 1 s thresholds: wait, on the server's own clock, until the holder has
    // been idle in its transaction and the migration waiting for longer than that.
    await waitFor('the holder idle and the migration waiting for over a second', async () => {
      const r = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE (pid = $1 AND now() - state_change > interval '1.2 s') OR (pid = $2 AND now() - query_start > interval '1.2 s')",
        [holderPid, migrationPid],
      );
      return r.rows[0]!.n === 2 ? true : undefined;
    });

    const session = await db.session();
    const report = await runPreflight(session, { idleInTransactionSeconds: 1, longQuerySeconds: 1 });
    const blocking = report.checks.find((c) => c.id === 'locks.blocking')!;
    expect(blocking.status).toBe('FAIL');
    const chains = blocking.details.chains as Array<{ pids: number[]; text: string }>;
    expect(chains.map((c) => c.pids)).toContainEqual([holderPid, migrationPid, readerPid]);
    const chain = chains.find((c) => c.pids[0] === holderPid)!;
    // blocker → blocked, with who, how long and the query cut to one line
    expect(chain.text).toMatch(new RegExp(`^pid ${holderPid} \\(.*app-holder, idle in transaction for [\\d.]+s.*«UPDATE accounts SET balance = balance \\+ 1 WHERE id = 1» → pid ${migrationPid} \\(.*alembic, waiting [\\d.]+s for AccessExclusiveLock on accounts.*«ALTER TABLE accounts ADD COLUMN note text» → pid ${readerPid} `));
    expect(blocking.summary).toContain(chain.text);
    expect(blocking.details.edges).toEqual(expect.arrayContaining([{ blocker: holderPid, blocked: migrationPid }, { blocker: migrationPid, blocked: readerPid }]));

    const idle = report.checks.find((c) => c.id === 'sessions.idle-in-transaction')!;
    expect(idle.status).toBe('WARN');
    const idleSessions = idle.details.sessions as Array<{ pid: number; relationLocks: number; query: string; application: string }>;
    expect(idleSessions.map((s) => s.pid)).toContain(holderPid);
    expect(idleSessions.find((s) => s.pid === holderPid)!.relationLocks).toBeGreaterThanOrEqual(1);
    expect(idle.summary).toMatch(/idle in a transaction for more than 1s, holding \d+ relation lock/);

    // The migration has been "running" (waiting) for over a second: a long-running query.
    const long = report.checks.find((c) => c.id === 'sessions.long-running')!;
    expect(long.status).toBe('WARN');
    expect((long.details.sessions as Array<{ pid: number }>).map((s) => s.pid)).toContain(migrationPid);

    await holder.query('ROLLBACK');
    expect(await migrating).not.toBeInstanceOf(Error);
    expect(await reading).not.toBeInstanceOf(Error);
    const clear = await check(db, 'locks.blocking', {}, session);
    expect(clear.status).toBe('PASS');
  });

  it('counts connections against max_connections, with thresholds', async (ctx) => {
    const db = await privateDatabase(ctx);
    if (!db) return;
    await db.other();
    const pass = await check(db, 'connections');
    expect(pass.status).toBe('PASS');
    expect(pass.details.inUse as number).toBeGreaterThanOrEqual(2);
    expect(pass.details.inThisDatabase as number).toBeGreaterThanOrEqual(2);
    expect(pass.summary).toMatch(/of \d+ usable connections in use/);
    expect((await check(db, 'connections', { connectionsWarnRatio: 0.000001 })).status).toBe('WARN');
    const fail = await check(db, 'connections', { connectionsWarnRatio: 0.000001, connectionsFailRatio: 0.000002 });
    expect(fail.status).toBe('FAIL');
    expect(fail.summary).toMatch(/may not get a connection/);
  });

  it('reports a long-running query over the threshold and not under it', async (ctx) => {
    const db = await privateDatabase(ctx);
    if (!db) return;
    const sleeper = await db.other('report-job');
    const sleeping = sleeper.query('SELECT pg_sleep(20)').catch((e: Error) => e);
    await waitFor('the sleeper', async () => {
      const r = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'report-job' AND state = 'active'");
      return r.rows[0]!.n === 1 ? true : undefined;
    });
    // Until the server itself says the query has run for more than the 1 s threshold.
    await waitFor('the sleeper to pass 1 s', async () => {
      const r = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'report-job' AND state = 'active' AND clock_timestamp() - query_start > interval '1.1 seconds'");
      return r.rows[0]!.n === 1 ? true : undefined;
    });
    const warn = await check(db, 'sessions.long-running', { longQuerySeconds: 1 });
    expect(warn.status).toBe('WARN');
    expect(warn.summary).toMatch(/1 query running longer than 1s; longest: pid \d+ \(.*report-job, running for [\d.]+s.*«SELECT pg_sleep\(20\)»/);
    expect((await check(db, 'sessions.long-running', { longQuerySeconds: 600 })).status).toBe('PASS');
    await db.query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'report-job'");
    expect(await sleeping).toBeInstanceOf(Error);
  });
});
