// Markdown sections → a draft runbook. Headings become phases (offset and id where the heading
// gives them), list items and code lines become steps, lead-ins ("Expected:", "Abort gate:",
// "Required artifacts", "Triggers:") say what the list under them becomes. Every element
// records its source line; every list item and code line is reported as mapped or not.
import type { Block, CodeLine, ListItem, MarkdownDocument, Section } from './blocks';
import { DraftBuilder, TODO, type LineKind, type Obj, type Path } from './draft';
import {
  commandKind, escapeRegex, EVIDENCE_NAME, fileName, findOffset, findPhaseId, httpRequest, isCommand, isEndpointPath,
  isStopRule, isTriggerSentence, leadMode, sectionRole, slug, splitEvidence, stems, type ListMode, type SectionRole,
} from './words';

interface StepRef { obj: Obj; path: Path; where: string; line: number; exec: boolean; words: Set<string> }

const BLANK = /_{3,}/;
const THRESHOLD = /\b(error_rate_pct|p50_ms|p95_ms|p99_ms|max_ms)\s*(<=|<|>=|>)\s*(\d+(?:\.\d+)?)/g;
const CHECKBOX = /^\[( |x|X)\]\s*/;
const PASS_FAIL = /\bPASS\s*\/\s*FAIL\b/i;
const CRITERIA_HEADING = /\b(criteria|criterios|checklist|lista de control|sign-off|completion)\b/i;

export class RunbookMapper {
  readonly b: DraftBuilder;
  title = '';
  titleLine = 0;
  readonly description: Array<{ line: number; text: string }> = [];
  readonly env = new Map<string, { value: string; line: number }>();
  readonly preconditions: Obj[] = [];
  readonly phases: Array<Obj & { steps: Obj[] }> = [];
  readonly rollbackSteps: Obj[] = [];
  readonly triggers: string[] = [];
  readonly rollbackNotes: string[] = [];
  readonly evidencePack: Array<{ name: string; line: number }> = [];
  decision: { line: number; target?: string; statement: string[] } | undefined;
  /** Signals that this is a runbook and not some other Markdown. */
  signals = 0;
  readonly steps: StepRef[] = [];
  private readonly stepIds = new Set<string>();
  private readonly idCounters = new Map<string, number>();
  private readonly describedSections = new Set<number>();
  private readonly packNames = new Set<string>();
  private readonly phaseIds = new Set<string>();
  private readonly evidenceNames = new Set<string>();
  usesBaseUrl = 0;

  // Per section
  private section!: Section;
  private role: SectionRole = 'phase';
  private phase: (Obj & { steps: Obj[] }) | undefined;
  private phaseIndex = -1;
  private sectionSteps: StepRef[] = [];
  private pendingPurpose: Array<{ text: string; line: number }> = [];

  constructor(readonly doc: MarkdownDocument) {
    this.b = new DraftBuilder(doc.lines);
  }

  run(): void {
    const roles: Array<SectionRole | undefined> = [];
    for (const section of this.doc.sections) {
      // roles[i] is the role of the open heading of level i + 1 (undefined where none is open).
      roles.length = Math.max(section.level - 1, 0);
      let role = sectionRole(section.title);
      // A sub-heading of "Communication Plan" or "Rollback" inherits what its parent is about.
      const parentRole = [...roles].reverse().find((r) => r !== undefined);
      if (role === 'phase' && section.level > 1 && parentRole && ['about', 'rollback', 'evidence'].includes(parentRole)) role = parentRole;
      roles[Math.max(section.level - 1, 0)] = role;
      this.enter(section, role);
    }
  }

