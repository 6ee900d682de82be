// Parameters: one runbook for rehearsal and production. Values per environment, a default,
// `--param` overrides (typed like the runbook's value), signed in run.start and shown in the
// plan; in SQL a reference is a bound parameter on the real PostgreSQL, never spliced text.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildPlan } from '../../src/core/engine';
import { describeRun, runCli } from '../helpers/cli';
import { useTestDatabase } from '../helpers/pg';
import { useTempDir } from '../helpers/tmp';
import { useEngineFixture } from './setup';

function runbook(dsn: string): string {
  return `
format: cutover-runbook/v1
id: params-test
title: Params
version: "1"
policy: { approvals: { quorum: 1 } }
params:
  greeting: { rehearsal: hola-ensayo, production: hola-prod }
  owner: "O'Brien"
  batch: { default: 10, description: rows per batch }
  db_dsn: { default: "${dsn}" }
targets:
  ws: { kind: local }
  db: { kind: postgres, dsn: "\${param:db_dsn}", tls: disable }
phases:
  - id: P1
    title: One
    steps:
      - id: who
        kind: check
        title: Owner arrives intact
        target: db
        sql: "select \${param:owner}::text as owner, length(\${param:owner}) as n, \${param:owner}::text = 'O''Brien' as same"
        expect: [ { value: { column: owner, equals: "\${param:owner}" } }, { value: { column: same, equals: "true" } } ]
      - id: hello
        kind: check
        title: Hello
        target: ws
        read_only: true
        run: "echo greeting=\${param:greeting} batch=\${param:batch}; echo \\"owner=$OWNER\\""
        env: { OWNER: "\${param:owner}" }
        expect: [ { output_contains: "greeting=\${param:greeting} batch=\${param:batch}" }, { output_contains: "owner=O'Brien" } ]
      - id: loud
        kind: command
        title: Loud
        target: ws
        run: "echo \${param:owner}"
`;
}

describe('parameters', () => {
  it('take the environment\'s value or the default, are signed in run.start and shown in the plan', async () => {
    const db = await useTestDatabase();
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const rehearsal = await op.startRun({ text: runbook(db.dsn), source: 'p.yaml', environment: 'rehearsal' });
    expect(rehearsal.params).toEqual({ greeting: 'hola-ensayo', owner: "O'Brien", batch: 10, db_dsn: db.dsn });
    const started = fx.vault.events().find((e) => e.type === 'run.started' && (e.payload as { runId: string }).runId === rehearsal.runId)!;
    expect((started.payload as { params: unknown }).params).toEqual(rehearsal.params);
    // The target's DSN came from the parameter.
    expect(rehearsal.targets.db).toMatchObject({ kind: 'postgres', dsn: db.dsn });

    const prod = await op.startRun({ text: runbook(db.dsn), source: 'p.yaml', environment: 'production', params: { batch: '250', greeting: 'override' } });
    expect(prod.params).toMatchObject({ greeting: 'override', batch: 250 });

    const plan = buildPlan(op.status(rehearsal.runId));
    expect(plan.params).toEqual(rehearsal.params);
    const hello = plan.steps.find((s) => s.stepId === 'hello')!;
    expect(hello.command).toContain('${param:greeting}');
    expect(hello.references).toEqual({ 'param:greeting': { param: 'hola-ensayo' }, 'param:batch': { param: 10 }, 'param:owner': { param: "O'Brien" } });
  });

  it('a value with a quote arrives intact as a bound SQL parameter; an injection attempt is only text', async () => {
    const db = await useTestDatabase();
    await db.query('create table keep_me (id int)');
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(db.dsn), source: 'p.yaml', environment: 'rehearsal' });
    const outcome = await op.executeStep(run.runId, 'who');
    expect(outcome.status).toBe('PASS');
    const started = fx.vault.events().filter((e) => e.type === 'step.started').at(-1)!.payload as { command: string; bind: unknown[] };
    expect(started.command).toBe("select $1::text as owner, length($1) as n, $1::text = 'O''Brien' as same");
    expect(started.bind).toEqual(["O'Brien"]);

    const evil = "x'); drop table keep_me; --";
    const run2 = await op.startRun({ text: runbook(db.dsn), source: 'p.yaml', environment: 'rehearsal', params: { owner: evil } });
    const outcome2 = await op.executeStep(run2.runId, 'who');
    // The value arrived as text: the owner column equals it exactly, and `same` is false.
    expect(outcome2.gates.find((g) => g.check?.type === 'value' && g.check.column === 'owner')).toMatchObject({ passed: true, check: { actual: evil } });
    expect(outcome2.gates.find((g) => g.check?.type === 'value' && g.check.column === 'same')).toMatchObject({ passed: false });
    expect((await db.query("select to_regclass('keep_me') as t")).rows[0]!.t).toBe('keep_me');
  });

  it('fills commands and env; a value a shell would not read as one word is refused in `run` (use env), and the chain does not move', async () => {
    const db = await useTestDatabase();
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(db.dsn), source: 'p.yaml', environment: 'rehearsal' });
    const hello = await op.executeStep(run.runId, 'hello');
    expect(hello.status).toBe('PASS');
    const started = fx.vault.events().filter((e) => e.type === 'step.started').at(-1)!.payload as { command: string };
    expect(started.command).toBe('echo greeting=hola-ensayo batch=10; echo "owner=$OWNER"');

    await fx.engine('ap1').approve(run.runId, 'ap1', fx.signer('ap1'));
    await op.executeStep(run.runId, 'who');
    const before = fx.vault.head();
    await expect(op.executeStep(run.runId, 'loud')).rejects.toThrow(/would splice \$\{param:owner\} = "O'Brien" into a shell command.*Pass it through the step's env/s);
    expect(fx.vault.head()).toEqual(before);
  });

  it('refuses an unknown --param, a number that is not one, and a parameter with no value for the environment; nothing is recorded', async () => {
    const db = await useTestDatabase();
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const before = fx.vault.head();
    await expect(op.startRun({ text: runbook(db.dsn), source: 'p.yaml', environment: 'rehearsal', params: { nope: '1' } })).rejects.toThrow(/--param nope=…: the runbook declares no parameter "nope" \(it has greeting, owner, batch, db_dsn\)/);
    await expect(op.startRun({ text: runbook(db.dsn), source: 'p.yaml', environment: 'rehearsal', params: { batch: 'ten' } })).rejects.toThrow(/batch is a number in the runbook \(10\); give a number/);
    const onlyRehearsal = runbook(db.dsn).replace('greeting: { rehearsal: hola-ensayo, production: hola-prod }', 'greeting: { rehearsal: hola-ensayo }');
    await expect(op.startRun({ text: onlyRehearsal, source: 'p.yaml', environment: 'production' })).rejects.toThrow(/Parameter greeting has no value for a production run: give it with --param greeting=VALUE/);
    expect(fx.vault.head()).toEqual(before);
  });
});

