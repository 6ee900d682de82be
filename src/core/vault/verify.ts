// `vault verify`: walk the whole chain and every artifact's chunks (in the database, or in
// segment files whose every GCM tag is checked), recompute, and name the first event or every
// artifact that does not match, and every segment file no artifact accounts for. Reads only.
import { asc } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { artifactInfo, readArtifactBytes, type SegmentStore } from './artifacts';
import { findOrphanSegments } from './segment-orphans';
import { SegmentError, type SegmentReadExtras } from './segments';
import { GENESIS_HASH, eventHash } from './chain';
import { vaultErrorFrom, type VaultDb } from './database';
import { VaultCorruptError } from './errors';
import { artifacts, events } from './schema';
import type { VerifyProblem, VerifyReport } from './types';

interface SealedArtifact {
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  state: 'complete' | 'incomplete';
}

function walkChain(db: VaultDb, report: VerifyReport, sealed: Map<string, SealedArtifact>): void {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const row of db.$client.prepare('SELECT seq, at, actor, type, payload, prev_hash AS prevHash, hash FROM events ORDER BY seq').iterate() as IterableIterator<typeof events.$inferSelect>) {
    const bad = (message: string): VerifyProblem => ({ kind: 'event', ref: `event #${row.seq} (${row.type})`, message });
    report.events += 1;
    if (row.seq !== expectedSeq) {
      report.firstBadEvent = { kind: 'event', ref: `event #${expectedSeq}`, message: `missing: the chain jumps from #${expectedSeq - 1} to #${row.seq}` };
      return;
    }
    if (row.prevHash !== prev) {
      report.firstBadEvent = bad(`its link to the previous event does not match (prev_hash ${row.prevHash.slice(0, 12)}…, expected ${prev.slice(0, 12)}…)`);
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(row.payload);
    } catch {
      report.firstBadEvent = bad('its payload is not valid JSON');
      return;
    }
    const recomputed = eventHash({ prevHash: row.prevHash, seq: row.seq, at: row.at, actor: row.actor, type: row.type, payload });
    if (recomputed !== row.hash) {
      report.firstBadEvent = bad(`its content does not match its hash (stored ${row.hash.slice(0, 12)}…, recomputed ${recomputed.slice(0, 12)}…): the record was changed after it was written`);
      return;
    }
    if (row.type === 'artifact.completed' || row.type === 'artifact.incomplete') {
      const p = payload as { id: string } & SealedArtifact;
      sealed.set(p.id, { name: p.name, mediaType: p.mediaType, size: p.size, sha256: p.sha256, state: row.type === 'artifact.completed' ? 'complete' : 'incomplete' });
    }
    prev = row.hash;
    expectedSeq += 1;
  }
  report.headHash = prev;
}

function checkArtifacts(db: VaultDb, path: string, store: SegmentStore | null, report: VerifyReport, sealed: Map<string, SealedArtifact>): void {
  for (const row of db.select().from(artifacts).orderBy(asc(artifacts.createdAt)).all()) {
    try {
      checkArtifact(db, store, row, report, sealed);
    } catch (error) {
      if (error instanceof SegmentError) {
        report.badArtifacts.push({ kind: 'artifact', ref: `artifact ${row.id} (${row.name})`, message: `${error.kind}: segment ${error.path} ${error.detail}` });
        if (row.state === 'incomplete') report.incompleteArtifacts.push(artifactInfo(row));
        continue;
      }
      const mapped = vaultErrorFrom(path, error);
      if (!(mapped instanceof VaultCorruptError)) throw mapped;
      report.badArtifacts.push({ kind: 'artifact', ref: `artifact ${row.id} (${row.name})`, message: 'its stored bytes cannot be read: the pages holding them are damaged' });
    }
  }
}

function checkArtifact(db: VaultDb, store: SegmentStore | null, row: typeof artifacts.$inferSelect, report: VerifyReport, sealed: Map<string, SealedArtifact>): void {
  report.artifacts += 1;
  const ref = `artifact ${row.id} (${row.name})`;
  const problem = (message: string) => report.badArtifacts.push({ kind: 'artifact', ref, message });
  if (row.state === 'open') {
    report.incompleteArtifacts.push(artifactInfo(row));
    return;
  }
  const hash = createHash('sha256');
  let size = 0;
  const extras: SegmentReadExtras = { trailing: [] };
  for (const chunk of readArtifactBytes(db, store, row.id, extras)) {
    hash.update(chunk);
    size += chunk.length;
  }
  for (const t of extras.trailing) problem(`altered: segment ${t.path} has ${t.bytes} bytes after the last chunk the vault records in it (appended or altered)`);
  report.bytes += size;
  const digest = hash.digest('hex');
  const seal = sealed.get(row.id);
  if (!seal) {
    problem(`no artifact.${row.state === 'complete' ? 'completed' : 'incomplete'} event in the chain records it`);
  } else if (digest !== seal.sha256 || size !== seal.size) {
    problem(`its bytes do not match the chain (recomputed sha256 ${digest.slice(0, 12)}…, ${size} bytes; recorded ${seal.sha256.slice(0, 12)}…, ${seal.size} bytes)`);
  } else if (row.sha256 !== seal.sha256 || row.size !== seal.size || row.name !== seal.name || row.mediaType !== seal.mediaType || row.state !== seal.state) {
    problem('its catalogue row (name, type, size, hash or state) was changed after it was sealed');
  }
  if (row.state === 'incomplete') report.incompleteArtifacts.push(artifactInfo(row));
}

export function verifyVault(db: VaultDb, path: string, store: SegmentStore | null = null): VerifyReport {
  const report: VerifyReport = { ok: false, events: 0, artifacts: 0, bytes: 0, headHash: GENESIS_HASH, firstBadEvent: null, badArtifacts: [], incompleteArtifacts: [], corruption: null, orphanSegments: [] };
  const sealed = new Map<string, SealedArtifact>();
  // One read transaction: the chain and the artifacts are seen at the same instant, even
  // while another process is appending.
  const client = db.$client;
  client.exec('BEGIN');
  try {
    walkChain(db, report, sealed);
    checkArtifacts(db, path, store, report, sealed);
    if (store) report.orphanSegments = findOrphanSegments(db, store.root);
    const check = client.pragma('quick_check', { simple: true });
    if (check !== 'ok') report.corruption = { kind: 'database', ref: 'database', message: `SQLite's page check found damage (${String(check)}): restore the vault from a backup, and keep this copy for forensics` };
  } catch (error) {
    const mapped = vaultErrorFrom(path, error);
    if (!(mapped instanceof VaultCorruptError)) throw mapped;
    report.corruption = { kind: 'database', ref: 'database', message: mapped.message };
  } finally {
    if (client.inTransaction) client.exec('COMMIT');
  }
  report.ok = !report.firstBadEvent && report.badArtifacts.length === 0 && !report.corruption;
  return report;
}
