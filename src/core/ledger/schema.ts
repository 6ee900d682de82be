// The ledger's tables in PostgreSQL: the ledger's id, its member workstations and their published
// events. Append-only: triggers refuse UPDATE, DELETE and TRUNCATE for everyone (a superuser can
// bypass triggers, which is why every reader checks what it reads); the insert trigger refuses
// an event that does not extend its workstation's chain. Every statement is idempotent.
import { LEDGER_CHANNEL, LEDGER_FORMAT, LEDGER_SCHEMA as S, LEDGER_TRANSCRIPT_CHANNEL, MAX_EVENT_BYTES, MAX_REFUSAL_MESSAGE_BYTES, MAX_TEXT_BYTES, MAX_TRANSCRIPT_CHUNK_BYTES } from './limits';

const GENESIS = `repeat('0', 64)`;

// Transcript chunks (issue 15: transcripts follow by chunk): the bytes of a workstation's step
// transcripts, already redacted in its vault, each chunk signed by the workstation's key over
// {ledger, workstation, artifact, n, offset, sha256}. The insert trigger keeps each artifact's
// chunks contiguous (n from 0, each offset the previous chunk's end) and from the member's key.
const TRANSCRIPT_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS ${S}.transcript_chunks (
  workstation text NOT NULL REFERENCES ${S}.workstations (name),
  artifact_id text NOT NULL CHECK (artifact_id ~ '^[A-Za-z0-9-]{1,64}$'),
  n integer NOT NULL CHECK (n >= 0),
  byte_offset bigint NOT NULL CHECK (byte_offset >= 0),
  ledger_id uuid NOT NULL,
  public_key text NOT NULL CHECK (octet_length(public_key) <= ${MAX_TEXT_BYTES}),
  bytes bytea NOT NULL CONSTRAINT chunk_of_1_to_${MAX_TRANSCRIPT_CHUNK_BYTES}_bytes CHECK (octet_length(bytes) BETWEEN 1 AND ${MAX_TRANSCRIPT_CHUNK_BYTES}),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  signature text NOT NULL CHECK (octet_length(signature) <= ${MAX_TEXT_BYTES}),
  published_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (workstation, artifact_id, n)
);

CREATE OR REPLACE FUNCTION ${S}.check_transcript_chunk() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  this_ledger uuid;
  member_key text;
  prev_n integer;
  prev_end bigint;
BEGIN
  SELECT id INTO this_ledger FROM ${S}.ledger;
  IF NEW.ledger_id IS DISTINCT FROM this_ledger THEN
    RAISE EXCEPTION 'cutover ledger: transcript chunk #% of % names ledger %, not this ledger (%)', NEW.n, NEW.artifact_id, NEW.ledger_id, this_ledger USING ERRCODE = 'check_violation';
  END IF;
  SELECT public_key INTO member_key FROM ${S}.workstations WHERE name = NEW.workstation;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'cutover ledger: % has not joined this ledger (cutover ledger join)', NEW.workstation USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.public_key IS DISTINCT FROM member_key THEN
    RAISE EXCEPTION 'cutover ledger: transcript chunk #% of % (%) carries a key that is not the workstation''s', NEW.n, NEW.artifact_id, NEW.workstation USING ERRCODE = 'check_violation';
  END IF;
  SELECT n, byte_offset + octet_length(bytes) INTO prev_n, prev_end FROM ${S}.transcript_chunks
    WHERE workstation = NEW.workstation AND artifact_id = NEW.artifact_id ORDER BY n DESC LIMIT 1;
  IF NEW.n <> coalesce(prev_n + 1, 0) OR NEW.byte_offset <> coalesce(prev_end, 0) THEN
    RAISE EXCEPTION 'cutover ledger: transcript chunk #% of % (%) at byte % does not follow the previous one: the ledger holds chunks up to #% ending at byte %', NEW.n, NEW.artifact_id, NEW.workstation, NEW.byte_offset, coalesce(prev_n, -1), coalesce(prev_end, 0) USING ERRCODE = 'check_violation';
  END IF;
  IF encode(sha256(NEW.bytes), 'hex') <> NEW.sha256 THEN
    RAISE EXCEPTION 'cutover ledger: transcript chunk #% of % (%) does not hash to its sha256', NEW.n, NEW.artifact_id, NEW.workstation USING ERRCODE = 'check_violation';
  END IF;
  NEW.published_at := clock_timestamp();
  RETURN NEW;
END
$fn$;

CREATE OR REPLACE FUNCTION ${S}.ring_transcript_doorbell() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('${LEDGER_TRANSCRIPT_CHANNEL}', json_build_object('ledger', NEW.ledger_id, 'workstation', NEW.workstation, 'artifact', NEW.artifact_id, 'n', NEW.n)::text);
  RETURN NULL;
