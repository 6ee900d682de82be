// The scribe's view of a run (runbooks/go-live-cutover-rc-signoff.md): the timeline in scribe
// format (T-offset, step, PASS/FAIL, timestamp, who) and the checkpoint broadcasts, ready to
// copy — cutover start, pre-flight, backup, deploy + smoke, canary, the GO / NO-GO decision and
// a rollback with its reason. Only what the run's evidence supports, in the order it happened.
import { formatOffset } from '../../shared/t-offset';
import { timeZero } from './time-zero';
import { failureSummary, type Decision } from './decision';
import { languageOf, type PackModel, type PackStep } from './pack-model';
import { environmentText, statusText } from './words';
import { translator, type Lang, type Translator } from '../../shared/i18n';
import type { BroadcastCheckpoint } from '../runbook/schema';

export interface TimelineEntry {
  /** "T-30m" from the runbook, or the actual offset from T-0 ("T-02:15", "T+00:41"). */
  t: string;
  tSource: 'runbook' | 'actual';
  at: string;
  kind: 'step' | 'blocked' | 'decision';
  stepId: string | null;
  phase: string | null;
  title: string;
  /** PASS, FAIL, INTERRUPTED, SKIPPED, RUNNING, BLOCKED, ROLLBACK, STOP. */
  result: string;
  actor: string | null;
  evidence: { name: string; sha256: string | null } | null;
}

export interface Timeline {
  /** What T-0 is: the planned T-0 set at start, else the start of the first mutating step (or of the run when none ran). */
  t0: { at: string; label: string };
  entries: TimelineEntry[];
}

const isMain = (s: PackStep) => s.phaseId !== 'rollback';

export { formatOffset, timeZero };


const RESULT: Record<string, string> = { PASS: 'PASS', FAIL: 'FAIL', INTERRUPTED: 'INTERRUPTED', skipped: 'SKIPPED', 'N/A': 'N/A', running: 'RUNNING' };

/** The run's timeline in scribe format, oldest first. Pending steps are not in it. */
export function scribeTimeline(model: PackModel): Timeline {
  const tr = translator(languageOf(model));
  const t0 = timeZero(model);
  const zero = Date.parse(t0.at);
  const offset = (at: string, planned: string | null) => (planned ? { t: planned, tSource: 'runbook' as const } : { t: formatOffset(Date.parse(at) - zero), tSource: 'actual' as const });
  const rows: (TimelineEntry & { order: number })[] = [];
  model.steps.forEach((s, i) => {
    const at = s.finishedAt ?? s.startedAt;
    if (!at || s.status === 'pending') return;
    rows.push({ ...offset(at, s.at), at, kind: 'step', stepId: s.stepId, phase: s.phaseTitle, title: s.title, result: RESULT[s.status] ?? s.status, actor: s.actor, evidence: s.evidence ? { name: s.evidence.name, sha256: s.evidence.sha256 } : null, order: i });
    if (model.run.blockedBy?.stepId === s.stepId && s.finishedAt && s.status !== 'PASS') {
      rows.push({ ...offset(at, s.at), at, kind: 'blocked', stepId: s.stepId, phase: s.phaseTitle, title: tr.t('timeline.blocked', { reason: model.run.blockedBy.reason }), result: 'BLOCKED', actor: 'system', evidence: s.evidence ? { name: s.evidence.name, sha256: s.evidence.sha256 } : null, order: i + 0.5 });
    }
  });
  model.run.decisions.forEach((d, i) => {
    rows.push({ ...offset(d.at, null), at: d.at, kind: 'decision', stepId: null, phase: null, title: tr.t(d.decision === 'rollback' ? 'timeline.decision.rollback' : 'timeline.decision.stop', { reason: d.reason }), result: d.decision === 'rollback' ? 'ROLLBACK' : 'STOP', actor: d.actor, evidence: null, order: model.steps.length + i });
  });
  rows.sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);
  return { t0, entries: rows.map(({ order: _order, ...e }) => e) };
}

// ---- broadcasts ---------------------------------------------------------------------------

