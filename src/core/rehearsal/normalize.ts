// A transcript as it is compared with its rehearsal: what legitimately differs between two runs
// of the same step (timestamps, durations, process ids, the host names, addresses and working
// folders of each run's own targets, temporary paths) is masked by the built-in rules, then by
// the runbook's own `normalize:` patterns. Everything else must be the same.
import type { Runbook, Target } from '../runbook/schema';

export interface MaskRule {
  pattern: RegExp;
  replace: string;
  /** Shown in the comparison: which rule masked it. */
  name: string;
}

const DEFAULT_RULES: MaskRule[] = [
  { name: 'ISO timestamp', pattern: /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?/g, replace: '<timestamp>' },
  { name: 'clock time', pattern: /\b\d{1,2}:\d{2}:\d{2}(\.\d+)?\b/g, replace: '<time>' },
  { name: 'duration', pattern: /\b\d+(\.\d+)?\s?(ms|msec|s|sec|secs|seconds|min|minutes)\b/g, replace: '<duration>' },
  { name: 'process id', pattern: /\b(pid|PID|process)[ =:]+\d+\b/g, replace: '$1 <pid>' },
  { name: 'temporary path', pattern: /(\/tmp|\/var\/tmp|\/private\/var\/folders|\/var\/folders)\/[^\s'":,)]*/g, replace: '<tmp>' },
  { name: 'UUID', pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, replace: '<uuid>' },
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The words that name where this run's targets are: DSN hosts and databases, SSH hosts, working folders. */
function targetWords(targets: Record<string, Target>): { text: string; replace: string }[] {
  const words: { text: string; replace: string }[] = [];
  for (const [name, target] of Object.entries(targets)) {
    if (target.kind === 'postgres') {
      try {
        const url = new URL(target.dsn);
        if (url.hostname) words.push({ text: url.hostname, replace: `<host:${name}>` });
        const db = decodeURIComponent(url.pathname.replace(/^\//, ''));
        if (db.length >= 3) words.push({ text: db, replace: `<database:${name}>` });
      } catch {
        // A DSN that is not a URL names nothing to mask.
      }
    } else if (target.kind === 'ssh') {
      words.push({ text: target.host, replace: `<host:${name}>` });
      if (target.cwd) words.push({ text: target.cwd, replace: `<cwd:${name}>` });
    } else if (target.kind === 'local' && target.cwd) {
      words.push({ text: target.cwd, replace: `<cwd:${name}>` });
    }
  }
  // Longest first: a folder is masked before a host name inside it.
  return words.filter((w) => w.text.length >= 3 && !['127.0.0.1', 'localhost', '::1'].includes(w.text)).sort((a, b) => b.text.length - a.text.length);
}

/** The runbook's own masks. */
export function runbookRules(runbook: Pick<Runbook, 'normalize'>): MaskRule[] {
  return (runbook.normalize ?? []).map((n, i) => typeof n === 'string'
    ? { name: `normalize[${i}]`, pattern: new RegExp(n, 'gm'), replace: '<masked>' }
    : { name: `normalize[${i}]`, pattern: new RegExp(n.pattern, 'gm'), replace: n.replace });
}

/** Masks one run's transcript: its own targets' places first, then the built-in rules, then the runbook's. */
export function normalizeTranscript(text: string, context: { targets: Record<string, Target>; runbook: Pick<Runbook, 'normalize'> }): string {
  let out = text.replace(/\r\n/g, '\n');
  // Alembic lists a revision's branches (a Python set) in hash order, which changes from one process to the next.
  out = out.replace(/^(\s*(?:Branches into|Merges|Revises|Parent): )(.+)$/gm, (_line, label: string, list: string) => `${label}${list.split(/,\s*/).sort().join(', ')}`);
  for (const w of targetWords(context.targets)) out = out.replace(new RegExp(escape(w.text), 'g'), w.replace);
  for (const rule of [...DEFAULT_RULES, ...runbookRules(context.runbook)]) out = out.replace(rule.pattern, rule.replace);
  return out;
}

/** A line diff of two normalised transcripts ("-" rehearsal only, "+" production only, " " both), LCS on lines. */
export function lineDiff(rehearsal: string, production: string): { text: string; changed: number } {
  const a = rehearsal.split('\n');
  const b = production.split('\n');
  // Lines are few in a step's transcript; beyond this the diff names the first differing line only.
  if (a.length * b.length > 4_000_000) {
    const i = a.findIndex((line, k) => line !== b[k]);
    return { text: `(transcripts too long for a line diff; first difference at line ${i + 1})\n- ${a[i] ?? ''}\n+ ${b[i] ?? ''}\n`, changed: 1 };
  }
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const lines: string[] = [];
  let changed = 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      lines.push(`+ ${b[j]}`);
      j++;
      changed++;
    } else {
      lines.push(`- ${a[i]}`);
      i++;
      changed++;
    }
  }
  return { text: `${lines.join('\n')}\n`, changed };
}
