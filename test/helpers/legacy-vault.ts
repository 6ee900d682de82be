// Vaults as the release before segment files wrote them (issue 17): transcripts in the database's
// artifact_chunks, schema 3. Tests make one by writing chunks the old way into a new vault, then
// taking the schema back (legacyVault); what they write in between is theirs.
import { join } from 'node:path';
import { ArtifactWriter, Vault } from '../../src/core/vault';
import { openVaultFile, PASSPHRASE, unwrapDataKey } from './cli';

/** An artifact writer with no segment store: the previous release's in-database chunks. */
export type LegacyWriterFor = (name: string) => ArtifactWriter;

/** A new vault at DIR/old.vault; `write` adds its artifacts the old way; then the vault is schema 3 again. */
export function legacyVault<T>(dir: string, write: (writer: LegacyWriterFor) => T): { path: string } & T {
  const path = join(dir, 'old.vault');
  const vault = Vault.create(path, PASSPHRASE);
  const record = (type: 'artifact.completed' | 'artifact.incomplete', info: { id: string; name: string; mediaType: string; size: number; sha256: string | null }, actor: string) => {
    vault.append({ actor, type, payload: { id: info.id, name: info.name, mediaType: info.mediaType, size: info.size, sha256: info.sha256 } });
  };
  const written = write((name) => new ArtifactWriter(vault.database, name, 'text/plain', 'dba', record));
  vault.close();
  const db = openVaultFile(path, unwrapDataKey(path).dataKey);
  try {
    db.exec('DROP TABLE artifact_file_chunks; DROP TABLE artifact_files; CREATE UNIQUE INDEX `events_hash_unique` ON `events` (`hash`)');
    db.pragma('user_version = 3');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return { path, ...written };
}
