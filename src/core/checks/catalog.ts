// Reading pg_catalog for the schema fingerprint: one query per kind of object, each returning
// every object of its kind at once (no per-table round trips), all in REPEATABLE READ READ
// ONLY transactions that share one snapshot, with search_path = pg_catalog so every name the
// server prints (defaults, view and constraint definitions, types) is schema-qualified the
// same way in every database. On a big schema the queries run side by side on a few
// connections that import the first one's snapshot (pg_export_snapshot, as pg_dump -j does),
// so they still see one consistent catalog.
import type { ExtensionFingerprint } from './fingerprint-schema';
import { PgCheckError } from './errors';
import type { PgSession, Query, ReadOnlyOptions } from './session';

// $1: the chosen schemas, or NULL for every non-system schema.
const inSchemas = (alias: string) => `(CASE WHEN $1::text[] IS NULL
  THEN ${alias}.nspname NOT IN ('pg_catalog', 'information_schema') AND ${alias}.nspname !~ '^pg_(toast|temp_)'
  ELSE ${alias}.nspname = ANY($1::text[]) END)`;
// Objects an extension created belong to the extension (listed by name and version), not to the schema.
const notFromExtension = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;

export const SQL = {
  schemas: `
    SELECT n.nspname AS name FROM pg_namespace n
     WHERE ${inSchemas('n')} AND ${notFromExtension('pg_namespace', 'n.oid')}`,
  extensions: `
    SELECT x.extname AS name, n.nspname AS schema, x.extversion AS version
      FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
     WHERE x.extname <> 'plpgsql' AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))`,
  relations: `
    SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, c.relpersistence = 'u' AS unlogged,
           c.relrowsecurity AS row_security, c.relispartition AS is_partition, c.reloptions::text[] AS options,
           CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
           CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
           (SELECT array_agg(pn.nspname || '.' || pc.relname ORDER BY i.inhseqno)
              FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
             WHERE c.relkind IN ('r', 'p', 'f') AND i.inhrelid = c.oid) AS parents,
           CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS view_definition,
           format_type(s.seqtypid, NULL) AS seq_type, s.seqstart::text AS seq_start, s.seqincrement::text AS seq_increment,
           s.seqmin::text AS seq_min, s.seqmax::text AS seq_max, s.seqcache::text AS seq_cache, s.seqcycle AS seq_cycle,
           (SELECT dn.nspname || '.' || dc.relname || '.' || a.attname
              FROM pg_depend d JOIN pg_class dc ON dc.oid = d.refobjid JOIN pg_namespace dn ON dn.oid = dc.relnamespace
              JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
             WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
               AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
             LIMIT 1) AS owned_by
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_sequence s ON s.seqrelid = c.oid
     WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'c') AND ${inSchemas('n')} AND ${notFromExtension('pg_class', 'c.oid')}`,
  columns: `
    SELECT a.attrelid::text AS rel, a.attname AS name, quote_ident(a.attname) AS quoted, a.attnum AS num,
           format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default,
           a.attidentity::text AS identity, a.attgenerated::text AS generated, a.attcollation::text AS coll,
           CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      LEFT JOIN pg_collation co ON co.oid = a.attcollation
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'c') AND ${inSchemas('n')}`,
  // Primary keys, unique constraints and foreign keys are written from their parts, as
  // pg_get_constraintdef() writes them (tested against it); it is asked for the rest (checks,
  // exclusions, INCLUDE or NULLS NOT DISTINCT keys, ON DELETE SET NULL (columns)).
  constraints: (v15: boolean) => `
    SELECT con.conrelid::text AS rel, con.conname AS name, con.contype::text AS type,
           CASE WHEN con.contype NOT IN ('p', 'u', 'f')
                  ${v15 ? "OR con.confdelsetcols IS NOT NULL" : ''}
                  OR (con.contype IN ('p', 'u') AND EXISTS (SELECT 1 FROM pg_index ix WHERE ix.indexrelid = con.conindid
                        AND (ix.indnatts > ix.indnkeyatts ${v15 ? 'OR ix.indnullsnotdistinct' : ''})))
                THEN pg_get_constraintdef(con.oid, true) END AS full_definition,
           con.condeferrable AS deferrable, con.condeferred AS deferred, con.convalidated AS validated,
           con.conkey AS keys, con.confkey AS ref_keys, con.confrelid::text AS ref_rel,
           CASE WHEN con.contype = 'f' THEN rn.nspname || '.' || rc.relname END AS ref_table,
           CASE WHEN con.contype = 'f' THEN quote_ident(rn.nspname) || '.' || quote_ident(rc.relname) END AS quoted_ref_table,
           con.confupdtype::text AS on_update, con.confdeltype::text AS on_delete, con.confmatchtype::text AS match
      FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class rc ON rc.oid = con.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
     WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND c.relkind IN ('r', 'p', 'f') AND ${inSchemas('n')}`,
  // pg_get_indexdef() looks up the default operator class of every key column by scanning
  // pg_opclass: about a millisecond per index on a big schema, most of the fingerprint's time.
  // So a plain index (columns only, default operator classes and collations, no storage
  // options) is written here from its parts, exactly as pg_get_indexdef() would write it (the
  // tests compare the two on every kind of index); pg_get_indexdef() is asked only for the rest.
  indexes: (nullsNotDistinct: string) => `
    WITH ams AS (SELECT oid, amname, pg_indexam_has_property(oid, 'can_order') AS can_order FROM pg_am WHERE amtype = 'i'),
         special_opclasses AS (SELECT array_agg(oid) AS oids FROM pg_opclass WHERE NOT opcdefault)
    SELECT i.indrelid::text AS rel, ic.oid::text AS oid, ic.relname AS name, i.indisunique AS unique, i.indisprimary AS primary,
           i.indisvalid AS valid, con.conname AS constraint,
           quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS table, quote_ident(am.amname) AS method, am.can_order,
           i.indkey::text AS keys, i.indoption::text AS key_options, i.indcollation::text AS collations, i.indnkeyatts AS key_count,
           CASE WHEN i.indpred IS NOT NULL THEN pg_get_expr(i.indpred, i.indrelid) END AS predicate,
           CASE WHEN i.indexprs IS NOT NULL OR ic.reloptions IS NOT NULL OR ic.relkind <> 'i' OR ${nullsNotDistinct}
                     OR i.indclass::oid[] && (SELECT oids FROM special_opclasses)
                THEN pg_get_indexdef(i.indexrelid) END AS full_definition
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace JOIN ams am ON am.oid = ic.relam
      LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
     WHERE c.relkind IN ('r', 'p', 'm', 'f') AND ${inSchemas('n')}`,
  // The columns of tables outside the chosen schemas that foreign keys reference.
  moreColumns: `
    SELECT attrelid::text AS rel, attnum AS num, attname AS name, quote_ident(attname) AS quoted
      FROM pg_attribute WHERE attrelid = ANY($1::oid[]) AND attnum > 0 AND NOT attisdropped`,
  indexDefinitions: `
    SELECT indexrelid::text AS oid, pg_get_indexdef(indexrelid) AS definition FROM pg_index WHERE indexrelid = ANY($1::oid[])`,
  triggers: `
    SELECT t.tgrelid::text AS rel, t.tgname AS name, pg_get_triggerdef(t.oid, true) AS definition, t.tgenabled::text AS enabled
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE NOT t.tgisinternal AND ${inSchemas('n')}`,
  types: `
    SELECT n.nspname AS schema, t.typname AS name, t.typtype::text AS kind,
           CASE WHEN t.typtype = 'e' THEN (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) END AS labels,
           CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base_type,
           t.typnotnull AS not_null,
           CASE WHEN t.typtype = 'd' THEN pg_get_expr(t.typdefaultbin, 0) END AS default,
           CASE WHEN t.typtype = 'd' THEN (SELECT array_agg(dc.conname || ': ' || pg_get_constraintdef(dc.oid, true)) FROM pg_constraint dc
                                             WHERE dc.contypid = t.oid AND dc.contype = 'c') END AS checks
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE t.typtype IN ('e', 'd') AND ${inSchemas('n')} AND ${notFromExtension('pg_type', 't.oid')}`,
};

