// `cutover demo`: the whole job on this machine. A throwaway database on the local PostgreSQL
// at the governance runbook's anchor, the example Alembic project run as a local-shell target,
// a generated operator and two approvers, the run from preconditions to P4, the decision, the
// signed pack (folder and zip) and its verification — or, with `blocked`, the DuplicateTable
// variant, its rollback path and the incident report.
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { autoplay, RunEngine, type Answer, type AutoplayResult } from '../engine';
import { allSteps, loadRunbook } from '../runbook';
import { recordDecision, decisionFor, formatDecision } from '../evidence/decision';
import { writeIncidentReport } from '../evidence/incident';
import { buildPack, importSignature, signPack, verifyPack, zipPackFolder, type BuiltPack, type PackVerifyReport } from '../evidence/pack';
import { addIdentityFrom, signerFor } from '../identity';
import { createExecutor } from '../targets';
import { Vault, VaultInputError, setSecret } from '../vault';

const EXAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../examples');
const RUNBOOK = join(EXAMPLES, 'alembic-governance-cutover.yaml');
const HOST = join(EXAMPLES, 'alembic-governance-host');
const ANCHOR_SQL = join(HOST, 'backend/migrations/versions/0019_nav_snapshots_and_investor_statements.sql');

export interface DemoOptions {
  out: string;
  blocked?: boolean;
  /** Server to make the throwaway database on (default PGURL or postgresql://postgres@127.0.0.1:5432/postgres). */
  pgUrl?: string;
  passphrase: string;
  log?: (line: string) => void;
}

export interface DemoResult {
  runId: string;
  vault: string;
  status: string;
  pack: BuiltPack | null;
  verify: PackVerifyReport | null;
  incident: { markdown: string; pdf: string } | null;
}

const ANSWERS = {
  'pre-migration-commit': { commit: '70a7968', tag: 'demo' },
  'rb-classify': { classification: 'DuplicateTable', failed_step: 'p3-upgrade-head' },
  'rb-stop': 'stopped at the abort gate',
  'rb-preserve-logs': 'all transcripts are in the vault',
  'rb-no-more-migrations': 'no further migration command run',
  'rb-pitr-decision': 'PITR decision path handed to the DBA on call',
} as const;

/** Prepared answers: every attestation confirmed, the records and manual steps filled in. */
function answersFor(runbookText: string): Record<string, Answer> {
  const answers: Record<string, Answer> = { ...ANSWERS };
  for (const { step } of allSteps(loadRunbook(runbookText).runbook)) if (step.kind === 'attest') answers[step.id] = true;
  return answers;
}