END
$fn$;

DROP TRIGGER IF EXISTS refuse_update_delete ON ${S}.transcript_chunks;
CREATE TRIGGER refuse_update_delete BEFORE UPDATE OR DELETE ON ${S}.transcript_chunks FOR EACH ROW EXECUTE FUNCTION ${S}.refuse_change();
DROP TRIGGER IF EXISTS refuse_truncate ON ${S}.transcript_chunks;
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON ${S}.transcript_chunks FOR EACH STATEMENT EXECUTE FUNCTION ${S}.refuse_change();
DROP TRIGGER IF EXISTS check_append ON ${S}.transcript_chunks;
CREATE TRIGGER check_append BEFORE INSERT ON ${S}.transcript_chunks FOR EACH ROW EXECUTE FUNCTION ${S}.check_transcript_chunk();
DROP TRIGGER IF EXISTS ring_doorbell ON ${S}.transcript_chunks;
CREATE TRIGGER ring_doorbell AFTER INSERT ON ${S}.transcript_chunks FOR EACH ROW EXECUTE FUNCTION ${S}.ring_transcript_doorbell();
`;

// Refusals (issue 15: a refused act's reason visible to its sender): a receiving workstation
// that refuses an act or approval another workstation sent it says why here, signed by its own
// key over {ledger, workstation, about: {workstation, seq, hash}, message}. Not part of any chain:
// a refusal changes no vault. One per event refused (the first reason stands).
const REFUSAL_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS ${S}.refusals (
  workstation text NOT NULL REFERENCES ${S}.workstations (name),
  about_workstation text NOT NULL REFERENCES ${S}.workstations (name),
  about_seq bigint NOT NULL CHECK (about_seq >= 1),
  about_hash text NOT NULL CHECK (about_hash ~ '^[0-9a-f]{64}$'),
  ledger_id uuid NOT NULL,
  message text NOT NULL CHECK (octet_length(message) BETWEEN 1 AND ${MAX_REFUSAL_MESSAGE_BYTES}),
  signature text NOT NULL CHECK (octet_length(signature) <= ${MAX_TEXT_BYTES}),
  refused_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (workstation, about_workstation, about_seq)
);
DROP TRIGGER IF EXISTS refuse_update_delete ON ${S}.refusals;
CREATE TRIGGER refuse_update_delete BEFORE UPDATE OR DELETE ON ${S}.refusals FOR EACH ROW EXECUTE FUNCTION ${S}.refuse_change();
DROP TRIGGER IF EXISTS refuse_truncate ON ${S}.refusals;
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON ${S}.refusals FOR EACH STATEMENT EXECUTE FUNCTION ${S}.refuse_change();
`;

