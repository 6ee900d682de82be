// Insider tests, processes: SIGTERM (or SIGKILL) to the CLI during an approved command kills the command and
// the step runs again only after a signed retry; two CLI processes racing to start one command
// step run it once; a step's environment carries no CUTOVER_ variable; a 1-character secret is
// refused. Real CLI processes, real shell commands, real signals.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, expectNoCrash, PASSPHRASE, startCli, type CliResult } from '../helpers/cli';
import { World } from './world';

/** Polls `condition` every 50 ms until it holds or `ms` pass; returns whether it held. */
async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

/** A process that exists and is not a zombie (a container's init may not reap at once). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function cliEnvFor(w: World, actor = w.operator): Record<string, string | undefined> {
  return { CUTOVER_ACTOR: actor, SSH_AUTH_SOCK: undefined, SSH_AGENT_PID: undefined };
}

/**
 * A world whose run has one approved command step, `migrate`, that writes its pid, waits (until
 * the file `go` exists), then appends "finished" to finished.txt; the CLI is started on it and
 * this returns once the command is running.
 */
async function commandRunning(id: string): Promise<{ w: World; runId: string; gov1: Awaited<ReturnType<World['addPerson']>>; running: ReturnType<typeof startCli>; pid: number; go: string; out: string }> {
  const w = await World.create();
  const pidFile = join(w.dir, 'command.pid');
  const go = join(w.dir, 'go');
  const out = join(w.dir, 'finished.txt');
  await w.addOwner('ana');
  const gov1 = await w.addPerson('gov1', 'approver', { agent: true });
  const runId = await w.startRun(`
format: cutover-runbook/v1
id: ${id}
title: Insider ${id}
version: "1"
targets: { ws: { kind: local } }
phases:
  - id: P1
    title: Change
    steps:
      - id: migrate
        kind: command
        title: Migrate
        target: ws
        run: "echo $$ > ${pidFile}; if [ ! -e ${go} ]; then sleep 120; fi; echo finished >> ${out}"
        expect: [ { exit_code: 0 } ]
`);
  await w.approve(runId, gov1);
  const running = startCli(['run', 'step', '--vault', w.vault, runId, 'migrate'], { env: cliEnvFor(w), timeoutMs: 120_000 });
  running.child.stdin.end();
  const started = await waitFor(() => existsSync(pidFile) && /^\d+\n$/.test(readFileSync(pidFile, 'utf8')), 60_000);
  expect(started, 'the command never wrote its pid').toBe(true);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  expect(alive(pid)).toBe(true);
  return { w, runId, gov1, running, pid, go, out };
}

