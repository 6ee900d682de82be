// Structural parity: the differences between two fingerprints, A the reference (e.g. the
// rehearsal clone) and B the one checked (e.g. prod). "missing": in A, not in B; "extra": in
// B, not in A; "changed": in both, different. A foreign key whose name differs but whose
// definition matches is "naming-equivalent": listed apart, not drift (the runbook allows it).
import { translator, type Lang, type Translator } from '../../shared/i18n';
import { canonicalJson } from '../vault/chain';
import { compareText } from './fingerprint';
import type {
  ColumnFingerprint, ForeignKeyFingerprint, IndexFingerprint, SchemaFingerprint, TableFingerprint, ViewFingerprint,
} from './fingerprint-schema';

export type DiffObjectType =
  | 'schema' | 'extension' | 'table' | 'column' | 'constraint' | 'foreignKey' | 'index' | 'trigger'
  | 'view' | 'sequence' | 'enum' | 'domain' | 'compositeType';

export interface Difference {
  kind: 'missing' | 'extra' | 'changed';
  objectType: DiffObjectType;
  /** Qualified: "public.users", "public.users.email", "public.users.users_email_key". */
  name: string;
  detail: string;
}

export interface NamingEquivalence {
  kind: 'naming-equivalent';
  objectType: 'foreignKey';
  table: string;
  /** Its name in A and in B. */
  nameA: string;
  nameB: string;
  definition: string;
}

export interface FingerprintDiff {
  /** Same sha256: nothing differs at all. */
  identical: boolean;
  /** Anything in `differences` (naming-equivalent foreign keys are not drift). */
  drift: boolean;
  sha256A: string;
  sha256B: string;
  differences: Difference[];
  namingEquivalent: NamingEquivalence[];
}

function keyed<T>(items: T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((i) => [key(i), i]));
}

const qualified = (o: { schema: string; name: string }) => `${o.schema}.${o.name}`;

function show(value: unknown, tr: Translator): string {
  if (value === null || value === undefined) return tr.t('checks.diff.none');
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value);
}

/** "type: integer → bigint; default: 0 → 1" for the fields that differ. */
function fieldChanges<T extends object>(a: T, b: T, tr: Translator, skip: Array<keyof T> = []): string[] {
  const out: string[] = [];
  for (const key of Object.keys(a) as Array<keyof T>) {
    if (skip.includes(key)) continue;
    const va = a[key];
    const vb = b[key];
    if (JSON.stringify(va) !== JSON.stringify(vb)) out.push(`${String(key)}: ${show(va, tr)} → ${show(vb, tr)}`);
  }
  return out;
}

class Differ {
  readonly differences: Difference[] = [];
  readonly namingEquivalent: NamingEquivalence[] = [];

  constructor(readonly tr: Translator) {}

  add(kind: Difference['kind'], objectType: DiffObjectType, name: string, detail: string): void {
    this.differences.push({ kind, objectType, name, detail });
  }

  /** Missing / extra by key; `changed` for the ones in both. */
  compare<T>(objectType: DiffObjectType, a: T[], b: T[], key: (item: T) => string, describe: (item: T) => string, changed: (x: T, y: T, name: string) => void): void {
    const mapA = keyed(a, key);
    const mapB = keyed(b, key);
    for (const [name, item] of mapA) {
      const other = mapB.get(name);
      if (other === undefined) this.add('missing', objectType, name, describe(item));
      else changed(item, other, name);
    }
    for (const [name, item] of mapB) if (!mapA.has(name)) this.add('extra', objectType, name, describe(item));
  }

  /** One entry per object whose fields differ. */
  simple<T extends object>(objectType: DiffObjectType, a: T[], b: T[], key: (item: T) => string, describe: (item: T) => string, skip: Array<keyof T> = []): void {
    this.compare(objectType, a, b, key, describe, (x, y, name) => {
      const changes = fieldChanges(x, y, this.tr, skip);
      if (changes.length) this.add('changed', objectType, name, changes.join('; '));
    });
  }

  columns(objectType: 'column', owner: string, a: ColumnFingerprint[], b: ColumnFingerprint[]): void {
    this.simple(objectType, a, b, (c) => `${owner}.${c.name}`, (c) => `${c.type}${c.notNull ? ' not null' : ''}${c.default !== null ? ` default ${c.default}` : ''}`);
  }

  indexes(owner: string, a: IndexFingerprint[], b: IndexFingerprint[]): void {
    const schema = owner.slice(0, owner.lastIndexOf('.'));
    this.simple('index', a, b, (i) => `${schema}.${i.name}`, (i) => i.definition);
  }

  table(a: TableFingerprint, b: TableFingerprint, name: string): void {
    const changes = fieldChanges(a, b, this.tr, ['columns', 'constraints', 'foreignKeys', 'indexes', 'triggers']);
    if (changes.length) this.add('changed', 'table', name, changes.join('; '));
    this.columns('column', name, a.columns, b.columns);
    this.simple('constraint', a.constraints, b.constraints, (c) => `${name}.${c.name}`, (c) => c.definition);
    this.foreignKeys(name, a.foreignKeys, b.foreignKeys);
    this.indexes(name, a.indexes, b.indexes);
    this.simple('trigger', a.triggers, b.triggers, (t) => `${name}.${t.name}`, (t) => t.definition);
  }

