// `cutover demo --production`: production follows its rehearsal. The reference example is
// rehearsed on one throwaway database and exported as a pack; production then runs on a second
// throwaway database in the same state, bound to that pack, and every step is compared with the
// rehearsal's as it finishes. With `deviation`, production's checkout carries one extra pending
// revision, so P3's revision path differs, the run BLOCKS with the diff, and two approvers
// (keys in their own folders, signing with plain ssh-keygen) accept that exact diff.
// Both databases belong to a throwaway login that is not a superuser: production refuses SQL
// checks through a login that could change anything.
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { ACT_NAMESPACE, actBytes } from '../acts';
import { autoplay, PLAN_NAMESPACE, RunEngine, type Answer, type AutoplayResult, type RunState } from '../engine';
import { addIdentityFrom, IDENTITY_NAMESPACE, identityStatementFor, proveIdentity, sessionKeyring } from '../identity';
import { buildPack, type BuiltPack } from '../pack';
import { bindRehearsalPack } from '../rehearsal/record';
import { blockingDeviation } from '../rehearsal/follow';
import { runComparison, type RunComparison } from '../rehearsal/report';
import { decisionAct, recordDecision, recordDecisionHere } from '../reports/decision';
import { allSteps, loadRunbook } from '../runbook';
import type { Keyring } from '../signing';
import { createExecutor } from '../targets';
import { setSecret, Vault, VaultInputError } from '../vault';
import { makeMachine, signOnMachine, type Machine } from './machines';
import { EXAMPLES } from './paths';
import { exampleIn } from './language';
import { blockReasonText } from '../reports/gate-words';
import { translator, type Lang, type Translator } from '../../shared/i18n';

export const EXAMPLE_RUNBOOK = join(EXAMPLES, 'alembic-governance-cutover.yaml');
const HOST = join(EXAMPLES, 'alembic-governance-host');
const ANCHOR_SQL = join(HOST, 'backend/migrations/versions/0019_nav_snapshots_and_investor_statements.sql');
const APPROVERS = ['approver-1', 'approver-2'] as const;
/** The revision the deviation plants between 0023 and the merge head. */
export const EXTRA_REVISION = '0023b_extra_pending_revision';

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'cutover-demo' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The operator's checkout with one more pending revision (0023 → EXTRA_REVISION → the merge): heads unchanged, P3's path one step longer. */
export function plantExtraRevision(backend: string): void {
  const versions = join(backend, 'migrations/versions');
  writeFileSync(join(versions, `${EXTRA_REVISION}.py`), `"""One more pending revision than the rehearsal ran.\n\nRevision ID: ${EXTRA_REVISION}\nRevises: 0023_ai_engine_wave_ai4_portfolio_intelligence\n"""\n\nrevision = "${EXTRA_REVISION}"\ndown_revision = "0023_ai_engine_wave_ai4_portfolio_intelligence"\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`);
  const merge = join(versions, '70a79686336c_merge_ai4_and_version_width.py');
  writeFileSync(merge, readFileSync(merge, 'utf8').replace('down_revision = ("0023_ai_engine_wave_ai4_portfolio_intelligence"', `down_revision = ("${EXTRA_REVISION}"`));
}

export interface ProductionDemoOptions {
  out: string;
  passphrase: string;
  /** Server for the throwaway databases (default PGURL or postgresql://postgres@127.0.0.1:5432/postgres). */
  pgUrl?: string;
  log?: (line: string) => void;
  /** The language of what the demo says, of its people's records and of the evidence (the CLI's --lang); default English. */
  language?: Lang;
}

/** The people, the vault and the throwaway databases of the demo; tests drive it step by step. */
export class ProductionDemo {
  readonly answers: Record<string, Answer>;
  private readonly databases: string[] = [];

  private constructor(
    readonly out: string,
    readonly vault: Vault,
    readonly machines: Map<string, Machine>,
    readonly keyring: Keyring,
    readonly runbookText: string,
    private readonly admin: string,
    private readonly role: string,
    private readonly log: (line: string) => void,
    readonly language: Lang = 'en',
  ) {
    this.answers = { 'pre-migration-commit': { commit: '70a7968', tag: 'demo' } };
    for (const { step } of allSteps(loadRunbook(runbookText).runbook)) if (step.kind === 'attest') this.answers[step.id] = true;
  }