export interface RelationRow {
  oid: string; schema: string; name: string; kind: string; unlogged: boolean; row_security: boolean; is_partition: boolean;
  options: string[] | null; partition_key: string | null; partition_bound: string | null; parents: string[] | null; view_definition: string | null;
  seq_type: string | null; seq_start: string | null; seq_increment: string | null; seq_min: string | null; seq_max: string | null;
  seq_cache: string | null; seq_cycle: boolean | null; owned_by: string | null;
}
export interface ColumnRow {
  rel: string; name: string; quoted: string; num: number; type: string; not_null: boolean; default: string | null; identity: string; generated: string;
  /** The collation's OID: compared with the index's, never written out. */
  coll: string; collation: string | null;
}
export interface ConstraintRow {
  rel: string; name: string; type: string; deferrable: boolean; deferred: boolean; validated: boolean;
  /** conkey / confkey: attribute numbers, named from the columns read anyway. */
  keys: number[] | null; ref_keys: number[] | null; ref_rel: string;
  ref_table: string | null; quoted_ref_table: string | null; on_update: string; on_delete: string; match: string;
  /** pg_get_constraintdef(), for the constraints not written from their parts. */
  full_definition: string | null;
}
export type ResolvedConstraintRow = ConstraintRow & { definition: string; columns: string[]; ref_columns: string[] };
type ColumnName = Pick<ColumnRow, 'name' | 'quoted'>;
type ColumnsByRelation = Map<string, Map<number, ColumnName>>;

