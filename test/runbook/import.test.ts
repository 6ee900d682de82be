// `cutover runbook import` through the real CLI: the four Markdown runbooks teams brought become
// drafts that validate once their TODOs are filled, with every phase, evidence file and abort
// gate of the source in the draft, a coverage report, and the same bytes every time. Markdown
// that is not a runbook is refused with exit 2, never a crash or a hang.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { describeRun, expectNoCrash, expectRefusal, REPO_ROOT, runCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';

const MARKDOWN = join(REPO_ROOT, 'test/runbook/markdown');

interface Coverage {
  source: string;
  listItems: { total: number; mapped: number };
  codeLines: { total: number; mapped: number };
  percent: number;
  descriptionOnly: number;
  lines: Array<{ line: number; kind: string; text: string; mapped?: string; why?: string }>;
  todos: Array<{ where: string; what: string; line: number }>;
}

type Step = { id: string; kind: string; title: string; run?: string; evidence?: string; abort_on?: Array<{ pattern: string; label: string }>; expect?: unknown[] };
type Draft = {
  id: string;
  preconditions?: Step[];
  phases: Array<{ id: string; title: string; at?: string; steps: Step[] }>;
  rollback?: { triggers?: string[]; steps?: Step[] };
  evidence_pack?: string[];
};

async function importToFile(file: string, dir: string, name = 'draft.yaml'): Promise<{ yamlPath: string; coverage: Coverage; yaml: string }> {
  const yamlPath = join(dir, name);
  const r = await runCli(['runbook', 'import', join(MARKDOWN, file), '--out', yamlPath, '--json']);
  expect(r.code, describeRun(r)).toBe(0);
  expectNoCrash(r);
  const out = JSON.parse(r.stdout) as { coverage: Coverage; out: string };
  expect(out.out).toBe(yamlPath);
  return { yamlPath, coverage: out.coverage, yaml: readFileSync(yamlPath, 'utf8') };
}

/** What the DBA does: every TODO gets a value (one ssh target named `ops`, its host, the base URL, gate patterns). */
function fillTodos(yaml: string): string {
  return yaml.replace(/\bTODO\b/g, 'ops');
}

function allSteps(d: Draft): Step[] {
  return [...(d.preconditions ?? []), ...d.phases.flatMap((p) => p.steps), ...(d.rollback?.steps ?? [])];
}

async function expectValidAfterFilling(yaml: string, dir: string): Promise<void> {
  expect(yaml).toMatch(/\bTODO\b/);
  const filled = join(dir, 'filled.yaml');
  writeFileSync(filled, fillTodos(yaml));
  const r = await runCli(['runbook', 'validate', filled, '--json']);
  expect(r.code, describeRun(r)).toBe(0);
  expect((JSON.parse(r.stdout) as { ok: boolean }).ok).toBe(true);
}

/** Every step (and every phase) in the YAML is preceded by a `# from FILE.md:LINE` comment naming a real, non-blank source line. */
function expectSourceComments(yaml: string, file: string): void {
  const source = readFileSync(join(MARKDOWN, file), 'utf8').split('\n');
  const lines = yaml.split('\n');
  let elements = 0;
  lines.forEach((line, i) => {
    if (!/^\s*- id: /.test(line)) return;
    elements++;
    const comment = new RegExp(`^\\s*# from ${file.replace(/\./g, '\\.')}:(\\d+)`).exec(lines[i - 1] ?? '');
    expect(comment, `no source comment before "${line.trim()}"`).not.toBeNull();
    expect(source[Number(comment![1]) - 1]?.trim(), `line ${comment![1]} of ${file} is blank`).toBeTruthy();
  });
  expect(elements).toBeGreaterThan(5);
}

