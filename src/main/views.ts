// Core's runbooks and runs as the boundary's plain shapes (src/shared/views.ts). Pure mapping:
// what a step "is" comes from the runbook; what it "did" comes from the run's folded events.
import { executeRefusal, orderRefusal, roleRefusal, rolesFor, skipRefusal, type ActKind } from '../core/acts';
import { authorize, type GateResult, type RunState } from '../core/engine';
import type { ChainIdentity } from '../core/identity';
import { allSteps, type AbortGate, type Expectation, type HttpExpectation, type Runbook, type Step, type Target } from '../core/runbook';
import type { RunbookIssue } from '../core/runbook';
import { timeZero } from '../core/reports/time-zero';
import { describeHttpExpectation, httpRequestText, isMutating } from '../core/engine/http-step';
import { monitorWindow, probeLines, thresholdsText } from '../core/engine/monitor';
import { probeCommand } from '../core/engine/plan';
import type { Vault } from '../core/vault';
import { stepVerdicts } from '../core/rehearsal/step-verdicts';
import { schedulesOf } from '../core/engine/schedule';
import { failureMessageText } from '../core/reports/failure-words';
import { blockReasonText, gateDetailText, gateText } from '../core/reports/gate-words';
import { translate, type Lang } from '../shared/i18n';
import type {
  GateResultView,
  GateSpecView,
  RefusalView,
  RunbookIssueView,
  RunbookStepView,
  RunbookTargetView,
  RunbookView,
  RunSummary,
  RunView,
  StepStateView,
  StepStatusView,
} from '../shared/views';

export function issueView(issue: RunbookIssue): RunbookIssueView {
  return { severity: issue.severity, stage: issue.stage, line: issue.line, column: issue.column, path: issue.path, message: issue.message };
}

/** A gate as the runbook states it, in `lang` (the Runbooks screen); English as before. */
function describeExpectation(e: Expectation, lang: Lang = 'en'): string {
  if ('exit_code' in e) return translate(lang, 'gate.exit', { code: e.exit_code });
  if ('output_contains' in e) return translate(lang, 'gate.contains', { text: e.output_contains });
  if ('output_not_contains' in e) return translate(lang, 'gate.notContains', { text: e.output_not_contains });
  if ('output_matches' in e) return translate(lang, 'gate.matches', { pattern: `/${e.output_matches}/` });
  if ('value' in e) return `${e.value.label ?? e.value.column ?? `/${e.value.pattern}/`} = ${typeof e.value.equals === 'boolean' ? translate(lang, e.value.equals ? 'gate.that.true' : 'gate.that.false') : String(e.value.equals)}`;
  if ('that' in e) return e.label ?? e.that;
  return `${e.threshold.metric} ${e.threshold.op} ${e.threshold.value}`;
}

const abortSpec = (g: AbortGate, lang: Lang): GateSpecView => ({ kind: 'abort', text: translate(lang, 'gate.abortOn', { pattern: g.pattern }), label: g.label ?? g.pattern, onMatch: g.on_match });

function gateSpecs(expect: Expectation[], abortOn: AbortGate[], lang: Lang): GateSpecView[] {
  return [...expect.map((e): GateSpecView => ({ kind: 'expect', text: describeExpectation(e, lang) })), ...abortOn.map((g) => abortSpec(g, lang))];
}

/** An HTTP step's expectation in `lang`: its status line and the shared gates worded again; the rest as the engine names them. */
function describeHttpGate(e: HttpExpectation, lang: Lang): string {
  if (lang !== 'en' && 'status' in e) {
    return Array.isArray(e.status) ? translate(lang, 'main.gate.statusIn', { statuses: e.status.join(', ') }) : translate(lang, 'main.gate.statusIs', { status: e.status });
  }
  if (lang === 'en' || 'status' in e || 'latency_ms' in e || 'json' in e) {
    if (lang !== 'en' && 'json' in e && e.json.op === 'exists') return translate(lang, 'gate.http.exists', { name: e.json.label ?? e.json.path });
    return describeHttpExpectation(e);
  }
  return describeExpectation(e, lang);
}

