// The team ledger on the real PostgreSQL, through the real CLI: init, join, publish (once, in
// order), verify; the superuser's edits, deletions and reorderings named by `ledger verify`;
// forged, out-of-sequence and oversized events refused and named, nothing else affected.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventStatement, LEDGER_EVENT_NAMESPACE } from '../../src/core/ledger';
import { generateEd25519, signerFromGenerated, sshsigSign, type Signer } from '../../src/core/signing';
import { canonicalJson, Vault } from '../../src/core/vault';
import { describeRun, expectNoCrash, expectRefusal, PASSPHRASE } from '../helpers/cli';
import { useTestDatabase, withClient, type TestDatabase } from '../helpers/pg';
import { asSuperuserBypassingTriggers, cli, ledgerRows, ok, publishedVault, useLedger, vaultWithRun } from './fixture';

const ROLE = 'cutover_ledger_writer';

async function verifyJson(db: TestDatabase) {
  const r = await cli(['ledger', 'verify', '--db', db.dsn, '--json']);
  expectNoCrash(r);
  return { code: r.code, report: JSON.parse(r.stdout) as { ok: boolean; firstProblem: { workstation: string; seq: number | null; message: string } | null } };
}

async function expectBad(db: TestDatabase, seq: number, message: RegExp): Promise<void> {
  const { code, report } = await verifyJson(db);
  expect(code).toBe(1);
  expect(report.firstProblem).toMatchObject({ workstation: 'ops-1', seq });
  expect(report.firstProblem!.message).toMatch(message);
  const human = await cli(['ledger', 'verify', '--db', db.dsn]);
  expect(human.code, describeRun(human)).toBe(1);
  expect(human.stdout).toContain(`BAD: ledger`);
  expect(human.stdout).toContain(`ops-1 event #${seq}:`);
}

async function ledgerIdOf(db: TestDatabase): Promise<string> {
  return (await db.query<{ id: string }>('SELECT id::text AS id FROM cutover_ledger.ledger')).rows[0]!.id;
}

/** A next event for ops-1 as a forger would make it: right bytes, hash and link, signed by `signer`. */
async function forgedRow(db: TestDatabase, signer: Signer, options: { seq?: number; bytes?: number } = {}) {
  const rows = await ledgerRows(db, 'ops-1');
  const head = rows.at(-1)!;
  const seq = options.seq ?? head.seq + 1;
  const payload = { text: options.bytes ? 'x'.repeat(options.bytes) : 'the operator approved this (forged)' };
  const bytes = Buffer.from(canonicalJson({ prevHash: head.hash, seq, at: new Date().toISOString(), actor: 'ap1', type: 'approval.added', payload }));
  const hash = createHash('sha256').update(bytes).digest('hex');
  const ledger = await ledgerIdOf(db);
  const signature = await sshsigSign(signer, eventStatement(ledger, 'ops-1', seq, hash), LEDGER_EVENT_NAMESPACE);
  const member = (await db.query<{ public_key: string }>(`SELECT public_key FROM cutover_ledger.workstations WHERE name = 'ops-1'`)).rows[0]!;
  return { values: ['ops-1', seq, ledger, member.public_key, head.hash, hash, bytes, signature], seq };
}

// Through a seq far out of the way: (workstation, seq) stays unique at every row.
const SWAP_3_AND_4 = `UPDATE cutover_ledger.events SET seq = seq + 1000000 WHERE workstation = 'ops-1' AND seq IN (3, 4);
  UPDATE cutover_ledger.events SET seq = CASE seq WHEN 1000003 THEN 4 ELSE 3 END WHERE workstation = 'ops-1' AND seq > 1000000`;

const INSERT = 'INSERT INTO cutover_ledger.events (workstation, seq, ledger_id, public_key, prev_hash, hash, event, signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)';

