// What a SQL step's transcript shows (PostgreSQL's, and MySQL's result sets too): results as psql prints them (aligned table, "(N rows)",
// command tags) and errors as psql prints them, plus the SQLSTATE with its condition name in
// the form Python drivers raise it (LockNotAvailable, DuplicateTable …) so the runbooks' abort
// gates written for `alembic` output match SQL steps too.

/** SQLSTATE → PostgreSQL condition name, for the errors a cutover meets. */
const CONDITIONS: Record<string, string> = {
  '0A000': 'feature_not_supported',
  '22001': 'string_data_right_truncation',
  '22003': 'numeric_value_out_of_range',
  '22P02': 'invalid_text_representation',
  '23502': 'not_null_violation',
  '23503': 'foreign_key_violation',
  '23505': 'unique_violation',
  '23514': 'check_violation',
  '25001': 'active_sql_transaction',
  '25006': 'read_only_sql_transaction',
  '25P02': 'in_failed_sql_transaction',
  '28000': 'invalid_authorization_specification',
  '28P01': 'invalid_password',
  '2BP01': 'dependent_objects_still_exist',
  '3D000': 'invalid_catalog_name',
  '3F000': 'invalid_schema_name',
  '40001': 'serialization_failure',
  '40P01': 'deadlock_detected',
  '42501': 'insufficient_privilege',
  '42601': 'syntax_error',
  '42701': 'duplicate_column',
  '42703': 'undefined_column',
  '42704': 'undefined_object',
  '42710': 'duplicate_object',
  '42723': 'duplicate_function',
  '42883': 'undefined_function',
  '42P01': 'undefined_table',
  '42P06': 'duplicate_schema',
  '42P07': 'duplicate_table',
  '53300': 'too_many_connections',
  '55000': 'object_not_in_prerequisite_state',
  '55P03': 'lock_not_available',
  '57014': 'query_canceled',
  '57P01': 'admin_shutdown',
  '57P02': 'crash_shutdown',
  '57P03': 'cannot_connect_now',
};

/** "lock_not_available" → "LockNotAvailable" (psycopg's exception class names). */
function className(condition: string): string {
  return condition.split('_').map((w) => (w === 'sql' ? 'Sql' : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}

/** "55P03 LockNotAvailable", or the bare code when it is not one we name. */
export function describeSqlState(code: string): string {
  const condition = CONDITIONS[code];
  return condition ? `${code} ${className(condition)}` : code;
}

export interface PgErrorFields {
  message: string;
  code?: string;
  severity?: string;
  detail?: string;
  hint?: string;
  position?: string;
  where?: string;
}

/** psql's error block: "ERROR:  …", DETAIL, HINT, CONTEXT, then the SQLSTATE line. */
export function formatPgError(error: PgErrorFields): string {
  const lines = [`${error.severity ?? 'ERROR'}:  ${error.message}`];
  if (error.detail) lines.push(`DETAIL:  ${error.detail}`);
  if (error.hint) lines.push(`HINT:  ${error.hint}`);
  if (error.where) lines.push(`CONTEXT:  ${error.where}`);
  if (error.code) lines.push(`SQLSTATE: ${describeSqlState(error.code)}`);
  return lines.join('\n') + '\n';
}

// Types psql right-aligns: int2, int4, int8, oid, float4, float8, numeric, money.
const NUMERIC_TYPES = new Set([20, 21, 23, 26, 700, 701, 790, 1700]);

export interface TextResult {
  command: string;
  rowCount: number | null;
  /** Column names and type OIDs; empty for a command without a result set. */
  fields: Array<{ name: string; dataTypeID: number; alignRight?: boolean }>;
  /** Values as PostgreSQL sent them (text format), null for NULL. */
  rows: Array<Array<string | null>>;
}

/** A result as psql's aligned format shows it. */
export function formatResult(result: TextResult): string {
  if (result.fields.length === 0) return commandTag(result) + '\n';
  const cols = result.fields.length;
  const numeric = result.fields.map((f) => f.alignRight ?? NUMERIC_TYPES.has(f.dataTypeID));
  const cells = result.rows.map((row) => result.fields.map((_f, i) => (row[i] ?? '').split('\n')));
  const widths = result.fields.map((f, i) => Math.max(f.name.length, ...cells.map((row) => Math.max(...(row[i] ?? ['']).map((l) => l.length)))));
  const lines: string[] = [];
  lines.push(result.fields.map((f, i) => ' ' + center(f.name, widths[i] ?? 0) + ' ').join('|').trimEnd());
  lines.push(widths.map((w) => '-'.repeat(w + 2)).join('+'));
  for (const row of cells) {
    const height = Math.max(...row.map((c) => c.length));
    for (let l = 0; l < height; l++) {
      let line = '';
      for (let i = 0; i < cols; i++) {
        const cell = row[i] ?? [''];
        const text = cell[l] ?? '';
        const width = widths[i] ?? 0;
        const padded = numeric[i] ? text.padStart(width) : text.padEnd(width);
        const more = l < cell.length - 1;
        line += (i > 0 ? '|' : '') + ' ' + padded + (more ? '+' : ' ');
      }
      lines.push(line.trimEnd());
    }
  }
  const n = result.rows.length;
  lines.push(`(${n} ${n === 1 ? 'row' : 'rows'})`);
  return lines.join('\n') + '\n';
}

function center(text: string, width: number): string {
  const total = width - text.length;
  const left = Math.floor(total / 2);
  return ' '.repeat(left) + text + ' '.repeat(total - left);
}

/** "INSERT 0 3", "UPDATE 2", "CREATE TABLE": what psql prints after a command. */
function commandTag(result: TextResult): string {
  if (!result.command) return '';
  if (result.command === 'INSERT') return `INSERT 0 ${result.rowCount ?? 0}`;
  if (result.rowCount !== null && ['UPDATE', 'DELETE', 'SELECT', 'MERGE', 'MOVE', 'FETCH', 'COPY'].includes(result.command)) return `${result.command} ${result.rowCount}`;
  return result.command;
}
