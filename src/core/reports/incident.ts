// The post-incident report of a run that failed: the timeline, the failing step (command,
// target, exit code, the abort gate that matched, a redacted excerpt of the error and trace),
// what was done to contain it (decisions, rollback steps, snapshot IDs), the classification and
// the follow-ups. Every claim names the evidence it comes from: an artifact with its SHA-256, or
// an event of the vault's hash chain with its hash. Markdown and PDF, from the same model.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allSteps } from '../engine/plan';
import type { RunState } from '../engine/types';
import { compilePattern } from '../runbook/patterns';
import type { Step } from '../runbook/schema';
import { redactText } from '../targets/redact';
import { getSecrets, secretNames, VaultInputError, type Vault, type VaultEvent } from '../vault';
import { scribeTimeline, type Timeline } from './broadcasts';
import { decisionContext, failureSummary, fieldText, scrubAddress, sourceText, templateLabels, type Decision, type DecisionRef } from './decision';
import { abortLabelOf, abortLineOf, abortPatternOf } from './gate-facts';
import { blockReasonText, gateDetailText, gateText } from './gate-words';
import { languageOf, type ModelOptions, type PackArtifact, type PackModel, type PackStep } from './pack-model';
import { decisionKindText, statusText } from './words';
import { translator, type Lang } from '../../shared/i18n';
import { incidentMarkdown, renderIncidentPdf } from './incident-render';

export type IncidentRef =
  | { kind: 'artifact'; name: string; sha256: string | null; size: number | null }
  | { kind: 'event'; seq: number; type: string; hash: string };

export interface Claim {
  text: string;
  refs: IncidentRef[];
}

export interface ExcerptLine {
  /** 1-based line number in the transcript; null for an elision marker. */
  n: number | null;
  text: string;
  /** The line the abort gate matched. */
  mark: boolean;
}

export interface FailingStep {
  stepId: string;
  title: string;
  phase: string;
  kind: string;
  actor: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  status: string;
  target: { name: string; kind: string; address: string } | null;
  command: string | null;
  exitCode: number | null;
  failure: PackStep['failure'];
  summary: string;
  abortGates: { label: string; pattern: string; line: string }[];
  failedExpectations: { gate: string; detail: string }[];
  evidence: IncidentRef | null;
  excerpt: { lines: ExcerptLine[]; totalLines: number; matchedLine: number | null; redactions: number } | null;
  refs: IncidentRef[];
}

export interface IncidentReport {
  runId: string;
  runbook: PackModel['runbook'];
  environment: string;
  operator: string;
  startedAt: string;
  status: string;
  /** The time of the run's last event: the report's date (so the same run gives the same report). */
  asOf: string;
  chainHead: PackModel['chainHead'];
  decision: Decision;
  summary: Claim[];
  classification: { label: string; value: string; source: string; refs: IncidentRef[] }[];
  timeline: Timeline;
  failing: FailingStep | null;
  containment: Claim[];
  followUps: Claim[];
  artifacts: PackArtifact[];
  /** Schema fingerprints and SQL previews stored for this run (`--run`), with their hashes. */
  linkedEvidence: NonNullable<PackModel['linkedEvidence']>;
  /** The language its words are in, when the runbook declares one (absent: English). */
  language?: Lang;
}

const EXCERPT = { before: 15, after: 10, tail: 15, noMatch: 40, maxLine: 400 };

const artifactRef = (s: { name: string; sha256: string | null; size?: number | null }): IncidentRef => ({ kind: 'artifact', name: s.name, sha256: s.sha256, size: s.size ?? null });
const eventRef = (e: VaultEvent): IncidentRef => ({ kind: 'event', seq: e.seq, type: e.type, hash: e.hash });
const stepRefs = (s: PackStep | undefined): IncidentRef[] => (s?.evidence ? [artifactRef(s.evidence)] : []);

