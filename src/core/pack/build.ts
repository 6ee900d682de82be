// Exporting a decision pack from a run: a folder and a deterministic zip, written in one pass.
// Everything is decided before a byte is written: the artifacts' hashes and sizes are the
// ones the vault recorded, so the manifest and SHA256SUMS exist up front and the zip's
// entries go out in sorted order. Each transcript is then streamed from the vault once, into
// the folder and the zip together, and re-hashed on the way (on background threads, with the
// zip's own SHA-256): bytes that no longer match what the vault recorded stop the export.
// Same vault state → same bytes, folder and zip. Exporting only reads the vault: nothing is
// appended, so a read-only handle is enough.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runStateIn } from '../engine/state';
import type { RunState } from '../engine/types';
import { registryOf } from '../identity/registry';
import { canonicalJson, type ReadOnlyVault } from '../vault';
import { deriveDecision, operatorDecisionFor, type Decision } from '../reports/decision';
import { buildPackModel, type PackModel, type PackStep } from '../reports/pack-model';
import { renderDecisionPdf } from '../reports/pdf';
import { gatherContents, verdictFiles } from './contents';
import { rehearsalPackFiles } from '../rehearsal/pack-files';
import { PackExistsError, PackExportError, PackInputError } from './errors';
import { BackgroundHasher } from './hasher';
import { verifyInstructions } from './instructions';
import { ALLOWED_SIGNERS, DECISION_NAMESPACE, DECISION_PDF, EVIDENCE_DIR, MANIFEST, PREDICATE_TYPE, RESULTS_DIR, STATEMENT_TYPE, SUMS, VERIFY_TXT, comparePaths, formatAllowedSigners, formatSums } from './layout';
import { manifestBytes, type DecisionPackPredicate, type ManifestSubject, type PackIdentity, type PackManifest, type PackPolicy, type SubjectKind } from './manifest';
import { ZipWriter } from './zip-write';

/**
 * What exporting appended to the vault before exports became read-only. Nothing appends it any
 * more; importSignature still accepts a manifest an old vault recorded this way.
 */
export const PACK_EXPORTED_EVENT = 'pack.exported';

export interface BuildPackOptions {
  /** The folder <name>/ and the zip <name>.zip are written here (created if missing). */
  outDir: string;
  /**
   * decision.pdf. Default: renderDecisionPdf with an empty signature block (signatures are
   * detached files added after export; a PDF that showed them would change the signed manifest).
   */
  renderPdf?: (model: PackModel, decision: Decision, policy: PackPolicy) => Promise<Buffer>;
}

const defaultPdf = (model: PackModel, decision: Decision, policy: PackPolicy) => renderDecisionPdf(model, decision, { policy });

export interface PackFileInfo {
  path: string;
  sha256: string;
  size: number;
}

export interface BuiltPack {
  name: string;
  folder: string;
  zip: string;
  manifestSha256: string;
  zipSha256: string;
  zipBytes: number;
  /** Every file of the folder, sorted by path. */
  files: PackFileInfo[];
  chainHead: { seq: number; hash: string; at: string };
  /** Identities whose verdicts on this manifest the vault holds, written into signatures/. */
  signedBy: string[];
}

/** One file of the pack: bytes in memory, or an artifact streamed from the vault. */
type PlannedFile =
  | { path: string; sha256: string; size: number; bytes: Buffer; subject: Omit<ManifestSubject['annotations'], 'size'> | null }
  | { path: string; sha256: string; size: number; artifactId: string; subject: Omit<ManifestSubject['annotations'], 'size'> };

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Pretty but stable JSON: canonical key order, two-space indent, newline at the end. */
function stableJson(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(JSON.parse(canonicalJson(value)), null, 2)}\n`);
}

function inMemory(path: string, bytes: Buffer, subject: PlannedFile['subject']): PlannedFile {
  return { path, sha256: sha256(bytes), size: bytes.length, bytes, subject };
}

/** Hands out file names under evidence/: the artifact's own name made safe, never two alike (ignoring case). */
class PathAllocator {
  private readonly used = new Set<string>([`${RESULTS_DIR}`.toLowerCase()]);

  take(dir: string, name: string, disambiguator: string): string {
    let safe = name.normalize('NFC').replace(/[^\p{L}\p{N} ._()+,=@~-]/gu, '_').trim();
    if (safe === '' || /^\.+$/.test(safe)) safe = `_${safe}`;
    while (Buffer.byteLength(safe) > 200) safe = safe.slice(0, -1);
    let path = `${dir}/${safe}`;
    if (this.used.has(path.toLowerCase())) {
      const dot = safe.lastIndexOf('.');
      const [base, ext] = dot > 0 ? [safe.slice(0, dot), safe.slice(dot)] : [safe, ''];
      path = `${dir}/${base}~${disambiguator}${ext}`;
    }
    this.used.add(path.toLowerCase());
    return path;
  }
}

/** A run's state as the chain says, folded without writing anything. */
function runState(vault: ReadOnlyVault, runId: string): RunState {
  const state = runStateIn(vault, runId);
  if (!state) throw new PackInputError(`No run ${runId} in this vault; see \`cutover run list\`.`);
  return state;
}

