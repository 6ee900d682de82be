// Errors a user can meet with the team ledger. They extend VaultError so the CLI prints them as
// they are and exits 2 (bad input, an unreachable or refusing ledger): each says what to do next.
import { VaultError } from '../vault/errors';

export class LedgerError extends VaultError {
  override readonly code: string = 'LEDGER_ERROR';
}

/** The ledger could not be reached, or the connection was lost: nothing is lost, run it again. */
export class LedgerConnectionError extends LedgerError {
  override readonly code = 'LEDGER_CONNECTION';
}

/** The ledger refused what was sent (a trigger, a constraint, a permission). */
export class LedgerRefusedError extends LedgerError {
  override readonly code = 'LEDGER_REFUSED';
}
