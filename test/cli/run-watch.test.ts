// `cutover run watch` from the command line: a repeating check's first run completes the run, and
// watch runs its occurrences as they fall due until the window ends, then says the schedule is
// over. How many occurrences fit depends on how fast the machine starts the CLI, so the test
// checks that what watch printed is what the chain holds, not a count.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunEngine } from '../../src/core/engine';
import { addIdentityFrom } from '../../src/core/identity';
import { createExecutor } from '../../src/core/targets';
import { Vault } from '../../src/core/vault';
import { PASSPHRASE, describeRun, runCli, startCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';

const RUNBOOK = `
format: cutover-runbook/v1
id: cli-hypercare
title: CLI hypercare
version: "1"
targets: { ws: { kind: local } }
phases:
  - id: hypercare
    title: Hypercare
    steps:
      - { id: kpi, kind: check, title: KPI, target: ws, read_only: true, run: "echo totals equal", expect: [ { output_contains: equal } ], repeat: { every: 2s, for: 6s } }
`;

describe('cutover run watch', () => {
  it('runs the due occurrences until the window ends; --once before anything is due runs nothing', async () => {
    const dir = useTempDir('cutover-cli-watch-');
    const vault = join(dir, 'ev.vault');
    const runbook = join(dir, 'hypercare.yaml');
    writeFileSync(runbook, RUNBOOK);
    const ok = async (args: string[]) => {
      const r = await runCli(args, { env: { CUTOVER_ACTOR: 'ana' } });
      expect(r.code, describeRun(r)).toBe(0);
      return r;
    };
    await ok(['vault', 'init', '--vault', vault]);
    await ok(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate']);
    const started = await ok(['run', 'start', '--vault', vault, '--runbook', runbook, '--env', 'rehearsal', '--json']);
    const runId = (JSON.parse(started.stdout) as { runId: string }).runId;
    const before = await ok(['run', 'watch', '--vault', vault, runId, '--once']);
    expect(before.stdout).toMatch(/kpi: every 2s for 6s, starts when the step first passes/);
    await ok(['run', 'step', '--vault', vault, runId, 'kpi']);
    const status = JSON.parse((await ok(['run', 'status', '--vault', vault, runId, '--json'])).stdout) as { status: string };
    expect(status.status).toBe('COMPLETED');

    const watched = await ok(['run', 'watch', '--vault', vault, runId]);
    expect(watched.stdout).toMatch(/kpi: schedule over \(\d+ runs, window ended /);
    const ran = [...watched.stdout.matchAll(/kpi occurrence (\d+): (\w+); transcript (\S+)/g)].map((m) => [Number(m[1]), m[2], m[3]]);
    const after = JSON.parse((await ok(['run', 'status', '--vault', vault, runId, '--json'])).stdout) as { status: string; steps: { stepId: string; status: string; occurrences?: { n: number; status: string }[] }[] };
    const kpi = after.steps.find((s) => s.stepId === 'kpi')!;
    expect(after.status).toBe('COMPLETED');
    expect(kpi.status).toBe('PASS');
    expect((kpi.occurrences ?? []).map((o) => [o.n, o.status])).toEqual(ran.map(([n, s]) => [n, s]));
    expect(ran.every(([n, s, name]) => s === 'PASS' && name === `kpi.occurrence-${n}.log`)).toBe(true);
  }, 180_000);
});

describe('an occurrence whose process dies', () => {
  it('is recorded INTERRUPTED by the next writer, and the schedule goes on with the next occurrence', async () => {
    const dir = useTempDir('cutover-cli-watch-kill-');
    const vaultPath = join(dir, 'ev.vault');
    const runbook = join(dir, 'hypercare.yaml');
    const slow = join(dir, 'SLOW');
    writeFileSync(runbook, RUNBOOK.replace('run: "echo totals equal"', `run: "if [ -f ${slow} ]; then echo slow-occurrence; sleep 20; fi; echo totals equal"`).replace('for: 6s', 'for: 10m'));
    const vault = Vault.create(vaultPath, PASSPHRASE);
    await addIdentityFrom(vault, { name: 'op', roles: ['operator'], source: { kind: 'generate' }, actor: 'setup' });
    vault.close();
    const env = { CUTOVER_ACTOR: 'op' };
    const started = await runCli(['run', 'start', '--vault', vaultPath, '--runbook', runbook, '--env', 'rehearsal', '--json'], { env });
    expect(started.code, describeRun(started)).toBe(0);
    const runId = (JSON.parse(started.stdout) as { runId: string }).runId;
    const first = await runCli(['run', 'step', '--vault', vaultPath, runId, 'kpi'], { env });
    expect(first.code, describeRun(first)).toBe(0);

    writeFileSync(slow, '');
    const watch = startCli(['run', 'watch', '--vault', vaultPath, runId], { env });
    watch.child.stdin.end();
    let seen = '';
    watch.child.stderr.on('data', (b: Buffer) => (seen += b.toString()));
    // Waits for the occurrence's own output, not for time.
    await new Promise<void>((resolve, reject) => {
      const onData = () => {
        if (!seen.includes('slow-occurrence')) return;
        watch.child.stderr.off('data', onData);
        resolve();
      };
      watch.child.stderr.on('data', onData);
      watch.child.on('close', () => reject(new Error(`run watch ended before its occurrence started: ${seen}`)));
    });
    watch.child.kill('SIGKILL');
    expect((await watch.result).signal).toBe('SIGKILL');

    const reopened = Vault.open(vaultPath, { passphrase: PASSPHRASE });
    try {
      const engine = new RunEngine(reopened, { actor: 'op', executors: createExecutor });
      expect(engine.status(runId).steps.get('kpi')!.occurrences!.map((o) => o.status)).toEqual(['running']);
      const state = engine.recover(runId);
      const kpi = state.steps.get('kpi')!;
      expect(kpi.status).toBe('PASS');
      expect(kpi.occurrences!.map((o) => [o.n, o.status])).toEqual([[2, 'INTERRUPTED']]);
      expect(state.status).toBe('COMPLETED');
      expect(engine.schedules(runId)[0]).toMatchObject({ running: false, runs: 2, next: { n: 3 } });
      engine.recover(runId);
      expect(reopened.events().filter((e) => e.type === 'step.interrupted')).toHaveLength(1);
      expect(reopened.verify().ok).toBe(true);
    } finally {
      reopened.close();
    }
  }, 180_000);
});
