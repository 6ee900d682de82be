// Conditions: `when:` and `environments:` on a step or phase. A false condition makes the step
// N/A when the run reaches it, with the evaluated expression and its values in the evidence; N/A
// counts as done, and is neither a skip nor a deviation. Real local commands, no mocks.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autoplay } from '../../src/core/engine';
import { ACT_NAMESPACE } from '../../src/core/acts/document';
import { decisionFor } from '../../src/core/reports/decision';
import { sshsigSign } from '../../src/core/signing';
import { useEngineFixture } from './setup';

function runbook(dir: string): string {
  return `
format: cutover-runbook/v1
id: conditions-test
title: Conditions
version: "1"
policy: { approvals: { quorum: 1 } }
params:
  domain: { rehearsal: cartera, production: pagos }
targets:
  ws: { kind: local, cwd: "${dir}" }
preconditions:
  - { id: ready, kind: attest, title: Ready, statement: "Ready" }
phases:
  - id: P1
    title: Checks
    steps:
      - id: tables
        kind: check
        title: Tables
        target: ws
        read_only: true
        run: "echo 'tables=3 alembic=0'"
        capture: { tables: { pattern: "tables=(\\\\d+)", as: number }, alembic: { pattern: "alembic=(\\\\d+)", as: number } }
      - id: stamp
        kind: command
        title: Stamp head only if there are tables and no alembic_version
        target: ws
        when: "\${value:tables.tables} > 0 && \${value:tables.alembic} == 0"
        run: "touch stamped"
      - id: cartera_only
        kind: command
        title: Only for cartera
        target: ws
        when: "\${param:domain} == 'pagos'"
        run: "touch pagos-ran"
      - id: drill
        kind: manual
        title: Restore drill
        instructions: Do NOT run this in production.
        environments: [production]
  - id: P2
    title: Production only
    when: "environment == 'production'"
    steps:
      - { id: p2a, kind: command, title: P2 A, target: ws, run: "touch p2a-ran" }
      - { id: p2b, kind: manual, title: P2 B, instructions: Check it. }
`;
}

