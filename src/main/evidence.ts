// After the window: the formal decision (derived from the run, completed by people), the
// scribe's timeline and the broadcasts to paste, the signed decision pack and its verification,
// and the incident report of a run that did not pass.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { actBytes } from '../core/acts';
import { join } from 'node:path';
import { broadcasts, scribeTimeline } from '../core/reports/broadcasts';
import { decisionAct, decisionContext, formatDecision, recordDecision, recordDecisionHere, sourceText, fieldText, templateLabels, type DecisionInput } from '../core/reports/decision';
import { buildIncidentReport, incidentMarkdown, writeIncidentReport } from '../core/reports/incident';
import { buildPack, importSignature, integrityProblems, PackError, PackInputError, signPack, verifyPack } from '../core/pack';
import type { Vault } from '../core/vault';
import { translator, type Lang } from '../shared/i18n';
import { fileProblemText, packProblemText } from '../core/pack/problem-words';
import { packLanguage, policyText, summaryText } from '../core/pack/verdict-words';
import type { ActExportView } from '../shared/views';
import type { SessionKeys } from './keys';
import { actExportView } from './runs';
import { english, isWorded, worded } from './worded';
import type { DecisionView, IncidentView, PackExportView, PackSignatureImportView, PackSignView, PackVerifyView } from '../shared/views-evidence';

/** The decision as the window shows it: in the run's language (its runbook's `language:`), else the window's. */
export function decisionView(vault: Vault, runId: string, language?: Lang): DecisionView {
  const { model, decision } = decisionContext(vault, runId, { language });
  const timeline = scribeTimeline(model);
  return {
    runId,
    template: decision.template,
    status: decision.status,
    goNoGo: decision.goNoGo,
    authorization: decision.authorization,
    statement: decision.statement,
    // In the run's language (its runbook's `language:`), like the values and the PDF.
    fields: templateLabels(decision.language).map(([field, label]) => {
      const source = decision.sources[field];
      return {
        field,
        label,
        value: fieldText(decision, field),
        from: source.from,
        detail: sourceText(source, decision.language),
        evidence: source.refs.flatMap((r) => (r.evidence ? [r.evidence] : [])),
      };
    }),
    text: formatDecision(decision, { sources: true }),
    t0: timeline.t0,
    timeline: timeline.entries.map((e) => ({ t: e.t, at: e.at, stepId: e.stepId, title: e.title, result: e.result, actor: e.actor, evidence: e.evidence?.name ?? null })),
    broadcasts: broadcasts(model, decision).map((b) => ({ kind: b.kind, t: b.t, at: b.at, text: b.text })),
    requiredEvidence: (model.requiredEvidence ?? []).map((r) => ({
      name: r.name,
      status: r.status,
      sha256: r.artifact?.sha256 ?? null,
      size: r.artifact?.size ?? null,
      stepId: r.step?.stepId ?? r.artifact?.stepId ?? null,
      stepStatus: r.step?.status ?? null,
      reason: r.reason,
    })),
    abortGates: model.steps.flatMap((s) =>
      (s.declaredGates ?? []).flatMap((g) =>
        g.kind === 'abort' && (g.outcome === 'matched' || g.outcome === 'clear' || g.outcome === 'not-run' || g.outcome === 'not-judged')
          ? [{ phaseId: s.phaseId, phaseTitle: s.phaseTitle, stepId: s.stepId, gate: g.gate, label: g.label, pattern: g.pattern, onMatch: g.onMatch, outcome: g.outcome, detail: g.detail }]
          : [],
      ),
    ),
  };
}

/** Records `actor`'s part of the decision, signed here with their key from the session's keyring. */
export async function recordDecisionInput(vault: Vault, runId: string, actor: string, input: DecisionInput, keys: SessionKeys, language?: Lang): Promise<DecisionView> {
  keys.signerOf(vault, actor);
  await recordDecisionHere(vault, runId, actor, input, keys.keyringFor(vault));
  return decisionView(vault, runId, language);
}

/** Writes `by`'s part of the decision as an act file they sign on their own machine. */
export function exportDecisionAct(vault: Vault, runId: string, by: string, input: DecisionInput, path: string): ActExportView {
  const doc = decisionAct(vault, runId, by, input);
  const bytes = actBytes(doc);
  writeFileSync(path, bytes, { mode: 0o644 });
  return actExportView(path, bytes, doc.by);
}

