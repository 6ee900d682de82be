// A rehearsal from the command line, as a DBA and two approvers would do it. The DBA owns the
// vault; each approver has a key of their own (ssh-keygen), is registered by public key and
// proves it by signing the identity statement with `ssh-keygen -Y sign`. One approver signs the
// exported plan offline with plain `ssh-keygen -Y sign`, the other through the app with the key
// in their own ssh-agent.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { describeRun, runCli } from '../helpers/cli';
import { makeKey, startAgent, type KeygenKey } from '../helpers/ssh-keys';
import { useTempDir } from '../helpers/tmp';

const RUNBOOK = `
format: cutover-runbook/v1
id: cli-rehearsal
title: CLI rehearsal
version: "3"
policy: { approvals: { quorum: 2 } }
targets: { ws: { kind: local } }
preconditions:
  - { id: freeze, kind: attest, title: Write freeze, statement: Write freeze confirmed, evidence: write_freeze_attestation.log }
phases:
  - id: P0
    at: T-30
    title: Backup
    steps:
      - { id: snapshot, kind: record, title: Snapshot ID, fields: [ { name: snapshot_id, label: Snapshot ID } ] }
      - { id: check, kind: check, title: Current, target: ws, read_only: true, run: "echo current=0019", expect: [ { output_contains: current=0019 } ] }
  - id: P1
    at: T-0
    title: Change
    steps:
      - { id: migrate, kind: command, title: Migrate, target: ws, run: "echo upgraded to 70a79686336c", evidence: upgrade.log, expect: [ { exit_code: 0 } ] }
`;

