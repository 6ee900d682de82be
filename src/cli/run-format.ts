// A run as a DBA reads it in a terminal: phases with offsets, each step's state, in the run's
// language (its runbook's `language:`, else --lang / CUTOVER_LANG, else English).
import type { RunState, StepOutcome } from '../core/engine';
import { formatOffset } from '../shared/t-offset';
import { translator, type Lang, type Translator } from '../shared/i18n';
import { outputLang } from './lang';

const MARK: Record<string, string> = { pending: '·', running: '▶', PASS: '✔', FAIL: '✘', INTERRUPTED: '!', skipped: '-', 'N/A': '–' };
const STATUSES = { pending: 1, running: 1, PASS: 1, FAIL: 1, INTERRUPTED: 1, skipped: 1, 'N/A': 1 } as const;
const RUN_STATUSES = { ACTIVE: 1, BLOCKED: 1, ROLLBACK: 1, STOPPED: 1, COMPLETED: 1 } as const;
const KINDS = { attest: 1, record: 1, check: 1, command: 1, manual: 1, monitor: 1, http: 1 } as const;

const word = <T extends object>(table: T, value: string, say: (key: keyof T) => string) => (value in table ? say(value as keyof T) : value);
const stepStatus = (tr: Translator, s: string) => word(STATUSES, s, (k) => tr.t(`cli.step.${k}`));
const runStatus = (tr: Translator, s: string) => word(RUN_STATUSES, s, (k) => tr.t(`runStatus.${k}`));
const kind = (tr: Translator, k: string) => word(KINDS, k, (key) => tr.t(`stepKind.${key}`));
const environment = (tr: Translator, e: string) => (e === 'production' || e === 'rehearsal' ? tr.t(`env.${e}`) : e);

/** The run for the terminal; async because the words of a block reason load with the reports (not at start-up). */
export async function formatRun(state: RunState, lang: Lang = outputLang(state.runbook.language)): Promise<string> {
  const tr = translator(lang);
  const rb = state.runbook;
  let blockReason = state.blockedBy?.reason ?? '';
  if (state.blockedBy && lang !== 'en') {
    const { blockReasonText } = await import('../core/reports/gate-words');
    blockReason = blockReasonText(lang, state.blockedBy.reason, state.steps.get(state.blockedBy.stepId)?.gates ?? []);
  }
  const lines = [
    tr.t('cli.run.head', { title: rb.title, runbook: rb.id, version: rb.version, hash: state.runbookHash.slice(0, 12), environment: environment(tr, state.environment), operator: state.operator }),
    `${tr.t('cli.run.status', { status: runStatus(tr, state.status) })}${state.blockedBy ? tr.t('cli.run.blockedAt', { step: state.blockedBy.stepId, reason: blockReason }) : ''}${state.completedAt ? tr.t('cli.run.at', { at: tr.stamp(state.completedAt) }) : ''}`,
  ];
  if (state.rehearsal) lines.push(tr.t('cli.run.bound', { runId: state.rehearsal.runId, sha256: state.rehearsal.manifestSha256 }));
  if (state.t0) lines.push(tr.t('cli.run.t0', { t0: tr.stamp(state.t0), offset: formatOffset(Date.now() - Date.parse(state.t0)) }));
  const section = (title: string, steps: { id: string; kind: string; title: string }[]) => {
    lines.push(`\n${title}`);
    for (const step of steps) {
      const s = state.steps.get(step.id)!;
      const skipped = s.skipReason ? tr.t('cli.run.skippedBy', { actor: s.actor ?? '?', reason: s.skipReason }) : '';
      const notApplicable = s.status === 'N/A' && s.notApplicable ? tr.t('cli.run.notApplicable', { checks: s.notApplicable.filter((c) => !c.result).map((c) => c.expr ?? tr.t('cli.run.onlyIn', { environments: c.environments?.join(', ') ?? '' })).join('; ') }) : '';
      lines.push(`  ${MARK[s.status] ?? '?'} ${stepStatus(tr, s.status).padEnd(11)} ${step.id.padEnd(28)} ${kind(tr, step.kind).padEnd(8)} ${step.title}${skipped}${notApplicable}`);
    }
  };
  if (rb.preconditions.length) section(tr.t('model.phase.preconditions'), rb.preconditions);
  for (const phase of rb.phases) section(`${phase.id}${phase.at ? ` (${phase.at})` : ''} — ${phase.title}`, phase.steps);
  if (rb.rollback?.steps.length) section(tr.t('model.phase.rollback'), rb.rollback.steps);
  if (state.approvals.length) lines.push(`\n${tr.t('cli.run.approvals', { list: state.approvals.map((a) => `${a.signer} (${a.fingerprint})`).join(', ') })}`);
  return lines.join('\n');
}

/**
 * How a step's outcome is printed (`run exec`, `run play`), in the run's language. Async once,
 * sync after: the words of gate results load with the reports, and only for another language.
 */
export async function outcomeFormatter(state: RunState, lang: Lang = outputLang(state.runbook.language)): Promise<(o: StepOutcome, rehearsal?: string | null) => string> {
  const tr = translator(lang);
  const words = lang === 'en' ? null : await import('../core/reports/gate-words');
  const failures = lang === 'en' ? null : await import('../core/reports/failure-words');
  return (o, rehearsal = null) => {
    const gates = o.gates.map((g) => `  ${g.passed ? 'PASS' : g.level === 'warn' ? tr.t('cli.outcome.warn') : 'FAIL'}  ${words ? words.gateText(lang, g) : g.gate}: ${words ? words.gateDetailText(lang, g) : g.detail}${!g.passed && g.level === 'warn' ? tr.t('cli.outcome.notBlocking') : ''}`).join('\n');
    const head = `\n${o.stepId}: ${stepStatus(tr, o.status)}${o.exitCode !== null ? tr.t('cli.outcome.exit', { code: o.exitCode }) : ''}${o.failure ? ` — ${failures ? failures.failureText(lang, o.failure) : `${o.failure.kind}: ${o.failure.message}`}` : ''}`;
    const transcript = tr.t('cli.outcome.transcript', { name: o.transcript.name, size: o.transcript.size, sha256: String(o.transcript.sha256) });
    return `${head}\n${gates}\n${transcript}${rehearsal ? tr.t('cli.outcome.rehearsal', { line: rehearsal }) : ''}${o.blocked && o.status !== 'PASS' ? tr.t('cli.outcome.blocked') : ''}`;
  };
}