const FK_ACTION_SQL: Record<string, string> = { r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** A primary key, unique or foreign key constraint as pg_get_constraintdef(oid, true) writes it. */
export function renderConstraintDefinition(r: ConstraintRow, quotedColumns: string[], quotedRefColumns: string[]): string {
  if (r.full_definition !== null) return r.full_definition;
  const columns = quotedColumns.join(', ');
  let definition: string;
  if (r.type === 'p') definition = `PRIMARY KEY (${columns})`;
  else if (r.type === 'u') definition = `UNIQUE (${columns})`;
  else {
    definition = `FOREIGN KEY (${columns}) REFERENCES ${r.quoted_ref_table ?? ''}(${quotedRefColumns.join(', ')})`;
    if (r.match === 'f') definition += ' MATCH FULL';
    else if (r.match === 'p') definition += ' MATCH PARTIAL';
    if (FK_ACTION_SQL[r.on_update]) definition += ` ON UPDATE ${FK_ACTION_SQL[r.on_update]}`;
    if (FK_ACTION_SQL[r.on_delete]) definition += ` ON DELETE ${FK_ACTION_SQL[r.on_delete]}`;
  }
  if (r.deferrable) definition += ' DEFERRABLE';
  if (r.deferred) definition += ' INITIALLY DEFERRED';
  if (!r.validated) definition += ' NOT VALID';
  return definition;
}
export interface IndexRow {
  rel: string; oid: string; name: string; unique: boolean; primary: boolean; valid: boolean; constraint: string | null;
  table: string; method: string; can_order: boolean; keys: string; key_options: string; collations: string; key_count: number;
  predicate: string | null;
  /** pg_get_indexdef(), for the indexes not written from their parts. */
  full_definition: string | null;
}
export interface TriggerRow { rel: string; name: string; definition: string; enabled: string }
export interface TypeRow { schema: string; name: string; kind: string; labels: string[] | null; base_type: string | null; not_null: boolean; default: string | null; checks: string[] | null }


/** pg_get_indexdef() without the index's own name (the name is a field of its own). */
export function normalizeIndexDef(definition: string): string {
  return definition.replace(/^CREATE (UNIQUE )?INDEX (?:"(?:[^"]|"")+"|\S+) ON /, 'CREATE $1INDEX ON ');
}

/**
 * A plain index's definition as pg_get_indexdef() writes it (PostgreSQL's ruleutils.c),
 * without the index name; null when it is not plain enough to be written from its parts.
 */
export function renderIndexDefinition(r: IndexRow, columns: Map<number, ColumnRow> | undefined): string | null {
  if (r.full_definition !== null) return normalizeIndexDef(r.full_definition);
  if (!columns) return null;
  const keys = r.keys.split(' ').map(Number);
  const options = r.key_options.split(' ').map(Number);
  const collations = r.collations.split(' ');
  const keyParts: string[] = [];
  const included: string[] = [];
  for (const [k, attnum] of keys.entries()) {
    const column = columns.get(attnum);
    if (!column) return null;
    if (k >= r.key_count) {
      included.push(column.quoted);
      continue;
    }
    const collation = collations[k] ?? '0';
    if (collation !== '0' && collation !== column.coll) return null;
    let part = column.quoted;
    if (r.can_order) {
      const option = options[k] ?? 0;
      // INDOPTION_DESC = 1, INDOPTION_NULLS_FIRST = 2; NULLS FIRST is the default for DESC.
      if (option & 1) part += option & 2 ? ' DESC' : ' DESC NULLS LAST';
      else if (option & 2) part += ' NULLS FIRST';
    }
    keyParts.push(part);
  }
  const include = included.length ? ` INCLUDE (${included.join(', ')})` : '';
  const where = r.predicate !== null ? ` WHERE ${r.predicate}` : '';
  return `CREATE ${r.unique ? 'UNIQUE ' : ''}INDEX ON ${r.table} USING ${r.method} (${keyParts.join(', ')})${include}${where}`;
}

export type ResolvedIndexRow = IndexRow & { definition: string };

export interface CatalogRows {
  schemas: Array<{ name: string }>;
  extensions: ExtensionFingerprint[];
  relations: RelationRow[];
  columns: ColumnRow[];
  constraints: ResolvedConstraintRow[];
  indexes: ResolvedIndexRow[];
  triggers: TriggerRow[];
  types: TypeRow[];
}


type RawRows = {
  schemas: Array<{ name: string }>;
  extensions: ExtensionFingerprint[];
  relations: RelationRow[];
  columns: ColumnRow[];
  constraints: ConstraintRow[];
  indexes: IndexRow[];
  triggers: TriggerRow[];
  types: TypeRow[];
};

// The three big queries deparse expressions (defaults, checks, index predicates), which opens
// each table (its relcache entry, built on first use in each backend). Several connections
// therefore split them by table, not by query: each builds the entries of its own share only.
const PER_TABLE = ['constraints', 'columns', 'indexes'] as const;
const SMALL = ['relations', 'types', 'triggers', 'schemas', 'extensions'] as const;

/** What one connection takes off the queue: a share of the tables, or the small queries. */
type Task = { shard: number; of: number } | 'small';

function sqlFor(task: keyof RawRows, serverVersionNum: number): string {
  if (task === 'indexes') return SQL.indexes(serverVersionNum >= 150000 ? 'i.indnullsnotdistinct' : 'false');
  if (task === 'constraints') return SQL.constraints(serverVersionNum >= 150000);
  return SQL[task];
}

function emptyRows(): RawRows {
  return { schemas: [], extensions: [], relations: [], columns: [], constraints: [], indexes: [], triggers: [], types: [] };
}

/** Takes tasks off the shared queue until it is empty; rows are appended to `raw`. */
async function drain(query: Query, queue: Task[], raw: RawRows, schemas: string[] | null, serverVersionNum: number): Promise<void> {
  for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
    // Every per-table query names the table's pg_class row "c".
    const share = task !== 'small' && task.of > 1 ? ` AND (c.oid::int8 % ${task.of}) = ${task.shard}` : '';
    for (const name of task === 'small' ? SMALL : PER_TABLE) {
      const rows = await query(sqlFor(name, serverVersionNum) + share, [schemas]);
      const into = raw[name] as unknown[];
      for (const row of rows) into.push(row);
    }
  }
}

