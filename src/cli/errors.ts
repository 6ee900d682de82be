// Exit codes (documented in --help and the README): 0 ok, 1 a check or verification failed,
// 2 bad input, usage, wrong passphrase or not a vault.
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 70;

/** Bad input the user can fix: printed as is, exit 2. */
export class CliUsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}
