// The draft as YAML: the `yaml` library lays it out; each element gets a `# from FILE.md:LINE`
// comment before it. Same data, same bytes (no clock, no randomness, key order fixed by the caller).
import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Obj, Path } from './draft';

export function writeDraftYaml(data: Obj, comments: Array<{ path: Path; line: number }>, source: string, header: string): string {
  const doc = new Document(data);
  doc.commentBefore = header.split('\n').map((l) => (l ? ` ${l}` : '')).join('\n');
  const byPath = new Map<string, { path: Path; lines: number[] }>();
  for (const { path, line } of comments) {
    const key = JSON.stringify(path);
    const entry = byPath.get(key) ?? { path, lines: [] };
    if (!entry.lines.includes(line)) entry.lines.push(line);
    byPath.set(key, entry);
  }
  for (const { path, lines } of byPath.values()) {
    const comment = ` from ${source}:${lines.sort((a, b) => a - b).join(',')}`;
    const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
    const last = path[path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
      if (pair && isScalar(pair.key)) pair.key.commentBefore = comment;
    } else if (isSeq(parent) && typeof last === 'number') {
      const item = parent.items[last] as Node | undefined;
      if (item) item.commentBefore = comment;
    }
  }
  return doc.toString({ lineWidth: 0, indentSeq: true });
}
