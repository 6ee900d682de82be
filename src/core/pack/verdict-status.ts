// The one word a verification ends in, and the sentence that says what it proves. A pack as
// exported is not "FAILED": it awaits signatures. A pack checked only against its own
// allowed_signers is never a bare "OK": anyone who rewrites a pack can rewrite that file too,
// so it proves the pack is intact and self-consistent, not who signed it.
import { ALLOWED_SIGNERS } from './layout';
import type { PackProblem, PackTrust, PackVerdict, PolicyResult, ProblemArea, SignatureCheck } from './report';

/** Exit codes of `cutover pack verify`, one per verdict (2 is bad input: nothing was verified). */
export const VERDICT_EXIT_CODES: Readonly<Record<PackVerdict, 0 | 1 | 3>> = {
  VERIFIED: 0,
  'AWAITING SIGNATURES': 3,
  FAILED: 1,
};

/** Problems that make a pack FAILED whatever its signatures say: the bytes, a signature, the roster. */
const FAILING_AREAS: ReadonlySet<ProblemArea> = new Set(['zip', 'manifest', 'file', 'sums', 'chain', 'plan', 'act', 'signature', 'trust']);

export function packVerdict(problems: PackProblem[], signatures: SignatureCheck[], policy: PolicyResult | null): PackVerdict {
  if (!policy || problems.some((p) => FAILING_AREAS.has(p.area))) return 'FAILED';
  if (signatures.some((s) => s.status !== 'valid')) return 'FAILED';
  if (policy.rejectedBy.length) return 'FAILED';
  return policy.ok ? 'VERIFIED' : 'AWAITING SIGNATURES';
}

const names = (list: string[]) => (list.length ? list.join(', ') : 'nobody yet');

/** One sentence: the verdict, what it rests on, and what to do next when there is something to do. */
export function verdictSummary(verdict: PackVerdict, trust: PackTrust, signatures: SignatureCheck[], policy: PolicyResult | null, problems: PackProblem[]): string {
  const claimed = `claimed signers: ${names(signatures.filter((s) => s.status === 'valid').map((s) => s.identity))}`;
  const notProven = `that file came with the pack, so it does not prove who signed: verify with --allowed-signers ORG_FILE, your organisation's roster`;
  const basis = trust.source === 'pack' ? `checked against the pack's own ${ALLOWED_SIGNERS} only (${claimed}); ${notProven}` : `signers checked against your roster ${trust.path}`;
  const policyWords = policy?.message ?? 'no policy could be read';
  if (verdict === 'VERIFIED') {
    return trust.source === 'pack'
      ? `VERIFIED against the pack's own ${ALLOWED_SIGNERS} only (${claimed}): intact and self-consistent, and the policy is met (${policyWords}); ${notProven}`
      : `VERIFIED: intact; ${policyWords}; every counted key is in your roster ${trust.path}`;
  }
  if (verdict === 'AWAITING SIGNATURES') return `AWAITING SIGNATURES: intact, no broken or rejected signature, the policy is not met yet (${policyWords}); ${basis}`;
  const counted = problems.filter((p) => p.area !== 'policy').length;
  const why = [counted ? `${counted} problem(s)` : '', policy?.rejectedBy.length ? `REJECTED by ${policy.rejectedBy.map((r) => r.identity).join(', ')}` : ''].filter(Boolean);
  return `FAILED: ${why.join('; ')}; ${basis}`;
}
