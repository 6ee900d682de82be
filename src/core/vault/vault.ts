// The vault: one encrypted SQLite file (SQLCipher 4), its keyslot file (`NAME.keys`) and its
// folder of encrypted artifact segments (`NAME.d`), holding the hash-chained event log,
// streamed artifacts and identities. A writer (`Vault.open`) migrates
// the schema and seals artifacts a crashed writer left open; an inspector
// (`Vault.openReadOnly`) does neither and cannot write at all.
import type { Transaction } from 'better-sqlite3-multiple-ciphers';
import { asc, desc, gt } from 'drizzle-orm';
import { hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ArtifactWriter, artifactInfo, readArtifactBytes, recoverAbandoned, type RecordArtifactEvent, type SegmentStore } from './artifacts';
import { migrateArtifacts, type MigrateArtifactsResult } from './migrate-artifacts';
import { segmentRootFor } from './segments';
import { GENESIS_HASH, canonicalJson, eventHashOfCanonical } from './chain';
import { checkVaultFileShape, drizzleOver, openDatabase, vaultErrorFrom, type VaultDb, type VaultReadDb } from './database';
import { VaultCorruptError, VaultExistsError, VaultInputError, VaultNotFoundError, VaultReadOnlyError, VaultTooNewError, VaultUpgradeNeededError, WrongPassphraseError } from './errors';
import { defaultScryptParams, keyslotsPathFor, readKeyslots, unlockDataKey, wrapWithPassphrase, writeKeyslots, type KeyslotFile, type ScryptParams, type Unlock } from './keyslots';
import { SCHEMA_VERSION, migrate, schemaVersionOf } from './migrate';
import { artifacts, events } from './schema';
import type { ArtifactInfo, IdentityInfo, NewEvent, VaultEvent, VerifyReport } from './types';
import { listIdentities } from './identities';
import { verifyVault } from './verify';

const ACTOR = /^[\p{L}\p{N}._@-][\p{L}\p{N} ._@-]{0,127}$/u;
const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

type AppendTransaction = Transaction<(actor: string, type: string, payload: string) => VaultEvent>;

function toEvent(row: typeof events.$inferSelect): VaultEvent {
  return { seq: row.seq, at: row.at, actor: row.actor, type: row.type, payload: JSON.parse(row.payload), prevHash: row.prevHash, hash: row.hash };
}

/**
 * What inspecting needs: everything that reads the vault, nothing that writes. `Vault` is one;
 * `Vault.openReadOnly` returns one whose database SQLite itself opened read-only. Code that only
 * reads (verify, log, status, pack export) takes this type, so it cannot append by mistake.
 */
export interface ReadOnlyVault {
  readonly path: string;
  readonly id: string;
  readonly schemaVersion: number;
  /** True for a handle from `Vault.openReadOnly`: every write through it is refused. */
  readonly readOnly: boolean;
  close(): void;
  events(options?: { afterSeq?: number; limit?: number }): VaultEvent[];
  head(): { seq: number; hash: string };
  artifacts(): ArtifactInfo[];
  readArtifact(id: string): Generator<Buffer>;
  verify(): VerifyReport;
  listIdentities(): IdentityInfo[];
  subkey(purpose: string): Buffer;
  /** Queries only (select); for identity, secret and run reads inside core. */
  readonly database: VaultReadDb;
}

export interface CreateOptions {
  actor?: string;
  kdf?: ScryptParams;
}

/** The checks both kinds of open make before SQLite sees the file; returns the data key. */
function unlockVaultFile(path: string, unlock: Unlock): { keyslots: KeyslotFile; dataKey: Buffer } {
  if (!existsSync(path)) throw new VaultNotFoundError(path);
  if (!statSync(path).isFile()) throw new VaultInputError(`${path} is a folder, not a vault file.`);
  checkVaultFileShape(path);
  const keyslots = readKeyslots(path);
  return { keyslots, dataKey: unlockDataKey(keyslots, unlock) };
}

/** What `Vault.open` did before handing the vault over. */
export interface OpenUpkeep {
  /** The schema version found; below `schemaVersion` means migrations ran. */
  schemaBefore: number;
  /** Artifacts a dead writer left open, sealed as incomplete by this open. */
  sealedIncomplete: ArtifactInfo[];
}