/** The `- ` bullets under each "Abort gate(s)" line of the source, with the source line of the last command before it. */
function abortGates(file: string): Array<{ bullet: string; line: number; lastCommandLine?: number }> {
  const lines = readFileSync(join(MARKDOWN, file), 'utf8').split('\n');
  const out: Array<{ bullet: string; line: number; lastCommandLine?: number }> = [];
  let inFence = false;
  let lastCommandLine: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^```/.test(line)) inFence = !inFence;
    else if (inFence && line.trim()) lastCommandLine = i + 1;
    else if (/^#{1,6} /.test(line)) lastCommandLine = undefined;
    else if (/^Abort gates?\b/.test(line)) {
      for (let j = i + 1; j < lines.length && !/^(#|---)/.test(lines[j]!); j++) {
        const m = /^- (.+)$/.exec(lines[j]!);
        if (m) out.push({ bullet: m[1]!, line: j + 1, ...(lastCommandLine ? { lastCommandLine } : {}) });
      }
    }
  }
  return out;
}

describe('cutover runbook import: the four Markdown runbooks', () => {
  const phasesOf: Record<string, Array<{ title: string; at?: string; id?: string }>> = {
    'alembic-governance-cutover.md': [
      { id: 'P0', title: 'Phase P0 — Preflight Read-only Checks' },
      { id: 'P1', title: 'Phase P1 — Lineage Table Integrity Alignment (Forward, Controlled)' },
      { id: 'P2', title: 'Phase P2 — Establish Alembic Lineage at Approved Anchor' },
      { id: 'P3', title: 'Phase P3 — Forward Upgrade to Head' },
      { id: 'P4', title: 'Phase P4 — Post-upgrade Verification (Read-only)' },
    ],
    'go-live-cutover-rc-signoff.md': [
      { title: 'A) Pre-Cutover (T-60 -> T-0)', at: 'T-60' },
      { title: 'B) Cutover (T-0)', at: 'T-0' },
      { title: 'C) Post-Cutover (T+0 -> T+30)', at: 'T+0' },
      { title: 'T-60 — Pre-flight', at: 'T-60' },
      { title: 'T-30 — Backup', at: 'T-30' },
      { title: 'T-15 — Deploy + Migration + Smoke', at: 'T-15' },
      { title: 'T-0 — Canary Money Loop (GO Decision)', at: 'T-0' },
      { title: '1) Pre-flight (T-60)', at: 'T-60' },
      { title: '2) Backup (T-30)', at: 'T-30' },
      { title: '3) Deploy + Migration + Smoke (T-15)', at: 'T-15' },
      { title: '4) Canary Money Loop (T-0) — GO/NO-GO', at: 'T-0' },
      { title: '5) Hypercare (T+0 -> T+72h)', at: 'T+0' },
    ],
    'incremental-sync-bigbang-cutover.md': [
      { title: 'T-60 min (Preparation)', at: 'T-60' },
      { title: 'T-5 min (Freeze)', at: 'T-5' },
      { title: 'T-0 (Cutover)', at: 'T-0' },
      { title: 'Validation (first 15 min)' },
    ],
    'postgres-primary-cutover.md': [
      { title: '1) Pre-cutover safety snapshot' },
      { title: '2) Tenant bootstrap (source -> schema)' },
      { title: '3) Data load to Postgres primary' },
      { title: '4) Smoke checks (required)' },
      { title: '5) Production cutover window' },
      { title: '8) Post-cutover checklist' },
    ],
  };
  /** List items and code lines that became steps, gates, expectations or evidence (not only description text), as reached today. */
  const structuredAtLeast: Record<string, number> = {
    'alembic-governance-cutover.md': 84,
    'go-live-cutover-rc-signoff.md': 71,
    'incremental-sync-bigbang-cutover.md': 100,
    'postgres-primary-cutover.md': 87,
  };

  for (const file of Object.keys(phasesOf)) {
    it(`${file}: a draft that validates once its TODOs are filled, with every phase, evidence file and abort gate`, async () => {
      const dir = useTempDir('cutover-import-');
      const { yaml, coverage } = await importToFile(file, dir);
      await expectValidAfterFilling(yaml, dir);
      expectSourceComments(yaml, file);
      const draft = parse(yaml) as Draft;

      for (const phase of phasesOf[file]!) {
        const found = draft.phases.find((p) => p.title === phase.title);
        expect(found, `phase "${phase.title}" in ${draft.phases.map((p) => p.title).join(' | ')}`).toBeDefined();
        if (phase.at) expect(found!.at).toBe(phase.at);
        if (phase.id) expect(found!.id).toBe(phase.id);
      }

      // Every evidence file the source names is in the pack, and some step produces it.
      const source = readFileSync(join(MARKDOWN, file), 'utf8');
      const named = [...new Set([...source.matchAll(/[\w.-]+\.log\b/g)].map((m) => m[0]))];
      const produced = allSteps(draft).map((s) => s.evidence).filter(Boolean);
      for (const name of named) {
        expect(draft.evidence_pack ?? []).toContain(name);
        expect(produced).toContain(name);
      }
      if (file.startsWith('alembic')) expect(named).toHaveLength(15);

      // Every "Abort gate" bullet is a gate of the step whose command came just before it.
      for (const gate of abortGates(file)) {
        if (gate.lastCommandLine === undefined) {
          // "Any missing precondition => STOP": preconditions are enforced by the engine.
          expect(coverage.lines.find((l) => l.line === gate.line)?.mapped).toMatch(/^preconditions/);
          continue;
        }
        const owner = allSteps(draft).find((s) => (s.abort_on ?? []).some((g) => g.label === gate.bullet));
        expect(owner, `abort gate "${gate.bullet}" (line ${gate.line})`).toBeDefined();
        const commandLine = source.split('\n')[gate.lastCommandLine - 1]!;
        expect(commandLine).toContain(owner!.run!.split(' ').slice(0, 3).join(' '));
        const tee = /Tee-Object -FilePath "[^"]*\\([^"\\]+)"/.exec(commandLine);
        if (tee) expect(owner!.evidence).toBe(tee[1]);
      }

      // The coverage report: at least 90 % of list items and code lines mapped; every line either mapped or with a reason.
      expect(coverage.percent).toBeGreaterThanOrEqual(90);
      const total = coverage.listItems.total + coverage.codeLines.total;
      const structured = ((coverage.listItems.mapped + coverage.codeLines.mapped - coverage.descriptionOnly) / total) * 100;
      expect(structured).toBeGreaterThanOrEqual(structuredAtLeast[file]!);
      for (const line of coverage.lines) expect(Boolean(line.mapped) !== Boolean(line.why), JSON.stringify(line)).toBe(true);
      expect(coverage.todos.some((t) => t.where === 'targets.TODO')).toBe(true);
    });
  }

  it('two imports of the same file are byte-identical, to a file and to stdout', async () => {
    const dir = useTempDir('cutover-import-');
    const first = await importToFile('alembic-governance-cutover.md', dir, 'one.yaml');
    const second = await importToFile('alembic-governance-cutover.md', dir, 'two.yaml');
    expect(readFileSync(second.yamlPath)).toEqual(readFileSync(first.yamlPath));
    const stdout = await runCli(['runbook', 'import', join(MARKDOWN, 'alembic-governance-cutover.md')]);
    expect(stdout.code, describeRun(stdout)).toBe(0);
    expect(stdout.stdout).toBe(first.yaml);
    expect(stdout.stderr).toMatch(/% of list items and code lines mapped; \d+ TODO values to fill/);
  });

  it('the text report names each source line as mapped (to what) or UNMAPPED (why), and the TODOs to fill', async () => {
    const dir = useTempDir('cutover-import-');
    const out = join(dir, 'draft.yaml');
    const r = await runCli(['runbook', 'import', join(MARKDOWN, 'alembic-governance-cutover.md'), '--out', out]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^alembic-governance-cutover\.md: \d+(\.\d)?% of list items and code lines mapped/);
    expect(r.stdout).toContain('alembic-governance-cutover.md:128  mapped    phases[P3].steps[prod-upgrade-0019-to-head] (command)');
    expect(r.stdout).toContain('alembic-governance-cutover.md:142  mapped    phases[P3].steps[prod-upgrade-0019-to-head].abort_on');
    expect(r.stdout).toMatch(/UNMAPPED {2}a heading with no steps under it +\| ## Rollback\/Containment Protocol/);
    expect(r.stdout).toMatch(/To fill \(\d+\):/);
    expect(r.stdout).toContain(`Draft written to ${out}`);
  });
});

describe('cutover runbook import: Spanish section words', () => {
  it('Precondiciones, Fase, Compuertas de aborto, Esperado, Arranque with thresholds, Evidencias, Disparadores and Recuperación become the same runbook parts', async () => {
    const dir = useTempDir('cutover-import-');
    const md = join(dir, 'corte.md');
    writeFileSync(md, [
      '# Corte de producción',
      '',
      '## Precondiciones',
      '',
      '1. Ventana de mantenimiento aprobada.',
      '2. ID del snapshot: __________',
      '',
      '## Fase F1 — Verificación (T-30)',
      '',
      '```bash',
      'python -m alembic current | tee verificacion_previa.log',
      'python -m alembic upgrade head > actualizacion.log',
      '```',
      '',
      'Esperado:',
      '',
      '- Revisión `70a79686336c`',
      '',
      'Compuertas de aborto:',
      '',
      '- DuplicateTable',
      '',
      '## Arranque (T+0)',
      '',
      '1. Vigilar `GET /api/v1/health` durante 15 min:',
      '   - `error_rate_pct <= 2.0`',
      '   - `p95_ms <= 1200`',
      '',
      '## Recuperación',
      '',
      'Disparadores:',
      '',
      '- Error en la migración.',
      '',
      'Pasos:',
      '',
      '1. Restaurar el snapshot.',
      '',
      '## Evidencias',
      '',
      '- `verificacion_previa.log`',
      '- `actualizacion.log`',
      '',
    ].join('\n'));
    const out = join(dir, 'corte.yaml');
    const r = await runCli(['runbook', 'import', md, '--out', out, '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    const yaml = readFileSync(out, 'utf8');
    await expectValidAfterFilling(yaml, dir);
    const draft = parse(yaml) as Draft & { preconditions: Step[] };
    expect(draft.preconditions.map((s) => s.kind)).toEqual(['attest', 'record']);
    const phase = draft.phases.find((p) => p.id === 'F1')!;
    expect(phase.at).toBe('T-30');
    expect(phase.steps.map((s) => [s.kind, s.evidence])).toEqual([['check', 'verificacion_previa.log'], ['command', 'actualizacion.log']]);
    expect(phase.steps[1]!.abort_on).toEqual([{ pattern: 'DuplicateTable', label: 'DuplicateTable' }]);
    expect(phase.steps[1]!.expect).toEqual([{ output_contains: '70a79686336c' }]);
    const arranque = draft.phases.find((p) => p.title === 'Arranque (T+0)')!;
    expect(arranque.at).toBe('T+0');
    expect(arranque.steps).toEqual([{
      id: 'vigilar-get-api-v1-health-durante-15-min', kind: 'monitor', title: 'Vigilar GET /api/v1/health durante 15 min',
      probe: { url: 'https://TODO/api/v1/health', every: '30s', for: '15m' }, thresholds: ['error_rate_pct <= 2.0', 'p95_ms <= 1200'],
    }]);
    expect(draft.rollback?.triggers).toEqual(['Error en la migración.']);
    expect(draft.rollback?.steps?.map((s) => s.title)).toEqual(['Restaurar el snapshot']);
    expect(draft.evidence_pack).toEqual(['verificacion_previa.log', 'actualizacion.log']);
  });
});

