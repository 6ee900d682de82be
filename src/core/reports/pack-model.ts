// What a decision pack, its PDF, the incident report and the broadcasts are made from: one
// plain snapshot of a run, taken from the vault's chain at export time: its steps, its
// artifacts, and the evidence linked to it by run id (schema fingerprints, SQL previews).
import { registryOf } from '../identity/registry';
import type { ArtifactInfo, IdentityInfo, ReadOnlyVault, VaultEvent } from '../vault';
import type { RunState, StepState } from '../engine/types';
import { describeExpectation, type GateResult } from '../engine/gates';
import { describeHttpExpectation } from '../engine/http-step';
import { probeName } from '../engine/monitor';
import { allSteps, targetAddress } from '../engine/plan';
import { RUN_EVENT_TYPES } from '../engine/state';
import { runComparison, type RunComparison } from '../rehearsal/report';
import type { BroadcastCheckpoint, Expectation, Step } from '../runbook/schema';
import { translator, type Lang, type Translator } from '../../shared/i18n';
import { blockReasonText, gateDetailText } from './gate-words';
import { abortMatchOf, judgedBy } from './gate-facts';
import { planVersionsOf, type PlanVersion } from './plan-versions';

/**
 * A gate the runbook declares on a step, with what the run made of it: the expectations judged
 * when the step ended, and the abort gates watched on its streaming output (a step's recorded
 * results only name the abort gates that matched; this says which were watched and stayed clear).
 */
export interface DeclaredGate {
  kind: 'expect' | 'abort';
  /** The gate in the engine's words, as its results name it: "exit code = 0", "abort on /DuplicateTable/". */
  gate: string;
  /** The runbook's label (abort gates, value expectations), or null. */
  label: string | null;
  /** The regular expression watched or matched (abort gates, output_matches, value.pattern), or null. */
  pattern: string | null;
  /** Abort gates: what a match does (block: the run becomes BLOCKED; cancel: the command is stopped at once). */
  onMatch: 'block' | 'cancel' | null;
  /** 'warn': the runbook marks the gate `level: warn` (a failure is a warning, never blocking). */
  level?: 'warn';
  /**
   * pass / fail: an expectation's result. matched / clear: an abort gate matched the output, or
   * was watched over the whole output and never matched. not-run: the step has not run (pending,
   * skipped before it ran). not-judged: the step started but no result was recorded (still
   * running, or interrupted).
   */
  outcome: 'pass' | 'fail' | 'matched' | 'clear' | 'not-run' | 'not-judged';
  /** The result's detail ("value 64", "matched: <line>"), or why there is none. */
  detail: string | null;
}

/** One file of the runbook's evidence pack (`evidence_pack`), matched to the run's artifacts by name. */
export interface RequiredEvidence {
  /** The file name as the runbook lists it (and as the step that writes it names it). */
  name: string;
  /**
   * present: the run has a complete artifact of this name. incomplete: only a transcript cut
   * short (the step was interrupted), kept as written. missing: none. not-applicable: only a
   * rollback step writes it, and this run did not take its rollback path.
   */
  status: 'present' | 'incomplete' | 'missing' | 'not-applicable';
  /** The step whose `evidence:` names this file, with its status in this run; null when no step does. */
  step: { stepId: string; phaseId: string; kind: string; status: StepState['status'] } | null;
  /** The artifact (path inside the pack, SHA-256, size); null when missing. */
  artifact: { artifactId: string; path: string; sha256: string; size: number; state: 'complete' | 'incomplete'; stepId: string | null } | null;
  /** Why it is not present, in words ("p4-current not run"); null when present. */
  reason: string | null;
}

