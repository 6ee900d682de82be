// One step of production against the same step of its rehearsal: the resolved command or SQL,
// the exit code, the gates' outcomes, the captured values, the Alembic revision path, the row
// counts of SQL results and the normalised transcript must be the same; the duration is kept
// as a ratio (it always differs a little, so it is shown, never a deviation). Pure functions of
// the two runs' events and transcripts.
import { lineDiff } from './normalize';

/** An event as both chains hold it (the production vault's and the rehearsal pack's). */
export interface ChainEvent {
  seq: number;
  type: string;
  payload: unknown;
}

/** What one run did in one step, read from its chain. */
export interface StepFacts {
  stepId: string;
  status: string;
  command: string | null;
  exitCode: number | null;
  gates: { gate: string; passed: boolean }[];
  captured: Record<string, string>;
  durationMs: number | null;
  /** The transcript's artifact id, or null when the step has none. */
  transcriptArtifactId: string | null;
}

export type Verdict = 'matches' | 'differs' | 'not_in_rehearsal';

export interface Difference {
  what: string;
  rehearsal: string;
  production: string;
}

export interface StepComparison {
  verdict: Verdict;
  differences: Difference[];
  /** production duration / rehearsal duration, or null when either is unknown. */
  durationRatio: number | null;
  /** The evidence: what differed and the line diff of the normalised transcripts. */
  diff: string;
}

interface Payload {
  runId?: unknown;
  stepId?: unknown;
  [key: string]: unknown;
}

/** The step's last attempt as the chain records it, or null when it never finished. */
export function stepFacts(events: ChainEvent[], runId: string, stepId: string): StepFacts | null {
  let facts: StepFacts | null = null;
  for (const e of events) {
    const p = e.payload as Payload | null;
    if (!p || p.runId !== runId || p.stepId !== stepId) continue;
    if (e.type === 'step.started') {
      facts = { stepId, status: 'running', command: typeof p.command === 'string' ? p.command : null, exitCode: null, gates: [], captured: {}, durationMs: null, transcriptArtifactId: null };
    } else if (e.type === 'step.finished' && facts) {
      const gates = Array.isArray(p.gates) ? (p.gates as { gate?: unknown; passed?: unknown }[]) : [];
      Object.assign(facts, {
        status: String(p.status),
        exitCode: typeof p.exitCode === 'number' ? p.exitCode : null,
        gates: gates.map((g) => ({ gate: String(g.gate), passed: g.passed === true })),
        durationMs: typeof p.durationMs === 'number' ? p.durationMs : null,
        transcriptArtifactId: (p.transcript as { artifactId?: unknown } | undefined)?.artifactId as string ?? null,
      });
    } else if (e.type === 'value.captured' && facts && typeof p.name === 'string') {
      facts.captured[p.name] = typeof p.value === 'string' ? p.value : JSON.stringify(p.value);
    }
  }
  return facts && facts.status !== 'running' ? facts : null;
}

/** "0019 -> 0020, 0020 -> 0021": the revisions Alembic says it ran, in order (upgrade, downgrade, stamp). */
export function alembicPath(transcript: string): string[] {
  const path: string[] = [];
  for (const m of transcript.matchAll(/Running (upgrade|downgrade|stamp_revision) +(.*?) -> ([\w.-]+)/g)) path.push(`${m[1]} ${m[2]!.trim() || '(none)'} -> ${m[3]}`);
  return path;
}

/** The row counts psql-style SQL results print ("(3 rows)"). */
export function rowCounts(transcript: string): number[] {
  return [...transcript.matchAll(/^\((\d+) rows?\)$/gm)].map((m) => Number(m[1]));
}

/** The same lines, counted, in any order. */
function sameLines(a: string, b: string): boolean {
  return JSON.stringify(a.split('\n').sort()) === JSON.stringify(b.split('\n').sort());
}

const show = (value: unknown) => (value === null || value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value));

/** Compares production's step with its rehearsal's; both transcripts already normalised. */
export function compareStep(rehearsal: { facts: StepFacts; transcript: string } | null, production: { facts: StepFacts; transcript: string }): StepComparison {
  const header = `Step ${production.facts.stepId}: production against its rehearsal (normalised transcripts; - rehearsal, + production)\n`;
  if (!rehearsal) return { verdict: 'not_in_rehearsal', differences: [], durationRatio: null, diff: `${header}The rehearsal has no finished run of this step.\n` };
  const r = rehearsal.facts;
  const p = production.facts;
  const differences: Difference[] = [];
  const same = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) differences.push({ what, rehearsal: show(a), production: show(b) });
  };
  same('status', r.status, p.status);
  same('resolved command', r.command, p.command);
  same('exit code', r.exitCode, p.exitCode);
  same('gate outcomes', r.gates.map((g) => `${g.gate}: ${g.passed ? 'pass' : 'FAIL'}`), p.gates.map((g) => `${g.gate}: ${g.passed ? 'pass' : 'FAIL'}`));
  for (const name of new Set([...Object.keys(r.captured), ...Object.keys(p.captured)])) same(`captured value ${name}`, r.captured[name] ?? null, p.captured[name] ?? null);
  // Alembic (Python) walks independent branches in hash order, which differs from one process to
  // the next: the path is the same when the same revisions ran from the same parents, in any
  // order; likewise a transcript whose lines are the same in another order is shown, not a difference.
  same('Alembic revision path', [...alembicPath(rehearsal.transcript)].sort(), [...alembicPath(production.transcript)].sort());
  same('SQL row counts', rowCounts(rehearsal.transcript), rowCounts(production.transcript));
  const lines = lineDiff(rehearsal.transcript, production.transcript);
  const reordered = lines.changed > 0 && sameLines(rehearsal.transcript, production.transcript);
  if (lines.changed > 0 && !reordered) differences.push({ what: 'transcript', rehearsal: `${rehearsal.transcript.split('\n').length} lines`, production: `${lines.changed} line(s) differ after normalisation` });
  const durationRatio = r.durationMs && p.durationMs !== null ? Math.round((p.durationMs / r.durationMs) * 100) / 100 : null;
  const body = differences.length === 0
    ? `Matches rehearsal: same command, exit code, gates, captured values, revision path, row counts and normalised transcript${reordered ? ` (the same lines in another order: independent branches walked in another order)\n\n--- normalised transcript diff\n${lines.text}` : '.\n'}`
    : `${differences.map((d) => `${d.what}:\n  rehearsal:  ${d.rehearsal.replace(/\n/g, '\n              ')}\n  production: ${d.production.replace(/\n/g, '\n              ')}`).join('\n')}\n\n--- normalised transcript diff\n${lines.text}`;
  return { verdict: differences.length === 0 ? 'matches' : 'differs', differences, durationRatio, diff: `${header}${durationRatio !== null ? `Duration: ${durationRatio}× the rehearsal's\n` : ''}\n${body}` };
}
