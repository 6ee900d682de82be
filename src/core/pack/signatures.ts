// Signatures and the policy: each signer's manifest signature and signed verdict, judged
// against the trusted keys (the pack's allowed_signers or the auditor's own), then the
// approval policy the approvers signed under (quorum, role, no self-approval, rejection veto).
import { createHash } from 'node:crypto';
import { sshsigVerify, type SshsigVerifyResult } from '../signing/sshsig';
import { DECISION_NAMESPACE, MANIFEST, MAX_SMALL_FILE_BYTES, SIGNATURES_DIR, allowsDecisionNamespace, comparePaths, signatureFileOf, signaturePaths, type AllowedSigner } from './layout';
import { parseVerdict, type ParsedManifest, type Verdict } from './manifest';
import type { PackProblem, PolicyResult, SignatureCheck, SignatureStatus } from './report';
import type { PackSource } from './source';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export interface Trust {
  signers: AllowedSigner[];
  source: 'pack' | 'file';
  path: string;
}

type KeyCheck = { status: 'valid'; fingerprint: string } | { status: Exclude<SignatureStatus, 'valid' | 'missing-signature' | 'no-verdict' | 'bad-verdict'>; fingerprint: string | null; message: string };

/** One SSHSIG over `message`, judged against the trusted keys of `identity`. */
function checkKey(armored: string, message: Buffer, identity: string, trust: Trust): KeyCheck {
  const result: SshsigVerifyResult = sshsigVerify(armored, message, DECISION_NAMESPACE);
  if (!result.ok) {
    if (result.reason === 'wrong-namespace') return { status: 'wrong-namespace', fingerprint: null, message: result.message };
    return { status: 'bad-signature', fingerprint: null, message: `${result.reason}: ${result.message}` };
  }
  const own = trust.signers.filter((s) => s.principal === identity);
  if (own.some((s) => s.fingerprint === result.fingerprint && allowsDecisionNamespace(s))) return { status: 'valid', fingerprint: result.fingerprint };
  if (own.some((s) => s.fingerprint === result.fingerprint)) {
    return { status: 'unknown-key', fingerprint: result.fingerprint, message: `${identity}'s key ${result.fingerprint} is not allowed to sign in namespace ${DECISION_NAMESPACE} by ${trust.path}` };
  }
  const other = trust.signers.find((s) => s.fingerprint === result.fingerprint);
  if (other) return { status: 'wrong-key', fingerprint: result.fingerprint, message: `signed with ${other.principal}'s key ${result.fingerprint}, not with a key of ${identity}` };
  return { status: 'unknown-key', fingerprint: result.fingerprint, message: `signed by ${result.fingerprint}, a key ${trust.path} does not list${own.length ? ` for ${identity} (theirs: ${own.map((s) => s.fingerprint).join(', ')})` : ` (no key for ${identity} at all)`}` };
}

export async function checkSignatures(source: PackSource, manifestBytes: Buffer, manifest: ParsedManifest | null, trust: Trust, problems: PackProblem[]): Promise<SignatureCheck[]> {
  const identities = new Set<string>();
  for (const f of source.files) {
    if (!f.path.startsWith(`${SIGNATURES_DIR}/`)) continue;
    const which = signatureFileOf(f.path);
    if (!which || f.type !== 'file') {
      problems.push({ area: 'signature', subject: f.path, message: `${f.path} is not a signature file (signatures/NAME.sig, NAME.json, NAME.json.sig)` });
      continue;
    }
    identities.add(which.identity);
  }
  const manifestSha256 = sha256(manifestBytes);
  const checks: SignatureCheck[] = [];
  for (const identity of [...identities].sort(comparePaths)) {
    const p = signaturePaths(identity);
    const base = { identity, fingerprint: null, decision: null, reason: null, signedAt: null, counts: false, notCounted: null };
    const fail = (status: SignatureStatus, message: string, extra: Partial<SignatureCheck> = {}): SignatureCheck => {
      problems.push({ area: 'signature', subject: identity, message: `${identity}: ${message}` });
      return { ...base, ...extra, status, message };
    };
    const read = async (path: string) => (source.has(path) ? (await source.read(path, MAX_SMALL_FILE_BYTES)) : null);
    let sig: Buffer | null, verdictRaw: Buffer | null, verdictSig: Buffer | null;
    try {
      [sig, verdictRaw, verdictSig] = [await read(p.sig), await read(p.verdict), await read(p.verdictSig)];
    } catch (error) {
      checks.push(fail('bad-signature', `cannot read its signature files (${(error as Error).message})`));
      continue;
    }
    if (!sig) {
      checks.push(fail('missing-signature', `${p.sig} is missing: a verdict without a signature over ${MANIFEST} does not count`));
      continue;
    }
    const onManifest = checkKey(sig.toString('utf8'), manifestBytes, identity, trust);
    if (onManifest.status !== 'valid') {
      checks.push(fail(onManifest.status, `${p.sig}: ${onManifest.message}`, { fingerprint: onManifest.fingerprint }));
      continue;
    }
    const fingerprint = onManifest.fingerprint;
    if (!verdictRaw || !verdictSig) {
      checks.push(fail('no-verdict', `${p.sig} is a good signature over ${MANIFEST}, but ${!verdictRaw ? p.verdict : p.verdictSig} is missing, so it says neither approve nor reject and does not count`, { fingerprint }));
      continue;
    }
    const onVerdict = checkKey(verdictSig.toString('utf8'), verdictRaw, identity, trust);
    if (onVerdict.status !== 'valid') {
      checks.push(fail(onVerdict.status, `${p.verdictSig}: ${onVerdict.message}`, { fingerprint }));
      continue;
    }
    if (onVerdict.fingerprint !== fingerprint) {
      checks.push(fail('bad-verdict', `${p.verdict} is signed by ${onVerdict.fingerprint}, not by the key that signed ${MANIFEST} (${fingerprint})`, { fingerprint }));
      continue;
    }
    const { verdict, problem } = parseVerdict(verdictRaw);
    if (!verdict) {
      checks.push(fail('bad-verdict', `${p.verdict}: ${problem}`, { fingerprint }));
      continue;
    }
    const mismatch = verdictMismatch(verdict, { identity, fingerprint, manifestSha256, runId: manifest?.predicate.run.runId ?? null });
    if (mismatch) {
      checks.push(fail('bad-verdict', `${p.verdict}: ${mismatch}`, { fingerprint, decision: verdict.decision, reason: verdict.reason }));
      continue;
    }
    checks.push({ ...base, status: 'valid', message: `good signatures by ${fingerprint} over ${MANIFEST} and the verdict "${verdict.decision}"`, fingerprint, decision: verdict.decision, reason: verdict.reason, signedAt: verdict.signedAt });
  }
  return checks;
}