export interface PackStep {
  phaseId: string;
  phaseTitle: string;
  /** The phase's or step's time offset ("T-60"), if the runbook gives one. */
  at: string | null;
  stepId: string;
  kind: string;
  title: string;
  status: StepState['status'];
  actor: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  target: string | null;
  command: string | null;
  readOnly: 'enforced' | 'declared' | null;
  exitCode: number | null;
  failure: { kind: string; message: string; sqlState?: string } | null;
  gates: GateResult[];
  /**
   * Every gate the runbook declares on this step (expectations, monitor thresholds, abort
   * gates) with its outcome in this run. Absent from snapshots written by hand.
   */
  declaredGates?: DeclaredGate[];
  /** The evidence file this step produced (path inside the pack: evidence/<name>). */
  evidence: { artifactId: string; name: string; sha256: string | null; size: number } | null;
  /** record steps: the values; attest steps: the statement. */
  values: Record<string, string> | null;
  statement: string | null;
  /** Attempts that failed or were interrupted before a signed retry; their transcripts are in the pack too. */
  previousAttempts?: PackAttempt[];
  /** The broadcast checkpoint the runbook declares for this step (`broadcast: backup`); absent when none. */
  broadcast?: BroadcastCheckpoint;
}

export interface PackAttempt {
  attempt: number;
  status: StepState['status'];
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  failure: { kind: string; message: string; sqlState?: string } | null;
  evidence: { artifactId: string; name: string; sha256: string | null; size: number } | null;
  /** The retry decision that followed it. */
  retry: { actor: string; at: string; reason: string } | null;
}

export interface PackArtifact {
  artifactId: string;
  /** Path inside the pack, e.g. "evidence/prod_upgrade_0019_to_head.log". */
  path: string;
  name: string;
  mediaType: string;
  sha256: string;
  size: number;
  state: 'complete' | 'incomplete';
  stepId: string | null;
}

/** The kinds of linked evidence this app stores, by the type of the event that stores them. */
export const LINKED_EVIDENCE_KINDS: Record<string, string> = {
  // src/core/checks/store.ts FINGERPRINT_EVENT (named here, not imported: that module loads pg).
  'schema.fingerprinted': 'schema-fingerprint',
  // src/core/alembic/sql-preview.ts SQL_PREVIEW_EVENT.
  'alembic.sql_preview': 'sql-preview',
  // src/core/rehearsal/follow.ts STEP_COMPARED: a step's normalised diff against its rehearsal.
  'step.compared': 'rehearsal-diff',
};

/**
 * Evidence of the run stored outside its steps: an artifact whose storing event carries the
 * run's id (`cutover pg fingerprint --run`, `cutover alembic sql --run`). It goes in the pack
 * as evidence/<name> like a transcript.
 */
export interface LinkedEvidence {
  /** schema-fingerprint, sql-preview; for another event that names the run and an artifact, its type. */
  kind: string;
  /** The label it was stored under, or null. */
  label: string | null;
  artifactId: string;
  /** The artifact's name; in the pack, evidence/<name> (unless two files share a name). */
  name: string;
  mediaType: string;
  /** SHA-256 and size of the artifact's bytes, as the vault recorded them. */
  sha256: string;
  size: number;
  /** One line on what it is: the database and schema hash, the revisions previewed. */
  detail: string;
  /** The event that stored it. */
  seq: number;
  at: string;
  actor: string;
}

