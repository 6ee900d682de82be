// The schema fingerprint: the catalog rows (catalog.ts) turned into one canonical document,
// sealed with the SHA-256 of its RFC 8785 canonical JSON. Sorting happens here, in code-point
// order, never in SQL (a database's collation would change the order).
import { createHash } from 'node:crypto';
import { translate } from '../../shared/i18n';
import { canonicalJson } from '../vault/chain';
import { readCatalogParallel, type CatalogRows, type ColumnRow, type ResolvedConstraintRow, type ResolvedIndexRow } from './catalog';
import { PgCheckError } from './errors';
import {
  FINGERPRINT_FORMAT, fingerprintSchema,
  type ColumnFingerprint, type CompositeTypeFingerprint, type ConstraintFingerprint, type DomainFingerprint, type EnumFingerprint,
  type FingerprintBody, type ForeignKeyFingerprint, type IndexFingerprint, type SchemaFingerprint,
  type SequenceFingerprint, type TableFingerprint, type TriggerFingerprint, type ViewFingerprint,
} from './fingerprint-schema';
import { PgSession, type SessionOptions } from './session';

export interface FingerprintOptions {
  /** Schemas to fingerprint (default: every schema but the system ones). */
  schemas?: string[];
  /** For each catalog query (default 60 s). */
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  /**
   * Connections that read side by side, sharing one snapshot (default 4; 1 keeps to the one
   * connection). Each is a short read-only session.
   */
  connections?: number;
}

export interface FingerprintCounts {
  schemas: number;
  tables: number;
  columns: number;
  constraints: number;
  foreignKeys: number;
  indexes: number;
  triggers: number;
  views: number;
  sequences: number;
  enums: number;
  domains: number;
  compositeTypes: number;
  extensions: number;
}

/** Where and when a fingerprint was taken: kept beside it, never inside it. */
export interface FingerprintMeta {
  target: string;
  database: string;
  serverVersion: string;
  takenAt: string;
  durationMs: number;
  /** Schemas asked for with --schema that do not exist there. */
  missingSchemas: string[];
  counts: FingerprintCounts;
}

export interface TakenFingerprint {
  fingerprint: SchemaFingerprint;
  meta: FingerprintMeta;
}

const CONSTRAINT_TYPE: Record<string, ConstraintFingerprint['type']> = { p: 'primary key', u: 'unique', c: 'check', x: 'exclusion' };
const FK_ACTION: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };
const FK_MATCH: Record<string, string> = { s: 'simple', f: 'full', p: 'partial' };
const IDENTITY: Record<string, string> = { a: 'always', d: 'by default' };
const GENERATED: Record<string, string> = { s: 'stored', v: 'virtual' };
const TRIGGER_ENABLED: Record<string, string> = { O: 'origin', D: 'disabled', R: 'replica', A: 'always' };

