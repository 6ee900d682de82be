// The reference scenario (runbooks/alembic-governance-cutover.md) on real parts: an OpenSSH
// sshd on loopback as the operator's host, real Alembic over SSH, real PostgreSQL as "prod",
// approvals signed by two approvers, everything in an encrypted vault.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoplay, RunEngine, type Answer, type RunState, type StepOutcome } from '../../src/core/engine';
import { Keyring } from '../../src/core/signing';
import { createExecutor } from '../../src/core/targets';
import { Vault, setSecret } from '../../src/core/vault';
import { makeKey, startAgent, type KeygenKey, type TestAgent } from '../helpers/ssh-keys';
import { startSshd, type TestSshd } from '../helpers/sshd';
import { useTestDatabase, type TestDatabase } from '../helpers/pg';
import { addOwner, type Person } from '../helpers/people';
import { addPersonFromKeyFile } from '../helpers/key-file-people';

process.env.CUTOVER_SCRYPT_LOG2N = '14';
const ROOT = join(import.meta.dirname, '../..');
export const EXAMPLE = join(ROOT, 'examples/alembic-governance-cutover.yaml');
const HOST_EXAMPLE = join(ROOT, 'examples/alembic-governance-host');
const FIXTURE = join(HOST_EXAMPLE, 'backend');
const ANCHOR_SQL = join(FIXTURE, 'migrations/versions/0019_nav_snapshots_and_investor_statements.sql');
export const DB_PASSWORD = 'netzadmin-pw-Xq81';

export interface Scenario {
  vault: Vault;
  db: TestDatabase;
  sshd: TestSshd;
  /** ana owns the vault; gov1 and gov2 hold keys of their own. */
  people: Map<string, Person>;
  /** gov1's and gov2's own key files (ssh-keygen), each in a directory of its own: their "machines". */
  keys: Record<'gov1' | 'gov2', KeygenKey>;
  keyring: Keyring;
  engine(actor: string): RunEngine;
  runId: string;
  cleanup(): Promise<void>;
}

/** "prod" at the anchor schema with no usable lineage: 0019's tables, no alembic_version. */
export async function buildProd(db: TestDatabase): Promise<void> {
  await db.query(readFileSync(ANCHOR_SQL, 'utf8'));
}

/** An approver's own Ed25519 key, made with ssh-keygen in a directory of its own. */
async function approverKey(host: string, name: string): Promise<KeygenKey> {
  const machine = join(host, `${name}-machine`);
  mkdirSync(machine);
  return makeKey(machine, 'ed25519', { name: 'id_ed25519', comment: `${name}@governance` });
}

export async function startScenario(options: { sshdConfig?: string[] } = {}): Promise<Scenario> {
  const db = await useTestDatabase();
  await buildProd(db);
  const host = mkdtempSync(join(tmpdir(), 'cutover-opshost-'));
  cpSync(FIXTURE, join(host, 'backend'), { recursive: true });
  mkdirSync(join(host, 'tmp'));
  cpSync(join(HOST_EXAMPLE, 'tmp'), join(host, 'tmp'), { recursive: true });
  const sshd = await startSshd({ config: options.sshdConfig });
  const agent: TestAgent = await startAgent(host);
  agent.add(sshd.clientKey.path);
  const vault = Vault.create(join(host, 'cutover.vault'), 'correct horse battery staple');
  const keys: Record<'gov1' | 'gov2', KeygenKey> = { gov1: await approverKey(host, 'gov1'), gov2: await approverKey(host, 'gov2') };
  const people = new Map<string, Person>([['ana', await addOwner(vault, 'ana', ['operator'])]]);
  for (const name of ['gov1', 'gov2'] as const) people.set(name, await addPersonFromKeyFile(vault, name, ['approver'], keys[name]));
  const keyring = new Keyring([...people.values()].map((p) => p.signer));
  setSecret(vault, 'prod_db_password', DB_PASSWORD, 'ana');
  const engine = (actor: string) => new RunEngine(vault, {
    actor,
    keyring,
    executors: createExecutor,
    agentSocket: agent.socket,
    confirmHostKey: (_target, fingerprint) => fingerprint === sshd.hostKeyFingerprint,
  });
  const run = await engine('ana').startRun({
    text: readFileSync(EXAMPLE, 'utf8'),
    source: 'examples/alembic-governance-cutover.yaml',
    environment: 'rehearsal',
    targets: {
      prod_db: `${db.target().dsn}?sslmode=disable`,
      ops_host: `ssh://${sshd.user}@127.0.0.1:${sshd.port}?cwd=${encodeURIComponent(join(host, 'backend'))}`,
    },
  });
  return {
    vault, db, sshd, people, keys, keyring, engine, runId: run.runId,
    async cleanup() {
      vault.close();
      await agent.stop();
      await sshd.stop();
      rmSync(host, { recursive: true, force: true });
    },
  };
}

export const ANSWERS: Record<string, Answer> = {
  'pre-migration-commit': { commit: 'a1b2c3d', tag: 'v2.7.0' },
  'rb-classify': { classification: 'DuplicateTable', failed_step: 'p3-upgrade-head' },
};

/** Plays the run like a DBA: attests (approver steps by gov1), records, runs checks and commands. Stops at the first FAIL. */
export async function play(s: Scenario, options: { until?: string; skip?: string[] } = {}): Promise<{ state: RunState; outcomes: StepOutcome[] }> {
  const op = s.engine('ana');
  const answers: Record<string, Answer> = { ...ANSWERS };
  for (const step of op.status(s.runId).steps.values()) {
    if (step.kind === 'manual') answers[step.stepId] = 'done in the scenario';
    if (step.kind === 'attest') answers[step.stepId] = true;
  }
  const { state, outcomes } = await autoplay(op, s.runId, {
    answers,
    engineFor: (role) => s.engine(role === 'approver' ? 'gov1' : 'ana'),
    until: options.until,
    skip: Object.fromEntries((options.skip ?? []).map((id) => [id, 'scenario variant'])),
  });
  return { state, outcomes };
}

export async function approveAll(s: Scenario): Promise<void> {
  for (const name of ['gov1', 'gov2']) await s.engine(name).approve(s.runId, name, s.people.get(name)!.signer);
}

export function transcript(s: Scenario, outcome: StepOutcome | undefined): string {
  return outcome ? Buffer.concat([...s.vault.readArtifact(outcome.transcript.artifactId)]).toString() : '';
}