  static async create(options: ProductionDemoOptions & { runbookText?: string }): Promise<ProductionDemo> {
    const log = options.log ?? (() => {});
    const tr = translator(options.language ?? 'en');
    const out = resolve(options.out);
    if (existsSync(out) && readdirSync(out).length > 0) throw new VaultInputError(tr.t('demo.refuse.notEmpty', { out }));
    mkdirSync(out, { recursive: true });
    const admin = options.pgUrl ?? process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
    const runbookText = options.runbookText ?? exampleIn(readFileSync(EXAMPLE_RUNBOOK, 'utf8'), options.language);
    loadRunbook(runbookText);
    const role = `cutover_demo_owner_${randomBytes(4).toString('hex')}`;
    const password = decodeURIComponent(new URL(admin).password);
    await withClient(admin, (c) => c.query(`CREATE ROLE ${role} LOGIN${password ? ` PASSWORD '${password.replace(/'/g, "''")}'` : ''}`));
    // Anything failing from here on drops the throwaway login again: nothing of the demo is left behind.
    let vault: Vault | undefined;
    try {
      vault = Vault.create(join(out, 'cutover.vault'), options.passphrase, { actor: 'demo' });
      await addIdentityFrom(vault, { name: 'operator', roles: ['operator'], source: { kind: 'generate' }, actor: 'demo' });
      const machines = new Map<string, Machine>();
      for (const name of APPROVERS) {
        const machine = makeMachine(join(out, 'machines'), name);
        machines.set(name, machine);
        await addIdentityFrom(vault, { name, roles: ['approver'], source: { kind: 'public', publicKey: machine.publicKey }, actor: 'operator' });
        const statement = identityStatementFor(vault, name);
        proveIdentity(vault, { name, statement: Buffer.from(statement), signature: signOnMachine(machine, 'identity.json', statement, IDENTITY_NAMESPACE), actor: 'operator' });
      }
      setSecret(vault, 'prod_db_password', password || 'not-needed-with-trust-auth', 'operator');
      const keyring = await sessionKeyring(vault, { sock: '' });
      log(tr.t('demo.production.vault', { path: vault.path, approvers: APPROVERS.join(', '), dir: join(out, 'machines') }));
      return new ProductionDemo(out, vault, machines, keyring, runbookText, admin, role, log, options.language ?? 'en');
    } catch (error) {
      vault?.close();
      await withClient(admin, (c) => c.query(`DROP ROLE IF EXISTS ${role}`)).catch(() => undefined);
      throw error;
    }
  }

  get engine(): RunEngine {
    return new RunEngine(this.vault, { actor: 'operator', keyring: this.keyring, executors: createExecutor, language: this.language });
  }

