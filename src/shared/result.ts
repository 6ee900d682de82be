// The envelope every contract call answers with, and the Error it turns back into.
//
// Errors cross the process boundary as plain data (name, code, message): Electron's
// contextBridge copies a thrown Error's message but drops custom properties like `code`,
// so the preload hands the envelope over untouched and the renderer's client rethrows.

/** An error as data: `name` is the class name, `code` is stable and machine-readable. */
export interface ErrorData {
  name: string;
  code: string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

/** A contract call that failed on the other side, rebuilt with its name and code. */
export class ContractError extends Error {
  readonly code: string;

  constructor(data: ErrorData) {
    super(data.message);
    this.name = data.name;
    this.code = data.code;
  }
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(error: ErrorData): Result<never> {
  return { ok: false, error: { name: error.name, code: error.code, message: error.message } };
}

function isErrorData(value: unknown): value is ErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === 'string' && typeof v.code === 'string' && typeof v.message === 'string';
}

/** Returns the value, or throws a ContractError; a malformed envelope is itself an error. */
export function unwrap<T>(result: Result<T>): T {
  if (typeof result !== 'object' || result === null || typeof result.ok !== 'boolean') {
    throw new ContractError({ name: 'ProtocolError', code: 'BAD_RESPONSE', message: 'The app answered with something that is not a result envelope.' });
  }
  if (result.ok) return result.value;
  if (!isErrorData(result.error)) {
    throw new ContractError({ name: 'ProtocolError', code: 'BAD_RESPONSE', message: 'The app reported an error without a name, code and message.' });
  }
  throw new ContractError(result.error);
}
