// The writer that segments-kill.test.ts kills: opens the vault and streams artifacts into it
// one after another as fast as it can (64 KiB writes, a flush every 16 MiB, each artifact 0.5–24 MiB of a keystream
// the test can regenerate from the artifact's name), printing one JSON line per finished
// artifact; or, with `fill`, fills the disk (segments-disk-full.test.ts) through the segment
// I/O thread.
// Usage: CUTOVER_SEGMENTS_CHILD=1 node --import tsx segments-writer-child.ts VAULT ROUND|fill
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Vault, segmentRootFor } from '../../src/core/vault';
import { awaitSegmentIo } from '../../src/core/vault/segment-pipeline';
import { artifactDirFor } from '../../src/core/vault/segments';

/** The bytes of artifact `name`: AES-256-CTR keystream under sha256(name), from offset 0. */
export function contentStream(name: string) {
  const cipher = createCipheriv('aes-256-ctr', createHash('sha256').update(name).digest(), Buffer.alloc(16));
  return (n: number): Buffer => cipher.update(Buffer.alloc(n));
}

/** `fill`: streams `loud.log` until a write fails (a full disk), abandons it as the engine does,
 *  and prints what happened: the error, the bytes accepted, what the artifact's segment files
 *  held and what the vault recorded the moment the write was refused, whether abandon() could
 *  seal it. */
function fill(path: string): void {
  const vault = Vault.open(path, { passphrase: process.env.CUTOVER_PASSPHRASE ?? '' });
  // The segment I/O thread is up before the first write, so every chunk after the first is
  // encrypted and written there, and the full disk is met by that thread, not by this one.
  const pipelined = awaitSegmentIo();
  const writer = vault.createArtifact({ name: 'loud.log', actor: 'dba' });
  const next = contentStream('loud.log');
  let sent = 0;
  let error: Error | null = null;
  while (!error && sent < 1024 * 1024 * 1024) {
    const piece = next(64 * 1024);
    try {
      writer.write(piece);
      sent += piece.length;
      if (sent % (16 * 1024 * 1024) === 0) writer.flush(); // as a pause would (see below)
    } catch (e) {
      error = e as Error;
    }
  }
  const folder = artifactDirFor(segmentRootFor(path), writer.id);
  const onDisk = existsSync(folder) ? readdirSync(folder).map((f) => ({ file: f, bytes: statSync(join(folder, f)).size })) : [];
  const recorded = vault.artifacts().find((a) => a.id === writer.id)?.size ?? null;
  const more = (() => {
    try {
      writer.write('more');
      return 'accepted';
    } catch (e) {
      return (e as Error).name;
    }
  })();
  let abandoned: string;
  try {
    abandoned = writer.abandon().state;
  } catch (e) {
    abandoned = `failed: ${(e as Error).message}`;
  }
  process.stdout.write(`${JSON.stringify({ error: error && { name: error.name, message: error.message }, sent, onDisk, recorded, more, abandoned, pipelined })}\n`);
  vault.close();
}

function main(): void {
  const [path, round] = process.argv.slice(2);
  if (!path || round === undefined) throw new Error('usage: segments-writer-child.ts VAULT ROUND|fill');
  if (round === 'fill') {
    fill(path);
    return;
  }
  const vault = Vault.open(path, { passphrase: process.env.CUTOVER_PASSPHRASE ?? '' });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  for (let k = 0; ; k++) {
    const name = `r${round}-a${k}.bin`;
    const next = contentStream(name);
    // Sizes from the name too, so they are not all whole chunks: 0.5 MiB to 24 MiB, odd bytes.
    const size = 512 * 1024 + (createHash('sha256').update(`size:${name}`).digest().readUInt32BE(0) % (24 * 1024 * 1024));
    const writer = vault.createArtifact({ name, mediaType: 'application/octet-stream', actor: 'system' });
    for (let done = 0; done < size; ) {
      const n = Math.min(64 * 1024, size - done);
      writer.write(next(n));
      done += n;
      // A real transcript pauses, and its quiet-output timer commits what came so far; this loop
      // never pauses (nor lets a timer run), and the vault commits a full-speed stream only every
      // 64 MiB or 250 ms, so it flushes every 16 MiB, as a pause would: kills then find bytes
      // recorded mid-artifact however fast the machine is.
      if (done % (16 * 1024 * 1024) === 0) writer.flush();
    }
    const info = writer.finish();
    process.stdout.write(`${JSON.stringify({ name, id: info.id, size: info.size, sha256: info.sha256 })}\n`);
  }
}

if (process.env.CUTOVER_SEGMENTS_CHILD === '1') main();
