// Transcripts follow through the ledger by chunk (issue 15 item 2): after a vault's events are
// published, the bytes of the transcripts its published step.started events name (occurrences
// too) go out from each artifact's published end onward, including what the vault has recorded
// so far of a step still running. Only runs whose runbook says `share_transcripts: true` (the
// default); the bytes are already redacted in the vault. Like publishVault, no local bookkeeping:
// the ledger's own end per artifact is the cursor, read again under an advisory lock per
// workstation inside the transaction that inserts, so a restart or a lost connection neither
// duplicates nor skips a byte.
import { createHash } from 'node:crypto';
import type { Signer } from '../signing';
import { sshsigSign } from '../signing';
import { storedRunbook } from '../engine/state';
import type { ReadOnlyVault, VaultEvent } from '../vault';
import { closeLedger, connectLedger, ledgerErrorFrom } from './connect';
import { LedgerConnectionError, LedgerError } from './errors';
import { LEDGER_SCHEMA as S, LEDGER_TRANSCRIPT_NAMESPACE, MAX_TRANSCRIPT_CHUNK_BYTES } from './limits';
import { membershipOf } from './membership';
import { readHead, readLedgerId, readMember } from './reads';
import { ARTIFACT_ID, TRANSCRIPT_COLUMNS, chunkStatement, hasTranscriptTable, readTranscriptEnd, readTranscriptEnds } from './transcripts-chunk';

/** Said once by a publisher whose ledger was made before transcripts were shared. */
export const TRANSCRIPTS_NEED_INIT = 'this ledger has no transcript table: run `cutover ledger init` again to share transcripts (events are published as before)';

export interface TranscriptPublishOptions {
  /** The ledger URL; default: the one the vault joined. */
  db?: string;
  /** The owner's key (the one the vault joined with). */
  signer: Signer;
  /** Bounds the whole call; past it the open batch rolls back and what was committed stays. */
  timeoutMs?: number;
}

export interface TranscriptPublishResult {
  workstation: string;
  /** Chunks and bytes inserted by this call. */
  chunks: number;
  bytes: number;
  /** Transcripts of runs that share them, and those withheld (share_transcripts: false, or a runbook not readable). */
  shared: number;
  withheld: number;
  /** The ledger predates the transcript table: nothing was published (TRANSCRIPTS_NEED_INIT). */
  needsInit: boolean;
}

/** Bytes per transaction. */
const BATCH_BYTES = 4 << 20;

interface Transcript {
  artifactId: string;
  runId: string;
}

/** The transcripts named by step.started events up to `head`, and each run's runbook reference. */
function transcriptsIn(events: VaultEvent[]): { transcripts: Transcript[]; runbooks: Map<string, { artifactId: string; hash: string }> } {
  const transcripts: Transcript[] = [];
  const seen = new Set<string>();
  const runbooks = new Map<string, { artifactId: string; hash: string }>();
  for (const e of events) {
    const p = e.payload as { runId?: unknown; runbook?: { artifactId?: unknown; hash?: unknown }; transcript?: { artifactId?: unknown } } | null;
    if (!p || typeof p.runId !== 'string') continue;
    if (e.type === 'run.started' && typeof p.runbook?.artifactId === 'string' && typeof p.runbook.hash === 'string') runbooks.set(p.runId, { artifactId: p.runbook.artifactId, hash: p.runbook.hash });
    const id = p.transcript?.artifactId;
    if (e.type === 'step.started' && typeof id === 'string' && ARTIFACT_ID.test(id) && !seen.has(id)) {
      seen.add(id);
      transcripts.push({ artifactId: id, runId: p.runId });
    }
  }
  return { transcripts, runbooks };
}

/** Whether a run's runbook lets its transcripts follow; a runbook that cannot be read does not. */
function sharing(vault: ReadOnlyVault, runbooks: Map<string, { artifactId: string; hash: string }>): (runId: string) => boolean {
  const cache = new Map<string, boolean>();
  return (runId) => {
    let allowed = cache.get(runId);
    if (allowed === undefined) {
      const ref = runbooks.get(runId);
      try {
        allowed = ref ? storedRunbook(vault, ref.artifactId, ref.hash).share_transcripts !== false : false;
      } catch {
        allowed = false;
      }
      cache.set(runId, allowed);
    }
    return allowed;
  };
}

/** The artifact's bytes from `offset` on, cut into ledger chunks, grouped into batches. */
function* batchesFrom(vault: ReadOnlyVault, artifactId: string, offset: number): Generator<Buffer[]> {
  let position = 0;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  for (const piece of vault.readArtifact(artifactId)) {
    const start = Math.max(0, offset - position);
    position += piece.length;
    for (let at = start; at < piece.length; at += MAX_TRANSCRIPT_CHUNK_BYTES) {
      const chunk = piece.subarray(at, Math.min(piece.length, at + MAX_TRANSCRIPT_CHUNK_BYTES));
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= BATCH_BYTES) {
        yield batch;
        batch = [];
        batchBytes = 0;
      }
    }
  }
  if (batch.length > 0) yield batch;
}

