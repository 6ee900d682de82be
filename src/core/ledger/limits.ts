// The ledger's bounds and names, shared by the schema, the publisher and every reader.

/** The largest canonical event a ledger row may carry (the schema refuses more). */
export const MAX_EVENT_BYTES = 1 << 20;
/** The largest signature, public key or statement text a row may carry. */
export const MAX_TEXT_BYTES = 16 << 10;
/** The PostgreSQL schema holding the ledger's tables. */
export const LEDGER_SCHEMA = 'cutover_ledger';
/** The NOTIFY channel: a doorbell carrying {ledger, workstation, seq}; nothing depends on it. */
export const LEDGER_CHANNEL = 'cutover_ledger';
export const DEFAULT_LEDGER_ROLE = 'cutover_ledger_writer';
export const LEDGER_FORMAT = 'cutover-ledger-v1';
/** SSHSIG namespaces: one for each published event, one for a workstation's membership. */
export const LEDGER_EVENT_NAMESPACE = 'cutover-ledger-event-v1';
export const LEDGER_JOIN_NAMESPACE = 'cutover-ledger-join-v1';
/** SSHSIG namespace of a published transcript chunk (issue 15: transcripts follow by chunk). */
export const LEDGER_TRANSCRIPT_NAMESPACE = 'cutover-ledger-transcript-v1';
/** The largest transcript chunk a ledger row may carry (the schema refuses more). */
export const MAX_TRANSCRIPT_CHUNK_BYTES = 256 << 10;
/** The NOTIFY channel for transcript chunks: {ledger, workstation, artifact, n}; event followers do not wake for bytes. */
export const LEDGER_TRANSCRIPT_CHANNEL = 'cutover_ledger_transcript';
export const WORKSTATION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** SSHSIG namespace of a refusal a receiving workstation sends back (not part of any chain). */
export const LEDGER_REFUSAL_NAMESPACE = 'cutover-ledger-refusal-v1';
/** The longest reason a refusal row carries (a longer one is cut, with an ellipsis). */
export const MAX_REFUSAL_MESSAGE_BYTES = 4096;