describe('cutover runbook import: Markdown that is not a runbook', () => {
  it('a README, an empty file, a 20 MB file, binary bytes, 95,000 list items, a folder and a missing file: exit 2 with a message, nothing written', async () => {
    const dir = useTempDir('cutover-import-');
    const empty = join(dir, 'empty.md');
    writeFileSync(empty, '');
    const big = join(dir, 'big.md');
    writeFileSync(big, Buffer.alloc(20 * 1024 * 1024, '- [ ] step\n'));
    const binary = join(dir, 'binary.md');
    writeFileSync(binary, Buffer.from([0x23, 0x20, 0x00, 0xff, 0xfe, 0x01, 0x02, 0x89, 0x50, 0x4e, 0x47]));
    const nul = join(dir, 'nul.md');
    writeFileSync(nul, '# Runbook\n\n- step\u0000\n');
    const list = join(dir, 'list.md');
    writeFileSync(list, `# Runbook\n\n## Preconditions\n\n${'- [ ] step\n'.repeat(95_000)}`);
    const folder = join(dir, 'folder.md');
    mkdirSync(folder);
    const cases: Array<[string, RegExp]> = [
      [join(REPO_ROOT, 'README.md'), /does not look like a runbook/],
      [empty, /the file is empty/],
      [big, /too large for a Markdown runbook \(at most 1048576 bytes\)/],
      [binary, /not UTF-8 text \(binary bytes\)/],
      [nul, /control byte U\+0000/],
      [list, /95000 list items and code lines is not a runbook \(at most 5000/],
      [folder, /this is a folder/],
      [join(dir, 'missing.md'), /cannot open the file \(no such file\)/],
    ];
    for (const [file, message] of cases) {
      const out = join(dir, 'out.yaml');
      const r = await runCli(['runbook', 'import', file, '--out', out], { timeoutMs: 30_000 });
      expectRefusal(r, 2, message);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('--out naming the Markdown file itself is refused, and the file is left as it was', async () => {
    const dir = useTempDir('cutover-import-');
    const md = join(dir, 'r.md');
    const text = readFileSync(join(MARKDOWN, 'incremental-sync-bigbang-cutover.md'));
    writeFileSync(md, text);
    const r = await runCli(['runbook', 'import', md, '--out', md]);
    expectRefusal(r, 2, /is the Markdown file itself/);
    expect(readFileSync(md)).toEqual(text);
  });
});

describe('ids and evidence names from any language', () => {
  it('accented letters in ids and evidence names are refused with the ASCII form to write', async () => {
    const dir = useTempDir('cutover-import-');
    const file = join(dir, 'r.yaml');
    writeFileSync(file, [
      'format: cutover-runbook/v1',
      'id: corte',
      'title: Corte',
      'version: 1',
      'targets:',
      '  ops: { kind: local }',
      'phases:',
      '  - id: verificación',
      '    title: Verificación',
      '    steps:',
      '      - id: comprobación-1',
      '        kind: check',
      '        title: Comprobar',
      '        target: ops',
      '        run: "true"',
      '        read_only: true',
      '        evidence: verificación_previa.log',
      '',
    ].join('\n'));
    const r = await runCli(['runbook', 'validate', file]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toContain(':8:9: `id` must be an id');
    expect(r.stderr).toContain('write "verificacion"');
    expect(r.stderr).toContain('write "comprobacion-1"');
    expect(r.stderr).toContain('write "verificacion_previa.log"');
    writeFileSync(file, readFileSync(file, 'utf8').replace('id: verificación', 'id: verificacion').replace('comprobación-1', 'comprobacion-1').replace('verificación_previa', 'verificacion_previa'));
    const fixed = await runCli(['runbook', 'validate', file]);
    expect(fixed.code, describeRun(fixed)).toBe(0);
  });
});
