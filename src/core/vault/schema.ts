// The vault's tables, for drizzle-orm and drizzle-kit. Migrations are generated from this
// file (`npm run db:generate`); the append-only triggers live in a custom migration.
import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** The hash-chained event log. Triggers (migration 0001) refuse UPDATE and DELETE. */
export const events = sqliteTable('events', {
  seq: integer('seq').primaryKey(),
  at: text('at').notNull(),
  actor: text('actor').notNull(),
  type: text('type').notNull(),
  /** RFC 8785 canonical JSON of the payload. */
  payload: text('payload').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

/** A large blob (a transcript), stored as it streams in. */
export const artifacts = sqliteTable('artifacts', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  mediaType: text('media_type').notNull(),
  /** open while a writer streams, complete when finished, incomplete after a crash. */
  state: text('state', { enum: ['open', 'complete', 'incomplete'] }).notNull(),
  size: integer('size').notNull().default(0),
  sha256: text('sha256'),
  chunkCount: integer('chunk_count').notNull().default(0),
  /** Process that streams into an open artifact, so a crashed writer can be recognised. */
  writerPid: integer('writer_pid'),
  writerHost: text('writer_host'),
  createdAt: text('created_at').notNull(),
  completedAt: text('completed_at'),
});

export const artifactChunks = sqliteTable(
  'artifact_chunks',
  {
    artifactId: text('artifact_id').notNull().references(() => artifacts.id),
    idx: integer('idx').notNull(),
    data: blob('data', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.artifactId, t.idx] })],
);

/** People who sign: operators, approvers, observers. */
export const identities = sqliteTable(
  'identities',
  {
    name: text('name').primaryKey(),
    /** JSON array of roles. */
    roles: text('roles').notNull(),
    publicKey: text('public_key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    keySource: text('key_source', { enum: ['file', 'agent', 'vault', 'public'] }).notNull(),
    keyPath: text('key_path'),
    /** Only for keys the app generated; the vault is encrypted, so this stays inside it. */
    privateKey: blob('private_key', { mode: 'buffer' }),
    createdAt: text('created_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
  },
  (t) => [index('identities_fingerprint').on(t.fingerprint)],
);

/** Target secrets (database and SSH passwords). Kept out of the event chain, so they never
 *  reach an exported pack; only `secret.set` events (name, never value) are chained. */
export const secrets = sqliteTable('secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** An artifact whose bytes live in AES-256-GCM segment files in `<vault>.d/artifacts/<id>/`
 *  (issue 17). Artifacts without a row here keep their bytes in `artifact_chunks`. */
export const artifactFiles = sqliteTable('artifact_files', {
  artifactId: text('artifact_id').primaryKey().references(() => artifacts.id),
  /** The segment format: 'aes-256-gcm/1'. */
  format: text('format').notNull(),
  /** HKDF salt of this artifact's key (random, 32 bytes). */
  salt: blob('salt', { mode: 'buffer' }).notNull(),
  /** Chunks per segment file. */
  segmentChunks: integer('segment_chunks').notNull(),
  /** Set when the bytes were moved here from artifact_chunks by `vault migrate-artifacts`. */
  migratedAt: text('migrated_at'),
});

/** One durable chunk of a segment-file artifact: its plaintext size and GCM tag. */
export const artifactFileChunks = sqliteTable(
  'artifact_file_chunks',
  {
    artifactId: text('artifact_id').notNull().references(() => artifacts.id),
    idx: integer('idx').notNull(),
    size: integer('size').notNull(),
    tag: blob('tag', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.artifactId, t.idx] })],
);