  private enter(section: Section, role: SectionRole): void {
    this.section = section;
    this.role = role;
    this.phase = undefined;
    this.sectionSteps = [];
    this.pendingPurpose = [];
    if (section.level === 1 && !this.title) {
      this.title = section.title;
      this.titleLine = section.line;
      this.b.mapped(section.line, 'heading', 'title');
      this.role = 'about';
    } else if (section.level > 0) {
      if (role !== 'phase' && role !== 'about') this.signals++;
      if (findOffset(section.title) || findPhaseId(section.title)) this.signals++;
      this.b.unmapped(section.line, 'heading', role === 'about' ? 'kept in the description' : 'a heading with no steps under it');
      if (role === 'about') this.b.mapped(section.line, 'heading', 'description');
    }
    const defaultMode = this.defaultMode();
    let mode: ListMode | 'about' | 'decision' = defaultMode;
    for (const block of section.blocks) {
      if (block.kind === 'paragraph') mode = this.paragraph(block, defaultMode);
      else if (block.kind === 'list') for (const item of block.items) this.item(item, mode, undefined);
      else if (block.kind === 'code') this.code(block.lines);
      else this.table(block);
    }
    // Prose in a phase is its purpose; in a section that became no phase, the description.
    const phase = this.phase as (Obj & { steps: Obj[] }) | undefined;
    if (phase && this.pendingPurpose.length) {
      phase.purpose = this.pendingPurpose.map((p) => p.text).join('\n');
      for (const p of this.pendingPurpose) this.b.mapped(p.line, 'paragraph', `${this.phaseWhere()}.purpose`);
    } else {
      for (const p of this.pendingPurpose) this.describe(p.text, p.line, 'paragraph');
    }
  }

  private defaultMode(): ListMode | 'about' | 'decision' {
    switch (this.role) {
      case 'preconditions': return 'attest';
      case 'evidence': return 'evidence';
      case 'decision': return 'decision';
      case 'about': return 'about';
      case 'rollback': return 'steps';
      default: return CRITERIA_HEADING.test(this.section.title) ? 'attest' : 'steps';
    }
  }

  // ---- paragraphs -----------------------------------------------------------------------

  private paragraph(block: Extract<Block, { kind: 'paragraph' }>, defaultMode: ListMode | 'about' | 'decision'): ListMode | 'about' | 'decision' {
    const { text, line } = block;
    const lead = leadMode(text);
    if (lead) {
      this.signals++;
      this.b.mapped(line, 'paragraph', `lead-in: the list below becomes ${({ steps: 'steps', expect: 'expectations', abort: 'abort gates', evidence: 'evidence_pack', triggers: 'rollback.triggers', attest: 'attest steps' } as const)[lead]}`);
      // "Failure policy:" and similar may carry the rule on the same line.
      return lead;
    }
    if (BLANK.test(text) && this.role !== 'about') {
      this.blankRecord(text, line, []);
      return defaultMode;
    }
    if (isTriggerSentence(text) && (this.role === 'rollback' || /\b(rollback|roll back|stop|alto|revert)\b/i.test(text))) {
      this.trigger(text.replace(/:$/, ''), line, 'paragraph');
      return this.role === 'rollback' ? 'steps' : defaultMode;
    }
    if (isStopRule(text)) {
      this.gate(text, line, 'paragraph');
      return defaultMode;
    }
    // Prose: the phase's purpose, the rollback's instructions, or the description.
    if (this.role === 'phase') {
      this.pendingPurpose.push({ text, line });
    } else if (this.role === 'rollback') {
      this.rollbackNotes.push(text);
      this.b.mapped(line, 'paragraph', 'rollback.instructions');
    } else if (this.role === 'decision') {
      this.decisionLine(text, line, 'paragraph');
    } else {
      this.describe(text, line, 'paragraph');
    }
    return defaultMode;
  }

  // ---- list items -----------------------------------------------------------------------

  private item(item: ListItem, mode: ListMode | 'about' | 'decision', parent: { title: string; step?: StepRef } | undefined): void {
    const text = item.text;
    const kind: LineKind = 'list-item';
    switch (mode) {
      case 'about':
        this.describe(text, item.line, kind);
        for (const c of item.code) this.codeAbout(c);
        this.extras(item, (t, l) => this.describe(t, l, kind));
        for (const child of item.children) this.item(child, mode, parent);
        return;
      case 'decision':
        this.decisionLine(text, item.line, kind);
        for (const child of item.children) this.item(child, mode, parent);
        return;
      case 'evidence':
        this.evidenceItem(item);
        for (const child of item.children) this.item(child, mode, parent);
        return;
      case 'triggers':
        this.trigger(text, item.line, kind);
        for (const child of item.children) this.item(child, mode, parent);
        return;
      case 'abort':
        this.gate(text, item.line, kind);
        for (const child of item.children) this.item(child, mode, parent);
        return;
      case 'expect':
        this.expectation(item, parent?.step);
        return;
      case 'attest':
      case 'steps':
        this.stepItem(item, mode, parent);
        return;
    }
  }

