// Fingerprints in the vault: the document as an artifact `<label>.fingerprint.json`, then a
// `schema.fingerprinted` event naming the label, the database and the sha256, so prod can be
// compared with the rehearsal clone fingerprinted days earlier, and the comparison is evidence.
// Given a run id, the event carries it, and the run's decision pack includes the fingerprint as
// evidence of that run (src/core/reports/pack-model.ts, linked evidence).
import { createHash } from 'node:crypto';
import type { ArtifactInfo, Vault, VaultEvent } from '../vault';
import { PgCheckError } from './errors';
import { parseFingerprint, serializeFingerprint, type FingerprintMeta } from './fingerprint';
import type { SchemaFingerprint } from './fingerprint-schema';
import { hasRun } from '../engine/runs';

export const FINGERPRINT_EVENT = 'schema.fingerprinted';
const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

export interface StoredFingerprintRef {
  label: string;
  /** host:port/database it was taken from. */
  database: string;
  sha256: string;
  artifactId: string;
  artifactName: string;
  /** The run it is evidence of, or null when it was stored without one. */
  runId: string | null;
  /** The event that recorded it. */
  seq: number;
  at: string;
  actor: string;
}

export interface StoredFingerprint extends StoredFingerprintRef {
  fingerprint: SchemaFingerprint;
}

export function assertLabel(label: string): void {
  if (!LABEL.test(label)) throw new PgCheckError('input', `"${label}" is not a fingerprint label: letters, digits, _ . -, up to 100, e.g. "rehearsal-0019" or "prod".`);
}

/**
 * Refuses a run id the vault has no `run.started` for, before anything is written: evidence
 * linked to a run that does not exist would be in no pack. Pages through the chain, like
 * listFingerprints, so a long vault is never read whole.
 */
export function assertRunInVault(vault: Vault, runId: string): void {
  if (!hasRun(vault, runId)) throw new PgCheckError('input', `No run ${runId} in this vault; see \`cutover run list\`. Nothing was stored.`);
}

/**
 * Writes the fingerprint as an artifact and records the `schema.fingerprinted` event. With
 * `runId` (a run of this vault, checked first) the event names the run, which makes the
 * fingerprint part of that run's decision pack.
 */
export function storeFingerprint(
  vault: Vault,
  fingerprint: SchemaFingerprint,
  options: { label: string; database: string; actor: string; runId?: string; meta?: Partial<Pick<FingerprintMeta, 'serverVersion' | 'takenAt' | 'counts'>> },
): { artifact: ArtifactInfo; event: VaultEvent } {
  assertLabel(options.label);
  if (options.runId !== undefined) assertRunInVault(vault, options.runId);
  const writer = vault.createArtifact({ name: `${options.label}.fingerprint.json`, mediaType: 'application/json', actor: options.actor });
  let artifact: ArtifactInfo;
  try {
    writer.write(serializeFingerprint(fingerprint));
    artifact = writer.finish();
  } catch (error) {
    writer.abandon();
    throw error;
  }
  const event = vault.append({
    actor: options.actor,
    type: FINGERPRINT_EVENT,
    payload: {
      ...(options.runId !== undefined ? { runId: options.runId } : {}),
      label: options.label,
      database: options.database,
      sha256: fingerprint.sha256,
      artifactId: artifact.id,
      artifactName: artifact.name,
      artifactSha256: artifact.sha256,
      ...(options.meta?.serverVersion ? { serverVersion: options.meta.serverVersion } : {}),
      ...(options.meta?.takenAt ? { takenAt: options.meta.takenAt } : {}),
      ...(options.meta?.counts ? { counts: options.meta.counts } : {}),
    },
  });
  return { artifact, event };
}

function refOf(e: VaultEvent): StoredFingerprintRef | null {
  const p = e.payload as Record<string, unknown> | null;
  if (!p || typeof p.label !== 'string' || typeof p.sha256 !== 'string' || typeof p.artifactId !== 'string') return null;
  return {
    label: p.label,
    database: typeof p.database === 'string' ? p.database : '',
    sha256: p.sha256,
    artifactId: p.artifactId,
    artifactName: typeof p.artifactName === 'string' ? p.artifactName : '',
    runId: typeof p.runId === 'string' ? p.runId : null,
    seq: e.seq,
    at: e.at,
    actor: e.actor,
  };
}

/** Every fingerprint recorded in the vault, oldest first. */
export function listFingerprints(vault: Vault): StoredFingerprintRef[] {
  const out: StoredFingerprintRef[] = [];
  const page = 1000;
  for (let after = 0; ;) {
    const events = vault.events({ afterSeq: after, limit: page });
    for (const e of events) {
      if (e.type !== FINGERPRINT_EVENT) continue;
      const ref = refOf(e);
      if (ref) out.push(ref);
    }
    if (events.length < page) break;
    after = events[events.length - 1]!.seq;
  }
  return out;
}

/** The latest fingerprint recorded under `label`, read back and checked against the event and the artifact's hash. */
export function loadFingerprint(vault: Vault, label: string): StoredFingerprint {
  assertLabel(label);
  const refs = listFingerprints(vault).filter((r) => r.label === label);
  const ref = refs[refs.length - 1];
  if (!ref) {
    const labels = [...new Set(listFingerprints(vault).map((r) => r.label))];
    throw new PgCheckError('input', `No fingerprint labelled "${label}" in the vault${labels.length ? ` (there are: ${labels.join(', ')})` : ' (none recorded yet: take one with `cutover pg fingerprint --vault … --label …`)'}.`);
  }
  const info = vault.artifacts().find((a) => a.id === ref.artifactId);
  if (!info || info.state !== 'complete') throw new PgCheckError('input', `The fingerprint "${label}" (event #${ref.seq}) names artifact ${ref.artifactId}, which is ${info ? info.state : 'not in the vault'}.`);
  const chunks: Buffer[] = [];
  for (const chunk of vault.readArtifact(ref.artifactId)) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== info.sha256) throw new PgCheckError('input', `The artifact of fingerprint "${label}" does not match its recorded SHA-256 (run \`cutover vault verify\`).`);
  const fingerprint = parseFingerprint(bytes.toString('utf8'), `The fingerprint "${label}" in the vault`);
  if (fingerprint.sha256 !== ref.sha256) throw new PgCheckError('input', `The fingerprint "${label}" hashes to ${fingerprint.sha256}, but event #${ref.seq} recorded ${ref.sha256}.`);
  return { ...ref, fingerprint };
}
