// Binding a production run to its rehearsal (issue 14, first part): the rehearsal's decision
// pack must verify, be a rehearsal of the very same runbook bytes, and have COMPLETED with a GO.
// The binding is its manifest's sha256 (and run id), which the production run's signed start
// act and the plan approvers sign then carry: approving production is approving "what this
// rehearsal did".
import { createHash } from 'node:crypto';
import { translator, type Lang } from '../../shared/i18n';
import { PackError, printable } from './errors';
import { MANIFEST, MAX_MANIFEST_BYTES } from './layout';
import { parseManifest } from './manifest';
import { packProblemText } from './problem-words';
import { openPack } from './source';
import { summaryText } from './verdict-words';
import { integrityProblems, verifyPack, type VerifyPackOptions } from './verify';

/** A rehearsal pack that cannot bind a production run: what is wrong is in the message. */
export class RehearsalRefusedError extends PackError {
  override readonly code = 'REHEARSAL_REFUSED';
}

export interface RehearsalBinding {
  /** sha256 of the rehearsal pack's manifest.json: what the production run is bound to. */
  manifestSha256: string;
  /** The rehearsal's run id. */
  runId: string;
}

/** Binds a production run to its rehearsal's pack; a refusal is worded in `options.lang` (English by default). */
export async function bindRehearsal(packPath: string, expected: { runbookHash: string }, options: VerifyPackOptions & { lang?: Lang } = {}): Promise<RehearsalBinding> {
  const tr = translator(options.lang ?? 'en');
  const report = await verifyPack(packPath, options);
  const broken = integrityProblems(report);
  const refuse = (why: string) => new RehearsalRefusedError(tr.t('pack.rehearsal.refused', { path: packPath, why }));
  if (broken.length) {
    const problems = broken.slice(0, 3).map((p) => printable(packProblemText(tr.lang, p.message))).join('; ');
    throw refuse(tr.t('pack.rehearsal.notVerify', { problems, more: broken.length > 3 ? tr.t('pack.rehearsal.more', { n: broken.length - 3 }) : '' }));
  }
  if (report.verdict === 'FAILED') throw refuse(tr.t('pack.rehearsal.failed', { summary: printable(summaryText(tr, report)) }));
  const source = await openPack(packPath, options.limits);
  let bytes: Buffer;
  try {
    bytes = await source.read(MANIFEST, MAX_MANIFEST_BYTES);
  } finally {
    await source.close();
  }
  const { manifest } = parseManifest(bytes);
  if (!manifest) throw refuse(tr.t('pack.rehearsal.noManifest'));
  const predicate = manifest.predicate as typeof manifest.predicate & { decision?: { goNoGo?: unknown } | null };
  if (predicate.environment !== 'rehearsal') throw refuse(tr.t('pack.rehearsal.notRehearsal', { environment: printable(String(predicate.environment)) }));
  if (predicate.runbook.hash !== expected.runbookHash) throw refuse(tr.t('pack.rehearsal.otherRunbook', { hash: predicate.runbook.hash, version: printable(String(predicate.runbook.version)), expected: expected.runbookHash }));
  if (predicate.run.status !== 'COMPLETED') throw refuse(tr.t('pack.rehearsal.notCompleted', { status: printable(String(predicate.run.status)) }));
  if (predicate.decision?.goNoGo !== 'GO') throw refuse(tr.t('pack.rehearsal.notGo', { decision: printable(String(predicate.decision?.goNoGo ?? tr.t('pack.rehearsal.notRecorded'))) }));
  return { manifestSha256: createHash('sha256').update(bytes).digest('hex'), runId: predicate.run.runId };
}
