// A pack's verification in words, in a language: the verdict's sentence and the policy's, and
// the language a pack is written in (its runbook's `language:`). Shared by `cutover pack verify`
// (src/cli/pack-report-format.ts) and the window's Decision screen (src/main/evidence.ts), so the
// two say the same. English keeps the checks' own sentences (the --json report's words).
import { isLang, type Lang, type Translator } from '../../shared/i18n';
import { MANIFEST, MAX_MANIFEST_BYTES } from './layout';
import { parseManifest } from './manifest';
import { openPack } from './source';
import type { PackVerifyReport } from './verify';

/** The language the pack's runbook names (`language:`), if its manifest can be read and names one. */
export async function packLanguage(pack: string): Promise<Lang | undefined> {
  try {
    const source = await openPack(pack);
    try {
      if (!source.has(MANIFEST)) return undefined;
      const language = parseManifest(await source.read(MANIFEST, MAX_MANIFEST_BYTES)).manifest?.predicate.runbook.language;
      return isLang(language) ? language : undefined;
    } finally {
      await source.close();
    }
  } catch {
    // verifyPack names what is wrong with a pack that cannot be read; the language is only how it says so.
    return undefined;
  }
}

const names = (tr: Translator, list: string[]) => (list.length ? list.join(', ') : tr.t('cli.pack.nobodyYet'));

/** The policy in words, from its result (English keeps the checks' own sentence). */
export function policyText(tr: Translator, p: NonNullable<PackVerifyReport['policy']>): string {
  if (tr.lang === 'en') return p.message;
  if (p.ok) return tr.t('cli.pack.policy.approved', { n: p.approvedBy.length, quorum: p.quorum, names: p.approvedBy.join(', ') });
  const parts: string[] = [];
  if (p.rejectedBy.length) parts.push(tr.t('cli.pack.policy.rejected', { list: p.rejectedBy.map((r) => `${r.identity} ("${r.reason}")`).join(', ') }));
  if (p.approvedBy.length < p.quorum) parts.push(tr.t('cli.pack.policy.needs', { quorum: p.quorum, role: p.role, n: p.approvedBy.length, names: p.approvedBy.length ? ` (${p.approvedBy.join(', ')})` : '' }));
  return parts.join('; ');
}

/** The verdict in one sentence (English keeps the report's own). */
export function summaryText(tr: Translator, r: PackVerifyReport): string {
  if (tr.lang === 'en') return r.summary;
  const claimed = tr.t('cli.pack.claimed', { names: names(tr, r.signatures.filter((s) => s.status === 'valid').map((s) => s.identity)) });
  const basis = r.trust.source === 'pack' ? tr.t('cli.pack.basisPack', { claimed }) : tr.t('cli.pack.basisRoster', { path: r.trust.path });
  const policy = r.policy ? policyText(tr, r.policy) : tr.t('cli.pack.noPolicy');
  if (r.verdict === 'VERIFIED') return r.trust.source === 'pack' ? tr.t('cli.pack.verifiedPack', { claimed, policy }) : tr.t('cli.pack.verified', { policy, path: r.trust.path });
  if (r.verdict === 'AWAITING SIGNATURES') return tr.t('cli.pack.awaiting', { policy, basis });
  const counted = r.problems.filter((p) => p.area !== 'policy').length;
  const why = [counted ? tr.t('cli.pack.problems', { n: counted }) : '', r.policy?.rejectedBy.length ? tr.t('cli.pack.rejectedBy', { names: r.policy.rejectedBy.map((x) => x.identity).join(', ') }) : ''].filter(Boolean);
  return tr.t('cli.pack.failed', { why: why.join('; '), basis });
}
