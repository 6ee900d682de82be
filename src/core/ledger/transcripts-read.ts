// Reading a transcript that follows through the ledger: an artifact's chunks after the last one
// read, each checked against its workstation's key (the SSHSIG over {ledger, workstation,
// artifact, n, offset, sha256}), its sha256 and its place (n and offset contiguous from 0). Once
// the workstation's checked chain holds the artifact's completion (artifact.completed or
// .incomplete, step.finished or .interrupted naming it with its sha256 and size), the bytes read
// must be exactly that many and hash to it. A forged, altered, missing or reordered chunk is
// named, and nothing after it is taken.
import { createHash, type Hash } from 'node:crypto';
import type pg from 'pg';
import { sshsigVerify } from '../signing';
import { closeLedger, connectLedger, ledgerErrorFrom, type LedgerConnection } from './connect';
import { Doorbell } from './doorbell';
import { LedgerError } from './errors';
import { LEDGER_CHANNEL, LEDGER_TRANSCRIPT_CHANNEL, LEDGER_TRANSCRIPT_NAMESPACE, MAX_TRANSCRIPT_CHUNK_BYTES, WORKSTATION_NAME } from './limits';
import { readLedgerId, readMember, readRows } from './reads';
import { ChainWalker, memberProblem, type LedgerMember, type PublishedEvent } from './record';
import { ARTIFACT_ID, chunkStatement, hasTranscriptTable, readTranscriptChunks, type TranscriptChunkRow } from './transcripts-chunk';

export interface TranscriptProblem {
  workstation: string;
  artifactId: string;
  /** The chunk named, or null for a problem with the whole (the membership, the chain, the final hash). */
  n: number | null;
  message: string;
}

export interface VerifiedChunk {
  n: number;
  offset: number;
  bytes: Buffer;
  publishedAt: string;
}

/** What the workstation's chain says the artifact ended as. */
export interface TranscriptCompletion {
  sha256: string;
  size: number;
  /** The event that said so. */
  seq: number;
  type: string;
}

export interface TranscriptRead {
  chunks: VerifiedChunk[];
  problem: TranscriptProblem | null;
  /** Bytes verified so far. */
  bytes: number;
  completion: TranscriptCompletion | null;
  /** Every byte of the completed artifact was read and the whole hashes to the completion. */
  complete: boolean;
  /** A step.started of the workstation's checked chain names this artifact as its transcript. */
  named: boolean;
}

export function describeTranscriptProblem(p: TranscriptProblem): string {
  return `${p.workstation} transcript ${p.artifactId}${p.n === null ? '' : ` chunk #${p.n}`}: ${p.message}`;
}

/**
 * The checks of one artifact's chunks, kept between reads. Events of the workstation's chain are
 * fed in already checked (`observe`), by its own walker (`readTranscript`) or by a follower.
 */
export class TranscriptCheck {
  private nextN = 0;
  private offset = 0;
  private readonly hash: Hash = createHash('sha256');
  private completion: TranscriptCompletion | null = null;
  private named = false;
  private problem: TranscriptProblem | null = null;

  constructor(readonly member: LedgerMember, readonly ledgerId: string, readonly artifactId: string) {}

  /** Takes note of checked events of the member's chain that name this artifact. */
  observe(events: Array<Pick<PublishedEvent, 'seq' | 'type' | 'payload'>>): void {
    for (const e of events) {
      const p = e.payload as { id?: unknown; sha256?: unknown; size?: unknown; transcript?: { artifactId?: unknown; sha256?: unknown; size?: unknown } } | null;
      if (!p) continue;
      if (e.type === 'step.started' && p.transcript?.artifactId === this.artifactId) this.named = true;
      const ref = e.type === 'artifact.completed' || e.type === 'artifact.incomplete' ? (p.id === this.artifactId ? p : null)
        : (e.type === 'step.finished' || e.type === 'step.interrupted') && p.transcript?.artifactId === this.artifactId ? p.transcript : null;
      if (ref && typeof ref.sha256 === 'string' && typeof ref.size === 'number' && !this.completion) this.completion = { sha256: ref.sha256, size: ref.size, seq: e.seq, type: e.type };
    }
  }