/** Where a monitor's probes go and how often, in `lang` (English: the plan's words, probeCommand); limits computed from values stay as the engine writes them. */
function probeCommandText(step: Extract<Step, { kind: 'monitor' }>, lang: Lang): string {
  if (lang === 'en') return probeCommand(step);
  const { every, for: window } = monitorWindow(step);
  const key = step.probe ? 'main.gate.probeEveryOne' : 'main.gate.probeEvery';
  return `${translate(lang, key, { probes: probeLines(step, {}).join(' + '), every, for: window })}${thresholdsText(step)}`;
}

/** A step as the runbook states it; its gates in `lang` (the runbook's language, else the window's). */
export function stepView(step: Step, phaseId: string, lang: Lang = 'en'): RunbookStepView {
  const base: RunbookStepView = {
    id: step.id,
    phaseId,
    kind: step.kind,
    title: step.title,
    instructions: step.instructions ?? null,
    at: step.at ?? null,
    evidence: step.evidence ?? null,
    target: null,
    command: null,
    language: null,
    readOnly: null,
    statement: null,
    by: null,
    fields: [],
    gates: [],
    timeout: null,
    window: null,
    env: {},
    secretEnv: {},
  };
  switch (step.kind) {
    case 'attest':
      return { ...base, statement: step.statement, by: step.by };
    case 'record':
      return { ...base, fields: step.fields.map((f) => ({ name: f.name, label: f.label, pattern: f.pattern ?? null, required: f.required })) };
    case 'manual':
      return base;
    case 'monitor':
      return {
        ...base,
        target: step.probe ? step.probe.url : step.probes!.map((p) => p.target ?? p.url!).join(', '),
        command: probeCommandText(step, lang),
        gates: [...(step.probes ?? []).flatMap((p, i) => p.thresholds.map((text) => ({ kind: 'expect' as const, text: `${p.name ?? translate(lang, 'main.gate.probe', { n: i + 1 })}: ${text}` }))), ...step.thresholds.map((text) => ({ kind: 'expect' as const, text }))],
        window: monitorWindow(step).for,
      };
    case 'http':
      return {
        ...base,
        target: step.target,
        command: httpRequestText(step, undefined),
        language: 'http',
        readOnly: isMutating(step) ? null : 'declared',
        gates: [
          ...step.expect.map((e): GateSpecView => ({ kind: 'expect', text: describeHttpGate(e, lang) })),
          ...step.abort_on.map((g) => abortSpec(g, lang)),
        ],
        timeout: step.timeout ?? null,
      };
    case 'check':
    case 'command': {
      const sql = step.kind === 'check' ? step.sql : undefined;
      return {
        ...base,
        target: step.target,
        command: sql ?? step.run ?? null,
        language: sql ? 'sql' : 'shell',
        readOnly: step.kind === 'check' ? (sql ? 'enforced' : 'declared') : null,
        gates: gateSpecs(step.expect, step.abort_on, lang),
        timeout: step.timeout ?? null,
        env: step.env,
        secretEnv: step.secret_env,
      };
    }
  }
}

export function targetAddressOf(target: Target): string {
  if (target.kind === 'postgres' || target.kind === 'mysql') return target.dsn;
  if (target.kind === 'ssh') return `${target.user ? `${target.user}@` : ''}${target.host}:${target.port ?? 22}`;
  if (target.kind === 'http') return target.base_url;
  return target.cwd ? `local:${target.cwd}` : 'local';
}

function targetView(name: string, target: Target): RunbookTargetView {
  return {
    name,
    kind: target.kind,
    address: targetAddressOf(target),
    description: target.description ?? null,
    secret: 'secret' in target ? (target.secret ?? null) : null,
    hostKey: target.kind === 'ssh' ? (target.host_key ?? null) : null,
    tls: target.kind === 'postgres' ? target.tls : null,
  };
}

