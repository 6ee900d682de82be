// Each shipped example carries its Markdown source (test/runbook/markdown, copied unchanged from
// the team's runbooks): what can be checked mechanically is. Read from the source, not listed
// here by hand:
// - every evidence or artifact file it names (`*.log`, `*.json`, `*.md`) and every script
//   (`*.py`, `*.sh`, `*.sql`, `*.ps1`) appears in a step of the example;
// - every command it gives (python, alembic, bash, sx_db, psql, pg_dump, SQL; in a code block or
//   in backticks) is the `run` of a step, compared after the shell differences the examples
//   make (`python` → `python3 -m`, `..\tmp\` → `../tmp/`, `| Tee-Object FILE`, `-c alembic.ini`,
//   leading `VAR=value`), a `<placeholder>` matching any word;
// - every endpoint or path in backticks or after GET/POST appears in a step;
// - every abort gate, failure policy and rollback trigger (the items under "Abort gate",
//   "Failure policy", "Triggers", a decision matrix's "Immediate Rollback" rows, and sentences
//   "If …"/"When …") has each of its words in one step, one rollback trigger, or one comment;
// - the backticked values of "Expected", "PASS criteria", "Checkpoint criteria", "Success
//   criteria" and "Acceptance" lists appear in a step.
// Anything the example does not carry must be named in a YAML comment saying "not carried:"
// (what follows those words in that comment then carries it). Deleting a step that carries something fails the check.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunbookFile, type Runbook } from '../../src/core/runbook';

const REPO_ROOT = join(import.meta.dirname, '../..');
const MARKDOWN = join(REPO_ROOT, 'test/runbook/markdown');

const EXAMPLES: { source: string; example: string }[] = [
  { source: 'alembic-governance-cutover.md', example: 'alembic-governance-cutover.yaml' },
  { source: 'postgres-primary-cutover.md', example: 'postgres-primary-cutover.yaml' },
  { source: 'incremental-sync-bigbang-cutover.md', example: 'incremental-sync-bigbang-cutover.yaml' },
  { source: 'go-live-cutover-rc-signoff.md', example: 'go-live-rc-signoff.yaml' },
];

type Kind = 'file' | 'command' | 'path' | 'gate' | 'expected';
interface Item { kind: Kind; text: string; line: number }

const FILE = /[\w./\\-]*?([\w-]+\.(?:log|json|md|py|sh|sql|ps1))(?![\w.])/g;
const COMMAND_START = /^(?:[A-Z_]+=\S+\s+)*(?:python3?|alembic|bash|sh|sx_db|psql|pg_dump|pg_restore|SELECT|INSERT|UPDATE|DELETE|ALTER|CREATE|DROP)\b/;
const GATE_HEADING = /^\s*(?:\*\*)?(?:abort gates?|failure policy|triggers)\b/i;
const EXPECTED_HEADING = /^\s*(?:\*\*)?(?:expected(?: result| behavior| path[^:]*)?|pass criteria|checkpoint criteria|success criteria)\s*:?(?:\*\*)?\s*:?\s*$/i;
const STOP_WORDS = new Set(['the', 'and', 'or', 'if', 'to', 'of', 'in', 'on', 'for', 'with', 'is', 'are', 'be', 'do', 'any', 'when', 'at', 'by', 'an', 'a', 'as', 'stop', 'immediate', 'rollback']);

