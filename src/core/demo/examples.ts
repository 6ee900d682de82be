// `cutover demo --example NAME`: each shipped example rehearsed end to end on this machine.
// alembic-governance is `cutover demo` itself. postgres-primary, incremental-sync and go-live get
// a throwaway PostgreSQL database (and, for the sync, a throwaway MariaDB database and user),
// their host folder copied to OUT/host and run as a local-shell target, and the host's API
// started as a child process on a free loopback port and stopped after. The same vault, people and signing
// as `cutover demo`: the operator owns the vault and plays the war-room roles; two approvers
// each sign on their own "machine" with plain ssh-keygen (approver-1 is also the incident
// commander, who decides). The run ends with the decision, a signed pack and its verification.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import pg from 'pg';
import { ACT_NAMESPACE, actBytes } from '../acts';
import { autoplay, PLAN_NAMESPACE, RunEngine, type Answer } from '../engine';
import { allSteps, loadRunbook } from '../runbook';
import { decisionAct, recordDecision } from '../reports/decision';
import { buildPack, importSignature, signPack, verifyPack, zipPackFolder } from '../pack';
import { addIdentityFrom, IDENTITY_NAMESPACE, identityStatementFor, proveIdentity, sessionKeyring } from '../identity';
import { loadKeyFile } from '../signing';
import { makeMachine, signOnMachine, type Machine } from './machines';
import { createExecutor } from '../targets';
import { Vault, VaultInputError, setSecret } from '../vault';
import { runDemo, type DemoOptions, type DemoResult } from './index';
import { EXAMPLES } from './paths';
import { exampleIn } from './language';
import { translator, type Translator } from '../../shared/i18n';


export const EXAMPLE_NAMES = ['alembic-governance', 'postgres-primary', 'incremental-sync', 'go-live'] as const;
export type ExampleName = (typeof EXAMPLE_NAMES)[number];

/** The roles the operator plays in the demo; approver-1 is also the incident commander. */
const OPERATOR_ROLES = ['operator', 'deployer', 'db_owner', 'payments_owner', 'scribe'];
const PEOPLE = [
  { name: 'approver-1', roles: ['approver', 'incident_commander'] },
  { name: 'approver-2', roles: ['approver'] },
] as const;

interface Rehearsal {
  runbook: string;
  host: string;
  /** Databases made, API started; returns the run's targets, params, secrets and a cleanup. */
  setup: (ctx: SetupContext) => Promise<Prepared>;
  /** Answers that the generic ones (answersFor) cannot guess, by step id. */
  answers?: Record<string, Answer>;
}

interface SetupContext {
  out: string;
  hostDir: string;
  pgServer: URL;
  log: (line: string) => void;
  /** The demo's words, in its language. */
  tr: Translator;
  cleanups: (() => Promise<void>)[];
}

interface Prepared {
  targets: Record<string, string>;
  params: Record<string, string>;
  secrets: Record<string, string>;
}

const quiet = () => {};
const token = (n = 12) => randomBytes(n).toString('hex');

/** A throwaway PostgreSQL database (a copy of `template` if given); its URL, with no password and sslmode=disable. */
async function throwawayPg(ctx: SetupContext, prefix: string, template?: string): Promise<string> {
  const name = `${prefix}_${token(4)}`;
  const admin = ctx.pgServer.toString();
  const client = new pg.Client({ connectionString: admin, application_name: 'cutover-demo' });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await client.end();
  }
  ctx.cleanups.push(async () => {
    const c = new pg.Client({ connectionString: admin, application_name: 'cutover-demo' });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => c.end());
  });
  const url = new URL(admin);
  url.password = '';
  url.pathname = `/${name}`;
  url.searchParams.set('sslmode', 'disable');
  ctx.log(template ? ctx.tr.t('demo.db.postgresCopy', { db: name, host: url.host, template }) : ctx.tr.t('demo.db.postgres', { db: name, host: url.host }));
  return url.toString();
}

