// The real PostgreSQL on 127.0.0.1:5432 (PGURL overrides): each test makes its own database
// (and, when it needs one, its own login role) and drops them when it finishes.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onTestFinished } from 'vitest';

export const PGURL = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** PGURL pointing at another database and, optionally, another user. */
export function dsnFor(database: string, user?: string): string {
  const url = new URL(PGURL);
  url.pathname = `/${database}`;
  if (user) {
    url.username = user;
    url.password = '';
  }
  return url.toString();
}

/** Runs SQL as the admin user of PGURL, in `database` (default PGURL's own). */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = [], database?: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: database ? dsnFor(database) : PGURL });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  /** DSN as the admin user. */
  url: string;
  /** Runs SQL in this database as the admin user. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /** A new login role (no password: the server trusts loopback), dropped after the database. */
  createRole(): Promise<{ name: string; url: string }>;
}

/** A new, empty database, dropped (with any roles made for it) when the current test finishes. */
export async function createTestDatabase(prefix = 'cutover_alembic'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const roles: string[] = [];
  onTestFinished(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    for (const role of roles) await adminQuery(`DROP ROLE IF EXISTS ${role}`);
  });
  return {
    name,
    url: dsnFor(name),
    query: (sql, params = []) => adminQuery(sql, params, name),
    async createRole() {
      const role = `${name}_r${roles.length}`;
      await adminQuery(`CREATE ROLE ${role} LOGIN`);
      roles.push(role);
      return { name: role, url: dsnFor(name, role) };
    },
  };
}
