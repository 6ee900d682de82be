// Vaults and ledgers for the ledger tests: a vault whose owner ran part of a real run (local
// shell steps, a signed approval, an attestation), a ledger made by the real CLI in a database of
// the test's own, and the superuser's hand on the ledger's rows (triggers bypassed).
import { join } from 'node:path';
import { expect } from 'vitest';
import { RunEngine } from '../../src/core/engine';
import { addIdentityFrom, proveOwnerInPlace } from '../../src/core/identity';
import { initLedger, joinLedger } from '../../src/core/ledger';
import { createExecutor } from '../../src/core/targets';
import { Vault } from '../../src/core/vault';
import { describeRun, PASSPHRASE, runCli, type CliResult } from '../helpers/cli';
import { addPeople } from '../helpers/people';
import { useTestDatabase, type TestDatabase } from '../helpers/pg';
import { useTempDir } from '../helpers/tmp';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

const RUNBOOK = `
format: cutover-runbook/v1
id: ledger-test
title: Ledger test
version: "1"
policy: { approvals: { quorum: 1 } }
targets:
  ws: { kind: local }
preconditions:
  - { id: freeze, kind: attest, title: Write freeze, statement: "Write freeze confirmed" }
phases:
  - id: P0
    title: Checks
    steps:
      - { id: look, kind: check, title: Look, target: ws, run: "echo looking", read_only: true }
  - id: P1
    title: Change
    steps:
      - { id: change, kind: command, title: Change, target: ws, run: "echo changed" }
`;

export interface RunVault {
  path: string;
  dir: string;
  runId: string;
  /** Opens the vault, appends `n` notes as its owner would record them, closes it. */
  addNotes(n: number): void;
  /** Opens the vault and runs a step as the operator ("look" again, or "change", which completes the run). */
  execute(stepId: string): Promise<void>;
}

/** A vault owned by "op", with approver "ap1", and an active run: approved, attested, its check run; its command not yet. */
export async function vaultWithRun(name = 'op'): Promise<RunVault> {
  const dir = useTempDir('cutover-ledger-');
  const path = join(dir, `${name}.vault`);
  const vault = Vault.create(path, PASSPHRASE);
  try {
    const { people, keyring } = await addPeople(vault, [['op', ['operator']], ['ap1', ['approver']]]);
    const engine = (actor: string) => new RunEngine(vault, { actor, keyring, executors: createExecutor });
    const text = RUNBOOK.replace('kind: local }', `kind: local, cwd: "${dir}" }`);
    const { runId } = await engine('op').startRun({ text, source: 'ledger.yaml', environment: 'rehearsal' });
    await engine('ap1').approve(runId, 'ap1', people.get('ap1')!.signer);
    await engine('op').attest(runId, 'freeze');
    expect((await engine('op').executeStep(runId, 'look')).status).toBe('PASS');
    return {
      path, dir, runId,
      async execute(stepId: string) {
        const v = Vault.open(path, { passphrase: PASSPHRASE });
        try {
          expect((await new RunEngine(v, { actor: 'op', keyring, executors: createExecutor }).executeStep(runId, stepId)).status).toBe('PASS');
        } finally {
          v.close();
        }
      },
      addNotes(n: number) {
        const v = Vault.open(path, { passphrase: PASSPHRASE });
        try {
          for (let i = 0; i < n; i += 1) v.append({ actor: 'op', type: 'note', payload: { text: `note ${i}` } });
        } finally {
          v.close();
        }
      },
    };
  } finally {
    vault.close();
  }
}

export function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { env: { CUTOVER_ACTOR: 'op' } });
}

export async function ok(args: string[]): Promise<CliResult> {
  const r = await cli(args);
  expect(r.code, describeRun(r)).toBe(0);
  return r;
}

/** A database of this test's own holding a ledger made by `cutover ledger init`. */
export async function useLedger(): Promise<TestDatabase> {
  const db = await useTestDatabase();
  await ok(['ledger', 'init', '--db', db.dsn]);
  return db;
}

/** A vault with a run, joined to `db` as `workstation` and published. */
export async function publishedVault(db: TestDatabase, workstation = 'ops-1'): Promise<RunVault> {
  const v = await vaultWithRun();
  await ok(['ledger', 'join', '--vault', v.path, '--db', db.dsn, '--name', workstation]);
  await ok(['ledger', 'publish', '--vault', v.path]);
  return v;
}

/** Runs SQL as the superuser with the ledger's triggers (and foreign keys) not firing. */
export async function asSuperuserBypassingTriggers(db: TestDatabase, sql: string, params: unknown[] = []): Promise<void> {
  const client = await db.connect();
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL session_replication_role = replica`);
    await client.query(sql, params);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

export async function ledgerRows(db: TestDatabase, workstation: string): Promise<Array<{ seq: number; hash: string; prev_hash: string }>> {
  const r = await db.query<{ seq: string; hash: string; prev_hash: string }>('SELECT seq::text AS seq, hash, prev_hash FROM cutover_ledger.events e WHERE workstation = $1 ORDER BY e.seq', [workstation]);
  return r.rows.map((row) => ({ ...row, seq: Number(row.seq) }));
}

/** A vault in its own folder whose owner `op` (a generated, proven key) joined the ledger at db as ops-1, in this process. */
export async function joinedVault(db: TestDatabase, dir: string): Promise<Vault> {
  await initLedger(db.dsn);
  const vault = Vault.create(join(dir, 'ops.vault'), PASSPHRASE);
  await addIdentityFrom(vault, { name: 'op', roles: ['operator'], source: { kind: 'generate' }, actor: 'test' });
  await proveOwnerInPlace(vault, { name: 'op', actor: 'test' });
  await joinLedger(vault, { db: db.dsn, workstation: 'ops-1', actor: 'op' });
  return vault;
}

/** n notes appended by op. */
export function notes(vault: Vault, n: number): void {
  for (let i = 0; i < n; i += 1) vault.append({ actor: 'op', type: 'note', payload: { text: `note ${i}` } });
}

/** The backends of this database's ledger publishers (application_name cutover-ledger-publisher). */
export async function publisherPids(db: TestDatabase): Promise<number[]> {
  return (await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'cutover-ledger-publisher' AND datname = $1`, [db.name])).rows.map((r) => r.pid);
}