  private extras(item: ListItem, each: (text: string, line: number) => void): void {
    for (const extra of item.extra) each(extra.text, extra.line);
  }

  private stepItem(item: ListItem, mode: 'attest' | 'steps', parent: { title: string; step?: StepRef } | undefined): void {
    const checkbox = CHECKBOX.test(item.text);
    const text = item.text.replace(CHECKBOX, '');
    if (checkbox) this.signals++;
    const http = /\b(verify|verificar|check|comprobar|health|salud|GET|endpoint|reachable|probe)\b/i.test(`${text} ${parent?.title ?? ''}`);
    const commands = [
      ...item.codes.filter((c) => isCommand(c) && !c.includes('==')),
      ...(http && !checkbox ? item.codes.filter((c) => isEndpointPath(c)) : []),
    ];
    const lead = titleOf(text);
    const title = lead || parent?.title || '';

    if (checkbox || (BLANK.test(text) && this.role !== 'rollback')) {
      if (BLANK.test(text) || item.children.some((c) => !CHECKBOX.test(c.text) && BLANK.test(c.text))) {
        const fieldChildren = item.children.filter((c) => !CHECKBOX.test(c.text) && BLANK.test(c.text));
        this.blankRecord(text, item.line, fieldChildren);
        for (const child of item.children) if (!fieldChildren.includes(child)) this.item(child, 'attest', { title: text });
      } else {
        this.attest(text, item.line, item);
      }
      return;
    }
    if (mode === 'attest' || this.role === 'preconditions') {
      this.attest(text, item.line, item);
      return;
    }
    if (/^(record|registrar|anotar)\b/i.test(text)) {
      this.recordFromList(text, item.line);
      return;
    }
    const thresholds = [item, ...flatten(item.children)].flatMap((i) => [...i.text.matchAll(THRESHOLD)].map((m) => `${m[1]} ${m[2]} ${m[3]}`));
    if (thresholds.length) {
      this.monitor(item, text, [...new Set(thresholds)]);
      return;
    }
    const created: StepRef[] = [];
    for (const command of commands) created.push(this.exec(command, title, item.line, 'list-item'));
    for (const c of item.code) created.push(this.exec(c.text, title, c.line, 'code'));
    const childCommands = item.children.some((c) => hasCommand(c, http || /\b(verify|health|check|salud)\b/i.test(text)));
    if (!created.length && !childCommands) {
      // Something a person does: a manual step carrying the item and its sub-items as instructions.
      const lines = [text, ...item.extra.map((e) => e.text), ...flatten(item.children).map((c) => `- ${c.text}`)];
      const step = this.addStep({ kind: 'manual', title: clip(plainTitle(title || text)), instructions: lines.join('\n') }, item.line, false, text);
      for (const e of item.extra) this.b.mapped(e.line, 'paragraph', step.where);
      for (const c of flatten(item.children)) this.b.mapped(c.line, 'list-item', `${step.where}.instructions`);
      return;
    }
    if (!created.length) this.b.mapped(item.line, 'list-item', 'title of the steps below it');
    const context = { title: plainTitle(title), step: created[created.length - 1] };
    for (const extra of item.extra) this.note(context.step, extra.text, extra.line, 'paragraph');
    for (const child of item.children) {
      if (hasCommand(child, true)) {
        this.item(child, 'steps', context);
        context.step = this.sectionSteps[this.sectionSteps.length - 1] ?? context.step;
      } else if (/^(expect|esperado|acceptance|aceptaci[oó]n)/i.test(child.text)) {
        this.expectation(child, context.step);
      } else if (context.step) {
        this.note(context.step, child.text, child.line, 'list-item');
        for (const c of flatten(child.children)) this.note(context.step, c.text, c.line, 'list-item');
      } else {
        this.item(child, 'steps', context);
      }
    }
  }

