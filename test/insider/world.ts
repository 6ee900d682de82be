// The insider tests' world: one vault driven through the real `cutover` CLI (bin/cutover.mjs as
// a child process), its owner the operator (a key generated into the vault, or a key file they
// brought), and everyone else a person with a home directory of their own (their "machine")
// holding a key made by ssh-keygen, optionally loaded into an ssh-agent of their own. People
// prove their identity and sign plans and acts with plain `ssh-keygen -Y sign`. No mocks.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { describeRun, expectRefusal, runCli, type CliResult } from '../helpers/cli';
import { makeKey, startAgent, type KeygenKey, type TestAgent } from '../helpers/ssh-keys';
import { useTempDir } from '../helpers/tmp';

export const NS = { identity: 'cutover-identity-v1', plan: 'cutover-plan-v1', act: 'cutover-act-v1' } as const;

export interface Person {
  name: string;
  /** Their own machine: a directory only they use. */
  home: string;
  key: KeygenKey;
  /** Their own ssh-agent holding their key, when they use one. */
  agent?: TestAgent;
}

export interface Head {
  events: number;
  hash: string;
}

export interface ChainEvent {
  seq: number;
  actor: string;
  type: string;
  payload: Record<string, unknown>;
  hash: string;
}

/** `ssh-keygen -Y sign -n NS -f KEY FILE` as the person does it on their machine: through their agent when they have one (the .pub names the key), else with the key file. Writes FILE.sig. */
export function signAs(person: Person, namespace: string, file: string): void {
  const viaAgent = Boolean(person.agent);
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SSH_AGENT_PID;
  if (viaAgent) env.SSH_AUTH_SOCK = person.agent!.socket;
  else delete env.SSH_AUTH_SOCK;
  const key = viaAgent ? `${person.key.path}.pub` : person.key.path;
  const r = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', namespace, '-f', key, file], { encoding: 'utf8', env, cwd: person.home, timeout: 60_000 });
  expect(r.status, `ssh-keygen -Y sign as ${person.name}: ${r.stderr}`).toBe(0);
}

/** `ssh-keygen -Y sign` with a bare key file (anyone's: an attacker's, the operator's own). */
export function signWithKeyFile(keyPath: string, namespace: string, file: string): void {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SSH_AUTH_SOCK;
  const r = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', namespace, '-f', keyPath, file], { encoding: 'utf8', env, timeout: 60_000 });
  expect(r.status, `ssh-keygen -Y sign -f ${keyPath}: ${r.stderr}`).toBe(0);
}

export class World {
  readonly vault: string;
  readonly people = new Map<string, Person>();
  /** The name CLI calls act as by default (CUTOVER_ACTOR). */
  operator = 'ana';

  constructor(readonly dir: string) {
    this.vault = join(dir, 'evidence.vault');
  }

  /** A new world in a temp dir removed when the test ends, with its vault created. */
  static async create(prefix = 'cutover-insider-'): Promise<World> {
    const world = new World(useTempDir(prefix));
    await world.ok(['vault', 'init', '--vault', world.vault]);
    return world;
  }

  /**
   * `cutover ARGS` as a child process, acting as the operator unless `actor` says otherwise,
   * with no ssh-agent unless `agent` gives one (nobody's key is usable by accident).
   */
  cli(args: string[], options: { actor?: string; agent?: string; env?: Record<string, string | undefined>; input?: string } = {}): Promise<CliResult> {
    return runCli(args, {
      env: { CUTOVER_ACTOR: options.actor ?? this.operator, SSH_AUTH_SOCK: options.agent, SSH_AGENT_PID: undefined, ...options.env },
      ...(options.input !== undefined ? { input: options.input } : {}),
    });
  }

  async ok(args: string[], options: Parameters<World['cli']>[1] = {}): Promise<CliResult> {
    const r = await this.cli(args, options);
    expect(r.code, `cutover ${args.join(' ')}\n${describeRun(r)}`).toBe(0);
    return r;
  }

  /** The chain as `cutover vault log --json` shows it (the vault opened read-only). */
  async events(): Promise<ChainEvent[]> {
    const r = await this.ok(['vault', 'log', '--vault', this.vault, '--json']);
    return JSON.parse(r.stdout) as ChainEvent[];
  }

  /** The chain head, read with `cutover vault log --json`. */
  async head(): Promise<Head> {
    const events = await this.events();
    const last = events.at(-1)!;
    return { events: events.length, hash: last.hash };
  }

  /** Asserts a refusal: exit 2, a `cutover:` message matching `message`, and the chain head where it was. */
  async refused(r: CliResult, message: RegExp, before: Head): Promise<void> {
    expectRefusal(r, 2, message);
    expect(await this.head(), 'the chain head moved after a refused command').toEqual(before);
  }

