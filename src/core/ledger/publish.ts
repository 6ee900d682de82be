// `cutover ledger publish`: pushes the vault's events the ledger does not hold yet, in order,
// exactly once. No local bookkeeping to lose: the ledger's own head for this workstation is the
// outbox's cursor; each batch is inserted under an advisory lock per workstation, the ledger's
// insert trigger refuses rows that do not extend its head, and (workstation, seq) is unique, so
// a crash or a lost connection between the insert and anything else can neither duplicate nor
// skip: the next run starts from the head.
// A LedgerPublisher keeps its connection between publishes (`ledger publish --follow`) and the
// head it left; each batch is one round trip (the transaction, the lock, the insert, the commit).
import { createHash } from 'node:crypto';
import { registryOf, signerFor, type OwnerKeyOptions } from '../identity';
import { sshsigSign, type Signer } from '../signing';
import { canonicalJson, type Vault } from '../vault';
import { closeLedger, connectLedger, ledgerErrorFrom, type LedgerConnection } from './connect';
import { LedgerConnectionError, LedgerError } from './errors';
import { LEDGER_EVENT_NAMESPACE, LEDGER_SCHEMA as S, MAX_EVENT_BYTES } from './limits';
import { writeLedgerMarker } from './marker';
import { JOINED_EVENT, membershipOf, type Membership } from './membership';
import { readHead, readLedgerId, readMember } from './reads';
import { eventStatement } from './record';

/** The vault no longer holds what it published: its chain was rewritten or truncated after publishing. */
/** How long after the time bound the connection is ended if the server has not answered at all. */
const BACKSTOP_MS = 1_000;

export class LedgerDivergedError extends LedgerError {
  override readonly code = 'LEDGER_DIVERGED';
}

export interface PublishOptions extends OwnerKeyOptions {
  /** The ledger URL; default: the one the vault joined. */
  db?: string;
  /** Events per transaction (default 100). */
  batch?: number;
  /** The owner's key, when the caller already holds it (a publisher that keeps following). */
  signer?: Signer;
  /**
   * Bounds the whole publish (connect, reads, inserts): past it the connection is closed, the
   * open batch rolls back and a LedgerConnectionError says so; what was committed stays.
   */
  timeoutMs?: number;
  /** Called after each committed batch. */
  progress?: (published: number, head: number) => void;
}

export interface PublishResult {
  workstation: string;
  ledger: string;
  /** Events inserted by this call. */
  published: number;
  /** The ledger's head for this workstation afterwards (= the vault's head). */
  head: number;
}

const BATCH_BYTES = 8 << 20;

/** A vault event as its row holds it: the payload is the canonical JSON text it was hashed as. */
interface RawEvent { seq: number; at: string; actor: string; type: string; payload: string; prevHash: string; hash: string }

interface Statement { get(...params: unknown[]): unknown; all(...params: unknown[]): unknown[] }
const statements = new WeakMap<Vault, { page: Statement; typed: Statement }>();

/**
 * The vault's events table read as it is, statements prepared once per handle: a publisher reads
 * every event once, and neither parses its payload nor serializes it again (the row's payload is
 * the canonical text its hash covers; eventBytes checks that, and canonicalizes only a row that
 * is not, as an event stored before issue 17 may be).
 */
function vaultRows(vault: Vault): { page: Statement; typed: Statement } {
  let found = statements.get(vault);
  if (!found) {
    const client = vault.database.$client;
    found = {
      page: client.prepare('SELECT seq, at, actor, type, payload, prev_hash AS prevHash, hash FROM events WHERE seq > ? ORDER BY seq LIMIT ?'),
      typed: client.prepare('SELECT seq FROM events WHERE seq > ? AND (type = ? OR type LIKE ?) LIMIT 1'),
    };
    statements.set(vault, found);
  }
  return found;
}

/** Whether the vault recorded, after `seq`, an event of type `exact` or starting with `prefix`. */
function recordedSince(vault: Vault, seq: number, exact: string, prefix: string): boolean {
  return vaultRows(vault).typed.get(seq, exact, `${prefix}%`) !== undefined;
}