  /** By name first; the unmatched ones on each side are then paired by definition. */
  foreignKeys(table: string, a: ForeignKeyFingerprint[], b: ForeignKeyFingerprint[]): void {
    const namesB = new Set(b.map((f) => f.name));
    const namesA = new Set(a.map((f) => f.name));
    const onlyA = a.filter((f) => !namesB.has(f.name));
    const onlyB = b.filter((f) => !namesA.has(f.name));
    const signature = (f: ForeignKeyFingerprint) => canonicalJson({ ...f, name: '' });
    const unpairedB = [...onlyB];
    const paired = new Set<ForeignKeyFingerprint>();
    for (const fa of onlyA) {
      const i = unpairedB.findIndex((fb) => signature(fb) === signature(fa));
      if (i < 0) continue;
      const fb = unpairedB.splice(i, 1)[0]!;
      paired.add(fa).add(fb);
      this.namingEquivalent.push({ kind: 'naming-equivalent', objectType: 'foreignKey', table, nameA: fa.name, nameB: fb.name, definition: fa.definition });
    }
    this.simple('foreignKey', a.filter((f) => !paired.has(f)), b.filter((f) => !paired.has(f)), (f) => `${table}.${f.name}`, (f) => f.definition);
  }

  view(a: ViewFingerprint, b: ViewFingerprint, name: string): void {
    const changes = fieldChanges(a, b, this.tr, ['columns', 'indexes']);
    if (changes.length) this.add('changed', 'view', name, changes.join('; '));
    this.columns('column', name, a.columns, b.columns);
    this.indexes(name, a.indexes, b.indexes);
  }
}

const TABLE_KIND: Record<TableFingerprint['kind'], 'checks.kind.table' | 'checks.kind.partitionedTable' | 'checks.kind.foreignTable'> = {
  'table': 'checks.kind.table', 'partitioned table': 'checks.kind.partitionedTable', 'foreign table': 'checks.kind.foreignTable',
};

export interface DiffOptions {
  /** The language of the differences' details (default English): the reader's for people; --json and anything recorded keep English. */
  lang?: Lang;
}

/** Every difference between A (the reference) and B. */
export function diffFingerprints(a: SchemaFingerprint, b: SchemaFingerprint, options: DiffOptions = {}): FingerprintDiff {
  const tr = translator(options.lang ?? 'en');
  const d = new Differ(tr);
  d.simple('schema', a.schemas.map((name) => ({ name })), b.schemas.map((name) => ({ name })), (s) => s.name, () => tr.t('checks.diff.schema'));
  d.simple('extension', a.extensions, b.extensions, (e) => e.name, (e) => tr.t('checks.diff.extension', { name: e.name, version: e.version, schema: e.schema }));
  d.compare('table', a.tables, b.tables, qualified, (t) => tr.count('checks.diff.columns', t.columns.length, { kind: tr.t(TABLE_KIND[t.kind]) }), (x, y, name) => d.table(x, y, name));
  d.compare('view', a.views, b.views, qualified, (v) => tr.t(v.materialized ? 'checks.kind.materializedView' : 'checks.kind.view'), (x, y, name) => d.view(x, y, name));
  d.simple('sequence', a.sequences, b.sequences, qualified, (s) => `${s.type}${s.ownedBy ? tr.t('checks.diff.ownedBy', { owner: s.ownedBy }) : ''}`);
  d.compare('enum', a.enums, b.enums, qualified, (e) => `(${e.labels.join(', ')})`, (x, y, name) => {
    if (JSON.stringify(x.labels) === JSON.stringify(y.labels)) return;
    const added = y.labels.filter((l) => !x.labels.includes(l));
    const removed = x.labels.filter((l) => !y.labels.includes(l));
    const parts = [`labels: (${x.labels.join(', ')}) → (${y.labels.join(', ')})`];
    if (added.length) parts.push(tr.t('checks.diff.added', { labels: added.map((l) => `'${l}'`).join(', ') }));
    if (removed.length) parts.push(tr.t('checks.diff.removed', { labels: removed.map((l) => `'${l}'`).join(', ') }));
    if (!added.length && !removed.length) parts.push(tr.t('checks.diff.reordered'));
    d.add('changed', 'enum', name, parts.join('; '));
  });
  d.simple('domain', a.domains, b.domains, qualified, (x) => x.baseType);
  d.compare('compositeType', a.compositeTypes, b.compositeTypes, qualified, (c) => tr.count('checks.diff.attributes', c.attributes.length), (x, y, name) => {
    d.columns('column', name, x.attributes, y.attributes);
  });
  const order: Record<Difference['kind'], number> = { missing: 0, extra: 1, changed: 2 };
  const differences = d.differences.sort((x, y) => compareText(x.name, y.name) || compareText(x.objectType, y.objectType) || order[x.kind] - order[y.kind]);
  const namingEquivalent = d.namingEquivalent.sort((x, y) => compareText(x.table, y.table) || compareText(x.nameA, y.nameA));
  return {
    identical: a.sha256 === b.sha256,
    drift: differences.length > 0,
    sha256A: a.sha256,
    sha256B: b.sha256,
    differences,
    namingEquivalent,
  };
}