/** Code-point order (what RFC 8785 uses for keys), independent of any locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName<T extends { name: string }>(items: T[]): T[] {
  return items.sort((a, b) => compareText(a.name, b.name));
}

function bySchemaName<T extends { schema: string; name: string }>(items: T[]): T[] {
  return items.sort((a, b) => compareText(a.schema, b.schema) || compareText(a.name, b.name));
}

function groupBy<T extends { rel: string }>(rows: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const list = map.get(row.rel);
    if (list) list.push(row);
    else map.set(row.rel, [row]);
  }
  return map;
}

// Every object below is written with its keys in code-point order, so that JSON.stringify()
// of the document IS its RFC 8785 canonical JSON (same key order; strings, booleans, null and
// small integers serialize identically) at a fifth of canonicalJson()'s cost on a big schema.
// The tests check JSON.stringify(document) === canonicalJson(document) on a schema with every
// kind of object, and every read (parseFingerprint) recomputes the hash with canonicalJson().

function columnsOf(rows: ColumnRow[] | undefined): ColumnFingerprint[] {
  const sorted = (rows ?? []).slice().sort((a, b) => a.num - b.num);
  return byName(sorted.map((r, i): ColumnFingerprint => ({
    collation: r.collation,
    default: r.default,
    generated: GENERATED[r.generated] ?? null,
    identity: IDENTITY[r.identity] ?? null,
    name: r.name,
    notNull: r.not_null,
    position: i + 1,
    type: r.type,
  })));
}

function indexesOf(rows: ResolvedIndexRow[] | undefined): IndexFingerprint[] {
  return byName((rows ?? []).map((r): IndexFingerprint => ({ constraint: r.constraint, definition: r.definition, name: r.name, primary: r.primary, unique: r.unique, valid: r.valid })));
}

function constraintsOf(rows: ResolvedConstraintRow[]): ConstraintFingerprint[] {
  return byName(rows.filter((c) => c.type !== 'f').map((c): ConstraintFingerprint => ({
    deferrable: c.deferrable, definition: c.definition, initiallyDeferred: c.deferred, name: c.name, type: CONSTRAINT_TYPE[c.type]!, validated: c.validated,
  })));
}

function foreignKeysOf(rows: ResolvedConstraintRow[]): ForeignKeyFingerprint[] {
  return byName(rows.filter((c) => c.type === 'f').map((c): ForeignKeyFingerprint => ({
    columns: c.columns,
    deferrable: c.deferrable,
    definition: c.definition,
    initiallyDeferred: c.deferred,
    match: FK_MATCH[c.match] ?? c.match,
    name: c.name,
    onDelete: FK_ACTION[c.on_delete] ?? c.on_delete,
    onUpdate: FK_ACTION[c.on_update] ?? c.on_update,
    referencedColumns: c.ref_columns,
    referencedTable: c.ref_table ?? '',
    validated: c.validated,
  })));
}

/** Builds the document from the catalog rows (sorted, no OIDs) and seals it with its sha256. */
export function buildFingerprint(rows: CatalogRows): SchemaFingerprint {
  const columns = groupBy(rows.columns);
  const constraints = groupBy(rows.constraints);
  const indexes = groupBy(rows.indexes);
  const triggers = groupBy(rows.triggers);
  const tables: TableFingerprint[] = [];
  const views: ViewFingerprint[] = [];
  const sequences: SequenceFingerprint[] = [];
  const compositeTypes: CompositeTypeFingerprint[] = [];
  for (const r of rows.relations) {
    if (r.kind === 'r' || r.kind === 'p' || r.kind === 'f') {
      const cons = constraints.get(r.oid) ?? [];
      const parents = r.parents ?? [];
      tables.push({
        columns: columnsOf(columns.get(r.oid)),
        constraints: constraintsOf(cons),
        foreignKeys: foreignKeysOf(cons),
        indexes: indexesOf(indexes.get(r.oid)),
        inherits: r.is_partition ? [] : parents,
        kind: r.kind === 'r' ? 'table' : r.kind === 'p' ? 'partitioned table' : 'foreign table',
        name: r.name,
        options: (r.options ?? []).slice().sort(compareText),
        partitionBound: r.partition_bound,
        partitionKey: r.partition_key,
        partitionOf: r.is_partition ? (parents[0] ?? null) : null,
        rowSecurity: r.row_security,
        schema: r.schema,
        triggers: byName((triggers.get(r.oid) ?? []).map((t): TriggerFingerprint => ({ definition: t.definition, enabled: TRIGGER_ENABLED[t.enabled] ?? t.enabled, name: t.name }))),
        unlogged: r.unlogged,
      });
    } else if (r.kind === 'v' || r.kind === 'm') {
      views.push({ columns: columnsOf(columns.get(r.oid)), definition: r.view_definition ?? '', indexes: indexesOf(indexes.get(r.oid)), materialized: r.kind === 'm', name: r.name, schema: r.schema });
    } else if (r.kind === 'S') {
      sequences.push({
        cache: r.seq_cache ?? '', cycle: r.seq_cycle ?? false, increment: r.seq_increment ?? '', max: r.seq_max ?? '', min: r.seq_min ?? '',
        name: r.name, ownedBy: r.owned_by, schema: r.schema, start: r.seq_start ?? '', type: r.seq_type ?? '',
      });
    } else if (r.kind === 'c') {
      compositeTypes.push({ attributes: columnsOf(columns.get(r.oid)), name: r.name, schema: r.schema });
    }
  }
  const enums: EnumFingerprint[] = [];
  const domains: DomainFingerprint[] = [];
  for (const t of rows.types) {
    if (t.kind === 'e') enums.push({ labels: t.labels ?? [], name: t.name, schema: t.schema });
    else domains.push({ baseType: t.base_type ?? '', constraints: (t.checks ?? []).sort(compareText), default: t.default, name: t.name, notNull: t.not_null, schema: t.schema });
  }
  const body: FingerprintBody = {
    compositeTypes: bySchemaName(compositeTypes),
    domains: bySchemaName(domains),
    enums: bySchemaName(enums),
    extensions: byName(rows.extensions.map((e) => ({ name: e.name, schema: e.schema, version: e.version }))),
    format: FINGERPRINT_FORMAT,
    schemas: rows.schemas.map((x) => x.name).sort(compareText),
    sequences: bySchemaName(sequences),
    tables: bySchemaName(tables),
    views: bySchemaName(views),
  };
  return seal(body);
}

/** SHA-256 of the RFC 8785 canonical JSON of the document without `sha256`. */
export function fingerprintHash(body: FingerprintBody): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** The canonical text of each sealed document, so writing it does not serialize it again. */
const canonicalText = new WeakMap<SchemaFingerprint, string>();