  /** "Watch `GET /api/health` for 15 min: `error_rate_pct <= 2.0`, `p95_ms <= 1200`" — an HTTP probe over a window. */
  private monitor(item: ListItem, text: string, thresholds: string[]): void {
    const codes = [item, ...flatten(item.children)].flatMap((i) => i.codes);
    const path = codes.map((c) => httpRequest(c)?.path ?? (isEndpointPath(c) ? c.trim() : undefined)).find(Boolean) ?? '/';
    const window = /\b(\d+)\s*(min|minutes|minutos|m|h|hours?|horas?|s|seconds|segundos)\b/i.exec(text);
    const unit = window ? ({ h: 'h', s: 's' } as Record<string, string>)[window[2]![0]!.toLowerCase()] ?? 'm' : undefined;
    const probe: Obj = { url: `https://${TODO}${path.startsWith('/') ? path : `/${path}`}`, every: '30s', for: window ? `${window[1]}${unit}` : '10m' };
    const step = this.addStep({ kind: 'monitor', title: clip(plainTitle(text)), probe, thresholds }, item.line, false, text);
    this.b.todo(`${step.where}.probe.url`, 'the host of the probed URL', item.line);
    if (!window) this.b.todo(`${step.where}.probe.for`, 'the monitoring window (10m assumed)', item.line);
    for (const c of flatten(item.children)) this.b.mapped(c.line, 'list-item', `${step.where}.thresholds`);
  }

  private attest(text: string, line: number, item: ListItem | undefined): void {
    const children = item ? flatten(item.children) : [];
    const statement = [text.replace(/\s*(->|→)\s*(Result:\s*)?PASS\s*\/\s*FAIL\b/i, ''), ...children.map((c) => `- ${c.text}`)].join('\n');
    const step = this.addStep({ kind: 'attest', title: clip(plainTitle(text.split(/\s+(?:->|→)\s+/)[0]!)), statement }, line, false, statement);
    for (const c of children) this.b.mapped(c.line, 'list-item', `${step.where}.statement`);
    if (item) for (const e of item.extra) this.b.mapped(e.line, 'paragraph', `${step.where}.statement`);
  }

  /** "Snapshot ID: ______" — a record step with a field per blank (and a PASS/FAIL result where the line asks for one). */
  private blankRecord(text: string, line: number, fieldChildren: ListItem[]): void {
    const fields: Obj[] = [];
    const names = new Set<string>();
    const addField = (label: string, pattern?: string) => {
      const clean = label.replace(/[*()[\]]/g, ' ').replace(/\s+/g, ' ').trim().replace(/[:\-–>]+$/, '').trim() || 'value';
      let name = slug(clean, 40).replace(/-/g, '_') || 'value';
      for (let n = 2; names.has(name); n++) name = `${slug(clean, 36).replace(/-/g, '_') || 'value'}_${n}`;
      names.add(name);
      fields.push(pattern ? { name, label: clean, pattern } : { name, label: clean });
    };
    const segments = (t: string) => {
      const parts = t.split(BLANK);
      parts.slice(0, -1).forEach((before) => addField(lastLabel(before)));
    };
    if (PASS_FAIL.test(text)) addField('result', '^(PASS|FAIL)$');
    segments(text);
    for (const c of fieldChildren) segments(c.text);
    const title = clip(plainTitle(text.split(/\s*(->|→|:)\s*/)[0] || text).replace(BLANK, '').trim() || 'Record');
    const step = this.addStep({ kind: 'record', title, fields }, line, false, text);
    for (const c of fieldChildren) this.b.mapped(c.line, 'list-item', `${step.where}.fields`);
  }

  private recordFromList(text: string, line: number): void {
    const rest = plainTitle(text).replace(/^(record|registrar|anotar)\s*:?\s*/i, '').replace(/\.$/, '');
    const labels = rest.split(/\s*(?:\+|,|\by\b|\band\b)\s*/).filter(Boolean);
    const fields = labels.map((label) => ({ name: slug(label, 40).replace(/-/g, '_') || 'value', label }));
    const unique = fields.filter((f, i) => fields.findIndex((g) => g.name === f.name) === i);
    this.addStep({ kind: 'record', title: clip(plainTitle(text)), fields: unique.length ? unique : [{ name: 'value', label: rest || 'value' }] }, line, false, text);
  }

