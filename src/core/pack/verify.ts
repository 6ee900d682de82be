// Verifying a pack, folder or zip, with nothing but the pack (and, for an auditor, their own
// allowed_signers): every file against the manifest and SHA256SUMS, the manifest's shape,
// each signature and signed verdict, and the approval policy the approvers signed under.
// The report names exactly what fails; a damaged pack is a report, never an exception.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PackInputError, UnsafeZipError } from './errors';
import { ALLOWED_SIGNERS, MANIFEST, MAX_MANIFEST_BYTES, MAX_SMALL_FILE_BYTES, SIGNATURES_DIR, SUMS, comparePaths, parseAllowedSigners, parseSums, unsafePathReason } from './layout';
import { parseManifest, type ParsedManifest } from './manifest';
import type { FileCheck, FileStatus, PackProblem, PackVerifyReport, ProblemArea } from './report';
import { applyPolicy, checkSignatures, type Trust } from './signatures';
import { openPack, type PackSource } from './source';
import type { ZipLimits } from './zip-read';

export type * from './report';
export { verdictMismatch } from './signatures';

export interface VerifyPackOptions {
  /** An auditor's own allowed_signers: overrides the pack's. */
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

async function loadTrust(source: PackSource, manifest: ParsedManifest | null, options: VerifyPackOptions, problems: PackProblem[]): Promise<Trust> {
  if (options.allowedSignersFile) {
    let text: string;
    try {
      const data = await readFile(options.allowedSignersFile);
      if (data.length > MAX_SMALL_FILE_BYTES) throw new Error(`larger than ${MAX_SMALL_FILE_BYTES} bytes`);
      text = data.toString('utf8');
    } catch (error) {
      throw new PackInputError(`Cannot read the allowed signers file ${options.allowedSignersFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
    const parsed = parseAllowedSigners(text);
    for (const p of parsed.problems) problems.push({ area: 'trust', subject: options.allowedSignersFile, message: p.replace(/^allowed_signers/, options.allowedSignersFile) });
    return { signers: parsed.signers, source: 'file', path: options.allowedSignersFile };
  }
  if (!source.has(ALLOWED_SIGNERS)) {
    problems.push({ area: 'trust', subject: ALLOWED_SIGNERS, message: `${ALLOWED_SIGNERS} is missing: no key can be trusted (pass --allowed-signers FILE)` });
    return { signers: [], source: 'pack', path: ALLOWED_SIGNERS };
  }
  const parsed = parseAllowedSigners((await source.read(ALLOWED_SIGNERS, MAX_SMALL_FILE_BYTES)).toString('utf8'));
  for (const p of parsed.problems) problems.push({ area: 'trust', subject: ALLOWED_SIGNERS, message: p });
  // The pack's own list must say what the manifest says: same people, same keys.
  for (const identity of manifest?.predicate.identities ?? []) {
    const listed = parsed.signers.filter((s) => s.principal === identity.name);
    if (!listed.some((s) => s.fingerprint === identity.fingerprint)) {
      problems.push({ area: 'trust', subject: ALLOWED_SIGNERS, message: `${ALLOWED_SIGNERS} does not list ${identity.name}'s key ${identity.fingerprint} from the manifest` });
    }
  }
  return { signers: parsed.signers, source: 'pack', path: ALLOWED_SIGNERS };
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
    manifestBytes = await source.read(MANIFEST, MAX_MANIFEST_BYTES);
    const parsed = parseManifest(manifestBytes);
    manifest = parsed.manifest;
    for (const p of parsed.problems) problems.push({ area: 'manifest', subject: MANIFEST, message: p });
  }
  const manifestSha256 = manifestBytes ? sha256(manifestBytes) : null;

  let sums = new Map<string, string>();
  if (!source.has(SUMS)) {
    problems.push({ area: 'sums', subject: SUMS, message: `${SUMS} is missing` });
  } else {
    const parsed = parseSums((await source.read(SUMS, MAX_MANIFEST_BYTES)).toString('utf8'));
    sums = parsed.entries;
    for (const p of parsed.problems) problems.push({ area: 'sums', subject: SUMS, message: `${SUMS} ${p}` });
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
    try {
      const actual = await hashOf(source, path);
      check.sha256 = actual.sha256;
      check.size = actual.size;
    } catch (error) {
      failFile('unreadable', `cannot be read (${(error as Error).message})`);
      continue;
    }
    const wrong: string[] = [];
    if (path === MANIFEST) {
      if (!check.sumsSha256) wrong.push(`${SUMS} does not list it`);
    } else if (!subject) {
      failFile('extra', `is not in ${MANIFEST}: a file that does not belong to the pack`);
      continue;
    } else {
      if (check.sha256 !== subject.digest.sha256) wrong.push(`sha256 ${check.sha256} does not match ${MANIFEST} (${subject.digest.sha256})`);
      if (check.size !== subject.annotations.size) wrong.push(`size ${check.size} does not match ${MANIFEST} (${subject.annotations.size})`);
      if (!check.sumsSha256) wrong.push(`${SUMS} does not list it`);
    }
    if (check.sumsSha256 && check.sumsSha256 !== check.sha256) wrong.push(`sha256 ${check.sha256} does not match ${SUMS} (${check.sumsSha256})`);
    if (wrong.length) failFile('mismatch', wrong.join('; '));
  }

  const trust = await loadTrust(source, manifest, options, problems);
  const signatures = manifestBytes ? await checkSignatures(source, manifestBytes, manifest, trust, problems) : [];
  const policy = manifest ? applyPolicy(manifest, signatures, problems) : null;
  const note = trust.source === 'file'
    ? `keys from ${trust.path} (your list); roles from ${MANIFEST}`
    : `keys from the pack's own ${ALLOWED_SIGNERS}, as exported by the vault: compare them with a list you trust, or pass --allowed-signers FILE`;
  return {
    ok: problems.length === 0,
    pack: source.path,
    kind: source.kind,
    runId: manifest?.predicate.run.runId ?? null,
    manifestSha256,
    trust: { source: trust.source, path: trust.path, note },
    files,
    signatures,
    policy,
    problems,
  };
}

/**
 * Verifies a pack folder or zip. Throws PackInputError only when there is nothing to verify
 * (no such path, not a folder or zip, an unreadable --allowed-signers file); an unsafe zip is
 * a failed report naming the entry.
 */
export async function verifyPack(path: string, options: VerifyPackOptions = {}): Promise<PackVerifyReport> {
  let source: PackSource;
  try {
    source = await openPack(path, options.limits);
  } catch (error) {
    if (!(error instanceof UnsafeZipError)) throw error;
    return {
      ok: false,
      pack: path,
      kind: 'zip',
      runId: null,
      manifestSha256: null,
      trust: { source: options.allowedSignersFile ? 'file' : 'pack', path: options.allowedSignersFile ?? ALLOWED_SIGNERS, note: 'not reached' },
      files: [],
      signatures: [],
      policy: null,
      problems: [{ area: 'zip', subject: error.entry, message: error.message }],
    };
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
