// The vault's public shapes. Everything outside src/core/vault uses these, never the tables.

/** One append-only, hash-chained record of something that happened. */
export interface VaultEvent {
  /** 1-based position in the chain. */
  seq: number;
  /** ISO-8601 UTC timestamp with milliseconds. */
  at: string;
  /** Who did it: an identity name, or "system". */
  actor: string;
  /** What happened, dotted: "vault.created", "identity.added", "artifact.completed", "note". */
  type: string;
  /** JSON payload (stored as RFC 8785 canonical JSON). */
  payload: unknown;
  /** Hex SHA-256 of the previous event (64 zeros for the first). */
  prevHash: string;
  /** Hex SHA-256 over prevHash and this event's canonical JSON. */
  hash: string;
}

export interface NewEvent {
  actor: string;
  type: string;
  payload?: unknown;
}

export type ArtifactState = 'open' | 'complete' | 'incomplete';

export interface ArtifactInfo {
  id: string;
  name: string;
  mediaType: string;
  state: ArtifactState;
  /** Bytes stored so far (for an incomplete artifact: what survived). */
  size: number;
  /** Hex SHA-256 of the stored bytes; null while open. */
  sha256: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface VerifyProblem {
  kind: 'event' | 'artifact' | 'database';
  /** Event seq or artifact id (and name), or "database". */
  ref: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  events: number;
  artifacts: number;
  bytes: number;
  headHash: string;
  /** The first event whose hash or link does not match, if any. */
  firstBadEvent: VerifyProblem | null;
  /** Every artifact whose bytes do not match what was recorded. */
  badArtifacts: VerifyProblem[];
  /** Artifacts left incomplete by a crash: not a failure, but reported. */
  incompleteArtifacts: ArtifactInfo[];
  /** Database-level corruption (a flipped byte in the encrypted file). */
  corruption: VerifyProblem | null;
  /** Files in the vault's `.d` folder that no artifact's recorded chunks account for (a writer
   *  killed before it recorded them, or something copied in): reported, never deleted, not a failure. */
  orphanSegments: string[];
}

/** operator, approver, observer, or a role a runbook declares (lower_snake_case; identity/roles.ts). */
export type Role = string;

export interface IdentityInfo {
  name: string;
  roles: Role[];
  /** OpenSSH public key line: "ssh-ed25519 AAAA... comment". */
  publicKey: string;
  /** "SHA256:..." as ssh-keygen -l prints it. */
  fingerprint: string;
  /** Where the private side lives: a key file, ssh-agent or the vault (only ever the owner's),
   *  or "public" for someone registered by public key alone, who signs on their own machine. */
  keySource: 'file' | 'agent' | 'vault' | 'public';
  /** For keySource "file": the path it was added from. */
  keyPath: string | null;
  createdAt: string;
}