describe('insider: processes', () => {
  it('SIGTERM to the CLI during an approved command kills the command; the step runs again only after a signed retry', { timeout: 600_000 }, async () => {
    const { w, runId, gov1, running, pid, go, out } = await commandRunning('insider-sigterm');
    running.child.kill('SIGTERM');
    const r = await running.result;
    expect(r.signal, describeRun(r)).toBeNull();
    expect(r.code, describeRun(r)).toBe(143);
    expect(r.stderr, describeRun(r)).not.toMatch(/internal error/i);
    // The command's process is gone, and it never got to its write.
    expect(await waitFor(() => !alive(pid), 10_000), `the command (pid ${pid}) outlived the CLI`).toBe(true);
    expect(existsSync(out)).toBe(false);

    const step = (await w.status(runId)).steps.find((s) => s.stepId === 'migrate')!;
    expect(step.status).not.toBe('PASS');
    expect(['FAIL', 'INTERRUPTED']).toContain(step.status);

    // Running it again without a decision: refused.
    const before = await w.head();
    const again = await w.cli(['run', 'step', '--vault', w.vault, runId, 'migrate']);
    await w.refused(again, /BLOCKED at migrate|runs again only after a signed retry decision/, before);
    expect(existsSync(out)).toBe(false);

    // A retry decision signed by gov1 (an approver decides by default), their key in their own agent.
    const retry = await w.cli(['run', 'decide', '--vault', w.vault, runId, '--decision', 'retry', '--reason', 'the CLI was killed mid-command; the write did not happen (checked)', '--actor', 'gov1'], { agent: gov1.agent!.socket });
    expect(retry.code, describeRun(retry)).toBe(0);
    const decided = (await w.events()).filter((e) => e.type === 'run.decision');
    expect(decided.map((e) => [e.actor, e.payload.decision, e.payload.stepId])).toEqual([['gov1', 'retry', 'migrate']]);

    writeFileSync(go, '');
    const rerun = await w.cli(['run', 'step', '--vault', w.vault, runId, 'migrate']);
    expect(rerun.code, describeRun(rerun)).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('finished\n');
    const final = await w.status(runId);
    expect(final.steps.find((s) => s.stepId === 'migrate')!.status).toBe('PASS');
    expect(final.status).toBe('COMPLETED');
    // The first attempt stays in the evidence.
    expect((await w.events()).filter((e) => e.type === 'step.started' && e.payload.stepId === 'migrate')).toHaveLength(2);
  });

  it('SIGKILL to the CLI during an approved command (nothing can catch it): the step\'s lifeline kills the command; recovered, it runs again only after a signed retry', { timeout: 600_000 }, async () => {
    const { w, runId, running, pid, out } = await commandRunning('insider-sigkill');
    running.child.kill('SIGKILL');
    const r = await running.result;
    expect(r.signal, describeRun(r)).toBe('SIGKILL');
    // The command (and its sleep) is gone although the CLI could do nothing: its lifeline did it.
    expect(await waitFor(() => !alive(pid), 20_000), `the command (pid ${pid}) outlived the SIGKILLed CLI`).toBe(true);
    expect(existsSync(out)).toBe(false);

    // The vault still says the step is running; the next writer (here `run recover`) records it as interrupted.
    const recovered = await w.cli(['run', 'recover', '--vault', w.vault, runId]);
    expect(recovered.code, describeRun(recovered)).toBe(0);
    const step = (await w.status(runId)).steps.find((s) => s.stepId === 'migrate')!;
    expect(['FAIL', 'INTERRUPTED']).toContain(step.status);
    const before = await w.head();
    const again = await w.cli(['run', 'step', '--vault', w.vault, runId, 'migrate']);
    await w.refused(again, /BLOCKED at migrate|runs again only after a signed retry decision/, before);
    expect(existsSync(out)).toBe(false);
  });

  it('two CLI processes race to start the same approved command step: exactly one runs it', { timeout: 600_000 }, async () => {
    const w = await World.create();
    const out = join(w.dir, 'ran.txt');
    const release = join(w.dir, 'release');
    await w.addOwner('ana');
    const gov1 = await w.addPerson('gov1', 'approver');
    const runId = await w.startRun(`
format: cutover-runbook/v1
id: insider-race
title: Insider race
version: "1"
targets: { ws: { kind: local } }
phases:
  - id: P1
    title: Change
    steps:
      - id: migrate
        kind: command
        title: Migrate
        target: ws
        run: "echo ran >> ${out}; i=0; while [ ! -e ${release} ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done"
        expect: [ { exit_code: 0 } ]
`);
    await w.approve(runId, gov1);

    const a = startCli(['run', 'step', '--vault', w.vault, runId, 'migrate'], { env: cliEnvFor(w), timeoutMs: 180_000 });
    const b = startCli(['run', 'step', '--vault', w.vault, runId, 'migrate'], { env: cliEnvFor(w), timeoutMs: 180_000 });
    a.child.stdin.end();
    b.child.stdin.end();
    // The one that loses exits while the winner's command still waits for the release.
    const first = await Promise.race([a.result, b.result, new Promise<null>((r) => setTimeout(() => r(null), 90_000))]);
    writeFileSync(release, '');
    const results: CliResult[] = await Promise.all([a.result, b.result]);
    expect(first, `neither process exited while the command held: ${results.map(describeRun).join('\n====\n')}`).not.toBeNull();
    for (const r of results) expectNoCrash(r);
    const codes = results.map((r) => r.code).sort();
    expect(codes, results.map(describeRun).join('\n====\n')).toEqual([0, 2]);
    const loser = results.find((r) => r.code === 2)!;
    expect(loser.stderr, describeRun(loser)).toMatch(/^cutover: Step migrate is already running\./m);
    expect(readFileSync(out, 'utf8')).toBe('ran\n');
    const events = await w.events();
    expect(events.filter((e) => e.type === 'step.started' && e.payload.stepId === 'migrate')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'step.finished' && e.payload.stepId === 'migrate').map((e) => e.payload.status)).toEqual(['PASS']);
  });

  it('a step running `env` shows no CUTOVER_ variable in its transcript; a 1-character secret is refused', { timeout: 600_000 }, async () => {
    const w = await World.create();
    await w.addOwner('ana');
    const runId = await w.startRun(`
format: cutover-runbook/v1
id: insider-env
title: Insider env
version: "1"
targets: { ws: { kind: local } }
phases:
  - id: P0
    title: Look
    steps:
      - { id: show-env, kind: check, title: Environment, target: ws, read_only: true, run: env, env: { STEP_OWN: step-own-value }, expect: [ { output_contains: STEP_OWN=step-own-value } ] }
`);
    // The CLI itself holds the vault passphrase and a key passphrase in its environment.
    const ran = await w.cli(['run', 'step', '--vault', w.vault, runId, 'show-env', '--json'], { env: { CUTOVER_KEY_PASSPHRASE: 'key-passphrase-in-the-cli-env' } });
    expect(ran.code, describeRun(ran)).toBe(0);
    const finished = (await w.events()).find((e) => e.type === 'step.finished' && e.payload.stepId === 'show-env')!;
    const transcript = finished.payload.transcript as { artifactId: string; sha256: string };
    const cat = await w.ok(['artifact', 'cat', '--vault', w.vault, transcript.artifactId]);
    const text = cat.stdout;
    expect(text).toMatch(/^STEP_OWN=step-own-value$/m);
    expect(text).toMatch(/^PATH=/m);
    expect(text).not.toMatch(/CUTOVER_/);
    expect(text).not.toContain(PASSPHRASE);
    expect(text).not.toContain('key-passphrase-in-the-cli-env');
    expect(text).not.toMatch(/SSH_AUTH_SOCK/);

    const before = await w.head();
    const tiny = await w.cli(['secret', 'set', '--vault', w.vault, '--name', 'db_password'], { env: { CUTOVER_SECRET_VALUE: 'x' } });
    await w.refused(tiny, /The secret "db_password" is shorter than 6 characters, and was not stored/, before);
  });
});
