// The diff's rules on small hand-made fingerprints: which side is missing and which extra, a
// missing table reported once (not column by column), enum labels reordered, and foreign keys
// paired by definition only when both name and definition tell the same story.
import { describe, expect, it } from 'vitest';
import { diffFingerprints, fingerprintHash, FINGERPRINT_FORMAT, type FingerprintBody, type SchemaFingerprint, type TableFingerprint } from '../../src/core/checks';

function table(name: string, extra: Partial<TableFingerprint> = {}): TableFingerprint {
  return {
    columns: [{ collation: null, default: null, generated: null, identity: null, name: 'id', notNull: true, position: 1, type: 'integer' }],
    constraints: [], foreignKeys: [], indexes: [], inherits: [], kind: 'table', name, options: [], partitionBound: null, partitionKey: null,
    partitionOf: null, rowSecurity: false, schema: 'public', triggers: [], unlogged: false, ...extra,
  };
}

function fk(name: string, referencedTable: string, onDelete = 'no action') {
  return {
    columns: ['parent_id'], deferrable: false, definition: `FOREIGN KEY (parent_id) REFERENCES ${referencedTable}(id)${onDelete === 'cascade' ? ' ON DELETE CASCADE' : ''}`,
    initiallyDeferred: false, match: 'simple', name, onDelete, onUpdate: 'no action', referencedColumns: ['id'], referencedTable, validated: true,
  };
}

function doc(parts: Partial<FingerprintBody>): SchemaFingerprint {
  const body: FingerprintBody = { compositeTypes: [], domains: [], enums: [], extensions: [], format: FINGERPRINT_FORMAT, schemas: ['public'], sequences: [], tables: [], views: [], ...parts };
  return { ...body, sha256: fingerprintHash(body) };
}

describe('diffFingerprints', () => {
  it('says identical for the same document, and reports a missing table once', () => {
    const a = doc({ tables: [table('a'), table('b')] });
    expect(diffFingerprints(a, a)).toMatchObject({ identical: true, drift: false, differences: [], namingEquivalent: [] });
    const b = doc({ tables: [table('a')] });
    expect(diffFingerprints(a, b).differences).toEqual([{ kind: 'missing', objectType: 'table', name: 'public.b', detail: 'table, 1 columns' }]);
    expect(diffFingerprints(b, a).differences).toEqual([{ kind: 'extra', objectType: 'table', name: 'public.b', detail: 'table, 1 columns' }]);
  });

  it('sees enum labels reordered, and table-level changes', () => {
    const a = doc({ enums: [{ labels: ['a', 'b'], name: 'e', schema: 'public' }], tables: [table('t')] });
    const b = doc({ enums: [{ labels: ['b', 'a'], name: 'e', schema: 'public' }], tables: [table('t', { unlogged: true, options: ['fillfactor=70'] })] });
    expect(diffFingerprints(a, b).differences).toEqual([
      { kind: 'changed', objectType: 'enum', name: 'public.e', detail: 'labels: (a, b) → (b, a); same labels, different order' },
      { kind: 'changed', objectType: 'table', name: 'public.t', detail: 'options: [] → ["fillfactor=70"]; unlogged: false → true' },
    ]);
  });

  it('pairs renamed foreign keys by their whole definition, one to one', () => {
    const a = doc({ tables: [table('child', { foreignKeys: [fk('child_parent_fk', 'public.parent'), fk('child_other_fk', 'public.other')] })] });
    const b = doc({ tables: [table('child', { foreignKeys: [fk('fk_1', 'public.other'), fk('fk_2', 'public.parent', 'cascade')] })] });
    const diff = diffFingerprints(a, b);
    expect(diff.namingEquivalent).toEqual([{ kind: 'naming-equivalent', objectType: 'foreignKey', table: 'public.child', nameA: 'child_other_fk', nameB: 'fk_1', definition: 'FOREIGN KEY (parent_id) REFERENCES public.other(id)' }]);
    expect(diff.drift).toBe(true);
    expect(diff.differences.map((d) => `${d.kind} ${d.name}`)).toEqual(['missing public.child.child_parent_fk', 'extra public.child.fk_2']);
  });
});
