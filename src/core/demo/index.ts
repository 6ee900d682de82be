// `cutover demo`: the whole job on this machine. A throwaway database on the local PostgreSQL
// at the governance runbook's anchor, the example Alembic project run as a local-shell target,
// the operator who owns the vault and two approvers who each hold their own key on their own
// "machine" (a folder) and sign with plain ssh-keygen, the run from preconditions to P4, the
// decision, the signed pack (folder and zip) and its verification — or, with `blocked`, the
// DuplicateTable variant, its rollback path and the incident report.
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { ACT_NAMESPACE, actBytes } from '../acts';
import { autoplay, PLAN_NAMESPACE, RunEngine, type Answer, type AutoplayResult } from '../engine';
import { allSteps, loadRunbook } from '../runbook';
import { decisionAct, decisionContext, formatDecision, recordDecision, recordDecisionHere } from '../reports/decision';
import { writeIncidentReport } from '../reports/incident';
import { buildPack, importSignature, signPack, verifyPack, zipPackFolder, type BuiltPack, type PackVerifyReport } from '../pack';
import { addIdentityFrom, IDENTITY_NAMESPACE, identityStatementFor, proveIdentity, sessionKeyring } from '../identity';
import { loadKeyFile } from '../signing';
import { makeMachine, signOnMachine, type Machine } from './machines';
import { createExecutor } from '../targets';
import { Vault, VaultInputError, setSecret } from '../vault';
import { EXAMPLES } from './paths';
import { exampleIn } from './language';
import { translator, type Lang, type Translator } from '../../shared/i18n';

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
  /** The language of what the demo says, of its people's records and of the evidence (the CLI's --lang); default English. */
  language?: Lang;
}

export interface DemoResult {
  runId: string;
  vault: string;
  status: string;
  pack: BuiltPack | null;
  verify: PackVerifyReport | null;
  incident: { markdown: string; pdf: string } | null;
}

const APPROVERS = ['approver-1', 'approver-2'] as const;

/** What the demo's people type for the records and manual steps, in the demo's language. */
const answersIn = (tr: Translator): Record<string, Answer> => ({
  'pre-migration-commit': { commit: '70a7968', tag: 'demo' },
  'rb-classify': { classification: 'DuplicateTable', failed_step: 'p3-upgrade-head' },
  'rb-stop': tr.t('demo.says.stop'),
  'rb-preserve-logs': tr.t('demo.says.preserveLogs'),
  'rb-no-more-migrations': tr.t('demo.says.noMoreMigrations'),
  'rb-pitr-decision': tr.t('demo.says.pitr'),
});