export interface PackModel {
  run: {
    runId: string;
    status: RunState['status'];
    environment: RunState['environment'];
    operator: string;
    startedAt: string;
    /** The planned T-0 named when the run started (absent when none was). */
    t0?: string;
    /** A production run's rehearsal: its pack's manifest sha256 and run id (absent when unbound). */
    rehearsal?: { manifestSha256: string; runId: string };
    blockedBy: RunState['blockedBy'];
    decisions: RunState['decisions'];
  };
  /** language: the runbook's `language:` (absent when it declares none: English). */
  runbook: { id: string; version: string; title: string; hash: string; decisionTemplate: 'governance' | 'go-no-go'; decisionTarget: string | null; rollbackTriggers: string[]; language?: Lang };
  targets: { name: string; kind: string; address: string; hostKey: string | null }[];
  steps: PackStep[];
  artifacts: PackArtifact[];
  /** A production run bound to its rehearsal: each step against the rehearsal's (core/rehearsal/report.ts). */
  rehearsalComparison?: RunComparison;
  /**
   * The runbook's evidence pack (the files the governance board requires for the final
   * decision), in the runbook's order, each matched to this run's artifacts. Empty when the
   * runbook lists none; absent from snapshots written by hand.
   */
  requiredEvidence?: RequiredEvidence[];
  /**
   * Schema fingerprints, SQL previews and any other artifact stored with this run's id, in
   * chain order. Absent from snapshots written by hand.
   */
  linkedEvidence?: LinkedEvidence[];
  approvals: { signer: string; fingerprint: string; planDigest: string; seq: number }[];
  /**
   * The plan versions approvers signed, each with where the pack keeps it (plan/plan.json or
   * plan/vN/plan.json) and its approvals' .sig files. Absent from snapshots written by hand.
   */
  plans?: Omit<PlanVersion, 'text'>[];
  /** Everyone who acted or signed in this run, with their keys (for allowed_signers). */
  identities: IdentityInfo[];
  /**
   * Where the pack is anchored in the vault's chain: the run's last event, or the last event
   * that stored linked evidence of the run when that one is later (see buildPackModel).
   */
  chainHead: { seq: number; hash: string };
  exportedAt: string;
}

/** The language a run's documents are written in: its runbook's `language:`, else English. */
export function languageOf(model: { runbook: { language?: Lang } }): Lang {
  return model.runbook.language ?? 'en';
}

function phaseInfo(tr: Translator, state: RunState): Map<string, { title: string; at: string | null }> {
  const map = new Map<string, { title: string; at: string | null }>();
  map.set('preconditions', { title: tr.t('model.phase.preconditions'), at: null });
  for (const p of state.runbook.phases) map.set(p.id, { title: p.title, at: p.at ?? null });
  map.set('rollback', { title: tr.t('model.phase.rollback'), at: null });
  return map;
}

/** An expectation as the engine's gate results name it (src/core/engine/gates.ts). */
/** An expectation's name as the engine's gate results use it, with its label and pattern. */
function declaredExpectation(e: Expectation): { gate: string; label: string | null; pattern: string | null; declared: Expectation } {
  const gate = describeExpectation(e);
  if ('output_matches' in e) return { gate, label: null, pattern: e.output_matches, declared: e };
  if ('value' in e) return { gate, label: e.value.label ?? null, pattern: e.value.pattern ?? null, declared: e };
  return { gate, label: null, pattern: null, declared: e };
}