/** The runbook as the Runbooks screen shows it; gate descriptions in the runbook's `language:`, else `windowLang`. */
export function runbookView(runbook: Runbook, meta: { hash: string; source: string; warnings: RunbookIssue[] }, windowLang: Lang = 'en'): RunbookView {
  const lang = runbook.language ?? windowLang;
  const phases = runbook.phases.map((p) => ({ id: p.id, title: p.title, at: p.at ?? null, purpose: p.purpose ?? null, steps: p.steps.map((s) => stepView(s, p.id, lang)) }));
  if (runbook.preconditions.length > 0) {
    phases.unshift({ id: 'preconditions', title: 'Preconditions', at: null, purpose: null, steps: runbook.preconditions.map((s) => stepView(s as Step, 'preconditions', lang)) });
  }
  return {
    id: runbook.id,
    title: runbook.title,
    version: runbook.version,
    description: runbook.description ?? null,
    status: runbook.status ?? null,
    hash: meta.hash,
    source: meta.source,
    quorum: runbook.policy.approvals.quorum,
    approverRole: runbook.policy.approvals.role,
    targets: Object.entries(runbook.targets).map(([name, t]) => targetView(name, t)),
    secrets: runbook.secrets.map((s) => ({ name: s.name, description: s.description ?? null })),
    phases,
    rollback: runbook.rollback
      ? { triggers: runbook.rollback.triggers, instructions: runbook.rollback.instructions ?? null, steps: runbook.rollback.steps.map((s) => stepView(s, 'rollback', lang)) }
      : null,
    evidencePack: runbook.evidence_pack,
    warnings: meta.warnings.filter((w) => w.severity === 'warning').map(issueView),
  };
}

const executes = (step: Step) => step.kind === 'check' || step.kind === 'command' || step.kind === 'monitor';

/** The act a step's main button signs. */
function actOf(step: Step): ActKind {
  if (step.kind === 'attest') return 'step.attest';
  if (step.kind === 'record') return 'step.record';
  if (step.kind === 'manual') return 'step.done';
  return 'step.execute';
}

/**
 * Why the signing person cannot do this step now, read from core's rules (acts/rules.ts) the
 * engine itself checks; advisory: the engine has the last word when the act is signed.
 */
function refusalFor(state: RunState, step: Step, phaseId: string, status: StepStatusView, actor: ChainIdentity | null, running: boolean, auth: StepStateView['authorization']): RefusalView | null {
  if (running || status === 'running') return { code: 'running' };
  if (status === 'PASS' && step.kind !== 'check') return { code: 'passed' };
  if (status === 'skipped') return { code: 'skipped' };
  if (state.status === 'STOPPED' || state.status === 'COMPLETED') return { code: 'runClosed', status: state.status };
  if (phaseId === 'rollback' && state.status !== 'ROLLBACK') return { code: 'rollbackNotDecided' };
  if (step.kind === 'command' && state.status === 'BLOCKED') return { code: 'blocked', stepId: state.blockedBy?.stepId ?? '' };
  if (step.kind === 'command' && state.status === 'ROLLBACK' && phaseId !== 'rollback') return { code: 'rollbackOnly' };
  if (!actor) return { code: 'noActor' };
  const kind = actOf(step);
  if (roleRefusal(kind, state, step, actor)) return { code: 'wrongRole', needs: rolesFor(kind, state, step)[0]!, actor: actor.name, roles: actor.roles };
  if (executes(step)) {
    const order = step.kind === 'command' ? orderRefusal(state, step.id, phaseId) : null;
    if (order) return { code: 'order', detail: order };
    const rule = executeRefusal(state, step, phaseId);
    if (rule) return { code: 'rule', detail: rule };
    if (auth && !auth.authorized) return { code: 'notApproved', quorum: auth.quorum, valid: auth.valid, detail: auth.reason };
  }
  if (step.kind === 'command') {
    const target = state.targets[step.target];
    if (target?.kind === 'ssh' && !(state.hostKeys[step.target] ?? target.host_key)) return { code: 'hostKeyUnpinned', target: step.target };
  }
  return null;
}