describe('cutover run start --param', () => {
  it('sets a parameter (repeatable); an unknown name or a malformed one exits 2 and starts nothing; run play moves past N/A', { timeout: 600_000 }, async () => {
    const dir = useTempDir('cutover-params-cli-');
    const vault = join(dir, 'ev.vault');
    const rb = join(dir, 'rb.yaml');
    writeFileSync(rb, `format: cutover-runbook/v1
id: cli-params
title: CLI params
version: "1"
params:
  greeting: { rehearsal: hola, production: adios }
  mode: full
targets:
  ws: { kind: local }
phases:
  - id: P1
    title: One
    steps:
      - { id: hi, kind: check, title: Hi, target: ws, read_only: true, run: "echo \${param:greeting}", expect: [ { output_contains: "\${param:greeting}" } ] }
      - { id: dry, kind: check, title: Dry run, target: ws, read_only: true, run: "echo dry", when: "\${param:mode} == 'dry'" }
`);
    const cli = (args: string[]) => runCli(args, { env: { CUTOVER_ACTOR: 'ana' }, cwd: dir });
    const ok = async (args: string[]) => {
      const r = await cli(args);
      expect(r.code, describeRun(r)).toBe(0);
      return r;
    };
    await ok(['vault', 'init', '--vault', vault]);
    await ok(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate']);
    const head = async () => (await ok(['vault', 'log', '--vault', vault, '--json'])).stdout.trim().split('\n').at(-1)!;
    const before = await head();
    for (const [param, message] of [['nope=1', /--param nope=…: the runbook declares no parameter "nope" \(it has greeting, mode\)/], ['greeting', /--param takes NAME=VALUE, got "greeting"/]] as const) {
      const r = await cli(['run', 'start', '--vault', vault, '--runbook', rb, '--env', 'rehearsal', '--param', param]);
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await head()).toBe(before);
    const started = await ok(['run', 'start', '--vault', vault, '--runbook', rb, '--env', 'rehearsal', '--param', 'greeting=hi-there', '--param', 'mode=full', '--json']);
    const runId = (JSON.parse(started.stdout) as { runId: string; params: unknown }).runId;
    expect((JSON.parse(started.stdout) as { params: unknown }).params).toEqual({ greeting: 'hi-there', mode: 'full' });
    await ok(['run', 'play', runId, '--vault', vault]);
    const status = await ok(['run', 'status', runId, '--vault', vault]);
    expect(status.stdout).toMatch(/Status: COMPLETED/);
    expect(status.stdout).toMatch(/N\/A\s+dry .*not applicable: \$\{param:mode\} == 'dry'/);
  });
});

describe('parameters in a monitor', () => {
  it('a probe URL from a parameter is probed at its value; the plan shows it as written', async () => {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url!);
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ source: 'm.yaml', environment: 'rehearsal', text: `
format: cutover-runbook/v1
id: monitor-param
title: Monitor param
version: "1"
params:
  app: { rehearsal: "${url}", production: "https://app.example" }
targets:
  ws: { kind: local }
phases:
  - id: P1
    title: Watch
    steps:
      - id: watch
        kind: monitor
        title: Health
        probe: { url: "\${param:app}/health", every: 50ms, for: 120ms }
        thresholds: [ "error_rate_pct <= 0" ]
` });
    const outcome = await op.executeStep(run.runId, 'watch');
    expect(outcome.status).toBe('PASS');
    expect(hits.length).toBeGreaterThan(0);
    expect(new Set(hits)).toEqual(new Set(['/health']));
    const entry = buildPlan(op.status(run.runId)).steps.find((s) => s.stepId === 'watch')!;
    expect(entry.command).toContain('${param:app}/health');
    expect(entry.references).toEqual({ 'param:app': { param: url } });
  });
});