  /** Reads and checks the chunks after the last one read; stops at the first that does not hold. */
  async readChunks(client: pg.Client): Promise<TranscriptRead> {
    const chunks: VerifiedChunk[] = [];
    while (!this.problem) {
      const rows = await readTranscriptChunks(client, this.member.name, this.artifactId, this.nextN);
      if (rows.length === 0) break;
      for (const row of rows) {
        const bad = this.accept(row);
        if (bad) {
          this.problem = { workstation: this.member.name, artifactId: this.artifactId, n: bad.n, message: bad.message };
          break;
        }
        chunks.push({ n: row.n, offset: row.offset, bytes: row.bytes, publishedAt: row.publishedAt });
      }
    }
    const complete = !this.problem && this.checkWhole();
    return { chunks, problem: this.problem, bytes: this.offset, completion: this.completion, complete, named: this.named };
  }

  private accept(row: TranscriptChunkRow): { n: number; message: string } | null {
    if (row.n > this.nextN) return { n: this.nextN, message: `chunk #${this.nextN} is missing: the chunks jump from #${this.nextN - 1} to #${row.n} (a row was deleted)` };
    if (row.n < this.nextN) return { n: row.n, message: `chunk #${row.n} is out of sequence (expected #${this.nextN})` };
    if (row.offset !== this.offset) return { n: row.n, message: `it starts at byte ${row.offset}, but the chunks before it end at byte ${this.offset}: the chunks were reordered or changed` };
    if (row.ledgerId !== this.ledgerId) return { n: row.n, message: `it names another ledger (${row.ledgerId})` };
    if (row.publicKey !== this.member.publicKey) return { n: row.n, message: `it carries a key that is not ${this.member.name}'s (${this.member.fingerprint})` };
    if (row.bytes.length === 0 || row.bytes.length > MAX_TRANSCRIPT_CHUNK_BYTES) return { n: row.n, message: `it carries ${row.bytes.length} bytes; a chunk carries 1 to ${MAX_TRANSCRIPT_CHUNK_BYTES}` };
    const recomputed = createHash('sha256').update(row.bytes).digest('hex');
    if (recomputed !== row.sha256) return { n: row.n, message: `its bytes do not hash to its sha256 (stored ${row.sha256.slice(0, 12)}…, recomputed ${recomputed.slice(0, 12)}…): the row was changed after it was published` };
    const statement = chunkStatement({ ledger: this.ledgerId, workstation: this.member.name, artifact: this.artifactId, n: row.n, offset: row.offset, sha256: row.sha256 });
    let verdict: string | null;
    try {
      const result = sshsigVerify(row.signature, statement, LEDGER_TRANSCRIPT_NAMESPACE, this.member.publicKey);
      verdict = result.ok ? null : result.message;
    } catch (error) {
      verdict = (error as Error).message;
    }
    if (verdict) return { n: row.n, message: `its signature is not by ${this.member.name}'s key ${this.member.fingerprint}: ${verdict}` };
    this.hash.update(row.bytes);
    this.nextN += 1;
    this.offset += row.bytes.length;
    return null;
  }

  /** Against the chain's completion: true once every byte is read and the whole matches. */
  private checkWhole(): boolean {
    const c = this.completion;
    if (!c) return false;
    const whole = { workstation: this.member.name, artifactId: this.artifactId, n: null };
    if (this.offset > c.size) {
      this.problem = { ...whole, message: `the ledger holds ${this.offset} bytes of it, more than the ${c.size} its completion (event #${c.seq}, ${c.type}) records` };
      return false;
    }
    if (this.offset < c.size) return false;
    const sha256 = this.hash.copy().digest('hex');
    if (sha256 !== c.sha256) {
      this.problem = { ...whole, message: `its ${c.size} bytes hash to ${sha256.slice(0, 12)}…, not to the ${c.sha256.slice(0, 12)}… its completion (event #${c.seq}, ${c.type}) records: chunks were changed and re-signed, or the chain differs` };
      return false;
    }
    return true;
  }
}

