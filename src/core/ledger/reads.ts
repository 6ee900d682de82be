// The queries every ledger client reads with: the ledger's id, its members, a workstation's rows
// by seq (keyset pages, so a reader's memory stays bounded) and its head.
import type pg from 'pg';
import { LedgerError } from './errors';
import { LEDGER_SCHEMA as S } from './limits';
import { ROW_COLUMNS, memberFrom, rowFrom, type LedgerMember, type LedgerRow } from './record';

export const PAGE_ROWS = 200;

export async function readLedgerId(client: pg.Client, label: string): Promise<string> {
  const rows = (await client.query<{ id: string }>(`SELECT id::text AS id FROM ${S}.ledger`)).rows;
  if (rows.length !== 1) throw new LedgerError(`${label} holds ${rows.length} ledger ids; a ledger has exactly one. Was it created with \`cutover ledger init\`?`);
  return rows[0]!.id;
}

const MEMBERS_SQL = `SELECT name, ledger_id::text AS ledger_id, public_key, fingerprint, statement, signature FROM ${S}.workstations ORDER BY name`;

/**
 * The ledger's id, its members and, for each chain given, its next rows after `afterSeq` (up to
 * `limit`), all in one snapshot (REPEATABLE READ, read only) and one round trip: a simple query
 * of several statements is one implicit transaction.
 */
export async function readSnapshot(client: pg.Client, label: string, chains: Array<{ workstation: string; afterSeq: number }>, limit = PAGE_ROWS): Promise<{ ledger: string; members: LedgerMember[]; pages: Map<string, LedgerRow[]> }> {
  const pages = chains.map((c) => `SELECT ${ROW_COLUMNS} FROM ${S}.events WHERE workstation = ${client.escapeLiteral(c.workstation)} AND seq > ${Math.trunc(c.afterSeq)} ORDER BY seq LIMIT ${Math.trunc(limit)}`);
  const results = await client.query([`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY`, `SELECT id::text AS id FROM ${S}.ledger`, MEMBERS_SQL, ...pages].join('; ')) as unknown as pg.QueryResult[];
  const ids = results[1]!.rows as Array<{ id: string }>;
  if (ids.length !== 1) throw new LedgerError(`${label} holds ${ids.length} ledger ids; a ledger has exactly one. Was it created with \`cutover ledger init\`?`);
  return { ledger: ids[0]!.id, members: results[2]!.rows.map(memberFrom), pages: new Map(chains.map((c, i) => [c.workstation, results[3 + i]!.rows.map(rowFrom)])) };
}

export async function readMembers(client: pg.Client): Promise<LedgerMember[]> {
  return (await client.query(MEMBERS_SQL)).rows.map(memberFrom);
}

export async function readMember(client: pg.Client, name: string): Promise<LedgerMember | undefined> {
  const rows = (await client.query(`SELECT name, ledger_id::text AS ledger_id, public_key, fingerprint, statement, signature FROM ${S}.workstations WHERE name = $1`, [name])).rows;
  return rows[0] ? memberFrom(rows[0]) : undefined;
}

/** Workstations that have rows but no membership (only possible with the ledger's rules bypassed). */
export async function readStrangers(client: pg.Client): Promise<string[]> {
  return (await client.query<{ workstation: string }>(`SELECT DISTINCT workstation FROM ${S}.events e WHERE NOT EXISTS (SELECT 1 FROM ${S}.workstations w WHERE w.name = e.workstation) ORDER BY 1`)).rows.map((r) => r.workstation);
}

export async function readRows(client: pg.Client, workstation: string, afterSeq: number, limit = PAGE_ROWS): Promise<LedgerRow[]> {
  const r = await client.query(`SELECT ${ROW_COLUMNS} FROM ${S}.events WHERE workstation = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [workstation, afterSeq, limit]);
  return r.rows.map(rowFrom);
}

export async function readRowAt(client: pg.Client, workstation: string, seq: number): Promise<LedgerRow | undefined> {
  const r = await client.query(`SELECT ${ROW_COLUMNS} FROM ${S}.events WHERE workstation = $1 AND seq = $2`, [workstation, seq]);
  return r.rows[0] ? rowFrom(r.rows[0]) : undefined;
}

/** The newest row's seq and hash for a workstation ({0, null} when it has published nothing). */
export async function readHead(client: pg.Client, workstation: string): Promise<{ seq: number; hash: string | null }> {
  const r = await client.query<{ head_seq: string; hash: string }>(`SELECT seq::text AS head_seq, hash FROM ${S}.events WHERE workstation = $1 ORDER BY seq DESC LIMIT 1`, [workstation]);
  return r.rows[0] ? { seq: Number(r.rows[0].head_seq), hash: r.rows[0].hash } : { seq: 0, hash: null };
}