/** Reads a transcript line by line (bounded memory) and keeps the lines around the first abort match and its end. */
export function transcriptExcerpt(chunks: Iterable<Buffer>, patterns: { test(text: string): boolean }[], lang: Lang = 'en'): { lines: ExcerptLine[]; totalLines: number; matchedLine: number | null } {
  const tr = translator(lang);
  const decoder = new TextDecoder('utf-8');
  const before: ExcerptLine[] = [];
  const window: ExcerptLine[] = [];
  const tail: ExcerptLine[] = [];
  let matched: number | null = null;
  let afterLeft = 0;
  let n = 0;
  let partial = '';
  const line = (raw: string) => {
    n += 1;
    const text = (raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    const entry: ExcerptLine = { n, text: text.length > EXCERPT.maxLine ? `${text.slice(0, EXCERPT.maxLine)}${tr.t('incident.excerpt.more', { n: text.length - EXCERPT.maxLine })}` : text, mark: false };
    if (matched === null) {
      if (patterns.some((re) => re.test(text))) {
        matched = n;
        entry.mark = true;
        window.push(...before, entry);
        afterLeft = EXCERPT.after;
        return;
      }
      before.push(entry);
      if (before.length > Math.max(EXCERPT.before, EXCERPT.noMatch)) before.shift();
      return;
    }
    if (afterLeft > 0) {
      window.push(entry);
      afterLeft -= 1;
      return;
    }
    tail.push(entry);
    if (tail.length > EXCERPT.tail) tail.shift();
  };
  for (const chunk of chunks) {
    const text = partial + decoder.decode(chunk, { stream: true });
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) line(p);
  }
  const rest = partial + decoder.decode();
  if (rest) line(rest);
  if (matched === null) return { lines: before.slice(-EXCERPT.noMatch), totalLines: n, matchedLine: null };
  const shown = window.slice(-(EXCERPT.before + 1 + EXCERPT.after));
  const lines: ExcerptLine[] = [...shown];
  if (tail.length) {
    const lastShown = shown.at(-1)!.n!;
    if (tail[0]!.n! > lastShown + 1) lines.push({ n: null, text: tr.t('incident.excerpt.omitted', { n: tail[0]!.n! - lastShown - 1 }), mark: false });
    lines.push(...tail);
  }
  return { lines, totalLines: n, matchedLine: matched };
}

function redactExcerpt(lines: ExcerptLine[], secrets: string[]): { lines: ExcerptLine[]; redactions: number } {
  let redactions = 0;
  const out = lines.map((l) => {
    if (l.n === null) return l;
    const text = redactText(l.text, secrets);
    if (text !== l.text) redactions += (text.match(/\[REDACTED\]/g)?.length ?? 0) - (l.text.match(/\[REDACTED\]/g)?.length ?? 0);
    return { ...l, text };
  });
  return { lines: out, redactions };
}

function vaultSecrets(vault: Vault): string[] {
  return Object.values(getSecrets(vault, secretNames(vault)));
}

function runEvents(vault: Vault, runId: string): VaultEvent[] {
  return vault.events().filter((e) => (e.payload as { runId?: string } | null)?.runId === runId);
}

function failingStepOf(model: PackModel): PackStep | undefined {
  const main = model.steps.filter((s) => s.phaseId !== 'rollback');
  if (model.run.blockedBy) {
    const blocked = main.find((s) => s.stepId === model.run.blockedBy!.stepId);
    if (blocked) return blocked;
  }
  return main.filter((s) => s.status === 'FAIL' || s.status === 'INTERRUPTED').sort((a, b) => (a.finishedAt ?? '').localeCompare(b.finishedAt ?? '')).at(-1);
}

