// One published transcript chunk: what a row carries, the statement its workstation signs, and
// the queries that read and locate chunks. Shared by the publisher and every reader.
import type pg from 'pg';
import { canonicalJson } from '../vault/chain';
import { LEDGER_SCHEMA as S, LEDGER_TRANSCRIPT_NAMESPACE } from './limits';

export const ARTIFACT_ID = /^[A-Za-z0-9-]{1,64}$/;

export interface TranscriptChunkRow {
  workstation: string;
  artifactId: string;
  n: number;
  offset: number;
  ledgerId: string;
  publicKey: string;
  bytes: Buffer;
  sha256: string;
  signature: string;
  publishedAt: string;
}

/** The bytes a workstation owner signs for one transcript chunk. */
export function chunkStatement(fields: { ledger: string; workstation: string; artifact: string; n: number; offset: number; sha256: string }): Buffer {
  return Buffer.from(canonicalJson({ format: LEDGER_TRANSCRIPT_NAMESPACE, ...fields }), 'utf8');
}

/** Whether the ledger has the transcript table (a ledger made before it: `ledger init` adds it). */
export async function hasTranscriptTable(client: pg.Client): Promise<boolean> {
  const r = await client.query<{ present: boolean }>(`SELECT to_regclass('${S}.transcript_chunks') IS NOT NULL AS present`);
  return r.rows[0]?.present === true;
}

/** Each artifact's published end for a workstation: its last chunk number and the byte after it. */
export async function readTranscriptEnds(client: pg.Client, workstation: string): Promise<Map<string, { n: number; end: number }>> {
  const r = await client.query<{ artifact_id: string; n: number; end_offset: string }>(
    `SELECT DISTINCT ON (artifact_id) artifact_id, n, (byte_offset + octet_length(bytes))::text AS end_offset FROM ${S}.transcript_chunks WHERE workstation = $1 ORDER BY artifact_id, n DESC`,
    [workstation],
  );
  return new Map(r.rows.map((row) => [row.artifact_id, { n: row.n, end: Number(row.end_offset) }]));
}

/** One artifact's published end ({n: -1, end: 0} when nothing is published). */
export async function readTranscriptEnd(client: pg.Client, workstation: string, artifactId: string): Promise<{ n: number; end: number }> {
  const r = await client.query<{ n: number; end_offset: string }>(
    `SELECT n, (byte_offset + octet_length(bytes))::text AS end_offset FROM ${S}.transcript_chunks WHERE workstation = $1 AND artifact_id = $2 ORDER BY n DESC LIMIT 1`,
    [workstation, artifactId],
  );
  return r.rows[0] ? { n: r.rows[0].n, end: Number(r.rows[0].end_offset) } : { n: -1, end: 0 };
}

/** Chunks numbered `fromN` and after, in order; at most `limit` (a page, so memory stays bounded). */
export async function readTranscriptChunks(client: pg.Client, workstation: string, artifactId: string, fromN: number, limit = 64): Promise<TranscriptChunkRow[]> {
  const r = await client.query(
    `SELECT workstation, artifact_id, n, byte_offset::text AS byte_offset, ledger_id::text AS ledger_id, public_key, bytes, sha256, signature, published_at FROM ${S}.transcript_chunks WHERE workstation = $1 AND artifact_id = $2 AND n >= $3 ORDER BY n LIMIT $4`,
    [workstation, artifactId, fromN, limit],
  );
  return r.rows.map((row: Record<string, unknown>) => ({
    workstation: String(row.workstation), artifactId: String(row.artifact_id), n: Number(row.n), offset: Number(row.byte_offset), ledgerId: String(row.ledger_id),
    publicKey: String(row.public_key), bytes: row.bytes as Buffer, sha256: String(row.sha256), signature: String(row.signature),
    publishedAt: row.published_at instanceof Date ? row.published_at.toISOString() : String(row.published_at),
  }));
}

export const TRANSCRIPT_COLUMNS = 'workstation, artifact_id, n, byte_offset, ledger_id, public_key, bytes, sha256, signature';
