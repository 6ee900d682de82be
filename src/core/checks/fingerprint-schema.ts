// The schema fingerprint document: what a schema is, structurally, with nothing that depends
// on where it lives (no OIDs, no database name, no owners or privileges, no sequence values,
// no server version). Arrays are sorted by name (code-point order); enum labels keep their
// declared order. `sha256` is the SHA-256 of the RFC 8785 canonical JSON of the document
// without `sha256`. The zod schema checks a file before anything reads it.
import { z } from 'zod';

export const FINGERPRINT_FORMAT = 'cutover.schema-fingerprint/1';

const name = z.string();
const nullableText = z.string().nullable();

export const columnSchema = z.object({
  name,
  /** 1-based position among the live columns (dropped ones are not counted). */
  position: z.number().int(),
  /** format_type(), e.g. "character varying(32)", "public.mood". */
  type: z.string(),
  notNull: z.boolean(),
  default: nullableText,
  /** "always" | "by default" | null. */
  identity: nullableText,
  /** "stored" (generated column; its expression is in `default`) | null. */
  generated: nullableText,
  /** Only when not the type's default collation. */
  collation: nullableText,
}).strict();

export const constraintSchema = z.object({
  name,
  /** primary key, unique, check, exclusion. */
  type: z.enum(['primary key', 'unique', 'check', 'exclusion']),
  /** pg_get_constraintdef(). */
  definition: z.string(),
  deferrable: z.boolean(),
  initiallyDeferred: z.boolean(),
  validated: z.boolean(),
}).strict();

export const foreignKeySchema = z.object({
  name,
  columns: z.array(z.string()),
  referencedTable: z.string(),
  referencedColumns: z.array(z.string()),
  onUpdate: z.string(),
  onDelete: z.string(),
  match: z.string(),
  deferrable: z.boolean(),
  initiallyDeferred: z.boolean(),
  validated: z.boolean(),
  /** pg_get_constraintdef(): the whole definition without the name. */
  definition: z.string(),
}).strict();

export const indexSchema = z.object({
  name,
  /** pg_get_indexdef() without the index name: "CREATE UNIQUE INDEX ON public.t USING btree (a)". */
  definition: z.string(),
  unique: z.boolean(),
  primary: z.boolean(),
  valid: z.boolean(),
  /** The constraint it backs (primary key, unique, exclusion), if any. */
  constraint: nullableText,
}).strict();

export const triggerSchema = z.object({
  name,
  /** pg_get_triggerdef(). */
  definition: z.string(),
  enabled: z.string(),
}).strict();

export const tableSchema = z.object({
  schema: name,
  name,
  kind: z.enum(['table', 'partitioned table', 'foreign table']),
  unlogged: z.boolean(),
  /** pg_get_partkeydef() of a partitioned table. */
  partitionKey: nullableText,
  /** The parent and bound of a partition. */
  partitionOf: nullableText,
  partitionBound: nullableText,
  /** Inheritance parents (not partitioning). */
  inherits: z.array(z.string()),
  /** reloptions, sorted. */
  options: z.array(z.string()),
  rowSecurity: z.boolean(),
  columns: z.array(columnSchema),
  constraints: z.array(constraintSchema),
  foreignKeys: z.array(foreignKeySchema),
  indexes: z.array(indexSchema),
  triggers: z.array(triggerSchema),
}).strict();

export const viewSchema = z.object({
  schema: name,
  name,
  materialized: z.boolean(),
  /** pg_get_viewdef(…, true), names qualified. */
  definition: z.string(),
  columns: z.array(columnSchema),
  indexes: z.array(indexSchema),
}).strict();

export const sequenceSchema = z.object({
  schema: name,
  name,
  type: z.string(),
  start: z.string(),
  increment: z.string(),
  min: z.string(),
  max: z.string(),
  cache: z.string(),
  cycle: z.boolean(),
  /** "schema.table.column" for a serial or identity sequence. */
  ownedBy: nullableText,
}).strict();

export const enumSchema = z.object({
  schema: name,
  name,
  /** In their sort order (enumsortorder), not alphabetical. */
  labels: z.array(z.string()),
}).strict();

export const domainSchema = z.object({
  schema: name,
  name,
  baseType: z.string(),
  notNull: z.boolean(),
  default: nullableText,
  /** "name: CHECK (…)", sorted. */
  constraints: z.array(z.string()),
}).strict();

export const compositeTypeSchema = z.object({
  schema: name,
  name,
  attributes: z.array(columnSchema),
}).strict();

export const extensionSchema = z.object({
  name,
  schema: z.string(),
  version: z.string(),
}).strict();

export const fingerprintBodySchema = z.object({
  format: z.literal(FINGERPRINT_FORMAT),
  /** The schemas fingerprinted, sorted. */
  schemas: z.array(z.string()),
  extensions: z.array(extensionSchema),
  tables: z.array(tableSchema),
  views: z.array(viewSchema),
  sequences: z.array(sequenceSchema),
  enums: z.array(enumSchema),
  domains: z.array(domainSchema),
  compositeTypes: z.array(compositeTypeSchema),
}).strict();

export const fingerprintSchema = fingerprintBodySchema.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();

export type ColumnFingerprint = z.infer<typeof columnSchema>;
export type ConstraintFingerprint = z.infer<typeof constraintSchema>;
export type ForeignKeyFingerprint = z.infer<typeof foreignKeySchema>;
export type IndexFingerprint = z.infer<typeof indexSchema>;
export type TriggerFingerprint = z.infer<typeof triggerSchema>;
export type TableFingerprint = z.infer<typeof tableSchema>;
export type ViewFingerprint = z.infer<typeof viewSchema>;
export type SequenceFingerprint = z.infer<typeof sequenceSchema>;
export type EnumFingerprint = z.infer<typeof enumSchema>;
export type DomainFingerprint = z.infer<typeof domainSchema>;
export type CompositeTypeFingerprint = z.infer<typeof compositeTypeSchema>;
export type ExtensionFingerprint = z.infer<typeof extensionSchema>;
export type FingerprintBody = z.infer<typeof fingerprintBodySchema>;
export type SchemaFingerprint = z.infer<typeof fingerprintSchema>;