/**
 * Serializes the body (built in key order, see above) and inserts "sha256" in its sorted
 * place for the whole document: the hash covers exactly the body's canonical JSON, and the
 * file is the whole document's canonical JSON.
 */
function seal(body: FingerprintBody): SchemaFingerprint {
  const text = JSON.stringify(body);
  const sha256 = createHash('sha256').update(text).digest('hex');
  const sealed: SchemaFingerprint = { ...body, sha256 };
  // "sha256" sorts right after "sequences", the member before "tables".
  const at = text.lastIndexOf(',"tables":[');
  canonicalText.set(sealed, `${text.slice(0, at)},"sha256":${JSON.stringify(sha256)}${text.slice(at)}`);
  return sealed;
}

export function countObjects(fp: FingerprintBody): FingerprintCounts {
  let columns = 0, constraints = 0, foreignKeys = 0, indexes = 0, triggers = 0;
  for (const t of fp.tables) {
    columns += t.columns.length;
    constraints += t.constraints.length;
    foreignKeys += t.foreignKeys.length;
    indexes += t.indexes.length;
    triggers += t.triggers.length;
  }
  for (const v of fp.views) indexes += v.indexes.length;
  return {
    schemas: fp.schemas.length, tables: fp.tables.length, columns, constraints, foreignKeys, indexes, triggers, views: fp.views.length,
    sequences: fp.sequences.length, enums: fp.enums.length, domains: fp.domains.length, compositeTypes: fp.compositeTypes.length, extensions: fp.extensions.length,
  };
}

/** Fingerprints the schema on an open session. */
export async function takeFingerprint(session: PgSession, options: FingerprintOptions = {}): Promise<TakenFingerprint> {
  const started = Date.now();
  const schemas = options.schemas && options.schemas.length > 0 ? [...new Set(options.schemas)] : null;
  const transaction = {
    what: translate(session.lang, 'checks.reads.fingerprint'),
    searchPath: 'pg_catalog',
    statementTimeoutMs: options.statementTimeoutMs ?? 60_000,
    lockTimeoutMs: options.lockTimeoutMs ?? 5_000,
  };
  // The snapshot's transaction waits, idle, while the other connections read their shares.
  const idleTimeoutMs = transaction.statementTimeoutMs * 10;
  const read = (connections: number) => session.readOnly({ ...transaction, snapshot: true, idleTimeoutMs }, async (query) => {
    const [v] = await query<{ version: string }>("SELECT current_setting('server_version') AS version");
    return { rows: await readCatalogParallel(session, query, schemas, { connections, transaction }), version: v!.version };
  });
  let result: { rows: CatalogRows; version: string };
  const connections = Math.max(1, Math.floor(options.connections ?? 4));
  try {
    result = await read(connections);
  } catch (error) {
    // A server that cannot export a snapshot (an old standby): read on this connection alone.
    if (connections === 1 || !(error instanceof PgCheckError) || error.kind !== 'sql' || !/snapshot/i.test(error.message)) throw error;
    result = await read(1);
  }
  const fingerprint = buildFingerprint(result.rows);
  const present = new Set(fingerprint.schemas);
  return {
    fingerprint,
    meta: {
      target: session.label,
      database: session.database,
      serverVersion: result.version,
      takenAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      missingSchemas: (schemas ?? []).filter((s) => !present.has(s)),
      counts: countObjects(fingerprint),
    },
  };
}

/** Connects, fingerprints and closes. */
export async function fingerprintDatabase(dsn: string, options: FingerprintOptions = {}, sessionOptions: SessionOptions = {}): Promise<TakenFingerprint> {
  const session = await PgSession.connect(dsn, { applicationName: 'cutover-fingerprint', ...sessionOptions });
  try {
    return await takeFingerprint(session, options);
  } finally {
    await session.close();
  }
}

/** The document as a file holds it: its RFC 8785 canonical JSON on one line, and a newline. */
export function serializeFingerprint(fp: SchemaFingerprint): string {
  return `${canonicalText.get(fp) ?? canonicalJson(fp)}\n`;
}

/** Reads a fingerprint document: shape checked, sha256 recomputed. Throws PgCheckError('input'). */
export function parseFingerprint(text: string, source = 'the fingerprint'): SchemaFingerprint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PgCheckError('input', `${source} is not JSON (${(error as Error).message}).`);
  }
  const parsed = fingerprintSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new PgCheckError('input', `${source} is not a schema fingerprint (${FINGERPRINT_FORMAT})${at}: ${issue?.message ?? 'unexpected shape'}.`);
  }
  const { sha256, ...body } = parsed.data;
  const actual = fingerprintHash(body);
  if (actual !== sha256) throw new PgCheckError('input', `${source} has been altered: its content hashes to ${actual}, but it says ${sha256}.`);
  return parsed.data;
}
