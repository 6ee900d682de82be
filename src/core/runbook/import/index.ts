// `cutover runbook import`: a Markdown runbook → a draft runbook (YAML, with the source line of
// every element) and a coverage report. Deterministic: the same bytes in give the same bytes out.
import { parseMarkdown, type ListItem, type MarkdownDocument } from './blocks';
import { coverageReport, type CoverageReport } from './coverage';
import { TODO, type Obj, type Path } from './draft';
import { draftElements, type DraftElement } from './elements';
import { RunbookMapper } from './map';
import { decodeMarkdown, MarkdownImportError, readMarkdownFile } from './source';
import { slug, stems } from './words';
import { writeDraftYaml } from './yaml-writer';
import { translator, type Lang } from '../../../shared/i18n';

export { MarkdownImportError, MAX_MARKDOWN_BYTES, readMarkdownFile, decodeMarkdown } from './source';
export { formatCoverage, mappedText, todoText, whyText, type CoverageReport } from './coverage';
export { TODO } from './draft';
export { elementOfLine, type DraftElement } from './elements';

/** List items plus code lines a runbook may have (the four real ones have 55 to 131). */
export const MAX_STEP_LINES = 5000;

function countLines(doc: MarkdownDocument): number {
  const items = (list: ListItem[]): number => list.reduce((n, i) => n + 1 + i.code.length + items(i.children), 0);
  let n = 0;
  for (const section of doc.sections) for (const block of section.blocks) {
    if (block.kind === 'list') n += items(block.items);
    else if (block.kind === 'code') n += block.lines.length;
  }
  return n;
}

export interface ImportedRunbook {
  /** The draft, as YAML text. */
  yaml: string;
  /** The draft as data (what the YAML holds). */
  draft: Obj;
  coverage: CoverageReport;
  /** The source's lines (line N is lines[N - 1]). */
  lines: string[];
  /** Each commented element of the draft: its line in `yaml` and the source lines it came from. */
  elements: DraftElement[];
}

/** Imports Markdown text; `source` is the file name used in the comments and the report; refusals in `lang`. */
export function importMarkdownRunbook(text: string, source: string, lang: Lang = 'en'): ImportedRunbook {
  const tr = translator(lang);
  if (text.trim() === '') throw new MarkdownImportError(tr.t('importError.empty', { source }));
  const doc = parseMarkdown(text);
  const size = countLines(doc);
  if (size > MAX_STEP_LINES) {
    throw new MarkdownImportError(tr.t('importError.tooManyLines', { source, size, max: MAX_STEP_LINES }));
  }
  const mapper = new RunbookMapper(doc);
  mapper.run();
  if (mapper.steps.length === 0 || mapper.signals < 2) {
    throw new MarkdownImportError(tr.t('importError.notRunbook', { source, steps: mapper.steps.length, signals: mapper.signals }));
  }
  const { draft, comments } = assemble(mapper, source);
  const header = [
    `Draft imported from ${source} by \`cutover runbook import\`: a DBA finishes it.`,
    `Fill every ${TODO} (the coverage report lists them), review every step kind (check vs`,
    'command) and expectation, then: cutover runbook validate THIS_FILE.yaml',
  ].join('\n');
  const yaml = writeDraftYaml(draft, comments, source, header);
  return { yaml, draft, coverage: coverageReport(source, doc, mapper.b), lines: doc.lines, elements: draftElements(yaml, draft, comments) };
}

/** Reads FILE (bounded) and imports it. */
export function importMarkdownFile(path: string, source = path, lang: Lang = 'en'): ImportedRunbook {
  return importMarkdownRunbook(readMarkdownFile(path, lang), source, lang);
}

/** For callers holding bytes (the window, tests); refusals in `lang`. */
export function importMarkdownBytes(bytes: Uint8Array, source: string, lang: Lang = 'en'): ImportedRunbook {
  return importMarkdownRunbook(decodeMarkdown(bytes, source, lang), source, lang);
}