function shards(n: number): Task[] {
  return [...Array.from({ length: n }, (_, shard): Task => ({ shard, of: n })), 'small'];
}

function columnsByRelation(rows: Array<ColumnName & { rel: string; num: number }>): ColumnsByRelation {
  const out: ColumnsByRelation = new Map();
  for (const c of rows) {
    let map = out.get(c.rel);
    if (!map) out.set(c.rel, (map = new Map()));
    map.set(c.num, c);
  }
  return out;
}

/** Index definitions: written from their parts where plain, pg_get_indexdef() for the rest. */
async function resolveIndexes(query: Query, raw: RawRows, byRelation: Map<string, Map<number, ColumnRow>>): Promise<ResolvedIndexRow[]> {
  // The rows are completed in place: tens of thousands of copies would only feed the GC.
  const indexes = raw.indexes as ResolvedIndexRow[];
  const unresolved: ResolvedIndexRow[] = [];
  for (const r of indexes) {
    const definition = renderIndexDefinition(r, byRelation.get(r.rel));
    if (definition === null) unresolved.push(r);
    else r.definition = definition;
  }
  if (unresolved.length) {
    const rows = await query<{ oid: string; definition: string }>(SQL.indexDefinitions, [unresolved.map((r) => r.oid)]);
    const defs = new Map(rows.map((d) => [d.oid, d.definition]));
    for (const r of unresolved) r.definition = normalizeIndexDef(defs.get(r.oid) ?? '');
  }
  return indexes;
}

