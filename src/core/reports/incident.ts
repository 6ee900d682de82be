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
import { decisionContext, failureSummary, fieldText, scrubAddress, sourceText, TEMPLATE_LABELS, type Decision, type DecisionRef } from './decision';
import { abortLabelOf, abortLineOf, abortPatternOf } from './gate-facts';
import type { PackArtifact, PackModel, PackStep } from './pack-model';
import { COLOR, FONT, PdfLayout, sizeText, timeText, type Cell } from './pdf-layout';
import { environmentMarks } from './pdf';

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
}

const EXCERPT = { before: 15, after: 10, tail: 15, noMatch: 40, maxLine: 400 };

const artifactRef = (s: { name: string; sha256: string | null; size?: number | null }): IncidentRef => ({ kind: 'artifact', name: s.name, sha256: s.sha256, size: s.size ?? null });
const eventRef = (e: VaultEvent): IncidentRef => ({ kind: 'event', seq: e.seq, type: e.type, hash: e.hash });
const stepRefs = (s: PackStep | undefined): IncidentRef[] => (s?.evidence ? [artifactRef(s.evidence)] : []);

/** Reads a transcript line by line (bounded memory) and keeps the lines around the first abort match and its end. */
export function transcriptExcerpt(chunks: Iterable<Buffer>, patterns: { test(text: string): boolean }[]): { lines: ExcerptLine[]; totalLines: number; matchedLine: number | null } {
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
    const entry: ExcerptLine = { n, text: text.length > EXCERPT.maxLine ? `${text.slice(0, EXCERPT.maxLine)} … [${text.length - EXCERPT.maxLine} more characters]` : text, mark: false };
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
    if (tail[0]!.n! > lastShown + 1) lines.push({ n: null, text: `… ${tail[0]!.n! - lastShown - 1} line(s) omitted …`, mark: false });
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
    const raw = transcriptExcerpt(vault.readArtifact(step.evidence.artifactId), patterns);
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
    summary: failureSummary(step),
    abortGates: aborts,
    failedExpectations: step.gates.filter((g) => g.kind === 'expect' && !g.passed).map((g) => ({ gate: g.gate, detail: g.detail })),
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
export function buildIncidentReport(vault: Vault, runId: string): IncidentReport {
  const { state, model, decision, operator } = decisionContext(vault, runId);
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
      text: `${model.run.environment === 'production' ? 'Production' : 'Rehearsal'} run ${runId} of ${model.runbook.id} v${model.runbook.version} ${model.run.blockedBy ? 'was BLOCKED' : 'failed'} at step ${failing.stepId} (${failing.title}) at ${timeText(at)}: ${failing.summary}.`,
      refs: [...(failing.evidence ? [failing.evidence] : []), ...failing.refs],
    });
  } else {
    summary.push({ text: `Run ${runId} of ${model.runbook.id} v${model.runbook.version} has no failing step (status ${model.run.status}).`, refs: [] });
  }
  summary.push({ text: `Decision: status ${decision.status}, ${decision.goNoGo}. ${decision.statement}`, refs: refsOf(decision.sources.status.refs, model) });
  // A production run bound to its rehearsal: where it left the rehearsed path (core/rehearsal/report.ts).
  for (const row of model.rehearsalComparison?.steps.filter((s) => s.verdict === 'differs') ?? []) summary.push({ text: `Production left the rehearsed path at ${row.stepId} (rehearsal run ${model.rehearsalComparison!.rehearsal?.runId}): ${row.differences.map((x) => x.what).join(', ')} differ${row.deviation === 'block' ? '; a blocking deviation' : ''}${row.accepted.length ? `, accepted by ${row.accepted.map((a) => a.signer).join(', ')}` : ''}.`, refs: row.diff ? [artifactRef(row.diff)] : [] });

  // Classification (the formal decision's fields, with where each came from).
  const classification = TEMPLATE_LABELS.map(([field, label]) => {
    const src = decision.sources[field];
    const opEvent = src.seq ? vault.events({ afterSeq: src.seq - 1, limit: 1 })[0] : undefined;
    return { label, value: fieldText(decision, field), source: sourceText(src), refs: [...refsOf(src.refs, model), ...(opEvent ? [eventRef(opEvent)] : [])] };
  });
  if (failing?.abortGates.length) classification.splice(5, 0, { label: 'Abort gate matched', value: failing.abortGates.map((a) => `${a.label} (/${a.pattern}/)`).join('; '), source: `run: ${failing.stepId}`, refs: failing.evidence ? [failing.evidence] : [] });

  // Containment.
  const containment: Claim[] = [];
  if (blockedEvent) {
    const later = main.filter((s) => s.status === 'pending');
    containment.push({ text: `The engine blocked the run at ${(blockedEvent.payload as { stepId: string }).stepId} (${(blockedEvent.payload as { reason: string }).reason}); no mutating step runs on a blocked run until a person decides. ${later.length ? `Not run after the block: ${later.map((s) => s.stepId).join(', ')}.` : ''}`.trim(), refs: [eventRef(blockedEvent)] });
  }
  model.run.decisions.forEach((d, i) => {
    const e = decisionEvents[i];
    containment.push({ text: `${d.actor} decided "${d.decision}" at ${timeText(d.at)}. Reason: ${d.reason}.`, refs: e ? [eventRef(e)] : [] });
  });
  for (const s of rollback) {
    if (s.status === 'pending') continue;
    const e = stepEvent(s);
    const values = s.values ? ` Recorded: ${Object.entries(s.values).map(([k, v]) => `${k} = ${v}`).join(', ')}.` : '';
    containment.push({ text: `Rollback step ${s.stepId} (${s.title}): ${s.status === 'skipped' ? 'SKIPPED' : s.status} by ${s.actor ?? '?'} at ${timeText(s.finishedAt)}.${values}`, refs: [...stepRefs(s), ...(e ? [eventRef(e)] : [])] });
  }
  const rbPending = rollback.filter((s) => s.status === 'pending');
  if (model.run.status === 'ROLLBACK' && rbPending.length) containment.push({ text: `Rollback steps not done yet: ${rbPending.map((s) => s.stepId).join(', ')}.`, refs: [] });
  const snapshots = model.steps.filter((s) => s.kind === 'record' && s.status === 'PASS' && s.values && (SNAPSHOT.test(s.title) || Object.keys(s.values).some((k) => SNAPSHOT.test(k))));
  for (const s of snapshots) containment.push({ text: `Snapshot / backup recorded in ${s.stepId} by ${s.actor ?? '?'} at ${timeText(s.finishedAt)}: ${Object.entries(s.values!).map(([k, v]) => `${k} = ${v}`).join(', ')}.`, refs: stepRefs(s) });
  const backupAttests = model.steps.filter((s) => s.kind === 'attest' && s.status === 'PASS' && SNAPSHOT.test(`${s.title} ${s.statement ?? ''}`));
  for (const s of backupAttests) containment.push({ text: `Restore point: "${s.statement ?? s.title}" attested by ${s.actor ?? '?'} at ${timeText(s.finishedAt)}.`, refs: stepRefs(s) });
  if (!snapshots.length) containment.push({ text: 'No snapshot ID was recorded by a record step in this run.', refs: [] });
  if (!containment.length) containment.push({ text: 'Nothing was recorded to contain the failure.', refs: [] });

  // Follow-ups.
  const followUps: Claim[] = [];
  if (failing) {
    const what = failing.abortGates.length ? failing.abortGates.map((a) => `${a.label} ("${a.line}")`).join('; ') : failing.summary;
    followUps.push({ text: `Find and fix the cause of ${what} in ${failing.stepId} before any new attempt. Any deviation from the approved transcript requires explicit re-approval.`, refs: failing.evidence ? [failing.evidence] : [] });
  }
  if (model.run.status === 'BLOCKED') followUps.push({ text: `Record a decision on the blocked run: rollback or stop (\`cutover run decide ${runId} --decision rollback|stop --reason …\`).`, refs: blockedEvent ? [eventRef(blockedEvent)] : [] });
  if (model.run.status === 'ROLLBACK' && rbPending.length) followUps.push({ text: `Complete the rollback path: ${rbPending.map((s) => s.stepId).join(', ')}.`, refs: [] });
  const verification = main.filter((s) => s.status === 'pending' && (s.kind === 'check' || s.kind === 'monitor' || s.kind === 'http'));
  if (failing && verification.length) {
    const revision = decision.finalRevision ? ` The last observed revision is ${decision.finalRevision} (${decision.sources.finalRevision.detail}).` : '';
    followUps.push({ text: `Establish the target's state after the failure: the read-only checks ${verification.map((s) => s.stepId).join(', ')} did not run.${revision}`, refs: refsOf(decision.sources.finalRevision.refs, model) });
  }
  if (!operator.rootCause && !decision.rootCause) followUps.push({ text: `Record the root-cause classification (\`cutover run decision ${runId} --root-cause …\`).`, refs: [] });
  if (!operator.riskTier) followUps.push({ text: `Record the updated risk tier (\`cutover run decision ${runId} --risk-tier …\`).`, refs: [] });
  if (decision.authorization !== 'Rejected' && decision.status === 'BLOCKER') followUps.push({ text: `Governance: record the production cutover authorization for this run as Rejected (\`cutover run decision ${runId} --authorization Rejected --actor APPROVER\`) and sign the decision pack.`, refs: [] });
  const approvalEvents = events.filter((e) => e.type === 'approval.added');
  if (approvalEvents.length) followUps.push({ text: `A new attempt is a new run with a new plan: its approvals (${model.approvals.map((a) => a.signer).join(', ')}) cover this run's plan only.`, refs: approvalEvents.map(eventRef) });

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
  };
  return redactDeep(report, vaultSecrets(vault));
}