function failingDetail(vault: Vault, state: RunState, model: PackModel, step: PackStep, events: VaultEvent[]): FailingStep {
  const def = allSteps(state).find(({ step: s }) => s.id === step.stepId)?.step as Step | undefined;
  const abortDefs = def && 'abort_on' in def ? def.abort_on : [];
  const aborts = step.gates.filter((g) => g.kind === 'abort').map((g) => {
    const pattern = abortPatternOf(g);
    const label = abortLabelOf(g) ?? abortDefs.find((a) => a.pattern === pattern)?.label ?? pattern;
    return { label, pattern, line: abortLineOf(g) };
  });
  const target = step.target ? model.targets.find((t) => t.name === step.target) : undefined;
  const finished = events.filter((e) => (e.type === 'step.finished' || e.type === 'step.interrupted') && (e.payload as { stepId?: string }).stepId === step.stepId).at(-1);
  const blocked = events.filter((e) => e.type === 'run.blocked' && (e.payload as { stepId?: string }).stepId === step.stepId).at(-1);
  let excerpt: FailingStep['excerpt'] = null;
  if (step.evidence) {
    // The abort patterns run in RE2, as the engine ran them: linear time, so a transcript cannot freeze the report.
    const patterns = aborts.flatMap((a) => {
      const declared = abortDefs.find((d) => d.pattern === a.pattern);
      try {
        return [compilePattern(a.pattern, declared?.flags, 'm')];
      } catch {
        return [];
      }
    });
    const raw = transcriptExcerpt(vault.readArtifact(step.evidence.artifactId), patterns, languageOf(model));
    // Transcripts were redacted as they streamed; redact again with every secret the vault knows now.
    const { lines, redactions } = redactExcerpt(raw.lines, vaultSecrets(vault));
    excerpt = { lines, totalLines: raw.totalLines, matchedLine: raw.matchedLine, redactions };
  }
  return {
    stepId: step.stepId,
    title: step.title,
    phase: step.phaseTitle,
    kind: step.kind,
    actor: step.actor,
    startedAt: step.startedAt,
    finishedAt: step.finishedAt,
    status: step.status,
    target: target ? { name: target.name, kind: target.kind, address: scrubAddress(target.address) } : step.target ? { name: step.target, kind: '?', address: '?' } : null,
    command: step.command,
    exitCode: step.exitCode,
    failure: step.failure,
    summary: failureSummary(step, languageOf(model)),
    abortGates: aborts,
    failedExpectations: step.gates.filter((g) => g.kind === 'expect' && !g.passed).map((g) => ({ gate: gateText(languageOf(model), g), detail: gateDetailText(languageOf(model), g) })),
    evidence: step.evidence ? artifactRef(step.evidence) : null,
    excerpt,
    refs: [...(finished ? [eventRef(finished)] : []), ...(blocked ? [eventRef(blocked)] : [])],
  };
}

function refsOf(refs: DecisionRef[], model: PackModel): IncidentRef[] {
  return refs.flatMap((r) => {
    const s = model.steps.find((x) => x.stepId === r.stepId);
    return r.evidence ? [artifactRef({ name: r.evidence, sha256: r.sha256, size: s?.evidence?.size ?? null })] : [];
  });
}

const SNAPSHOT = /snapshot|backup|pitr|restore|dump/i;

/** The steps that hold a backup: those declaring `broadcast: backup` when the runbook declares checkpoints, else guessed from English words. */
function backupSteps(model: PackModel): (s: PackStep, words: string) => boolean {
  const declared = model.steps.some((s) => s.broadcast);
  return declared ? (s) => s.broadcast === 'backup' : (_s, words) => SNAPSHOT.test(words);
}

/** Every string in a value passed through the redactor (hashes and ids are left as they are by it). */
function redactDeep<T>(value: T, secrets: string[]): T {
  if (typeof value === 'string') return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)])) as T;
  return value;
}

/**
 * Builds the incident report of a run from the vault (read-only). Transcripts were redacted as
 * they streamed; the whole report is redacted again with every secret the vault knows now (a
 * secret added after the run is caught here too).
 */