/** python3 -m alembic in the host folder, as the previous release left the database. */
function alembicUpgrade(hostDir: string, databaseUrl: string, revision: string): void {
  const r = spawnSync('python3', ['-m', 'alembic', '-c', 'backend/alembic.ini', 'upgrade', revision], {
    cwd: hostDir, encoding: 'utf8', timeout: 120_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', DATABASE_URL: databaseUrl },
  });
  if (r.status !== 0) throw new VaultInputError(`alembic upgrade ${revision} in ${hostDir} failed: ${(r.stderr || r.error?.message || '').trim()}`);
}

/** Starts a host's API (node api/server.mjs from the repository, cwd the host copy) on a free loopback port. */
async function startApi(ctx: SetupContext, server: string, env: Record<string, string>): Promise<string> {
  mkdirSync(join(ctx.hostDir, 'logs'), { recursive: true });
  const logFile = createWriteStream(join(ctx.hostDir, 'logs', 'api.log'), { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, [server], {
    cwd: ctx.hostDir, stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', RUNTIME_ENV: join(ctx.hostDir, 'runtime.env'), ...env },
  });
  ctx.cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    logFile.end();
  });
  child.stderr!.pipe(logFile, { end: false });
  const url = await new Promise<string>((done, fail) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      logFile.write(chunk);
      seen += chunk.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(seen);
      if (m) done(m[1]!);
    });
    child.once('exit', (code) => fail(new VaultInputError(`the host API ${server} exited (${code}) before listening; see ${join(ctx.hostDir, 'logs', 'api.log')}`)));
    child.once('error', fail);
  });
  ctx.log(ctx.tr.t('demo.api.started', { url, pid: String(child.pid), log: join(ctx.hostDir, 'logs', 'api.log') }));
  return url;
}

function writeRuntimeEnv(hostDir: string, values: Record<string, string>): void {
  writeFileSync(join(hostDir, 'runtime.env'), `${Object.entries(values).map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
}

const incrementalSync: Rehearsal = {
  runbook: 'incremental-sync-bigbang-cutover.yaml',
  host: 'incremental-sync-host',
  async setup(ctx) {
    // The source: a throwaway MariaDB database and a user of its own, with a password.
    const mysqlServer = new URL(process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/');
    const db = `cutover_demo_src_${token(4)}`;
    const user = `cutover_demo_${token(4)}`;
    const password = token();
    // Loaded here, not at the top: every CLI command imports the demo, and only this rehearsal needs mysql2.
    const { default: mysql } = await import('mysql2/promise');
    const admin = await mysql.createConnection({ host: mysqlServer.hostname, port: Number(mysqlServer.port || 3306), user: decodeURIComponent(mysqlServer.username), password: decodeURIComponent(mysqlServer.password), multipleStatements: true });
    try {
      await admin.query(`CREATE DATABASE ${db}`);
      ctx.cleanups.push(async () => {
        const c = await mysql.createConnection({ host: mysqlServer.hostname, port: Number(mysqlServer.port || 3306), user: decodeURIComponent(mysqlServer.username), password: decodeURIComponent(mysqlServer.password) });
        await c.query(`DROP DATABASE IF EXISTS ${db}`).then(() => c.query(`DROP USER IF EXISTS '${user}'@'127.0.0.1'`)).finally(() => c.end());
      });
      await admin.query(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY '${password}'`);
      await admin.query(`GRANT ALL ON ${db}.* TO '${user}'@'127.0.0.1'`);
      await admin.query(`USE ${db}`);
      await admin.query(readFileSync(join(ctx.hostDir, 'mysql/source_schema.sql'), 'utf8'));
      // Precondition 2 holds before the window: the source was hardened with the runbook's script.
      await admin.query(readFileSync(join(ctx.hostDir, 'scripts/mysql_incremental_indexes.sql'), 'utf8'));
    } finally {
      await admin.end();
    }
    ctx.log(ctx.tr.t('demo.db.mariadb', { db, user }));
    // The target as the previous release left it: 0011, every domain fully synced.
    const target = await throwawayPg(ctx, 'cutover_demo_sync');
    alembicUpgrade(ctx.hostDir, target, '0011_sync_baseline');
    writeRuntimeEnv(ctx.hostDir, {
      DATABASE_URL: target,
      SYNC_SOURCE_URL: `mysql://${user}@${mysqlServer.hostname}:${mysqlServer.port || 3306}/${db}`,
      SYNC_MYSQL_INCREMENTAL_PUSHDOWN: 'true',
      SYNC_CHUNK_ROWS: '500',
      HOST: '127.0.0.1',
      PORT: '0',
    });
    const api = await startApi(ctx, join(EXAMPLES, 'incremental-sync-host/api/server.mjs'), { MYSQL_PWD: password });
    for (const domain of ['cobranzas', 'cartera', 'contratos', 'gestores']) {
      const r = await fetch(`${api}/api/v1/sync`, { method: 'POST', body: JSON.stringify({ domain, origin: 'ops', wait: true }) });
      if (r.status !== 200) throw new VaultInputError(`the previous release's ${domain} sync failed: ${r.status} ${await r.text()}`);
    }
    ctx.log(ctx.tr.t('demo.db.previousRelease'));
    return {
      targets: { app_host: `local:${ctx.hostDir}`, target_db: target },
      params: { api_url: api, source_dsn: `mysql://${user}@${mysqlServer.hostname}:${mysqlServer.port || 3306}/${db}` },
      secrets: { target_db_password: 'not-needed-with-trust-auth', source_db_password: password },
    };
  },
};