describe('cutover ledger init, join, publish, verify', () => {
  it('init is idempotent and prints its INSERT-and-SELECT role; the triggers refuse UPDATE, DELETE and TRUNCATE even for the owner, and the role has no such privilege', async () => {
    const db = await useLedger();
    const again = await ok(['ledger', 'init', '--db', db.dsn]);
    expect(again.stdout).toMatch(/Already there: the team ledger [0-9a-f-]{36}/);
    expect(again.stdout).toContain(`Role for workstations: ${ROLE} (INSERT and SELECT only`);
    expect(again.stdout).toContain(`ALTER ROLE ${ROLE} PASSWORD`);
    expect((await db.query('SELECT count(*)::int AS n FROM cutover_ledger.ledger')).rows[0]!.n).toBe(1);
    await publishedVault(db);

    const admin = await db.connect();
    for (const sql of ["UPDATE cutover_ledger.events SET signature = 'x'", 'DELETE FROM cutover_ledger.events WHERE seq = 3', 'TRUNCATE cutover_ledger.events', `UPDATE cutover_ledger.workstations SET public_key = 'x'`, 'DELETE FROM cutover_ledger.ledger']) {
      await expect(admin.query(sql), sql).rejects.toThrow(/refused: the ledger is append-only/);
    }
    await admin.query(`SET ROLE ${ROLE}`);
    for (const sql of ['UPDATE cutover_ledger.events SET signature = signature', 'DELETE FROM cutover_ledger.events', 'TRUNCATE cutover_ledger.events']) {
      await expect(admin.query(sql), sql).rejects.toThrow(/permission denied/);
    }
    // The role reads and inserts: an insert reaches the ledger's own checks.
    expect((await admin.query('SELECT count(*)::int AS n FROM cutover_ledger.events')).rows[0]!.n).toBeGreaterThan(10);
    await expect(admin.query(INSERT, ['ops-1', 1, await ledgerIdOf(db), 'k', '0'.repeat(64), '1'.repeat(64), Buffer.from('{}'), 's'])).rejects.toThrow(/not the workstation's/);
    await admin.query('RESET ROLE');
    expect((await verifyJson(db)).report.ok).toBe(true);
  });

  it('publishes a vault with a run in order, each event once: publishing again adds nothing, new events follow; verify says OK', async () => {
    const db = await useLedger();
    const v = await publishedVault(db);
    const first = await ledgerRows(db, 'ops-1');
    expect(first.map((r) => r.seq)).toEqual(Array.from({ length: first.length }, (_, i) => i + 1));
    const again = await ok(['ledger', 'publish', '--vault', v.path, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ published: 0, head: first.length });
    expect(await ledgerRows(db, 'ops-1')).toEqual(first);
    v.addNotes(7);
    const more = await ok(['ledger', 'publish', '--vault', v.path, '--batch', '3']);
    expect(more.stdout).toContain(`Published 7 event(s) of ops-1; the ledger holds its chain up to #${first.length + 7}.`);
    const all = await ledgerRows(db, 'ops-1');
    expect(all.map((r) => r.seq)).toEqual(Array.from({ length: first.length + 7 }, (_, i) => i + 1));
    expect(all.slice(1).every((r, i) => r.prev_hash === all[i]!.hash)).toBe(true);
    // The event types a follower sees are the vault's own: the run is there, signed acts and all.
    const types = (await db.query<{ t: string }>(`SELECT convert_from(event, 'UTF8')::json->>'type' AS t FROM cutover_ledger.events ORDER BY seq`)).rows.map((r) => r.t);
    expect(types).toEqual(expect.arrayContaining(['vault.created', 'run.started', 'approval.added', 'step.attested', 'step.started', 'step.finished', 'ledger.joined']));
    const verified = await ok(['ledger', 'verify', '--db', db.dsn]);
    expect(verified.stdout).toMatch(/^OK: ledger .*: 1 chain\(s\) hold\./);
    expect(verified.stdout).toContain(`ops-1`);
    // Joining again changes nothing; another vault cannot take the name.
    const rejoin = await ok(['ledger', 'join', '--vault', v.path, '--db', db.dsn, '--name', 'ops-1']);
    expect(rejoin.stdout).toContain('Already joined');
    const other = await publishedVault(db, 'ops-2');
    expectRefusal(await cli(['ledger', 'join', '--vault', other.path, '--db', db.dsn, '--name', 'ops-1']), 2, /already joined ledger .* as ops-2/);
    expect((await verifyJson(db)).report.ok).toBe(true);
  });

  it('a superuser who edits, deletes or reorders rows (triggers bypassed) is named by ledger verify', async () => {
    const db = await useLedger();
    await publishedVault(db);
    const rows = await ledgerRows(db, 'ops-1');
    expect(rows.length).toBeGreaterThan(8);

    // Edit: one byte of event #5's payload.
    const original = (await db.query<{ event: Buffer }>(`SELECT event FROM cutover_ledger.events WHERE workstation = 'ops-1' AND seq = 5`)).rows[0]!.event;
    await asSuperuserBypassingTriggers(db, `UPDATE cutover_ledger.events SET event = $1 WHERE workstation = 'ops-1' AND seq = 5`, [Buffer.from(original.toString('utf8').replace('"actor":"', '"actor":"X'))]);
    await expectBad(db, 5, /do not hash to its hash.*changed after it was published/);
    await asSuperuserBypassingTriggers(db, `UPDATE cutover_ledger.events SET event = $1 WHERE workstation = 'ops-1' AND seq = 5`, [original]);
    expect((await verifyJson(db)).report.ok).toBe(true);

    // Delete: event #6.
    await asSuperuserBypassingTriggers(db, `CREATE TABLE saved AS SELECT * FROM cutover_ledger.events WHERE workstation = 'ops-1' AND seq = 6; DELETE FROM cutover_ledger.events WHERE workstation = 'ops-1' AND seq = 6`);
    await expectBad(db, 6, /event #6 is missing: the chain jumps from #5 to #7/);
    await asSuperuserBypassingTriggers(db, `INSERT INTO cutover_ledger.events SELECT * FROM saved`);
    expect((await verifyJson(db)).report.ok).toBe(true);

    // Reorder: events #3 and #4 swap places.
    await asSuperuserBypassingTriggers(db, SWAP_3_AND_4);
    await expectBad(db, 3, /its content is event #4, not #3: the rows were reordered/);

    // Rewrite with the hashes made consistent: the link or the signature gives it away.
    await asSuperuserBypassingTriggers(db, SWAP_3_AND_4);
    expect((await verifyJson(db)).report.ok).toBe(true);
    const forger = signerFromGenerated(generateEd25519('forger').privateKey);
    const last = rows.at(-1)!;
    await asSuperuserBypassingTriggers(db, `DELETE FROM cutover_ledger.events WHERE workstation = 'ops-1' AND seq = $1`, [last.seq]);
    const forged = await forgedRow(db, forger);
    await asSuperuserBypassingTriggers(db, INSERT, forged.values);
    await expectBad(db, last.seq, /its signature is not by ops-1's key SHA256:\S+: signed by SHA256:/);
  });

  it('bad input: a forged signature is named; an event with another key, out of sequence or oversized is refused by the ledger and named; nothing else is affected', async () => {
    const db = await useLedger();
    await publishedVault(db);
    const before = await ledgerRows(db, 'ops-1');
    const forger = signerFromGenerated(generateEd25519('forger').privateKey);
    const writer = await db.connect();
    await writer.query(`SET ROLE ${ROLE}`);

    // Another key in the key column: the ledger refuses it.
    const wrongKey = await forgedRow(db, forger);
    wrongKey.values[3] = forger.publicKey;
    await expect(writer.query(INSERT, wrongKey.values)).rejects.toThrow(/event #\d+ of ops-1 carries a key that is not the workstation's/);
    // Out of sequence: the ledger refuses it.
    const skip = await forgedRow(db, forger, { seq: before.length + 2 });
    await expect(writer.query(INSERT, skip.values)).rejects.toThrow(new RegExp(`event #${before.length + 2} of ops-1 is out of sequence: the ledger holds up to #${before.length}`));
    // Oversized: the ledger refuses it by its constraint.
    const big = await forgedRow(db, forger, { bytes: (1 << 20) + 10 });
    await expect(writer.query(INSERT, big.values)).rejects.toThrow(/event_at_most_1048576_bytes/);
    expect(await ledgerRows(db, 'ops-1')).toEqual(before);
    expect((await verifyJson(db)).report.ok).toBe(true);

    // Out of sequence with the rules bypassed: verify names it.
    await asSuperuserBypassingTriggers(db, INSERT, skip.values);
    await expectBad(db, before.length + 1, new RegExp(`event #${before.length + 1} is missing: the chain jumps from #${before.length} to #${before.length + 2}`));
    await asSuperuserBypassingTriggers(db, `DELETE FROM cutover_ledger.events WHERE workstation = 'ops-1' AND seq = $1`, [before.length + 2]);

    // A signature by a key that is not the workstation's passes the ledger (it cannot check SSHSIG) but no reader.
    const forged = await forgedRow(db, forger);
    await writer.query(INSERT, forged.values);
    await expectBad(db, forged.seq, /its signature is not by ops-1's key/);
  });

  it('a workstation connecting as the INSERT-and-SELECT role joins, publishes, verifies and follows: the role is enough', async (ctx) => {
    const db = await useLedger();
    const url = new URL(db.dsn);
    url.username = ROLE;
    url.password = '';
    const asRole = url.toString();
    try {
      await withClient(asRole, (c) => c.query('SELECT 1'));
    } catch (error) {
      // The role has no password (init leaves that to the DBA); a server that asks for one cannot be used here.
      ctx.skip(`${ROLE} cannot log in without a password on this server (${(error as Error).message})`);
    }
    const v = await vaultWithRun();
    // Joining appends ledger.joined, so the CLI's hook publishes the chain at once, as the role.
    const joined = await ok(['ledger', 'join', '--vault', v.path, '--db', asRole, '--name', 'ops-1']);
    expect(joined.stderr).not.toMatch(/ledger is behind/);
    const published = await ok(['ledger', 'publish', '--vault', v.path, '--json']);
    expect(JSON.parse(published.stdout)).toMatchObject({ published: 0 });
    expect((JSON.parse(published.stdout) as { head: number }).head).toBeGreaterThan(10);
    await ok(['ledger', 'verify', '--db', asRole]);
    await ok(['ledger', 'watch', '--db', asRole, '--once', '--heads', `${v.dir}/heads.json`]);
    await ok(['vault', 'verify', '--vault', v.path, '--ledger', asRole]);
    const owner = (await db.query<{ owner: string }>(`SELECT pg_get_userbyid(c.relowner) AS owner FROM pg_class c WHERE c.oid = 'cutover_ledger.events'::regclass`)).rows[0]!.owner;
    expect(owner).not.toBe(ROLE);
  });

  it('refuses bad input with exit 2 and a message: a DSN with a password, a bad name, an event too big for the ledger, a vault that has not joined, an unreachable ledger, a database with no ledger', async () => {
    const db = await useLedger();
    const v = await publishedVault(db);
    expectRefusal(await cli(['ledger', 'init', '--db', 'postgresql://u:secret@127.0.0.1/x']), 2, /carries a password/);
    expectRefusal(await cli(['ledger', 'init', '--db', 'mysql://x']), 2, /a mysql:\/\/ DSN cannot be used here/);
    expectRefusal(await cli(['ledger', 'init', '--db', db.dsn, '--role', 'Robert"; DROP']), 2, /not a plain role name/);
    expectRefusal(await cli(['ledger', 'join', '--vault', v.path, '--db', db.dsn, '--name', '../etc']), 2, /not a workstation name/);
    expectRefusal(await cli(['ledger', 'publish', '--vault', v.path, '--batch', '0']), 2, /--batch takes a number from 1 to 1000/);
    // An event too big for the ledger: refused and named before anything is sent; the ledger unchanged.
    const before = await ledgerRows(db, 'ops-1');
    const big = Vault.open(v.path, { passphrase: PASSPHRASE });
    const bigSeq = big.append({ actor: 'op', type: 'note', payload: { text: 'y'.repeat((1 << 20) + 1) } }).seq;
    big.close();
    expectRefusal(await cli(['ledger', 'publish', '--vault', v.path]), 2, new RegExp(`The vault's event #${bigSeq} \\(note\\) is \\d+ bytes, more than the 1048576 a ledger event may carry; it was not published, nor anything after it`));
    expect(await ledgerRows(db, 'ops-1')).toEqual(before);
    const loner = await vaultWithRun('loner');
    expectRefusal(await cli(['ledger', 'publish', '--vault', loner.path]), 2, /has not joined a ledger; join first: `cutover ledger join --vault .*loner\.vault --db URL --name WORKSTATION`/);
    expectRefusal(await cli(['ledger', 'verify', '--db', 'postgresql://postgres@127.0.0.1:1/x']), 2, /Cannot reach the ledger at 127.0.0.1:1\/x/);
    const plain = new URL(db.dsn);
    plain.pathname = '/postgres';
    expectRefusal(await cli(['ledger', 'verify', '--db', plain.toString()]), 2, /holds no team ledger.*cutover ledger init/);
    // Something else that happens to use the schema's name: said, not an internal error.
    const odd = await useTestDatabase();
    await odd.query(`CREATE SCHEMA cutover_ledger; CREATE TABLE cutover_ledger.ledger (id uuid); INSERT INTO cutover_ledger.ledger VALUES (gen_random_uuid()); CREATE TABLE cutover_ledger.workstations (name text)`);
    expectRefusal(await cli(['ledger', 'verify', '--db', odd.dsn]), 2, /answered an error while reading the ledger: .*SQLSTATE 42703.*cutover ledger init/);
  });
});
