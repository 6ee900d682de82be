// Objects: indexes left invalid by a failed CREATE INDEX CONCURRENTLY, and the runbook's
// required objects ("AI-4 objects present": tables, indexes, enums, foreign keys by name).
import type { CheckDefinition, Verdict } from './preflight';
import type { RequiredObjects } from './types';
import { formatBytes, plural } from './util';

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'`;

export const invalidIndexesCheck: CheckDefinition = {
  id: 'indexes.invalid',
  title: 'Invalid indexes',
  reads: 'pg_index',
  async run(query): Promise<Verdict> {
    const rows = await query<{ schema: string; index: string; table: string; definition: string; ready: boolean; bytes: number; building: boolean }>(`
      SELECT n.nspname AS schema, c.relname AS index, t.relname AS table, pg_get_indexdef(i.indexrelid) AS definition,
             i.indisready AS ready, pg_relation_size(c.oid)::float8 AS bytes,
             EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid) AS building
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_class t ON t.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE NOT i.indisvalid AND ${USER_SCHEMAS}
       ORDER BY n.nspname, c.relname`);
    const indexes = rows.map((r) => ({ name: `${r.schema}.${r.index}`, table: `${r.schema}.${r.table}`, definition: r.definition, maintainedOnWrites: r.ready, bytes: r.bytes, size: formatBytes(r.bytes), beingBuiltNow: r.building }));
    const details = { indexes };
    if (indexes.length === 0) return { status: 'PASS', summary: 'No invalid index.', details };
    const stale = indexes.filter((i) => !i.beingBuiltNow);
    const list = indexes.map((i) => `${i.name} on ${i.table}${i.beingBuiltNow ? ' (being built right now)' : ''}`).join(', ');
    if (stale.length === 0) return { status: 'WARN', summary: `${plural(indexes.length, 'index is', 'indexes are')} being built concurrently right now: ${list}. Wait for the build to finish.`, details };
    return {
      status: 'FAIL',
      summary: `${plural(indexes.length, 'invalid index', 'invalid indexes')}: ${list}. An invalid index is left by a failed CREATE INDEX CONCURRENTLY: it is never used for reads but is still maintained on writes (and still enforces uniqueness), and a migration creating an index of that name fails with DuplicateTable. DROP INDEX CONCURRENTLY it (or REINDEX INDEX CONCURRENTLY) before the cutover.`,
      details,
    };
  },
};

type RequiredKind = 'table' | 'view' | 'index' | 'enum' | 'type' | 'foreignKey';

interface FoundRow {
  kind: 'relation' | 'type' | 'constraint';
  schema: string;
  name: string;
  /** relkind, typtype or contype. */
  sub: string;
  /** The constraint's table. */
  table: string | null;
}

const RELKIND: Record<string, string> = { r: 'table', p: 'partitioned table', v: 'view', m: 'materialized view', f: 'foreign table', i: 'index', I: 'partitioned index', S: 'sequence', c: 'composite type' };
const TYPTYPE: Record<string, string> = { e: 'enum', d: 'domain', c: 'composite type', r: 'range type', m: 'multirange type', b: 'base type', p: 'pseudo-type' };

interface Wanted {
  kind: RequiredKind;
  /** As given. */
  spec: string;
  schema: string | null;
  table: string | null;
  name: string;
}

/** "name", "schema.name"; for foreign keys also "table.name" and "schema.table.name". */
export function parseRequired(required: RequiredObjects): Wanted[] {
  const out: Wanted[] = [];
  const add = (kind: RequiredKind, list: string[] | undefined) => {
    for (const raw of list ?? []) {
      const spec = raw.trim();
      if (!spec) continue;
      const parts = spec.split('.');
      if (kind === 'foreignKey') {
        const name = parts.pop()!;
        const table = parts.pop() ?? null;
        const schema = parts.length ? parts.join('.') : null;
        out.push({ kind, spec, schema, table, name });
      } else {
        const name = parts.pop()!;
        out.push({ kind, spec, schema: parts.length ? parts.join('.') : null, table: null, name });
      }
    }
  };
  add('table', required.tables);
  add('view', required.views);
  add('index', required.indexes);
  add('enum', required.enums);
  add('type', required.types);
  add('foreignKey', required.foreignKeys);
  return out;
}

