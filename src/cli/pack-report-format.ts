// `pack verify` for people, in the pack's language (its runbook's `language:`, else --lang /
// CUTOVER_LANG, else English). Every line is printed with control characters escaped: names,
// SHA256SUMS lines, reasons and identities come from the pack, and a raw ESC could repaint the
// verdict on a terminal. The frame, the verdict, the policy and the problems the checks name
// (where they are the checks' own sentences: core/pack/problem-words.ts) are in the language.
import type { PackVerifyReport } from '../core/pack';
import { printable } from '../core/pack/errors';
import { fileProblemText, packNoteText, packProblemText } from '../core/pack/problem-words';
import { policyText, summaryText } from '../core/pack/verdict-words';
import { translator, type Lang, type Translator } from '../shared/i18n';

function signatureLine(tr: Translator, s: PackVerifyReport['signatures'][number]): string {
  const what = s.status === 'valid' ? `${s.decision?.toUpperCase()}${s.reason ? ` "${s.reason}"` : ''}` : `FAIL ${s.status}: ${fileProblemText(tr.lang, s.message)}`;
  const counted = s.status !== 'valid' ? '' : s.counts ? '' : tr.t('cli.pack.notCounted', { why: packNoteText(tr.lang, s.notCounted ?? '') });
  return `    ${s.identity.padEnd(16)} ${s.fingerprint ?? tr.t('cli.pack.keyUnknown')}  ${what}${counted}`;
}

/** The chain, plan approvals and acts the pack carries, a line each, and any note about them. */
function contentsLines(tr: Translator, c: NonNullable<PackVerifyReport['contents']>): string[] {
  const good = (list: { status: string }[]) => tr.t('cli.pack.good', { good: list.filter((x) => x.status !== 'failed').length, of: list.length });
  const lines: string[] = [];
  if (c.chain) lines.push(tr.t('cli.pack.chain', { path: c.chain.path, events: c.chain.events, seq: c.chain.headSeq, result: c.chain.ok ? tr.t('cli.pack.chainOk') : tr.t('cli.pack.chainBroken') }));
  if (c.chain || c.plans.length) lines.push(tr.t('cli.pack.plan', { n: c.plans.length, approvals: good(c.plans.flatMap((p) => p.approvals)) }));
  if (c.chain || c.acts.length) lines.push(tr.t('cli.pack.acts', { acts: good(c.acts) }));
  for (const note of c.notes) lines.push(tr.t('cli.pack.note', { note: packNoteText(tr.lang, note) }));
  return lines;
}

export function formatPackReport(r: PackVerifyReport, lang: Lang = 'en'): string {
  const tr = translator(lang);
  const lines = [`${tr.t('cli.pack.head', { pack: r.pack })}${r.kind ? ` (${r.kind})` : ''}: ${summaryText(tr, r)}`];
  if (r.runId) lines.push(tr.t('cli.pack.run', { runId: r.runId, sha256: r.manifestSha256 ?? '' }));
  const bad = r.files.filter((f) => f.status !== 'ok');
  if (r.files.length) {
    lines.push(tr.t('cli.pack.files', { n: r.files.length, result: bad.length ? tr.t('cli.pack.filesFailed', { n: bad.length }) : tr.t('cli.pack.filesMatch') }));
    for (const f of bad) lines.push(`    FAIL ${f.status.padEnd(10)} ${f.path}: ${fileProblemText(lang, f.message)}`);
  }
  if (r.contents) lines.push(...contentsLines(tr, r.contents));
  lines.push(tr.t('cli.pack.signatures', { note: tr.lang === 'en' ? r.trust.note : r.trust.source === 'pack' ? tr.t('cli.pack.trustPack') : tr.t('cli.pack.trustRoster', { path: r.trust.path }) }));
  if (r.signatures.length === 0) lines.push(tr.t('cli.pack.noneYet'));
  for (const s of r.signatures) lines.push(signatureLine(tr, s));
  if (r.policy) lines.push(tr.t('cli.pack.policy', { result: r.policy.ok ? tr.t('cli.pack.met') : tr.t('cli.pack.notMet'), message: policyText(tr, r.policy) }));
  if (r.trust.packSignersNotInRoster.length) lines.push(tr.t('cli.pack.notInRoster', { path: r.trust.path, list: r.trust.packSignersNotInRoster.map((p) => `${p.principal} ${p.fingerprint}`).join(', ') }));
  for (const skipped of r.trust.skipped) lines.push(tr.t('cli.pack.rosterLine', { line: skipped }));
  const other = r.problems.filter((p) => p.area !== 'file' && p.area !== 'signature' && p.area !== 'policy' && !bad.some((f) => f.path === p.subject));
  for (const p of other) lines.push(`  FAIL ${p.area}: ${packProblemText(lang, p.message)}`);
  return lines.map(printable).join('\n');
}