export function buildIncidentReport(vault: Vault, runId: string, options: ModelOptions = {}): IncidentReport {
  const { state, model, decision, operator } = decisionContext(vault, runId, options);
  const tr = translator(languageOf(model));
  const time = (at: string | null | undefined) => tr.time(at);
  const events = runEvents(vault, runId);
  const failingStep = failingStepOf(model);
  const failing = failingStep ? failingDetail(vault, state, model, failingStep, events) : null;
  const main = model.steps.filter((s) => s.phaseId !== 'rollback');
  const rollback = model.steps.filter((s) => s.phaseId === 'rollback');
  const decisionEvents = events.filter((e) => e.type === 'run.decision');
  const blockedEvent = events.filter((e) => e.type === 'run.blocked').at(-1);
  const stepEvent = (s: PackStep) => events.filter((e) => ['step.done', 'step.recorded', 'step.attested', 'step.finished', 'step.skipped'].includes(e.type) && (e.payload as { stepId?: string }).stepId === s.stepId).at(-1);

  // Summary.
  const summary: Claim[] = [];
  if (failing && failingStep) {
    const at = failingStep.finishedAt ?? failingStep.startedAt;
    summary.push({
      text: tr.t(`incident.summary.${model.run.blockedBy ? 'blocked' : 'failed'}.${model.run.environment === 'production' ? 'production' : 'rehearsal'}`, { runId, runbook: model.runbook.id, version: model.runbook.version, step: failing.stepId, title: failing.title, at: time(at), summary: failing.summary }),
      refs: [...(failing.evidence ? [failing.evidence] : []), ...failing.refs],
    });
  } else {
    summary.push({ text: tr.t('incident.summary.noFailure', { runId, runbook: model.runbook.id, version: model.runbook.version, status: model.run.status }), refs: [] });
  }
  summary.push({ text: tr.t('incident.summary.decision', { status: decision.status, goNoGo: decision.goNoGo, statement: decision.statement }), refs: refsOf(decision.sources.status.refs, model) });
  // A production run bound to its rehearsal: where it left the rehearsed path (core/rehearsal/report.ts).
  for (const row of model.rehearsalComparison?.steps.filter((s) => s.verdict === 'differs') ?? []) summary.push({ text: `${tr.t('incident.summary.deviation', { step: row.stepId, runId: String(model.rehearsalComparison!.rehearsal?.runId), what: row.differences.map((x) => x.what).join(', ') })}${row.deviation === 'block' ? tr.t('incident.summary.blocking') : ''}${row.accepted.length ? tr.t('incident.summary.acceptedBy', { names: row.accepted.map((a) => a.signer).join(', ') }) : ''}.`, refs: row.diff ? [artifactRef(row.diff)] : [] });

  // Classification (the formal decision's fields, with where each came from).
  const classification = templateLabels(tr.lang).map(([field, label]) => {
    const src = decision.sources[field];
    const opEvent = src.seq ? vault.events({ afterSeq: src.seq - 1, limit: 1 })[0] : undefined;
    return { label, value: fieldText(decision, field), source: sourceText(src, tr.lang), refs: [...refsOf(src.refs, model), ...(opEvent ? [eventRef(opEvent)] : [])] };
  });
  if (failing?.abortGates.length) classification.splice(5, 0, { label: tr.t('incident.abortGateMatched'), value: failing.abortGates.map((a) => `${a.label} (/${a.pattern}/)`).join('; '), source: `${tr.t('decision.source.run')}: ${failing.stepId}`, refs: failing.evidence ? [failing.evidence] : [] });

  // Containment.
  const containment: Claim[] = [];
  if (blockedEvent) {
    const later = main.filter((s) => s.status === 'pending');
    const blocked = blockedEvent.payload as { stepId: string; reason: string };
    const reason = blockReasonText(tr.lang, blocked.reason, model.steps.find((x) => x.stepId === blocked.stepId)?.gates ?? []);
    containment.push({ text: `${tr.t('incident.contain.blocked', { step: blocked.stepId, reason })} ${later.length ? tr.t('incident.contain.notRunAfter', { steps: later.map((s) => s.stepId).join(', ') }) : ''}`.trim(), refs: [eventRef(blockedEvent)] });
  }
  model.run.decisions.forEach((d, i) => {
    const e = decisionEvents[i];
    containment.push({ text: tr.t('incident.contain.decided', { actor: d.actor, decision: decisionKindText(tr, d.decision), at: time(d.at), reason: d.reason }), refs: e ? [eventRef(e)] : [] });
  });
  for (const s of rollback) {
    if (s.status === 'pending') continue;
    const e = stepEvent(s);
    const values = s.values ? tr.t('incident.contain.recorded', { values: Object.entries(s.values).map(([k, v]) => `${k} = ${v}`).join(', ') }) : '';
    containment.push({ text: `${tr.t('incident.contain.rollbackStep', { step: s.stepId, title: s.title, status: s.status === 'skipped' ? tr.t('result.SKIPPED') : tr.lang === 'en' ? s.status : statusText(tr, s.status), actor: s.actor ?? '?', at: time(s.finishedAt) })}${values}`, refs: [...stepRefs(s), ...(e ? [eventRef(e)] : [])] });
  }
  const rbPending = rollback.filter((s) => s.status === 'pending');
  if (model.run.status === 'ROLLBACK' && rbPending.length) containment.push({ text: tr.t('incident.contain.rollbackPending', { steps: rbPending.map((s) => s.stepId).join(', ') }), refs: [] });
  const holdsBackup = backupSteps(model);
  const snapshots = model.steps.filter((s) => s.kind === 'record' && s.status === 'PASS' && s.values && (holdsBackup(s, s.title) || Object.keys(s.values).some((k) => holdsBackup(s, k))));
  for (const s of snapshots) containment.push({ text: tr.t('incident.contain.snapshot', { step: s.stepId, actor: s.actor ?? '?', at: time(s.finishedAt), values: Object.entries(s.values!).map(([k, v]) => `${k} = ${v}`).join(', ') }), refs: stepRefs(s) });
  const backupAttests = model.steps.filter((s) => s.kind === 'attest' && s.status === 'PASS' && holdsBackup(s, `${s.title} ${s.statement ?? ''}`));
  for (const s of backupAttests) containment.push({ text: tr.t('incident.contain.restorePoint', { statement: s.statement ?? s.title, actor: s.actor ?? '?', at: time(s.finishedAt) }), refs: stepRefs(s) });
  if (!snapshots.length) containment.push({ text: tr.t('incident.contain.noSnapshot'), refs: [] });
  if (!containment.length) containment.push({ text: tr.t('incident.contain.nothing'), refs: [] });

  // Follow-ups.
  const followUps: Claim[] = [];
  if (failing) {
    const what = failing.abortGates.length ? failing.abortGates.map((a) => `${a.label} ("${a.line}")`).join('; ') : failing.summary;
    followUps.push({ text: tr.t('incident.follow.fix', { what, step: failing.stepId }), refs: failing.evidence ? [failing.evidence] : [] });
  }
  if (model.run.status === 'BLOCKED') followUps.push({ text: tr.t('incident.follow.decide', { runId }), refs: blockedEvent ? [eventRef(blockedEvent)] : [] });
  if (model.run.status === 'ROLLBACK' && rbPending.length) followUps.push({ text: tr.t('incident.follow.rollback', { steps: rbPending.map((s) => s.stepId).join(', ') }), refs: [] });
  const verification = main.filter((s) => s.status === 'pending' && (s.kind === 'check' || s.kind === 'monitor' || s.kind === 'http'));
  if (failing && verification.length) {
    const revision = decision.finalRevision ? tr.t('incident.follow.lastRevision', { revision: decision.finalRevision, detail: decision.sources.finalRevision.detail }) : '';
    followUps.push({ text: `${tr.t('incident.follow.establish', { steps: verification.map((s) => s.stepId).join(', ') })}${revision}`, refs: refsOf(decision.sources.finalRevision.refs, model) });
  }
  if (!operator.rootCause && !decision.rootCause) followUps.push({ text: tr.t('incident.follow.rootCause', { runId }), refs: [] });
  if (!operator.riskTier) followUps.push({ text: tr.t('incident.follow.riskTier', { runId }), refs: [] });
  if (decision.authorization !== 'Rejected' && decision.status === 'BLOCKER') followUps.push({ text: tr.t('incident.follow.reject', { runId }), refs: [] });
  const approvalEvents = events.filter((e) => e.type === 'approval.added');
  if (approvalEvents.length) followUps.push({ text: tr.t('incident.follow.newRun', { signers: model.approvals.map((a) => a.signer).join(', ') }), refs: approvalEvents.map(eventRef) });

  const report: IncidentReport = {
    runId,
    runbook: model.runbook,
    environment: model.run.environment,
    operator: model.run.operator,
    startedAt: model.run.startedAt,
    status: model.run.status,
    asOf: model.exportedAt,
    chainHead: model.chainHead,
    decision,
    summary,
    classification,
    timeline: scribeTimeline(model),
    failing,
    containment,
    followUps,
    artifacts: model.artifacts,
    linkedEvidence: model.linkedEvidence ?? [],
    ...(model.runbook.language ? { language: model.runbook.language } : {}),
  };
  return redactDeep(report, vaultSecrets(vault));
}

export { incidentMarkdown, renderIncidentPdf } from './incident-render';

/** Writes incident-<run>.md and incident-<run>.pdf into `dir` (created if missing). */
export async function writeIncidentReport(vault: Vault, runId: string, dir: string, options: { overwrite?: boolean } & ModelOptions = {}): Promise<{ report: IncidentReport; markdown: string; pdf: string }> {
  const report = buildIncidentReport(vault, runId, { language: options.language });
  mkdirSync(dir, { recursive: true });
  const markdown = join(dir, `incident-${runId}.md`);
  const pdf = join(dir, `incident-${runId}.pdf`);
  if (!options.overwrite) for (const path of [markdown, pdf]) if (existsSync(path)) throw new VaultInputError(`${path} already exists; remove it or choose another folder (--force overwrites).`);
  const flag = options.overwrite ? 'w' : 'wx';
  const bytes = await renderIncidentPdf(report);
  writeFileSync(markdown, incidentMarkdown(report), { flag });
  writeFileSync(pdf, bytes, { flag });
  return { report, markdown, pdf };
}
