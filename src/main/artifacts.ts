// Reading an artifact's bytes for the window, a range at a time.
import type { Vault } from '../core/vault';
import type { ArtifactRange } from '../shared/views';

class ArtifactNotFoundError extends Error {
  readonly code = 'ARTIFACT_NOT_FOUND';
  constructor(id: string) {
    super(`No artifact ${id} in this vault.`);
    this.name = 'ArtifactNotFoundError';
  }
}

/** Bytes [offset, offset+length) of an artifact, streamed chunk by chunk (never the whole artifact in memory). */
export function readRange(vault: Vault, id: string, offset: number, length: number): ArtifactRange {
  const info = vault.artifacts().find((a) => a.id === id);
  if (!info) throw new ArtifactNotFoundError(id);
  const parts: Buffer[] = [];
  let position = 0;
  let taken = 0;
  for (const chunk of vault.readArtifact(id)) {
    const end = position + chunk.length;
    if (end > offset) {
      const from = Math.max(0, offset - position);
      const slice = chunk.subarray(from, Math.min(chunk.length, from + (length - taken)));
      parts.push(slice);
      taken += slice.length;
      if (taken >= length) break;
    }
    position = end;
  }
  return { id, offset, data: Buffer.concat(parts).toString('base64'), size: info.size, sha256: info.sha256, state: info.state };
}