/** Prepared answers: every attestation confirmed, the records and manual steps filled in. */
function answersFor(runbookText: string, tr: Translator): Record<string, Answer> {
  const answers: Record<string, Answer> = answersIn(tr);
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
  const tr = translator(options.language ?? 'en');
  const out = resolve(options.out);
  if (existsSync(out) && readdirSync(out).length > 0) throw new VaultInputError(tr.t('demo.refuse.notEmpty', { out }));
  mkdirSync(out, { recursive: true });
  const server = new URL(options.pgUrl ?? process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  const dbName = `cutover_demo_${randomBytes(4).toString('hex')}`;
  const password = decodeURIComponent(server.password);
  server.password = '';
  const dbUrl = new URL(server.toString());
  dbUrl.pathname = `/${dbName}`;
  if (!dbUrl.searchParams.has('sslmode')) dbUrl.searchParams.set('sslmode', 'disable');
  const adminUrl = options.pgUrl ?? process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

  log(tr.t('demo.db.anchor', { db: dbName, host: server.host }));
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${dbName}`));
  try {
    const seeded = new URL(adminUrl);
    seeded.pathname = `/${dbName}`;
    await withAdmin(seeded.toString(), (c) => c.query(readFileSync(ANCHOR_SQL, 'utf8')));

    const host = join(out, 'ops-host');
    cpSync(HOST, host, { recursive: true });
    const vaultPath = join(out, 'cutover.vault');
    const vault = Vault.create(vaultPath, options.passphrase, { actor: 'demo' });
    try {
      const owner = await addIdentityFrom(vault, { name: 'operator', roles: ['operator'], source: { kind: 'generate' }, actor: 'demo' });
      log(tr.t('demo.identity.owner', { fingerprint: owner.fingerprint }));
      // The approvers are not at this workstation: each has a key of their own on their own "machine".
      const machines = new Map<string, Machine>();
      for (const name of APPROVERS) {
        const machine = makeMachine(join(out, 'machines'), name);
        machines.set(name, machine);
        await addIdentityFrom(vault, { name, roles: ['approver'], source: { kind: 'public', publicKey: machine.publicKey }, actor: 'operator' });
        const statement = identityStatementFor(vault, name);
        proveIdentity(vault, { name, statement: Buffer.from(statement), signature: signOnMachine(machine, 'identity.json', statement, IDENTITY_NAMESPACE), actor: 'operator' });
        log(tr.t('demo.identity.approver', { name, dir: machine.dir }));
      }
      setSecret(vault, 'prod_db_password', password || 'not-needed-with-trust-auth', 'operator');
      const keyring = await sessionKeyring(vault, { sock: '' });
      const op = new RunEngine(vault, { actor: 'operator', keyring, executors: createExecutor, language: options.language });
      const runbookText = exampleIn(readFileSync(RUNBOOK, 'utf8'), options.language);
      const run = await op.startRun({ text: runbookText, source: 'examples/alembic-governance-cutover.yaml', environment: 'rehearsal', targets: { prod_db: dbUrl.toString(), ops_host: `local:${join(host, 'backend')}` } });
      log(tr.t('demo.run.started', { runId: run.runId, title: run.runbook.title, environment: tr.t('env.rehearsal') }));
      const signed = (name: string, file: string, bytes: Buffer) => ({ text: bytes.toString('utf8'), signature: signOnMachine(machines.get(name)!, file, bytes, ACT_NAMESPACE) });
      const answers = answersFor(runbookText, tr);
      const play = (until?: string): Promise<AutoplayResult> => autoplay(op, run.runId, {
        answers,
        until,
        lang: options.language,
        attestElsewhere: async (stepId) => {
          const { bytes } = op.exportAct(run.runId, APPROVERS[0], { kind: 'step.attest', stepId });
          await op.importAct(signed(APPROVERS[0], `${stepId}.act.json`, bytes));
          log(tr.t('demo.attested', { step: stepId, name: APPROVERS[0] }));
        },
        onStep: (line) => log(`  ${line}`),
      });

      let result = await play('p1-width-correction');
      const { bytes: plan } = op.exportPlan(run.runId);
      for (const name of APPROVERS) {
        op.importApproval(run.runId, plan, signOnMachine(machines.get(name)!, 'plan.json', plan, PLAN_NAMESPACE));
        log(tr.t('demo.planApproved', { name, ns: PLAN_NAMESPACE }));
      }
      if (options.blocked) writeFileSync(join(host, 'backend', 'PLANT_DUPLICATE_TABLE'), 'the blocked demo: revision 0023 creates a table that already exists\n');
      result = await play();
      const authorize = async (authorization: 'Approved' | 'Rejected') => {
        const act = actBytes(decisionAct(vault, run.runId, APPROVERS[0], { authorization }));
        recordDecision(vault, run.runId, signed(APPROVERS[0], 'decision.act.json', act));
      };
      if (options.blocked) {
        if (result.state.status !== 'BLOCKED') throw new Error(`the blocked demo expected a BLOCKED run, got ${result.state.status}`);
        await op.decide(run.runId, 'rollback', tr.t('demo.says.blockedReason'));
        log(tr.t('demo.decision.rollback'));
        result = await play();
        await recordDecisionHere(vault, run.runId, 'operator', { rootCause: tr.t('demo.says.rootCauseBlocked'), riskTier: 'high' }, keyring);
        await authorize('Rejected');
        const incident = await writeIncidentReport(vault, run.runId, join(out, 'incident'), { language: options.language });
        log(formatDecision(decisionContext(vault, run.runId, { language: options.language }).decision));
        return { runId: run.runId, vault: vaultPath, status: result.state.status, pack: null, verify: null, incident: { markdown: incident.markdown, pdf: incident.pdf } };
      }
      if (result.stopped) throw new Error(`the demo run stopped at ${result.stopped.stepId}: ${result.stopped.reason}`);
      await recordDecisionHere(vault, run.runId, 'operator', { rootCause: tr.t('demo.says.rootCauseNone'), riskTier: 'low', drift: tr.t('demo.says.drift') }, keyring);
      await authorize('Approved');
      log(formatDecision(decisionContext(vault, run.runId, { language: options.language }).decision));
      const pack = await buildPack(vault, run.runId, { outDir: join(out, 'pack') });
      // The approvers sign the pack as they would on their own machines: with only the pack and their key.
      for (const name of APPROVERS) {
        await signPack(pack.folder, { identity: name, signer: await loadKeyFile(machines.get(name)!.keyFile), decision: 'approve' });
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
    await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => undefined);
  }
}