// ---- Markdown -------------------------------------------------------------------------------

function refText(r: IncidentRef): string {
  return r.kind === 'artifact' ? `evidence/${r.name} sha256 ${r.sha256 ?? '(incomplete)'}` : `vault event #${r.seq} ${r.type} ${r.hash}`;
}

const mdCell = (t: string) => t.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
const mdRefs = (refs: IncidentRef[]) => (refs.length ? ` _[${refs.map(refText).map((t) => `\`${t}\``).join('; ')}]_` : '');

function fence(lines: string[]): string {
  let ticks = '```';
  while (lines.some((l) => l.includes(ticks))) ticks += '`';
  return `${ticks}text\n${lines.join('\n')}\n${ticks}`;
}

/** The report as Markdown. */
export function incidentMarkdown(r: IncidentReport): string {
  const out: string[] = [];
  out.push(`# Post-incident report: ${r.runbook.title}`, '');
  out.push(`- Run: \`${r.runId}\` (${r.environment}), operator ${r.operator}, started ${timeText(r.startedAt)}`);
  out.push(`- Runbook: ${r.runbook.id} v${r.runbook.version}, sha256 \`${r.runbook.hash}\``);
  out.push(`- Run status: **${r.status}**; decision **${r.decision.status}**, **${r.decision.goNoGo}**`);
  out.push(`- As of: ${timeText(r.asOf)}, vault chain head #${r.chainHead.seq} \`${r.chainHead.hash}\``);
  out.push('', 'Every claim below names its evidence: a file of the decision pack (`evidence/<name>`) with its SHA-256, or an event of the vault\'s hash chain with its hash.', '');

  out.push('## Summary', '');
  for (const c of r.summary) out.push(`- ${c.text}${mdRefs(c.refs)}`);

  out.push('', '## Classification', '', '| Field | Value | Source |', '|---|---|---|');
  for (const c of r.classification) out.push(`| ${mdCell(c.label)} | ${mdCell(c.value)} | ${mdCell(c.source)}${c.refs.length ? `<br>${mdCell(c.refs.map(refText).join('; '))}` : ''} |`);

  out.push('', '## Failing step', '');
  const f = r.failing;
  if (!f) out.push('No step failed in this run.');
  else {
    out.push(`- Step: **${f.stepId}**: ${f.title} (${f.kind}, phase ${f.phase})`);
    out.push(`- Result: **${f.status}** at ${timeText(f.finishedAt)}, run by ${f.actor ?? '?'} (started ${timeText(f.startedAt)})`);
    if (f.target) out.push(`- Target: ${f.target.name} (${f.target.kind}) \`${f.target.address}\``);
    out.push(`- Exit code: ${f.exitCode ?? 'none'}${f.failure ? `; failure ${f.failure.kind}: ${f.failure.message}${f.failure.sqlState ? ` (SQLSTATE ${f.failure.sqlState})` : ''}` : ''}`);
    for (const a of f.abortGates) out.push(`- Abort gate matched: **${a.label}** (pattern \`/${a.pattern}/\`) on: \`${a.line.replace(/`/g, "'")}\``);
    for (const g of f.failedExpectations) out.push(`- Expectation failed: ${g.gate} (${g.detail})`);
    out.push(`- Evidence:${mdRefs([...(f.evidence ? [f.evidence] : []), ...f.refs]) || ' none'}`);
    if (f.command) out.push('', 'Command:', '', fence(f.command.replace(/\n+$/, '').split('\n')));
    if (f.excerpt) {
      out.push('', `Excerpt of the transcript (${f.excerpt.lines.filter((l) => l.n !== null).length} of ${f.excerpt.totalLines} lines${f.excerpt.matchedLine ? `; the abort gate matched line ${f.excerpt.matchedLine}, marked >>` : ''}; redacted again with the vault's secrets${f.excerpt.redactions ? `: ${f.excerpt.redactions} value(s) redacted` : ', nothing further found'}):${mdRefs(f.evidence ? [f.evidence] : [])}`, '');
      const width = String(f.excerpt.totalLines).length;
      out.push(fence(f.excerpt.lines.map((l) => (l.n === null ? `${' '.repeat(width)}    ${l.text}` : `${String(l.n).padStart(width)} ${l.mark ? '>>' : '  '} ${l.text}`))));
    }
  }

  out.push('', '## Timeline (scribe format)', '', `T-0 = ${timeText(r.timeline.t0.at)} (${r.timeline.t0.label}).`, '', '| T | Step | Result | Timestamp (UTC) | Actor | Evidence |', '|---|---|---|---|---|---|');
  for (const e of r.timeline.entries) out.push(`| ${e.t} | ${mdCell(e.stepId ? `${e.stepId}: ${e.title}` : e.title)} | ${e.result} | ${timeText(e.at)} | ${e.actor ?? ''} | ${e.evidence ? mdCell(`${e.evidence.name} sha256 ${e.evidence.sha256 ?? ''}`) : ''} |`);

  out.push('', '## Containment', '');
  for (const c of r.containment) out.push(`- ${c.text}${mdRefs(c.refs)}`);
  out.push('', '## Follow-ups', '');
  r.followUps.forEach((c, i) => out.push(`${i + 1}. ${c.text}${mdRefs(c.refs)}`));

  out.push('', '## Evidence', '', '| File | Size | SHA-256 |', '|---|---:|---|');
  for (const a of r.artifacts) out.push(`| ${mdCell(a.path)}${a.state === 'incomplete' ? ' (incomplete)' : ''} | ${a.size} | \`${a.sha256}\` |`);
  for (const l of r.linkedEvidence) out.push(`| ${mdCell(l.name)} (${mdCell(l.kind)}, event #${l.seq}: ${mdCell(l.detail)}) | ${l.size} | \`${l.sha256}\` |`);
  out.push('', `Verify a file: \`sha256sum evidence/<name>\` in the decision pack, or \`cutover vault verify\` on the vault.`, '');
  return out.join('\n');
}