  private expectation(item: ListItem, near: StepRef | undefined): void {
    const text = item.text;
    const execs = this.sectionSteps.filter((s) => s.exec);
    let step = near;
    if (!step && execs.length) {
      const words = stems(`${text} ${item.codes.join(' ')}`);
      let best = execs[execs.length - 1]!;
      let bestScore = 0;
      for (const s of execs) {
        let score = 0;
        for (const w of words) if (s.words.has(w)) score++;
        if (score > bestScore) {
          best = s;
          bestScore = score;
        }
      }
      step = best;
    }
    if (!step) {
      // Criteria with nothing to run: a person confirms each one.
      this.attest(text, item.line, item);
      return;
    }
    const values = item.codes.filter((c) => !isCommand(c) || c.includes('=='));
    if (values.length) {
      const expect = (step.obj.expect ??= []) as Obj[];
      for (const value of values) {
        const wanted = value.includes('==') ? value.split('==').pop()!.trim() : value;
        const at = expect.length;
        expect.push({ output_contains: wanted });
        this.b.from([...step.path, 'expect', at], item.line);
      }
      this.b.mapped(item.line, 'list-item', `${step.where}.expect (output_contains)`);
    } else {
      this.note(step, `Expected: ${text}`, item.line, 'list-item');
    }
    for (const child of item.children) this.expectation(child, step);
  }

  private note(step: StepRef | undefined, text: string, line: number, kind: LineKind): void {
    if (!step) {
      this.b.unmapped(line, kind, 'no step before it to attach it to');
      return;
    }
    step.obj.instructions = step.obj.instructions ? `${step.obj.instructions as string}\n${text}` : text;
    this.b.mapped(line, kind, `${step.where}.instructions`);
  }

  // ---- gates, triggers, evidence, decision, description -------------------------------

  private gate(text: string, line: number, kind: LineKind): void {
    const step = [...this.sectionSteps].reverse().find((s) => s.exec);
    if (!step) {
      if (this.role === 'preconditions') {
        this.b.mapped(line, kind, 'preconditions (enforced: no command runs until every precondition is PASS)');
      } else {
        this.trigger(text, line, kind);
      }
      return;
    }
    const label = text.replace(/\s*(=>|->|→)\s*(STOP|ALTO|DETENER|PARAR)\.?\s*$/i, '').replace(/\.$/, '').trim();
    const words = label.split(/\s+/);
    const literal = words.length <= 3 && !/[,;]/.test(label);
    const pattern = literal ? label.split('/').map((p) => escapeRegex(p.trim())).filter(Boolean).join('|') : TODO;
    const gates = (step.obj.abort_on ??= []) as Obj[];
    const at = gates.length;
    gates.push({ pattern, label: text });
    this.b.from([...step.path, 'abort_on', at], line);
    this.b.mapped(line, kind, `${step.where}.abort_on${literal ? '' : ' (pattern TODO)'}`);
    if (!literal) this.b.todo(`${step.where}.abort_on[${at}].pattern`, `the output pattern that means "${label}"`, line);
    this.signals++;
  }

  private trigger(text: string, line: number, kind: LineKind): void {
    this.triggers.push(text);
    this.b.from(['rollback', 'triggers', this.triggers.length - 1], line);
    this.b.mapped(line, kind, 'rollback.triggers');
    this.signals++;
  }

  private evidenceItem(item: ListItem): void {
    const names = item.codes.map((c) => fileName(c.trim())).filter((n) => EVIDENCE_NAME.test(n) && /\.\w{1,8}$/.test(n));
    if (!names.length) {
      this.b.unmapped(item.line, 'list-item', 'no file name in it (an evidence entry is a file like `x.log` in backticks)');
      return;
    }
    for (const name of names) this.addEvidence(name, item.line);
    this.b.mapped(item.line, 'list-item', 'evidence_pack');
  }

  addEvidence(name: string, line: number): void {
    if (this.packNames.has(name)) return;
    this.packNames.add(name);
    this.evidencePack.push({ name, line });
  }

  private decisionLine(text: string, line: number, kind: LineKind): void {
    this.decision ??= { line, statement: [] };
    const target = /^(target|objetivo|destino)\s*:\s*(.+)$/i.exec(text);
    if (target) {
      this.decision.target = target[2]!.trim();
      this.b.mapped(line, kind, 'decision.target');
    } else {
      this.decision.statement.push(text);
      this.b.mapped(line, kind, 'decision.statement');
    }
  }

