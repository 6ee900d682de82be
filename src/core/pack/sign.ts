// Signing a pack where only the pack and a key exist (no vault): the approver's verdict,
// approve or reject with a reason, and two SSHSIG signatures in the decision namespace, one
// over manifest.json and one over the verdict. A pack that does not verify is never signed.
// And bringing a signature back: importSignature checks it against the vault's own key for
// the identity and that it is over the manifest this vault exports for the run, and records it
// as a `pack.signed` event (not a run event); the next export carries it in signatures/.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Signer } from '../signing/keys';
import { sshsigSign, sshsigVerify } from '../signing/sshsig';
import { standingRefusal } from '../acts/verify';
import { registryOf } from '../identity/registry';
import type { Vault, VaultEvent } from '../vault';
import { PACK_EXPORTED_EVENT, currentManifest } from './build';
import { PACK_SIGNED_EVENT } from './contents';
import { PackSignError } from './errors';
import { DECISION_NAMESPACE, IDENTITY_NAME, MANIFEST, MAX_MANIFEST_BYTES, MAX_SMALL_FILE_BYTES, SIGNATURES_DIR, VERDICT_FORMAT, comparePaths, signaturePaths } from './layout';
import { parseManifest, parseVerdict, verdictBytes, type ParsedManifest, type Verdict } from './manifest';
import { extractPackZip, openPack, type PackSource } from './source';
import { integrityProblems, verdictMismatch, verifySource } from './verify';
import type { ZipLimits } from './zip-read';
import { ZipWriter } from './zip-write';

export { PACK_SIGNED_EVENT };

export interface SignPackOptions {
  /** Whose signature this is: an identity of the pack (its allowed_signers principal). */
  identity: string;
  signer: Signer;
  decision: 'approve' | 'reject';
  /** Why; required for a rejection. */
  reason?: string | null;
  /** The signer's clock (recorded in the verdict). */
  now?: Date;
  limits?: Partial<ZipLimits>;
}

