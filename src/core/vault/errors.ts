// Errors a user can meet when opening or using a vault. Each says what to do next; `code`
// is stable so the CLI and the renderer can map them (all are exit 2 in the CLI).

export class VaultError extends Error {
  readonly code: string = 'VAULT_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class VaultNotFoundError extends VaultError {
  override readonly code = 'VAULT_NOT_FOUND';
  constructor(path: string) {
    super(`No vault at ${path}. Check the path, or create one with \`cutover vault init --vault ${path}\`.`);
  }
}

export class VaultExistsError extends VaultError {
  override readonly code = 'VAULT_EXISTS';
  constructor(path: string) {
    super(`${path} already exists; a new vault is never written over an existing file. Choose another path.`);
  }
}

export class KeyslotsMissingError extends VaultError {
  override readonly code = 'KEYSLOTS_MISSING';
  constructor(path: string, keyslotsPath: string) {
    super(`The key file ${keyslotsPath} that unlocks ${path} is missing. A vault is two files: keep ${keyslotsPath} beside it (restore it from the same backup as the vault).`);
  }
}

export class NotAVaultError extends VaultError {
  override readonly code = 'NOT_A_VAULT';
  constructor(path: string, why: string) {
    super(`${path} is not a Cutover vault: ${why}. Point --vault at a file made by \`cutover vault init\`.`);
  }
}

export class WrongPassphraseError extends VaultError {
  override readonly code = 'WRONG_PASSPHRASE';
  constructor() {
    super('Wrong passphrase: it does not unlock this vault. Nothing was changed; try again.');
  }
}

export class KeychainUnavailableError extends VaultError {
  override readonly code = 'KEYCHAIN_UNAVAILABLE';
  constructor(why: string) {
    super(`The OS keychain cannot unlock this vault: ${why}. Unlock with the passphrase.`);
  }
}

export class VaultCorruptError extends VaultError {
  override readonly code = 'VAULT_CORRUPT';
  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super(`${path} is damaged (${detail}). Nothing was written; restore the vault from a backup, or keep this copy for forensics.`, options);
  }
}

export class VaultTooNewError extends VaultError {
  override readonly code = 'VAULT_TOO_NEW';
  constructor(path: string, found: string, known: string) {
    super(`${path} was written by a newer Cutover Workstation (schema ${found}; this version knows up to ${known}). Upgrade the app to open it; the vault was not touched.`);
  }
}

export class VaultBusyError extends VaultError {
  override readonly code = 'VAULT_BUSY';
  constructor(path: string) {
    super(`${path} is busy: another Cutover process is writing to it. Wait for it to finish, or close the other window, and try again.`);
  }
}

export class VaultInputError extends VaultError {
  override readonly code = 'BAD_INPUT';
}

export class IdentityExistsError extends VaultError {
  override readonly code = 'IDENTITY_EXISTS';
  constructor(name: string) {
    super(`An identity named "${name}" already exists in this vault. Identities are never replaced; pick another name.`);
  }
}

/** A write through a handle opened for inspecting (verify, log, status), or SQLite refusing one. */
export class VaultReadOnlyError extends VaultError {
  override readonly code = 'VAULT_READ_ONLY';
  constructor(path: string, what: string, options?: { cause?: unknown }) {
    super(`${path} is open read-only, so ${what} was refused and nothing was written. Inspecting (verify, log, status, list, export) never changes the vault; use a command that records something, and check that the vault file and its folder are writable.`, options);
  }
}

/** Inspecting never migrates, so a vault with an older schema is refused until a writer upgrades it. */
export class VaultUpgradeNeededError extends VaultError {
  override readonly code = 'VAULT_UPGRADE_NEEDED';
  constructor(path: string, found: number, current: number) {
    super(`${path} has an older vault schema (${found}; this version uses ${current}), and inspecting never changes a vault. Upgrade it first with \`cutover vault upgrade --vault ${path}\` (any command that writes to it does the same), then inspect it again.`);
  }
}

/** The disk (or quota) is full: nothing was half-written; what was committed before stays intact. */
export class VaultDiskFullError extends VaultError {
  override readonly code = 'VAULT_DISK_FULL';
  constructor(path: string, options?: { cause?: unknown; during?: string }) {
    super(`The disk holding ${path} is full${options?.during ? ` (it filled up while ${options.during})` : ''}, so the last write was refused and rolled back; everything recorded before it is intact (check with \`cutover vault verify --vault ${path}\`). Free some space and try again.`, options);
  }
}