  private describe(text: string, line: number, kind: LineKind): void {
    if (this.section.title && this.section.level > 1 && !this.describedSections.has(this.section.line)) {
      this.describedSections.add(this.section.line);
      this.description.push({ line: this.section.line, text: `${this.section.title}:` });
    }
    this.description.push({ line, text: kind === 'list-item' ? `- ${text}` : text });
    this.b.mapped(line, kind, 'description');
  }

  // ---- code ---------------------------------------------------------------------------

  private code(lines: CodeLine[]): void {
    for (const c of lines) {
      if (this.role === 'about' || this.role === 'preconditions' || this.role === 'evidence' || this.role === 'decision') this.codeAbout(c);
      else if (/^\s*#/.test(c.text)) this.b.unmapped(c.line, 'code', 'a comment in the code block');
      else this.exec(c.text, '', c.line, 'code');
    }
  }

  /** Session setup outside a phase: `$env:X='v'` / `export X=v` become runbook env; the rest is description. */
  private codeAbout(c: CodeLine): void {
    const m = /^\s*(?:\$env:|export\s+|set\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(['"]?)(.*)\2\s*;?\s*$/.exec(c.text);
    if (m && !/\s/.test(m[1]!)) {
      const value = m[3]!.replace(/(:\/\/[^\s/@:]+):[^\s/@]+@/, '$1@');
      this.env.set(m[1]!, { value, line: c.line });
      this.b.mapped(c.line, 'code', `env.${m[1]}${value !== m[3] ? ' (password removed: give it through secret_env)' : ''}`);
      return;
    }
    this.describe(`\`${c.text.trim()}\``, c.line, 'code');
  }

  private table(block: Extract<Block, { kind: 'table' }>): void {
    const [header, ...rows] = block.rows;
    if (header) this.b.mapped(header.line, 'table-row', 'table header');
    for (const row of rows) {
      const text = row.cells.filter(Boolean).join(' — ');
      if (this.role === 'rollback') this.trigger(text, row.line, 'table-row');
      else if (this.role === 'phase') this.attest(text, row.line, undefined);
      else this.describe(text, row.line, 'table-row');
    }
  }

  // ---- steps ----------------------------------------------------------------------------

  /** A check or command step from one command (a code line, a code span, `GET /path`). */
  private exec(source: string, title: string, line: number, kind: LineKind): StepRef {
    const { run: stripped, evidence } = splitEvidence(source.replace(/\s*\*>&1\s*(?=\|)/, ' '));
    let run = stripped.replace(/\s+\*>&1\s*$/, '');
    const request = httpRequest(run) ?? (isEndpointPath(run) ? { method: 'GET', path: run.trim() } : undefined);
    let stepKind: 'check' | 'command';
    if (request) {
      this.usesBaseUrl++;
      const method = request.method.toUpperCase();
      run = `curl -fsS${method === 'GET' ? '' : ` -X ${method}`} "$BASE_URL${request.path}"`;
      stepKind = method === 'GET' || method === 'HEAD' ? 'check' : 'command';
    } else {
      stepKind = commandKind(run, title);
    }
    const stepTitle = clip(title ? `${plainTitle(title)}: ${shortCommand(source)}` : shortCommand(stripped));
    const obj: Obj = { kind: stepKind, title: stepTitle };
    if (evidence && EVIDENCE_NAME.test(evidence) && !this.evidenceNames.has(evidence)) {
      obj.evidence = evidence;
      this.evidenceNames.add(evidence);
    }
    obj.target = TODO;
    obj.run = run;
    if (stepKind === 'check') obj.read_only = true;
    const ref = this.addStep(obj, line, true, `${title} ${source}`, evidence ? evidence.replace(/\.\w+$/, '') : undefined, kind);
    this.b.todo(`${ref.where}.target`, 'the target this runs on (a name under `targets:`)', line);
    const placeholder = /<[A-Za-z_][\w-]*>|\{[A-Za-z_]\w*\}/.exec(run);
    if (placeholder) this.b.todo(`${ref.where}.run`, `the value of ${placeholder[0]} in the command`, line);
    return ref;
  }

  private ensurePhase(line: number): Obj & { steps: Obj[] } {
    if (this.phase) return this.phase;
    const s = this.section;
    let id = findPhaseId(s.title) ?? (slug(s.title) || `phase-${this.phases.length + 1}`);
    for (let n = 2; this.phaseIds.has(id); n++) id = `${(findPhaseId(s.title) ?? slug(s.title, 44)) || 'phase'}-${n}`;
    this.phaseIds.add(id);
    const phase: Obj & { steps: Obj[] } = { id, title: s.title || 'Steps', steps: [] };
    const at = findOffset(s.title);
    if (at) phase.at = at;
    this.phase = phase;
    this.phaseIndex = this.phases.length;
    this.phases.push(phase);
    this.b.from(['phases', this.phaseIndex], s.line || line);
    if (s.line) this.b.mapped(s.line, 'heading', `phases[${id}]${at ? ` at ${at}` : ''}`);
    return phase;
  }

  /** `base`, or `base-2`, `base-3`… (one counter per base, so thousands of equal titles stay linear). */
  uniqueStepId(base: string): string {
    let n = this.idCounters.get(base) ?? 1;
    let id = n === 1 ? base : `${base.slice(0, 44)}-${n}`;
    while (this.stepIds.has(id)) id = `${base.slice(0, 44)}-${++n}`;
    this.idCounters.set(base, n + 1);
    this.stepIds.add(id);
    return id;
  }

  private phaseWhere(): string {
    return `phases[${this.phase?.id as string}]`;
  }

  private addStep(body: Obj, line: number, exec: boolean, words: string, idHint?: string, kind: LineKind = 'list-item'): StepRef {
    let base = slug(idHint ?? (body.title as string), 48) || 'step';
    if (!/^[a-z0-9]/.test(base)) base = `step-${base}`;
    const id = this.uniqueStepId(base);
    const obj: Obj = { id, ...body };
    let path: Path;
    let where: string;
    const intoPreconditions = this.role === 'preconditions' && (body.kind === 'attest' || body.kind === 'record');
    if (intoPreconditions) {
      path = ['preconditions', this.preconditions.length];
      where = `preconditions[${id}]`;
      this.preconditions.push(obj);
    } else if (this.role === 'rollback') {
      path = ['rollback', 'steps', this.rollbackSteps.length];
      where = `rollback.steps[${id}]`;
      this.rollbackSteps.push(obj);
    } else {
      const phase = this.ensurePhase(line);
      path = ['phases', this.phaseIndex, 'steps', phase.steps.length];
      where = `${this.phaseWhere()}.steps[${id}]`;
      phase.steps.push(obj);
    }
    this.b.from(path, line);
    this.b.mapped(line, kind, `${where} (${body.kind as string})`);
    const ref: StepRef = { obj, path, where, line, exec, words: stems(words) };
    this.steps.push(ref);
    this.sectionSteps.push(ref);
    return ref;
  }
}

function flatten(items: ListItem[]): ListItem[] {
  return items.flatMap((i) => [i, ...flatten(i.children)]);
}

function hasCommand(item: ListItem, http: boolean): boolean {
  return item.code.length > 0 || item.codes.some((c) => (isCommand(c) && !c.includes('==')) || (http && isEndpointPath(c))) || item.children.some((c) => hasCommand(c, http));
}

/** "**Prod Env Check:** `python3 …`" → "Prod Env Check"; "Run migrations:" → "Run migrations". */
function titleOf(text: string): string {
  const before = text.split('`')[0]!.trim();
  return before.replace(/[:\-–—]+$/, '').trim();
}

function plainTitle(text: string): string {
  return text.replace(/`/g, '').replace(/\s+/g, ' ').replace(/[:.]+$/, '').trim();
}

function lastLabel(text: string): string {
  const parts = text.replace(/`/g, '').split(/\s*(?:->|→|\(|:)\s*/).map((p) => p.trim()).filter(Boolean);
  return parts[parts.length - 1] ?? 'value';
}

function shortCommand(command: string): string {
  return command.replace(/\s*\*>&1.*$/, '').replace(/\s+/g, ' ').trim();
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text || 'Step';
}