interface Plan {
  name: string;
  files: PlannedFile[];
  manifest: Buffer;
  manifestSha256: string;
  at: Date;
  chainHead: { seq: number; hash: string; at: string };
  signedBy: string[];
}

async function planPack(vault: ReadOnlyVault, state: RunState, renderPdf: NonNullable<BuildPackOptions['renderPdf']>): Promise<Plan> {
  const model = buildPackModel(vault, state);
  // The decision: derived from the run, with what people recorded (`decision.recorded`).
  const decision = deriveDecision(model, operatorDecisionFor(vault, state.runId));
  const paths = new PathAllocator();
  const files: PlannedFile[] = [];

  const evidencePath = new Map<string, string>();
  for (const a of model.artifacts) {
    const path = paths.take(EVIDENCE_DIR, a.name, a.artifactId.slice(0, 8));
    evidencePath.set(a.artifactId, path);
    const kind: SubjectKind = a.artifactId === state.runbookArtifactId ? 'runbook' : 'evidence';
    files.push({
      path,
      sha256: a.sha256,
      size: a.size,
      artifactId: a.artifactId,
      subject: { kind, mediaType: a.mediaType, artifactId: a.artifactId, state: a.state, ...(a.stepId ? { stepId: a.stepId } : {}), ...(`${EVIDENCE_DIR}/${a.name}` !== path ? { originalName: a.name } : {}) },
    });
  }

  // Linked evidence (schema fingerprints, SQL previews stored with the run's id) goes in
  // evidence/ beside the transcripts, streamed and re-hashed the same way, so SHA256SUMS and the
  // manifest cover it. buildPackModel lists it in chain order and anchors the pack at or after
  // its last event, so the same vault exports the same bytes.
  const linkedEvidence = model.linkedEvidence ?? [];
  for (const l of linkedEvidence) {
    const path = paths.take(EVIDENCE_DIR, l.name, l.artifactId.slice(0, 8));
    evidencePath.set(l.artifactId, path);
    files.push({
      path,
      sha256: l.sha256,
      size: l.size,
      artifactId: l.artifactId,
      subject: { kind: 'evidence', mediaType: l.mediaType, artifactId: l.artifactId, state: 'complete', ...(`${EVIDENCE_DIR}/${l.name}` !== path ? { originalName: l.name } : {}) },
    });
  }

  const evidenceRef = (s: PackStep) => {
    const path = s.evidence ? evidencePath.get(s.evidence.artifactId) : undefined;
    return s.evidence && path ? { path, sha256: s.evidence.sha256, size: s.evidence.size } : null;
  };
  const resultPath = new Map<string, string>();
  for (const s of model.steps) {
    if (s.status === 'pending') continue;
    const path = paths.take(RESULTS_DIR, `${s.stepId}.json`, s.stepId);
    resultPath.set(s.stepId, path);
    const { evidence: _evidence, ...rest } = s;
    files.push(inMemory(path, stableJson({ runId: model.run.runId, ...rest, evidence: evidenceRef(s) }), { kind: 'result', mediaType: 'application/json', stepId: s.stepId }));
  }

  const identities: PackIdentity[] = model.identities.map((i) => ({ name: i.name, roles: [...i.roles], fingerprint: i.fingerprint, publicKey: i.publicKey.trim().split(/\s+/).slice(0, 2).join(' ') }));
  const operatorFingerprint = identities.find((i) => i.name === model.run.operator)?.fingerprint ?? registryOf(vault).get(model.run.operator)?.fingerprint ?? null;
  const policy: PackPolicy = {
    quorum: state.runbook.policy.approvals.quorum,
    role: state.runbook.policy.approvals.role,
    operator: model.run.operator,
    operatorFingerprint,
    namespace: DECISION_NAMESPACE,
    rejection: 'veto',
  };
  const chainHead = { ...model.chainHead, at: model.exportedAt };
  // The plan texts and approvals, the chain up to the anchor, the run's signed acts.
  const events = vault.events();
  const contents = gatherContents(events, state, model.chainHead);
  for (const c of contents.files) files.push(inMemory(c.path, c.bytes, { kind: c.kind, mediaType: c.mediaType }));
  // A production run bound to its rehearsal: the rehearsal's manifest and the step-by-step comparison.
  for (const r of rehearsalPackFiles(vault, state)) files.push(inMemory(r.path, r.bytes, { kind: 'rehearsal', mediaType: 'application/json' }));

  files.push(inMemory(ALLOWED_SIGNERS, Buffer.from(formatAllowedSigners(identities)), { kind: 'allowed-signers', mediaType: 'text/plain' }));
  // Every subject but these two is in `files` by now: VERIFY.txt states the count, itself and the PDF included.
  const subjectCount = files.length + 2;
  const instructions = verifyInstructions({ runId: model.run.runId, runbook: model.runbook, environment: model.run.environment, chainHead, policy, identities, subjectCount, chain: contents.chain, plans: contents.plans, acts: contents.acts });
  files.push(inMemory(VERIFY_TXT, Buffer.from(instructions), { kind: 'instructions', mediaType: 'text/plain' }));
  files.push(inMemory(DECISION_PDF, await renderPdf(model, decision, policy), { kind: 'decision-pdf', mediaType: 'application/pdf' }));

  const runbookPath = evidencePath.get(state.runbookArtifactId) ?? null;
  // The manifest's predicate says what each linked file is (DecisionPackPredicate is loose:
  // a verifier that does not know the field ignores it).
  const predicate: DecisionPackPredicate & { linkedEvidence: unknown[] } = {
    run: { ...model.run },
    runbook: {
      ...model.runbook,
      path: runbookPath,
      evidencePack: state.runbook.evidence_pack.map((name) => {
        const artifact = model.artifacts.find((a) => a.name === name);
        return { name, path: artifact ? evidencePath.get(artifact.artifactId)! : null };
      }),
    },
    environment: model.run.environment,
    targets: model.targets,
    chainHead,
    steps: model.steps.map((s) => {
      const { evidence: _evidence, ...rest } = s;
      return { ...rest, evidence: evidenceRef(s), result: resultPath.get(s.stepId) ?? null };
    }),
    approvals: model.approvals,
    linkedEvidence: linkedEvidence.map((l) => ({ kind: l.kind, label: l.label, path: evidencePath.get(l.artifactId)!, sha256: l.sha256, size: l.size, mediaType: l.mediaType, detail: l.detail, event: { seq: l.seq, at: l.at, actor: l.actor } })),
    decision,
    policy,
    identities,
    chain: contents.chain,
    plans: contents.plans,
    acts: contents.acts,
  };
  const subject: ManifestSubject[] = files
    .map((f) => ({ name: f.path, digest: { sha256: f.sha256 }, annotations: { size: f.size, ...f.subject! } }))
    .sort((a, b) => comparePaths(a.name, b.name));
  const manifest: PackManifest = { _type: STATEMENT_TYPE, subject, predicateType: PREDICATE_TYPE, predicate };
  const manifestData = manifestBytes(manifest);
  files.push(inMemory(MANIFEST, manifestData, null));
  files.push(inMemory(SUMS, Buffer.from(formatSums(files.map((f) => ({ path: f.path, sha256: f.sha256 })))), null));
  // Every verdict the vault holds on exactly this manifest: detached, so neither the manifest
  // nor SHA256SUMS covers them, and importing a signature never changes what they cover.
  const manifestSha256 = sha256(manifestData);
  const verdicts = verdictFiles(events, state.runId, manifestSha256);
  for (const v of verdicts) files.push(inMemory(v.path, v.bytes, null));
  files.sort((a, b) => comparePaths(a.path, b.path));
  const signedBy = [...new Set(verdicts.map((v) => v.path.replace(/^signatures\/|(\.json\.sig|\.json|\.sig)$/g, '')))].sort(comparePaths);
  return { name: `decision-pack-${model.run.runId}`, files, manifest: manifestData, manifestSha256, at: new Date(chainHead.at), chainHead, signedBy };
}

