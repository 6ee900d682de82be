// Production against its rehearsal, the whole run: each step's verdict (matches, differs, not in
// rehearsal, or not compared), what differed, the diff's evidence and who accepted a deviation.
// Read from the chain only (`step.compared`, `deviation.accepted`); `cutover run compare`, the
// pack's rehearsal/comparison.json, the decision PDF and the incident report all show this.
import { canonicalJson, type ReadOnlyVault } from '../vault';
import { allSteps } from '../engine/plan';
import type { RunState } from '../engine/types';
import type { Difference } from './compare';
import { acceptancesIn, STEP_COMPARED, type ComparedEvent } from './follow';
import { wordAgain } from '../reports/word-again';
import { oneWhatText } from './what-words';
import { translator, type Lang, type MessageKey } from '../../shared/i18n';

/** `cutover act export … --accept-deviation SHA256 …`: what each approver signs to accept a deviation (the CLI and the window print it alike). */
export function acceptDeviationCommand(runId: string, stepId: string, diffSha256: string): string {
  return `cutover act export --vault V ${runId} ${stepId} --as NAME --accept-deviation ${diffSha256} --out act.json`;
}

export const COMPARISON_FORMAT = 'cutover-rehearsal-comparison/v1';

export interface StepComparisonRow {
  stepId: string;
  title: string;
  kind: string;
  phaseId: string;
  verdict: ComparedEvent['verdict'] | 'not_compared';
  differences: Difference[];
  durationRatio: number | null;
  mustMatch: boolean;
  deviation: ComparedEvent['deviation'];
  diff: { artifactId: string; name: string; sha256: string; size: number } | null;
  accepted: { signer: string; fingerprint: string; at: string }[];
}

export interface RunComparison {
  format: typeof COMPARISON_FORMAT;
  runId: string;
  rehearsal: { runId: string; manifestSha256: string } | null;
  steps: StepComparisonRow[];
  counts: { matches: number; differs: number; notInRehearsal: number; notCompared: number; accepted: number };
  /** Where production first left the rehearsed path (the first step that differs), or null. */
  firstDeviation: string | null;
}

/** The comparison of a run with its rehearsal as its chain records it (last comparison of each step). */
export function runComparison(vault: ReadOnlyVault, state: RunState): RunComparison {
  const compared = new Map<string, ComparedEvent>();
  // One walk of the chain for both the comparisons and the acceptances (the window reads this on every push).
  const events = vault.events();
  for (const e of events) if (e.type === STEP_COMPARED && (e.payload as { runId?: unknown }).runId === state.runId) compared.set((e.payload as ComparedEvent).stepId, e.payload as ComparedEvent);
  const acceptances = acceptancesIn(events, state.runId);
  const steps = allSteps(state).flatMap(({ step, phaseId }): StepComparisonRow[] => {
    const c = compared.get(step.id);
    const executed = ['check', 'command', 'monitor'].includes(step.kind);
    if (!c && !executed) return [];
    const diff = c?.diffArtifact ?? null;
    return [{
      stepId: step.id,
      title: step.title,
      kind: step.kind,
      phaseId,
      verdict: c?.verdict ?? 'not_compared',
      differences: c?.differences ?? [],
      durationRatio: c?.durationRatio ?? null,
      mustMatch: c?.mustMatch ?? false,
      deviation: c?.deviation ?? 'none',
      diff,
      accepted: diff ? acceptances.filter((a) => a.stepId === step.id && a.diffSha256 === diff.sha256).map(({ signer, fingerprint, at }) => ({ signer, fingerprint, at })) : [],
    }];
  });
  const count = (v: StepComparisonRow['verdict']) => steps.filter((s) => s.verdict === v).length;
  return {
    format: COMPARISON_FORMAT,
    runId: state.runId,
    rehearsal: state.rehearsal ? { runId: state.rehearsal.runId, manifestSha256: state.rehearsal.manifestSha256 } : null,
    steps,
    counts: { matches: count('matches'), differs: count('differs'), notInRehearsal: count('not_in_rehearsal'), notCompared: count('not_compared'), accepted: steps.filter((s) => s.accepted.length > 0).length },
    firstDeviation: steps.find((s) => s.verdict === 'differs')?.stepId ?? null,
  };
}

/** rehearsal/comparison.json: canonical JSON, so the same chain gives the same bytes. */
export function comparisonBytes(comparison: RunComparison): Buffer {
  return Buffer.from(`${canonicalJson(comparison)}\n`);
}

