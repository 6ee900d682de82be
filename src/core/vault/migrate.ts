// Applies the embedded drizzle-kit migrations in one transaction. PRAGMA user_version counts
// the migrations applied; a vault with more than this build knows is refused, untouched.
import type { SqliteDatabase } from './database';
import { VaultTooNewError } from './errors';
import { migrations } from './migrations';

export const SCHEMA_VERSION = migrations.length;

/** The list must be ordered and gap-free, or a release was built wrong. */
function checkMonotonic(): void {
  migrations.forEach((m, i) => {
    if (m.idx !== i) throw new Error(`vault migrations out of order: ${m.tag} has index ${m.idx}, expected ${i}`);
  });
}

export function migrate(db: SqliteDatabase, path: string): void {
  checkMonotonic();
  const found = schemaVersionOf(db);
  if (found > SCHEMA_VERSION) throw new VaultTooNewError(path, String(found), String(SCHEMA_VERSION));
  if (found === SCHEMA_VERSION) return;
  const apply = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) throw new VaultTooNewError(path, String(current), String(SCHEMA_VERSION));
    for (const migration of migrations.slice(current)) {
      for (const statement of migration.statements) db.exec(statement);
    }
    if (current !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  });
  apply.immediate();
}

export function schemaVersionOf(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}
