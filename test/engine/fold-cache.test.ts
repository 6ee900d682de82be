// The engine folds a run's events incrementally (only what was appended since its last look).
// It must always equal folding the whole chain, also when another handle on the same vault file
// (the CLI, in another process) appends, and callers must get copies they cannot corrupt it with.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunEngine } from '../../src/core/engine';
import { foldRun } from '../../src/core/engine/state';
import { loadRunbook } from '../../src/core/runbook/load';
import { createExecutor } from '../../src/core/targets';
import { Vault, type VaultEvent } from '../../src/core/vault';
import { PASS, useEngineFixture } from './setup';

const RUNBOOK = `
format: cutover-runbook/v1
id: fold-test
title: Fold test
version: "1"
policy: { approvals: { quorum: 1 } }
targets:
  ws: { kind: local }
preconditions:
  - { id: freeze, kind: attest, title: Write freeze, statement: "Write freeze confirmed" }
phases:
  - id: P0
    title: Checks
    steps:
      - { id: one, kind: check, title: One, target: ws, run: "echo one", read_only: true }
      - { id: two, kind: manual, title: Two, instructions: "Do two." }
      - { id: three, kind: manual, title: Three, instructions: "Do three." }
`;

function fullFold(vault: Vault, runId: string) {
  const state = foldRun(runId, vault.events(), (artifactId) => loadRunbook(Buffer.concat([...vault.readArtifact(artifactId)]).toString('utf8'), 'x').runbook);
  return { ...state!, runbook: undefined };
}

const comparable = (state: ReturnType<RunEngine['status']>) => ({ ...state, runbook: undefined });

describe('incremental run fold', () => {
  it('equals a full fold after every action, including appends through a second handle on the same file', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const { runId } = await op.startRun({ text: RUNBOOK, source: 'fold.yaml', environment: 'rehearsal' });
    expect(comparable(op.status(runId))).toEqual(fullFold(fx.vault, runId));

    await op.attest(runId, 'freeze');
    expect(comparable(op.status(runId))).toEqual(fullFold(fx.vault, runId));
    await op.executeStep(runId, 'one');
    expect(comparable(op.status(runId))).toEqual(fullFold(fx.vault, runId));

    // Another handle (as the CLI in another process would be) marks a step done.
    const other = Vault.open(join(fx.dir, 'ev.vault'), { passphrase: PASS });
    try {
      await new RunEngine(other, { actor: 'op', keyring: fx.keyring, executors: createExecutor }).done(runId, 'two', 'from the CLI');
    } finally {
      other.close();
    }
    const seen = op.status(runId);
    expect(seen.steps.get('two')!.status).toBe('PASS');
    expect(comparable(seen)).toEqual(fullFold(fx.vault, runId));

    // A caller editing what it got changes nothing for the next caller.
    seen.steps.get('three')!.status = 'PASS';
    seen.approvals.push({} as never);
    seen.hostKeys.ws = 'SHA256:forged';
    expect(op.status(runId).steps.get('three')!.status).toBe('pending');
    expect(comparable(op.status(runId))).toEqual(fullFold(fx.vault, runId));

    await op.done(runId, 'three');
    const last = op.status(runId);
    expect(last.status).toBe('COMPLETED');
    expect(comparable(last)).toEqual(fullFold(fx.vault, runId));
    const types = fx.vault.events().map((e: VaultEvent) => e.type);
    expect(types.filter((t) => t === 'run.completed')).toHaveLength(1);
  });
});