function backticked(line: string): string[] {
  return [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** What the source names, line by line. */
function sourceItems(markdown: string, sourceName: string): Item[] {
  const items: Item[] = [];
  const add = (kind: Kind, text: string, line: number) => {
    if (!items.some((i) => i.kind === kind && i.text === text)) items.push({ kind, text, line });
  };
  const lines = markdown.split('\n');
  let inCode = false;
  let list: 'gate' | 'expected' | null = null;
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim().startsWith('```')) {
      inCode = !inCode;
      return;
    }
    const spans = inCode ? [raw.trim()] : backticked(raw);
    for (const span of spans) {
      for (const m of span.matchAll(FILE)) if (m[1] !== sourceName) add('file', m[1]!, line);
      const command = span.replace(/^python\s+/, 'python3 ');
      // `alembic current == X` is an expectation, `VAR=value` alone a setting: neither is a command.
      if (COMMAND_START.test(command) && !/^[A-Z_]+=\S+$/.test(command) && !/[=!]=/.test(command)) add('command', span, line);
      else if (/^\/[\w{}<>?=&./-]+$/.test(span)) add('path', span, line);
    }
    for (const m of raw.matchAll(/\b(?:GET|POST|PUT|PATCH|DELETE) (\/\S+)/g)) add('path', m[1]!.replace(/`$/, ''), line);
    // Gates and expectations: the list items under their heading, until the next paragraph.
    if (!inCode) {
      const text = raw.trim();
      if (GATE_HEADING.test(text)) list = 'gate';
      else if (EXPECTED_HEADING.test(text)) list = 'expected';
      else if (/^(?:[-*]|\d+\.)\s+/.test(text) && list) {
        const item = text.replace(/^(?:[-*]|\d+\.)\s+/, '');
        if (list === 'gate') add('gate', item, line);
        else for (const v of backticked(item)) add('expected', v, line);
      } else if (text && !/^(?:[-*]|\d+\.)\s+/.test(text)) list = null;
      // A condition that stops or rolls back ("If any smoke check fails: stop and rollback.",
      // "When runtime rollback is insufficient:") is a gate too.
      const condition = /^(?:(?:[-*]|\d+\.)\s+)?((?:If|When) .+)$/.exec(text);
      if (condition) add('gate', condition[1]!.replace(/\*\*/g, ''), line);
      // A decision matrix row that rolls back at once is a trigger.
      const row = /^\|\s*([^|]+?)\s*\|\s*\*\*Immediate Rollback\*\*\s*\|/.exec(text);
      if (row) add('gate', row[1]!, line);
      // "Acceptance: a, b, c" lines.
      const acceptance = /\*Acceptance:\*\s*(.+)$/.exec(text);
      if (acceptance) for (const part of acceptance[1]!.split(',')) add('expected', part.replace(/\(.*?\)|\.$/g, '').trim(), line);
    }
  });
  return items;
}

/** The same command as the examples write it: python3 -m, forward slashes, no Tee-Object. */
function normalizeCommand(text: string): string {
  return text
    .replace(/\s*\*>&1\s*\|\s*Tee-Object.*$/gm, '')
    .replace(/\\/g, '/')
    .replace(/\bpython3?\s+-m\s+alembic\b/g, 'alembic')
    .replace(/\bpython3?\b/g, 'python')
    .replace(/\balembic\s+-c\s+\S+/g, 'alembic')
    .replace(/(^|&&|\n|;)\s*(?:[A-Z_]+=("[^"]*"|\S+)\s+)+/g, '$1 ')
    .replace(/\s+/g, ' ')
    .trim();
}

function normalizeWords(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_]+/g, ' ').trim();
}

function words(text: string): string[] {
  return normalizeWords(text.replace(/=>\s*STOP\.?/gi, '')).split(' ').filter((w) => w && !STOP_WORDS.has(w) && (w.length > 2 || /\d/.test(w)));
}

/** A source text with `<x>` and `{x}` placeholders as a pattern matching any word in their place. */
function placeholderPattern(text: string): RegExp {
  const parts = text.split(/<[^>]+>|\{[^}]+\}/).map((p) => p.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'));
  return new RegExp(parts.join('\\S+'));
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

interface Carrier { id: string; text: string; run: string }

/** What can carry a source item: each step (all its words; its `run` for commands), each rollback trigger, each "not carried:" comment. */
function carriers(runbook: Runbook, yamlText: string, without?: string): { steps: Carrier[]; others: Carrier[] } {
  const all = [...runbook.preconditions, ...runbook.phases.flatMap((p) => p.steps), ...(runbook.rollback?.steps ?? [])];
  const steps = all.filter((s) => s.id !== without).map((s) => ({
    id: s.id,
    text: strings(s).join('\n'),
    run: 'run' in s && typeof s.run === 'string' ? normalizeCommand(s.run) : '',
  }));
  const others: Carrier[] = (runbook.rollback?.triggers ?? []).map((t, i) => ({ id: `rollback trigger ${i + 1}`, text: t, run: '' }));
  // Comment blocks (consecutive `#` lines) that say "not carried".
  const blocks: string[][] = [];
  let current: string[] = [];
  for (const line of yamlText.split('\n')) {
    const m = /^\s*#\s?(.*)$/.exec(line);
    if (m) current.push(m[1]!);
    else if (current.length) {
      blocks.push(current);
      current = [];
    }
  }
  // Only what follows "not carried" in its block: the rest of the comment may describe what the step does carry.
  blocks.forEach((b, i) => {
    const joined = b.join('\n');
    const at = joined.search(/not carried/i);
    if (at < 0) return;
    const text = joined.slice(at);
    others.push({ id: `comment ${i + 1}`, text, run: normalizeCommand(text) });
  });
  return { steps, others };
}

function carried(item: Item, c: { steps: Carrier[]; others: Carrier[] }): boolean {
  const everyone = [...c.steps, ...c.others];
  switch (item.kind) {
    case 'file':
      return everyone.some((x) => x.text.includes(item.text));
    case 'command': {
      const re = placeholderPattern(normalizeCommand(item.text));
      return c.steps.some((x) => re.test(x.run)) || c.others.some((x) => re.test(x.run) || re.test(x.text));
    }
    case 'path': {
      const re = placeholderPattern(item.text.replace(/\/$/, ''));
      return everyone.some((x) => re.test(x.text));
    }
    case 'expected':
      return everyone.some((x) => normalizeWords(x.text).includes(normalizeWords(item.text)));
    case 'gate': {
      const needed = words(item.text);
      return everyone.some((x) => {
        const have = new Set(normalizeWords(x.text).split(' '));
        return needed.every((w) => have.has(w));
      });
    }
  }
}

function missing(items: Item[], c: { steps: Carrier[]; others: Carrier[] }): string[] {
  return items.filter((i) => !carried(i, c)).map((i) => `${i.kind} (source line ${i.line}): ${i.text}`);
}

describe.each(EXAMPLES)('$example carries $source', ({ source, example }) => {
  const markdown = readFileSync(join(MARKDOWN, source), 'utf8');
  const items = sourceItems(markdown, basename(source));
  const path = join(REPO_ROOT, 'examples', example);
  const loaded = loadRunbookFile(path);

  it('finds what the source names (the reading itself is checked)', () => {
    expect(items.length).toBeGreaterThan(5);
    expect(items.filter((i) => i.kind === 'command').length).toBeGreaterThan(0);
  });

  it('every evidence file, script, command, endpoint, abort gate and expectation of the source is in a step or a "not carried:" comment', () => {
    expect(missing(items, carriers(loaded.runbook, loaded.text))).toEqual([]);
  });

  it('deleting any step that carries something the source names fails the check', () => {
    const c = carriers(loaded.runbook, loaded.text);
    const stepsCarrying = c.steps.filter((s) => items.some((i) => carried(i, { steps: [s], others: [] })));
    expect(stepsCarrying.length).toBeGreaterThan(3);
    const survivors = stepsCarrying.filter((s) => missing(items, carriers(loaded.runbook, loaded.text, s.id)).length === 0).map((s) => s.id);
    // A step whose every item another step carries too (the source says it twice) survives.
    expect([...survivors].sort()).toEqual([...(SHARED_CARRIERS[example] ?? [])].sort());
  });
});

/**
 * Steps that carry only what another step carries as well, per example, because the source
 * asks for the same thing twice: deleting one of them alone leaves the source covered.
 */
const SHARED_CARRIERS: Record<string, string[]> = {
  'alembic-governance-cutover.yaml': [
    // P0's abort gate "any structural deviation beyond approved exception": the parity script's
    // instructions and this attestation both say it.
    'p0-parity-acceptable',
    // The P3 gates (DuplicateTable, MissingColumn, …) are the upgrade's abort_on and the
    // examples this rollback record names for the blocker classification.
    'rb-classify',
  ],
  'postgres-primary-cutover.yaml': [
    // `/stats`, `/health`, `/items`: the baseline, the import checkpoints, the smoke checks,
    // the monitor and the rollback's health check each call them.
    'baseline-stats',
    'import-stats',
    'import-items',
    'backend-postgres-primary',
    'health-monitor',
    'rb-runtime-health',
    // `sx_db pg-bootstrap --source <source_id>`: the bootstrap and the controlled rollback's
    // re-bootstrap run it.
    'pg-bootstrap',
    'rb-data-rebootstrap',
    // `scripts/postgres_primary_smoke.sh`: section 4 and section 5 ("validate target profile
    // via smoke script") each run it; the restart waits on /health.
    'smoke-script',
    'smoke-cutover',
    'restart-postgres-primary',
    // `/items/{id}/meta`: the plugin validation and the checklist line both name it.
    'plugin-validation',
    'checklist-write-path',
  ],
  'go-live-rc-signoff.yaml': [
    // `/api/health`: the T-15 health check, the error-budget monitor and the rollback's check.
    't15-health',
    'p-error-budget',
    'rb-verify',
    // Immediate-rollback rows of the decision matrix are rollback triggers too.
    't0-withdraw',
    't0-ledger',
    'p-webhook-watch',
    // "Login OK": the smoke script's acceptance, and the rollback's login check.
    'rb-verify-login',
    // `python3 scripts/detect_stuck_finance_jobs.py`: the T+0 queue check and the hypercare schedule.
    'p-queue-backlog',
    'h-stuck-jobs',
  ],
  'incremental-sync-bigbang-cutover.yaml': [
    // "validated in staging with docker-test.ps1, perf_smoke_api_v1.py, parity checks": the
    // attestation and the record of its log references.
    'pre-staging-validated',
    'pre-staging-evidence',
    // The two p95 endpoints: the T-60 baseline and the exit criterion probe both.
    't60-baseline-p95',
    'x-dashboards',
    // `GET /api/v1/sync/status?domain=<domain>`: one endpoint, one step per domain (and the
    // wait step names it); T-0's `?domain=cobranzas` health check is the same URL as T-60's.
    't60-no-running-cobranzas',
    't60-no-running-cartera',
    't60-no-running-contratos',
    't60-no-running-gestores',
    't5-wait-current',
    't0-health-status',
    // `/api/v1/sync/watermarks` (T-0 health) is also the prefix of validation's `?domain=` check.
    't0-health-watermarks',
  ],
};

describe('the source reader', () => {
  it('reads the alembic source: its evidence files, scripts, commands and gates', () => {
    const items = sourceItems(readFileSync(join(MARKDOWN, 'alembic-governance-cutover.md'), 'utf8'), 'alembic-governance-cutover.md');
    const of = (kind: Kind) => items.filter((i) => i.kind === kind).map((i) => i.text);
    expect(of('file')).toEqual(expect.arrayContaining(['prod_preflight_approval_attestation.log', 'prod_alembic_width_precheck.log', 'clone_alembic_width_correction.py', 'clone_ai4_object_parity_rerun.py', 'prod_ai4_object_parity.log']));
    expect(of('command')).toContain('python ..\\tmp\\clone_alembic_width_precheck.py *>&1 | Tee-Object -FilePath "..\\tmp\\prod_alembic_width_precheck.log"');
    expect(of('gate')).toEqual(expect.arrayContaining(['Any missing precondition => STOP.', 'Width not 64 or script failure => STOP.', 'DuplicateTable', 'Lock timeout/deadlock']));
    expect(of('expected')).toEqual(expect.arrayContaining(['version_num_length == 64', '70a79686336c']));
    expect(normalizeCommand('python -m alembic heads *>&1 | Tee-Object -FilePath "..\\tmp\\prod_heads_preflight.log"')).toBe('alembic heads');
    expect(normalizeCommand('PYTHONPATH=/app/backend alembic -c backend/alembic.ini upgrade head')).toBe('alembic upgrade head');
  });

  it('reads the go-live decision matrix: immediate rollbacks are triggers, Monitor (Hypercare) rows are not', () => {
    const items = sourceItems(readFileSync(join(MARKDOWN, 'go-live-cutover-rc-signoff.md'), 'utf8'), 'go-live-cutover-rc-signoff.md');
    const gates = items.filter((i) => i.kind === 'gate').map((i) => i.text);
    expect(gates).toEqual(expect.arrayContaining(['Payout/Withdraw 404/5xx', 'Webhook Misclassification', 'Payout Failure Rate > 15%.']));
    expect(gates).not.toContain('Latency Spike (No Errors)');
  });

  it('reads conditions that stop or roll back as gates', () => {
    const items = sourceItems(readFileSync(join(MARKDOWN, 'postgres-primary-cutover.md'), 'utf8'), 'postgres-primary-cutover.md');
    const gates = items.filter((i) => i.kind === 'gate').map((i) => i.text);
    expect(gates).toEqual(expect.arrayContaining(['If bootstrap fails, do not proceed to import/cutover.', 'If any smoke check fails: stop and rollback.', 'If any critical issue appears:', 'When runtime rollback is insufficient:']));
    expect(words('If any smoke check fails: stop and rollback.')).toEqual(['smoke', 'check', 'fails']);
  });

  it('a step deleted from the alembic example is missed, by name', () => {
    const loaded = loadRunbookFile(join(REPO_ROOT, 'examples/alembic-governance-cutover.yaml'));
    const items = sourceItems(readFileSync(join(MARKDOWN, 'alembic-governance-cutover.md'), 'utf8'), 'alembic-governance-cutover.md');
    const gone = missing(items, carriers(loaded.runbook, loaded.text, 'p1-width-correction'));
    expect(gone).toEqual(expect.arrayContaining([expect.stringContaining('clone_alembic_width_correction.py'), expect.stringContaining('prod_alembic_width_correction.log')]));
  });
});