/** Why a verdict does not belong to this signer, manifest and run, or null. */
export function verdictMismatch(verdict: Verdict, expected: { identity: string; fingerprint: string; manifestSha256: string; runId: string | null }): string | null {
  if (verdict.signer !== expected.identity) return `it names the signer ${verdict.signer}, not ${expected.identity}`;
  if (verdict.fingerprint !== expected.fingerprint) return `it names the key ${verdict.fingerprint}, not the signing key ${expected.fingerprint}`;
  if (verdict.manifestSha256 !== expected.manifestSha256) return `it is about the manifest ${verdict.manifestSha256}, not this one (${expected.manifestSha256})`;
  if (expected.runId !== null && verdict.runId !== expected.runId) return `it is about run ${verdict.runId}, not ${expected.runId}`;
  return null;
}

export function applyPolicy(manifest: ParsedManifest, checks: SignatureCheck[], problems: PackProblem[]): PolicyResult {
  const { quorum, role, operator, operatorFingerprint } = manifest.predicate.policy;
  const roles = new Map(manifest.predicate.identities.map((i) => [i.name, i.roles]));
  const approvedKeys = new Map<string, string>();
  const rejectedBy: PolicyResult['rejectedBy'] = [];
  const notCounted: PolicyResult['notCounted'] = [];
  for (const c of checks) {
    if (c.status !== 'valid') continue;
    let why: string | null = null;
    if (c.identity === operator || (operatorFingerprint && c.fingerprint === operatorFingerprint)) why = `${c.identity} is the run's operator (${operator}): a self-approval never counts`;
    else if (!roles.get(c.identity)?.includes(role)) why = `${c.identity} does not have the role "${role}" in the manifest`;
    else if (c.decision === 'approve' && approvedKeys.has(c.fingerprint!)) why = `same key as ${approvedKeys.get(c.fingerprint!)}: one key counts once`;
    if (why) {
      c.notCounted = why;
      notCounted.push({ identity: c.identity, reason: why });
      continue;
    }
    c.counts = true;
    if (c.decision === 'approve') approvedKeys.set(c.fingerprint!, c.identity);
    else rejectedBy.push({ identity: c.identity, reason: c.reason ?? '' });
  }
  const approvedBy = [...approvedKeys.values()].sort(comparePaths);
  const parts: string[] = [];
  if (rejectedBy.length) parts.push(`REJECTED by ${rejectedBy.map((r) => `${r.identity} ("${r.reason}")`).join(', ')}`);
  if (approvedBy.length < quorum) parts.push(`needs ${quorum} approval(s) by distinct "${role}" identities other than the operator, has ${approvedBy.length}${approvedBy.length ? ` (${approvedBy.join(', ')})` : ''}${notCounted.length ? `; not counted: ${notCounted.map((n) => n.reason).join('; ')}` : ''}`);
  const ok = parts.length === 0;
  const message = ok ? `approved by ${approvedBy.length} of ${quorum} required (${approvedBy.join(', ')}); no rejection` : parts.join('; ');
  if (!ok) problems.push({ area: 'policy', subject: null, message: `policy: ${message}` });
  return { ok, quorum, role, operator, approvedBy, rejectedBy, notCounted, message };
}
