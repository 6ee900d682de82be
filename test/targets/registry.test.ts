// The session registry: executors by target name, connect results as plain data (so they
// cross IPC), disconnect and closeAll; on real local processes and a real PostgreSQL.
import { describe, expect, it } from 'vitest';
import { LocalExecutor } from '../../src/core/targets/local';
import { PostgresExecutor } from '../../src/core/targets/postgres';
import { createExecutor, fromErrorData, TargetSessions, toErrorData } from '../../src/core/targets/registry';
import { SshExecutor } from '../../src/core/targets/ssh';
import { TargetError } from '../../src/core/targets/types';
import { useTestDatabase } from '../helpers/pg';
import { freePort } from '../helpers/sshd';

describe('createExecutor', () => {
  it('makes the executor for each kind of target', () => {
    const context = { secrets: {} };
    expect(createExecutor('db', { kind: 'postgres', dsn: 'postgresql://u@h/db', tls: 'prefer' }, context)).toBeInstanceOf(PostgresExecutor);
    expect(createExecutor('app', { kind: 'ssh', host: 'h', auth: 'agent' }, context)).toBeInstanceOf(SshExecutor);
    expect(createExecutor('ws', { kind: 'local', shell: '/bin/sh' }, context)).toBeInstanceOf(LocalExecutor);
  });
});

describe('errors as plain data', () => {
  it('round-trips a TargetError through JSON and keeps other errors apart', () => {
    const data = JSON.parse(JSON.stringify(toErrorData(new TargetError('host_key_mismatch', 'refused'))));
    expect(data).toEqual({ name: 'TargetError', kind: 'host_key_mismatch', message: 'refused' });
    const rebuilt = fromErrorData(data);
    expect(rebuilt).toBeInstanceOf(TargetError);
    expect(rebuilt).toMatchObject({ kind: 'host_key_mismatch', message: 'refused' });
    expect(toErrorData(new RangeError('bug'))).toEqual({ name: 'Error', kind: 'internal', message: 'bug' });
    expect(fromErrorData({ name: 'Error', kind: 'internal', message: 'bug' })).not.toBeInstanceOf(TargetError);
  });
});

describe('TargetSessions', () => {
  it('connects sessions by name, reports failures as data, and closes them all', async () => {
    const db = await useTestDatabase();
    const sessions = new TargetSessions();
    const pg = await sessions.createExecutor('appdb', db.target(), { secrets: db.secrets, applicationName: 'cw-registry' });
    await sessions.createExecutor('workstation', { kind: 'local', shell: '/bin/sh' }, { secrets: {} });
    const port = await freePort();
    await sessions.createExecutor('down', { kind: 'postgres', dsn: `postgresql://postgres@127.0.0.1:${port}/x`, tls: 'disable' }, { secrets: {} });
    expect(sessions.names().sort()).toEqual(['appdb', 'down', 'workstation']);

    expect(await sessions.connect('appdb')).toEqual({ ok: true, name: 'appdb', kind: 'postgres' });
    expect(await sessions.connect('workstation')).toEqual({ ok: true, name: 'workstation', kind: 'local' });
    const down = await sessions.connect('down');
    expect(down).toMatchObject({ ok: false, name: 'down', kind: 'postgres', error: { name: 'TargetError', kind: 'connect_failed' } });
    expect(JSON.parse(JSON.stringify(down))).toEqual(down);
    expect(await sessions.connect('nope')).toMatchObject({ ok: false, error: { kind: 'internal' } });

    const active = async () => (await db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'cw-registry'")).rows[0]?.n;
    expect(await active()).toBe(1);
    // Replacing a session closes the old one.
    const replaced = await sessions.createExecutor('appdb', db.target(), { secrets: db.secrets, applicationName: 'cw-registry' });
    expect(replaced).not.toBe(pg);
    expect(await active()).toBe(0);
    await sessions.connect('appdb');
    expect(await active()).toBe(1);
    await sessions.closeAll();
    expect(sessions.names()).toEqual([]);
    expect(await active()).toBe(0);
  });
});