describe('conditions', () => {
  it('autoplay moves past false conditions as N/A (evidence has the expression and its values); the run completes with no skips', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(fx.dir), source: 'w.yaml', environment: 'rehearsal' });
    await fx.engine('ap1').approve(run.runId, 'ap1', fx.signer('ap1'));
    const said: string[] = [];
    const result = await autoplay(op, run.runId, { answers: { ready: true }, onStep: (line) => said.push(line) });
    expect(result.stopped).toBeNull();
    expect(said).toContain('cartera_only: N/A (its condition is false in this run)');
    expect(said).toContain('p2b: N/A (its condition is false in this run)');
    const state = op.status(run.runId);
    expect(state.status).toBe('COMPLETED');
    expect(Object.fromEntries([...state.steps.values()].map((s) => [s.stepId, s.status]))).toEqual({ ready: 'PASS', tables: 'PASS', stamp: 'PASS', cartera_only: 'N/A', drill: 'N/A', p2a: 'N/A', p2b: 'N/A' });
    expect(existsSync(join(fx.dir, 'stamped'))).toBe(true);
    expect(existsSync(join(fx.dir, 'pagos-ran'))).toBe(false);
    expect(existsSync(join(fx.dir, 'p2a-ran'))).toBe(false);

    const na = fx.vault.events().filter((e) => e.type === 'step.not_applicable').map((e) => e.payload as { stepId: string; conditions: unknown[] });
    expect(na.find((p) => p.stepId === 'cartera_only')!.conditions).toEqual([{ on: 'step', id: 'cartera_only', expr: "${param:domain} == 'pagos'", values: { '${param:domain}': 'cartera' }, result: false }]);
    expect(na.find((p) => p.stepId === 'drill')!.conditions).toEqual([{ on: 'step', id: 'drill', environments: ['production'], values: { environment: 'rehearsal' }, result: false }]);
    expect(na.find((p) => p.stepId === 'p2a')!.conditions).toEqual([{ on: 'phase', id: 'P2', expr: "environment == 'production'", values: {}, result: false }]);
    // The stamp step ran because its condition was true; step.started says so.
    const stampStarted = fx.vault.events().find((e) => e.type === 'step.started' && (e.payload as { stepId: string }).stepId === 'stamp')!.payload as { conditions: unknown[] };
    expect(stampStarted.conditions).toEqual([{ on: 'step', id: 'stamp', expr: '${value:tables.tables} > 0 && ${value:tables.alembic} == 0', values: { '${value:tables.tables}': 3, '${value:tables.alembic}': 0 }, result: true }]);
    // The evidence file of an N/A step says why.
    const artifact = fx.vault.artifacts().find((a) => a.name === 'cartera_only_not_applicable.json')!;
    const evidence = JSON.parse(Buffer.concat([...fx.vault.readArtifact(artifact.id)]).toString()) as { status: string; why: string };
    expect(evidence).toMatchObject({ status: 'N/A', why: "step cartera_only: `${param:domain} == 'pagos'` is false (${param:domain} = \"cartera\")" });
    // Completed with nothing skipped: N/A is not a skip.
    const completed = fx.vault.events().find((e) => e.type === 'run.completed')!.payload;
    expect(completed).toMatchObject({ skipped: [], notApplicable: ['cartera_only', 'drill', 'p2a', 'p2b'] });
    // The decision lists no error or deviation for them: N/A is what the runbook said to do here.
    const decision = decisionFor(fx.vault, run.runId);
    expect(decision.errors).toEqual([]);
    expect(decision.status).toBe('PASS');
  });

  it('an explicit exec (or done) of a step whose condition is false records N/A instead of running it; it cannot then be skipped or run', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(fx.dir), source: 'w.yaml', environment: 'rehearsal' });
    await op.attest(run.runId, 'ready');
    await op.executeStep(run.runId, 'tables');
    // No approval is needed to find that a step does not apply: nothing runs.
    const outcome = await op.executeStep(run.runId, 'cartera_only');
    expect(outcome).toMatchObject({ stepId: 'cartera_only', status: 'N/A', blocked: false });
    expect(existsSync(join(fx.dir, 'pagos-ran'))).toBe(false);
    expect((await op.done(run.runId, 'drill')).status).toBe('N/A');
    const before = fx.vault.head();
    await expect(op.skip(run.runId, 'cartera_only', 'because')).rejects.toThrow(/is N\/A/);
    await expect(op.executeStep(run.runId, 'cartera_only')).rejects.toThrow(/N\/A/);
    expect(fx.vault.head()).toEqual(before);
  });

  it('a condition that needs a value not captured yet is refused (nothing recorded); in production the same runbook applies the other steps', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(fx.dir), source: 'w.yaml', environment: 'rehearsal' });
    const before = fx.vault.head();
    await expect(op.executeStep(run.runId, 'stamp')).rejects.toThrow(/Step stamp's condition cannot be decided yet: \$\{value:tables\.tables\} has no value yet: step tables has not run yet/);
    expect(fx.vault.head()).toEqual(before);

    const prod = await op.startRun({ text: runbook(fx.dir), source: 'w.yaml', environment: 'production' });
    await op.attest(prod.runId, 'ready');
    await fx.engine('ap1').approve(prod.runId, 'ap1', fx.signer('ap1'));
    const result = await autoplay(op, prod.runId, { answers: { ready: true, drill: true, p2b: true } });
    expect(result.stopped).toBeNull();
    const state = op.status(prod.runId);
    expect(Object.fromEntries([...state.steps.values()].map((s) => [s.stepId, s.status]))).toEqual({ ready: 'PASS', tables: 'PASS', stamp: 'PASS', cartera_only: 'PASS', drill: 'PASS', p2a: 'PASS', p2b: 'PASS' });
  });
});

describe('an act signed elsewhere for a step that does not apply', () => {
  it('is refused (the step is N/A, not done) and the chain does not move', async () => {
    const fx = await useEngineFixture();
    const op = fx.engine('op');
    const run = await op.startRun({ text: runbook(fx.dir), source: 'w.yaml', environment: 'rehearsal' });
    await op.attest(run.runId, 'ready');
    await op.executeStep(run.runId, 'tables');
    // drill applies only in production; a done act for it, signed on the operator's own machine, is refused.
    const { bytes } = op.exportAct(run.runId, 'op', { kind: 'step.done', stepId: 'drill' });
    const signature = await sshsigSign(fx.signer('op'), bytes, ACT_NAMESPACE);
    const before = fx.vault.head();
    await expect(op.importAct({ text: bytes.toString(), signature })).rejects.toThrow(/Step drill does not apply in this run \(step drill applies to production, and this run is rehearsal\): it is recorded N\/A when the run reaches it, not done/);
    expect(fx.vault.head()).toEqual(before);
  });
});