function eventBytes(e: RawEvent): Buffer {
  if (!Number.isSafeInteger(e.seq) || !/^[0-9a-f]{64}$/.test(e.prevHash) || !/^[0-9a-f]{64}$/.test(e.hash)) throw new LedgerError(`The vault's event #${e.seq} has a malformed seq or hash; run \`cutover vault verify\`.`);
  let bytes = Buffer.from(`{"actor":${JSON.stringify(e.actor)},"at":${JSON.stringify(e.at)},"payload":${e.payload},"prevHash":"${e.prevHash}","seq":${e.seq},"type":${JSON.stringify(e.type)}}`, 'utf8');
  if (createHash('sha256').update(bytes).digest('hex') !== e.hash) {
    let payload: unknown;
    try {
      payload = JSON.parse(e.payload);
    } catch {
      payload = undefined;
    }
    bytes = Buffer.from(canonicalJson({ prevHash: e.prevHash, seq: e.seq, at: e.at, actor: e.actor, type: e.type, payload }), 'utf8');
    if (createHash('sha256').update(bytes).digest('hex') !== e.hash) throw new LedgerError(`The vault's event #${e.seq} does not match its own hash; run \`cutover vault verify\` before publishing.`);
  }
  if (bytes.length > MAX_EVENT_BYTES) throw new LedgerError(`The vault's event #${e.seq} (${e.type}) is ${bytes.length} bytes, more than the ${MAX_EVENT_BYTES} a ledger event may carry; it was not published, nor anything after it.`);
  return bytes;
}

/** The batch's rows as SQL values, each event signed; literals, so the whole batch goes in one round trip. */
async function signedValues(events: RawEvent[], ledger: string, workstation: string, signer: Signer, literal: (text: string) => string): Promise<string> {
  const fixed = `${literal(workstation)}, %SEQ%, ${literal(ledger)}::uuid, ${literal(signer.publicKey)}`;
  const rows: string[] = [];
  for (const e of events) {
    const bytes = eventBytes(e);
    const signature = await sshsigSign(signer, eventStatement(ledger, workstation, e.seq, e.hash), LEDGER_EVENT_NAMESPACE);
    rows.push(`(${fixed.replace('%SEQ%', String(e.seq))}, '${e.prevHash}', '${e.hash}', decode('${bytes.toString('hex')}', 'hex'), ${literal(signature)})`);
  }
  return rows.join(', ');
}

/** The next events to publish after `head`, bounded by count and bytes. */
function nextEvents(vault: Vault, head: number, batch: number): RawEvent[] {
  const events = vaultRows(vault).page.all(head, batch) as RawEvent[];
  let bytes = 0;
  const out: RawEvent[] = [];
  for (const e of events) {
    bytes += e.payload.length;
    if (out.length > 0 && bytes > BATCH_BYTES) break;
    out.push(e);
  }
  return out;
}

/** The key a vault publishes with: its owner's, the one it joined with. */
export async function publisherKey(vault: Vault, options: OwnerKeyOptions = {}): Promise<Signer> {
  const membership = membershipOf(vault);
  if (!membership) throw new LedgerError(notJoined(vault));
  return signerFor(vault, membership.owner, options);
}

const notJoined = (vault: Vault) => `This vault has not joined a ledger; join first: \`cutover ledger join --vault ${vault.path} --db URL --name WORKSTATION\`.`;

/** One publish, on a connection of its own: what `cutover ledger publish` and the outbox's drain do. */
export async function publishVault(vault: Vault, options: PublishOptions = {}): Promise<PublishResult> {
  const publisher = new LedgerPublisher(vault, options);
  try {
    return await publisher.publish();
  } finally {
    await publisher.close();
  }
}

/**
 * Publishes a vault again and again on one connection (`ledger publish --follow`, the bench):
 * no connect, ledger-id and membership round trips per publish. A connection that is lost or
 * times out is closed; the next publish connects again and goes on from the ledger's head.
 * Each publish checks what publishVault checks: the vault's membership (read again when the
 * vault records a new `ledger.joined`), its owner and key, the ledger's id and member row.
 */