/** Constraint columns named, definitions written; a referenced table outside the read schemas costs one more query. */
async function resolveConstraints(query: Query, rows: ConstraintRow[], byRelation: ColumnsByRelation): Promise<ResolvedConstraintRow[]> {
  const missing = [...new Set(rows.filter((r) => r.type === 'f' && !byRelation.has(r.ref_rel)).map((r) => r.ref_rel))];
  const elsewhere = missing.length ? columnsByRelation(await query<ColumnName & { rel: string; num: number }>(SQL.moreColumns, [missing])) : new Map() as ColumnsByRelation;
  return rows.map((r) => {
    const own = byRelation.get(r.rel);
    const ref = byRelation.get(r.ref_rel) ?? elsewhere.get(r.ref_rel);
    const cols = (r.keys ?? []).map((n) => own?.get(n) ?? { name: `#${n}`, quoted: `#${n}` });
    const refCols = r.type === 'f' ? (r.ref_keys ?? []).map((n) => ref?.get(n) ?? { name: `#${n}`, quoted: `#${n}` }) : [];
    const resolved = r as ResolvedConstraintRow;
    resolved.definition = renderConstraintDefinition(r, cols.map((c) => c.quoted), refCols.map((c) => c.quoted));
    resolved.columns = cols.map((c) => c.name);
    resolved.ref_columns = refCols.map((c) => c.name);
    return resolved;
  });
}

async function resolve(query: Query, raw: RawRows): Promise<CatalogRows> {
  const byRelation = new Map<string, Map<number, ColumnRow>>();
  for (const c of raw.columns) {
    let map = byRelation.get(c.rel);
    if (!map) byRelation.set(c.rel, (map = new Map()));
    map.set(c.num, c);
  }
  const constraints = await resolveConstraints(query, raw.constraints, byRelation);
  return { ...raw, constraints, indexes: await resolveIndexes(query, raw, byRelation) };
}

/** Reads the catalogs on one connection, in the caller's transaction. */
export async function readCatalog(query: Query, schemas: string[] | null, serverVersionNum: number): Promise<CatalogRows> {
  const raw = emptyRows();
  await drain(query, shards(1), raw, schemas, serverVersionNum);
  return resolve(query, raw);
}

export interface ParallelReadOptions {
  /** Connections in all, this one included (default 4; 1 reads on this connection alone). */
  connections: number;
  /** The transaction settings every reader uses (timeouts, search_path). */
  transaction: Omit<ReadOnlyOptions, 'snapshot' | 'importSnapshot'>;
}

/**
 * Reads the catalogs on `session`'s open snapshot transaction (`query`) and on up to
 * connections - 1 more sessions that import its snapshot. A helper that cannot connect or
 * import the snapshot is simply not used (the others take its share); a query that fails
 * fails the read.
 */
export async function readCatalogParallel(session: PgSession, query: Query, schemas: string[] | null, options: ParallelReadOptions): Promise<CatalogRows> {
  if (options.connections <= 1) return readCatalog(query, schemas, session.serverVersionNum);
  const [exported] = await query<{ id: string }>('SELECT pg_export_snapshot() AS id');
  const queue = shards(options.connections);
  const raw = emptyRows();
  const helpers: PgSession[] = [];
  let failed = false;
  const guard = async (work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      failed = true;
      queue.length = 0;
      throw error;
    }
  };
  const helper = async (n: number): Promise<void> => {
    let fork: PgSession;
    try {
      fork = await session.fork(`cutover-fingerprint ${n}/${options.connections}`);
    } catch {
      return;
    }
    helpers.push(fork);
    if (failed || queue.length === 0) return;
    let started = false;
    try {
      await fork.readOnly({ ...options.transaction, importSnapshot: exported!.id }, async (q) => {
        started = true;
        await guard(() => drain(q, queue, raw, schemas, session.serverVersionNum));
      });
    } catch (error) {
      // Could not even start (no snapshot import on this server): leave the work to the others.
      if (!started && error instanceof PgCheckError && error.kind !== 'lost') return;
      throw error;
    }
  };
  try {
    const results = await Promise.allSettled([
      guard(() => drain(query, queue, raw, schemas, session.serverVersionNum)),
      ...Array.from({ length: options.connections - 1 }, (_, i) => helper(i + 2)),
    ]);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
  } finally {
    await Promise.all(helpers.map((h) => h.close()));
  }
  return resolve(query, raw);
}