// ---- PDF ------------------------------------------------------------------------------------

function refCells(refs: IncidentRef[]): string {
  return refs.map(refText).join('\n');
}

/** A claim and the evidence it names, kept on one page. */
function claim(pdf: PdfLayout, text: string, refs: IncidentRef[]): void {
  const refsText = refCells(refs);
  pdf.ensure(pdf.height(text, FONT.sans, 9.5, pdf.width) + (refs.length ? pdf.height(refsText, FONT.mono, 6.5, pdf.width - 10) : 0) + 10);
  pdf.paragraph(text, { size: 9.5 });
  if (refs.length) pdf.paragraph(refsText, { font: FONT.mono, size: 6.5, color: COLOR.muted, indent: 10 });
}

/** The report as a PDF (deterministic, text searchable). */
export async function renderIncidentPdf(r: IncidentReport): Promise<Buffer> {
  const pdf = new PdfLayout({
    title: `Post-incident report: ${r.runbook.title}`,
    subject: `Run ${r.runId} of ${r.runbook.id} v${r.runbook.version}: ${r.status}, ${r.decision.goNoGo}`,
    keywords: `cutover, incident, ${r.runbook.id}, ${r.runId}, ${r.failing?.abortGates.map((a) => a.label).join(', ') ?? ''}`,
    date: new Date(r.asOf),
    header: `Post-incident report — ${r.runbook.id} v${r.runbook.version} — run ${r.runId}`,
    footer: `Cutover Workstation · run ${r.runId} · chain head #${r.chainHead.seq} ${r.chainHead.hash.slice(0, 16)}…`,
    ...environmentMarks(r.environment),
  });
  pdf.titleBlock('Post-incident report', r.runbook.title, `Runbook ${r.runbook.id} v${r.runbook.version} · run ${r.runId} · ${r.environment} · operator ${r.operator} · as of ${timeText(r.asOf)} (chain head #${r.chainHead.seq})`);
  pdf.banner(r.decision.goNoGo, `Run ${r.status} · status ${r.decision.status}${r.failing ? ` · failed at ${r.failing.stepId}` : ''}`, r.decision.goNoGo === 'GO' ? COLOR.pass : COLOR.fail);
  pdf.paragraph('Every claim names its evidence: a file of the decision pack (evidence/<name>) with its SHA-256, or an event of the vault\'s hash chain with its hash.', { size: 8, color: COLOR.muted });

  pdf.heading('Summary', { keep: 60 });
  for (const c of r.summary) claim(pdf, c.text, c.refs);

  pdf.heading('Failing step', { keep: 120 });
  const f = r.failing;
  if (!f) pdf.paragraph('No step failed in this run.', { color: COLOR.muted });
  else {
    pdf.keyValues([
      { label: 'Step', value: `${f.stepId}: ${f.title}`, note: `${f.kind} step, phase ${f.phase}` },
      { label: 'Result', value: `${f.status} at ${timeText(f.finishedAt)}`, note: `run by ${f.actor ?? '?'}, started ${timeText(f.startedAt)}`, color: COLOR.fail },
      ...(f.target ? [{ label: 'Target', value: `${f.target.name} (${f.target.kind})`, note: f.target.address }] : []),
      { label: 'Exit code', value: `${f.exitCode ?? 'none'}${f.failure ? ` — ${f.failure.kind}: ${f.failure.message}` : ''}` },
      ...f.abortGates.map((a) => ({ label: 'Abort gate matched', value: `${a.label} (/${a.pattern}/)`, note: a.line, color: COLOR.fail })),
      ...f.failedExpectations.map((g) => ({ label: 'Expectation failed', value: g.gate, note: g.detail })),
      ...(f.evidence || f.refs.length ? [{ label: 'Evidence', value: refCells([...(f.evidence ? [f.evidence] : []), ...f.refs]), mono: true }] : []),
    ], { labelWidth: 118, size: 9 });
    if (f.command) {
      pdf.paragraph('Command', { font: FONT.bold, size: 9 });
      pdf.code(f.command.replace(/\n+$/, '').split('\n').map((text) => ({ n: null, text })));
    }
    if (f.excerpt) {
      pdf.ensure(80);
      pdf.paragraph(`Transcript excerpt: ${f.excerpt.lines.filter((l) => l.n !== null).length} of ${f.excerpt.totalLines} lines${f.excerpt.matchedLine ? `; the abort gate matched line ${f.excerpt.matchedLine} (highlighted)` : ''}. Redacted again with the vault's secrets${f.excerpt.redactions ? `: ${f.excerpt.redactions} value(s) redacted` : ': nothing further found'}. From ${f.evidence ? refText(f.evidence) : 'the transcript'}.`, { size: 8, color: COLOR.muted });
      pdf.code(f.excerpt.lines);
    }
  }

  pdf.heading('Classification', { keep: 80 });
  pdf.keyValues(r.classification.map((c) => ({ label: c.label, value: c.value, note: `${c.source}${c.refs.length ? `\n${refCells(c.refs)}` : ''}` })), { labelWidth: 140, size: 9 });

  pdf.heading('Timeline (scribe format)', { keep: 80 });
  pdf.paragraph(`T-0 = ${timeText(r.timeline.t0.at)} (${r.timeline.t0.label}). Timestamps UTC.`, { size: 8, color: COLOR.muted });
  pdf.table(
    [{ header: 'T', width: 50, mono: true, size: 7.5 }, { header: 'Step', width: 0 }, { header: 'Result', width: 62 }, { header: 'Timestamp (UTC)', width: 86, size: 7.5 }, { header: 'Actor', width: 50 }],
    r.timeline.entries.map((e): Cell[] => [
      { text: e.t },
      { text: e.stepId ? `${e.stepId} — ${e.title}` : e.title, sub: e.evidence ? e.evidence.name : undefined, bold: e.kind !== 'step' },
      { text: e.result, bold: true, color: e.result === 'PASS' ? COLOR.pass : e.result === 'FAIL' || e.result === 'BLOCKED' || e.result === 'INTERRUPTED' ? COLOR.fail : COLOR.warn },
      { text: timeText(e.at) },
      { text: e.actor ?? '—' },
    ]),
    { title: 'Timeline' },
  );

  pdf.heading('Containment', { keep: 60 });
  for (const c of r.containment) claim(pdf, `• ${c.text}`, c.refs);
  pdf.heading('Follow-ups', { keep: 60 });
  r.followUps.forEach((c, i) => claim(pdf, `${i + 1}. ${c.text}`, c.refs));

  pdf.heading('Evidence', { keep: 80 });
  pdf.table(
    [{ header: 'File / SHA-256', width: 0, size: 8 }, { header: 'Size', width: 66, align: 'right' }, { header: 'Step', width: 100, size: 7.5 }],
    [
      ...r.artifacts.map((a): Cell[] => [{ text: a.name, sub: a.sha256, subMono: true }, { text: sizeText(a.size), sub: `${a.size} bytes` }, { text: a.stepId ?? 'runbook', sub: a.state === 'incomplete' ? 'INCOMPLETE' : undefined }]),
      ...r.linkedEvidence.map((l): Cell[] => [{ text: l.name, sub: l.sha256, subMono: true }, { text: sizeText(l.size), sub: `${l.size} bytes` }, { text: l.kind, sub: `event #${l.seq}` }]),
    ],
    { title: 'Evidence' },
  );
  return pdf.finish();
}

/** Writes incident-<run>.md and incident-<run>.pdf into `dir` (created if missing). */
export async function writeIncidentReport(vault: Vault, runId: string, dir: string, options: { overwrite?: boolean } = {}): Promise<{ report: IncidentReport; markdown: string; pdf: string }> {
  const report = buildIncidentReport(vault, runId);
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
