// What someone holding a vault's data key can do to a transcript kept in segment files: write
// other bytes for it that authenticate (a fresh segment under the artifact's own key) and
// rewrite its chunk records with the append-only triggers dropped. Only the chain's sha256
// (and anything outside the vault) still tells. Used by tests that check exactly that.
import { rmSync } from 'node:fs';
import { openVaultFile, unwrapDataKey } from '../helpers/cli';
import { SegmentFileWriter, artifactDirFor, artifactKey, segmentRootFor } from '../../src/core/vault/segments';

export function forgeSegmentArtifact(vaultPath: string, artifactId: string, bytes: Buffer): void {
  const { dataKey, vaultId } = unwrapDataKey(vaultPath);
  const db = openVaultFile(vaultPath, dataKey);
  try {
    const file = db.prepare('SELECT salt, segment_chunks AS segmentChunks FROM artifact_files WHERE artifact_id = ?').get(artifactId) as { salt: Buffer; segmentChunks: number } | undefined;
    if (!file) throw new Error(`artifact ${artifactId} is not kept in segment files`);
    const root = segmentRootFor(vaultPath);
    rmSync(artifactDirFor(root, artifactId), { recursive: true, force: true });
    const writer = new SegmentFileWriter({ root, vaultId, artifactId, key: artifactKey(dataKey, file.salt, artifactId), segmentChunks: file.segmentChunks });
    const chunk = writer.append(0, [bytes], bytes.length, true);
    writer.sync();
    writer.close();
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'artifact_file_chunks'").all() as { name: string }[]) db.exec(`DROP TRIGGER "${name}"`);
    db.prepare('DELETE FROM artifact_file_chunks WHERE artifact_id = ?').run(artifactId);
    db.prepare('INSERT INTO artifact_file_chunks (artifact_id, idx, size, tag) VALUES (?, 0, ?, ?)').run(artifactId, chunk.size, chunk.tag);
  } finally {
    db.close();
  }
}