export class LedgerPublisher {
  private connection: LedgerConnection | null = null;
  /** What the kept connection was checked for: URL, ledger, workstation and key. */
  private connectionFor = '';
  private membership: Membership | null | undefined;
  /** The vault's seq up to which `membership` was read. */
  private membershipSeq = 0;
  /** The vault's seq up to which its owner was checked (-1: check again). */
  private ownerCheckedSeq = -1;
  /** The ledger's head for this workstation as the kept connection last left it (null: read it). */
  private knownHead: { seq: number; hash: string | null } | null = null;
  private signer: Signer | undefined;

  constructor(private readonly vault: Vault, private readonly options: PublishOptions = {}) {
    this.signer = options.signer;
  }

  /** The vault's membership, read again only when the vault recorded a `ledger.joined` since the last look. */
  private currentMembership(): Membership | null {
    const head = this.vault.head().seq;
    if (this.membership === undefined || head < this.membershipSeq || (head > this.membershipSeq && recordedSince(this.vault, this.membershipSeq, JOINED_EVENT, JOINED_EVENT))) {
      this.membership = membershipOf(this.vault);
      this.ownerCheckedSeq = -1;
    }
    this.membershipSeq = head;
    return this.membership;
  }

  /** The owner who joined is still the vault's owner: checked again only after identity events. */
  private checkOwner(membership: Membership): void {
    const head = this.vault.head().seq;
    if (this.ownerCheckedSeq >= 0 && head >= this.ownerCheckedSeq && !recordedSince(this.vault, this.ownerCheckedSeq, 'vault.created', 'identity.')) {
      this.ownerCheckedSeq = head;
      return;
    }
    const owner = registryOf(this.vault).get(membership.owner);
    if (!owner || owner.fingerprint !== membership.fingerprint) throw new LedgerError(`The owner who joined (${membership.owner}, ${membership.fingerprint}) is not this vault's owner any more; nothing was published.`);
    this.ownerCheckedSeq = head;
  }