function assemble(m: RunbookMapper, source: string): { draft: Obj; comments: Array<{ path: Path; line: number }> } {
  const comments = [...m.b.comments];
  const produced = new Set(m.steps.map((s) => s.obj.evidence as string | undefined).filter(Boolean));
  // Evidence the Markdown lists but no command writes (attestation logs): the precondition it is
  // about produces it, or a new attest step does.
  const missing = m.evidencePack.filter((e) => !produced.has(e.name));
  const candidates = m.steps.filter((s) => !s.exec && s.path[0] === 'preconditions');
  const pairs: Array<{ entry: number; step: number; score: number }> = [];
  missing.forEach((entry, e) => {
    const words = stems(entry.name.replace(/\.\w+$/, ''));
    candidates.forEach((step, s) => {
      let score = 0;
      for (const w of words) if (step.words.has(w)) score++;
      if (score > 0) pairs.push({ entry: e, step: s, score });
    });
  });
  // Best matches first; ties in source order. Each precondition produces at most one file.
  pairs.sort((a, b) => b.score - a.score || a.entry - b.entry || a.step - b.step);
  const assigned = new Map<number, number>();
  const usedSteps = new Set<number>();
  for (const p of pairs) {
    if (assigned.has(p.entry) || usedSteps.has(p.step) || candidates[p.step]!.obj.evidence) continue;
    assigned.set(p.entry, p.step);
    usedSteps.add(p.step);
  }
  missing.forEach((entry, e) => {
    const s = assigned.get(e);
    if (s !== undefined) {
      const step = candidates[s]!;
      step.obj.evidence = entry.name;
      m.b.mapped(entry.line, 'list-item', `${step.where}.evidence`);
    } else {
      const id = uniqueId(m, `evidence-${slug(entry.name.replace(/\.\w+$/, ''), 38)}`);
      const obj: Obj = { id, kind: 'attest', title: `Evidence ${entry.name} attached`, statement: `${entry.name} is produced and attached to the run.`, evidence: entry.name };
      comments.push({ path: ['preconditions', m.preconditions.length], line: entry.line });
      m.preconditions.push(obj);
      m.b.mapped(entry.line, 'list-item', `preconditions[${id}] (attest producing ${entry.name})`);
    }
  });
  for (const step of m.steps) {
    const name = step.obj.evidence as string | undefined;
    if (name) m.addEvidence(name, step.line);
  }

  const draft: Obj = { format: 'cutover-runbook/v1' };
  const title = m.title || source.replace(/^.*[\\/]/, '').replace(/\.md$/i, '');
  draft.id = slug(title, 64) || 'imported-runbook';
  if (m.titleLine) comments.push({ path: ['title'], line: m.titleLine });
  draft.title = title;
  draft.version = '0.1';
  draft.status = `draft imported from ${source.replace(/^.*[\\/]/, '')}`;
  if (m.description.length) {
    draft.description = m.description.map((d) => d.text).join('\n');
    comments.push({ path: ['description'], line: m.description[0]!.line });
  }
  draft.targets = { [TODO]: { kind: 'ssh', host: TODO, description: 'the host the commands run on: rename this target (and every `target: TODO`), or make it `kind: local`' } };
  m.b.todo('targets.TODO', 'name and describe the target (ssh host, local, or a postgres DSN for SQL checks)', 1);
  const env: Obj = {};
  if (m.usesBaseUrl) {
    env.BASE_URL = TODO;
    m.b.todo('env.BASE_URL', 'the base URL the HTTP endpoints are under (e.g. https://app.example.com)', 1);
  }
  for (const [name, { value, line }] of [...m.env.entries()]) {
    env[name] = value;
    comments.push({ path: ['env', name], line });
  }
  if (Object.keys(env).length) draft.env = env;
  if (m.preconditions.length) draft.preconditions = m.preconditions;
  draft.phases = m.phases.map((p) => {
    const { id, title: t, at, purpose, steps } = p;
    const out: Obj = { id, title: t };
    if (at) out.at = at;
    if (purpose) out.purpose = purpose;
    out.steps = steps;
    return out;
  });
  if (m.triggers.length || m.rollbackSteps.length || m.rollbackNotes.length) {
    const rollback: Obj = {};
    if (m.triggers.length) rollback.triggers = m.triggers;
    if (m.rollbackNotes.length) rollback.instructions = m.rollbackNotes.join('\n');
    if (m.rollbackSteps.length) rollback.steps = m.rollbackSteps;
    draft.rollback = rollback;
  }
  if (m.evidencePack.length) {
    draft.evidence_pack = m.evidencePack.map((e) => e.name);
    m.evidencePack.forEach((e, i) => comments.push({ path: ['evidence_pack', i], line: e.line }));
  }
  if (m.decision) {
    const decision: Obj = { template: 'governance' };
    if (m.decision.target) decision.target = m.decision.target;
    if (m.decision.statement.length) decision.statement = m.decision.statement.join('\n');
    draft.decision = decision;
    comments.push({ path: ['decision'], line: m.decision.line });
  } else if (/GO\s*\/\s*NO-GO/i.test(m.doc.lines.join('\n'))) {
    draft.decision = { template: 'go-no-go' };
  }
  return { draft, comments };
}

function uniqueId(m: RunbookMapper, base: string): string {
  return m.uniqueStepId(base);
}
