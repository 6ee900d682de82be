// `vault verify`: walk the whole chain and every artifact's chunks (in the database, or in
// segment files whose every GCM tag is checked), recompute, and name the first event or every
// artifact that does not match, and every segment file no artifact accounts for. Reads only.
import { asc } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { translate, type Lang, type MessageKey } from '../../shared/i18n';
import type { VarsArg } from '../../shared/i18n/catalogue';
import { matchAgain, type Nested } from '../reports/word-again';
import { artifactInfo, readArtifactBytes, type SegmentStore } from './artifacts';
import { findOrphanSegments } from './segment-orphans';
import { SegmentError, segmentFault, type SegmentReadExtras } from './segment-reader';
import { GENESIS_HASH, eventHash } from './chain';
import { vaultErrorFrom, type VaultDb } from './database';
import { VaultCorruptError } from './errors';
import { artifacts, events } from './schema';
import type { VerifyProblem, VerifyReport } from './types';

/** A finding's English words, from the catalogue (the --json report and every reader that is not told a language keep them). */
function say<K extends MessageKey>(key: K, ...vars: VarsArg<K>): string {
  return translate('en', key, ...vars);
}

const artifactRef = (row: { id: string; name: string }): string => say('vault.verify.ref.artifact', { id: row.id, name: row.name });

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
    const bad = (message: string): VerifyProblem => ({ kind: 'event', ref: say('vault.verify.ref.event', { seq: row.seq, type: row.type }), message });
    report.events += 1;
    if (row.seq !== expectedSeq) {
      report.firstBadEvent = { kind: 'event', ref: say('vault.verify.ref.eventAt', { seq: expectedSeq }), message: say('vault.verify.missingEvent', { before: expectedSeq - 1, seq: row.seq }) };
      return;
    }
    if (row.prevHash !== prev) {
      report.firstBadEvent = bad(say('vault.verify.prevHash', { stored: row.prevHash.slice(0, 12), expected: prev.slice(0, 12) }));
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(row.payload);
    } catch {
      report.firstBadEvent = bad(say('vault.verify.notJson'));
      return;
    }
    const recomputed = eventHash({ prevHash: row.prevHash, seq: row.seq, at: row.at, actor: row.actor, type: row.type, payload });
    if (recomputed !== row.hash) {
      report.firstBadEvent = bad(say('vault.verify.hash', { stored: row.hash.slice(0, 12), recomputed: recomputed.slice(0, 12) }));
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
        report.badArtifacts.push({ kind: 'artifact', ref: artifactRef(row), message: say('vault.verify.segment', { kind: error.kind, fault: error.fault }) });
        if (row.state === 'incomplete') report.incompleteArtifacts.push(artifactInfo(row));
        continue;
      }
      const mapped = vaultErrorFrom(path, error);
      if (!(mapped instanceof VaultCorruptError)) throw mapped;
      report.badArtifacts.push({ kind: 'artifact', ref: artifactRef(row), message: say('vault.verify.pages') });
    }
  }
}

function checkArtifact(db: VaultDb, store: SegmentStore | null, row: typeof artifacts.$inferSelect, report: VerifyReport, sealed: Map<string, SealedArtifact>): void {
  report.artifacts += 1;
  const ref = artifactRef(row);
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
  for (const t of extras.trailing) problem(say('vault.verify.segment', { kind: 'altered', fault: segmentFault('vault.segment.trailing', { path: t.path, bytes: t.bytes }) }));
  report.bytes += size;
  const digest = hash.digest('hex');
  const seal = sealed.get(row.id);
  if (!seal) {
    problem(say('vault.verify.unsealed', { event: `artifact.${row.state === 'complete' ? 'completed' : 'incomplete'}` }));
  } else if (digest !== seal.sha256 || size !== seal.size) {
    problem(say('vault.verify.bytes', { digest: digest.slice(0, 12), size, sha256: seal.sha256.slice(0, 12), recorded: seal.size }));
  } else if (row.sha256 !== seal.sha256 || row.size !== seal.size || row.name !== seal.name || row.mediaType !== seal.mediaType || row.state !== seal.state) {
    problem(say('vault.verify.row'));
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
    if (check !== 'ok') report.corruption = { kind: 'database', ref: say('vault.verify.ref.database'), message: say('vault.verify.pageCheck', { check: String(check) }) };
  } catch (error) {
    const mapped = vaultErrorFrom(path, error);
    if (!(mapped instanceof VaultCorruptError)) throw mapped;
    report.corruption = { kind: 'database', ref: say('vault.verify.ref.database'), message: mapped.message };
  } finally {
    if (client.inTransaction) client.exec('COMMIT');
  }
  report.ok = !report.firstBadEvent && report.badArtifacts.length === 0 && !report.corruption;
  return report;
}

const REFS: readonly MessageKey[] = ['vault.verify.ref.event', 'vault.verify.ref.eventAt', 'vault.verify.ref.artifact', 'vault.verify.ref.database'];
const FINDINGS: readonly MessageKey[] = [
  'vault.verify.missingEvent', 'vault.verify.prevHash', 'vault.verify.notJson', 'vault.verify.hash', 'vault.verify.segment',
  'vault.verify.pages', 'vault.verify.unsealed', 'vault.verify.bytes', 'vault.verify.row', 'vault.verify.pageCheck', 'vault.verify.corrupt',
];
const SEGMENT: Nested = {
  kind: ['vault.segment.kind.missing', 'vault.segment.kind.truncated', 'vault.segment.kind.foreign', 'vault.segment.kind.swapped', 'vault.segment.kind.altered', 'vault.segment.kind.unreadable'],
  fault: [
    'vault.segment.header', 'vault.segment.foreign', 'vault.segment.otherArtifact', 'vault.segment.otherIndex', 'vault.segment.missing',
    'vault.segment.unreadable', 'vault.segment.shortHeader', 'vault.segment.truncated', 'vault.segment.notRecorded',
    'vault.segment.notAuthentic', 'vault.segment.notAuthenticTail', 'vault.segment.trailing',
  ],
};

function problemIn(lang: Lang, p: VerifyProblem): VerifyProblem {
  return { ...p, ref: matchAgain(lang, p.ref, REFS) ?? p.ref, message: matchAgain(lang, p.message, FINDINGS, SEGMENT) ?? p.message };
}

/**
 * The report with its findings worded in `lang` for a person to read: each is computed in English
 * (the --json report keeps those words), and a finding that is one of verify's own sentences is
 * said again; anything else (SQLite's own words) is kept as it is.
 */
export function verifyReportIn(lang: Lang, report: VerifyReport): VerifyReport {
  if (lang === 'en') return report;
  return {
    ...report,
    firstBadEvent: report.firstBadEvent && problemIn(lang, report.firstBadEvent),
    badArtifacts: report.badArtifacts.map((p) => problemIn(lang, p)),
    corruption: report.corruption && problemIn(lang, report.corruption),
  };
}

/** A SegmentError's message (reading a damaged transcript: an export, a transcript shown) in `lang`; anything else as it is. */
export function segmentErrorText(lang: Lang, message: string): string {
  if (lang === 'en') return message;
  return matchAgain(lang, message, ['vault.segment.damaged'], { fault: SEGMENT.fault ?? [] }) ?? message;
}
