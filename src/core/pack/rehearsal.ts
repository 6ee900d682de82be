// Binding a production run to its rehearsal (issue 14, first part): the rehearsal's decision
// pack must verify, be a rehearsal of the very same runbook bytes, and have COMPLETED with a GO.
// The binding is its manifest's sha256 (and run id), which the production run's signed start
// act and the plan approvers sign then carry: approving production is approving "what this
// rehearsal did".
import { createHash } from 'node:crypto';
import { PackError, printable } from './errors';
import { MANIFEST, MAX_MANIFEST_BYTES } from './layout';
import { parseManifest } from './manifest';
import { openPack } from './source';
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

export async function bindRehearsal(packPath: string, expected: { runbookHash: string }, options: VerifyPackOptions = {}): Promise<RehearsalBinding> {
  const report = await verifyPack(packPath, options);
  const broken = integrityProblems(report);
  const refuse = (why: string) => new RehearsalRefusedError(`The rehearsal pack ${packPath} cannot bind this production run: ${why} Nothing was started.`);
  if (broken.length) throw refuse(`it does not verify (${broken.slice(0, 3).map((p) => printable(p.message)).join('; ')}${broken.length > 3 ? `; and ${broken.length - 3} more` : ''}). Export it again from the vault that ran the rehearsal.`);
  if (report.verdict === 'FAILED') throw refuse(`\`pack verify\` says FAILED (${printable(report.summary)}).`);
  const source = await openPack(packPath, options.limits);
  let bytes: Buffer;
  try {
    bytes = await source.read(MANIFEST, MAX_MANIFEST_BYTES);
  } finally {
    await source.close();
  }
  const { manifest } = parseManifest(bytes);
  if (!manifest) throw refuse('its manifest.json cannot be read.');
  const predicate = manifest.predicate as typeof manifest.predicate & { decision?: { goNoGo?: unknown } | null };
  if (predicate.environment !== 'rehearsal') throw refuse(`it is a ${printable(String(predicate.environment))} pack, not a rehearsal's.`);
  if (predicate.runbook.hash !== expected.runbookHash) throw refuse(`it rehearsed other runbook bytes (sha256 ${predicate.runbook.hash}, v${printable(String(predicate.runbook.version))}), not this runbook's (sha256 ${expected.runbookHash}). Rehearse this exact runbook first.`);
  if (predicate.run.status !== 'COMPLETED') throw refuse(`the rehearsal did not complete (its run is ${printable(String(predicate.run.status))}).`);
  if (predicate.decision?.goNoGo !== 'GO') throw refuse(`the rehearsal's decision is ${printable(String(predicate.decision?.goNoGo ?? 'not recorded'))}, not GO.`);
  return { manifestSha256: createHash('sha256').update(bytes).digest('hex'), runId: predicate.run.runId };
}