  /** Publishes what the ledger does not hold yet; `progress` is called after each committed batch. */
  async publish(progress = this.options.progress): Promise<PublishResult> {
    const { vault, options } = this;
    const membership = this.currentMembership();
    if (!membership) throw new LedgerError(notJoined(vault));
    const batch = options.batch ?? 100;
    const { workstation, ledger } = membership;
    this.checkOwner(membership);
    this.signer ??= await signerFor(vault, membership.owner, options);
    const signer = this.signer;
    if (signer.fingerprint !== membership.fingerprint) throw new LedgerError(`The key given (${signer.fingerprint}) is not the one ${membership.owner} joined with (${membership.fingerprint}).`);
    const started = Date.now();
    const db = options.db ?? membership.db;
    const wanted = `${db}\n${ledger}\n${workstation}\n${signer.publicKey}`;
    if (this.connection && this.connectionFor !== wanted) await this.dropConnection();
    const fresh = !this.connection;
    const connection = this.connection ?? await connectLedger(db, 'cutover-ledger-publisher', options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
    const { client, label } = connection;
    let timedOut = false;
    let published = 0;
    // The bound is kept by the server: each batch's transaction carries what is left of it as its
    // lock and statement timeouts, so a batch the bound ran out on is rolled back there, never
    // committed after this run said what it published. Ending the connection is only the backstop
    // for a server that does not answer at all, a moment after the bound.
    const left = () => (options.timeoutMs === undefined ? undefined : options.timeoutMs - (Date.now() - started));
    const deadline = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      void client.end().catch(() => undefined);
    }, Math.max(0, options.timeoutMs - (Date.now() - started)) + BACKSTOP_MS);
    try {
      if (fresh) {
        if ((await readLedgerId(client, label)) !== ledger) throw new LedgerError(`${label} is not the ledger this vault joined (${ledger}); give its URL with --db.`);
        const member = await readMember(client, workstation);
        if (!member || member.publicKey !== signer.publicKey) throw new LedgerError(`The ledger at ${label} does not list ${workstation} with this vault's owner key ${signer.fingerprint}; run \`cutover ledger join\` again.`);
        this.keep(connection, wanted);
      }
      // The head this connection left is known (nothing else inserts this workstation's rows but
      // its publishers, and the insert trigger refuses a batch that does not extend the real head):
      // one round trip fewer per publish.
      let head = !fresh && this.knownHead ? this.knownHead : await readHead(client, workstation);
      this.knownHead = null;
      checkSameChain(vault, head);
      for (;;) {
        const events = nextEvents(vault, head.seq, batch);
        if (events.length === 0) {
          writeLedgerMarker(vault.path, membership);
          if (this.connection === connection) this.knownHead = head;
          return { workstation, ledger, published, head: head.seq };
        }
        const values = await signedValues(events, ledger, workstation, signer, (text) => client.escapeLiteral(text));
        // One round trip: the transaction, the workstation's publish lock, the batch and its commit
        // (on this 2-CPU VM each query's write to the socket was half the publisher's CPU at the
        // small batches a follower sees). The ledger's insert trigger refuses a batch that does not
        // extend the head (another publisher of this vault went first): then start again from the
        // head it left. A publish that gave up (timed out, connection lost) may still have
        // committed its last batch: harmless, the ledger's head is the cursor, so the next publish
        // goes on after it and nothing is sent twice.
        const lock = client.escapeLiteral(`cutover-ledger-publish:${workstation}`);
        const remaining = left();
        if (remaining !== undefined && remaining <= 0) {
          timedOut = true;
          throw new Error('the time bound ran out between batches');
        }
        const bound = remaining === undefined ? '' : ` SET LOCAL lock_timeout = ${Math.ceil(remaining)}; SET LOCAL statement_timeout = ${Math.ceil(remaining)};`;
        try {
          await client.query(`BEGIN;${bound} SELECT pg_advisory_xact_lock(hashtext(${lock})); INSERT INTO ${S}.events (workstation, seq, ledger_id, public_key, prev_hash, hash, event, signature) VALUES ${values}; COMMIT`);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          // lock_not_available, query_canceled: the server kept the bound and rolled the batch back.
          if (remaining !== undefined && (code === '55P03' || code === '57014')) timedOut = true;
          if (timedOut || typeof code !== 'string' || !code.startsWith('23')) throw error;
          await client.query('ROLLBACK');
          const now = await readHead(client, workstation);
          if (now.seq === head.seq) throw error;
          head = now;
          checkSameChain(vault, head);
          continue;
        }
        published += events.length;
        const last = events.at(-1)!;
        head = { seq: last.seq, hash: last.hash };
        progress?.(published, last.seq);
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // Whatever went wrong, the next publish starts on a fresh connection.
      if (this.connection === connection) this.connection = null;
      await closeLedger(connection);
      if (timedOut) throw new LedgerConnectionError(`The ledger at ${label} did not take ${workstation}'s events within ${options.timeoutMs} ms (${published} published by this run); the rest go out with the next publish.`, { cause: error });
      throw ledgerErrorFrom(error, label, `publishing ${workstation}'s events (${published} published by this run; the next run goes on from the ledger's head)`);
    } finally {
      if (deadline) clearTimeout(deadline);
    }
  }

  /** Keeps a checked connection for the next publish, until it ends (the server went away, a terminated backend). */
  private keep(connection: LedgerConnection, wanted: string): void {
    this.connection = connection;
    this.connectionFor = wanted;
    connection.client.once('end', () => {
      if (this.connection === connection) this.connection = null;
    });
  }

  private async dropConnection(): Promise<void> {
    const open = this.connection;
    this.connection = null;
    if (open) await closeLedger(open);
  }

  async close(): Promise<void> {
    await this.dropConnection();
  }
}

/** The ledger's head for this workstation must be an event the vault still holds, unchanged. */
function checkSameChain(vault: Vault, head: { seq: number; hash: string | null }): void {
  if (head.seq === 0) return;
  const mine = vault.events({ afterSeq: head.seq - 1, limit: 1 })[0];
  if (!mine || mine.seq !== head.seq) {
    throw new LedgerDivergedError(`The ledger holds event #${head.seq} of this workstation, but the vault ends at #${vault.head().seq}: the vault's chain was truncated after it was published.`);
  }
  if (mine.hash !== head.hash) {
    throw new LedgerDivergedError(`The vault's event #${head.seq} (${mine.type}) differs from the one it published (hash ${mine.hash.slice(0, 12)}…, the ledger holds ${head.hash!.slice(0, 12)}…): the vault's chain was rewritten after it was published.`);
  }
}