/**
 * The manifest this vault exports for the run now, without writing a file: what a returned
 * signature must be over (importSignature). Same steps as buildPack, so the same sha256.
 */
export async function currentManifest(vault: ReadOnlyVault, runId: string): Promise<{ manifest: Buffer; manifestSha256: string; chainHead: { seq: number; hash: string; at: string } }> {
  const plan = await planPack(vault, runState(vault, runId), defaultPdf);
  return { manifest: plan.manifest, manifestSha256: plan.manifestSha256, chainHead: plan.chainHead };
}

async function writeAll(file: import('node:fs/promises').FileHandle, data: Buffer): Promise<void> {
  let done = 0;
  while (done < data.length) done += (await file.write(data, done, data.length - done)).bytesWritten;
}

/**
 * Streams one artifact from the vault into the folder file and the zip entry. The hashing
 * thread gets each chunk once it is written, and answers with its SHA-256 (checked against
 * what the vault recorded) and CRC-32 (for the zip header).
 */
async function copyArtifact(vault: ReadOnlyVault, file: Extract<PlannedFile, { artifactId: string }>, folderPath: string, zip: ZipWriter, hasher: BackgroundHasher): Promise<void> {
  const out = await open(folderPath, 'wx', 0o644);
  const stream = hasher.begin();
  try {
    const sink = await zip.begin(file.path, file.size, { crc32: 'given' });
    let size = 0;
    let pending: { chunk: Buffer; written: Promise<unknown> } | null = null;
    // The next chunk is read from the vault while the previous one is being written.
    for (const chunk of vault.readArtifact(file.artifactId)) {
      size += chunk.length;
      if (size > file.size) break;
      if (pending) {
        await pending.written;
        await hasher.room();
        hasher.push(stream, pending.chunk);
      }
      pending = { chunk, written: Promise.all([sink.write(chunk), writeAll(out, chunk)]) };
    }
    if (pending) {
      await pending.written;
      hasher.push(stream, pending.chunk);
    }
    const hashed = await hasher.end(stream);
    if (size !== file.size || hashed.sha256 !== file.sha256) {
      throw new PackExportError(`The vault's artifact ${file.artifactId} (${file.path}) no longer matches what was recorded (sha256 ${file.sha256}, ${file.size} bytes). Nothing was exported; run \`cutover vault verify\`.`);
    }
    await sink.end(hashed.crc32);
  } finally {
    await out.close();
  }
}