const goLive: Rehearsal = {
  runbook: 'go-live-rc-signoff.yaml',
  host: 'go-live-host',
  async setup(ctx) {
    const database = await throwawayPg(ctx, 'cutover_demo_pay');
    alembicUpgrade(ctx.hostDir, database, '0006_payments_ledger');
    const seed = new pg.Client({ connectionString: database });
    await seed.connect();
    await seed.query(`INSERT INTO accounts (id) VALUES ('canary-tenant')`).finally(() => seed.end());
    // A copy of "production" for the migration dry-run ("if possible": here it is).
    const copy = await throwawayPg(ctx, 'cutover_demo_pay', new URL(database).pathname.slice(1));
    const adminPassword = token();
    const apiToken = token(24);
    writeRuntimeEnv(ctx.hostDir, {
      DATABASE_URL: database,
      ADMIN_USER: 'ops-admin',
      ADMIN_PASSWORD: adminPassword,
      ADMIN_API_TOKEN: apiToken,
      WEBHOOK_SECRET: `whsec_${token()}`,
      APP_ENV: 'production',
      CORS_ALLOWED_ORIGINS: 'https://pay.example',
      STRIPE_SECRET_KEY: `sk_live_rehearsal${token(4)}`,
      ADYEN_API_KEY: `live_rehearsal${token(4)}`,
      TRUSTED_PROXIES: '10.0.0.0/8',
      BOOTSTRAP_ENABLED: 'false',
      RELEASE_SHA: '7e1d5c3',
      HOST: '127.0.0.1',
      PORT: '0',
    });
    const api = await startApi(ctx, join(EXAMPLES, 'go-live-host/api/server.mjs'), {});
    return {
      targets: { app_host: `local:${ctx.hostDir}`, payments_db: database },
      params: { api_url: api, prod_copy_url: copy },
      secrets: { payments_db_password: 'not-needed-with-trust-auth', admin_password: adminPassword, admin_api_token: apiToken },
    };
  },
};

const postgresPrimary: Rehearsal = {
  runbook: 'postgres-primary-cutover.yaml',
  host: 'postgres-primary-host',
  // The target profile recorded before the window is the one the run moves (a check compares them).
  answers: { 'pre-target-profile': { source_id: 'assets_1' } },
  async setup(ctx) {
    // The API's SQLite file as it is before the cutover: two profiles, assets_1 moves.
    mkdirSync(join(ctx.hostDir, 'data'), { recursive: true });
    const sqlite = new Database(join(ctx.hostDir, 'data', 'sx.db'));
    try {
      sqlite.exec(readFileSync(join(ctx.hostDir, 'data', 'seed.sql'), 'utf8'));
    } finally {
      sqlite.close();
    }
    const primary = await throwawayPg(ctx, 'cutover_demo_sx');
    // Section 0's prerequisite: the runtime mode is already POSTGRES_PRIMARY; assets_1 has no schema yet, so it is still served from SQLite.
    writeRuntimeEnv(ctx.hostDir, { SX_DB_BACKEND_MODE: 'POSTGRES_PRIMARY', SX_POSTGRES_DSN: primary, SX_SQLITE_PATH: 'data/sx.db', HOST: '127.0.0.1', PORT: '0' });
    const api = await startApi(ctx, join(EXAMPLES, 'postgres-primary-host/api/server.mjs'), {});
    return {
      targets: { api_host: `local:${ctx.hostDir}`, sx_pg: primary },
      // The host's stand-ins for sx_db, sudo, systemctl and journalctl come first on PATH.
      params: { api_url: api, api_public_url: api, path: `${join(ctx.hostDir, 'standin')}:${process.env.PATH ?? '/usr/bin:/bin'}` },
      secrets: { sx_pg_password: 'not-needed-with-trust-auth' },
    };
  },
};

