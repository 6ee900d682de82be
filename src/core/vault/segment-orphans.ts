// Orphan segment files: anything in `<vault>.d/artifacts/` that no artifact's recorded chunks
// account for. A writer killed between creating a segment and recording its first chunk
// leaves one; so does a folder copied in from elsewhere. They are reported, never deleted:
// deciding that a file is not evidence is a person's call.
import { eq } from 'drizzle-orm';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultDb } from './database';
import { artifactFileChunks, artifactFiles, artifacts } from './schema';

const SEGMENT_FILE = /^(\d{6})\.seg$/;

export function findOrphanSegments(db: Pick<VaultDb, 'select'>, root: string): string[] {
  const dir = join(root, 'artifacts');
  if (!existsSync(dir)) return [];
  const orphans: string[] = [];
  const known = new Map(db.select({ id: artifactFiles.artifactId, segmentChunks: artifactFiles.segmentChunks, migratedAt: artifactFiles.migratedAt, state: artifacts.state, chunkCount: artifacts.chunkCount })
    .from(artifactFiles).innerJoin(artifacts, eq(artifacts.id, artifactFiles.artifactId)).all().map((r) => [r.id, r]));
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const artifact = known.get(name);
    if (!artifact || !statSync(path).isDirectory()) {
      orphans.push(path);
      continue;
    }
    // An open artifact's writer may be creating its next segment right now.
    if (artifact.state === 'open') continue;
    const recorded = db.select({ idx: artifactFileChunks.idx }).from(artifactFileChunks).where(eq(artifactFileChunks.artifactId, name)).all()
      .filter((c) => artifact.migratedAt !== null || c.idx < artifact.chunkCount);
    const segments = new Set(recorded.map((c) => Math.floor(c.idx / artifact.segmentChunks)));
    for (const file of readdirSync(path).sort()) {
      const match = SEGMENT_FILE.exec(file);
      if (!match || !segments.has(Number(match[1]))) orphans.push(join(path, file));
    }
  }
  return orphans;
}
