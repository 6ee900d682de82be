// The rehearsal a production run follows, as the production vault keeps it: the rehearsal pack's
// manifest.json (whose sha256 the run is bound to), its chain/events.jsonl and its evidence
// files, each checked against the manifest's sha256 when read from the pack and again whenever
// the record is read back. Stored once in the vault at run start, so comparing a step never
// needs the pack file again.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CHAIN_EVENTS } from '../pack/contents';
import { PackInputError } from '../pack/errors';
import { MANIFEST, MAX_MANIFEST_BYTES } from '../pack/layout';
import { parseManifest, type ParsedManifest } from '../pack/manifest';
import { openPack } from '../pack/source';
import { bindRehearsal, RehearsalRefusedError, type RehearsalBinding } from '../pack/rehearsal';
import type { VerifyPackOptions } from '../pack/verify';
import { translator, type Lang, type Translator } from '../../shared/i18n';

export const RECORD_FORMAT = 'cutover-rehearsal-record/v1';
/** What a rehearsal may weigh in the production vault: its chain and every transcript. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

const recordSchema = z.object({
  format: z.literal(RECORD_FORMAT),
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** manifest.json, base64 of its exact bytes. */
  manifest: z.string(),
  /** chain/events.jsonl, base64. */
  chain: z.string(),
  /** Each evidence file of the pack: its path, artifact id, sha256 and bytes (base64). */
  evidence: z.array(z.object({ path: z.string(), artifactId: z.string().nullable(), sha256: z.string(), bytes: z.string() }).strict()),
}).strict();

/** One event of the rehearsal's chain, as chain/events.jsonl holds it. */
export interface RehearsalEvent {
  seq: number;
  at: string;
  actor: string;
  type: string;
  payload: Record<string, unknown>;
}

/** A rehearsal read back and checked: its manifest, its chain's events and its evidence by artifact id. */
export interface RehearsalRecord {
  manifestSha256: string;
  manifestBytes: Buffer;
  manifest: ParsedManifest;
  runId: string;
  events: RehearsalEvent[];
  evidence: Map<string, { path: string; bytes: Buffer }>;
}

/** A refusal to bind, in `tr`'s language. */
function refuse(tr: Translator, packPath: string, why: string): never {
  throw new RehearsalRefusedError(tr.t('pack.rehearsal.refused', { path: packPath, why }));
}

/**
 * Binds a production run to a rehearsal pack (bindRehearsal: it verifies, rehearses the same
 * runbook bytes, COMPLETED with a GO) and reads what the production vault keeps of it.
 */
export async function bindRehearsalPack(packPath: string, expected: { runbookHash: string }, options: VerifyPackOptions & { lang?: Lang } = {}): Promise<{ binding: RehearsalBinding; record: Buffer }> {
  const binding = await bindRehearsal(packPath, expected, options);
  const tr = translator(options.lang ?? 'en');
  const source = await openPack(packPath, options.limits);
  try {
    const manifestBytes = await source.read(MANIFEST, MAX_MANIFEST_BYTES);
    // Read again after verifying: the bytes kept must be the bytes bound.
    if (sha256(manifestBytes) !== binding.manifestSha256) refuse(tr, packPath, tr.t('pack.rehearsal.manifestChanged'));
    const { manifest } = parseManifest(manifestBytes);
    if (!manifest) refuse(tr, packPath, tr.t('pack.rehearsal.noManifest'));
    const subjects = new Map(manifest.subject.map((s) => [s.name, s]));
    const readChecked = async (path: string): Promise<Buffer> => {
      const subject = subjects.get(path);
      if (!subject) refuse(tr, packPath, tr.t('pack.rehearsal.notListed', { path }));
      const bytes = await source.read(path, MAX_RECORD_BYTES);
      if (sha256(bytes) !== subject.digest.sha256) refuse(tr, packPath, tr.t('pack.rehearsal.hashDiffers', { path }));
      return bytes;
    };
    const chain = await readChecked(CHAIN_EVENTS);
    let total = manifestBytes.length + chain.length;
    const evidence: z.output<typeof recordSchema>['evidence'] = [];
    for (const subject of manifest.subject) {
      if ((subject.annotations as { kind?: unknown }).kind !== 'evidence') continue;
      const bytes = await readChecked(subject.name);
      total += bytes.length;
      if (total > MAX_RECORD_BYTES) refuse(tr, packPath, tr.t('pack.rehearsal.tooBig', { max: MAX_RECORD_BYTES }));
      const artifactId = (subject.annotations as { artifactId?: unknown }).artifactId;
      evidence.push({ path: subject.name, artifactId: typeof artifactId === 'string' ? artifactId : null, sha256: subject.digest.sha256, bytes: bytes.toString('base64') });
    }
    const record = { format: RECORD_FORMAT, manifestSha256: binding.manifestSha256, manifest: manifestBytes.toString('base64'), chain: chain.toString('base64'), evidence };
    return { binding, record: Buffer.from(JSON.stringify(record)) };
  } finally {
    await source.close();
  }
}

/** Reads a stored record back, checking every file against the manifest whose sha256 the run is bound to. */
export function parseRehearsalRecord(bytes: Buffer, manifestSha256: string): RehearsalRecord {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new PackInputError('The stored rehearsal record is not JSON; run `cutover vault verify`.');
  }
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) throw new PackInputError(`The stored rehearsal record is not a ${RECORD_FORMAT} document; run \`cutover vault verify\`.`);
  const r = parsed.data;
  const manifestBytes = Buffer.from(r.manifest, 'base64');
  if (r.manifestSha256 !== manifestSha256 || sha256(manifestBytes) !== manifestSha256) throw new PackInputError(`The stored rehearsal record is not the rehearsal this run is bound to (manifest sha256 ${manifestSha256}).`);
  const { manifest } = parseManifest(manifestBytes);
  if (!manifest) throw new PackInputError('The stored rehearsal manifest cannot be read.');
  const subjects = new Map(manifest.subject.map((s) => [s.name, s.digest.sha256]));
  const chain = Buffer.from(r.chain, 'base64');
  if (subjects.get(CHAIN_EVENTS) !== sha256(chain)) throw new PackInputError('The stored rehearsal chain does not hash to what its manifest says.');
  const evidence = new Map<string, { path: string; bytes: Buffer }>();
  for (const e of r.evidence) {
    const fileBytes = Buffer.from(e.bytes, 'base64');
    if (subjects.get(e.path) !== sha256(fileBytes)) throw new PackInputError(`The stored rehearsal evidence ${e.path} does not hash to what its manifest says.`);
    if (e.artifactId) evidence.set(e.artifactId, { path: e.path, bytes: fileBytes });
  }
  const events = chain.toString('utf8').split('\n').filter((l) => l !== '').map((line) => JSON.parse(line) as RehearsalEvent);
  return { manifestSha256, manifestBytes, manifest, runId: manifest.predicate.run.runId, events, evidence };
}