function accepts(w: Wanted, f: FoundRow): boolean {
  switch (w.kind) {
    case 'table': return f.kind === 'relation' && (f.sub === 'r' || f.sub === 'p');
    case 'view': return f.kind === 'relation' && (f.sub === 'v' || f.sub === 'm');
    case 'index': return f.kind === 'relation' && (f.sub === 'i' || f.sub === 'I');
    case 'enum': return f.kind === 'type' && f.sub === 'e';
    case 'type': return f.kind === 'type';
    case 'foreignKey': return f.kind === 'constraint' && f.sub === 'f';
  }
}

function what(f: FoundRow): string {
  if (f.kind === 'relation') return RELKIND[f.sub] ?? 'relation';
  if (f.kind === 'type') return TYPTYPE[f.sub] ?? 'type';
  return f.sub === 'f' ? `foreign key on ${f.schema}.${f.table}` : `constraint on ${f.schema}.${f.table}`;
}

const KIND_LABEL: Record<RequiredKind, string> = { table: 'table', view: 'view', index: 'index', enum: 'enum', type: 'type', foreignKey: 'foreign key' };

export const requiredObjectsCheck: CheckDefinition = {
  id: 'objects.required',
  title: 'Required objects present',
  reads: 'pg_class, pg_type and pg_constraint',
  applies: (ctx) => ctx.options.required !== undefined && parseRequired(ctx.options.required).length > 0,
  async run(query, ctx): Promise<Verdict> {
    const wanted = parseRequired(ctx.options.required ?? {});
    const names = [...new Set(wanted.map((w) => w.name))];
    // Every candidate in one read; matching by kind, schema and table happens here.
    const found = await query<FoundRow>(`
      SELECT 'relation' AS kind, n.nspname AS schema, c.relname AS name, c.relkind::text AS sub, NULL AS table
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relname = ANY($1::text[]) AND ${USER_SCHEMAS}
      UNION ALL
      SELECT 'type', n.nspname, t.typname, t.typtype::text, NULL
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE t.typname = ANY($1::text[]) AND ${USER_SCHEMAS}
         AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
      UNION ALL
      SELECT 'constraint', n.nspname, con.conname, con.contype::text, c.relname
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE con.conname = ANY($1::text[]) AND ${USER_SCHEMAS}`, [names]);
    const results = wanted.map((w) => {
      const sameName = found.filter((f) => f.name === w.name && (w.schema === null || f.schema === w.schema) && (w.table === null || f.table === w.table));
      const matches = sameName.filter((f) => accepts(w, f));
      const where = matches.map((f) => (f.kind === 'constraint' ? `${f.schema}.${f.table}.${f.name}` : `${f.schema}.${f.name}`));
      const otherKinds = sameName.filter((f) => !accepts(w, f) && (w.kind !== 'foreignKey' || f.kind === 'constraint') && (w.kind === 'foreignKey' || f.kind !== 'constraint'));
      return {
        kind: w.kind,
        name: w.spec,
        present: matches.length > 0,
        foundAs: where,
        note: matches.length === 0 && otherKinds.length ? `exists, but as ${otherKinds.map(what).join(', ')}` : null,
      };
    });
    const missing = results.filter((r) => !r.present);
    const details = { objects: results };
    if (missing.length === 0) return { status: 'PASS', summary: `All ${plural(results.length, 'required object')} present.`, details };
    const list = missing.map((m) => `${KIND_LABEL[m.kind]} ${m.name}${m.note ? ` (${m.note})` : ''}`).join(', ');
    return { status: 'FAIL', summary: `${missing.length} of ${plural(results.length, 'required object')} missing: ${list}.`, details };
  },
};
