// Signatures and the policy: each signer's manifest signature and signed verdict, judged
// against the trusted keys (the pack's allowed_signers or the organisation's own roster, with
// its namespaces and validity times as ssh-keygen applies them), then the approval policy the
// approvers signed under (quorum, role, no self-approval, rejection veto).
import { createHash } from 'node:crypto';
import { sshsigVerify, type SshsigVerifyResult } from '../signing/sshsig';
import { printable } from './errors';
import { DECISION_NAMESPACE, MANIFEST, MAX_SMALL_FILE_BYTES, SIGNATURES_DIR, comparePaths, signatureFileOf, signaturePaths } from './layout';
import { parseVerdict, type ParsedManifest, type Verdict } from './manifest';
import type { PackProblem, PolicyResult, SignatureCheck, SignatureStatus } from './report';
import { allowsNamespace, namesIdentity, outsideValidity, type AllowedSigner } from './roster';
import type { PackSource } from './source';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export interface Trust {
  signers: AllowedSigner[];
  source: 'pack' | 'file';
  path: string;
}

type KeyCheck = { status: 'valid'; fingerprint: string } | { status: Exclude<SignatureStatus, 'valid' | 'missing-signature' | 'no-verdict' | 'bad-verdict'>; fingerprint: string | null; message: string };

/** The time a roster's valid-after / valid-before are compared with, and where it came from. */
export interface KeyTime {
  at: Date;
  source: 'verdict' | 'now';
}

const describeTime = (t: KeyTime) => (t.source === 'verdict' ? `the verdict's signedAt ${t.at.toISOString()}` : `the time of verification ${t.at.toISOString()} (no readable verdict)`);

/** One SSHSIG over `message`, judged against the trusted keys of `identity`, as `ssh-keygen -Y verify -I identity` would. */
function checkKey(armored: string, message: Buffer, identity: string, trust: Trust, time: KeyTime): KeyCheck {
  const result: SshsigVerifyResult = sshsigVerify(armored, message, DECISION_NAMESPACE);
  if (!result.ok) {
    if (result.reason === 'wrong-namespace') return { status: 'wrong-namespace', fingerprint: null, message: result.message };
    return { status: 'bad-signature', fingerprint: null, message: `${result.reason}: ${result.message}` };
  }
  const fingerprint = result.fingerprint;
  const roster = trust.source === 'file' ? `your roster ${trust.path}` : `the pack's ${trust.path}`;
  const own = trust.signers.filter((s) => namesIdentity(s, identity));
  const sameKey = own.filter((s) => s.fingerprint === fingerprint);
  const inNamespace = sameKey.filter((s) => allowsNamespace(s, DECISION_NAMESPACE));
  if (inNamespace.some((s) => outsideValidity(s, time.at) === null)) return { status: 'valid', fingerprint };
  if (inNamespace.length) {
    const why = inNamespace.map((s) => `line ${s.line}: ${outsideValidity(s, time.at)}`).join('; ');
    return { status: 'outside-validity', fingerprint, message: `${identity}'s key ${fingerprint} is not valid then in ${roster} (${why}; compared with ${describeTime(time)})` };
  }
  if (sameKey.length) return { status: 'unknown-key', fingerprint, message: `${identity}'s key ${fingerprint} is not allowed to sign in namespace ${DECISION_NAMESPACE} by ${roster}` };
  const other = trust.signers.find((s) => s.fingerprint === fingerprint);
  if (other) return { status: 'wrong-key', fingerprint, message: `signed with ${printable(other.principal)}'s key ${fingerprint}, not with a key of ${identity}` };
  if (trust.source === 'file' && own.length === 0) return { status: 'unknown-key', fingerprint, message: `signed by ${fingerprint}; ${identity} is not in ${roster} at all: the organisation does not know this signer` };
  return { status: 'unknown-key', fingerprint, message: `signed by ${fingerprint}, a key ${roster} does not list${own.length ? ` for ${identity} (theirs: ${own.map((s) => s.fingerprint).join(', ')})` : ` (no key for ${identity} at all)`}` };
}

