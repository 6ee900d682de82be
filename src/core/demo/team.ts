// `cutover demo --team --db URL --out DIR`: the reference cutover played by four people on four
// workstations through the team ledger at URL. Each person has a vault of their own in DIR and
// acts only through their own processes of the real CLI: the operator starts the run and plays
// it (`run play`, which offers the plan and receives what the team sends while the run waits);
// approver-1 attests the approved window and both approvers sign the plan from their vaults
// (`ledger attest`, `ledger approve`); the incident commander, the runbook's sole decider, calls
// the GO (`ledger decide`). Nobody types `ledger receive` and no file passes by hand. Then the
// operator records the ledger's checkpoint and exports the pack, the approvers sign it with their
// own keys, and the pack and the whole ledger are verified. The demo itself only sets the people
// up (team-setup.ts) and follows the ledger, as an observer would, to know when each person acts.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { describeProblem, initLedger, LedgerFollower, PLAN_OFFERED, verifyLedger, type PublishedEvent } from '../ledger';
import { ledgerLabel } from '../ledger/connect';
import { verifyPack, zipPackFolder, type PackVerifyReport } from '../pack';
import { allSteps, loadRunbook } from '../runbook';
import { VaultInputError } from '../vault';
import { setUpTeam, type TeamPerson } from './team-setup';
import { PROJECT_ROOT } from './paths';

const ROOT = PROJECT_ROOT;
const CLI = join(ROOT, 'bin/cutover.mjs');
const REFERENCE = join(ROOT, 'examples/alembic-governance-cutover.yaml');
const HOST = join(ROOT, 'examples/alembic-governance-host');
const ANCHOR_SQL = join(HOST, 'backend/migrations/versions/0019_nav_snapshots_and_investor_statements.sql');
/** How long the operator's run waits on the team, and the demo on any one thing in the ledger. */
const WAIT = '10m';
const WAIT_MS = 600_000;

export interface TeamDemoOptions {
  out: string;
  /** The team ledger's URL (made with `ledger init` if it is not there; init is idempotent). */
  db: string;
  passphrase: string;
  /** Server for the throwaway target database (default PGURL or postgresql://postgres@127.0.0.1:5432/postgres). */
  pgUrl?: string;
  log?: (line: string) => void;
}

export interface PersonReport {
  name: string;
  roles: string[];
  part: string;
  workstation: string;
  vault: string;
  /** Each command they ran (as run from DIR) and what it said. */
  did: { command: string; said: string[] }[];
}

export interface TeamDemoResult {
  runId: string;
  status: string;
  ledger: { label: string; ok: boolean; summary: string };
  runbook: string;
  people: PersonReport[];
  pack: { folder: string; zip: string };
  verify: PackVerifyReport;
}

/** The reference runbook with an incident commander as the sole GO / NO-GO decider; nothing else changes. */
export function teamRunbook(reference: string): string {
  const roles = '  approver:\n    min: 2\n    description: Governance sign-off\n';
  const policy = 'policy:\n  approvals:\n    quorum: 2\n    role: approver\n';
  if (!reference.includes(roles) || !reference.includes(policy)) throw new Error('the reference runbook no longer declares the roles and policy `cutover demo --team` extends (src/core/demo/team.ts)');
  return '# cutover demo --team: examples/alembic-governance-cutover.yaml with one change, an incident\n'
    + '# commander who is the sole GO / NO-GO decider (roles: incident_commander; policy.decide).\n'
    + reference
      .replace(roles, `${roles}  incident_commander:\n    min: 1\n    description: The war room's sole GO / NO-GO decider\n`)
      .replace(policy, `${policy}  decide: incident_commander\n`);
}

interface Finished { code: number; stdout: string; stderr: string }

/** One CLI process of one person. */
class PersonProcess {
  readonly done: Promise<Finished>;
  exit: Finished | null = null;
  private readonly kill: () => void;

  constructor(person: TeamPerson, args: string[], passphrase: string, onLine?: (line: string) => void) {
    // The demo reads what each command says (run play's lines), so the commands speak English
    // whatever CUTOVER_LANG the caller has; `--team` is not translated (see the README).
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, CUTOVER_PASSPHRASE: passphrase, CUTOVER_ACTOR: person.name, CUTOVER_LANG: 'en' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!onLine) return;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    this.kill = () => child.kill('SIGTERM');
    this.done = new Promise((resolveDone) => {
      const finish = (code: number) => {
        if (partial && onLine) onLine(partial);
        this.exit = { code, stdout, stderr };
        resolveDone(this.exit);
      };
      child.on('error', (error) => {
        stderr += `${error.message}\n`;
        finish(127);
      });
      child.on('close', (code, signal) => finish(code ?? (signal ? 128 : 1)));
    });
  }

  stop(): void {
    if (!this.exit) this.kill();
  }
}

