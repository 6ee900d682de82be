// `cutover ledger init`: the ledger's tables, triggers and its INSERT-and-SELECT role, in one
// transaction, serialised by an advisory lock so two inits at once are one. Idempotent.
import { connectLedger, closeLedger, ledgerErrorFrom } from './connect';
import { LedgerError } from './errors';
import { DEFAULT_LEDGER_ROLE, LEDGER_SCHEMA, ROLE_NAME } from './limits';
import { LEDGER_TABLES_SQL, ledgerRoleSql } from './schema';

export interface InitResult {
  ledgerId: string;
  role: string;
  label: string;
  created: boolean;
}

export async function initLedger(url: string, role = DEFAULT_LEDGER_ROLE): Promise<InitResult> {
  if (!ROLE_NAME.test(role)) throw new LedgerError(`--role: "${role}" is not a plain role name (lowercase letters, digits and _, up to 63).`);
  const connection = await connectLedger(url, 'cutover-ledger-init');
  const { client, label } = connection;
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('${LEDGER_SCHEMA}.init'))`);
    const before = await client.query(`SELECT 1 FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid WHERE n.nspname = $1 AND c.relname = 'ledger'`, [LEDGER_SCHEMA]);
    await client.query(LEDGER_TABLES_SQL);
    await client.query(ledgerRoleSql(role));
    const row = await client.query<{ id: string }>(`SELECT id FROM ${LEDGER_SCHEMA}.ledger`);
    await client.query('COMMIT');
    return { ledgerId: row.rows[0]!.id, role, label, created: before.rowCount === 0 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw ledgerErrorFrom(error, label, 'creating the ledger');
  } finally {
    await closeLedger(connection);
  }
}