export interface SignedPack {
  pack: string;
  kind: 'folder' | 'zip';
  identity: string;
  fingerprint: string;
  decision: 'approve' | 'reject';
  reason: string | null;
  manifestSha256: string;
  /** Paths written inside the pack. */
  written: string[];
  /** An earlier signature of this identity was replaced. */
  replaced: boolean;
  /** Things the signer should know (e.g. the operator's signature never counts). */
  warnings: string[];
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function checkInput(options: SignPackOptions): string | null {
  if (!IDENTITY_NAME.test(options.identity)) throw new PackSignError(`"${options.identity}" is not an identity name (letters, digits, . _ @ -, up to 64).`);
  const reason = options.reason?.trim() ? options.reason.trim() : null;
  if (options.decision === 'reject' && !reason) throw new PackSignError('A rejection needs a reason (--reason TEXT): it goes into the signed verdict.');
  if (reason && reason.length > 4000) throw new PackSignError('The reason is longer than 4000 characters; keep it to a paragraph and put details in a note.');
  return reason;
}

/** Makes the three signature files for a verified pack's manifest. */
async function makeSignature(source: PackSource, options: SignPackOptions, reason: string | null): Promise<{ files: Map<string, Buffer>; manifest: ParsedManifest; manifestSha256: string; warnings: string[] }> {
  const report = await verifySource(source);
  const broken = integrityProblems(report);
  if (broken.length) {
    const list = broken.slice(0, 10).map((p) => `  - ${p.message}`).join('\n');
    throw new PackSignError(`Refusing to sign ${source.path}: it does not verify, so you would sign something other than what was exported:\n${list}${broken.length > 10 ? `\n  … and ${broken.length - 10} more` : ''}`);
  }
  const manifestData = await source.read(MANIFEST, MAX_MANIFEST_BYTES);
  const manifest = parseManifest(manifestData).manifest!;
  const { identity, signer } = options;
  const known = manifest.predicate.identities.find((i) => i.name === identity);
  if (!known) throw new PackSignError(`${identity} is not an identity of this pack (it lists ${manifest.predicate.identities.map((i) => i.name).join(', ')}); only they can sign it.`);
  if (known.fingerprint !== signer.fingerprint) throw new PackSignError(`The key ${signer.fingerprint} is not ${identity}'s key in this pack (${known.fingerprint}). Sign with ${identity}'s own key.`);
  const warnings: string[] = [];
  const { policy } = manifest.predicate;
  if (identity === policy.operator || signer.fingerprint === policy.operatorFingerprint) warnings.push(`${identity} is the run's operator: this signature is recorded but never counts toward the quorum.`);
  else if (!known.roles.includes(policy.role)) warnings.push(`${identity} does not have the role "${policy.role}": this signature is recorded but does not count toward the quorum.`);
  const manifestSha256 = sha256(manifestData);
  const verdict: Verdict = {
    format: VERDICT_FORMAT,
    runId: manifest.predicate.run.runId,
    manifestSha256,
    decision: options.decision,
    reason,
    signer: identity,
    fingerprint: signer.fingerprint,
    signedAt: (options.now ?? new Date()).toISOString(),
  };
  const verdictData = verdictBytes(verdict);
  const paths = signaturePaths(identity);
  const files = new Map<string, Buffer>([
    [paths.sig, Buffer.from(await sshsigSign(signer, manifestData, DECISION_NAMESPACE))],
    [paths.verdict, verdictData],
    [paths.verdictSig, Buffer.from(await sshsigSign(signer, verdictData, DECISION_NAMESPACE))],
  ]);
  return { files, manifest, manifestSha256, warnings };
}

async function writeSignatureFiles(folder: string, files: Map<string, Buffer>): Promise<boolean> {
  await mkdir(join(folder, SIGNATURES_DIR), { recursive: true, mode: 0o755 });
  let replaced = false;
  for (const [path, data] of files) {
    const target = join(folder, ...path.split('/'));
    if (existsSync(target)) replaced = true;
    const tmp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
    await writeFile(tmp, data, { flag: 'wx', mode: 0o644 });
    await rename(tmp, target);
  }
  return replaced;
}

async function listFiles(root: string, dir = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** The deterministic zip of a pack folder (sorted entries, the manifest's chain-head time). */
export async function zipPackFolder(folder: string, zipPath: string, at: Date): Promise<number> {
  const zip = await ZipWriter.create(zipPath, at);
  try {
    for (const path of (await listFiles(folder)).sort(comparePaths)) {
      const full = join(folder, ...path.split('/'));
      // A zip header states the size first: take it from the file, then stream exactly that.
      const { size } = await stat(full);
      const sink = await zip.begin(path, size);
      for await (const chunk of createReadStream(full, { highWaterMark: 1024 * 1024 })) await sink.write(chunk as Buffer);
      await sink.end();
    }
    return await zip.finish();
  } catch (error) {
    await zip.abort();
    await rm(zipPath, { force: true });
    throw error;
  }
}

/**
 * Signs a pack folder, or a pack zip: the zip is unpacked (safely) beside itself, signed, and
 * re-zipped deterministically over the original (written to a temporary name, then renamed),
 * so the approver sends back the same file name with their signature inside.
 */
export async function signPack(packPath: string, options: SignPackOptions): Promise<SignedPack> {
  const reason = checkInput(options);
  const source = await openPack(packPath, options.limits);
  const kind = source.kind;
  if (kind === 'folder') {
    let made;
    try {
      made = await makeSignature(source, options, reason);
    } finally {
      await source.close();
    }
    const replaced = await writeSignatureFiles(packPath, made.files);
    return { pack: packPath, kind, identity: options.identity, fingerprint: options.signer.fingerprint, decision: options.decision, reason, manifestSha256: made.manifestSha256, written: [...made.files.keys()], replaced, warnings: made.warnings };
  }
  await source.close();
  const zipPath = resolve(packPath);
  const tag = randomBytes(4).toString('hex');
  const work = join(dirname(zipPath), `.${basename(zipPath)}.signing-${tag}`);
  const tmpZip = join(dirname(zipPath), `.${basename(zipPath)}.tmp-${tag}`);
  await extractPackZip(zipPath, work, options.limits);
  try {
    const unpacked = await openPack(work);
    let made;
    try {
      made = await makeSignature(unpacked, options, reason);
    } finally {
      await unpacked.close();
    }
    const replaced = await writeSignatureFiles(work, made.files);
    await zipPackFolder(work, tmpZip, new Date(made.manifest.predicate.chainHead.at));
    await rename(tmpZip, zipPath);
    return { pack: packPath, kind, identity: options.identity, fingerprint: options.signer.fingerprint, decision: options.decision, reason, manifestSha256: made.manifestSha256, written: [...made.files.keys()], replaced, warnings: made.warnings };
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(tmpZip, { force: true });
  }
}

// ---- back into the vault ---------------------------------------------------------------------

export interface ImportedSignature {
  event: VaultEvent;
  /** The same signature was already in the vault: no new event. */
  alreadyImported: boolean;
  identity: string;
  fingerprint: string;
  decision: 'approve' | 'reject';
  reason: string | null;
  manifestSha256: string;
}

interface SignedPayload {
  runId: string;
  identity: string;
  manifestSha256: string;
  verdictSha256: string;
}

/** An event of this vault's chain by its seq, or undefined. */
function eventAt(vault: Vault, seq: number): VaultEvent | undefined {
  return seq >= 1 ? vault.events({ afterSeq: seq - 1, limit: 1 }).find((e) => e.seq === seq) : undefined;
}

/**
 * Whether the pack's manifest is the one this vault exports for the run now (exporting is
 * deterministic, so it is recomputed, nothing is recorded at export), or one an older vault
 * recorded with a `pack.exported` event. When it is neither, says why in words.
 */
async function checkExportedHere(vault: Vault, runId: string, manifestData: Buffer, manifestSha256: string): Promise<void> {
  const recorded = vault.events().some((e) => {
    const p = e.payload as { runId?: unknown; manifestSha256?: unknown } | null;
    return e.type === PACK_EXPORTED_EVENT && p?.runId === runId && p.manifestSha256 === manifestSha256;
  });
  if (recorded) return;
  const never = `This pack's manifest (sha256 ${manifestSha256}) was never exported from this vault for run ${runId}`;
  const { manifest } = parseManifest(manifestData);
  if (!manifest) throw new PackSignError(`${never}: its manifest.json is not a decision pack manifest.`);
  const packRun = manifest.predicate.run.runId;
  const anchor = manifest.predicate.chainHead;
  const ours = eventAt(vault, anchor.seq);
  if (!ours || ours.hash !== anchor.hash) {
    throw new PackSignError(`${never}: it is anchored at chain event #${anchor.seq} (hash ${anchor.hash}), which is not an event of this vault's chain, so another vault exported it (run ${packRun}); import signatures into the vault that exported the pack.`);
  }
  if (packRun !== runId) throw new PackSignError(`${never}: it is the pack of run ${packRun}. Import the signature for run ${packRun}.`);
  const now = await currentManifest(vault, runId);
  if (now.manifestSha256 === manifestSha256) return;
  if (anchor.seq < now.chainHead.seq) {
    throw new PackSignError(`This pack's manifest (sha256 ${manifestSha256}) is not the one this vault exports for run ${runId} now (sha256 ${now.manifestSha256}): the pack was exported before more evidence was stored for the run (it is anchored at chain event #${anchor.seq}, the run now at #${now.chainHead.seq}), so its signatures are over evidence that is no longer the whole story. Export the pack again and have it signed.`);
  }
  const differs = manifestDifference(manifest, parseManifest(now.manifest).manifest!);
  const people = differs.includes('identities')
    ? 'the people of the vault changed since it was exported (an identity added, or a key or role changed), so allowed_signers would differ'
    : 'it was exported by another version of the app, or its manifest was changed after export';
  throw new PackSignError(`This pack's manifest (sha256 ${manifestSha256}) is not the one this vault exports for run ${runId} (sha256 ${now.manifestSha256}), though both are anchored at chain event #${anchor.seq}: ${people} (they differ in ${differs.join(', ') || 'their bytes'}). Export the pack again and have it signed.`);
}

/** What differs between two manifests, in words: predicate fields, then files. */
function manifestDifference(a: ParsedManifest, b: ParsedManifest): string[] {
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  const pa = a.predicate as Record<string, unknown>;
  const pb = b.predicate as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort().filter((k) => !same(pa[k], pb[k]));
  const digests = new Map(b.subject.map((s) => [s.name, s.digest.sha256]));
  const names = new Set(a.subject.map((s) => s.name));
  const files = [...a.subject.filter((s) => digests.get(s.name) !== s.digest.sha256).map((s) => s.name), ...b.subject.filter((s) => !names.has(s.name)).map((s) => s.name)];
  return [...fields, ...[...new Set(files)].sort(comparePaths)];
}

/**
 * Brings `identity`'s signature and verdict from a pack into the vault, after checking both
 * against the key the vault holds for that identity, and that the manifest is one this vault
 * exported for this run.
 */
export async function importSignature(vault: Vault, runId: string, packPath: string, identityName: string, options: { limits?: Partial<ZipLimits> } = {}): Promise<ImportedSignature> {
  // The key the chain holds for this person (never the identities table), proven, not custodial.
  const identity = registryOf(vault).get(identityName);
  const standing = standingRefusal(identity, identityName);
  if (!identity || standing) throw new PackSignError(standing ?? `No identity named "${identityName}" in this vault; see \`cutover identity list\`.`);
  const source = await openPack(packPath, options.limits);
  let manifestData: Buffer, sig: Buffer, verdictData: Buffer, verdictSig: Buffer;
  try {
    const paths = signaturePaths(identityName);
    for (const path of [MANIFEST, paths.sig, paths.verdict, paths.verdictSig]) {
      if (!source.has(path)) throw new PackSignError(`${packPath} has no ${path}${path === MANIFEST ? '' : `: ${identityName} has not signed this pack (\`cutover pack sign\`)`}.`);
    }
    manifestData = await source.read(MANIFEST, MAX_MANIFEST_BYTES);
    sig = await source.read(paths.sig, MAX_SMALL_FILE_BYTES);
    verdictData = await source.read(paths.verdict, MAX_SMALL_FILE_BYTES);
    verdictSig = await source.read(paths.verdictSig, MAX_SMALL_FILE_BYTES);
  } finally {
    await source.close();
  }
  const manifestSha256 = sha256(manifestData);
  await checkExportedHere(vault, runId, manifestData, manifestSha256);
  for (const [what, armored, message] of [[`the signature over ${MANIFEST}`, sig, manifestData], ['the signature over the verdict', verdictSig, verdictData]] as const) {
    const checked = sshsigVerify(armored.toString('utf8'), message, DECISION_NAMESPACE, identity.publicKey);
    if (!checked.ok) throw new PackSignError(`${what} is not a good signature by ${identityName}'s key ${identity.fingerprint} in namespace ${DECISION_NAMESPACE} (${checked.reason}: ${checked.message}).`);
  }
  const { verdict, problem } = parseVerdict(verdictData);
  if (!verdict) throw new PackSignError(`${signaturePaths(identityName).verdict}: ${problem}.`);
  const mismatch = verdictMismatch(verdict, { identity: identityName, fingerprint: identity.fingerprint, manifestSha256, runId });
  if (mismatch) throw new PackSignError(`${signaturePaths(identityName).verdict}: ${mismatch}.`);
  const verdictSha256 = sha256(verdictData);
  const existing = vault.events().find((e) => {
    const p = e.payload as Partial<SignedPayload>;
    return e.type === PACK_SIGNED_EVENT && p.runId === runId && p.identity === identityName && p.manifestSha256 === manifestSha256 && p.verdictSha256 === verdictSha256;
  });
  const result = { identity: identityName, fingerprint: identity.fingerprint, decision: verdict.decision, reason: verdict.reason, manifestSha256 };
  if (existing) return { ...result, event: existing, alreadyImported: true };
  const event = vault.append({
    actor: identityName,
    type: PACK_SIGNED_EVENT,
    payload: {
      runId,
      identity: identityName,
      fingerprint: identity.fingerprint,
      decision: verdict.decision,
      reason: verdict.reason,
      signedAt: verdict.signedAt,
      manifestSha256,
      verdictSha256,
      namespace: DECISION_NAMESPACE,
      signature: sig.toString('utf8'),
      verdict: verdictData.toString('utf8'),
      verdictSignature: verdictSig.toString('utf8'),
    },
  });
  return { ...result, event, alreadyImported: false };
}
