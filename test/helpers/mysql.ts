// The real MariaDB/MySQL server for tests (MYSQLURL, default root with no password on
// 127.0.0.1:3306): a database of its own per test, and a login with a password for it (so the
// vault-secret path is exercised), both dropped when the test finishes.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { onTestFinished } from 'vitest';
import type { MysqlTarget } from '../../src/core/targets/mysql';

export const MYSQLURL = process.env.MYSQLURL ?? 'mysql://root@127.0.0.1:3306/';

type OnFinished = (fn: () => Promise<void> | void) => void;

function admin(): Promise<mysql.Connection> {
  const url = new URL(MYSQLURL);
  return mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username || 'root'), password: decodeURIComponent(url.password) });
}

/** Runs SQL as the server's administrator on a short connection. */
export async function adminQuery<T = unknown>(sql: string, params: unknown[] = []): Promise<T> {
  const c = await admin();
  try {
    const [rows] = await c.query(sql, params);
    return rows as T;
  } finally {
    await c.end().catch(() => c.destroy());
  }
}

export interface TestMysql {
  database: string;
  /** The login made for this test (ALL on its database), and its password. */
  user: string;
  password: string;
  /** mysql://user@host:port/database, without the password. */
  dsn: string;
  /** A mysql target for it: the password as secret "db_password". */
  target(overrides?: Partial<MysqlTarget>): MysqlTarget;
  secrets: Record<string, string>;
  /** SQL as the administrator, in this database. */
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

/** Makes a database and a login for this test; drops both when it finishes. */
export async function useTestMysql(onFinished: OnFinished = onTestFinished): Promise<TestMysql> {
  const suffix = randomBytes(5).toString('hex');
  const database = `cw_test_${suffix}`;
  const user = `cw_user_${suffix}`;
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const url = new URL(MYSQLURL);
  const host = url.hostname;
  const port = Number(url.port || 3306);
  await adminQuery(`CREATE DATABASE ${database}`);
  await adminQuery(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
  await adminQuery(`CREATE USER '${user}'@'localhost' IDENTIFIED BY '${password}'`);
  await adminQuery(`GRANT ALL ON ${database}.* TO '${user}'@'%', '${user}'@'localhost'`);
  onFinished(async () => {
    // Sessions the test left behind would keep the user; KILL them first.
    const left = await adminQuery<Array<{ id: number }>>('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?', [user]);
    for (const { id } of left) await adminQuery(`KILL ${Number(id)}`).catch(() => undefined);
    await adminQuery(`DROP USER IF EXISTS '${user}'@'%', '${user}'@'localhost'`);
    await adminQuery(`DROP DATABASE IF EXISTS ${database}`);
  });
  const dsn = `mysql://${user}@${host}:${port}/${database}`;
  return {
    database,
    user,
    password,
    dsn,
    secrets: { db_password: password },
    target: (overrides = {}) => ({ kind: 'mysql', dsn, tls: 'disable', secret: 'db_password', ...overrides }),
    query: async (sql, params = []) => {
      const c = await admin();
      try {
        await c.query(`USE ${database}`);
        const [rows] = await c.query(sql, params);
        return rows as never;
      } finally {
        await c.end().catch(() => c.destroy());
      }
    },
  };
}

/** Waits (bounded) until `predicate` holds for the server's PROCESSLIST rows of `user`. */
export async function waitForProcesses(user: string, predicate: (rows: Array<{ id: number; command: string; info: string | null }>) => boolean, what: string, timeoutMs = 10_000): Promise<Array<{ id: number; command: string; info: string | null }>> {
  const deadline = Date.now() + timeoutMs;
  let rows: Array<{ id: number; command: string; info: string | null }> = [];
  while (Date.now() < deadline) {
    rows = await adminQuery('SELECT ID AS id, COMMAND AS command, INFO AS info FROM information_schema.PROCESSLIST WHERE USER = ?', [user]);
    if (predicate(rows)) return rows;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not seen within ${timeoutMs} ms; PROCESSLIST of ${user}: ${JSON.stringify(rows)}`);
}