  /** The vault's owner and operator: a key generated into the vault. */
  async addOwner(name = 'ana'): Promise<void> {
    this.operator = name;
    await this.ok(['identity', 'add', '--vault', this.vault, '--name', name, '--role', 'operator', '--generate']);
  }

  /** The vault's owner with a key file of their own (so the test can also sign with it outside the app). */
  async addOwnerWithKeyFile(name = 'ana'): Promise<KeygenKey> {
    this.operator = name;
    const home = join(this.dir, `home-${name}`);
    mkdirSync(home, { recursive: true });
    const key = await makeKey(home, 'ed25519', { name: 'id_ed25519', comment: `${name}@workstation` });
    await this.ok(['identity', 'add', '--vault', this.vault, '--name', name, '--role', 'operator', '--ssh-key', key.path]);
    return key;
  }

  /** A person with their own machine and key (and, with `agent`, their own ssh-agent holding it); not yet registered. */
  async newPerson(name: string, options: { agent?: boolean } = {}): Promise<Person> {
    const home = join(this.dir, `home-${name}`);
    mkdirSync(home, { recursive: true });
    const key = await makeKey(home, 'ed25519', { name: 'id_ed25519', comment: `${name}@laptop` });
    const person: Person = { name, home, key };
    if (options.agent) {
      const agent = await startAgent(home);
      onTestFinished(() => agent.stop());
      agent.add(key.path);
      person.agent = agent;
    }
    this.people.set(name, person);
    return person;
  }

  /** Registers a person by public key (`identity add --public-key`), unproven. */
  async register(person: Person, roles: string): Promise<void> {
    await this.ok(['identity', 'add', '--vault', this.vault, '--name', person.name, '--role', roles, '--public-key', `${person.key.path}.pub`]);
  }

  /** The person proves their key: the statement the app prints, signed on their machine with ssh-keygen, imported. */
  async prove(person: Person): Promise<void> {
    const statement = join(person.home, `${person.name}.identity.json`);
    await this.ok(['identity', 'statement', '--vault', this.vault, '--name', person.name, '--out', statement]);
    signAs(person, NS.identity, statement);
    await this.ok(['identity', 'prove', '--vault', this.vault, '--name', person.name, '--statement', statement, '--signature', `${statement}.sig`]);
  }

  /** A new person, registered and proven. */
  async addPerson(name: string, roles: string, options: { agent?: boolean; prove?: boolean } = {}): Promise<Person> {
    const person = await this.newPerson(name, options);
    await this.register(person, roles);
    if (options.prove !== false) await this.prove(person);
    return person;
  }

  /** Writes a runbook file into the world's dir. */
  runbook(text: string, name = 'runbook.yaml'): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  /** `cutover run start` by the operator; returns the run id. */
  async startRun(runbookText: string, env: 'rehearsal' | 'production' = 'rehearsal', targets: Record<string, string> = {}): Promise<string> {
    const file = this.runbook(runbookText, `runbook-${Math.random().toString(36).slice(2, 8)}.yaml`);
    const args = ['run', 'start', '--vault', this.vault, '--runbook', file, '--env', env, '--json'];
    for (const [name, uri] of Object.entries(targets)) args.push('--target', `${name}=${uri}`);
    const r = await this.ok(args);
    return (JSON.parse(r.stdout) as { runId: string }).runId;
  }

  /** `cutover plan export` into the person's machine; returns the plan file. */
  async exportPlan(runId: string, person: Person | { home: string; name: string }): Promise<string> {
    const plan = join(person.home, `plan-${runId.slice(0, 8)}-${Math.random().toString(36).slice(2, 8)}.json`);
    await this.ok(['plan', 'export', '--vault', this.vault, runId, '--out', plan]);
    return plan;
  }

  /** Each approver signs the exported plan on their own machine with ssh-keygen; the operator imports the approvals. */
  async approve(runId: string, ...approvers: Person[]): Promise<void> {
    for (const person of approvers) {
      const plan = await this.exportPlan(runId, person);
      signAs(person, NS.plan, plan);
      const r = await this.ok(['approve', 'import', '--vault', this.vault, runId, '--plan', plan, '--signature', `${plan}.sig`]);
      expect(r.stdout).toMatch(new RegExp(`Imported approval by ${person.name}\\b`));
    }
  }

  /** `cutover run status --json`. */
  async status(runId: string): Promise<{ status: string; steps: { stepId: string; status: string; attempts?: number }[]; blockedBy?: { stepId: string; reason: string } | null }> {
    const r = await this.ok(['run', 'status', '--vault', this.vault, runId, '--json']);
    return JSON.parse(r.stdout);
  }

  async stepStatus(runId: string, stepId: string): Promise<string> {
    return (await this.status(runId)).steps.find((s) => s.stepId === stepId)!.status;
  }
}
