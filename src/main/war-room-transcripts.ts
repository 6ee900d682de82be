// The War room's transcripts: the chunks of the step transcripts the window asks for, read from the
// team ledger on a connection of their own (LISTEN on the transcript and event channels: a NOTIFY
// only rings the doorbell, a poll reads anyway) and checked by core's TranscriptCheck, one per
// (workstation, artifact): each chunk's signature, sha256 and place, and the whole against the
// completion the workstation's chain records. The chain's events come checked from the War room's
// follower (`observe`), not read again here. The newest 256 KiB of each are kept for the window.
import { LedgerError } from '../core/ledger';
import { Doorbell } from '../core/ledger/doorbell';
import { closeLedger, connectLedger, ledgerErrorFrom, type LedgerConnection } from '../core/ledger/connect';
import { LEDGER_CHANNEL, LEDGER_TRANSCRIPT_CHANNEL } from '../core/ledger/limits';
import { readLedgerId, readMember } from '../core/ledger/reads';
import { memberProblem, type PublishedEvent } from '../core/ledger/record';
import { hasTranscriptTable } from '../core/ledger/transcripts-chunk';
import { describeTranscriptProblem, TranscriptCheck } from '../core/ledger/transcripts-read';
import type { WarRoomTranscriptView } from '../shared/views-war-room';
import { english, worded } from './worded';

/** The newest bytes of a transcript kept for the window. */
export const KEPT_TRANSCRIPT_BYTES = 256 << 10;
/** Transcripts followed at once; the one asked for least recently goes first. */
const MAX_WATCHED = 32;
/** Events naming a transcript kept for checks made later (a step.started, its end). */
const MAX_NOTED_EVENTS = 20_000;
const TRANSCRIPT_TYPES = new Set(['step.started', 'step.finished', 'step.interrupted', 'artifact.completed', 'artifact.incomplete']);

type Noted = Pick<PublishedEvent, 'workstation' | 'seq' | 'type' | 'payload'>;

interface Watch {
  workstation: string;
  artifactId: string;
  check: TranscriptCheck | null;
  kept: Buffer;
  bytes: number;
  view: WarRoomTranscriptView;
  askedAt: number;
}

const key = (workstation: string, artifactId: string) => `${workstation}\u0000${artifactId}`;

function settled(w: Watch): boolean {
  return w.view.state === 'complete' || w.view.state === 'problem' || w.view.state === 'unavailable';
}

export class WarRoomTranscripts {
  private connection: LedgerConnection | null = null;
  private ledgerId: string | null = null;
  private readonly watches = new Map<string, Watch>();
  private readonly opening = new Map<string, Promise<Watch>>();
  private connecting: Promise<LedgerConnection> | null = null;
  private noted: Noted[] = [];
  private readonly bell = new Doorbell();
  private running = false;
  private stopped = false;
  private asked = 0;

  constructor(
    private readonly url: string,
    private readonly changed: (workstation: string, artifactId: string) => void,
    private readonly log: (message: string) => void,
    private readonly pollMs: number,
  ) {}

  /** Takes checked events from the follower: each watch observes its workstation's, and reads again. */
  observe(events: readonly PublishedEvent[]): void {
    const named = events.filter((e) => TRANSCRIPT_TYPES.has(e.type));
    if (named.length === 0) return;
    for (const e of named) this.noted.push({ workstation: e.workstation, seq: e.seq, type: e.type, payload: e.payload });
    if (this.noted.length > MAX_NOTED_EVENTS) this.noted = this.noted.slice(this.noted.length - MAX_NOTED_EVENTS);
    for (const w of this.watches.values()) w.check?.observe(named.filter((e) => e.workstation === w.workstation));
    this.wake();
  }

  /** The transcript as read so far; the first ask starts following it. */
  async view(workstation: string, artifactId: string): Promise<WarRoomTranscriptView> {
    if (this.stopped) throw worded(new LedgerError(english('main.warRoom.stopped')), 'main.warRoom.stopped');
    const k = key(workstation, artifactId);
    let w = this.watches.get(k);
    if (!w) {
      // Two asks at once open it once.
      let opening = this.opening.get(k);
      if (!opening) {
        opening = this.open(workstation, artifactId).finally(() => this.opening.delete(k));
        this.opening.set(k, opening);
      }
      w = await opening;
      if (!this.watches.has(k)) {
        this.watches.set(k, w);
        this.evict();
      }
      if (!settled(w)) this.start();
    }
    w.askedAt = ++this.asked;
    return w.view;
  }

  close(): void {
    this.stopped = true;
    this.wake();
    const connection = this.connection;
    this.connection = null;
    if (connection) void closeLedger(connection);
  }

  private wake(): void {
    this.bell.ring();
  }

  private evict(): void {
    while (this.watches.size > MAX_WATCHED) {
      const oldest = [...this.watches.entries()].reduce((a, b) => (b[1].askedAt < a[1].askedAt ? b : a));
      this.watches.delete(oldest[0]);
    }
  }

