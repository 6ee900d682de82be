// Objects: indexes left invalid by a failed CREATE INDEX CONCURRENTLY, and the runbook's
// required objects ("AI-4 objects present": tables, indexes, enums, foreign keys by name).
import type { CheckDefinition, Verdict } from './preflight';
import type { RequiredObjects } from './types';
import type { MessageKey, Translator } from '../../shared/i18n';
import { formatBytes } from './util';

/** A kind of object, worded. */
type KindKey = Extract<MessageKey, `checks.kind.${string}`>;

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'`;

export const invalidIndexesCheck: CheckDefinition = {
  id: 'indexes.invalid',
  async run(query, { tr }): Promise<Verdict> {
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
    if (indexes.length === 0) return { status: 'PASS', summary: tr.t('checks.indexes.none'), details };
    const stale = indexes.filter((i) => !i.beingBuiltNow);
    const list = indexes.map((i) => `${tr.t('checks.indexes.item', { name: i.name, table: i.table })}${i.beingBuiltNow ? ` ${tr.t('checks.indexes.buildingNow')}` : ''}`).join(', ');
    if (stale.length === 0) return { status: 'WARN', summary: tr.count('checks.indexes.building', indexes.length, { list }), details };
    return {
      status: 'FAIL',
      summary: tr.count('checks.indexes.invalid', indexes.length, { list }),
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

const RELKIND: Record<string, KindKey> = {
  r: 'checks.kind.table', p: 'checks.kind.partitionedTable', v: 'checks.kind.view', m: 'checks.kind.materializedView', f: 'checks.kind.foreignTable',
  i: 'checks.kind.index', I: 'checks.kind.partitionedIndex', S: 'checks.kind.sequence', c: 'checks.kind.compositeType',
};
const TYPTYPE: Record<string, KindKey> = {
  e: 'checks.kind.enum', d: 'checks.kind.domain', c: 'checks.kind.compositeType', r: 'checks.kind.rangeType', m: 'checks.kind.multirangeType', b: 'checks.kind.baseType', p: 'checks.kind.pseudoType',
};

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

function what(f: FoundRow, tr: Translator): string {
  if (f.kind === 'relation') return tr.t(RELKIND[f.sub] ?? 'checks.kind.relation');
  if (f.kind === 'type') return tr.t(TYPTYPE[f.sub] ?? 'checks.kind.type');
  return tr.t(f.sub === 'f' ? 'checks.required.foreignKeyOn' : 'checks.required.constraintOn', { table: `${f.schema}.${f.table}` });
}

const KIND_LABEL: Record<RequiredKind, KindKey> = { table: 'checks.kind.table', view: 'checks.kind.view', index: 'checks.kind.index', enum: 'checks.kind.enum', type: 'checks.kind.type', foreignKey: 'checks.kind.foreignKey' };

export const requiredObjectsCheck: CheckDefinition = {
  id: 'objects.required',
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
        note: matches.length === 0 && otherKinds.length ? ctx.tr.t('checks.required.existsAs', { kinds: otherKinds.map((f) => what(f, ctx.tr)).join(', ') }) : null,
      };
    });
    const missing = results.filter((r) => !r.present);
    const details = { objects: results };
    if (missing.length === 0) return { status: 'PASS', summary: ctx.tr.count('checks.required.all', results.length), details };
    const list = missing.map((m) => `${ctx.tr.t(KIND_LABEL[m.kind])} ${m.name}${m.note ? ` (${m.note})` : ''}`).join(', ');
    return { status: 'FAIL', summary: ctx.tr.count('checks.required.missing', results.length, { missing: missing.length, list }), details };
  },
};