const REHEARSALS: Partial<Record<ExampleName, Rehearsal>> = { 'postgres-primary': postgresPrimary, 'incremental-sync': incrementalSync, 'go-live': goLive };

/** Prepared answers: attestations confirmed, records filled to their patterns, manual steps noted. */
function answersFor(runbookText: string, tr: Translator): Record<string, Answer> {
  const answers: Record<string, Answer> = {};
  for (const { step } of allSteps(loadRunbook(runbookText).runbook)) {
    if (step.kind === 'attest') answers[step.id] = true;
    if (step.kind === 'manual') answers[step.id] = tr.t('demo.says.manualDone');
    if (step.kind === 'record') answers[step.id] = Object.fromEntries(step.fields.map((f) => [f.name, f.pattern?.includes('0-9a-f') ? '7e1d5c3' : `demo-${f.name}`]));
  }
  return answers;
}

export async function runExampleDemo(name: string, options: DemoOptions): Promise<DemoResult> {
  const tr = translator(options.language ?? 'en');
  if (!(EXAMPLE_NAMES as readonly string[]).includes(name)) throw new VaultInputError(tr.t('demo.refuse.unknownExample', { name, names: EXAMPLE_NAMES.join(', ') }));
  if (name === 'alembic-governance') return runDemo(options);
  const rehearsal = REHEARSALS[name as ExampleName];
  if (!rehearsal) throw new VaultInputError(tr.t('demo.refuse.noHost', { name }));
  if (options.blocked) throw new VaultInputError(tr.t('demo.refuse.blockedOnly'));
  const log = options.log ?? quiet;
  const out = resolve(options.out);
  if (existsSync(out) && readdirSync(out).length > 0) throw new VaultInputError(tr.t('demo.refuse.notEmpty', { out }));
  mkdirSync(out, { recursive: true });
  const hostDir = join(out, 'host');
  cpSync(join(EXAMPLES, rehearsal.host), hostDir, { recursive: true });
  const ctx: SetupContext = { out, hostDir, pgServer: new URL(options.pgUrl ?? process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'), log, tr, cleanups: [] };
  try {
    const prepared = await rehearsal.setup(ctx);
    return await rehearse(rehearsal, prepared, out, options, ctx);
  } finally {
    for (const cleanup of ctx.cleanups.reverse()) await cleanup().catch((error: Error) => log(tr.t('demo.cleanup', { message: error.message })));
  }
}

async function rehearse(rehearsal: Rehearsal, prepared: Prepared, out: string, options: DemoOptions, { log, tr }: SetupContext): Promise<DemoResult> {
  const vaultPath = join(out, 'cutover.vault');
  const vault = Vault.create(vaultPath, options.passphrase, { actor: 'demo' });
  try {
    const owner = await addIdentityFrom(vault, { name: 'operator', roles: OPERATOR_ROLES, source: { kind: 'generate' }, actor: 'demo' });
    log(tr.t('demo.identity.ownerRoles', { roles: OPERATOR_ROLES.join(', '), fingerprint: owner.fingerprint }));
    const machines = new Map<string, Machine>();
    for (const person of PEOPLE) {
      const machine = makeMachine(join(out, 'machines'), person.name);
      machines.set(person.name, machine);
      await addIdentityFrom(vault, { name: person.name, roles: [...person.roles], source: { kind: 'public', publicKey: machine.publicKey }, actor: 'operator' });
      const statement = identityStatementFor(vault, person.name);
      proveIdentity(vault, { name: person.name, statement: Buffer.from(statement), signature: signOnMachine(machine, 'identity.json', statement, IDENTITY_NAMESPACE), actor: 'operator' });
      log(tr.t('demo.identity.person', { name: person.name, roles: person.roles.join(', '), dir: machine.dir }));
    }
    for (const [secret, value] of Object.entries(prepared.secrets)) setSecret(vault, secret, value, 'operator');
    const keyring = await sessionKeyring(vault, { sock: '' });
    const op = new RunEngine(vault, { actor: 'operator', keyring, executors: createExecutor, language: options.language });
    const text = exampleIn(readFileSync(join(EXAMPLES, rehearsal.runbook), 'utf8'), options.language);
    const run = await op.startRun({ text, source: `examples/${rehearsal.runbook}`, environment: 'rehearsal', targets: prepared.targets, params: prepared.params });
    log(tr.t('demo.run.started', { runId: run.runId, title: run.runbook.title, environment: tr.t('env.rehearsal') }));
    const signed = (who: string, file: string, bytes: Buffer) => ({ text: bytes.toString('utf8'), signature: signOnMachine(machines.get(who)!, file, bytes, ACT_NAMESPACE) });
    const holder = (role: string) => PEOPLE.find((p) => (p.roles as readonly string[]).includes(role))?.name;
    const play = () => autoplay(op, run.runId, {
      answers: { ...answersFor(text, tr), ...rehearsal.answers },
      lang: options.language,
      attestElsewhere: async (stepId, role) => {
        const who = OPERATOR_ROLES.includes(role) ? undefined : holder(role);
        if (!who) return void (await op.attest(run.runId, stepId));
        const { bytes } = op.exportAct(run.runId, who, { kind: 'step.attest', stepId });
        await op.importAct(signed(who, `${stepId}.act.json`, bytes));
        log(tr.t('demo.attestedRole', { step: stepId, name: who, role }));
      },
      onStep: (line, outcome) => {
        log(`  ${line}`);
        for (const gate of outcome?.gates.filter((g) => !g.passed) ?? []) log(tr.t(gate.level === 'warn' ? 'demo.gate.warning' : 'demo.gate.failed', { gate: gate.gate, detail: gate.detail }));
      },
    });
    let result = await play();
    if (result.stopped && op.authorization(run.runId, result.stopped.stepId)?.authorized === false) {
      const { bytes: plan } = op.exportPlan(run.runId);
      for (const person of PEOPLE) {
        op.importApproval(run.runId, plan, signOnMachine(machines.get(person.name)!, 'plan.json', plan, PLAN_NAMESPACE));
        log(tr.t('demo.planApproved', { name: person.name, ns: PLAN_NAMESPACE }));
      }
      result = await play();
    }
    if (result.stopped) {
      log(tr.t('demo.stopped', { step: result.stopped.stepId, reason: result.stopped.reason }));
      return { runId: run.runId, vault: vaultPath, status: result.state.status, pack: null, verify: null, incident: null };
    }
    // The incident commander (approver-1) decides and authorizes, signing on their machine.
    const decider = holder('incident_commander')!;
    const act = actBytes(decisionAct(vault, run.runId, decider, { rootCause: tr.t('demo.says.rootCauseRehearsal'), riskTier: 'low', authorization: 'Approved' }));
    recordDecision(vault, run.runId, signed(decider, 'decision.act.json', act));
    log(tr.t('demo.decision.recorded', { name: decider }));
    const pack = await buildPack(vault, run.runId, { outDir: join(out, 'pack') });
    for (const person of PEOPLE) {
      await signPack(pack.folder, { identity: person.name, signer: await loadKeyFile(machines.get(person.name)!.keyFile), decision: 'approve' });
      await importSignature(vault, run.runId, pack.folder, person.name);
    }
    rmSync(pack.zip);
    await zipPackFolder(pack.folder, pack.zip, new Date(pack.chainHead.at));
    const verify = await verifyPack(pack.folder);
    return { runId: run.runId, vault: vaultPath, status: op.status(run.runId).status, pack, verify, incident: null };
  } finally {
    vault.close();
  }
}
