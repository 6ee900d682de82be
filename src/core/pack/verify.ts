// Verifying a pack, folder or zip, with nothing but the pack (and, for an auditor, their
// organisation's allowed_signers): every file against the manifest and SHA256SUMS, the
// manifest's shape, each signature and signed verdict, and the approval policy the approvers
// signed under. The report names exactly what fails and ends in one verdict (VERIFIED,
// AWAITING SIGNATURES, FAILED); a damaged pack is a report, never an exception. Nothing the
// manifest does not list is ever inflated or hashed.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { PackInputError, UnsafeZipError, printable } from './errors';
import { ALLOWED_SIGNERS, MANIFEST, MAX_MANIFEST_BYTES, MAX_SMALL_FILE_BYTES, SIGNATURES_DIR, SUMS, comparePaths, parseSums, unsafePathReason } from './layout';
import { parseManifest, type ParsedManifest } from './manifest';
import type { FileCheck, FileStatus, PackProblem, PackTrust, PackVerifyReport, ProblemArea } from './report';
import { namesIdentity, parseAllowedSigners, type AllowedSigner } from './roster';
import { applyPolicy, checkSignatures, type Trust } from './signatures';
import { openPack, type PackSource } from './source';
import { checkContents } from './verify-contents';
import { packVerdict, verdictSummary } from './verdict-status';
import type { ZipLimits } from './zip-read';

export type * from './report';
export { verdictMismatch } from './signatures';
export { VERDICT_EXIT_CODES } from './verdict-status';

export interface VerifyPackOptions {
  /** An auditor's own allowed_signers (their organisation's roster): overrides the pack's. */
  allowedSignersFile?: string;
  limits?: Partial<ZipLimits>;
}

async function hashOf(source: PackSource, path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source.stream(path)) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * A small file of the pack read whole, or null with a problem when it cannot be: too large for
 * what it is, a wrong CRC, damaged data. Each is an integrity failure of the pack (exit 1).
 */
async function readPackFile(source: PackSource, path: string, max: number, area: ProblemArea, problems: PackProblem[]): Promise<Buffer | null> {
  try {
    return await source.read(path, max);
  } catch (error) {
    if (!(error instanceof PackInputError)) throw error;
    problems.push({ area: error instanceof UnsafeZipError ? 'zip' : area, subject: path, message: `${path} cannot be read: ${error instanceof UnsafeZipError ? error.reason : error.message}` });
    return null;
  }
}

/** The organisation's roster, or PackInputError when it cannot be read or holds no usable line. */
async function readRoster(path: string): Promise<{ signers: AllowedSigner[]; skipped: string[] }> {
  let text: string;
  try {
    // A roster is a small text file: a device, a pipe or a huge file is never read whole.
    const info = await stat(path);
    if (!info.isFile()) throw new Error(info.isDirectory() ? 'it is a folder' : 'it is not a regular file');
    if (info.size > MAX_SMALL_FILE_BYTES) throw new Error(`larger than ${MAX_SMALL_FILE_BYTES} bytes`);
    text = (await readFile(path)).toString('utf8');
  } catch (error) {
    throw new PackInputError(`Cannot read the allowed signers file ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Give your organisation's allowed_signers roster (lines "NAME KEYTYPE BASE64").`);
  }
  const parsed = parseAllowedSigners(text, path);
  if (parsed.signers.length === 0) {
    const why = parsed.problems.length ? `:\n  ${parsed.problems.map(printable).join('\n  ')}` : ' (it has no key lines at all)';
    throw new PackInputError(`The allowed signers file ${path} holds no usable line, so no signature could count${why}\nList each signer as "NAME KEYTYPE BASE64" (options namespaces="…", valid-after="…", valid-before="…" are honoured).`);
  }
  return { signers: parsed.signers, skipped: parsed.problems.map(printable) };
}

