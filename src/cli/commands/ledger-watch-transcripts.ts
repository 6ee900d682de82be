// `ledger watch --transcripts`: under each step started, the step's transcript as it follows
// through the ledger by chunk, each chunk checked as `ledger transcript` checks it (the
// workstation's key, its sha256, its place; the whole against the completion the chain records).
// Each line is printed as `    STEP | text` once it is whole; a transcript ends with a line saying
// it verified, or why there is no text (a runbook with share_transcripts: false keeps its bytes
// home; a ledger without the transcript table). A few transcripts are followed at once, each on a
// connection of its own; the others wait their turn. A reader that loses its connection is opened
// again and goes on after the bytes already printed.
import { StringDecoder } from 'node:string_decoder';
import type { TranscriptProblem, TranscriptRead, TranscriptReader } from '../../core/ledger/transcripts-read';
import { translator, type Lang, type Translator } from '../../shared/i18n';
import { transcriptState } from './ledger-transcript';

/** Transcripts read at once (each holds a connection); the others wait in order. */
const MAX_OPEN = 4;

interface Followed {
  workstation: string;
  artifactId: string;
  stepId: string;
  reader: TranscriptReader | null;
  /** Verified bytes already printed (a reader opened again skips them). */
  printed: number;
  decoder: StringDecoder;
  partial: string;
}

export class WatchTranscripts {
  private readonly waiting: Followed[] = [];
  private readonly open: Followed[] = [];
  private readonly seen = new Set<string>();
  /** Why no transcript can be followed on this ledger (said once), or null. */
  private unavailable: string | null = null;

  /** `lang`: the language of the human lines; the --json lines' text stays English. */
  constructor(private readonly db: string, private readonly json: boolean, private readonly lang: Lang = 'en') {}

  /** A step started with this transcript: followed when its turn comes. */
  add(workstation: string, artifactId: string, stepId: string): void {
    const key = `${workstation}/${artifactId}`;
    if (this.seen.has(key) || this.unavailable) return;
    this.seen.add(key);
    this.waiting.push({ workstation, artifactId, stepId, reader: null, printed: 0, decoder: new StringDecoder('utf8'), partial: '' });
  }

  get active(): boolean {
    return this.open.length + this.waiting.length > 0;
  }

  /**
   * Opens what may be opened, reads each open transcript once and prints what is new. Returns
   * false when a transcript does not hold (named on stderr): the watch then stops, exit 1.
   * `once`: every transcript is read once and let go (`watch --once`).
   */
  async poll(once: boolean): Promise<boolean> {
    const { TranscriptReader: Reader, describeTranscriptProblem } = await import('../../core/ledger/transcripts-read');
    const { LedgerConnectionError, LedgerError } = await import('../../core/ledger/errors');
    while (this.waiting.length && (once || this.open.length < MAX_OPEN)) {
      const t = this.waiting.shift()!;
      try {
        t.reader = await Reader.open(this.db, t.workstation, t.artifactId);
        this.open.push(t);
      } catch (error) {
        if (error instanceof LedgerConnectionError) {
          this.waiting.unshift(t);
          break;
        }
        if (!(error instanceof LedgerError)) throw error;
        // No transcript table (or the member's row does not hold): said once, nothing followed.
        this.unavailable = error.message;
        const message = error.message;
        this.say(t, (tr) => tr.t('ledgerCmd.watch.noTranscript', { message }));
        this.waiting.length = 0;
      }
    }
    for (const t of [...this.open]) {
      let read: TranscriptRead;
      try {
        read = await t.reader!.read();
      } catch (error) {
        if (!(error instanceof LedgerConnectionError)) throw error;
        // Opened again at its turn; the bytes printed are not printed twice.
        await this.letGo(t);
        this.waiting.unshift(t);
        continue;
      }
      if (!this.print(t, read, describeTranscriptProblem)) return false;
      if (once || read.complete || this.notShared(read)) await this.letGo(t);
    }
    return true;
  }

  /** Waits for the doorbell of any open transcript, or `ms`. */
  async wait(ms: number): Promise<void> {
    if (!this.open.length) return new Promise((resolve) => setTimeout(resolve, ms).unref());
    await Promise.race(this.open.map((t) => t.reader!.waitForDoorbell(ms)));
  }

  async close(): Promise<void> {
    for (const t of [...this.open]) await this.letGo(t);
    this.waiting.length = 0;
  }

  private notShared(read: TranscriptRead): boolean {
    return read.completion !== null && read.bytes === 0 && read.completion.size > 0;
  }

  private async letGo(t: Followed): Promise<void> {
    const i = this.open.indexOf(t);
    if (i >= 0) this.open.splice(i, 1);
    const reader = t.reader;
    t.reader = null;
    await reader?.close();
  }

  private print(t: Followed, read: TranscriptRead, describeTranscriptProblem: (p: TranscriptProblem) => string): boolean {
    for (const c of read.chunks) {
      const end = c.offset + c.bytes.length;
      if (end <= t.printed) continue;
      const bytes = c.offset < t.printed ? c.bytes.subarray(t.printed - c.offset) : c.bytes;
      t.printed = end;
      if (this.json) process.stdout.write(`${JSON.stringify({ transcript: { workstation: t.workstation, artifactId: t.artifactId, stepId: t.stepId, n: c.n, offset: end - bytes.length, size: bytes.length, text: bytes.toString('utf8') } })}\n`);
      else this.lines(t, t.decoder.write(bytes));
    }
    if (read.problem) {
      if (this.json) process.stdout.write(`${JSON.stringify({ transcriptProblem: read.problem, text: describeTranscriptProblem(read.problem) })}\n`);
      process.stderr.write(`cutover: ${translator(this.lang).t('ledgerCmd.transcriptProblem', { problem: describeTranscriptProblem(read.problem) })}\n`);
      return false;
    }
    if (read.complete) {
      if (!this.json) this.lines(t, `${t.decoder.end()}${t.partial ? '\n' : ''}`);
      this.say(t, (tr) => tr.t('ledgerCmd.watch.verified', { state: transcriptState(read, tr.lang) }));
    } else if (this.notShared(read)) {
      const size = read.completion!.size;
      this.say(t, (tr) => tr.t('ledgerCmd.watch.notShared', { size, workstation: t.workstation }));
    }
    return true;
  }

  /** Prints the whole lines of `text` after what was left over; keeps the rest for the next chunk. */
  private lines(t: Followed, text: string): void {
    const all = t.partial + text;
    const cut = all.lastIndexOf('\n');
    if (cut < 0) {
      t.partial = all;
      return;
    }
    t.partial = all.slice(cut + 1);
    for (const line of all.slice(0, cut).split('\n')) process.stdout.write(`    ${t.stepId} | ${line}\n`);
  }

  /** A line about the transcript: in English for --json, else in the watch's language. */
  private say(t: Followed, words: (tr: Translator) => string): void {
    if (this.json) process.stdout.write(`${JSON.stringify({ transcriptState: { workstation: t.workstation, artifactId: t.artifactId, stepId: t.stepId, text: words(translator('en')) } })}\n`);
    else process.stdout.write(`    ${t.stepId} | — ${words(translator(this.lang))}\n`);
  }
}
