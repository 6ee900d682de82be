// A small, strict JSON path: `$`, `$.a.b`, `$.items[0].id`, `$['key with spaces']`. No
// wildcards, filters or recursive descent: a path names one value or nothing, so a gate or a
// captured value can say exactly what it looked for. Used by HTTP expectations and captures.

export type JsonPathSegment = string | number;

export class JsonPathError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`JSON path ${JSON.stringify(path)} does not parse: ${reason} (write it like $.job_id, $.items[0].id or $['odd key'])`);
    this.name = 'JsonPathError';
  }
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

/** The path's segments; throws JsonPathError saying what is wrong. */
export function parseJsonPath(path: string): JsonPathSegment[] {
  if (!path.startsWith('$')) throw new JsonPathError(path, 'it must start with $');
  const segments: JsonPathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    if (rest.startsWith('.')) {
      const m = IDENT.exec(rest.slice(1));
      if (!m) throw new JsonPathError(path, `a name must follow "." at position ${i + 2}`);
      segments.push(m[0]);
      i += 1 + m[0].length;
      continue;
    }
    const index = /^\[(\d{1,9})\]/.exec(rest);
    if (index) {
      segments.push(Number(index[1]));
      i += index[0].length;
      continue;
    }
    const quoted = /^\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/.exec(rest);
    if (quoted) {
      segments.push((quoted[1] ?? quoted[2]!).replace(/\\(.)/g, '$1'));
      i += quoted[0].length;
      continue;
    }
    throw new JsonPathError(path, `unexpected ${JSON.stringify(rest[0])} at position ${i + 1} (wildcards, filters and .. are not supported)`);
  }
  return segments;
}

/** Why the path does not parse, or null. */
export function jsonPathProblem(path: string): string | null {
  try {
    parseJsonPath(path);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The value at `path` in `document`, or found: false when any segment is missing. */
export function evaluateJsonPath(document: unknown, path: string): { found: true; value: unknown } | { found: false } {
  let current: unknown = document;
  for (const segment of parseJsonPath(path)) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return { found: false };
      current = current[segment];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, segment)) return { found: false };
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return { found: true, value: current };
}
