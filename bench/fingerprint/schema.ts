// The benchmark's schema, as SQL: `tables` tables spread over a few schemas, each with a
// bigserial primary key, a foreign key to the previous table, an enum column, a check, a
// unique constraint and two more indexes (one partial), plus enums and a view every 100 tables.
// Split in batches, each its own transaction: one transaction for all of it would need more
// lock slots than max_locks_per_transaction gives.

export interface BenchSchema {
  /** SQL scripts to run in order, each one transaction. */
  batches: string[];
  tables: number;
  enums: number;
  views: number;
}

const SCHEMAS = ['app', 'ledger', 'reporting', 'public'];

export function benchSchema(tables: number, tablesPerBatch = 250): BenchSchema {
  const enums = Math.max(1, Math.min(50, Math.ceil(tables / 100)));
  const head: string[] = ['BEGIN;'];
  for (const s of SCHEMAS) if (s !== 'public') head.push(`CREATE SCHEMA ${s};`);
  for (let e = 0; e < enums; e += 1) head.push(`CREATE TYPE app.status_${e} AS ENUM ('draft', 'open', 'approved', 'closed', 'archived_${e}');`);
  head.push('COMMIT;');
  const batches = [head.join('\n')];
  const name = (i: number) => `${SCHEMAS[i % SCHEMAS.length]}.t_${String(i).padStart(5, '0')}`;
  let views = 0;
  for (let start = 0; start < tables; start += tablesPerBatch) {
    const sql: string[] = ['BEGIN;'];
    for (let i = start; i < Math.min(tables, start + tablesPerBatch); i += 1) {
      const t = name(i);
      const short = `t_${String(i).padStart(5, '0')}`;
      const fk = i > 0 ? `,\n  parent_id bigint REFERENCES ${name(i - 1)} (id) ON DELETE CASCADE` : ',\n  parent_id bigint';
      sql.push(`CREATE TABLE ${t} (
  id bigserial PRIMARY KEY${fk},
  code varchar(32) NOT NULL,
  status app.status_${i % enums} NOT NULL DEFAULT 'draft',
  amount numeric(14, 2) NOT NULL DEFAULT 0 CHECK (amount >= 0),
  note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ${short}_code_status_key UNIQUE (code, status)
);
CREATE INDEX ${short}_parent_idx ON ${t} (parent_id);
CREATE INDEX ${short}_open_created_idx ON ${t} (created_at DESC) WHERE status = 'open';`);
      if (i % 100 === 99) {
        views += 1;
        sql.push(`CREATE VIEW ${SCHEMAS[i % SCHEMAS.length]}.v_${short} AS SELECT c.id, c.code, c.amount, p.code AS parent_code FROM ${t} c LEFT JOIN ${name(i - 1)} p ON p.id = c.parent_id WHERE c.status <> 'draft';`);
      }
    }
    sql.push('COMMIT;');
    batches.push(sql.join('\n'));
  }
  return { batches, tables, enums, views };
}