export type BroadcastKind = 'cutover-start' | 'preflight' | 'backup' | 'deploy-smoke' | 'canary' | 'decision' | 'rollback' | 'rollback-complete' | 'stop';

export interface Broadcast {
  kind: BroadcastKind;
  at: string;
  t: string;
  /** The message, ready to paste into the war-room channel. */
  text: string;
  /** Steps the message is based on. */
  steps: string[];
}

const BACKUP = /\b(snapshots?|backups?|pitr|restore points?)\b/i;
const CANARY = /canary/i;
const SMOKE = /smoke|health|verif|post-?check|post-upgrade|validat/i;
const WINDOW = /maintenance window|write freeze/i;

const latest = (steps: PackStep[]) => steps.map((s) => s.finishedAt ?? s.startedAt ?? '').sort().at(-1) ?? '';
const stepText = (s: PackStep) => `${s.stepId}${s.evidence ? ` (${s.evidence.name})` : ''}`;
const failed = (s: PackStep) => s.status === 'FAIL' || s.status === 'INTERRUPTED';
const shortTime = (at: string) => at.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

function groupResult(steps: PackStep[]): 'PASS' | 'FAIL' | null {
  if (steps.some(failed)) return 'FAIL';
  if (steps.length && steps.every((s) => s.status === 'PASS')) return 'PASS';
  return null;
}

function failureLine(tr: Translator, steps: PackStep[]): string {
  const f = steps.find(failed)!;
  // Every sentence that takes it ends it with its own period: one ending in "." (a stopped command's) would print "..".
  return `${f.stepId} ${statusText(tr, f.status)}: ${failureSummary(f, tr.lang)}`.replace(/\.$/, '');
}