/** Records a decision act signed elsewhere (checked like one signed here). */
export function importDecisionAct(vault: Vault, runId: string, actPath: string, signaturePath: string, language?: Lang): DecisionView {
  recordDecision(vault, runId, { text: readFileSync(actPath, 'utf8'), signature: readFileSync(signaturePath, 'utf8') });
  return decisionView(vault, runId, language);
}

export async function exportPack(vault: Vault, runId: string, outDir: string): Promise<PackExportView> {
  const built = await buildPack(vault, runId, { outDir });
  const pdf = join(built.folder, 'decision.pdf');
  return {
    name: built.name,
    folder: built.folder,
    zip: built.zip,
    zipSha256: built.zipSha256,
    zipBytes: built.zipBytes,
    manifestSha256: built.manifestSha256,
    files: built.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
    pdf: existsSync(pdf) ? pdf : null,
  };
}

/** A pack's verification as the window shows it: in the pack's language (its runbook's `language:`), else the window's. */
export async function verifyPackAt(path: string, language: Lang = 'en'): Promise<PackVerifyView> {
  let report;
  try {
    report = await verifyPack(path);
  } catch (error) {
    throw packReadError(error, path);
  }
  const tr = translator((await packLanguage(path)) ?? language);
  return {
    ok: report.ok,
    verdict: report.verdict,
    summary: summaryText(tr, report),
    intact: integrityProblems(report).length === 0,
    pack: report.pack,
    kind: report.kind,
    manifestSha256: report.manifestSha256,
    files: { total: report.files.length, ok: report.files.filter((f) => f.status === 'ok').length },
    signatures: report.signatures.map((s) => ({ identity: s.identity, status: s.status, decision: s.decision, counts: s.counts, message: fileProblemText(tr.lang, s.message) })),
    policy: report.policy ? { ok: report.policy.ok, quorum: report.policy.quorum, approvedBy: report.policy.approvedBy, message: policyText(tr, report.policy) } : null,
    problems: report.problems.map((p) => ({ area: p.area, subject: p.subject, message: packProblemText(tr.lang, p.message) })),
  };
}

/** Signs a pack as `identity`, with their key from this session's keyring. */
export async function signPackAs(vault: Vault, input: { path: string; identity: string; decision: 'approve' | 'reject'; reason?: string }, keys: SessionKeys): Promise<PackSignView> {
  const signer = keys.signerOf(vault, input.identity);
  const signed = await signPack(input.path, { identity: input.identity, signer, decision: input.decision, reason: input.reason ?? null });
  return { identity: signed.identity, fingerprint: signed.fingerprint, decision: signed.decision, warnings: signed.warnings };
}

/**
 * A file-system failure reading the returned pack (permissions, a vanished file, a folder that
 * cannot be listed) said as a pack problem: what is wrong with which path, and what to do.
 * Errors the pack code raises (PackError and its kinds) already say that, and keep their code.
 */
function packReadError(error: unknown, path: string): unknown {
  // Core's "No pack at …": main sees the path is not there and words it for the window.
  if (error instanceof PackError && !existsSync(path) && !isWorded(error)) return worded(error, 'main.pack.notFound', { path });
  if (error instanceof PackError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return worded(new PackInputError(english('main.pack.unreadable', { path, code }), { cause: error }), 'main.pack.unreadable', { path, code });
  }
  return error;
}

/**
 * Imports `identity`'s signature and verdict from a pack signed elsewhere. Every check (the
 * manifest is one this vault exported for the run, both signatures are by the vault's key for
 * the identity, the verdict matches) runs before anything is appended; a failure records nothing.
 */
export async function importPackSignature(vault: Vault, input: { runId: string; path: string; identity: string }): Promise<PackSignatureImportView> {
  let imported;
  try {
    imported = await importSignature(vault, input.runId, input.path, input.identity);
  } catch (error) {
    throw packReadError(error, input.path);
  }
  return {
    identity: imported.identity,
    fingerprint: imported.fingerprint,
    decision: imported.decision,
    reason: imported.reason,
    manifestSha256: imported.manifestSha256,
    alreadyImported: imported.alreadyImported,
    seq: imported.event.seq,
  };
}

/** The incident report in the run's language, else the window's (`language`). */
export function incidentView(vault: Vault, runId: string, language?: Lang): IncidentView {
  return { runId, markdown: incidentMarkdown(buildIncidentReport(vault, runId, { language })) };
}

export async function saveIncident(vault: Vault, runId: string, dir: string, language?: Lang): Promise<{ markdown: string; pdf: string }> {
  const written = await writeIncidentReport(vault, runId, dir, { language });
  return { markdown: written.markdown, pdf: written.pdf };
}