export const LEDGER_TABLES_SQL = `
CREATE SCHEMA IF NOT EXISTS ${S};

CREATE TABLE IF NOT EXISTS ${S}.ledger (
  id uuid PRIMARY KEY,
  format text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  singleton boolean NOT NULL DEFAULT true UNIQUE CHECK (singleton)
);
INSERT INTO ${S}.ledger (id, format) VALUES (gen_random_uuid(), '${LEDGER_FORMAT}') ON CONFLICT (singleton) DO NOTHING;

CREATE TABLE IF NOT EXISTS ${S}.workstations (
  name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  ledger_id uuid NOT NULL,
  public_key text NOT NULL CHECK (octet_length(public_key) <= ${MAX_TEXT_BYTES}),
  fingerprint text NOT NULL CHECK (octet_length(fingerprint) <= 128),
  statement text NOT NULL CHECK (octet_length(statement) <= ${MAX_TEXT_BYTES}),
  signature text NOT NULL CHECK (octet_length(signature) <= ${MAX_TEXT_BYTES}),
  joined_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE IF NOT EXISTS ${S}.events (
  workstation text NOT NULL REFERENCES ${S}.workstations (name),
  seq bigint NOT NULL CHECK (seq >= 1),
  ledger_id uuid NOT NULL,
  public_key text NOT NULL CHECK (octet_length(public_key) <= ${MAX_TEXT_BYTES}),
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  event bytea NOT NULL CONSTRAINT event_at_most_${MAX_EVENT_BYTES}_bytes CHECK (octet_length(event) <= ${MAX_EVENT_BYTES}),
  signature text NOT NULL CHECK (octet_length(signature) <= ${MAX_TEXT_BYTES}),
  published_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (workstation, seq)
);

CREATE OR REPLACE FUNCTION ${S}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'cutover ledger: % on %.% is refused: the ledger is append-only', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$fn$;

CREATE OR REPLACE FUNCTION ${S}.check_append() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  this_ledger uuid;
  member_key text;
  head_seq bigint;
  head_hash text;
BEGIN
  SELECT id INTO this_ledger FROM ${S}.ledger;
  IF NEW.ledger_id IS DISTINCT FROM this_ledger THEN
    RAISE EXCEPTION 'cutover ledger: event #% of % names ledger %, not this ledger (%)', NEW.seq, NEW.workstation, NEW.ledger_id, this_ledger USING ERRCODE = 'check_violation';
  END IF;
  SELECT public_key INTO member_key FROM ${S}.workstations WHERE name = NEW.workstation;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'cutover ledger: % has not joined this ledger (cutover ledger join)', NEW.workstation USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.public_key IS DISTINCT FROM member_key THEN
    RAISE EXCEPTION 'cutover ledger: event #% of % carries a key that is not the workstation''s', NEW.seq, NEW.workstation USING ERRCODE = 'check_violation';
  END IF;
  SELECT seq, hash INTO head_seq, head_hash FROM ${S}.events WHERE workstation = NEW.workstation ORDER BY seq DESC LIMIT 1;
  IF NEW.seq <> coalesce(head_seq, 0) + 1 THEN
    RAISE EXCEPTION 'cutover ledger: event #% of % is out of sequence: the ledger holds up to #%', NEW.seq, NEW.workstation, coalesce(head_seq, 0) USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.prev_hash <> coalesce(head_hash, ${GENESIS}) THEN
    RAISE EXCEPTION 'cutover ledger: event #% of % does not link to #% (its prev_hash differs)', NEW.seq, NEW.workstation, coalesce(head_seq, 0) USING ERRCODE = 'check_violation';
  END IF;
  IF encode(sha256(NEW.event), 'hex') <> NEW.hash THEN
    RAISE EXCEPTION 'cutover ledger: event #% of % does not hash to its hash', NEW.seq, NEW.workstation USING ERRCODE = 'check_violation';
  END IF;
  NEW.published_at := clock_timestamp();
  RETURN NEW;
END
$fn$;

CREATE OR REPLACE FUNCTION ${S}.ring_doorbell() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('${LEDGER_CHANNEL}', json_build_object('ledger', NEW.ledger_id, 'workstation', NEW.workstation, 'seq', NEW.seq)::text);
  RETURN NULL;
END
$fn$;

DROP TRIGGER IF EXISTS refuse_update_delete ON ${S}.ledger;
CREATE TRIGGER refuse_update_delete BEFORE UPDATE OR DELETE ON ${S}.ledger FOR EACH ROW EXECUTE FUNCTION ${S}.refuse_change();
DROP TRIGGER IF EXISTS refuse_truncate ON ${S}.ledger;
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON ${S}.ledger FOR EACH STATEMENT EXECUTE FUNCTION ${S}.refuse_change();
DROP TRIGGER IF EXISTS refuse_update_delete ON ${S}.workstations;
CREATE TRIGGER refuse_update_delete BEFORE UPDATE OR DELETE ON ${S}.workstations FOR EACH ROW EXECUTE FUNCTION ${S}.refuse_change();
DROP TRIGGER IF EXISTS refuse_truncate ON ${S}.workstations;
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON ${S}.workstations FOR EACH STATEMENT EXECUTE FUNCTION ${S}.refuse_change();
DROP TRIGGER IF EXISTS refuse_update_delete ON ${S}.events;
CREATE TRIGGER refuse_update_delete BEFORE UPDATE OR DELETE ON ${S}.events FOR EACH ROW EXECUTE FUNCTION ${S}.refuse_change();
DROP TRIGGER IF EXISTS refuse_truncate ON ${S}.events;
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON ${S}.events FOR EACH STATEMENT EXECUTE FUNCTION ${S}.refuse_change();
DROP TRIGGER IF EXISTS check_append ON ${S}.events;
CREATE TRIGGER check_append BEFORE INSERT ON ${S}.events FOR EACH ROW EXECUTE FUNCTION ${S}.check_append();
DROP TRIGGER IF EXISTS ring_doorbell ON ${S}.events;
CREATE TRIGGER ring_doorbell AFTER INSERT ON ${S}.events FOR EACH ROW EXECUTE FUNCTION ${S}.ring_doorbell();
${TRANSCRIPT_TABLES_SQL}
${REFUSAL_TABLES_SQL}`;

/** The role that publishes and follows: INSERT and SELECT, nothing else. `role` is checked by the caller. */
export function ledgerRoleSql(role: string): string {
  return `
DO $do$ BEGIN
  CREATE ROLE ${role} LOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $do$;
REVOKE ALL ON ALL TABLES IN SCHEMA ${S} FROM ${role};
GRANT USAGE ON SCHEMA ${S} TO ${role};
GRANT SELECT ON ${S}.ledger TO ${role};
GRANT SELECT, INSERT ON ${S}.workstations, ${S}.events, ${S}.transcript_chunks, ${S}.refusals TO ${role};
`;
}
