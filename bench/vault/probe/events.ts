// Probe: where vault.append()'s time goes, and what would lower it. Every variant appends the
// same events, interleaved in blocks of 100 so all of them see the same machine.
// Usage: node --import tsx bench/vault/probe/events.ts [COUNT]
import type Database from 'better-sqlite3-multiple-ciphers';
import { desc, sql } from 'drizzle-orm';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { GENESIS_HASH, Vault, canonicalJson, eventHash } from '../../../src/core/vault';
import { drizzleOver } from '../../../src/core/vault/database';
import { events } from '../../../src/core/vault/schema';
import { measure, openLikeVault, probeDir, type DbSettings } from './common';

process.env.CUTOVER_SCRYPT_LOG2N ??= '14';
const count = Number(process.argv[2] ?? '10000');
const BLOCK = 100;
const dir = probeDir('events');
const ACTOR = 'alice.operator';
const TYPE = 'step.finished';
const payloadFor = (k: number) => ({ step: `step-${k}`, command: 'pg_dump --schema-only --no-owner', exitCode: 0, durationMs: (k * 37) % 5000, host: 'db-prod-1' });
type Row = [number, string, string, string, string, string, string];
type Step = (k: number, row: Row) => void;

/** append()'s logic (head, hash, insert in one IMMEDIATE transaction), statements prepared once. */
function preparedOnce(c: Database.Database): Step {
  const head = c.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
  const insert = c.prepare('INSERT INTO events (seq, at, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const tx = c.transaction((payload: string) => {
    const h = head.get() as { seq: number; hash: string } | undefined;
    const seq = (h?.seq ?? 0) + 1;
    const prevHash = h?.hash ?? GENESIS_HASH;
    const at = new Date().toISOString();
    insert.run(seq, at, ACTOR, TYPE, payload, prevHash, eventHash({ prevHash, seq, at, actor: ACTOR, type: TYPE, payload: JSON.parse(payload) }));
  });
  return (k) => tx.immediate(canonicalJson(payloadFor(k)));
}

/** The same with drizzle's .prepare(), so drizzle stays the query layer. */
function drizzlePreparedOnce(c: Database.Database): Step {
  const db = drizzleOver(c);
  const head = db.select({ seq: events.seq, hash: events.hash }).from(events).orderBy(desc(events.seq)).limit(1).prepare();
  const insert = db.insert(events).values({
    seq: sql.placeholder('seq'), at: sql.placeholder('at'), actor: sql.placeholder('actor'), type: sql.placeholder('type'),
    payload: sql.placeholder('payload'), prevHash: sql.placeholder('prevHash'), hash: sql.placeholder('hash'),
  }).prepare();
  const tx = c.transaction((payload: string) => {
    const h = head.get();
    const seq = (h?.seq ?? 0) + 1;
    const prevHash = h?.hash ?? GENESIS_HASH;
    const at = new Date().toISOString();
    insert.run({ seq, at, actor: ACTOR, type: TYPE, payload, prevHash, hash: eventHash({ prevHash, seq, at, actor: ACTOR, type: TYPE, payload: JSON.parse(payload) }) });
  });
  return (k) => tx.immediate(canonicalJson(payloadFor(k)));
}

/** Inserts the vault's rows as they are: the benchmark's baseline shape. */
function rowsOnly(c: Database.Database): Step {
  const insert = c.prepare('INSERT INTO events (seq, at, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const tx = c.transaction((row: Row) => insert.run(...row));
  return (_k, row) => tx.immediate(row);
}

const open = (name: string, settings: DbSettings = {}) => openLikeVault(join(dir, name), settings);

try {
  const vault = Vault.create(join(dir, 'vault'), 'probe passphrase', { actor: 'probe' });
  const variants: [string, Step][] = [
    ['vault.append() as in src', () => {}],
    ['append logic, drizzle .prepare() once', drizzlePreparedOnce(open('drizzle-prepared'))],
    ['append logic, statements prepared once', preparedOnce(open('prepared'))],
    ['  same, wal_autocheckpoint=10000', preparedOnce(open('ckpt-10000', { after: ['wal_autocheckpoint = 10000'] }))],
    ['  same, cipher page 16 KiB', preparedOnce(open('page-16k', { cipher: ['legacy_page_size = 16384'] }))],
    ['  same, HMAC off (not a proposal)', preparedOnce(open('no-hmac', { cipher: ['hmac_use = 0'] }))],
    ['encrypted: insert the rows only', rowsOnly(open('rows'))],
    ['plain: append logic, prepared once', preparedOnce(open('plain-prepared', { encrypted: false }))],
    ['plain: insert the rows only (baseline)', rowsOnly(open('plain-rows', { encrypted: false }))],
  ];
  const totals = variants.map(() => ({ ms: 0, cpuMs: 0 }));
  for (let done = 0; done < count; done += BLOCK) {
    const rows: Row[] = [];
    const n = Math.min(BLOCK, count - done);
    variants.forEach(([, step], i) => {
      const [, span] = measure(() => {
        for (let k = done + 1; k <= done + n; k += 1) {
          if (i === 0) {
            const e = vault.append({ actor: ACTOR, type: TYPE, payload: payloadFor(k) });
            rows.push([e.seq, e.at, e.actor, e.type, canonicalJson(e.payload), e.prevHash, e.hash]);
          } else {
            step(k, rows[k - done - 1]!);
          }
        }
      });
      totals[i]!.ms += span.ms;
      totals[i]!.cpuMs += span.cpuMs;
    });
  }
  vault.close();
  const base = totals[totals.length - 1]!;
  variants.forEach(([label], i) => {
    const t = totals[i]!;
    console.log(`${label.padEnd(40)} ${(t.ms / count * 1000).toFixed(0).padStart(5)} µs/event wall ${(t.cpuMs / count * 1000).toFixed(0).padStart(4)} µs cpu`
      + `   vs baseline: ${(t.ms / base.ms).toFixed(2)} wall, ${(t.cpuMs / base.cpuMs).toFixed(2)} cpu`);
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