async function loadTrust(source: PackSource, manifest: ParsedManifest | null, options: VerifyPackOptions, problems: PackProblem[]): Promise<{ trust: Trust; report: PackTrust }> {
  const roster = options.allowedSignersFile ? await readRoster(options.allowedSignersFile) : null;
  let packSigners: AllowedSigner[] = [];
  if (!source.has(ALLOWED_SIGNERS)) {
    problems.push({ area: 'trust', subject: ALLOWED_SIGNERS, message: `${ALLOWED_SIGNERS} is missing${roster ? '' : ': no key can be trusted (pass --allowed-signers FILE)'}` });
  } else {
    const data = await readPackFile(source, ALLOWED_SIGNERS, MAX_SMALL_FILE_BYTES, 'trust', problems);
    if (data) {
      const parsed = parseAllowedSigners(data.toString('utf8'));
      packSigners = parsed.signers;
      for (const p of parsed.problems) problems.push({ area: 'trust', subject: ALLOWED_SIGNERS, message: p });
      // The pack's own list must say what the manifest says: same people, same keys.
      for (const identity of manifest?.predicate.identities ?? []) {
        const listed = parsed.signers.filter((s) => s.principal === identity.name);
        if (!listed.some((s) => s.fingerprint === identity.fingerprint)) {
          problems.push({ area: 'trust', subject: ALLOWED_SIGNERS, message: `${ALLOWED_SIGNERS} does not list ${identity.name}'s key ${identity.fingerprint} from the manifest` });
        }
      }
    }
  }
  if (roster) {
    const path = options.allowedSignersFile!;
    const packSignersNotInRoster = packSigners
      .filter((p) => !roster.signers.some((o) => o.fingerprint === p.fingerprint && namesIdentity(o, p.principal)))
      .map((p) => ({ principal: p.principal, fingerprint: p.fingerprint }));
    const note = `keys from your roster ${path}, valid-after / valid-before compared with each verdict's signedAt; roles from ${MANIFEST}`;
    return { trust: { signers: roster.signers, source: 'file', path }, report: { source: 'file', path, note, skipped: roster.skipped, packSignersNotInRoster } };
  }
  const note = `keys from the pack's own ${ALLOWED_SIGNERS}: the names are claimed, not proven`;
  return { trust: { signers: packSigners, source: 'pack', path: ALLOWED_SIGNERS }, report: { source: 'pack', path: ALLOWED_SIGNERS, note, skipped: [], packSignersNotInRoster: [] } };
}

/** Verifies an open pack. */
export async function verifySource(source: PackSource, options: VerifyPackOptions = {}): Promise<PackVerifyReport> {
  const problems: PackProblem[] = [];
  const files: FileCheck[] = [];

  let manifestBytes: Buffer | null = null;
  let manifest: ParsedManifest | null = null;
  if (!source.has(MANIFEST)) {
    problems.push({ area: 'manifest', subject: MANIFEST, message: `${MANIFEST} is missing` });
  } else {
    // First and capped: it says which entries belong, so nothing else is inflated before it.
    manifestBytes = await readPackFile(source, MANIFEST, MAX_MANIFEST_BYTES, 'manifest', problems);
    if (manifestBytes) {
      const parsed = parseManifest(manifestBytes);
      manifest = parsed.manifest;
      for (const p of parsed.problems) problems.push({ area: 'manifest', subject: MANIFEST, message: p });
    }
  }
  const manifestSha256 = manifestBytes ? sha256(manifestBytes) : null;

  let sums = new Map<string, string>();
  if (!source.has(SUMS)) {
    problems.push({ area: 'sums', subject: SUMS, message: `${SUMS} is missing` });
  } else {
    const data = await readPackFile(source, SUMS, MAX_MANIFEST_BYTES, 'sums', problems);
    if (data) {
      const parsed = parseSums(data.toString('utf8'));
      sums = parsed.entries;
      for (const p of parsed.problems) problems.push({ area: 'sums', subject: SUMS, message: `${SUMS} ${p}` });
    }
  }

  const subjects = new Map((manifest?.subject ?? []).map((s) => [s.name, s]));
  for (const name of subjects.keys()) {
    const unsafe = unsafePathReason(name);
    if (unsafe || name.startsWith(`${SIGNATURES_DIR}/`) || name === MANIFEST || name === SUMS) {
      problems.push({ area: 'manifest', subject: name, message: `${MANIFEST} lists "${name}", which cannot be a subject (${unsafe ?? 'manifest.json, SHA256SUMS and signatures/ are never subjects'})` });
      subjects.delete(name);
    }
  }
  const present = new Map(source.files.map((f) => [f.path, f]));
  const covered = (path: string) => path !== SUMS && !path.startsWith(`${SIGNATURES_DIR}/`);
  for (const path of sums.keys()) {
    if (!covered(path) || unsafePathReason(path)) {
      problems.push({ area: 'sums', subject: path, message: `${SUMS} lists "${path}", which it must not cover (${unsafePathReason(path) ?? 'it never covers itself or signatures/'})` });
      sums.delete(path);
    }
  }
  const paths = new Set<string>([...source.files.map((f) => f.path).filter(covered), ...subjects.keys(), ...sums.keys()]);
  for (const path of [...paths].sort(comparePaths)) {
    const subject = subjects.get(path);
    const check: FileCheck = { path, status: 'ok', size: null, sha256: null, manifestSha256: subject?.digest.sha256 ?? null, manifestSize: subject?.annotations.size ?? null, sumsSha256: sums.get(path) ?? null, message: 'ok' };
    const failFile = (status: FileStatus, message: string, area: ProblemArea = 'file') => {
      check.status = status;
      check.message = message;
      problems.push({ area, subject: path, message: `${path}: ${message}` });
    };
    const file = present.get(path);
    files.push(check);
    if (!file) {
      if (subject) failFile('missing', `missing (${MANIFEST} lists it)`);
      else failFile('missing', `missing (only ${SUMS} lists it)`, 'sums');
      continue;
    }
    if (file.type !== 'file') {
      failFile('not-a-file', `is a ${file.type === 'symlink' ? 'symbolic link' : 'special file'}, not a regular file; it was not followed`);
      continue;
    }
    const unsafe = unsafePathReason(path);
    if (unsafe) {
      failFile('unsafe-name', unsafe);
      continue;
    }
    // Refused by name (and, in a zip, by claimed size) before a byte is inflated or hashed: an
    // entry the manifest does not list, or one claiming another size, can be a zip bomb.
    if (path !== MANIFEST && !subject) {
      failFile('extra', `is not in ${MANIFEST}: a file that does not belong to the pack (${file.size} bytes; not read)`);
      continue;
    }
    if (source.kind === 'zip' && subject && file.size !== subject.annotations.size) {
      check.size = file.size;
      failFile('mismatch', `its zip entry claims ${file.size} bytes, ${MANIFEST} says ${subject.annotations.size}; not inflated`);
      continue;
    }
    try {
      const actual = await hashOf(source, path);
      check.sha256 = actual.sha256;
      check.size = actual.size;
    } catch (error) {
      failFile('unreadable', `cannot be read (${error instanceof UnsafeZipError ? error.reason : (error as Error).message})`);
      continue;
    }
    const wrong: string[] = [];
    if (!subject) {
      if (!check.sumsSha256) wrong.push(`${SUMS} does not list it`);
    } else {
      if (check.sha256 !== subject.digest.sha256) wrong.push(`sha256 ${check.sha256} does not match ${MANIFEST} (${subject.digest.sha256})`);
      if (check.size !== subject.annotations.size) wrong.push(`size ${check.size} does not match ${MANIFEST} (${subject.annotations.size})`);
      if (!check.sumsSha256) wrong.push(`${SUMS} does not list it`);
    }
    if (check.sumsSha256 && check.sumsSha256 !== check.sha256) wrong.push(`sha256 ${check.sha256} does not match ${SUMS} (${check.sumsSha256})`);
    if (wrong.length) failFile('mismatch', wrong.join('; '));
  }

  const { trust, report: trustReport } = await loadTrust(source, manifest, options, problems);
  const signatures = manifestBytes ? await checkSignatures(source, manifestBytes, manifest, trust, problems) : [];
  const contents = await checkContents(source, manifest, trust, problems);
  const policy = manifest ? applyPolicy(manifest, signatures, problems) : null;
  return finish({ pack: source.path, kind: source.kind, runId: manifest?.predicate.run.runId ?? null, manifestSha256, trust: trustReport, files, signatures, contents, policy, problems });
}