function shown(args: string[], out: string): string {
  return `cutover ${args.map((a) => a.split(`${out}/`).join('')).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ')}`;
}

/** Follows the ledger as an observer: every read checked, every event kept, waits on a doorbell. */
class Observer {
  private readonly events: PublishedEvent[] = [];

  constructor(private readonly follower: LedgerFollower) {}

  async until(what: string, found: (e: PublishedEvent) => boolean, play: PersonProcess): Promise<PublishedEvent> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const read = await this.follower.read();
      if (read.problems.length) throw new Error(`the ledger does not hold while waiting for ${what}: ${read.problems.map(describeProblem).join('; ')}`);
      this.events.push(...read.events);
      const hit = this.events.find(found);
      if (hit) return hit;
      if (play.exit) throw new Error(`the operator's run play ended (exit ${play.exit.code}) before ${what}:\n${play.exit.stdout.split('\n').slice(-15).join('\n')}\n${play.exit.stderr}`);
      if (Date.now() > deadline) throw new Error(`nothing in the ledger said ${what} within ${WAIT}`);
      await this.follower.waitForDoorbell(1_000);
    }
  }
}

async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'cutover-demo' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const ofRun = (runId: string, type: string) => (e: PublishedEvent) => e.type === type && (e.payload as { runId?: unknown } | null)?.runId === runId;