async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'cutover-demo' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? (() => {});
  const out = resolve(options.out);
  if (existsSync(out) && readdirSync(out).length > 0) throw new VaultInputError(`${out} is not empty; give --out a new or empty folder.`);
  mkdirSync(out, { recursive: true });
  const server = new URL(options.pgUrl ?? process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  const dbName = `cutover_demo_${randomBytes(4).toString('hex')}`;
  const password = decodeURIComponent(server.password);
  server.password = '';
  const dbUrl = new URL(server.toString());
  dbUrl.pathname = `/${dbName}`;
  if (!dbUrl.searchParams.has('sslmode')) dbUrl.searchParams.set('sslmode', 'disable');
  const adminUrl = options.pgUrl ?? process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

  log(`Throwaway database ${dbName} on ${server.host}, at the 0019 anchor schema with no Alembic lineage.`);
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${dbName}`));
  const previousPlant = process.env.CUTOVER_FIXTURE_PLANT_DUPLICATE_TABLE;
  try {
    const seeded = new URL(adminUrl);
    seeded.pathname = `/${dbName}`;
    await withAdmin(seeded.toString(), (c) => c.query(readFileSync(ANCHOR_SQL, 'utf8')));

    const host = join(out, 'ops-host');
    cpSync(HOST, host, { recursive: true });
    const vaultPath = join(out, 'cutover.vault');
    const vault = Vault.create(vaultPath, options.passphrase, { actor: 'demo' });
    try {
      for (const [name, role] of [['operator', 'operator'], ['approver-1', 'approver'], ['approver-2', 'approver']] as const) {
        const id = await addIdentityFrom(vault, { name, roles: [role], source: { kind: 'generate' }, actor: 'demo' });
        log(`Identity ${name} (${role}): generated Ed25519 key ${id.fingerprint}, kept in the vault.`);
      }
      setSecret(vault, 'prod_db_password', password || 'not-needed-with-trust-auth', 'operator');
      const engine = (actor: string) => new RunEngine(vault, { actor, executors: createExecutor });
      const op = engine('operator');
      const runbookText = readFileSync(RUNBOOK, 'utf8');
      const run = op.startRun({ text: runbookText, source: 'examples/alembic-governance-cutover.yaml', environment: 'rehearsal', targets: { prod_db: dbUrl.toString(), ops_host: `local:${join(host, 'backend')}` } });
      log(`Run ${run.runId} of ${run.runbook.title} (rehearsal).`);
      const answers = answersFor(runbookText);
      const play = (until?: string): Promise<AutoplayResult> => autoplay(op, run.runId, { answers, until, engineFor: (role) => engine(role === 'approver' ? 'approver-1' : 'operator'), onStep: (line) => log(`  ${line}`) });

      let result = await play('p1-width-correction');
      for (const name of ['approver-1', 'approver-2']) {
        await engine(name).approve(run.runId, name, await signerFor(vault, name));
        log(`  plan approved by ${name}`);
      }
      if (options.blocked) process.env.CUTOVER_FIXTURE_PLANT_DUPLICATE_TABLE = '1';
      result = await play();
      if (options.blocked) {
        if (result.state.status !== 'BLOCKED') throw new Error(`the blocked demo expected a BLOCKED run, got ${result.state.status}`);
        op.decide(run.runId, 'rollback', 'DuplicateTable during alembic upgrade head (abort gate)');
        log('  decision: rollback path');
        result = await play();
        recordDecision(vault, run.runId, 'operator', { rootCause: 'Migration 0023 creates a table that already exists (DuplicateTable)', riskTier: 'high' });
        recordDecision(vault, run.runId, 'approver-1', { authorization: 'Rejected' });
        const incident = await writeIncidentReport(vault, run.runId, join(out, 'incident'));
        log(formatDecision(decisionFor(vault, run.runId)));
        return { runId: run.runId, vault: vaultPath, status: result.state.status, pack: null, verify: null, incident: { markdown: incident.markdown, pdf: incident.pdf } };
      }
      if (result.stopped) throw new Error(`the demo run stopped at ${result.stopped.stepId}: ${result.stopped.reason}`);
      recordDecision(vault, run.runId, 'operator', { rootCause: 'None: all gates passed', riskTier: 'low', drift: 'None (0019 structural parity PASS)' });
      recordDecision(vault, run.runId, 'approver-1', { authorization: 'Approved' });
      log(formatDecision(decisionFor(vault, run.runId)));
      const pack = await buildPack(vault, run.runId, { outDir: join(out, 'pack'), actor: 'operator' });
      // The approvers sign the pack as they would on their own machines: with only the pack and a key.
      for (const name of ['approver-1', 'approver-2']) {
        await signPack(pack.folder, { identity: name, signer: await signerFor(vault, name), decision: 'approve' });
        await importSignature(vault, run.runId, pack.folder, name);
      }
      // The zip as exported has no signatures yet; write it again from the signed folder.
      rmSync(pack.zip);
      await zipPackFolder(pack.folder, pack.zip, new Date(pack.chainHead.at));
      const verify = await verifyPack(pack.folder);
      return { runId: run.runId, vault: vaultPath, status: result.state.status, pack, verify, incident: null };
    } finally {
      vault.close();
    }
  } finally {
    if (previousPlant === undefined) delete process.env.CUTOVER_FIXTURE_PLANT_DUPLICATE_TABLE;
    else process.env.CUTOVER_FIXTURE_PLANT_DUPLICATE_TABLE = previousPlant;
    await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => undefined);
  }
}