/** The time to judge a signer's key at: the verdict's signedAt when it can be read, else now. */
function keyTimeOf(verdictRaw: Buffer | null): KeyTime {
  const signedAt = verdictRaw ? parseVerdict(verdictRaw).verdict?.signedAt : undefined;
  return signedAt ? { at: new Date(signedAt), source: 'verdict' } : { at: new Date(), source: 'now' };
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
    const time = keyTimeOf(verdictRaw);
    const onManifest = checkKey(sig.toString('utf8'), manifestBytes, identity, trust, time);
    if (onManifest.status !== 'valid') {
      checks.push(fail(onManifest.status, `${p.sig}: ${onManifest.message}`, { fingerprint: onManifest.fingerprint }));
      continue;
    }
    const fingerprint = onManifest.fingerprint;
    if (!verdictRaw || !verdictSig) {
      checks.push(fail('no-verdict', `${p.sig} is a good signature over ${MANIFEST}, but ${!verdictRaw ? p.verdict : p.verdictSig} is missing, so it says neither approve nor reject and does not count`, { fingerprint }));
      continue;
    }
    const onVerdict = checkKey(verdictSig.toString('utf8'), verdictRaw, identity, trust, time);
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
      checks.push(fail('bad-verdict', `${p.verdict}: ${printable(problem ?? 'unreadable')}`, { fingerprint }));
      continue;
    }
    const mismatch = verdictMismatch(verdict, { identity, fingerprint, manifestSha256, runId: manifest?.predicate.run.runId ?? null });
    if (mismatch) {
      checks.push(fail('bad-verdict', `${p.verdict}: ${mismatch}`, { fingerprint, decision: verdict.decision, reason: verdict.reason }));
      continue;
    }
    checks.push({ ...base, status: 'valid', message: `good signatures by ${fingerprint} over ${MANIFEST} and the verdict "${verdict.decision}"`, fingerprint, decision: verdict.decision, reason: verdict.reason, signedAt: verdict.signedAt});
  }
  return checks;
}

/** Why a verdict does not belong to this signer, manifest and run, or null. */
export function verdictMismatch(verdict: Verdict, expected: { identity: string; fingerprint: string; manifestSha256: string; runId: string | null }): string | null {
  if (verdict.signer !== expected.identity) return `it names the signer ${printable(verdict.signer)}, not ${expected.identity}`;
  if (verdict.fingerprint !== expected.fingerprint) return `it names the key ${printable(verdict.fingerprint)}, not the signing key ${expected.fingerprint}`;
  if (verdict.manifestSha256 !== expected.manifestSha256) return `it is about the manifest ${verdict.manifestSha256}, not this one (${expected.manifestSha256})`;
  if (expected.runId !== null && verdict.runId !== expected.runId) return `it is about run ${printable(verdict.runId)}, not ${printable(expected.runId)}`;
  return null;
}

export function applyPolicy(manifest: ParsedManifest, checks: SignatureCheck[], problems: PackProblem[]): PolicyResult {
  const { quorum, role, operator, operatorFingerprint } = manifest.predicate.policy;
  const roles = new Map(manifest.predicate.identities.map((i) => [i.name, i.roles]));
  const approvedKeys = new Map<string, string>();
  const rejectedBy: PolicyResult['rejectedBy'] = [];
  const notCounted: PolicyResult['notCounted'] = [];
  const invalid: PolicyResult['invalid'] = [];
  for (const c of checks) {
    if (c.status !== 'valid') {
      invalid.push({ identity: c.identity, status: c.status });
      continue;
    }
    let why: string | null = null;
    if (c.identity === operator || (operatorFingerprint && c.fingerprint === operatorFingerprint)) why = `${c.identity} is the run's operator (${printable(operator)}): a self-approval never counts`;
    else if (!roles.get(c.identity)?.includes(role)) why = `${c.identity} does not have the role "${printable(role)}" in the manifest`;
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
  if (rejectedBy.length) parts.push(`REJECTED by ${rejectedBy.map((r) => `${r.identity} ("${printable(r.reason)}")`).join(', ')}`);
  if (approvedBy.length < quorum) parts.push(`needs ${quorum} approval(s) by distinct "${printable(role)}" identities other than the operator, has ${approvedBy.length}${approvedBy.length ? ` (${approvedBy.join(', ')})` : ''}${notCounted.length ? `; not counted: ${notCounted.map((n) => n.reason).join('; ')}` : ''}${invalid.length ? `; signatures that count for nothing: ${invalid.map((n) => `${n.identity} (${n.status})`).join(', ')}` : ''}`);
  const ok = parts.length === 0;
  const message = ok ? `approved by ${approvedBy.length} of ${quorum} required (${approvedBy.join(', ')}); no rejection` : parts.join('; ');
  if (!ok) problems.push({ area: 'policy', subject: null, message: `policy: ${message}` });
  return { ok, quorum, role, operator, approvedBy, rejectedBy, notCounted, invalid, message };
}