export async function runTeamDemo(options: TeamDemoOptions): Promise<TeamDemoResult> {
  const log = options.log ?? (() => {});
  const out = resolve(options.out);
  if (existsSync(out) && readdirSync(out).length > 0) throw new VaultInputError(`${out} is not empty; give --out a new or empty folder.`);
  // A bad or unreachable URL is said before anything is made (LedgerError: exit 2).
  ledgerLabel(options.db);
  const init = await initLedger(options.db);
  mkdirSync(out, { recursive: true });
  log(`Team ledger ${init.ledgerId} at ${init.label}${init.created ? ' (created)' : ''}.`);

  const admin = options.pgUrl ?? process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const dbName = `cutover_demo_team_${randomBytes(4).toString('hex')}`;
  await withAdmin(admin, (c) => c.query(`CREATE DATABASE ${dbName}`));
  const running: PersonProcess[] = [];
  let follower: LedgerFollower | null = null;
  try {
    const target = new URL(admin);
    target.pathname = `/${dbName}`;
    await withAdmin(target.toString(), (c) => c.query(readFileSync(ANCHOR_SQL, 'utf8')));
    const password = decodeURIComponent(target.password);
    target.password = '';
    if (!target.searchParams.has('sslmode')) target.searchParams.set('sslmode', 'disable');
    log(`Throwaway target database ${dbName} on ${target.host}, at the 0019 anchor schema with no Alembic lineage.`);

    log('Setup (the demo makes each person\'s machine, key and vault, and joins each to the ledger):');
    const people = await setUpTeam(out, options.db, options.passphrase, password, log);
    const [operator, approver1, approver2, commander] = people as [TeamPerson, TeamPerson, TeamPerson, TeamPerson];
    const reports = new Map(people.map((p) => [p.name, { name: p.name, roles: p.roles, part: p.part, workstation: p.workstation, vault: p.vault, did: [] } as PersonReport]));

    const runbookPath = join(out, 'runbook.yaml');
    const runbookText = teamRunbook(readFileSync(REFERENCE, 'utf8'));
    writeFileSync(runbookPath, runbookText);
    const backend = join(operator.dir, 'ops-host', 'backend');
    cpSync(HOST, join(operator.dir, 'ops-host'), { recursive: true });
    const answers: Record<string, unknown> = { 'pre-migration-commit': { commit: '70a7968', tag: 'demo' } };
    for (const { step } of allSteps(loadRunbook(runbookText).runbook)) if (step.kind === 'attest' && step.by === 'operator') answers[step.id] = true;
    const answersPath = join(operator.dir, 'answers.json');
    writeFileSync(answersPath, `${JSON.stringify(answers, null, 2)}\n`);

    /** Runs one person's command to its end; a failure stops the demo naming it. */
    const act = async (person: TeamPerson, args: string[], said: (stdout: string) => string[]): Promise<string> => {
      const command = shown(args, out);
      log(`[${person.name}] $ ${command}`);
      const p = new PersonProcess(person, args, options.passphrase);
      running.push(p);
      const { code, stdout, stderr } = await p.done;
      if (code !== 0) throw new Error(`${person.name}'s \`${command}\` exited ${code}:\n${stdout}${stderr}`);
      const lines = said(stdout);
      for (const line of lines) log(`[${person.name}]   ${line}`);
      reports.get(person.name)!.did.push({ command, said: lines });
      return stdout;
    };
    const firstLine = (stdout: string) => [stdout.trim().split('\n')[0] ?? ''];
    const lastLine = (stdout: string) => [stdout.trim().split('\n').at(-1) ?? ''];

    log('The cutover (each person in their own processes, on their own vault):');
    const started = await act(operator, ['run', 'start', '--vault', operator.vault, '--runbook', runbookPath, '--env', 'rehearsal', '--target', `prod_db=${target.toString()}`, `ops_host=local:${backend}`, '--json'], (stdout) => [`Started run ${(JSON.parse(stdout) as { runId: string }).runId}`]);
    const runId = (JSON.parse(started) as { runId: string }).runId;

    follower = await LedgerFollower.open(options.db, join(out, 'observer-heads.json'));
    const observer = new Observer(follower);
    const playArgs = ['run', 'play', '--vault', operator.vault, runId, '--answers', answersPath, '--wait', WAIT];
    log(`[${operator.name}] $ ${shown(playArgs, out)}`);
    const playSaid: string[] = [];
    const play = new PersonProcess(operator, playArgs, options.passphrase, (line) => {
      const text = line.trim();
      if (/^(offered the plan|received from|waiting for|All steps done|\w[\w-]*: (PASS|FAIL))/.test(text)) log(`[${operator.name}]   ${text}`);
      if (/^(offered the plan|received from|All steps done)/.test(text)) playSaid.push(text);
    });
    running.push(play);

    await observer.until(`run ${runId} started`, ofRun(runId, 'run.started'), play);
    await act(approver1, ['ledger', 'attest', '--vault', approver1.vault, runId, 'pre-approval', '--runbook', runbookPath], firstLine);
    await observer.until(`the plan of run ${runId} offered`, ofRun(runId, PLAN_OFFERED), play);
    for (const approver of [approver1, approver2]) await act(approver, ['ledger', 'approve', '--vault', approver.vault, runId], lastLine);
    await observer.until(`run ${runId} completed`, ofRun(runId, 'run.completed'), play);
    await act(commander, ['ledger', 'decide', '--vault', commander.vault, runId, '--root-cause', 'None: all gates passed', '--risk-tier', 'low', '--drift', 'None (0019 structural parity PASS)', '--authorization', 'Approved', '--note', 'GO from the war room'], firstLine);

    const played = await play.done;
    if (played.code !== 0) throw new Error(`the operator's \`${shown(playArgs, out)}\` exited ${played.code}:\n${played.stdout.split('\n').slice(-20).join('\n')}\n${played.stderr}`);
    reports.get(operator.name)!.did.push({ command: shown(playArgs, out), said: playSaid });

    await act(operator, ['ledger', 'checkpoint', '--vault', operator.vault, runId], firstLine);
    const exported = JSON.parse(await act(operator, ['pack', 'export', '--vault', operator.vault, runId, '--out', join(operator.dir, 'pack'), '--json'], (stdout) => {
      const p = JSON.parse(stdout) as { folder: string; manifestSha256: string };
      return [`exported ${p.folder.split(`${out}/`).join('')} (manifest sha256 ${p.manifestSha256})`];
    })) as { folder: string; zip: string; chainHead: { at: string } };
    for (const approver of [approver1, approver2]) await act(approver, ['pack', 'sign', exported.folder, '--identity', approver.name, '--key', approver.keyFile], firstLine);
    // The zip as exported has no signatures yet; write it again from the signed folder.
    rmSync(exported.zip);
    await zipPackFolder(exported.folder, exported.zip, new Date(exported.chainHead.at));
    const verify = await verifyPack(exported.folder);
    const ledger = await verifyLedger(options.db);
    const problem = ledger.firstProblem ? describeProblem(ledger.firstProblem) : null;
    const summary = problem ?? `OK: ${ledger.chains.length} chains, ${ledger.chains.reduce((n, c) => n + c.events, 0)} events, every link and signature checked`;
    return {
      runId, status: playSaid.some((l) => l.startsWith('All steps done')) ? 'COMPLETED' : 'not completed', runbook: runbookPath,
      ledger: { label: ledger.label, ok: ledger.ok, summary },
      people: [...reports.values()],
      pack: { folder: exported.folder, zip: exported.zip },
      verify,
    };
  } finally {
    for (const p of running) p.stop();
    await Promise.all(running.map((p) => p.done));
    if (follower) await follower.close();
    await withAdmin(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => undefined);
  }
}