/** The verdict and its sentence, and every message made safe to print (a pack's names can hold terminal escapes). */
function finish(parts: Omit<PackVerifyReport, 'ok' | 'verdict' | 'summary'>): PackVerifyReport {
  const problems = parts.problems.map((p) => ({ ...p, message: printable(p.message) }));
  for (const f of parts.files) f.message = printable(f.message);
  for (const s of parts.signatures) {
    s.message = printable(s.message);
    if (s.notCounted) s.notCounted = printable(s.notCounted);
  }
  const policy = parts.policy ? { ...parts.policy, message: printable(parts.policy.message) } : null;
  const verdict = packVerdict(problems, parts.signatures, policy);
  const summary = printable(verdictSummary(verdict, parts.trust, parts.signatures, policy, problems));
  return { ok: verdict === 'VERIFIED', verdict, summary, ...parts, policy, problems };
}

/**
 * Verifies a pack folder or zip. Throws PackInputError only when there is nothing to verify
 * (no such path, not a folder or zip, an unreadable or unusable --allowed-signers file); an
 * unsafe or damaged zip is a FAILED report naming the entry.
 */
export async function verifyPack(path: string, options: VerifyPackOptions = {}): Promise<PackVerifyReport> {
  let source: PackSource;
  try {
    source = await openPack(path, options.limits);
  } catch (error) {
    if (!(error instanceof UnsafeZipError)) throw error;
    const trust: PackTrust = { source: options.allowedSignersFile ? 'file' : 'pack', path: options.allowedSignersFile ?? ALLOWED_SIGNERS, note: 'not reached: the zip was refused before any signature was read', skipped: [], packSignersNotInRoster: [] };
    return finish({ pack: path, kind: 'zip', runId: null, manifestSha256: null, trust, files: [], signatures: [], contents: null, policy: null, problems: [{ area: 'zip', subject: error.entry, message: error.message }] });
  }
  try {
    return await verifySource(source, options);
  } finally {
    await source.close();
  }
}

const INTEGRITY_AREAS: ReadonlySet<ProblemArea> = new Set(['zip', 'manifest', 'file', 'sums', 'chain', 'plan', 'act']);

/** The integrity part of a report: what must hold before anyone signs the pack. */
export function integrityProblems(report: PackVerifyReport): PackProblem[] {
  return report.problems.filter((p) => INTEGRITY_AREAS.has(p.area));
}