/** The checkpoint messages the run's state supports, oldest first, each with its timestamp. */
export function broadcasts(model: PackModel, decision: Decision): Broadcast[] {
  const tr = translator(languageOf(model));
  const zero = Date.parse(timeZero(model).at);
  const out: Omit<Broadcast, 't'>[] = [];
  const main = model.steps.filter(isMain);
  const rb = model.steps.filter((s) => !isMain(s));
  // Steps may declare their checkpoint (`broadcast: backup`): then the declarations replace the
  // guesses from English words in titles; preflight, deploy and smoke keep their structural
  // defaults (before the first command, the commands, the read-only steps after them) unless declared.
  const declared = main.some((s) => s.broadcast);
  const marked = (c: BroadcastCheckpoint) => main.filter((s) => s.broadcast === c);
  const window = declared
    ? marked('window').some((s) => s.status === 'PASS')
    : main.some((s) => s.kind === 'attest' && s.status === 'PASS' && WINDOW.test(`${s.title} ${s.statement ?? ''}`));
  const first = main.filter((s) => s.startedAt || s.finishedAt).map((s) => s.startedAt ?? s.finishedAt!).sort()[0];
  if (first || model.run.status !== 'ACTIVE') {
    out.push({
      kind: 'cutover-start', at: model.run.startedAt, steps: [],
      text: `${tr.t('broadcast.start', { title: model.runbook.title, runbook: model.runbook.id, version: model.runbook.version, environment: environmentText(tr, model.run.environment), run: model.run.runId.slice(0, 8), operator: model.run.operator })}${window ? tr.t('broadcast.window') : ''}${tr.t('broadcast.updates')}`,
    });
  }

  // Pre-flight: everything before the first mutating step (preconditions and read-only checks).
  const firstCommand = main.findIndex((s) => s.kind === 'command');
  const preflight = marked('preflight').length ? marked('preflight') : firstCommand >= 0 ? main.slice(0, firstCommand) : main;
  const preResult = groupResult(preflight);
  if (preResult) {
    const checks = preflight.filter((s) => s.kind === 'check' || s.kind === 'monitor' || s.kind === 'http');
    out.push({
      kind: 'preflight', at: latest(preflight), steps: preflight.map((s) => s.stepId),
      text: preResult === 'PASS'
        ? tr.t('broadcast.preflight.pass', { other: preflight.length - checks.length, checks: checks.length, refs: checks.map(stepText).join(', ') || tr.t('broadcast.preflight.attestations') })
        : tr.t('broadcast.preflight.fail', { failure: failureLine(tr, preflight), ref: stepText(preflight.find(failed)!) }),
    });
  }

  // Backup: record steps that hold a snapshot / backup id, and backup or PITR attestations.
  const backup = declared ? marked('backup') : main.filter((s) => (s.kind === 'record' || s.kind === 'attest' || s.kind === 'command') && (BACKUP.test(s.title) || Object.keys(s.values ?? {}).some((k) => BACKUP.test(k))));
  const backupResult = groupResult(backup);
  if (backupResult) {
    const ids = backup.flatMap((s) => Object.entries(s.values ?? {}).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`));
    const attested = backup.filter((s) => s.kind === 'attest').map((s) => tr.t('broadcast.backup.attestedBy', { title: s.title, actor: s.actor ?? '?' }));
    out.push({
      kind: 'backup', at: latest(backup), steps: backup.map((s) => s.stepId),
      text: backupResult === 'PASS'
        ? `${tr.t('broadcast.backup.pass')}${ids.length ? tr.t('broadcast.backup.ids', { ids: ids.join(', ') }) : ''}${attested.length ? ` ${attested.join('; ')}.` : ''}${tr.t('broadcast.backup.ref', { refs: backup.map(stepText).join(', ') })}`
        : tr.t('broadcast.backup.fail', { failure: failureLine(tr, backup) }),
    });
  }

  // Deploy + smoke: the mutating steps, then the checks after the last one.
  const commands = marked('deploy').length ? marked('deploy') : main.filter((s) => s.kind === 'command');
  const canary = declared ? marked('canary') : main.filter((s) => CANARY.test(`${s.stepId} ${s.title} ${s.phaseTitle}`));
  if (commands.length) {
    const lastCommand = main.lastIndexOf(commands.at(-1)!);
    const smoke = marked('smoke').length
      ? marked('smoke')
      : main.slice(lastCommand + 1).filter((s) => (s.kind === 'check' || s.kind === 'monitor' || s.kind === 'http' || (!declared && SMOKE.test(s.title))) && !canary.includes(s) && !s.broadcast);
    const deployResult = groupResult(commands);
    const smokeResult = groupResult(smoke);
    if (deployResult === 'FAIL') {
      out.push({ kind: 'deploy-smoke', at: latest(commands.filter((s) => s.status !== 'pending')), steps: commands.filter((s) => s.status !== 'pending').map((s) => s.stepId), text: tr.t('broadcast.deploy.fail', { failure: failureLine(tr, commands), ref: stepText(commands.find(failed)!) }) });
    } else if (deployResult === 'PASS' && (smokeResult || !smoke.length)) {
      const all = [...commands, ...smoke];
      out.push({
        kind: 'deploy-smoke', at: latest(all), steps: all.map((s) => s.stepId),
        text: smokeResult === 'FAIL'
          ? tr.t('broadcast.deploy.smokeFail', { steps: commands.map((s) => s.stepId).join(', '), failure: failureLine(tr, smoke) })
          : `${tr.t('broadcast.deploy.pass', { n: commands.length, steps: commands.map((s) => s.stepId).join(', ') })}${smoke.length ? tr.t('broadcast.deploy.postChecks', { n: smoke.length, steps: smoke.map((s) => s.stepId).join(', ') }) : ''}.${decision.finalRevision && smoke.length ? `${tr.t('broadcast.deploy.revision', { revision: decision.finalRevision })}${decision.headsState ? `, ${decision.headsState}` : ''}.` : ''}`,
      });
    }
  }

  const canaryResult = groupResult(canary);
  if (canaryResult) {
    out.push({ kind: 'canary', at: latest(canary), steps: canary.map((s) => s.stepId), text: canaryResult === 'PASS' ? tr.t('broadcast.canary.pass', { refs: canary.map(stepText).join(', ') }) : tr.t('broadcast.canary.fail', { failure: failureLine(tr, canary) }) });
  }

  for (const d of model.run.decisions) {
    if (d.decision === 'rollback') out.push({ kind: 'rollback', at: d.at, steps: model.run.blockedBy ? [model.run.blockedBy.stepId] : [], text: `${tr.t('broadcast.rollback', { reason: d.reason })}${model.run.blockedBy ? tr.t('broadcast.rollback.blocked', { step: model.run.blockedBy.stepId, blocked: model.run.blockedBy.reason }) : ''}${tr.t('broadcast.rollback.by', { actor: d.actor })}` });
    else out.push({ kind: 'stop', at: d.at, steps: model.run.blockedBy ? [model.run.blockedBy.stepId] : [], text: tr.t('broadcast.stop', { reason: d.reason, actor: d.actor }) });
  }
  if (model.run.status === 'ROLLBACK' && rb.length && rb.every((s) => s.status === 'PASS' || s.status === 'skipped' || s.status === 'N/A')) {
    const values = rb.flatMap((s) => Object.entries(s.values ?? {}).map(([k, v]) => `${k}=${v}`));
    out.push({ kind: 'rollback-complete', at: latest(rb), steps: rb.map((s) => s.stepId), text: `${tr.t('broadcast.rollbackComplete', { n: rb.length, steps: rb.map((s) => s.stepId).join(', ') })}${values.length ? tr.t('broadcast.recorded', { values: values.join(', ') }) : ''}` });
  }

  // The decision: GO once every step outside the rollback path passed; NO-GO once the run is blocked.
  if (decision.goNoGo === 'GO') {
    const authorized = decision.authorization === 'Approved';
    const at = [latest(main), decision.sources.authorization.at ?? ''].sort().at(-1)!;
    const text = authorized
      ? model.run.environment === 'production' ? tr.t('broadcast.go.live') : tr.t('broadcast.go.rehearsalApproved')
      : model.run.environment === 'production'
        ? tr.t('broadcast.go.recommended')
        : tr.t('broadcast.go.rehearsal');
    out.push({ kind: 'decision', at, steps: [], text: `${text} ${authorized ? tr.t('broadcast.go.approvedBy', { actor: decision.sources.authorization.actor ?? tr.t('broadcast.go.governance') }) : ''}`.trim() });
  } else if (decision.status === 'BLOCKER' && (!['ACTIVE', 'COMPLETED'].includes(model.run.status) || decision.authorization === 'Rejected')) {
    const at = [latest(main), model.run.decisions.at(-1)?.at ?? '', decision.sources.authorization.at ?? ''].sort().at(-1)!;
    out.push({ kind: 'decision', at, steps: [], text: `${tr.t('broadcast.noGo')}${decision.rootCause ? tr.t('broadcast.noGo.rootCause', { cause: decision.rootCause }) : ''}${decision.authorization === 'Rejected' ? `${tr.t('broadcast.noGo.rejected')}${decision.authorizationNote ? ` (${decision.authorizationNote})` : ''}.` : tr.t('broadcast.noGo.notAuthorized')}` });
  } else if (decision.authorization === 'Rejected') {
    out.push({ kind: 'decision', at: decision.sources.authorization.at ?? latest(main), steps: [], text: `${tr.t('broadcast.noGo.rejectedOnly')}${decision.authorizationNote ? ` (${decision.authorizationNote})` : ''}.` });
  }

  return out
    .map((b, i) => ({ b, i }))
    .sort((x, y) => x.b.at.localeCompare(y.b.at) || x.i - y.i)
    .map(({ b }) => ({ ...b, t: formatOffset(Date.parse(b.at) - zero) }));
}

/** The broadcasts as text to copy: one block per message, in `lang` (the run's language). */
export function formatBroadcasts(list: Broadcast[], lang: Lang = 'en'): string {
  const tr = translator(lang);
  if (!list.length) return tr.t('broadcast.none');
  return list.map((b) => `[${lang === 'en' ? shortTime(b.at) : tr.time(b.at)} ${b.t}] ${b.text}`).join('\n\n');
}