/**
 * Exports the run as `<outDir>/decision-pack-<runId>/` and `<outDir>/decision-pack-<runId>.zip`,
 * with every verdict the vault holds on its manifest. Reads the vault, never writes to it.
 * Writes under temporary names and renames at the end, so a failed export leaves nothing.
 */
export async function buildPack(vault: ReadOnlyVault, runId: string, options: BuildPackOptions): Promise<BuiltPack> {
  const state = runState(vault, runId);
  const plan = await planPack(vault, state, options.renderPdf ?? defaultPdf);
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const folder = join(outDir, plan.name);
  const zipPath = `${folder}.zip`;
  for (const path of [folder, zipPath]) if (existsSync(path)) throw new PackExistsError(path);
  const tag = randomBytes(4).toString('hex');
  const tmpFolder = join(outDir, `.${plan.name}.partial-${tag}`);
  const tmpZip = join(outDir, `.${plan.name}.zip.partial-${tag}`);
  await mkdir(tmpFolder);
  const zip = await ZipWriter.create(tmpZip, plan.at);
  const hasher = new BackgroundHasher();
  // The zip's own SHA-256 is computed as it is written, on a thread of its own: each region
  // is hashed from disk once it is final, while the next transcript streams.
  const zipHasher = new BackgroundHasher();
  const zipStream = zipHasher.begin();
  let zipHashed = 0;
  const hashZipSoFar = () => {
    zipHasher.pushFile(zipStream, tmpZip, zipHashed, zip.size);
    zipHashed = zip.size;
  };
  let zipBytes: number;
  let zipSha256: string;
  try {
    const made = new Set<string>();
    for (const file of plan.files) {
      const target = join(tmpFolder, ...file.path.split('/'));
      const dir = file.path.split('/').slice(0, -1).join('/');
      if (dir && !made.has(dir)) {
        await mkdir(join(tmpFolder, ...dir.split('/')), { recursive: true });
        made.add(dir);
      }
      if ('bytes' in file) {
        await writeFile(target, file.bytes, { flag: 'wx', mode: 0o644 });
        await zip.add(file.path, file.bytes);
      } else {
        await copyArtifact(vault, file, target, zip, hasher);
      }
      hashZipSoFar();
      await utimes(target, plan.at, plan.at);
    }
    zipBytes = await zip.finish();
    hashZipSoFar();
    zipSha256 = (await zipHasher.end(zipStream)).sha256;
  } catch (error) {
    await zip.abort();
    await hasher.close();
    await zipHasher.close();
    await rm(tmpFolder, { recursive: true, force: true });
    await rm(tmpZip, { force: true });
    throw error;
  }
  await hasher.close();
  await zipHasher.close();
  await rename(tmpFolder, folder);
  await rename(tmpZip, zipPath);
  return {
    name: plan.name,
    folder,
    zip: zipPath,
    manifestSha256: plan.manifestSha256,
    zipSha256,
    zipBytes,
    files: plan.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
    chainHead: plan.chainHead,
    signedBy: plan.signedBy,
  };
}