describe('cutover run, plan and approve', () => {
  it('runs a rehearsal with one approval signed offline by ssh-keygen and one in the app', async () => {
    const dir = useTempDir('cutover-cli-run-');
    const vault = join(dir, 'ev.vault');
    const runbook = join(dir, 'rehearsal.yaml');
    writeFileSync(runbook, RUNBOOK);
    // Each approver's "machine": a directory of their own with their key.
    const machine = (name: string) => {
      const path = join(dir, `${name}-machine`);
      mkdirSync(path);
      return path;
    };
    const gov1 = await makeKey(machine('gov1'), 'ed25519', { name: 'gov1_key', comment: 'gov1@governance' });
    const gov2 = await makeKey(machine('gov2'), 'ed25519', { name: 'gov2_key', comment: 'gov2@governance' });
    const gov2Agent = await startAgent(join(dir, 'gov2-machine'));
    onTestFinished(() => gov2Agent.stop());
    gov2Agent.add(gov2.path);
    const ok = async (args: string[], env: Record<string, string> = {}) => {
      const r = await runCli(args, { env: { CUTOVER_ACTOR: 'ana', ...env } });
      expect(r.code, describeRun(r)).toBe(0);
      return r;
    };
    const keygen = (args: string[]) => {
      const r = spawnSync('ssh-keygen', args, { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    };
    /** Registered by public key; the statement signed on their machine with ssh-keygen; the proof imported. */
    const addApprover = async (name: string, key: KeygenKey) => {
      await ok(['identity', 'add', '--vault', vault, '--name', name, '--role', 'approver', '--public-key', `${key.path}.pub`]);
      const statement = join(dir, `${name}.identity.json`);
      await ok(['identity', 'statement', '--vault', vault, '--name', name, '--out', statement]);
      keygen(['-Y', 'sign', '-n', 'cutover-identity-v1', '-f', key.path, statement]);
      await ok(['identity', 'prove', '--vault', vault, '--name', name, '--statement', statement, '--signature', `${statement}.sig`]);
    };
    await ok(['vault', 'init', '--vault', vault]);
    await ok(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate']);
    await addApprover('gov1', gov1);
    await addApprover('gov2', gov2);
    const started = await ok(['run', 'start', '--vault', vault, '--runbook', runbook, '--env', 'rehearsal', '--json']);
    const runId = (JSON.parse(started.stdout) as { runId: string }).runId;

    const answers = join(dir, 'answers.yaml');
    writeFileSync(answers, 'freeze: true\nsnapshot: { snapshot_id: snap-0042 }\n');
    const blocked = await runCli(['run', 'play', '--vault', vault, runId, '--answers', answers], { env: { CUTOVER_ACTOR: 'ana' } });
    expect(blocked.code, describeRun(blocked)).toBe(1);
    expect(blocked.stderr).toMatch(/Stopped at migrate: needs 2 approver signature\(s\) over this step, has 0/);

    const plan = join(dir, 'plan.json');
    await ok(['plan', 'export', '--vault', vault, runId, '--out', plan]);
    keygen(['-Y', 'sign', '-n', 'cutover-plan-v1', '-f', gov1.path, plan]);
    const imported = await ok(['approve', 'import', '--vault', vault, runId, '--plan', plan, '--signature', `${plan}.sig`]);
    expect(imported.stdout).toMatch(/Imported approval by gov1/);
    const self = await runCli(['approve', 'sign', '--vault', vault, runId, '--identity', 'ana'], { env: { CUTOVER_ACTOR: 'ana' } });
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/operator of this run and cannot approve it/);
    // A name is not enough: gov2's key is not usable here until gov2's own agent is.
    const nameOnly = await runCli(['approve', 'sign', '--vault', vault, runId, '--identity', 'gov2'], { env: { CUTOVER_ACTOR: 'gov2', SSH_AUTH_SOCK: undefined } });
    expect(nameOnly.code, describeRun(nameOnly)).toBe(2);
    expect(nameOnly.stderr).toMatch(/gov2's key is not usable here/);
    await ok(['approve', 'sign', '--vault', vault, runId, '--identity', 'gov2'], { CUTOVER_ACTOR: 'gov2', SSH_AUTH_SOCK: gov2Agent.socket });

    const played = await ok(['run', 'play', '--vault', vault, runId, '--answers', answers]);
    expect(played.stdout).toMatch(/migrate: PASS/);
    expect(played.stdout).toMatch(/All steps done/);
    const status = JSON.parse((await ok(['run', 'status', '--vault', vault, runId, '--json'])).stdout) as { steps: { stepId: string; status: string }[]; approvals: { signer: string }[] };
    expect(status.steps.map((s) => s.status)).toEqual(['PASS', 'PASS', 'PASS', 'PASS']);
    expect(status.approvals.map((a) => a.signer)).toEqual(['gov1', 'gov2']);
    expect((status as unknown as { status: string }).status).toBe('COMPLETED');
    await ok(['vault', 'verify', '--vault', vault]);
  });

  it('skips a step with a reason, completes the run, and refuses a skip without one or on a closed run', async () => {
    const dir = useTempDir('cutover-cli-skip-');
    const vault = join(dir, 'ev.vault');
    const runbook = join(dir, 'rehearsal.yaml');
    writeFileSync(runbook, RUNBOOK.replace('quorum: 2', 'quorum: 1'));
    const cli = (args: string[]) => runCli(args, { env: { CUTOVER_ACTOR: 'ana' } });
    await cli(['vault', 'init', '--vault', vault]);
    await cli(['identity', 'add', '--vault', vault, '--name', 'ana', '--role', 'operator', '--generate']);
    const started = await cli(['run', 'start', '--vault', vault, '--runbook', runbook, '--env', 'rehearsal', '--json']);
    const runId = (JSON.parse(started.stdout) as { runId: string }).runId;
    await cli(['run', 'attest', '--vault', vault, runId, 'freeze']);
    await cli(['run', 'record', '--vault', vault, runId, 'snapshot', '--value', 'snapshot_id=snap-1']);
    await cli(['run', 'step', '--vault', vault, runId, 'check']);

    const noReason = await cli(['run', 'skip', '--vault', vault, runId, 'migrate']);
    expect(noReason.code, describeRun(noReason)).toBe(2);
    expect(noReason.stderr).toMatch(/--reason/);
    const blank = await cli(['run', 'skip', '--vault', vault, runId, 'migrate', '--reason', '  ']);
    expect(blank.code, describeRun(blank)).toBe(2);
    expect(blank.stderr).toMatch(/needs a reason/);

    const skipped = await cli(['run', 'skip', '--vault', vault, runId, 'migrate', '--reason', 'migration shipped in the previous window']);
    expect(skipped.code, describeRun(skipped)).toBe(0);
    expect(skipped.stdout).toMatch(/migrate: skipped\nThe run is COMPLETED/);
    const again = await cli(['run', 'skip', '--vault', vault, runId, 'check', '--reason', 'late']);
    expect(again.code, describeRun(again)).toBe(2);
    expect(again.stderr).toMatch(/already PASS|COMPLETED/);
    const status = JSON.parse((await cli(['run', 'status', '--vault', vault, runId, '--json'])).stdout) as { status: string; steps: { stepId: string; status: string; skipReason?: string }[] };
    expect(status.status).toBe('COMPLETED');
    expect(status.steps.find((s) => s.stepId === 'migrate')).toMatchObject({ status: 'skipped', skipReason: 'migration shipped in the previous window' });
  });
});