/**
 * A reader of one artifact on its own connection (`cutover ledger transcript`): it walks the
 * workstation's chain itself (checking every event, as `ledger verify` does) to learn the
 * artifact's completion, and listens for the doorbells of new chunks and events.
 */
export class TranscriptReader {
  private readonly bell = new Doorbell();

  private constructor(private readonly connection: LedgerConnection, private readonly check: TranscriptCheck, private readonly walker: ChainWalker) {
    const wake = () => this.bell.ring();
    connection.client.on('notification', wake);
    connection.client.on('end', wake);
  }

  static async open(url: string, workstation: string, artifactId: string): Promise<TranscriptReader> {
    if (!WORKSTATION_NAME.test(workstation)) throw new LedgerError(`"${workstation}" is not a workstation name (letters, digits, . _ -; up to 64).`);
    if (!ARTIFACT_ID.test(artifactId)) throw new LedgerError(`"${artifactId}" is not an artifact id (the transcript's id, as step.started names it: letters, digits and -).`);
    const connection = await connectLedger(url, 'cutover-ledger-transcript');
    const { client, label } = connection;
    try {
      const ledger = await readLedgerId(client, label);
      if (!(await hasTranscriptTable(client))) throw new LedgerError(`The ledger at ${label} has no transcript table yet; run \`cutover ledger init --db URL\` again to share transcripts.`);
      const member = await readMember(client, workstation);
      if (!member) throw new LedgerError(`No workstation ${workstation} has joined the ledger at ${label}; \`cutover ledger watch --db URL\` names the workstations and their transcripts.`);
      const bad = memberProblem(member, ledger);
      if (bad) throw new LedgerError(`The membership of ${workstation} does not hold: ${bad}.`);
      await client.query(`LISTEN ${LEDGER_TRANSCRIPT_CHANNEL}`);
      await client.query(`LISTEN ${LEDGER_CHANNEL}`);
      return new TranscriptReader(connection, new TranscriptCheck(member, ledger, artifactId), new ChainWalker(member, ledger));
    } catch (error) {
      await closeLedger(connection);
      throw ledgerErrorFrom(error, label, 'reading the transcript');
    }
  }

  /** Reads new events (checked) and new chunks (checked), in one snapshot. */
  async read(): Promise<TranscriptRead> {
    const { client, label } = this.connection;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const chainProblem = await this.readChain();
      const read = await this.check.readChunks(client);
      await client.query('COMMIT');
      return chainProblem && !read.problem ? { ...read, problem: chainProblem, complete: false } : read;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw ledgerErrorFrom(error, label, 'reading the transcript');
    }
  }

  private async readChain(): Promise<TranscriptProblem | null> {
    for (;;) {
      const rows = await readRows(this.connection.client, this.check.member.name, this.walker.head.seq);
      if (rows.length === 0) return null;
      const events: PublishedEvent[] = [];
      for (const row of rows) {
        const accepted = this.walker.accept(row);
        if (typeof accepted === 'string') {
          this.check.observe(events);
          return { workstation: this.check.member.name, artifactId: this.check.artifactId, n: null, message: `the workstation's chain does not hold at event #${row.seq}: ${accepted}` };
        }
        events.push(accepted);
      }
      this.check.observe(events);
    }
  }

  /** Waits for a doorbell (a new chunk or event) or `timeoutMs`, whichever is first. */
  waitForDoorbell(timeoutMs: number): Promise<void> {
    return this.bell.wait(timeoutMs);
  }

  async close(): Promise<void> {
    this.bell.ring();
    await closeLedger(this.connection);
  }
}
