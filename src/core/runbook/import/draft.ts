// What the importer builds: the draft runbook as plain data in the format's key order, the
// source line of every element (for the `# from FILE.md:LINE` comments), what each source
// line became (the coverage report) and the values left for the DBA to fill (`TODO`).

export type Path = Array<string | number>;
export type Obj = Record<string, unknown>;

/** The placeholder for every value the Markdown does not give. */
export const TODO = 'TODO';

export type LineKind = 'heading' | 'list-item' | 'code' | 'paragraph' | 'table-row';

export interface CoverageLine {
  line: number;
  kind: LineKind;
  text: string;
  /** What the line became (a place in the draft), when it became something. */
  mapped?: string;
  /** Why it did not. */
  why?: string;
}

export interface TodoEntry {
  /** Where in the draft, e.g. "phases[P0].steps[prod-heads-preflight].target". */
  where: string;
  what: string;
  line: number;
}

export class DraftBuilder {
  readonly comments: Array<{ path: Path; line: number }> = [];
  readonly coverage = new Map<number, CoverageLine>();
  readonly todos: TodoEntry[] = [];

  constructor(readonly sourceLines: string[]) {}

  /** The element at `path` came from `line`. */
  from(path: Path, line: number): void {
    this.comments.push({ path, line });
  }

  /** Source line `line` became `to` (first mapping wins; a later one is added to it). */
  mapped(line: number, kind: LineKind, to: string): void {
    const existing = this.coverage.get(line);
    if (existing?.mapped) {
      if (!existing.mapped.includes(to)) existing.mapped = `${existing.mapped}; ${to}`;
      return;
    }
    this.coverage.set(line, { line, kind, text: this.text(line), mapped: to });
  }

  unmapped(line: number, kind: LineKind, why: string): void {
    if (this.coverage.get(line)?.mapped) return;
    this.coverage.set(line, { line, kind, text: this.text(line), why });
  }

  todo(where: string, what: string, line: number): void {
    this.todos.push({ where, what, line });
  }

  private text(line: number): string {
    return (this.sourceLines[line - 1] ?? '').trim();
  }
}