/** The gates a step declares, each with its outcome from the step's recorded results. */
function declaredGatesOf(tr: Translator, step: Step, s: StepState): DeclaredGate[] {
  if (step.kind !== 'check' && step.kind !== 'command' && step.kind !== 'monitor' && step.kind !== 'http') return [];
  const byWords = (gate: string) => ({ gate, label: null, pattern: null, declared: gate as Expectation | string });
  const expects = step.kind === 'monitor'
    ? [...(step.probes ?? []).flatMap((p) => p.thresholds.map((t) => byWords(`${probeName(p)}: ${t}`))), ...step.thresholds.map(byWords)]
    : step.kind === 'http'
      ? step.expect.map((e) => ('status' in e || 'json' in e || 'latency_ms' in e ? byWords(describeHttpExpectation(e)) : declaredExpectation(e)))
      : step.expect.map(declaredExpectation);
  const aborts = step.kind === 'monitor' ? [] : step.abort_on;
  // Results exist once the step finished (step.finished records them, even for a failure);
  // a step that started and has none is still running or was interrupted.
  const results = s.gates;
  const unjudged = !s.startedAt
    ? { outcome: 'not-run' as const, detail: s.status === 'skipped' ? tr.t('model.gate.skipped') : s.status === 'N/A' ? tr.t('model.gate.notApplicable') : null }
    : { outcome: 'not-judged' as const, detail: s.status === 'running' ? tr.t('model.gate.running') : tr.t('model.gate.interrupted') };
  const expectResults = (results ?? []).filter((g) => g.kind === 'expect');
  const used = new Set<number>();
  const out: DeclaredGate[] = expects.map((d, i) => {
    const base = { kind: 'expect' as const, gate: d.gate, label: d.label, pattern: d.pattern, onMatch: null, ...(typeof d.declared !== 'string' && d.declared.level === 'warn' ? { level: 'warn' as const } : {}) };
    if (!results) return { ...base, ...unjudged };
    // The engine judges expectations in the runbook's order; match by position, or by what the
    // result checked (its typed check; the words of an old result without one).
    const free = (j: number) => !used.has(j) && j < expectResults.length;
    const judges = (g: GateResult) => judgedBy(d.declared, d.gate, g);
    let index = free(i) && judges(expectResults[i]!) ? i : expectResults.findIndex((g, j) => free(j) && judges(g));
    if (index < 0 && expectResults.length === expects.length && free(i)) index = i;
    if (index < 0) return { ...base, outcome: 'not-judged', detail: tr.t('model.gate.noResult') };
    used.add(index);
    const r = expectResults[index]!;
    return { ...base, outcome: r.passed ? 'pass' : 'fail', detail: gateDetailText(tr.lang, r) };
  });
  for (const a of aborts) {
    const gate = `abort on /${a.pattern}/`;
    const base = { kind: 'abort' as const, gate, label: a.label ?? null, pattern: a.pattern, onMatch: a.on_match, ...(a.level === 'warn' ? { level: 'warn' as const } : {}) };
    if (!results) {
      out.push({ ...base, ...unjudged });
      continue;
    }
    const hit = results.find((g) => abortMatchOf(a.pattern, g));
    out.push(hit ? { ...base, outcome: 'matched', detail: gateDetailText(tr.lang, hit) } : { ...base, outcome: 'clear', detail: tr.t('model.gate.clear') });
  }
  return out;
}

