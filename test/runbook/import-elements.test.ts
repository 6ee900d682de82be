// The importer's element map, which the window uses to link each draft element to its Markdown
// line and back: for the four real runbooks, every `# from FILE.md:N` comment in the YAML is one
// element whose line is the one after the comment, every step is one, and a source line leads to
// the element it became (a step's nested instruction to that step). In-process, on the real files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { elementOfLine, importMarkdownFile } from '../../src/core/runbook/import';
import { REPO_ROOT } from '../helpers/cli';

const MARKDOWN = join(REPO_ROOT, 'test/runbook/markdown');
const FILES = readdirSync(MARKDOWN).filter((f) => f.endsWith('.md')).sort();

describe('the import element map', () => {
  it.each(FILES)('%s: each commented element at its YAML line, with its source lines', (file) => {
    const imported = importMarkdownFile(join(MARKDOWN, file), file);
    const yaml = imported.yaml.split('\n');
    const commentLines = yaml.flatMap((l, i) => (l.trim().startsWith(`# from ${file}:`) ? [i + 1] : []));
    expect(imported.elements.map((e) => e.yamlLine - 1)).toEqual(commentLines);
    for (const e of imported.elements) {
      expect(yaml[e.yamlLine - 2]!.trim()).toBe(`# from ${file}:${e.sourceLines.join(',')}`);
      for (const n of e.sourceLines) expect(imported.lines[n - 1]!.trim(), `${e.where} from blank line ${n}`).not.toBe('');
    }
    // Every step in the YAML is an element named by its id.
    const stepIds = yaml.flatMap((l) => /^\s*- id: (\S+)$/.exec(l)?.[1] ?? []);
    const named = new Set(imported.elements.map((e) => /\[([^[\]]+)\]$/.exec(e.where)?.[1]));
    for (const id of stepIds) expect(named.has(id), id).toBe(true);
    expect(imported.lines).toEqual(readFileSync(join(MARKDOWN, file), 'utf8').split(/\r?\n/));
  });

  it('a source line leads to the element it became: a step from its own line, a nested instruction to its step, an unmapped line to none', () => {
    const file = 'alembic-governance-cutover.md';
    const imported = importMarkdownFile(join(MARKDOWN, file), file);
    const byLine = new Map(imported.coverage.lines.map((l) => [l.line, l]));
    const step = imported.elements.find((e) => e.where === 'phases[P0].steps[prod-heads-preflight]')!;
    expect(step).toBeDefined();
    expect(elementOfLine(imported.elements, byLine.get(step.sourceLines[0]!)!)).toBe(imported.elements.indexOf(step));
    const nested = imported.coverage.lines.find((l) => /^phases\[[^\]]+\]\.steps\[[^\]]+\]\.instructions$/.test(l.mapped ?? '') && !imported.elements.some((e) => e.sourceLines.includes(l.line)));
    expect(nested, 'a line kept as a step instruction').toBeDefined();
    const owner = imported.elements[elementOfLine(imported.elements, nested!)!]!;
    expect(nested!.mapped!.startsWith(`${owner.where}.`)).toBe(true);
    const unmapped = imported.coverage.lines.find((l) => !l.mapped)!;
    expect(unmapped.why).toBeTruthy();
    expect(elementOfLine(imported.elements, unmapped)).toBeUndefined();
  });
});