  private async connect(): Promise<LedgerConnection> {
    if (this.connection) return this.connection;
    this.connecting ??= this.connectOnce().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connectOnce(): Promise<LedgerConnection> {
    const connection = await connectLedger(this.url, 'cutover-war-room-transcripts');
    try {
      connection.client.on('notification', () => this.wake());
      connection.client.on('end', () => this.wake());
      connection.client.on('error', () => this.wake());
      this.ledgerId = await readLedgerId(connection.client, connection.label);
      await connection.client.query(`LISTEN ${LEDGER_TRANSCRIPT_CHANNEL}`);
      await connection.client.query(`LISTEN ${LEDGER_CHANNEL}`);
    } catch (error) {
      await closeLedger(connection);
      throw ledgerErrorFrom(error, connection.label, 'reading transcripts');
    }
    if (this.stopped) {
      await closeLedger(connection);
      throw worded(new LedgerError(english('main.warRoom.stopped')), 'main.warRoom.stopped');
    }
    this.connection = connection;
    return connection;
  }

  private async open(workstation: string, artifactId: string): Promise<Watch> {
    const view: WarRoomTranscriptView = { workstation, artifactId, state: 'live', text: '', start: 0, bytes: 0, size: null, problem: null, message: null };
    const w: Watch = { workstation, artifactId, check: null, kept: Buffer.alloc(0), bytes: 0, view, askedAt: 0 };
    const { client, label } = await this.connect();
    try {
      if (!(await hasTranscriptTable(client))) {
        w.view = { ...view, state: 'unavailable', message: `the ledger at ${label} has no transcript table yet: \`cutover ledger init --db URL\` again adds it, and transcripts follow from then on` };
        return w;
      }
      const member = await readMember(client, workstation);
      const bad = member ? memberProblem(member, this.ledgerId!) : `no workstation ${workstation} has joined the ledger at ${label}`;
      if (!member || bad) {
        w.view = { ...view, state: 'unavailable', message: `the membership of ${workstation} does not hold: ${bad}` };
        return w;
      }
      w.check = new TranscriptCheck(member, this.ledgerId!, artifactId);
      w.check.observe(this.noted.filter((e) => e.workstation === workstation));
    } catch (error) {
      this.drop();
      throw ledgerErrorFrom(error, label, 'reading transcripts');
    }
    await this.read(w);
    return w;
  }

  /** Reads the chunks after the last read; answers whether the view changed. */
  private async read(w: Watch): Promise<boolean> {
    if (!w.check || settled(w)) return false;
    const { client, label } = await this.connect();
    let read;
    try {
      read = await w.check.readChunks(client);
    } catch (error) {
      this.drop();
      throw ledgerErrorFrom(error, label, 'reading transcripts');
    }
    if (read.chunks.length > 0) {
      const all = Buffer.concat([w.kept, ...read.chunks.map((c) => c.bytes)]);
      w.kept = all.length > KEPT_TRANSCRIPT_BYTES ? all.subarray(all.length - KEPT_TRANSCRIPT_BYTES) : all;
    }
    const state = read.problem ? 'problem' : read.complete ? 'complete' : read.completion && read.bytes === 0 && read.completion.size > 0 ? 'notShared' : 'live';
    const before = w.view;
    const next: WarRoomTranscriptView = {
      ...before,
      state,
      text: read.chunks.length > 0 ? new TextDecoder('utf-8', { fatal: false }).decode(w.kept) : before.text,
      start: read.bytes - w.kept.length,
      bytes: read.bytes,
      size: read.completion?.size ?? null,
      problem: read.problem ? { n: read.problem.n, text: describeTranscriptProblem(read.problem) } : null,
    };
    w.view = next;
    if (read.problem && !before.problem) this.log(`war room: TRANSCRIPT PROBLEM: ${next.problem!.text}`);
    return next.state !== before.state || next.bytes !== before.bytes || next.size !== before.size;
  }

  private drop(): void {
    const connection = this.connection;
    this.connection = null;
    if (connection) void closeLedger(connection);
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    void this.follow().finally(() => {
      this.running = false;
    });
  }

  /** Reads every unsettled transcript on each doorbell (or poll) while any is followed. */
  private async follow(): Promise<void> {
    let failures = 0;
    while (!this.stopped && [...this.watches.values()].some((w) => !settled(w))) {
      await this.bell.wait(failures > 0 ? Math.min(30_000, this.pollMs * 2 ** Math.min(failures, 4)) : this.pollMs);
      if (this.stopped) break;
      try {
        for (const w of [...this.watches.values()]) if (await this.read(w)) this.changed(w.workstation, w.artifactId);
        failures = 0;
      } catch (error) {
        if (failures === 0) this.log(`war room: transcripts: ${(error as Error).message}; reading again`);
        failures += 1;
      }
    }
  }
}
