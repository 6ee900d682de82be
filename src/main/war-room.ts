// The War room's follower: one per window, following one team ledger for the open vault. It is
// core's LedgerFollower (NOTIFY only rings the doorbell; it reads by seq and polls anyway), with
// the heads it has seen kept beside this vault, so an edited, deleted or reordered event, or a
// ledger restored from an older backup, is named here as `ledger watch` names it. What it reads
// goes into core's WarRoomLog; each read that brought something pushes a `warRoom` message, and
// the renderer asks for the view again. A lost connection is retried with back-off, going on from
// the heads. Locking the vault (or closing the window) stops it.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { approveThroughLedger, decideThroughLedger, describeProblem, LedgerConnectionError, LedgerError, LedgerFollower, membershipOf, readHeads, readTeam, type FollowRead, type LedgerDecision, type LedgerProblem, type Membership, type PublishedEvent } from '../core/ledger';
import type { Signer } from '../core/signing';
import { ledgerLabel } from '../core/ledger/connect';
import type { Vault } from '../core/vault';
import { WarRoomLog } from '../core/war-room/board';
import { describeProblemIn } from '../core/war-room/finding-words';
import { translator, type Lang } from '../shared/i18n';
import type { WarRoomProblemView, WarRoomState, WarRoomTranscriptView, WarRoomView } from '../shared/views-war-room';
import type { PushHub } from './push';
import { WarRoomTranscripts } from './war-room-transcripts';
import { english, worded, type MainKey } from './worded';

const REMEMBERED_FORMAT = 'cutover-war-room-v1';
const MAX_REMEMBERED_BYTES = 16 << 10;
/** A read at least this often, doorbell or not. */
const DEFAULT_POLL_MS = 2_000;
/** Tamper findings kept for the banner (each names its workstation; a broken chain is read no further). */
const MAX_PROBLEMS = 100;

