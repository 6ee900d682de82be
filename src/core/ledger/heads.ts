// The heads a follower has seen, per workstation, in the follower's own file: what lets it tell
// a ledger that went backwards (restored from an older backup, rows deleted) or was rewritten
// from one that merely has nothing new. Written atomically (temp file, fsync, rename), 0600;
// a follower saves them in the background after each read (saveHeads), never two at once.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, writeSync, readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { LedgerError } from './errors';

const MAX_HEADS_BYTES = 4 << 20;
export const HEADS_FORMAT = 'cutover-ledger-heads-v1';

const headsSchema = z.object({
  format: z.literal(HEADS_FORMAT),
  ledger: z.string().regex(/^[0-9a-f-]{36}$/),
  heads: z.record(z.string().max(64), z.object({ seq: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/) })),
}).strict();

export type SeenHeads = z.infer<typeof headsSchema>;

/** The heads file, or null when there is none yet. A damaged file is refused, never overwritten. */
export function readHeads(path: string): SeenHeads | null {
  if (!existsSync(path)) return null;
  const stat = statSync(path);
  if (!stat.isFile()) throw new LedgerError(`--heads ${path} is not a file.`);
  if (stat.size > MAX_HEADS_BYTES) throw new LedgerError(`--heads ${path} is ${stat.size} bytes, more than a heads file ever holds; it is not one. Give another path.`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new LedgerError(`--heads ${path} is not JSON. It is not a heads file this follower wrote; move it aside (a follower with no heads trusts the ledger as it finds it).`);
  }
  const parsed = headsSchema.safeParse(value);
  if (!parsed.success) throw new LedgerError(`--heads ${path} is not a ${HEADS_FORMAT} file (${parsed.error.issues[0]?.message ?? 'bad shape'}); move it aside.`);
  return parsed.data;
}

let saves = 0;

/** writeHeads off the event loop (a follower saves after each read without waiting on the disk). */
export async function saveHeads(path: string, heads: SeenHeads): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  saves += 1;
  const temp = `${path}.${process.pid}.${saves}.tmp`;
  const file = await open(temp, 'w', 0o600);
  try {
    await file.writeFile(`${JSON.stringify(heads, null, 2)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
}

export function writeHeads(path: string, heads: SeenHeads): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(heads, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
