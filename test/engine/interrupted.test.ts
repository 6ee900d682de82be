// The CLI killed with SIGKILL in the middle of a step: reopening shows the step INTERRUPTED
// with its partial transcript, and nothing resumes by itself.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunEngine } from '../../src/core/engine';
import { addIdentityFrom } from '../../src/core/identity';
import { createExecutor } from '../../src/core/targets';
import { Vault } from '../../src/core/vault';
import { PASSPHRASE, describeRun, runCli, startCli } from '../helpers/cli';
import { useTempDir } from '../helpers/tmp';

process.env.CUTOVER_SCRYPT_LOG2N = '14';

const RUNBOOK = `
format: cutover-runbook/v1
id: kill-test
title: Kill test
version: "1"
targets:
  ws: { kind: local }
phases:
  - id: P0
    title: Long check
    steps:
      - id: slow
        kind: check
        title: Slow output
        target: ws
        read_only: true
        run: "i=0; while [ $i -lt 200 ]; do echo line-$i; i=$((i+1)); sleep 0.1; done"
        evidence: slow.log
`;

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a run survives the app dying', () => {
  it('marks a step INTERRUPTED with its partial transcript after SIGKILL', async () => {
    const dir = useTempDir('cutover-kill-');
    const vaultPath = join(dir, 'ev.vault');
    const runbookPath = join(dir, 'kill.yaml');
    writeFileSync(runbookPath, RUNBOOK);
    const vault = Vault.create(vaultPath, PASSPHRASE);
    await addIdentityFrom(vault, { name: 'op', roles: ['operator'], source: { kind: 'generate' }, actor: 'setup' });
    vault.close();
    const env = { CUTOVER_ACTOR: 'op' };
    const started = await runCli(['run', 'start', '--vault', vaultPath, '--runbook', runbookPath, '--env', 'rehearsal', '--json'], { env });
    expect(started.code, describeRun(started)).toBe(0);
    const runId = (JSON.parse(started.stdout) as { runId: string }).runId;

    const step = startCli(['run', 'step', '--vault', vaultPath, runId, 'slow'], { env });
    step.child.stdin.end();
    let seen = '';
    step.child.stderr.on('data', (b: Buffer) => (seen += b.toString()));
    await waitFor(() => seen.includes('line-12'), 30_000);
    step.child.kill('SIGKILL');
    const killed = await step.result;
    expect(killed.signal).toBe('SIGKILL');

    const reopened = Vault.open(vaultPath, { passphrase: PASSPHRASE });
    try {
      const engine = new RunEngine(reopened, { actor: 'op', executors: createExecutor });
      // Reading changes nothing: status shows the runner gone, and no event is appended.
      const head = reopened.head().seq;
      const seen = engine.status(runId).steps.get('slow')!;
      expect(seen).toMatchObject({ status: 'running', runnerGone: true });
      expect(reopened.head().seq).toBe(head);
      // The next writer (here `recover`, as `cutover run recover`) records it INTERRUPTED.
      const state = engine.recover(runId);
      const slow = state.steps.get('slow')!;
      expect(slow.status).toBe('INTERRUPTED');
      const artifact = reopened.artifacts().find((a) => a.id === slow.transcript?.artifactId)!;
      expect(artifact.state).toBe('incomplete');
      const partial = Buffer.concat([...reopened.readArtifact(artifact.id)]).toString();
      expect(partial).toMatch(/^line-0\n/);
      expect(partial).toContain('line-5');
      expect(partial).not.toContain('line-199');
      expect(reopened.events().filter((e) => e.type === 'step.interrupted')).toHaveLength(1);
      // Nothing resumed: asking again changes nothing, and the chain verifies.
      engine.status(runId);
      engine.recover(runId);
      expect(engine.status(runId).steps.get('slow')!.status).toBe('INTERRUPTED');
      expect(reopened.events().filter((e) => e.type === 'step.interrupted')).toHaveLength(1);
      expect(reopened.verify().ok).toBe(true);
    } finally {
      reopened.close();
    }
    const status = await runCli(['run', 'status', '--vault', vaultPath, runId], { env });
    expect(status.stdout).toMatch(/INTERRUPTED\s+slow/);
  });
});
