// Where each commented element of the draft sits in the YAML text, and which source lines it
// came from: what the window needs to link a draft step to its Markdown line and back. Read
// from the written YAML itself (parsed again), so the lines are those of the bytes saved.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { CoverageLine, Obj, Path } from './draft';

export interface DraftElement {
  /** Where in the draft, as the coverage report names it: "phases[P0].steps[prod-heads]". */
  where: string;
  /** 1-based line of the YAML where the element starts (its key, or its list item). */
  yamlLine: number;
  /** The source lines it came from (its `# from FILE.md:…` comment), ascending. */
  sourceLines: number[];
}

/** "phases[P0].steps[prod-heads]": list items by their id where they have one, else by index. */
export function wherePath(draft: Obj, path: Path): string {
  let out = '';
  let node: unknown = draft;
  for (const part of path) {
    if (typeof part === 'number') {
      const item = Array.isArray(node) ? (node[part] as unknown) : undefined;
      const id = item && typeof item === 'object' && typeof (item as Obj).id === 'string' ? (item as Obj).id as string : String(part);
      out += `[${id}]`;
      node = item;
    } else {
      out += out ? `.${part}` : part;
      node = node && typeof node === 'object' ? (node as Obj)[part] : undefined;
    }
  }
  return out;
}

/** Every commented element, in the order it appears in the YAML. */
export function draftElements(yaml: string, draft: Obj, comments: ReadonlyArray<{ path: Path; line: number }>): DraftElement[] {
  const counter = new LineCounter();
  const doc = parseDocument(yaml, { lineCounter: counter });
  const byPath = new Map<string, DraftElement>();
  for (const { path, line } of comments) {
    const key = JSON.stringify(path);
    const known = byPath.get(key);
    if (known) {
      if (!known.sourceLines.includes(line)) known.sourceLines.push(line);
      continue;
    }
    const offset = startOf(doc, path);
    if (offset === undefined) continue;
    byPath.set(key, { where: wherePath(draft, path), yamlLine: counter.linePos(offset).line, sourceLines: [line] });
  }
  const elements = [...byPath.values()];
  for (const e of elements) e.sourceLines.sort((a, b) => a - b);
  return elements.sort((a, b) => a.yamlLine - b.yamlLine);
}

function startOf(doc: ReturnType<typeof parseDocument>, path: Path): number | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    return pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
  }
  if (isSeq(parent) && typeof last === 'number') return (parent.items[last] as Node | undefined)?.range?.[0];
  return undefined;
}

/**
 * The element a source line leads to: one that came from that line, else the one the coverage
 * report maps it into ("phases[P0].steps[x].instructions" → the step x, "evidence_pack" → its
 * first entry), else none.
 */
export function elementOfLine(elements: readonly DraftElement[], line: CoverageLine): number | undefined {
  const direct = elements.findIndex((e) => e.sourceLines.includes(line.line));
  if (direct >= 0) return direct;
  if (!line.mapped) return undefined;
  const target = line.mapped.split(/[;\s]/)[0] ?? '';
  let best: number | undefined;
  elements.forEach((e, i) => {
    if (!e.where || !(target === e.where || target.startsWith(`${e.where}.`) || target.startsWith(`${e.where}[`))) return;
    if (best === undefined || e.where.length > elements[best]!.where.length) best = i;
  });
  // A line kept in a list as a whole ("evidence_pack"): the list's first element.
  if (best === undefined) best = elements.findIndex((e) => e.where.startsWith(`${target}[`) || e.where.startsWith(`${target}.`));
  return best < 0 ? undefined : best;
}
