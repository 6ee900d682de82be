// The offline SQL preview kept as evidence of a run: the script `alembic upgrade FROM:TO --sql`
// printed (offline-sql.ts), stored in the vault as an artifact, and an `alembic.sql_preview`
// event naming the run, the project, the revisions and the SHA-256. The event carries the run
// id, so the run's decision pack includes the script (src/core/reports/pack-model.ts, linked
// evidence): what governance approved can be read next to what Alembic would have sent.
import { translate, type Lang } from '../../shared/i18n';
import type { ArtifactInfo, Vault, VaultEvent } from '../vault';
import { AlembicError } from './errors';
import type { OfflineSqlResult } from './offline-sql';
import { hasRun } from '../engine/runs';

export const SQL_PREVIEW_EVENT = 'alembic.sql_preview';
/** RFC 6922. */
export const SQL_MEDIA_TYPE = 'application/sql';
const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** A preview cannot be stored as asked (an unknown run, a bad label, an incomplete script): exit 2 in the CLI. */
export class SqlPreviewInputError extends AlembicError {
  override readonly code = 'ALEMBIC_SQL_PREVIEW_INPUT';
}

export interface StoreSqlPreviewOptions {
  /** The run this preview is evidence of; it must exist in the vault. */
  runId: string;
  actor: string;
  /** The Alembic project folder (where alembic.ini is). */
  scriptsDir: string;
  iniPath: string | null;
  /** The starting revisions (empty: from the base). */
  from: string[];
  to: string;
  /** The database the starting revisions were read from (password-free), when they were. */
  database?: string;
  /** The artifact is `<label>.sql` (default: upgrade-<from>-to-<to>). */
  label?: string;
  /** The language of the refusals (default English). */
  lang?: Lang;
}

export function assertPreviewLabel(label: string, lang: Lang = 'en'): void {
  if (!LABEL.test(label)) throw new SqlPreviewInputError(translate(lang, 'alembic.preview.label', { label }));
}

/** upgrade-<from>-to-<to>, made a label: the revisions as given, shortened to 100 characters. */
export function defaultPreviewLabel(from: string[], to: string): string {
  const raw = `upgrade-${from.length ? from.join('+') : 'base'}-to-${to}`.replace(/[^A-Za-z0-9_.-]/g, '_');
  return raw.slice(0, 100);
}

/**
 * Refuses a run id the vault has no `run.started` for, before anything is written. Pages
 * through the chain so a long vault is never read whole.
 */
export function assertRunExists(vault: Vault, runId: string, lang: Lang = 'en'): void {
  if (!hasRun(vault, runId)) throw new SqlPreviewInputError(translate(lang, 'alembic.preview.noRun', { runId }));
}

/**
 * Stores a rendered preview as `<label>.sql` (application/sql) and records `alembic.sql_preview`.
 * Only a whole script is stored: a preview Alembic could not finish is not evidence of what
 * would run, and is refused.
 */
export function storeSqlPreview(vault: Vault, result: OfflineSqlResult, options: StoreSqlPreviewOptions): { artifact: ArtifactInfo; event: VaultEvent; label: string } {
  const label = options.label ?? defaultPreviewLabel(options.from, options.to);
  const lang = options.lang ?? 'en';
  assertPreviewLabel(label, lang);
  assertRunExists(vault, options.runId, lang);
  if (!result.ok) throw new SqlPreviewInputError(translate(lang, 'alembic.preview.incomplete', { reason: result.reason ?? translate(lang, 'alembic.preview.alembicFailed') }));
  const writer = vault.createArtifact({ name: `${label}.sql`, mediaType: SQL_MEDIA_TYPE, actor: options.actor });
  let artifact: ArtifactInfo;
  try {
    writer.write(result.sql);
    artifact = writer.finish();
  } catch (error) {
    writer.abandon();
    throw error;
  }
  const event = vault.append({
    actor: options.actor,
    type: SQL_PREVIEW_EVENT,
    payload: {
      runId: options.runId,
      label,
      scriptsDir: options.scriptsDir,
      iniPath: options.iniPath,
      from: options.from,
      to: options.to,
      ...(options.database !== undefined ? { database: options.database } : {}),
      rendered: result.rendered,
      argv: result.argv,
      sha256: artifact.sha256,
      artifactId: artifact.id,
      artifactName: artifact.name,
      artifactSha256: artifact.sha256,
    },
  });
  return { artifact, event, label };
}
