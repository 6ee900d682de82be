// Errors a user can meet while choosing or using a signing key. Each has a stable `code`
// so it can cross the IPC boundary as plain data and be rebuilt on the other side, and a
// message that says what to do next.

export abstract class EvidenceKeyError extends Error {
  abstract readonly code: string;
}

/**
 * The base of one kind of EvidenceKeyError: `name` (the class name, as Error names go) and
 * `code` are set on each instance, and the constructor takes the message. Each error below
 * extends one, so `instanceof` works for the error and for EvidenceKeyError.
 */
function keyError<Name extends string, Code extends string>(name: Name, code: Code) {
  return class extends EvidenceKeyError {
    readonly code: Code = code;
    override readonly name: Name = name;
  };
}

export class KeyFileNotFoundError extends keyError('KeyFileNotFoundError', 'KEY_FILE_NOT_FOUND') {
  constructor(readonly path: string) {
    super(
      `No private key file at ${path}. Check the path, or create a key with ` +
        `\`ssh-keygen -t ed25519 -f ${path}\`.`,
    );
  }
}

export class KeyFileUnreadableError extends keyError('KeyFileUnreadableError', 'KEY_FILE_UNREADABLE') {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`Cannot read the key file ${path} (${reason}). Check that it is a file you may read.`);
  }
}

export class KeyPassphraseRequiredError extends keyError('KeyPassphraseRequiredError', 'KEY_PASSPHRASE_REQUIRED') {
  constructor(readonly path: string) {
    super(`The key ${path} is protected by a passphrase. Enter its passphrase to use it.`);
  }
}

export class WrongKeyPassphraseError extends keyError('WrongKeyPassphraseError', 'KEY_PASSPHRASE_WRONG') {
  constructor(readonly path: string) {
    super(`The passphrase for ${path} is wrong. Try again; \`ssh-keygen -y -f ${path}\` checks it.`);
  }
}

export class KeyFormatError extends keyError('KeyFormatError', 'KEY_FORMAT') {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(
      `${path}: ${problem}. Use an OpenSSH private key (ed25519, ecdsa or rsa), ` +
        `e.g. one made by \`ssh-keygen -t ed25519\`.`,
    );
  }
}

export class PublicKeyFormatError extends keyError('PublicKeyFormatError', 'PUBLIC_KEY_FORMAT') {
  constructor(problem: string) {
    super(
      `Not a usable SSH public key: ${problem}. Paste one line as printed by ` +
        '`ssh-keygen -y -f KEY` or found in a .pub file, e.g. "ssh-ed25519 AAAAC3… name".',
    );
  }
}

export class AgentNotConfiguredError extends keyError('AgentNotConfiguredError', 'AGENT_NOT_CONFIGURED') {
  constructor() {
    super(
      'SSH_AUTH_SOCK is not set, so there is no ssh-agent to ask. Start one ' +
        '(`eval "$(ssh-agent)"`), add your key with `ssh-add`, and start the app from that ' +
        'session; or sign with a key file instead.',
    );
  }
}

export class AgentUnreachableError extends keyError('AgentUnreachableError', 'AGENT_UNREACHABLE') {
  constructor(
    readonly socketPath: string,
    reason: string,
  ) {
    super(
      `Cannot talk to the ssh-agent at ${socketPath} (${reason}). Check that the agent is ` +
        'still running (`ssh-add -l`) and that SSH_AUTH_SOCK points at it.',
    );
  }
}

export class AgentKeyNotFoundError extends keyError('AgentKeyNotFoundError', 'AGENT_KEY_NOT_FOUND') {
  constructor(
    readonly wanted: string,
    readonly held: readonly string[],
  ) {
    const heldText = held.length === 0 ? 'it holds no keys' : `it holds ${held.join(', ')}`;
    super(
      `The ssh-agent does not hold the key ${wanted} (${heldText}). Add it with ` +
        '`ssh-add PATH_TO_PRIVATE_KEY` and try again.',
    );
  }
}

export class AgentSignError extends keyError('AgentSignError', 'AGENT_SIGN_FAILED') {
  constructor(
    readonly fingerprint: string,
    reason: string,
  ) {
    super(
      `The ssh-agent did not sign with ${fingerprint}: ${reason}. If the key needs a touch or a ` +
        'confirmation, give it and try again; `ssh-add -l` shows what the agent holds.',
    );
  }
}
