// Schema fingerprints on real PostgreSQL: the same schema built in two databases gives the
// same fingerprint (nothing about where it lives leaks in), each structural change changes it
// and the diff names it, a renamed foreign key is naming-equivalent, and the definitions we
// write ourselves for speed are exactly what pg_get_indexdef/pg_get_constraintdef say.
import { describe, expect, it } from 'vitest';
import {
  PgCheckError, diffFingerprints, parseFingerprint, serializeFingerprint, takeFingerprint, type SchemaFingerprint,
} from '../../src/core/checks';
import { canonicalJson } from '../../src/core/vault';
import { useCheckDatabase, type CheckDatabase } from './helpers';
import { OID_SHIFT_SQL, schemaSql } from './schema-fixture';

async function build(db: CheckDatabase, before = ''): Promise<void> {
  const [{ v }] = (await db.query<{ v: number }>("SELECT current_setting('server_version_num')::int AS v")).rows as [{ v: number }];
  await db.query(`${before}\n${schemaSql(v)}`);
}

async function fingerprint(db: CheckDatabase, options: Parameters<typeof takeFingerprint>[1] = {}): Promise<SchemaFingerprint> {
  return (await takeFingerprint(await db.session(), options)).fingerprint;
}

describe('schema fingerprint', () => {
  it('is the same for the same schema in two databases, and holds no OID or database name', async () => {
    const a = await useCheckDatabase();
    const b = await useCheckDatabase();
    await build(a);
    await build(b, OID_SHIFT_SQL);
    const taken = await takeFingerprint(await a.session());
    const fa = taken.fingerprint;
    const fb = await fingerprint(b);
    expect(fb.sha256).toBe(fa.sha256);
    expect(fb).toEqual(fa);
    expect(taken.meta.database).toBe(a.name);
    expect(taken.meta.counts).toMatchObject({ schemas: 2, tables: 6, views: 2, enums: 1, domains: 1, compositeTypes: 1, triggers: 1 });

    const text = serializeFingerprint(fa);
    expect(text).not.toContain(a.name);
    const oids = (await a.query<{ oid: string }>("SELECT oid::text FROM pg_class WHERE relnamespace IN ('app'::regnamespace, 'public'::regnamespace)")).rows.map((r) => r.oid);
    expect(oids.length).toBeGreaterThan(20);
    for (const oid of oids) expect(text, `OID ${oid} in the fingerprint`).not.toMatch(new RegExp(`\\b${oid}\\b`));

    // One connection or several sharing a snapshot: the same document.
    expect((await fingerprint(a, { connections: 1 })).sha256).toBe(fa.sha256);
    expect((await fingerprint(a, { connections: 3 })).sha256).toBe(fa.sha256);
  });

  it('covers every kind of object, with what matters about each', async () => {
    const db = await useCheckDatabase();
    await build(db);
    const fp = await fingerprint(db);
    expect(fp.format).toBe('cutover.schema-fingerprint/1');
    expect(fp.schemas).toEqual(['app', 'public']);
    expect(fp.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(['app.investments', 'app.investors', 'app.ledger', 'app.ledger_2024', 'public.audit_log', 'public.scratch']);
    const investors = fp.tables.find((t) => t.name === 'investors')!;
    expect(investors.columns.map((c) => c.name)).toEqual(['Display Name', 'balance', 'created_at', 'email', 'home', 'id', 'name', 'status', 'tags']);
    expect(investors.columns.find((c) => c.name === 'email')).toEqual({ name: 'email', position: 2, type: 'character varying(200)', notNull: true, default: null, identity: null, generated: null, collation: null });
    expect(investors.columns.find((c) => c.name === 'status')).toMatchObject({ type: 'app.status', default: "'draft'::app.status", notNull: true });
    expect(investors.columns.find((c) => c.name === 'id')!.default).toBe("nextval('app.investors_id_seq'::regclass)");
    expect(investors.columns.find((c) => c.name === 'name')!.collation).toBe('C');
    expect(investors.triggers).toEqual([{ name: 'investors_touch', enabled: 'origin', definition: 'CREATE TRIGGER investors_touch BEFORE UPDATE ON app.investors FOR EACH ROW EXECUTE FUNCTION app.touch()' }]);
    const investments = fp.tables.find((t) => t.name === 'investments')!;
    expect(investments.columns.find((c) => c.name === 'id')).toMatchObject({ identity: 'always', notNull: true });
    expect(investments.columns.find((c) => c.name === 'ratio')).toMatchObject({ generated: 'stored', default: '(amount / (100)::numeric)' });
    expect(investments.foreignKeys).toEqual([{
      name: 'fk_investments_investor', columns: ['investor_id'], referencedTable: 'app.investors', referencedColumns: ['id'],
      onUpdate: 'no action', onDelete: 'cascade', match: 'simple', deferrable: true, initiallyDeferred: true, validated: true,
      definition: 'FOREIGN KEY (investor_id) REFERENCES app.investors(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED',
    }]);
    expect(investments.constraints.map((c) => [c.name, c.type, c.validated])).toEqual([
      ['investments_amount_cap', 'check', false], ['investments_amount_check', 'check', true], ['investments_investor_amount_key', 'unique', true],
      ['investments_no_overlap', 'exclusion', true], ['investments_pkey', 'primary key', true],
    ]);
    const ledger = fp.tables.find((t) => t.name === 'ledger')!;
    expect(ledger).toMatchObject({ kind: 'partitioned table', partitionKey: 'RANGE (booked)' });
    expect(fp.tables.find((t) => t.name === 'ledger_2024')).toMatchObject({ partitionOf: 'app.ledger', partitionBound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" });
    expect(fp.tables.find((t) => t.name === 'scratch')).toMatchObject({ unlogged: true, options: ['fillfactor=70'] });
    expect(fp.enums).toEqual([{ schema: 'app', name: 'status', labels: ['draft', 'open', 'closed'] }]);
    expect(fp.domains).toEqual([{ schema: 'app', name: 'money', baseType: 'numeric(14,2)', notNull: false, default: '0', constraints: ['money_not_negative: CHECK (VALUE >= 0::numeric)'] }]);
    expect(fp.compositeTypes[0]!.attributes.map((a) => `${a.name} ${a.type}`)).toEqual(['city character varying(80)', 'street text']);
    expect(fp.sequences.find((s) => s.name === 'ticket_seq')).toEqual({ schema: 'app', name: 'ticket_seq', type: 'integer', start: '100', increment: '5', min: '1', max: '2147483647', cache: '10', cycle: true, ownedBy: null });
    expect(fp.sequences.find((s) => s.name === 'investments_id_seq')!.ownedBy).toBe('app.investments.id');
    expect(fp.views.map((v) => [v.name, v.materialized])).toEqual([['open_investors', false], ['totals', true]]);
    expect(fp.views[0]!.definition).toMatch(/FROM app\.investors\s+WHERE investors\.status = 'open'::app\.status/);
    expect(fp.views[1]!.indexes.map((i) => i.name)).toEqual(['totals_investor_idx']);
  });

  it('writes index and constraint definitions exactly as pg_get_indexdef and pg_get_constraintdef do', async () => {
    const db = await useCheckDatabase();
    await build(db);
    const fp = await fingerprint(db);
    const client = await db.other();
    await client.query('SET search_path = pg_catalog');
    const indexes = (await client.query<{ name: string; def: string }>(`
      SELECT c.relname AS name, pg_get_indexdef(c.oid) AS def FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('i', 'I') AND n.nspname IN ('app', 'public')`)).rows;
    const ours = new Map([...fp.tables, ...fp.views].flatMap((t) => t.indexes.map((i) => [i.name, i.definition] as const)));
    expect(indexes.length).toBeGreaterThanOrEqual(20);
    expect(ours.size).toBe(indexes.length);
    for (const { name, def } of indexes) {
      expect(ours.get(name), name).toBe(def.replace(/^CREATE (UNIQUE )?INDEX \S+ ON /, 'CREATE $1INDEX ON '));
    }
    const constraints = (await client.query<{ name: string; def: string }>(`
      SELECT con.conname AS name, pg_get_constraintdef(con.oid, true) AS def FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
       WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND con.conrelid <> 0 AND n.nspname IN ('app', 'public')`)).rows;
    const oursC = new Map(fp.tables.flatMap((t) => [...t.constraints, ...t.foreignKeys].map((c) => [c.name, c.definition] as const)));
    for (const { name, def } of constraints) expect(oursC.get(name), name).toBe(def);
    expect(oursC.get('audit_log_email_fk')).toBe('FOREIGN KEY (investor_email) REFERENCES app.investors(email) MATCH FULL NOT VALID');
    expect(oursC.get('audit_log_investment_fk')).toBe('FOREIGN KEY (investment_id) REFERENCES app.investments(id) ON UPDATE RESTRICT ON DELETE SET NULL');
  });

  it('changes with each structural change, and the diff names each one', async () => {
    const reference = await useCheckDatabase();
    const drifted = await useCheckDatabase();
    await build(reference);
    await build(drifted);
    const a = await fingerprint(reference);
    const steps: Array<{ sql: string; expect: { kind: string; objectType: string; name: string; detail: RegExp } }> = [
      { sql: 'ALTER TABLE public.audit_log ALTER COLUMN investor_email TYPE varchar(320)', expect: { kind: 'changed', objectType: 'column', name: 'public.audit_log.investor_email', detail: /^type: character varying\(200\) → character varying\(320\)$/ } },
      { sql: 'DROP INDEX app.investors_open_idx', expect: { kind: 'missing', objectType: 'index', name: 'app.investors_open_idx', detail: /^CREATE INDEX ON app\.investors USING btree \(created_at\) WHERE \(status = 'open'::app\.status\)$/ } },
      { sql: "ALTER TYPE app.status ADD VALUE 'archived'", expect: { kind: 'changed', objectType: 'enum', name: 'app.status', detail: /^labels: \(draft, open, closed\) → \(draft, open, closed, archived\); added 'archived'$/ } },
      { sql: "ALTER TABLE app.investors ALTER COLUMN status SET DEFAULT 'open'", expect: { kind: 'changed', objectType: 'column', name: 'app.investors.status', detail: /^default: 'draft'::app\.status → 'open'::app\.status$/ } },
      { sql: 'CREATE TABLE public.extra_table (id int)', expect: { kind: 'extra', objectType: 'table', name: 'public.extra_table', detail: /^table, 1 columns$/ } },
      { sql: 'ALTER TABLE public.audit_log ALTER COLUMN payload SET NOT NULL', expect: { kind: 'changed', objectType: 'column', name: 'public.audit_log.payload', detail: /^notNull: false → true$/ } },
    ];
    const seen = new Set<string>([a.sha256]);
    for (const [i, step] of steps.entries()) {
      await drifted.query(step.sql);
      const b = await fingerprint(drifted);
      expect(seen.has(b.sha256), `fingerprint after "${step.sql}" is new`).toBe(false);
      seen.add(b.sha256);
      const diff = diffFingerprints(a, b);
      expect(diff.identical).toBe(false);
      expect(diff.drift).toBe(true);
      expect(diff.namingEquivalent).toEqual([]);
      expect(diff.differences, step.sql).toHaveLength(i + 1);
      for (const s of steps.slice(0, i + 1)) {
        const d = diff.differences.find((x) => x.name === s.expect.name && x.objectType === s.expect.objectType);
        expect(d, s.sql).toBeDefined();
        expect(d!.kind).toBe(s.expect.kind);
        expect(d!.detail).toMatch(s.expect.detail);
      }
    }
    // And the other way round: what B has that A lacks is missing.
    const back = diffFingerprints(await fingerprint(drifted), a);
    expect(back.differences.find((d) => d.name === 'public.extra_table')!.kind).toBe('missing');
    expect(back.differences.find((d) => d.name === 'app.investors_open_idx')!.kind).toBe('extra');
  });

  it('reports a renamed foreign key with the same definition as naming-equivalent, not drift', async () => {
    const reference = await useCheckDatabase();
    const prod = await useCheckDatabase();
    await build(reference);
    await build(prod);
    await prod.query('ALTER TABLE app.investments RENAME CONSTRAINT fk_investments_investor TO investments_investor_id_fkey');
    const a = await fingerprint(reference);
    const b = await fingerprint(prod);
    const diff = diffFingerprints(a, b);
    expect(diff.identical).toBe(false);
    expect(diff.drift).toBe(false);
    expect(diff.differences).toEqual([]);
    expect(diff.namingEquivalent).toEqual([{
      kind: 'naming-equivalent', objectType: 'foreignKey', table: 'app.investments', nameA: 'fk_investments_investor', nameB: 'investments_investor_id_fkey',
      definition: 'FOREIGN KEY (investor_id) REFERENCES app.investors(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED',
    }]);

    // A different name and a different definition: that is drift.
    await prod.query('ALTER TABLE public.audit_log DROP CONSTRAINT audit_log_investment_fk, ADD CONSTRAINT audit_investment_fk FOREIGN KEY (investment_id) REFERENCES app.investments (id) ON DELETE CASCADE');
    const c = diffFingerprints(a, await fingerprint(prod));
    expect(c.drift).toBe(true);
    expect(c.namingEquivalent).toHaveLength(1);
    expect(c.differences.map((d) => [d.kind, d.objectType, d.name])).toEqual([
      ['extra', 'foreignKey', 'public.audit_log.audit_investment_fk'],
      ['missing', 'foreignKey', 'public.audit_log.audit_log_investment_fk'],
    ]);
  });

  it('fingerprints only the chosen schemas, and says which of them do not exist', async () => {
    const db = await useCheckDatabase();
    await build(db);
    const taken = await takeFingerprint(await db.session(), { schemas: ['app', 'nope'] });
    expect(taken.fingerprint.schemas).toEqual(['app']);
    expect(taken.fingerprint.tables.every((t) => t.schema === 'app')).toBe(true);
    expect(taken.meta.missingSchemas).toEqual(['nope']);
    // public.audit_log's foreign keys reference app tables; app's fingerprint has none from public.
    const onlyPublic = (await takeFingerprint(await db.session(), { schemas: ['public'] })).fingerprint;
    expect(onlyPublic.tables.find((t) => t.name === 'audit_log')!.foreignKeys.map((f) => f.referencedColumns)).toEqual([['email'], ['id']]);
  });

  it('leaves extension objects to the extension', async () => {
    const a = await useCheckDatabase();
    const b = await useCheckDatabase();
    const available = (await a.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'citext'")).rows[0]!.n;
    if (!available) return;
    await b.query('CREATE EXTENSION citext');
    const diff = diffFingerprints(await fingerprint(a), await fingerprint(b));
    expect(diff.differences).toEqual([expect.objectContaining({ kind: 'extra', objectType: 'extension', name: 'citext' })]);
  });

  it('is written as its canonical JSON, read back checked, and refused when altered', async () => {
    const db = await useCheckDatabase();
    await build(db);
    const fp = await fingerprint(db);
    const text = serializeFingerprint(fp);
    expect(text).toBe(`${canonicalJson(fp)}\n`);
    const { sha256, ...body } = fp;
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(canonicalJson(body)).digest('hex')).toBe(sha256);
    expect(parseFingerprint(text)).toEqual(fp);

    const altered = text.replace('"type":"character varying(200)"', '"type":"character varying(300)"');
    expect(altered).not.toBe(text);
    expect(() => parseFingerprint(altered, 'prod.json')).toThrow(/prod\.json has been altered: its content hashes to [0-9a-f]{64}, but it says/);
    expect(() => parseFingerprint('{"format":', 'x.json')).toThrow(PgCheckError);
    expect(() => parseFingerprint('{"format":', 'x.json')).toThrow(/x\.json is not JSON/);
    expect(() => parseFingerprint('{"format":"something-else"}', 'y.json')).toThrow(/y\.json is not a schema fingerprint \(cutover\.schema-fingerprint\/1\)/);
  });
});