/** Where the heads this vault's window has seen of the ledger at `label` are kept: beside the vault. */
export function warRoomHeadsPath(vaultPath: string, label: string): string {
  return `${vaultPath}.ledger-heads/${label.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
}

function rememberedPath(vaultPath: string): string {
  return `${vaultPath}.war-room.json`;
}

/** The ledger URL this vault's War room followed last (no secret: a ledger URL carries no password). */
function readRemembered(vaultPath: string): string | null {
  const path = rememberedPath(vaultPath);
  try {
    if (!existsSync(path) || statSync(path).size > MAX_REMEMBERED_BYTES) return null;
    const value = JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown; url?: unknown };
    return value.format === REMEMBERED_FORMAT && typeof value.url === 'string' ? value.url : null;
  } catch {
    return null;
  }
}

function remember(vaultPath: string, url: string): void {
  const path = rememberedPath(vaultPath);
  try {
    writeFileSync(`${path}.${process.pid}.tmp`, `${JSON.stringify({ format: REMEMBERED_FORMAT, url })}\n`, { mode: 0o600 });
    renameSync(`${path}.${process.pid}.tmp`, path);
  } catch {
    // A read-only folder: the URL is typed again next time; following works the same.
  }
}

interface Following {
  vaultPath: string;
  url: string;
  label: string;
  headsPath: string;
  follower: LedgerFollower | null;
  log: WarRoomLog;
  heads: Map<string, number>;
  /** The follower's findings as core words them (English); the view words them in the window's language. */
  problems: LedgerProblem[];
  state: WarRoomState;
  message: string | null;
  readAt: string | null;
  ledgerId: string | null;
  membership: Membership | null;
  stopped: boolean;
  wake: (() => void) | null;
  /** The step transcripts the window asked for, read chunk by chunk on a connection of their own. */
  transcripts: WarRoomTranscripts;
}

export class WarRoom {
  private current: Following | null = null;
  /** Bumped by every connect and stop: a connect that another overtook (or a lock interrupted) lets go. */
  private generation = 0;
  private readonly joined = new WeakMap<Vault, { seq: number; membership: Membership | null }>();

  constructor(
    private readonly hub: PushHub,
    private readonly log: (message: string) => void,
    private readonly pollMs = DEFAULT_POLL_MS,
  ) {}

  /** The URL to offer for this vault: the last one followed, else the ledger it joined. */
  rememberedUrl(vault: Vault): string | null {
    return readRemembered(vault.path) ?? this.membership(vault)?.db ?? null;
  }

  /** The vault's membership, read again only when its chain moved (the view is asked for on every push). */
  private membership(vault: Vault): Membership | null {
    const seq = vault.head().seq;
    const cached = this.joined.get(vault);
    if (cached?.seq === seq) return cached.membership;
    const membership = membershipOf(vault);
    this.joined.set(vault, { seq, membership });
    return membership;
  }

  /**
   * Follows the ledger at `url` for `vault` (stopping any other): its history is read and checked
   * before this answers, so a bad URL, an unreachable ledger or a tampered one is known at once.
   */
  async connect(vault: Vault, url: string): Promise<void> {
    const label = ledgerLabel(url);
    this.stop();
    const generation = this.generation;
    const headsPath = warRoomHeadsPath(vault.path, label);
    const f: Following = {
      vaultPath: vault.path, url, label, headsPath, follower: null, log: new WarRoomLog(), heads: new Map(), problems: [],
      state: 'connecting', message: null, readAt: null, ledgerId: null, membership: this.membership(vault), stopped: false, wake: null,
      transcripts: new WarRoomTranscripts(url, (workstation, artifactId) => this.hub.publish({ type: 'warRoomTranscript', workstation, artifactId }), this.log, this.pollMs),
    };
    // With heads kept from an earlier session the follower returns only what is new: the history comes from one checked walk.
    if (existsSync(headsPath)) {
      const team = await readTeam(url);
      for (const ws of team.workstations.values()) this.take(f, ws.events);
      this.findings(f, team.problems);
    }
    f.follower = await LedgerFollower.open(url, headsPath);
    try {
      this.apply(f, await f.follower.read());
    } catch (error) {
      f.transcripts.close();
      await this.release(f.follower);
      throw error;
    }
    if (generation !== this.generation) {
      f.transcripts.close();
      await this.release(f.follower);
      return;
    }
    f.state = 'following';
    this.current = f;
    remember(vault.path, url);
    void this.follow(f);
  }

  /** Stops following (vault locked, window closed, another ledger chosen). */
  stop(): void {
    this.generation += 1;
    const f = this.current;
    this.current = null;
    if (!f) return;
    f.stopped = true;
    f.wake?.();
    f.transcripts.close();
    void this.release(f.follower);
  }

  /** Closes a follower; a save of its heads that failed there is logged (the next session would read from older heads). */
  private async release(follower: LedgerFollower | null): Promise<void> {
    const failed = await follower?.close();
    if (failed) this.log(`war room: ${failed}`);
  }

  /** Whether the follower follows `vault`'s ledger now. */
  following(vault: Vault): boolean {
    return this.current?.vaultPath === vault.path;
  }

  /** The War room for `vault`; what core words (timeline lines, decisions, findings) is in `language`. */
  view(vault: Vault, runId: string | null, language: Lang = 'en'): WarRoomView {
    const f = this.current?.vaultPath === vault.path ? this.current : null;
    const runs = f ? f.log.runs() : [];
    const wanted = runId ?? runs[0]?.runId ?? null;
    const member = f?.membership && f.ledgerId === f.membership.ledger ? { workstation: f.membership.workstation, owner: f.membership.owner } : null;
    return {
      state: f ? f.state : 'idle',
      url: f?.url ?? null,
      label: f?.label ?? null,
      rememberedUrl: this.rememberedUrl(vault),
      message: f?.message ?? null,
      readAt: f?.readAt ?? null,
      workstations: f ? [...f.heads].map(([name, head]) => ({ name, head })).sort((a, b) => a.name.localeCompare(b.name)) : [],
      runs,
      run: f && wanted ? f.log.board(wanted, translator(language)) : null,
      problems: f ? f.problems.map((p): WarRoomProblemView => ({ workstation: p.workstation, seq: p.seq, text: describeProblemIn(language, p) })) : [],
      member,
    };
  }

  /** A step transcript of the ledger followed, checked chunk by chunk; the first ask starts following it. */
  async transcript(vault: Vault, workstation: string, artifactId: string): Promise<WarRoomTranscriptView> {
    const f = this.current?.vaultPath === vault.path ? this.current : null;
    if (!f) throw worded(new LedgerError(english('main.warRoom.noLedger')), 'main.warRoom.noLedger');
    return f.transcripts.view(workstation, artifactId);
  }

  /**
   * Acts from this machine (issue 15 item 3): this vault's owner approves the plan offered for
   * `runId`, or signs a decision, with `signer` (the owner's key of the session); core checks the
   * plan and the operator's chain, and the act goes into this vault's own chain, published next.
   */
  async act(vault: Vault, runId: string, what: { kind: 'approve' } | { kind: 'decide'; decision: LedgerDecision }, signerOf: (fingerprint: string) => Signer | undefined): Promise<void> {
    const f = this.current?.vaultPath === vault.path ? this.current : null;
    if (!f) throw worded(new LedgerError(english('main.warRoom.noLedger')), 'main.warRoom.noLedger');
    const membership = f.membership;
    if (!membership || membership.ledger !== f.ledgerId) {
      throw warRoomRefusal('main.warRoom.notJoined', { ledger: f.label, vault: vault.path, url: f.url });
    }
    const signer = signerOf(membership.fingerprint);
    if (!signer) throw warRoomRefusal('main.warRoom.keyLocked', { name: membership.owner });
    if (what.kind === 'approve') await approveThroughLedger(vault, { runId, db: f.url, signer });
    else await decideThroughLedger(vault, { runId, decision: what.decision, db: f.url, signer });
  }

  private take(f: Following, events: readonly PublishedEvent[]): number {
    for (const e of events) if (e.seq > (f.heads.get(e.workstation) ?? 0)) f.heads.set(e.workstation, e.seq);
    f.transcripts.observe(events);
    return f.log.add(events);
  }

  private findings(f: Following, problems: readonly LedgerProblem[]): number {
    let added = 0;
    for (const p of problems) {
      const text = describeProblem(p);
      if (f.problems.length >= MAX_PROBLEMS || f.problems.some((q) => describeProblem(q) === text)) continue;
      f.problems.push({ workstation: p.workstation, seq: p.seq, message: p.message });
      this.log(`war room: LEDGER PROBLEM: ${text}`);
      added += 1;
    }
    return added;
  }

  private apply(f: Following, read: FollowRead): boolean {
    const added = this.take(f, read.events) + this.findings(f, read.problems);
    if (added > 0 || f.readAt === null) f.readAt = new Date().toISOString();
    f.ledgerId ??= safeLedgerId(f.headsPath);
    return added > 0;
  }

  private push(f: Following, changed: boolean): void {
    if (f.stopped || !changed) return;
    this.hub.publish({ type: 'warRoom', state: f.state, problems: f.problems.length });
  }

  private sleep(f: Following, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        f.wake = null;
        resolve();
      }
      f.wake = done;
    });
  }

  /** Reads on every doorbell (or poll) until stopped; a lost ledger is reconnected, going on from the heads. */
  private async follow(f: Following): Promise<void> {
    let failures = 0;
    while (!f.stopped) {
      try {
        if (!f.follower) {
          f.follower = await LedgerFollower.open(f.url, f.headsPath);
          if (f.stopped) break;
        } else {
          await Promise.race([f.follower.waitForDoorbell(this.pollMs), new Promise<void>((resolve) => (f.wake = resolve))]);
          f.wake = null;
          if (f.stopped) break;
        }
        const changed = this.apply(f, await f.follower.read());
        const back = f.state !== 'following';
        if (back) this.log(`war room: following ${f.label} again`);
        f.state = 'following';
        f.message = null;
        failures = 0;
        this.push(f, changed || back);
      } catch (error) {
        if (f.stopped) break;
        const message = error instanceof Error ? error.message.replace(/ Nothing half-done.*$/, '') : String(error);
        if (failures === 0) this.log(`war room: ${message}; reconnecting`);
        const first = f.state !== 'reconnecting';
        f.state = 'reconnecting';
        f.message = error instanceof LedgerConnectionError ? message : `${message} (retrying)`;
        this.push(f, first);
        await this.release(f.follower);
        f.follower = null;
        failures += 1;
        await this.sleep(f, Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
      }
    }
    await this.release(f.follower);
  }
}

/** A War room act main refuses, worded from main's catalogue (English message; the window's language on the way out). */
function warRoomRefusal(key: MainKey, vars: Record<string, string>): LedgerError {
  return worded(new LedgerError(english(key, vars)), key, vars);
}

function safeLedgerId(headsPath: string): string | null {
  try {
    return readHeads(headsPath)?.ledger ?? null;
  } catch {
    return null;
  }
}