export function runView(vault: Vault, state: RunState, options: { next: string | null; running: string[]; actor: ChainIdentity | null }): RunView {
  const blockedStep = state.blockedBy?.stepId ?? null;
  /** What core words for the window: the run's language, else the window's (RunState.wordedIn), else English. */
  const lang = state.runbook.language ?? state.wordedIn ?? 'en';
  /** A gate result in `lang`, with its abort gate's name from the runbook (matched on the engine's English words). */
  const gateView = (g: GateResult, step: Step | undefined): GateResultView => {
    const label = g.kind === 'abort' && step && 'abort_on' in step ? gateSpecs([], step.abort_on ?? [], 'en').find((spec) => spec.text === g.gate)?.label : undefined;
    return { ...g, gate: gateText(lang, g), detail: gateDetailText(lang, g), ...(label ? { label } : {}) };
  };
  const verdicts = stepVerdicts(vault, state);
  const steps: StepStateView[] = allSteps(state.runbook).map(({ step, phaseId }) => {
    const s = state.steps.get(step.id)!;
    const status: StepStatusView = s.status === 'FAIL' && blockedStep === step.id ? 'BLOCKED' : s.status;
    // Everything that executes is in the signed plan; a command always waits for its quorum, and in production every check too.
    const authorization = executes(step) && (step.kind === 'command' || state.environment === 'production') ? authorize(vault, state, step, phaseId) : null;
    const isRunning = options.running.includes(step.id);
    return {
      stepId: step.id,
      phaseId,
      kind: step.kind,
      status,
      actor: s.actor ?? null,
      startedAt: s.startedAt ?? null,
      finishedAt: s.finishedAt ?? null,
      target: s.target ?? null,
      exitCode: s.exitCode ?? null,
      signal: s.signal ?? null,
      // What the target recorded, in the run's language (else the window's) where it is the target's own sentence.
      failure: s.failure ? { ...s.failure, message: failureMessageText(lang, s.failure.message) } : null,
      gates: (s.gates ?? []).map((g) => gateView(g, step)),
      transcript: s.transcript ? { ...s.transcript } : null,
      values: s.values ?? null,
      skipReason: s.skipReason ?? null,
      skippable: !isRunning && skipRefusal(state, step.id, phaseId) === null,
      authorization,
      refusal: refusalFor(state, step, phaseId, status, options.actor, isRunning, authorization),
      rehearsal: verdicts.get(step.id) ?? null,
    };
  });
  const blockedSpec = blockedStep ? allSteps(state.runbook).find(({ step }) => step.id === blockedStep)?.step : undefined;
  const blockingGates = blockedStep ? (state.steps.get(blockedStep)?.gates ?? []).filter((g) => !g.passed && g.level !== 'warn').map((g) => gateView(g, blockedSpec)) : [];
  return {
    runId: state.runId,
    startedAt: state.startedAt,
    t0: state.t0,
    rehearsal: state.rehearsal,
    timeZero: timeZero({
      run: { startedAt: state.startedAt, ...(state.t0 ? { t0: state.t0 } : {}) },
      steps: allSteps(state.runbook).map(({ step, phaseId }) => ({ phaseId, kind: step.kind, stepId: step.id, startedAt: state.steps.get(step.id)?.startedAt ?? null })),
    }),
    operator: state.operator,
    environment: state.environment,
    status: state.status,
    completedAt: state.completedAt ?? null,
    // The engine records why in English; shown in the run's language, else the window's (RunState.wordedIn).
    blockedBy: state.blockedBy ? { ...state.blockedBy, reason: blockReasonText(lang, state.blockedBy.reason, state.steps.get(state.blockedBy.stepId)?.gates ?? []), gates: blockingGates } : null,
    decisions: state.decisions.map((d) => ({ decision: d.decision, reason: d.reason, actor: d.actor, at: d.at, ...(d.stepId ? { stepId: d.stepId } : {}) })),
    runbook: runbookView(state.runbook, { hash: state.runbookHash, source: `vault artifact ${state.runbookArtifactId}`, warnings: [] }, lang),
    targets: Object.entries(state.targets).map(([name, t]) => ({
      name,
      kind: t.kind,
      address: targetAddressOf(t),
      hostKey: t.kind === 'ssh' ? (state.hostKeys[name] ?? t.host_key ?? null) : null,
    })),
    steps,
    approvals: state.approvals.map((a) => ({ seq: a.seq, signer: a.signer, fingerprint: a.fingerprint, planDigest: a.planDigest })),
    next: options.next,
    running: options.running,
    schedules: schedulesOf(state, allSteps(state.runbook), Date.now()),
  };
}

export function runSummary(state: RunState): RunSummary {
  const all = allSteps(state.runbook).filter(({ phaseId }) => phaseId !== 'rollback');
  const done = all.filter(({ step }) => ['PASS', 'skipped'].includes(state.steps.get(step.id)?.status ?? '')).length;
  return {
    runId: state.runId,
    startedAt: state.startedAt,
    operator: state.operator,
    environment: state.environment,
    status: state.status,
    runbookId: state.runbook.id,
    runbookTitle: state.runbook.title,
    runbookVersion: state.runbook.version,
    done,
    total: all.length,
  };
}