export async function publishTranscripts(vault: ReadOnlyVault, options: TranscriptPublishOptions): Promise<TranscriptPublishResult> {
  const membership = membershipOf(vault);
  if (!membership) throw new LedgerError(`This vault has not joined a ledger; join first: \`cutover ledger join --vault ${vault.path} --db URL --name WORKSTATION\`.`);
  const { workstation, ledger } = membership;
  const { signer } = options;
  if (signer.fingerprint !== membership.fingerprint) throw new LedgerError(`The key given (${signer.fingerprint}) is not the one ${membership.owner} joined with (${membership.fingerprint}).`);
  const result: TranscriptPublishResult = { workstation, chunks: 0, bytes: 0, shared: 0, withheld: 0, needsInit: false };
  const started = Date.now();
  const connection = await connectLedger(options.db ?? membership.db, 'cutover-ledger-transcripts', options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
  const { client, label } = connection;
  let timedOut = false;
  const deadline = options.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    void client.end().catch(() => undefined);
  }, Math.max(0, options.timeoutMs - (Date.now() - started)));
  try {
    if ((await readLedgerId(client, label)) !== ledger) throw new LedgerError(`${label} is not the ledger this vault joined (${ledger}); give its URL with --db.`);
    if (!(await hasTranscriptTable(client))) return { ...result, needsInit: true };
    const member = await readMember(client, workstation);
    if (!member || member.publicKey !== signer.publicKey) throw new LedgerError(`The ledger at ${label} does not list ${workstation} with this vault's owner key ${signer.fingerprint}; run \`cutover ledger join\` again.`);
    // Only transcripts whose step.started the ledger already holds: a follower can place them.
    const head = (await readHead(client, workstation)).seq;
    const { transcripts, runbooks } = transcriptsIn(vault.events({ limit: head }));
    const shares = sharing(vault, runbooks);
    const sizes = new Map(vault.artifacts().map((a) => [a.id, a.size]));
    const ends = await readTranscriptEnds(client, workstation);
    for (const t of transcripts) {
      if (!shares(t.runId)) {
        result.withheld += 1;
        continue;
      }
      result.shared += 1;
      const size = sizes.get(t.artifactId);
      if (size === undefined || size <= (ends.get(t.artifactId)?.end ?? 0)) continue;
      await publishArtifact(t.artifactId, ends.get(t.artifactId) ?? { n: -1, end: 0 });
    }
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (timedOut) throw new LedgerConnectionError(`The ledger at ${label} did not take ${workstation}'s transcripts within ${options.timeoutMs} ms (${result.chunks} chunk(s) published by this run); the rest go out with the next publish.`, { cause: error });
    throw ledgerErrorFrom(error, label, `publishing ${workstation}'s transcripts (${result.chunks} chunk(s) published by this run; the next run goes on from the ledger's end of each)`);
  } finally {
    if (deadline) clearTimeout(deadline);
    await closeLedger(connection);
  }

  async function publishArtifact(artifactId: string, from: { n: number; end: number }): Promise<void> {
    let { n, end } = from;
    for (const batch of batchesFrom(vault, artifactId, end)) {
      const rows: unknown[][] = [];
      let offset = end;
      for (const [i, bytes] of batch.entries()) {
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        const signature = await sshsigSign(signer, chunkStatement({ ledger, workstation, artifact: artifactId, n: n + 1 + i, offset, sha256 }), LEDGER_TRANSCRIPT_NAMESPACE);
        rows.push([workstation, artifactId, n + 1 + i, offset, ledger, signer.publicKey, bytes, sha256, signature]);
        offset += bytes.length;
      }
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`cutover-ledger-transcripts:${workstation}`]);
      // Another publisher of this vault went first: the next publish goes on from the end it left.
      const now = await readTranscriptEnd(client, workstation, artifactId);
      if (now.n !== n || now.end !== end) {
        await client.query('ROLLBACK');
        return;
      }
      const values = rows.map((_, r) => `(${Array.from({ length: 9 }, (__, j) => `$${r * 9 + j + 1}`).join(', ')})`).join(', ');
      await client.query(`INSERT INTO ${S}.transcript_chunks (${TRANSCRIPT_COLUMNS}) VALUES ${values}`, rows.flat());
      await client.query('COMMIT');
      result.chunks += rows.length;
      result.bytes += offset - end;
      n += rows.length;
      end = offset;
    }
  }
}

export type TranscriptDrain =
  | { state: 'published'; chunks: number; bytes: number }
  /** The ledger predates the transcript table: say TRANSCRIPTS_NEED_INIT once. */
  | { state: 'needs-init' }
  /** The ledger did not take them now: they go out with the next drain. */
  | { state: 'behind'; reason: string };

/** One bounded publish of the transcripts, after the events went out; never throws. */
export async function drainTranscripts(vault: ReadOnlyVault, options: TranscriptPublishOptions): Promise<TranscriptDrain> {
  try {
    const result = await publishTranscripts(vault, options);
    return result.needsInit ? { state: 'needs-init' } : { state: 'published', chunks: result.chunks, bytes: result.bytes };
  } catch (error) {
    return { state: 'behind', reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Whether the vault is writing a transcript now (a step running): its bytes are worth following. */
export function writingTranscript(vault: ReadOnlyVault): boolean {
  return vault.artifacts().some((a) => a.state === 'open');
}