const VERDICT_KEYS = { matches: 'rehearsal.verdict.matches', differs: 'rehearsal.verdict.differs', not_in_rehearsal: 'rehearsal.verdict.not_in_rehearsal', not_compared: 'rehearsal.verdict.not_compared' } as const satisfies Record<StepComparisonRow['verdict'], MessageKey>;

/** The step's verdict in words, in `lang`. */
export function verdictWords(row: Pick<StepComparisonRow, 'verdict' | 'mustMatch' | 'deviation'>, lang: Lang = 'en'): string {
  const tr = translator(lang);
  if (row.verdict !== 'differs') return tr.t(VERDICT_KEYS[row.verdict]);
  return `${tr.t('rehearsal.verdict.differs')}${tr.t(row.deviation === 'block' ? 'rehearsal.deviation.block' : row.deviation === 'warn' ? 'rehearsal.deviation.warn' : 'rehearsal.deviation.none')}`;
}

/** What differed and how it reads, as compare.ts records them in English, in `lang`. */
const VALUES: readonly MessageKey[] = ['rehearsal.value.none', 'rehearsal.value.lines', 'rehearsal.value.linesDiffer'];

/** One line per difference and acceptance, for people (in `lang`). */
export function rowDetails(row: StepComparisonRow, lang: Lang = 'en'): string[] {
  const tr = translator(lang);
  const lines = row.differences.map((d) => tr.t('rehearsal.detail.difference', { what: oneWhatText(lang, d.what), rehearsal: wordAgain(lang, oneLine(d.rehearsal), VALUES), production: wordAgain(lang, oneLine(d.production), VALUES) }));
  if (row.diff) lines.push(tr.t('rehearsal.detail.diff', { name: row.diff.name, sha256: row.diff.sha256 }));
  for (const a of row.accepted) lines.push(tr.t('rehearsal.detail.accepted', { signer: a.signer, fingerprint: a.fingerprint, at: tr.stamp(a.at) }));
  return lines;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' | ');
  return flat.length > 300 ? `${flat.slice(0, 297)}…` : flat;
}

/** `cutover run compare` in words (in `lang`). */
export function formatComparison(c: RunComparison, lang: Lang = 'en'): string {
  const tr = translator(lang);
  if (!c.rehearsal) return tr.t('rehearsal.notBound', { runId: c.runId });
  const lines = [tr.t('rehearsal.head', { runId: c.runId, rehearsal: c.rehearsal.runId, sha256: c.rehearsal.manifestSha256 }), ''];
  for (const row of c.steps) {
    lines.push(`${row.verdict === 'matches' ? '✔' : row.verdict === 'differs' ? '✘' : '·'} ${row.stepId}: ${verdictWords(row, lang)}${row.durationRatio !== null ? tr.t('rehearsal.duration', { ratio: tr.number(row.durationRatio) }) : ''}`);
    for (const d of rowDetails(row, lang)) lines.push(`    ${d}`);
  }
  lines.push('', `${tr.t('rehearsal.counts', { matches: c.counts.matches, differs: c.counts.differs, accepted: c.counts.accepted, notIn: c.counts.notInRehearsal, notCompared: c.counts.notCompared })}${c.firstDeviation ? tr.t('rehearsal.first', { step: c.firstDeviation }) : ''}`);
  return lines.join('\n');
}

/** The step's latest comparison with its rehearsal in one line for the console, or null when none was made. */
export function rehearsalLine(vault: ReadOnlyVault, runId: string, stepId: string, lang: Lang = 'en'): string | null {
  const tr = translator(lang);
  const last = vault.events().filter((e) => e.type === STEP_COMPARED && (e.payload as { runId?: unknown; stepId?: unknown }).runId === runId && (e.payload as { stepId?: unknown }).stepId === stepId).at(-1);
  if (!last) return null;
  const c = last.payload as ComparedEvent;
  const ratio = c.durationRatio !== null ? tr.t('rehearsal.durationOf', { ratio: tr.number(c.durationRatio) }) : '';
  if (c.verdict !== 'differs') return `${tr.t(VERDICT_KEYS[c.verdict])}${ratio}`;
  const what = c.differences.map((d) => oneWhatText(lang, d.what)).join(', ');
  const diff = c.diffArtifact ? tr.t('rehearsal.line.diff', { name: c.diffArtifact.name, sha256: c.diffArtifact.sha256 }) : '';
  const next = c.deviation === 'block' && c.diffArtifact ? tr.t('rehearsal.line.blocked', { command: acceptDeviationCommand(runId, stepId, c.diffArtifact.sha256) }) : '';
  return `${verdictWords(c, lang)}: ${what}${ratio}${diff}${next}`;
}
