// The environment a step's command gets, built from nothing: a few variables every shell
// expects, taken from the workstation's own environment when set, plus the step's own
// variables. Nothing else is inherited, so the vault passphrase (CUTOVER_PASSPHRASE,
// CUTOVER_KEY_PASSPHRASE) and whatever else the operator's shell holds never reach a command,
// its transcript or the pack.

/** The only variables a step's command inherits from the workstation (when they are set). */
export const INHERITED_VARIABLES = ['PATH', 'HOME', 'USER', 'LANG', 'TZ', 'TERM', 'SHELL'] as const;

/** The workstation's own settings (passphrases among them): never passed to a command. */
const RESERVED_PREFIX = 'CUTOVER_';
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A step asked for a variable it may not set: a `CUTOVER_*` name (the workstation's own
 * settings, passphrases among them) or a name that is not a shell variable name. The step is
 * refused before anything starts, rather than run with the variable silently dropped.
 */
export class StepEnvironmentError extends Error {
  constructor(readonly variable: string, message: string) {
    super(message);
    this.name = 'StepEnvironmentError';
  }
}

/** Throws StepEnvironmentError for the first variable a step may not set. */
export function checkStepVariables(env: Record<string, string>): void {
  for (const name of Object.keys(env)) {
    if (!VARIABLE_NAME.test(name)) {
      throw new StepEnvironmentError(name, `The step's environment variable "${name}" is not a variable name (letters, digits, _, not starting with a digit): rename it in the runbook.`);
    }
    if (name.toUpperCase().startsWith(RESERVED_PREFIX)) {
      throw new StepEnvironmentError(name, `The step sets ${name}, but CUTOVER_* variables are the workstation's own settings (its passphrases among them) and are never passed to a command: rename the variable in the runbook.`);
    }
  }
}

/**
 * Exactly the inherited variables that are set in `parent`, plus the step's own (which win).
 * Throws StepEnvironmentError when the step names a variable it may not set.
 */
export function childEnvironment(stepEnv: Record<string, string>, parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  checkStepVariables(stepEnv);
  const inherited = INHERITED_VARIABLES.flatMap((name) => {
    const value = parent[name];
    return value === undefined ? [] : [[name, value] as const];
  });
  // fromEntries, not assignment: every name becomes an own property, `__proto__` included.
  return Object.fromEntries([...inherited, ...Object.entries(stepEnv)]);
}