export class Vault implements ReadOnlyVault {
  private closed = false;
  private upkeepDone: OpenUpkeep = { schemaBefore: SCHEMA_VERSION, sealedIncomplete: [] };

  private constructor(
    readonly path: string,
    private readonly db: VaultDb,
    private readonly dataKey: Buffer,
    private keyslots: KeyslotFile,
    readonly readOnly = false,
  ) {}

  /** Creates a new vault; never writes over an existing file. */
  static create(path: string, passphrase: string, options: CreateOptions = {}): Vault {
    if (passphrase.length < 8) throw new VaultInputError('A vault passphrase needs at least 8 characters.');
    const keysPath = keyslotsPathFor(path);
    const segmentsRoot = segmentRootFor(path);
    if (existsSync(path) || existsSync(keysPath) || existsSync(segmentsRoot)) throw new VaultExistsError([path, keysPath, segmentsRoot].find((p) => existsSync(p))!);
    if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) throw new VaultInputError(`The folder ${dirname(path)} does not exist; create it first.`);
    // Reserve the path atomically so a concurrent create cannot share it.
    try {
      closeSync(openSync(path, 'wx', 0o600));
    } catch {
      throw new VaultExistsError(path);
    }
    const dataKey = randomBytes(32);
    const vaultId = randomUUID();
    const slot = wrapWithPassphrase(dataKey, passphrase, vaultId, options.kdf);
    const keyslots: KeyslotFile = { format: 'cutover-vault-keyslots', version: 1, vaultId, cipher: 'sqlcipher4', slots: [slot] };
    try {
      writeKeyslots(path, keyslots, { exclusive: true });
      const db = openDatabase(path, dataKey, { create: true });
      const vault = new Vault(path, drizzleOver(db), dataKey, keyslots);
      migrate(db, path);
      vault.append({ actor: options.actor ?? 'system', type: 'vault.created', payload: { vaultId, cipher: 'sqlcipher4', schemaVersion: SCHEMA_VERSION, kdf: { name: 'scrypt', log2N: slot.kdf.log2N, r: slot.kdf.r, p: slot.kdf.p } } });
      return vault;
    } catch (error) {
      rmSync(path, { force: true });
      rmSync(keysPath, { force: true });
      for (const suffix of ['-wal', '-shm']) rmSync(path + suffix, { force: true });
      throw error;
    }
  }

  /**
   * Opens an existing vault for writing. Nothing is written unless the key is right and the
   * file is a vault; then pending migrations run and artifacts whose writer died are sealed
   * as incomplete. To inspect without changing anything, use `openReadOnly`.
   */
  static open(path: string, unlock: Unlock): Vault {
    const { keyslots, dataKey } = unlockVaultFile(path, unlock);
    const db = openDatabase(path, dataKey);
    const vault = new Vault(path, drizzleOver(db), dataKey, keyslots);
    try {
      const schemaBefore = schemaVersionOf(db);
      migrate(db, path);
      vault.checkBelongsToKeyslots();
      vault.upkeepDone = { schemaBefore, sealedIncomplete: recoverAbandoned(vault.db, vault.recordArtifact, vault.segmentStore) };
      return vault;
    } catch (error) {
      db.close();
      throw vaultErrorFrom(path, error);
    }
  }

  /**
   * Opens an existing vault for inspecting: the same key and vault checks as `open`, but SQLite
   * opens the file read-only, no migration runs (an older schema is refused with
   * VaultUpgradeNeededError, a newer one with VaultTooNewError), artifacts a crashed writer left
   * open stay open (the next writer seals them), and every write throws VaultReadOnlyError.
   */
  static openReadOnly(path: string, unlock: Unlock): ReadOnlyVault {
    const { keyslots, dataKey } = unlockVaultFile(path, unlock);
    const db = openDatabase(path, dataKey, { readOnly: true });
    const vault = new Vault(path, drizzleOver(db), dataKey, keyslots, true);
    try {
      const found = schemaVersionOf(db);
      if (found > SCHEMA_VERSION) throw new VaultTooNewError(path, String(found), String(SCHEMA_VERSION));
      if (found < SCHEMA_VERSION) throw new VaultUpgradeNeededError(path, found, SCHEMA_VERSION);
      vault.checkBelongsToKeyslots();
      return vault;
    } catch (error) {
      db.close();
      throw vaultErrorFrom(path, error);
    }
  }

  /** True when the vault at `path` has an OS-keychain slot. */
  static hasKeychainSlot(path: string): boolean {
    return existsSync(keyslotsPathFor(path)) && readKeyslots(path).slots.some((s) => s.type === 'keychain');
  }

  /** What opening this vault for writing migrated and recovered (nothing, for a read-only or new vault). */
  get upkeep(): OpenUpkeep {
    return this.upkeepDone;
  }

  get id(): string {
    return this.keyslots.vaultId;
  }

  get schemaVersion(): number {
    return SCHEMA_VERSION;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.$client.close();
  }

  private checkBelongsToKeyslots(): void {
    const first = this.db.select().from(events).orderBy(asc(events.seq)).limit(1).get();
    if (!first) return;
    const vaultId = (JSON.parse(first.payload) as { vaultId?: string }).vaultId;
    if (first.type !== 'vault.created' || vaultId !== this.keyslots.vaultId) {
      throw new VaultCorruptError(this.path, `its first event does not name vault ${this.keyslots.vaultId} from its .keys file`);
    }
  }

  private refuseWrite(what: string): void {
    if (this.readOnly) throw new VaultReadOnlyError(this.path, what);
  }

  /** Appends one event to the chain, durably, and returns it with its hash. */
  append(input: NewEvent): VaultEvent {
    this.refuseWrite(`appending a "${input.type}" event`);
    if (!ACTOR.test(input.actor)) throw new VaultInputError(`"${input.actor}" is not a valid actor name (letters, digits, space, . _ @ -; up to 128).`);
    if (!EVENT_TYPE.test(input.type)) throw new VaultInputError(`"${input.type}" is not a valid event type (lowercase dotted words, e.g. "step.started").`);
    const payload = canonicalJson(input.payload ?? {});
    return this.appendTransaction().immediate(input.actor, input.type, payload);
  }

  private appendTx: AppendTransaction | null = null;

  /**
   * Appending is the vault's hottest path (issue 17: 10,000 durable events against plain SQLite),
   * so it goes to better-sqlite3 directly, statements prepared once, and hashes the payload's
   * canonical JSON as it is: drizzle's mapping and a second canonicalization cost more than
   * SQLCipher's page encryption. Inside another transaction (an artifact's seal) it is a
   * savepoint of it, as drizzle's was.
   */
  private appendTransaction(): AppendTransaction {
    if (this.appendTx) return this.appendTx;
    const client = this.db.$client;
    const head = client.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
    const insert = client.prepare('INSERT INTO events (seq, at, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.appendTx = client.transaction((actor: string, type: string, payload: string): VaultEvent => {
      const last = head.get();
      const seq = (last?.seq ?? 0) + 1;
      const prevHash = last?.hash ?? GENESIS_HASH;
      const at = new Date().toISOString();
      const hash = eventHashOfCanonical({ prevHash, seq, at, actor, type }, payload);
      insert.run(seq, at, actor, type, payload, prevHash, hash);
      return { seq, at, actor, type, payload: JSON.parse(payload) as unknown, prevHash, hash };
    });
    return this.appendTx;
  }

  private readonly recordArtifact: RecordArtifactEvent = (type, info, actor) => {
    this.append({ actor, type, payload: { id: info.id, name: info.name, mediaType: info.mediaType, size: info.size, sha256: info.sha256 } });
  };

  events(options: { afterSeq?: number; limit?: number } = {}): VaultEvent[] {
    const query = this.db.select().from(events).where(gt(events.seq, options.afterSeq ?? 0)).orderBy(asc(events.seq));
    return (options.limit ? query.limit(options.limit) : query).all().map(toEvent);
  }

  head(): { seq: number; hash: string } {
    const head = this.db.select({ seq: events.seq, hash: events.hash }).from(events).orderBy(desc(events.seq)).limit(1).get();
    return head ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** Starts streaming an artifact; call write() as bytes arrive and finish() at the end. */
  createArtifact(meta: { name: string; mediaType?: string; actor: string }): ArtifactWriter {
    this.refuseWrite(`storing the artifact "${meta.name}"`);
    if (!meta.name || meta.name.length > 255 || /[/\\\0]/.test(meta.name)) throw new VaultInputError(`"${meta.name}" is not a valid artifact name (a file name, no slashes, up to 255 characters).`);
    return new ArtifactWriter(this.db, meta.name, meta.mediaType ?? 'text/plain', meta.actor, this.recordArtifact, this.segmentStore);
  }

  artifacts(): ArtifactInfo[] {
    return this.db.select().from(artifacts).orderBy(asc(artifacts.createdAt)).all().map(artifactInfo);
  }

  readArtifact(id: string): Generator<Buffer> {
    return readArtifactBytes(this.db, this.segmentStore, id);
  }

  verify(): VerifyReport {
    return verifyVault(this.db, this.path, this.segmentStore);
  }

  /**
   * Moves the artifacts an older vault kept in its database out into segment files, each one
   * read back and checked against its seal before its database copy is deleted, with an
   * `artifact.migrated` event per artifact; then VACUUMs, so the file gives the space back.
   */
  migrateArtifacts(actor = 'system'): MigrateArtifactsResult & { databaseBytes: { before: number; after: number } } {
    this.refuseWrite('moving its artifacts into segment files');
    const before = statSync(this.path).size;
    const result = migrateArtifacts(this.db, this.segmentStore, (event) => this.append(event), actor);
    if (result.migrated.length > 0) {
      this.db.$client.exec('VACUUM');
      this.db.$client.pragma('wal_checkpoint(TRUNCATE)');
    }
    return { ...result, databaseBytes: { before, after: statSync(this.path).size } };
  }

  /** Where this vault's artifacts are kept in segment files (`<vault>.d`) and their key's root. */
  private get segmentStore(): SegmentStore {
    return { vaultPath: this.path, root: segmentRootFor(this.path), vaultId: this.keyslots.vaultId, dataKey: this.dataKey };
  }

  /**
   * Rewrites the keyslot file inside a write transaction on the database, so that two
   * processes changing slots at once take turns instead of losing each other's change.
   */
  private updateKeyslots(change: (current: KeyslotFile) => KeyslotFile | null, event: { type: string; payload: unknown }): void {
    this.refuseWrite('changing its key slots');
    this.db.transaction(() => {
      const next = change(readKeyslots(this.path));
      if (!next) return;
      writeKeyslots(this.path, next);
      this.keyslots = next;
      this.append({ actor: 'system', ...event });
    }, { behavior: 'immediate' });
  }

  /** Rewraps the data key under a new passphrase; the encrypted data is not touched. */
  changePassphrase(oldPassphrase: string, newPassphrase: string, kdf?: ScryptParams): void {
    this.refuseWrite('changing its passphrase');
    if (newPassphrase.length < 8) throw new VaultInputError('A vault passphrase needs at least 8 characters.');
    const slotKdf = kdf ?? defaultScryptParams();
    this.updateKeyslots((current) => {
      if (!unlockDataKey(current, { passphrase: oldPassphrase }).equals(this.dataKey)) throw new WrongPassphraseError();
      const slot = wrapWithPassphrase(this.dataKey, newPassphrase, current.vaultId, slotKdf);
      return { ...current, slots: [slot, ...current.slots.filter((s) => s.type !== 'passphrase')] };
    }, { type: 'vault.passphrase_changed', payload: { kdf: { name: 'scrypt', ...slotKdf } } });
  }

  /** Adds (or replaces) the OS-keychain slot; `wrap` is e.g. Electron's safeStorage. */
  setKeychainSlot(wrap: (dataKey: Buffer) => Buffer): void {
    this.refuseWrite('adding a keychain slot');
    const wrapped = wrap(Buffer.from(this.dataKey)).toString('base64');
    this.updateKeyslots((current) => ({ ...current, slots: [...current.slots.filter((s) => s.type !== 'keychain'), { type: 'keychain', wrapped }] }), { type: 'vault.keychain_slot_added', payload: {} });
  }

  removeKeychainSlot(): void {
    this.updateKeyslots((current) => (current.slots.some((s) => s.type === 'keychain') ? { ...current, slots: current.slots.filter((s) => s.type !== 'keychain') } : null), { type: 'vault.keychain_slot_removed', payload: {} });
  }

  listIdentities(): IdentityInfo[] {
    return listIdentities(this);
  }

  /** A key for sealing values inside the vault (target secrets), derived from the data key,
   *  so they are not plain text even in a decrypted copy of the database. */
  subkey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.dataKey, Buffer.alloc(0), `cutover-vault:${purpose}`, 32));
  }

  /** For identity and run modules inside core: the drizzle handle. */
  get database(): VaultDb {
    return this.db;
  }
}