  /** A throwaway database at the 0019 anchor, owned by the demo's login (not a superuser); returns its DSN. */
  async database(label: string): Promise<string> {
    const name = `cutover_demo_${label}_${randomBytes(4).toString('hex')}`;
    await withClient(this.admin, (c) => c.query(`CREATE DATABASE ${name} OWNER ${this.role}`));
    this.databases.push(name);
    const url = new URL(this.admin);
    url.username = this.role;
    url.pathname = `/${name}`;
    await withClient(url.toString(), (c) => c.query(readFileSync(ANCHOR_SQL, 'utf8')));
    url.password = '';
    if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'disable');
    this.log(this.tr.t('demo.production.db', { db: name, role: this.role }));
    return url.toString();
  }

  /** The operator's host: a copy of the example's checkout and forensic scripts; returns backend/. */
  host(label: string, options: { extraRevision?: boolean } = {}): string {
    const dir = join(this.out, `ops-host-${label}`);
    cpSync(HOST, dir, { recursive: true });
    const backend = join(dir, 'backend');
    if (options.extraRevision) {
      plantExtraRevision(backend);
      this.log(this.tr.t('demo.production.extraRevision', { revision: EXTRA_REVISION }));
    }
    return backend;
  }

  private signedActs = 0;

  /** The demo's words, in its language. */
  private get tr(): Translator {
    return translator(this.language);
  }

  /** A file on the person's machine signed there; each act file gets a name of its own. */
  private signed(name: string, file: string, bytes: Buffer) {
    return { text: bytes.toString('utf8'), signature: signOnMachine(this.machines.get(name)!, `${++this.signedActs}-${file}`, bytes, ACT_NAMESPACE) };
  }

  async start(environment: 'rehearsal' | 'production', db: string, backend: string, rehearsalPack?: string): Promise<RunState> {
    const bound = rehearsalPack ? await bindRehearsalPack(rehearsalPack, { runbookHash: loadRunbook(this.runbookText).hash }, { lang: this.language }) : undefined;
    const run = await this.engine.startRun({ text: this.runbookText, source: 'examples/alembic-governance-cutover.yaml', environment, targets: { prod_db: db, ops_host: `local:${backend}` }, ...(bound ? { rehearsal: bound.binding, rehearsalRecord: bound.record } : {}) });
    const words = { runId: run.runId, environment: this.tr.t(`env.${environment}`) };
    this.log(bound ? this.tr.t('demo.production.runBound', { ...words, rehearsal: bound.binding.runId }) : this.tr.t('demo.production.run', words));
    return run;
  }

  /** Both approvers sign the run's plan with ssh-keygen on their machines. */
  approvePlan(runId: string): void {
    const { bytes } = this.engine.exportPlan(runId);
    for (const name of APPROVERS) this.engine.importApproval(runId, bytes, signOnMachine(this.machines.get(name)!, `plan-${runId}.json`, bytes, PLAN_NAMESPACE));
    this.log(this.tr.t('demo.production.planApproved', { names: APPROVERS.join(this.tr.t('demo.production.and')), ns: PLAN_NAMESPACE }));
  }

  play(runId: string, options: { until?: string; answers?: Record<string, Answer> } = {}): Promise<AutoplayResult> {
    const engine = this.engine;
    return autoplay(engine, runId, {
      answers: { ...this.answers, ...options.answers },
      ...(options.until ? { until: options.until } : {}),
      lang: this.language,
      attestElsewhere: async (stepId) => {
        const { bytes } = engine.exportAct(runId, APPROVERS[0], { kind: 'step.attest', stepId });
        await engine.importAct(this.signed(APPROVERS[0], `${stepId}.act.json`, bytes));
      },
      onStep: (line) => this.log(`  ${line}`),
    });
  }

  /** Each approver reads the diff the run is blocked on and signs a deviation.accept act naming it, on their machine. */
  async acceptDeviation(runId: string, signers: readonly string[] = APPROVERS): Promise<RunState> {
    const engine = this.engine;
    const blocking = blockingDeviation(this.vault, engine.status(runId));
    if (!blocking) throw new VaultInputError(`Run ${runId} is not blocked by a deviation from its rehearsal.`);
    let state = engine.status(runId);
    for (const name of signers) {
      state = await this.acceptDeviationAs(runId, name, blocking.stepId, blocking.diffSha256);
      this.log(this.tr.t('demo.production.deviationAccepted', { step: blocking.stepId, sha: blocking.diffSha256.slice(0, 12), name, ns: ACT_NAMESPACE }));
    }
    return state;
  }

  /** One approver signs, on their machine, a deviation.accept act naming this step and diff. */
  async acceptDeviationAs(runId: string, name: string, stepId: string, diffSha256: string): Promise<RunState> {
    const engine = this.engine;
    const { bytes } = engine.exportAct(runId, name, { kind: 'deviation.accept', stepId, diffSha256 });
    return engine.importAct(this.signed(name, `${stepId}.deviation.act.json`, bytes));
  }

  /** The operator's findings and an approver's GO, then the pack. */
  async decideAndExport(runId: string, label: string): Promise<BuiltPack> {
    await recordDecisionHere(this.vault, runId, 'operator', { rootCause: this.tr.t('demo.says.rootCauseNone'), riskTier: 'low', drift: this.tr.t('demo.says.drift') }, this.keyring);
    recordDecision(this.vault, runId, this.signed(APPROVERS[0], 'decision.act.json', actBytes(decisionAct(this.vault, runId, APPROVERS[0], { authorization: 'Approved' }))));
    return buildPack(this.vault, runId, { outDir: join(this.out, label) });
  }

  /** A rehearsal on its own database, from preconditions to the pack. */
  async rehearse(label = 'rehearsal'): Promise<{ runId: string; pack: BuiltPack }> {
    const run = await this.start('rehearsal', await this.database(label), this.host(label));
    let result = await this.play(run.runId, { until: 'p1-width-correction' });
    this.approvePlan(run.runId);
    result = await this.play(run.runId);
    if (result.stopped) throw new Error(`the rehearsal stopped at ${result.stopped.stepId}: ${result.stopped.reason}`);
    return { runId: run.runId, pack: await this.decideAndExport(run.runId, `${label}-pack`) };
  }

  async close(): Promise<void> {
    try {
      this.vault.close();
    } finally {
      await withClient(this.admin, async (c) => {
        for (const name of this.databases) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${this.role}`);
      }).catch(() => undefined);
    }
  }
}

export interface ProductionDemoResult {
  vault: string;
  rehearsal: { runId: string; pack: BuiltPack };
  production: { runId: string; status: string; pack: BuiltPack | null; comparison: RunComparison };
}

/** The whole demo: rehearse, export, run production bound to it (with a deviation if asked), export. */
export async function runProductionDemo(options: ProductionDemoOptions & { deviation?: boolean }): Promise<ProductionDemoResult> {
  const demo = await ProductionDemo.create(options);
  const log = options.log ?? (() => {});
  const tr = translator(options.language ?? 'en');
  try {
    log(tr.t('demo.production.rehearsal'));
    const rehearsal = await demo.rehearse();
    log(tr.t('demo.production.production', { folder: rehearsal.pack.folder }));
    const run = await demo.start('production', await demo.database('production'), demo.host('production', { extraRevision: options.deviation }), rehearsal.pack.folder);
    demo.approvePlan(run.runId);
    let result = await demo.play(run.runId);
    if (options.deviation) {
      if (result.state.status !== 'BLOCKED') throw new Error(`the deviation demo expected a BLOCKED run, got ${result.state.status}`);
      const blocked = result.state.blockedBy;
      log(tr.t('demo.production.blocked', { reason: blocked ? blockReasonText(demo.language, blocked.reason, result.state.steps.get(blocked.stepId)?.gates ?? []) : '' }));
      await demo.acceptDeviation(run.runId);
      result = await demo.play(run.runId);
    }
    if (result.stopped) throw new Error(`the production run stopped at ${result.stopped.stepId}: ${result.stopped.reason}`);
    const pack = await demo.decideAndExport(run.runId, 'production-pack');
    const state = demo.engine.status(run.runId);
    return { vault: demo.vault.path, rehearsal, production: { runId: run.runId, status: state.status, pack, comparison: runComparison(demo.vault, state) } };
  } finally {
    await demo.close();
  }
}