/** The runbook's evidence pack against the run's artifacts. */
function requiredEvidenceOf(tr: Translator, state: RunState, steps: PackStep[], artifacts: PackArtifact[]): RequiredEvidence[] {
  const producers = new Map<string, { step: Step; phaseId: string }>();
  for (const entry of allSteps(state)) if (entry.step.evidence && !producers.has(entry.step.evidence)) producers.set(entry.step.evidence, entry);
  const stepById = new Map(steps.map((s) => [s.stepId, s]));
  const rollbackTaken = state.status === 'ROLLBACK' || state.decisions.some((d) => d.decision === 'rollback');
  const out: RequiredEvidence[] = [];
  for (const name of new Set(state.runbook.evidence_pack)) {
    const producer = producers.get(name);
    const ps = producer ? stepById.get(producer.step.id) : undefined;
    const step = producer && ps ? { stepId: ps.stepId, phaseId: ps.phaseId, kind: ps.kind, status: ps.status } : null;
    // The producing step's own file first; any other artifact of this run with that name after.
    const candidates = artifacts.filter((a) => a.name === name && a.stepId !== null);
    const found = candidates.find((a) => step && a.stepId === step.stepId) ?? candidates[0];
    if (found) {
      const artifact = { artifactId: found.artifactId, path: found.path, sha256: found.sha256, size: found.size, state: found.state, stepId: found.stepId };
      out.push(found.state === 'complete'
        ? { name, status: 'present', step, artifact, reason: null }
        : { name, status: 'incomplete', step, artifact, reason: tr.t('model.required.cutShort', { step: found.stepId ?? '' }) });
      continue;
    }
    let reason: string;
    let status: RequiredEvidence['status'] = 'missing';
    const id = { step: step?.stepId ?? '' };
    if (!producer || !step) reason = tr.t('model.required.noStep');
    else if (producer.step.kind === 'manual') reason = tr.t('model.required.manual', id);
    else if (step.phaseId === 'rollback' && !rollbackTaken && step.status === 'pending') {
      status = 'not-applicable';
      reason = tr.t('model.required.rollbackOnly', id);
    } else if (step.status === 'N/A') {
      status = 'not-applicable';
      reason = tr.t('model.required.notApplicable', id);
    } else if (step.status === 'pending') reason = tr.t('model.required.notRun', id);
    else if (step.status === 'skipped') reason = ps?.actor ? tr.t('model.required.skippedBy', { ...id, actor: ps.actor }) : tr.t('model.required.skipped', id);
    else if (step.status === 'running') reason = tr.t('model.required.running', id);
    else reason = tr.t('model.required.noFile', { ...id, status: step.status === 'PASS' || step.status === 'FAIL' || step.status === 'INTERRUPTED' ? tr.t(`stepStatus.${step.status}`) : step.status });
    out.push({ name, status, step, artifact: null, reason });
  }
  return out;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** One line for the PDF: what the evidence says, from its storing event. */
function linkedDetail(tr: Translator, kind: string, p: Record<string, unknown>): string {
  if (kind === 'rehearsal-diff') return tr.t('model.linked.diff', { step: String(p.stepId), verdict: String(p.verdict), what: Array.isArray(p.differences) ? p.differences.map((d) => (d as { what?: unknown }).what).join(', ') : '' });
  if (kind === 'schema-fingerprint') {
    return [text(p.database) ? tr.t('model.linked.database', { database: text(p.database)! }) : null, text(p.sha256) ? tr.t('model.linked.fingerprint', { sha256: text(p.sha256)! }) : null].filter(Boolean).join('; ');
  }
  if (kind === 'sql-preview') {
    const from = Array.isArray(p.from) && p.from.length ? p.from.filter((r) => typeof r === 'string').join(', ') : 'base';
    const rendered = Array.isArray(p.rendered) ? p.rendered.length : null;
    return [`alembic upgrade ${from} -> ${text(p.to) ?? '?'} --sql`, rendered !== null ? tr.t('model.linked.migrations', { n: rendered }) : null, text(p.database) ? tr.t('model.linked.revisionsFrom', { database: text(p.database)! }) : null].filter(Boolean).join('; ');
  }
  return tr.t('model.linked.storedBy', { kind });
}

/**
 * Every complete artifact named by an event that carries the run's id and is not one of the
 * run's own events (those are the steps' transcripts, already in the pack), in chain order.
 */
function linkedEvidenceOf(tr: Translator, events: VaultEvent[], runId: string, artifactsById: Map<string, ArtifactInfo>, already: Set<string>): { evidence: LinkedEvidence[]; last: VaultEvent | null } {
  const evidence: LinkedEvidence[] = [];
  const seen = new Set(already);
  let last: VaultEvent | null = null;
  for (const e of events) {
    if (RUN_EVENT_TYPES.includes(e.type)) continue;
    const p = e.payload as Record<string, unknown> | null;
    if (!p || p.runId !== runId || typeof p.artifactId !== 'string' || seen.has(p.artifactId)) continue;
    const a = artifactsById.get(p.artifactId);
    if (!a || a.state !== 'complete' || !a.sha256) continue;
    seen.add(a.id);
    const kind = LINKED_EVIDENCE_KINDS[e.type] ?? e.type;
    evidence.push({ kind, label: text(p.label), artifactId: a.id, name: a.name, mediaType: a.mediaType, sha256: a.sha256, size: a.size, detail: linkedDetail(tr, kind, p), seq: e.seq, at: e.at, actor: e.actor });
    last = e;
  }
  return { evidence, last };
}

/** How a snapshot is worded when its runbook names no language (`--lang`, the window's language); the runbook's `language:` always wins. */
export interface ModelOptions {
  language?: Lang;
}

/** The language of a run's documents: its runbook's `language:`, else the one asked for, else English. */
export function runLanguage(state: Pick<RunState, 'runbook'>, options: ModelOptions = {}): Lang | undefined {
  return state.runbook.language ?? options.language;
}

/**
 * Snapshot of a run for export. `exportedAt` is the time of the chain head, so the same run
 * exports the same bytes (a pack is always built without `options`: in its runbook's language).
 */
export function buildPackModel(vault: ReadOnlyVault, state: RunState, options: ModelOptions = {}): PackModel {
  const language = runLanguage(state, options);
  const tr = translator(language);
  const phases = phaseInfo(tr, state);
  const artifactsById = new Map(vault.artifacts().map((a) => [a.id, a]));
  const steps: PackStep[] = allSteps(state).map(({ step, phaseId }) => {
    const s = state.steps.get(step.id)!;
    const phase = phases.get(phaseId)!;
    const info = s.transcript ? artifactsById.get(s.transcript.artifactId) : undefined;
    return {
      phaseId,
      phaseTitle: phase.title,
      at: step.at ?? phase.at,
      stepId: step.id,
      kind: step.kind,
      title: step.title,
      status: s.status,
      actor: s.actor ?? null,
      startedAt: s.startedAt ?? null,
      finishedAt: s.finishedAt ?? null,
      target: s.target ?? ('target' in step ? step.target : null),
      command: s.command ?? null,
      readOnly: s.readOnly ?? null,
      exitCode: s.exitCode ?? null,
      failure: s.failure ?? null,
      gates: s.gates ?? [],
      declaredGates: declaredGatesOf(tr, step, s),
      evidence: info ? { artifactId: info.id, name: info.name, sha256: info.sha256, size: info.size } : null,
      values: s.values ?? null,
      statement: step.kind === 'attest' ? step.statement : null,
      ...(s.previousAttempts?.length ? { previousAttempts: attemptsOf(state, step.id, s.previousAttempts, artifactsById) } : {}),
      ...(step.broadcast ? { broadcast: step.broadcast } : {}),
    };
  });
  const stepOfArtifact = new Map(steps.filter((s) => s.evidence).map((s) => [s.evidence!.artifactId, s.stepId]));
  const artifacts: PackArtifact[] = [];
  const runbookArtifact = artifactsById.get(state.runbookArtifactId);
  for (const a of [runbookArtifact, ...steps.map((s) => (s.evidence ? artifactsById.get(s.evidence.artifactId) : undefined))]) {
    if (!a || a.state === 'open' || !a.sha256) continue;
    artifacts.push({ artifactId: a.id, path: `evidence/${a.name}`, name: a.name, mediaType: a.mediaType, sha256: a.sha256, size: a.size, state: a.state, stepId: stepOfArtifact.get(a.id) ?? null });
  }
  // Earlier attempts of retried steps: their transcripts go into the pack beside the final one.
  for (const s of steps) {
    for (const attempt of s.previousAttempts ?? []) {
      const a = attempt.evidence ? artifactsById.get(attempt.evidence.artifactId) : undefined;
      if (!a || a.state === 'open' || !a.sha256) continue;
      artifacts.push({ artifactId: a.id, path: `evidence/${a.name}`, name: a.name, mediaType: a.mediaType, sha256: a.sha256, size: a.size, state: a.state, stepId: s.stepId });
    }
  }
  // A repeating step's later occurrences (repeat:): their transcripts go in too.
  for (const [stepId, s] of state.steps) {
    for (const occurrence of s.occurrences ?? []) {
      const a = occurrence.transcript ? artifactsById.get(occurrence.transcript.artifactId) : undefined;
      if (!a || a.state === 'open' || !a.sha256) continue;
      artifacts.push({ artifactId: a.id, path: `evidence/${a.name}`, name: a.name, mediaType: a.mediaType, sha256: a.sha256, size: a.size, state: a.state, stepId });
    }
  }
  const events = vault.events();
  const people = new Set<string>([state.operator, ...steps.map((s) => s.actor).filter((a): a is string => Boolean(a)), ...state.approvals.map((a) => a.signer)]);
  // The chain head of the run itself (its last run event), not the vault's: exporting or
  // signing later appends events, and the same run must export the same bytes.
  const runHead = events.filter((e) => RUN_EVENT_TYPES.includes(e.type) && (e.payload as { runId?: string }).runId === state.runId).at(-1);
  // Linked evidence (a fingerprint, a SQL preview stored with --run) is often taken after the
  // run's last step: a post-cutover fingerprint of prod. It is included wherever it falls in
  // the chain, and the anchor moves to its event when that is later than the run's last one,
  // so the anchor always covers every event the pack draws on (an auditor walking the chain up
  // to it finds each one). Only run events and linked-evidence events move it: exports,
  // signatures and notes do not, so the same run with the same evidence exports the same
  // bytes; storing more evidence for the run gives a new pack, anchored at the new evidence.
  const linked = linkedEvidenceOf(tr, events, state.runId, artifactsById, new Set(artifacts.map((a) => a.artifactId)));
  const headEvent = linked.last && (!runHead || linked.last.seq > runHead.seq) ? linked.last : runHead;
  const head = headEvent ? { seq: headEvent.seq, hash: headEvent.hash } : vault.head();
  // People as the chain holds them (the identities table is not trusted), as of the anchor: a
  // person added after it is not in this pack, so adding one later changes no exported manifest
  // (and no signature on it).
  const chain = registryOf(vault).all().filter((i) => i.addedSeq <= head.seq).map((i): IdentityInfo => ({ name: i.name, roles: i.roles, publicKey: i.publicKey, fingerprint: i.fingerprint, keySource: i.keySource, keyPath: null, createdAt: events.find((e) => e.seq === i.addedSeq)?.at ?? '' }));
  const identities = chain.filter((i) => people.has(i.name) || i.roles.includes('approver'));
  return {
    run: { runId: state.runId, status: state.status, environment: state.environment, operator: state.operator, startedAt: state.startedAt, ...(state.t0 ? { t0: state.t0 } : {}), ...(state.rehearsal ? { rehearsal: state.rehearsal } : {}), blockedBy: state.blockedBy && tr.lang !== 'en' ? { ...state.blockedBy, reason: blockReasonText(tr.lang, state.blockedBy.reason, steps.find((x) => x.stepId === state.blockedBy!.stepId)?.gates ?? []) } : state.blockedBy, decisions: state.decisions },
    runbook: { id: state.runbook.id, version: state.runbook.version, title: state.runbook.title, hash: state.runbookHash, decisionTemplate: state.runbook.decision?.template ?? 'governance', decisionTarget: state.runbook.decision?.target ?? null, rollbackTriggers: state.runbook.rollback?.triggers ?? [], ...(language ? { language } : {}) },
    targets: Object.entries(state.targets).map(([name, t]) => ({ name, kind: t.kind, address: targetAddress(t), hostKey: t.kind === 'ssh' ? (state.hostKeys[name] ?? t.host_key ?? null) : null })),
    steps,
    artifacts,
    requiredEvidence: requiredEvidenceOf(tr, state, steps, artifacts),
    linkedEvidence: linked.evidence,
    ...(state.rehearsal ? { rehearsalComparison: runComparison(vault, state) } : {}),
    approvals: state.approvals.map((a) => ({ signer: a.signer, fingerprint: a.fingerprint, planDigest: a.planDigest, seq: a.seq })),
    plans: planVersionsOf(state.approvals).map(({ text: _text, ...v }) => v),
    identities: identities.length ? identities : chain.filter((i) => i.name === state.operator),
    chainHead: head,
    exportedAt: headEvent?.at ?? new Date(0).toISOString(),
  };
}

/** A retried step's earlier attempts, each with the retry decision that followed it. */
function attemptsOf(state: RunState, stepId: string, attempts: NonNullable<StepState['previousAttempts']>, artifactsById: Map<string, ArtifactInfo>): PackAttempt[] {
  const retries = state.decisions.filter((d) => d.decision === 'retry' && d.stepId === stepId);
  return attempts.map((a, i) => {
    const info = a.transcript ? artifactsById.get(a.transcript.artifactId) : undefined;
    const retry = retries[i];
    return {
      attempt: i + 1,
      status: a.status,
      startedAt: a.startedAt ?? null,
      finishedAt: a.finishedAt ?? null,
      exitCode: a.exitCode ?? null,
      failure: a.failure ?? null,
      evidence: info ? { artifactId: info.id, name: info.name, sha256: info.sha256, size: info.size } : null,
      retry: retry ? { actor: retry.actor, at: retry.at, reason: retry.reason } : null,
    };
  });
}
